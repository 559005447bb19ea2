import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { listSnapshots, SnapshotService } from '../../../main/admin/recovery/snapshot-service';
import { ProvisioningPause } from '../../../main/lib/provisioning-pause';
import { openSnapshotReader } from '../../../main/store/snapshot-file';
import { createSqliteStore } from '../../../main/store/sqlite-store';

const root = mkdtempSync(join(tmpdir(), 'scimdesk-snapshot-service-'));
after(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;

async function service(retention = { daily: 2, other: 2 }) {
  const store = createSqliteStore(':memory:');
  let clock = new Date('2026-03-01T10:00:00.000Z');
  const folder = join(root, `f${++folders}`);
  const snapshots = new SnapshotService({ folder, store, openSnapshot: (file) => openSnapshotReader(file), pause: await ProvisioningPause.load(store), now: () => clock, retention });
  const tick = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000));
  const addUser = (userName: string) => store.createResource('User', { doc: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName } }, clock);
  return { store, snapshots, folder, tick, addUser };
}

describe('SnapshotService', () => {
  it('keeps the newest daily and the newest other snapshots, deleting the rest with their metadata', async () => {
    const { snapshots, folder, tick, addUser, store } = await service();
    await addUser('a@contoso.com');
    for (const reason of ['one', 'two', 'three']) {
      await snapshots.take(reason);
      tick(1);
    }
    for (let day = 0; day < 3; day++) {
      assert.ok(await snapshots.takeDailyIfDue());
      assert.equal(await snapshots.takeDailyIfDue(), undefined, 'once a day');
      tick(24 * 60);
    }
    const list = snapshots.list();
    assert.deepEqual(list.filter((info) => info.trigger !== 'daily').map((info) => info.reason), ['three', 'two']);
    assert.equal(list.filter((info) => info.trigger === 'daily').length, 2);
    assert.equal(readdirSync(folder).length, 8, 'a .db and a .json for each of the four');
    await store.close();
  });

  it('restores the oldest kept snapshot even when the snapshot taken before the restore fills the retention', async () => {
    const { snapshots, tick, addUser, store } = await service();
    await addUser('a@contoso.com');
    const oldest = await snapshots.take('oldest');
    tick(1);
    await addUser('b@contoso.com');
    await snapshots.take('newer');
    tick(1);
    const result = await snapshots.restore(oldest.id, 'test');
    assert.equal(result.counts.users, 1);
    assert.equal(result.before.counts.users, 2);
    assert.ok(snapshots.list().some((info) => info.id === oldest.id), 'the restored snapshot is still there');
    await store.close();
  });

  it('lists only snapshots whose database and metadata are both there, and skips a metadata file cut short', async () => {
    const { snapshots, folder, addUser, store } = await service();
    await addUser('a@contoso.com');
    const taken = await snapshots.take('kept');
    writeFileSync(join(folder, '2026-03-01T09-00-00-000Z-orphan.json'), JSON.stringify({ ...taken, id: '2026-03-01T09-00-00-000Z-orphan' }));
    writeFileSync(join(folder, '2026-03-01T08-00-00-000Z-cut.json'), '{"id":');
    writeFileSync(join(folder, '2026-03-01T08-00-00-000Z-cut.db'), '');
    assert.deepEqual(listSnapshots(folder).map((info) => info.id), [taken.id]);
    assert.equal(existsSync(join(folder, `${taken.id}.db`)), true);
    await store.close();
  });
});
