import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MemberRef } from '../../main/scim/resource/resource-doc';
import type { DirectoryStore } from '../../main/store/directory-store';
import { at, NO_EXTRAS, NOW, patchWith, WITH_GROUPS, WITH_MEMBERS, type ContractContext } from './contract-context';

const OBJECT_ID = 'ab12cd34-0000-4000-8000-00000000abcd';
const byValue = (a: { value: string }, b: { value: string }) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);

/** Group membership: members, counts and versions, nested groups, and members kept pending until they exist. */
export function describeMembershipContract<S extends DirectoryStore>(ctx: ContractContext<S>): void {
  const user = (userName: string, extra: Record<string, unknown> = {}, now = NOW) => ctx.store().createResource('User', { doc: { userName, ...extra } }, now);
  const group = (displayName: string, members: MemberRef[] = [], extra: Record<string, unknown> = {}) =>
    ctx.store().createResource('Group', { doc: { displayName, ...extra }, ...(members.length > 0 ? { members } : {}) }, NOW);
  const patchGroup = (id: string, operations: unknown[], now = NOW) => ctx.store().patchResource('Group', id, patchWith('Group', operations), {}, now, NO_EXTRAS);
  const read = async (id: string) => {
    const found = await ctx.store().getResource('Group', id, WITH_MEMBERS);
    return { ...found, members: [...(found?.members ?? [])].sort(byValue) };
  };
  const pendingOf = async (id: string) => (await ctx.store().listMembers(id, 1, 100)).pending.map((p) => p.value).sort();

  describe('membership', () => {
    it('creates a group with members, counted, each with its type', async () => {
      const u = await user('m@contoso.com');
      const inner = await group('Inner');
      const g = await group('G', [{ value: u.id }, { value: inner.id }]);
      assert.equal(g.memberCount, 2);
      assert.deepEqual((await read(g.id)).members, [{ value: u.id, type: 'User' }, { value: inner.id, type: 'Group' }].sort(byValue));
    });

    it('scans every membership once, a page at a time, with both ends named (the scheduled exports read this)', async () => {
      const a = await user('a@contoso.com', { externalId: 'ea', displayName: 'Alice' });
      const b = await user('b@contoso.com');
      const inner = await group('Inner', [], { externalId: 'ei' });
      const g1 = await group('Sales', [{ value: a.id }, { value: b.id }, { value: inner.id }], { externalId: 'e1' });
      const g2 = await group('Ops', [{ value: a.id }]);
      const seen: Array<Record<string, unknown>> = [];
      let after: { groupId: string; memberId: string } | undefined;
      for (;;) {
        const page = await ctx.store().scanMemberships(after, 2);
        seen.push(...page.map((row) => ({ ...row })));
        if (page.length < 2) break;
        after = { groupId: page[page.length - 1]!.groupId, memberId: page[page.length - 1]!.memberId };
      }
      const key = (r: Record<string, unknown>) => `${String(r['groupId'])}/${String(r['memberId'])}`;
      assert.deepEqual(seen.map(key), [...seen].map(key).sort(), 'ordered by group, then member');
      const sorted = [...seen].sort((x, y) => (key(x) < key(y) ? -1 : 1));
      const expected = [
        { groupId: g1.id, groupDisplayName: 'Sales', groupExternalId: 'e1', memberId: a.id, memberType: 'User', memberUserName: 'a@contoso.com', memberDisplayName: 'Alice', memberExternalId: 'ea' },
        { groupId: g1.id, groupDisplayName: 'Sales', groupExternalId: 'e1', memberId: b.id, memberType: 'User', memberUserName: 'b@contoso.com', memberDisplayName: null, memberExternalId: null },
        { groupId: g1.id, groupDisplayName: 'Sales', groupExternalId: 'e1', memberId: inner.id, memberType: 'Group', memberUserName: null, memberDisplayName: 'Inner', memberExternalId: 'ei' },
        { groupId: g2.id, groupDisplayName: 'Ops', groupExternalId: null, memberId: a.id, memberType: 'User', memberUserName: 'a@contoso.com', memberDisplayName: 'Alice', memberExternalId: 'ea' },
      ].sort((x, y) => (key(x) < key(y) ? -1 : 1));
      assert.deepEqual(sorted, expected);
    });

    it('adds and removes members by PATCH with a new version only when the members SCIM shows change', async () => {
      const [a, b] = [await user('a@contoso.com'), await user('b@contoso.com')];
      const g = await group('G');
      const added = await patchGroup(g.id, [{ op: 'add', path: 'members', value: [{ value: a.id }, { value: b.id }] }], at(60));
      assert.equal(added.changed, true);
      assert.equal(added.resource.version, 2);
      assert.equal(added.resource.lastModified, at(60).toISOString());
      assert.equal(added.resource.members, undefined, 'members only when asked for');
      const again = await patchGroup(g.id, [{ op: 'add', path: 'members', value: [{ value: a.id }] }], at(120));
      assert.equal(again.changed, false, 'adding a member twice changes nothing');
      assert.equal(again.resource.version, 2);
      await patchGroup(g.id, [{ op: 'remove', path: 'members', value: [{ value: a.id }] }]);
      assert.deepEqual((await read(g.id)).members, [{ value: b.id, type: 'User' }]);
      await patchGroup(g.id, [{ op: 'remove', path: `members[value eq "${b.id}"]` }]);
      const emptied = await read(g.id);
      assert.deepEqual(emptied.members, []);
      assert.equal(emptied.memberCount, 0);
      assert.equal(emptied.version, 4);
    });

    it('replaces the member list on PUT and removes all members by a path-only remove', async () => {
      const [a, b, c] = [await user('a@contoso.com'), await user('b@contoso.com'), await user('c@contoso.com')];
      const g = await group('G', [{ value: a.id }, { value: b.id }]);
      const put = await ctx.store().replaceResource('Group', g.id, { doc: { displayName: 'G' }, members: [{ value: c.id }] }, {}, NOW);
      assert.deepEqual(put.members, [{ value: c.id, type: 'User' }]);
      assert.equal(put.memberCount, 1);
      const kept = await ctx.store().replaceResource('Group', g.id, { doc: { displayName: 'G renamed' } }, {}, NOW);
      assert.deepEqual(kept.members, [{ value: c.id, type: 'User' }], 'a PUT without members leaves them');
      await patchGroup(g.id, [{ op: 'remove', path: 'members' }]);
      assert.equal((await read(g.id)).memberCount, 0);
    });

    it('names a member by the externalId of an existing user (Entra may send the objectId), and removes it the same way', async () => {
      const u = await user('linked@contoso.com', { externalId: OBJECT_ID });
      const g = await group('By objectId', [{ value: OBJECT_ID.toUpperCase() }]);
      assert.deepEqual((await read(g.id)).members, [{ value: u.id, type: 'User' }]);
      await patchGroup(g.id, [{ op: 'remove', path: 'members', value: [{ value: OBJECT_ID }] }]);
      assert.deepEqual((await read(g.id)).members, []);
    });

    it('takes a deleted user out of every group, with new counts and versions', async () => {
      const u = await user('leaving@contoso.com');
      const g = await group('G', [{ value: u.id }]);
      await ctx.store().deleteResource('User', u.id, {}, { mode: 'hard' }, at(60));
      const after = await read(g.id);
      assert.deepEqual(after.members, []);
      assert.equal(after.memberCount, 0);
      assert.equal(after.version, 2);
      assert.equal(after.lastModified, at(60).toISOString());
    });

    it("lists a group's members a page at a time with their names", async () => {
      const users = [];
      for (const name of ['c', 'a', 'b']) users.push(await user(`${name}@contoso.com`, { displayName: name.toUpperCase() }));
      const inner = await group('Inner');
      const g = await group('G', [...users.map((u) => ({ value: u.id })), { value: inner.id }]);
      const all = await ctx.store().listMembers(g.id, 1, 10);
      assert.equal(all.total, 4);
      assert.deepEqual(
        [...all.members].sort(byValue),
        [
          ...users.map((u) => ({ value: u.id, type: 'User' as const, display: String(u.doc['displayName']), userName: String(u.doc['userName']) })),
          { value: inner.id, type: 'Group' as const, display: 'Inner' },
        ].sort(byValue),
      );
      const first = await ctx.store().listMembers(g.id, 1, 2);
      const rest = await ctx.store().listMembers(g.id, 3, 2);
      assert.equal(first.members.length, 2);
      assert.deepEqual([...first.members, ...rest.members].map((m) => m.value).sort(), all.members.map((m) => m.value).sort());
    });
  });

  describe('pending members', () => {
    it('keeps members nobody holds yet pending: not members, not counted, listed apart with when they were first added', async () => {
      const known = await user('known@contoso.com');
      const g = await group('G');
      const { resource, changed } = await patchGroup(g.id, [{ op: 'add', path: 'members', value: [{ value: known.id }, { value: 'no-such-id', display: 'Later' }] }]);
      assert.equal(changed, true);
      assert.deepEqual(resource.pendingMembers, ['no-such-id']);
      assert.deepEqual((await read(g.id)).members, [{ value: known.id, type: 'User' }]);
      assert.equal((await read(g.id)).memberCount, 1);
      const listed = await ctx.store().listMembers(g.id, 1, 50);
      assert.equal(listed.pendingTotal, 1);
      assert.deepEqual(listed.pending, [{ value: 'no-such-id', display: 'Later', since: NOW.toISOString() }]);
    });

    it('makes no new version for pending members alone, keeps the first time one was added and learns a type given later', async () => {
      const g = await group('G', [{ value: 'ghost' }]);
      assert.deepEqual(g.pendingMembers, ['ghost']);
      assert.equal(g.memberCount, 0);
      const again = await patchGroup(g.id, [{ op: 'add', path: 'members', value: [{ value: 'ghost', type: 'User' }] }], at(60));
      assert.equal(again.changed, false);
      assert.equal(again.resource.version, 1);
      assert.deepEqual((await ctx.store().listMembers(g.id, 1, 10)).pending, [{ value: 'ghost', type: 'User', since: NOW.toISOString() }]);
    });

    it('resolves a pending member when a user with that externalId is created, in any letter case, once, with a new version of the group', async () => {
      const g = await group('Waiting', [{ value: OBJECT_ID.toUpperCase() }]);
      const u = await user('late@contoso.com', { externalId: OBJECT_ID }, at(60));
      assert.deepEqual(u.joinedGroups, [g.id]);
      assert.deepEqual(u.groups?.map((x) => x.value), [g.id], 'the new user is answered with its group');
      const after = await read(g.id);
      assert.deepEqual(after.members, [{ value: u.id, type: 'User' }]);
      assert.equal(after.memberCount, 1);
      assert.equal(after.version, 2);
      assert.equal(after.lastModified, at(60).toISOString());
      assert.deepEqual(await pendingOf(g.id), []);
      const second = await user('second@contoso.com', { externalId: 'other' });
      assert.equal(second.joinedGroups, undefined);
    });

    it('resolves a pending member when a group with that externalId is created (nested groups)', async () => {
      const u = await user('member@contoso.com');
      const outer = await group('Outer', [{ value: OBJECT_ID, type: 'Group' }]);
      const inner = await group('Inner', [{ value: u.id }], { externalId: OBJECT_ID });
      assert.deepEqual(inner.joinedGroups, [outer.id]);
      assert.deepEqual((await read(outer.id)).members, [{ value: inner.id, type: 'Group' }]);
      const groups = (await ctx.store().getResource('User', u.id, WITH_GROUPS))?.groups?.map((x) => [x.display, x.type]);
      assert.deepEqual(groups, [
        ['Inner', 'direct'],
        ['Outer', 'indirect'],
      ]);
    });

    it('resolves a pending member when a PATCH or PUT gives an existing user that externalId, or the admin links it', async () => {
      const [x, y, z] = ['11111111-0000-4000-8000-000000000001', '11111111-0000-4000-8000-000000000002', '11111111-0000-4000-8000-000000000003'];
      const g = await group('Later', [{ value: x }, { value: y }, { value: z }]);
      const [a, b, c] = [await user('a@contoso.com'), await user('b@contoso.com'), await user('c@contoso.com')];
      const patched = await ctx.store().patchResource('User', a.id, patchWith('User', [{ op: 'replace', path: 'externalId', value: x }]), {}, NOW, NO_EXTRAS);
      assert.deepEqual(patched.resource.joinedGroups, [g.id]);
      const put = await ctx.store().replaceResource('User', b.id, { doc: { userName: 'b@contoso.com', externalId: y } }, {}, NOW);
      assert.deepEqual(put.joinedGroups, [g.id]);
      const audit = { time: NOW.toISOString(), actor: 'admin', action: 'setExternalId', resourceType: 'User' as const, resourceId: c.id, summary: 'linked' };
      await ctx.store().setExternalId('User', c.id, z, audit, NOW);
      assert.deepEqual((await read(g.id)).members, [a, b, c].map((u) => ({ value: u.id, type: 'User' as const })).sort(byValue));
      assert.deepEqual(await pendingOf(g.id), []);
    });

    it('removes pending members by value, by value filter and by removing all members; PUT replaces them', async () => {
      const g = await group('Cleanup', [{ value: 'x' }, { value: 'y' }, { value: 'z' }]);
      await patchGroup(g.id, [{ op: 'remove', path: 'members[value eq "x"]' }]);
      await patchGroup(g.id, [{ op: 'remove', path: 'members', value: [{ value: 'y' }] }]);
      assert.deepEqual(await pendingOf(g.id), ['z']);
      await patchGroup(g.id, [{ op: 'remove', path: 'members' }]);
      assert.deepEqual(await pendingOf(g.id), []);
      await patchGroup(g.id, [{ op: 'add', path: 'members', value: [{ value: 'x' }] }]);
      await ctx.store().replaceResource('Group', g.id, { doc: { displayName: 'Cleanup' }, members: [{ value: 'y' }] }, {}, NOW);
      assert.deepEqual(await pendingOf(g.id), ['y']);
    });

    it('drops the pending members of a deleted group: a later user with that externalId joins nothing', async () => {
      const g = await group('Short-lived', [{ value: OBJECT_ID }]);
      await ctx.store().deleteResource('Group', g.id, {}, { mode: 'hard' }, NOW);
      const u = await user('too.late@contoso.com', { externalId: OBJECT_ID });
      assert.equal(u.joinedGroups, undefined);
      assert.deepEqual((await ctx.store().getResource('User', u.id, WITH_GROUPS))?.groups, []);
    });
  });
}
