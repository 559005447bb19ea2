import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestAdmin, type TestAdmin } from '../support/start-test-admin';
import { readEmpty, readScim, URN_ADSCIM_GROUP, URN_GROUP, URN_PATCH, URN_USER, type Json } from './protocol-helpers';

interface MembersPage {
  total: number;
  items: Array<{ id: string; type: string }>;
  pending: Array<{ id: string; type: string | null; display: string | null; since: string }>;
  pendingTotal: number;
}

/**
 * Group members whose id names no user or group yet: accepted (204, what Microsoft's SCIM test
 * collection expects and what spares Entra a failure every cycle), kept pending, never returned
 * as members or matched by filters until a user or group with that id or externalId is created;
 * listed for the admin and in the sync log.
 */
describe('pending group members over HTTP', () => {
  let a: TestAdmin;

  before(async () => {
    a = await startTestAdmin();
  });

  after(async () => {
    await a.stop();
  });

  const createGroup = async (displayName: string, members: unknown[] = []): Promise<Json> =>
    readScim(
      await a.scim('/Groups', { method: 'POST', body: JSON.stringify({ schemas: [URN_GROUP, URN_ADSCIM_GROUP], externalId: randomUUID(), displayName, members }) }),
      201,
      `create ${displayName}`,
    );
  const createUser = async (userName: string, externalId: string): Promise<Json> =>
    readScim(await a.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName, externalId, active: true }) }), 201, userName);
  const patchGroup = (id: string, operations: unknown[]) =>
    a.scim(`/Groups/${id}`, { method: 'PATCH', body: JSON.stringify({ schemas: [URN_PATCH], Operations: operations }) });
  const getGroup = async (id: string): Promise<Json> => readScim(await a.scim(`/Groups/${id}`), 200);
  const members = async (id: string): Promise<MembersPage> => {
    const result = await a.call<MembersPage>('groups.members', { id });
    assert.ok(result.body.ok, JSON.stringify(result.body));
    return result.body.value;
  };
  const lastEntry = async (method: string) => {
    await a.core.syncLog.flush();
    const entries = await a.core.store.querySyncLog({ limit: 20 });
    const entry = entries.find((e) => e.method === method);
    assert.ok(entry, `a ${method} entry`);
    return { ...entry, detail: JSON.parse(entry.detail ?? '{}') as Record<string, unknown> };
  };

  it('answers 204 to members not provisioned yet, keeps them pending and returns only the real members', async () => {
    const known = await createUser('known@contoso.com', randomUUID());
    const group = await createGroup('Early birds');
    const later = randomUUID();
    const never = 'string id 1';
    await readEmpty(await patchGroup(group.id, [{ op: 'Add', path: 'members', value: [{ value: known.id, $ref: null }, { value: later }, { value: never, display: 'Nobody yet' }] }]), 204);

    const read = await getGroup(group.id);
    assert.deepEqual(read.members.map((m: Json) => m.value), [known.id], 'pending members are not members');
    const page = await members(group.id);
    assert.equal(page.total, 1);
    assert.deepEqual(page.pending.map((p) => p.id).sort(), [later, never].sort());
    assert.equal(page.pendingTotal, 2);
    assert.equal(page.pending.find((p) => p.id === never)?.display, 'Nobody yet');

    // Filters see only members.
    for (const filter of [`members.value eq "${later}"`, `members[value eq "${never}"]`]) {
      const list = await readScim(await a.scim(`/Groups?filter=${encodeURIComponent(filter)}`), 200);
      assert.equal(list.totalResults, 0, filter);
    }
    const byKnown = await readScim(await a.scim(`/Groups?filter=${encodeURIComponent(`members.value eq "${known.id}"`)}`), 200);
    assert.equal(byKnown.totalResults, 1);

    // The sync log says which members were kept pending.
    const entry = await lastEntry('PATCH');
    assert.equal(entry.status, 204);
    assert.deepEqual((entry.detail['pendingMembers'] as string[]).sort(), [later, never].sort());
  });

  it('makes a pending member a member the moment a user with that Object ID is created (Entra ordering), and says so', async () => {
    const objectId = randomUUID();
    const group = await createGroup('Arrivals');
    await readEmpty(await patchGroup(group.id, [{ op: 'Add', path: 'members', value: [{ value: objectId }] }]), 204);
    const version = (await getGroup(group.id)).meta.version;

    const user = await createUser('arrival@contoso.com', objectId);
    assert.deepEqual(user.groups?.map((g: Json) => g.value), [group.id], 'the created user is answered with its group');
    const read = await getGroup(group.id);
    assert.deepEqual(read.members, [{ value: user.id, $ref: `${a.t.baseUrl}/Users/${user.id}`, type: 'User' }]);
    assert.notEqual(read.meta.version, version, 'the group changed: a new version');
    assert.deepEqual((await members(group.id)).pending, []);
    const entry = await lastEntry('POST');
    assert.deepEqual(entry.detail['joinedGroups'], [group.id]);
  });

  it('resolves a pending group member when a group with that Object ID is created (nested groups)', async () => {
    const objectId = randomUUID();
    const user = await createUser('nested.member@contoso.com', randomUUID());
    const outer = await createGroup('Outer', [{ value: objectId, type: 'Group' }]);
    assert.equal(outer.members, undefined, 'created with the pending member only: no members yet');
    const inner = await readScim(
      await a.scim('/Groups', { method: 'POST', body: JSON.stringify({ schemas: [URN_GROUP], externalId: objectId, displayName: 'Inner', members: [{ value: user.id }] }) }),
      201,
    );
    assert.deepEqual((await getGroup(outer.id)).members.map((m: Json) => [m.value, m.type]), [[inner.id, 'Group']]);
    const groups = (await readScim(await a.scim(`/Users/${user.id}`), 200)).groups.map((g: Json) => [g.display, g.type]);
    assert.deepEqual(groups, [['Inner', 'direct'], ['Outer', 'indirect']]);
  });

  it('removes a pending member by value filter, by value list and by removing all members, and PUT replaces them', async () => {
    const group = await createGroup('Cleanup');
    const [x, y, z] = [randomUUID(), randomUUID(), randomUUID()];
    await readEmpty(await patchGroup(group.id, [{ op: 'add', path: 'members', value: [{ value: x }, { value: y }, { value: z }] }]), 204);
    await readEmpty(await patchGroup(group.id, [{ op: 'remove', path: `members[value eq "${x}"]` }]), 204);
    await readEmpty(await patchGroup(group.id, [{ op: 'Remove', path: 'members', value: [{ value: y }] }]), 204);
    assert.deepEqual((await members(group.id)).pending.map((p) => p.id), [z]);
    await readEmpty(await patchGroup(group.id, [{ op: 'remove', path: 'members' }]), 204);
    assert.deepEqual((await members(group.id)).pending, []);

    await readEmpty(await patchGroup(group.id, [{ op: 'add', path: 'members', value: [{ value: x }] }]), 204);
    const put = await a.scim(`/Groups/${group.id}`, {
      method: 'PUT',
      body: JSON.stringify({ schemas: [URN_GROUP], externalId: group.externalId, displayName: 'Cleanup', members: [{ value: y }] }),
    });
    await readScim(put, 200);
    assert.deepEqual((await members(group.id)).pending.map((p) => p.id), [y], 'PUT replaces pending members with its own');
  });

  it('drops the pending members of a deleted group: a later user with that Object ID joins nothing', async () => {
    const objectId = randomUUID();
    const group = await createGroup('Short-lived', [{ value: objectId }]);
    assert.equal((await a.scim(`/Groups/${group.id}`, { method: 'DELETE' })).status, 204);
    const user = await createUser('too.late@contoso.com', objectId);
    assert.equal(user.groups, undefined);
    assert.equal((await readScim(await a.scim(`/Users/${user.id}`), 200)).groups, undefined);
  });
});
