import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DirectoryStore } from '../../main/store/directory-store';
import { StoreConflictError } from '../../main/store/store-errors';
import { at, NO_EXTRAS, NOW, WITH_GROUPS, WITH_MEMBERS, type ContractContext } from './contract-context';

const RETAIN = { mode: 'retain', days: 30 } as const;

const user = (userName: string, externalId?: string) => ({
  doc: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true, ...(externalId ? { externalId } : {}) },
});
const group = (displayName: string) => ({ doc: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName } });

/** The recycle bin, online backups and the restore of a snapshot. */
export function describeRecoveryContract<S extends DirectoryStore>(ctx: ContractContext<S>): void {
  const folder = mkdtempSync(join(tmpdir(), 'scimdesk-recovery-contract-'));
  after(() => rmSync(folder, { recursive: true, force: true }));
  let files = 0;
  const backupFile = () => join(folder, `backup-${process.pid}-${++files}.db`);

  describe('recycle bin', () => {
    it('keeps a user deleted under the retain policy, listed with its deletion and purge times, and invisible to reads', async () => {
      const store = ctx.store();
      const adele = await store.createResource('User', user('adele@contoso.com', 'AV-1'), NOW);
      await store.deleteResource('User', adele.id, {}, RETAIN, at(60));
      assert.equal(await store.getResource('User', adele.id, NO_EXTRAS), undefined);
      const bin = await store.listDeletedResources();
      assert.deepEqual(bin.map(({ seq: _seq, ...rest }) => rest), [
        { kind: 'User', id: adele.id, name: 'adele@contoso.com', externalId: 'AV-1', deletedAt: at(60).toISOString(), purgeAfter: new Date(at(60).getTime() + 30 * 86_400_000).toISOString() },
      ]);
      assert.equal((await store.directoryCounts()).deleted, 1);
    });

    it('lets a new user take the userName and externalId of one in the bin (no uniqueness refusal), and the kept one stays in the bin', async () => {
      const store = ctx.store();
      const first = await store.createResource('User', user('adele@contoso.com', 'AV-1'), NOW);
      await store.deleteResource('User', first.id, {}, RETAIN, at(1));
      const second = await store.createResource('User', user('adele@contoso.com', 'AV-1'), at(2));
      assert.notEqual(second.id, first.id);
      assert.deepEqual((await store.listDeletedResources()).map((record) => record.id), [first.id]);
    });

    it('restores a user with its id, creation time and direct memberships in groups that still exist, and empties its place in the bin', async () => {
      const store = ctx.store();
      const adele = await store.createResource('User', user('adele@contoso.com', 'AV-1'), NOW);
      const sales = await store.createResource('Group', { ...group('Sales'), members: [{ value: adele.id, type: 'User' }] }, NOW);
      const gone = await store.createResource('Group', { ...group('Gone'), members: [{ value: adele.id, type: 'User' }] }, NOW);
      await store.deleteResource('User', adele.id, {}, RETAIN, at(10));
      await store.deleteResource('Group', gone.id, {}, { mode: 'hard' }, at(11));
      assert.equal((await store.getResource('Group', sales.id, WITH_MEMBERS))!.members!.length, 0);
      const [kept] = await store.listDeletedResources();
      const restored = await store.restoreDeletedResource(kept!.seq, at(20));
      assert.equal(restored.id, adele.id);
      assert.equal(restored.created, NOW.toISOString());
      assert.equal(restored.doc['userName'], 'adele@contoso.com');
      assert.deepEqual((await store.getResource('User', adele.id, WITH_GROUPS))!.groups!.map((g) => g.value), [sales.id]);
      assert.deepEqual((await store.getResource('Group', sales.id, WITH_MEMBERS))!.members!.map((m) => m.value), [adele.id]);
      assert.deepEqual(await store.listDeletedResources(), []);
    });

    it('restores a group with the members that still exist', async () => {
      const store = ctx.store();
      const a = await store.createResource('User', user('a@contoso.com'), NOW);
      const b = await store.createResource('User', user('b@contoso.com'), NOW);
      const team = await store.createResource('Group', { ...group('Team'), members: [{ value: a.id, type: 'User' }, { value: b.id, type: 'User' }] }, NOW);
      await store.deleteResource('Group', team.id, {}, RETAIN, at(1));
      await store.deleteResource('User', b.id, {}, { mode: 'hard' }, at(2));
      const [kept] = await store.listDeletedResources();
      const restored = await store.restoreDeletedResource(kept!.seq, at(3));
      assert.deepEqual(restored.members!.map((m) => m.value), [a.id]);
      assert.equal((await store.getResource('Group', team.id, WITH_MEMBERS))!.memberCount, 1);
    });

    it('refuses a restore whose userName or externalId a live record holds, naming it, and writes nothing', async () => {
      const store = ctx.store();
      const first = await store.createResource('User', user('adele@contoso.com', 'AV-1'), NOW);
      await store.deleteResource('User', first.id, {}, RETAIN, at(1));
      const again = await store.createResource('User', user('adele@contoso.com', 'AV-2'), at(2));
      const [kept] = await store.listDeletedResources();
      await assert.rejects(store.restoreDeletedResource(kept!.seq, at(3)), (error: unknown) => {
        assert.ok(error instanceof StoreConflictError);
        assert.match(error.message, /Cannot restore user "adele@contoso\.com": the live user .* has the userName "adele@contoso\.com"/);
        assert.ok(error.message.includes(again.id));
        return true;
      });
      await store.replaceResource('User', again.id, user('adele.vance@contoso.com', 'AV-1'), {}, at(4));
      await assert.rejects(store.restoreDeletedResource(kept!.seq, at(5)), /has its externalId AV-1/);
      assert.equal((await store.listDeletedResources()).length, 1);
      assert.equal(await store.getResource('User', first.id, NO_EXTRAS), undefined);
    });

    it('says a record is no longer in the bin', async () => {
      await assert.rejects(ctx.store().restoreDeletedResource(12345, NOW), (error: unknown) => error instanceof StoreConflictError && /no longer in the recycle bin/.test(error.message));
    });
  });

  describe('snapshots', () => {
    it('backs up and restores users, groups, memberships and the bin, keeping tokens and settings as they are now', async () => {
      const store = ctx.store();
      const a = await store.createResource('User', user('a@contoso.com', 'A'), NOW);
      const b = await store.createResource('User', { doc: { ...user('b@contoso.com').doc, active: false, emails: [{ value: 'b@contoso.com', primary: true }] } }, NOW);
      const team = await store.createResource('Group', { ...group('Team'), members: [{ value: a.id, type: 'User' }, { value: b.id, type: 'User' }, { value: 'not-yet', type: 'User' }] }, NOW);
      const old = await store.createResource('User', user('old@contoso.com'), NOW);
      await store.deleteResource('User', old.id, {}, RETAIN, at(1));
      const before = await store.directoryCounts();
      assert.deepEqual(before, { users: 2, activeUsers: 1, groups: 1, memberships: 2, deleted: 1 });
      const file = backupFile();
      let progressed = false;
      await store.backupTo(file, (done, total) => {
        progressed = done <= total;
      });
      assert.ok(progressed);

      await store.deleteResource('User', a.id, {}, { mode: 'hard' }, at(2));
      await store.createResource('User', user('c@contoso.com'), at(3));
      await store.restoreDeletedResource((await store.listDeletedResources())[0]!.seq, at(4));
      await store.setSetting('after.backup', 'kept');

      assert.deepEqual(await store.replaceDirectoryFrom(file), before);
      assert.deepEqual(await store.directoryCounts(), before);
      const members = (await store.getResource('Group', team.id, WITH_MEMBERS))!;
      assert.deepEqual(members.members!.map((m) => m.value).sort(), [a.id, b.id].sort());
      assert.equal((await store.listMembers(team.id, 1, 10)).pending[0]?.value, 'not-yet');
      const users = await store.listResources('User', { filter: undefined, search: 'b@conto', startIndex: 1, count: 10, sortBy: undefined, descending: false, withMembers: false, withGroups: false });
      assert.deepEqual(users.resources.map((r) => r.id), [b.id], 'the search index follows the restored records');
      assert.equal(await store.getResource('User', old.id, NO_EXTRAS), undefined);
      assert.equal(await store.getSetting('after.backup'), 'kept');
      // Writes carry on after a restore, and the search index follows them again.
      await store.createResource('User', user('dora@contoso.com'), at(5));
      assert.equal((await store.directoryCounts()).users, 3);
      const found = await store.listResources('User', { filter: undefined, search: 'dora@', startIndex: 1, count: 10, sortBy: undefined, descending: false, withMembers: false, withGroups: false });
      assert.equal(found.total, 1);
    });

    it('leaves everything as it was when the snapshot file is not a ScimDesk database', async () => {
      const store = ctx.store();
      await store.createResource('User', user('a@contoso.com'), NOW);
      const file = backupFile();
      const { writeFileSync } = await import('node:fs');
      writeFileSync(file, 'not a database');
      await assert.rejects(store.replaceDirectoryFrom(file));
      assert.equal((await store.directoryCounts()).users, 1);
    });
  });
}
