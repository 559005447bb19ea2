import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCore, type Core } from '../../../main/core/create-core';
import { LOG_ROWS_READ } from '../../../main/mapping/mapping-service';
import { ObservationCache, type ObservationSources } from '../../../main/mapping/observation-cache';
import type { ResourceDoc } from '../../../main/scim/resource/resource-doc';
import type { SyncLogEntry } from '../../../main/store/directory-store';
import type { MappingView } from '../../../shared/admin/mapping-schemas';
import { URN } from '../../../shared/scim/urns';
import { seedMappingData } from '../../support/mapping-data';
import { referenceView } from '../../support/mapping-reference';

const ctx = { actor: 'test' };
const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';

/** A small deterministic PRNG: the same varied directory on every run. */
function prng(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Users of many shapes: missing and null attributes, typed and untyped multi-valued ones, extensions, values of odd types. */
function variedUser(i: number, random: () => number): ResourceDoc {
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  const doc: Record<string, unknown> = { schemas: [URN.user], userName: i % 97 === 0 ? `Case${i}@Contoso.com` : `v${i}@contoso.com` };
  if (random() < 0.8) doc['externalId'] = pick([randomUUID(), `nick${i}`, 'shared-id', randomUUID().toUpperCase()]);
  if (random() < 0.5) doc['displayName'] = pick([`V ${i}`, null, '']);
  if (random() < 0.5) doc['active'] = pick([true, false, 'True']);
  if (random() < 0.4) doc['emails'] = pick([[{ value: `v${i}@contoso.com`, type: 'work', primary: true }], [{ value: `p${i}@home.net`, type: 'home' }, { value: `v${i}@contoso.com`, type: 'work' }], [{ value: `x${i}@contoso.com` }], []]);
  if (random() < 0.3) doc['phoneNumbers'] = pick([[{ value: '+1 555', type: 'mobile' }], [{ value: '+1 555', type: 'work' }, { value: '+1 556', type: 'work' }]]);
  if (random() < 0.3) doc['name'] = pick([{ givenName: 'Ann', familyName: `F${i}` }, { formatted: 'Ann F' }, { givenName: null }]);
  if (random() < 0.3) doc[URN.enterpriseUser] = pick([{ department: 'Sales' }, { manager: { value: 'boss' } }, { employeeNumber: 12 }]);
  if (random() < 0.1) doc[ACME] = { role: pick(['Admin', 'User']) };
  if (random() < 0.1) doc['title'] = pick(['Engineer', 42, true]);
  return doc;
}

describe('the observation cache agrees with the reference (every document and log row read again on each view)', () => {
  let dataDir: string;
  let core: Core;
  let seq = 0;
  const ids: string[] = [];

  const view = async () => core.admin.handlers['mapping.view']({}, ctx);
  const comparable = (v: Pick<MappingView, 'rows' | 'diagnostics' | 'cycles' | 'read'>) => ({
    rows: v.rows,
    diagnostics: v.diagnostics,
    cycles: v.cycles,
    read: { users: v.read.users, groups: v.read.groups, logRows: v.read.logRows },
  });
  const agree = async (label: string) => {
    const fast = await view();
    const reference = await referenceView(core.store, core.schemas());
    assert.deepEqual(comparable(fast), comparable(reference), label);
    return fast;
  };
  const log = (parts: Partial<SyncLogEntry>): SyncLogEntry => ({
    time: new Date(Date.UTC(2026, 1, 1, 9, 0, 0) + seq++ * 1000).toISOString(),
    requestId: randomUUID(),
    method: 'PATCH',
    path: '/scim/v2/Users/x',
    operation: 'patch',
    resourceType: 'User',
    resourceId: null,
    userName: null,
    externalId: null,
    displayName: null,
    status: 200,
    durationMs: 1,
    scimType: null,
    error: null,
    client: 'Azure AD',
    adscimVersion: '2024',
    detail: null,
    ...parts,
  });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-observation-cache-'));
    // Its log rows are older than the retention: start-up prunes them; the rows below are today's.
    await seedMappingData(dataDir, 3_000, 3_000);
    core = await createCore({ dataDir, host: '127.0.0.1', port: 0, fileLogs: false, checkpointWorker: false });
    await core.start();
    // Duplicates allowed, as in a directory that predates the refusal: the diagnostics must still find them.
    const directory = (await core.store.getDirectory())!;
    await core.store.saveDirectory({ ...directory, duplicateExternalIds: 'allow' }, new Date());
    const random = prng(7);
    const now = new Date('2026-02-01T08:00:00Z');
    for (let i = 0; i < 600; i++) {
      try {
        ids.push((await core.store.createResource('User', { doc: variedUser(i, random) }, now)).id);
      } catch {
        // A userName the directory refuses (it already holds one differing only by case): skipped, as Entra's would be.
      }
    }
    for (let i = 0; i < 40; i++) await core.store.createResource('Group', { doc: { schemas: [URN.group], displayName: `G${i}`, ...(i % 3 ? { externalId: i % 5 ? randomUUID() : 'grp' } : {}) } }, now);
    const rows: SyncLogEntry[] = [];
    for (let i = 0; i < 400; i++) {
      const id = ids[i % ids.length]!;
      const kind = i % 8;
      if (kind === 0) rows.push(log({ method: 'GET', operation: 'list', path: '/scim/v2/Users', status: 200, detail: JSON.stringify({ query: { filter: `${['userName', 'emails[type eq "work"].value', 'externalId', 'displayName'][i % 4]} eq "v${i}"` } }) }));
      if (kind === 1) rows.push(log({ resourceId: id, userName: `v${i}@contoso.com`, detail: JSON.stringify({ normalized: [{ op: 'replace', path: 'active', value: false }] }) }));
      if (kind === 2) rows.push(log({ resourceId: ids[0]!, detail: JSON.stringify({ normalized: [{ op: 'add', path: `${URN.enterpriseUser}:manager.value`, value: 'boss' }, { op: 'remove', path: 'title' }] }) }));
      if (kind === 3) rows.push(log({ method: 'POST', operation: 'create', path: '/scim/v2/Users', resourceId: id, status: i % 16 === 3 ? 409 : 201, userName: i % 16 === 3 ? 'CASE97@contoso.com' : `n${i}@contoso.com`, detail: JSON.stringify({ request: { userName: `n${i}`, active: 'false', shoeSize: 9, [ACME]: { role: 'x' } }, ignoredAttributes: ['shoeSize', ACME] }) }));
      if (kind === 4) rows.push(log({ method: 'POST', operation: 'create', path: '/scim/v2/Groups', resourceType: 'Group', resourceId: randomUUID(), displayName: `G${i}`, status: 201, detail: JSON.stringify({ request: { displayName: `G${i}`, members: [{ value: id }] } }) }));
      if (kind === 5) rows.push(log({ method: 'GET', operation: 'get', path: `/scim/v2/Users/${id}`, status: i % 3 ? 404 : 500, error: 'boom' }));
      if (kind === 6) rows.push(log({ operation: 'unknown', method: 'GET', path: '/scim/v2/Nope', status: 404 }));
      if (kind === 7) rows.push(log({ resourceId: id, status: 400, detail: 'not json' }));
    }
    await core.store.appendSyncLog(rows);
    await core.admin.handlers['mapping.choosePreset']({ preset: 'bizagi' }, ctx);
  });

  after(async () => {
    await core.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('on a cold read of a varied directory: the same rows, diagnostics and cycles', async () => {
    const fast = await agree('cold');
    // The dataset reaches the parts that depend on order and sparseness.
    const codes = new Set(fast.diagnostics.map((d) => d.code));
    for (const code of ['EXTERNAL_ID_NOT_GUID', 'DUPLICATE_EXTERNAL_ID', 'USERNAME_CASE_ONLY', 'ATTRIBUTE_NOT_STORED', 'EXTENSION_URN_NOT_ADVERTISED', 'REPEATED_WRITE', 'GROUPS_TO_USERS_ONLY_TARGET', 'QUARANTINE_RISK']) {
      assert.ok(codes.has(code), `${code} in ${[...codes].join(', ')}`);
    }
  });

  it('after creates, updates and deletes of records and new log rows (the cache reads them again)', async () => {
    await agree('warm, nothing changed');
    const now = new Date('2026-02-02T08:00:00Z');
    await core.store.createResource('User', { doc: { schemas: [URN.user], userName: 'late@contoso.com', externalId: 'shared-id', nickName: 'late' } }, now);
    await core.store.replaceResource('User', ids[1]!, { doc: { schemas: [URN.user], userName: 'renamed@contoso.com', externalId: 'shared-id', title: 'Boss' } }, {}, now);
    await core.store.deleteResource('User', ids[2]!, {}, { mode: 'hard' }, now);
    await core.store.appendSyncLog([log({ resourceId: ids[3]!, detail: JSON.stringify({ normalized: [{ op: 'replace', path: 'title', value: 'New' }] }) })]);
    await agree('after writes');
  });

  it('another process reads only the records written since any process last read them', async () => {
    const store = core.store;
    const pendingRead: number[] = [];
    const sources: ObservationSources = {
      pendingRecords: async (kind, afterSeq, limit) => {
        const page = await store.pendingMappingRecords(kind, afterSeq, limit);
        pendingRead.push(page.length);
        return page;
      },
      saveRecords: (kind, records) => store.saveMappingRecords(kind, records),
      recordSummary: (kind) => store.mappingRecordSummary(kind),
      documentsAt: (kind, seqs) => store.documentsAt(kind, seqs),
      mappingGeneration: (of) => store.mappingGeneration(of),
      scanSyncLog: (afterSeq, limit, detailOf) => store.scanSyncLog(afterSeq, limit, detailOf),
      countSyncLog: (fromSeq, throughSeq) => store.countSyncLog(fromSeq, throughSeq),
      usersNamed: (userNames) => store.usersNamed(userNames),
    };
    const read = () => pendingRead.splice(0).reduce((a, b) => a + b, 0);
    const first = await new ObservationCache(sources).observe(LOG_ROWS_READ);
    read();
    const second = await new ObservationCache(sources).observe(LOG_ROWS_READ);
    assert.equal(read(), 0, 'nothing written since: no record read');
    assert.deepEqual(second, first);
    const now = new Date('2026-02-03T08:00:00Z');
    await store.createResource('Group', { doc: { schemas: [URN.group], displayName: 'Late group', externalId: 'grp' } }, now);
    await store.patchResource('User', ids[4]!, (doc) => ({ doc: { ...doc, nickName: 'patched' }, memberChanges: [], changed: true }), {}, now, { withMembers: false, withGroups: false });
    await store.deleteResource('User', ids[5]!, {}, { mode: 'hard' }, now);
    const third = await new ObservationCache(sources).observe(LOG_ROWS_READ);
    assert.equal(read(), 3, 'the three records written since, and only those');
    assert.equal(third.counts.Group, first.counts.Group + 1);
    assert.equal(third.counts.User, first.counts.User - 1);
    await agree('after a new process read what was written');
  });

  it('keeps a record marked when it is written again between the read of it and the save', async () => {
    const store = core.store;
    const now = new Date('2026-02-04T08:00:00Z');
    await store.patchResource('User', ids[6]!, (doc) => ({ doc: { ...doc, nickName: 'first' }, memberChanges: [], changed: true }), {}, now, { withMembers: false, withGroups: false });
    const [pending] = await store.pendingMappingRecords('User', 0, 10);
    assert.ok(pending && pending.doc, 'the patched record is marked');
    // Written again (another process) before the facts of the first read are saved: those are stale.
    await store.patchResource('User', ids[6]!, (doc) => ({ doc: { ...doc, nickName: null, title: 'Second' }, memberChanges: [], changed: true }), {}, now, { withMembers: false, withGroups: false });
    await store.saveMappingRecords('User', [{ seq: pending.seq, stamp: pending.stamp, facts: { id: pending.id!, name: 'stale', externalId: null, nonGuid: false, shape: '["stale"]' } }]);
    const still = await store.pendingMappingRecords('User', 0, 10);
    assert.deepEqual(
      still.map((p) => p.seq),
      [pending.seq],
      'the newer write is still marked',
    );
    assert.ok(still[0]!.stamp > pending.stamp);
    const fast = await agree('after a write raced a read');
    assert.ok(!fast.rows.some((row) => row.attribute === 'stale'));
  });

  it('after a recycle-bin restore and a snapshot restore', async () => {
    const now = new Date('2026-02-05T08:00:00Z');
    const snapshot = join(dataDir, 'before-restores.db');
    await core.store.backupTo(snapshot);
    const atSnapshot = await agree('before the restores');
    const binned = await core.store.createResource('User', { doc: { schemas: [URN.user], userName: 'binned@contoso.com', externalId: 'binned-nick', title: 'Kept' } }, now);
    await core.store.deleteResource('User', binned.id, {}, { mode: 'retain', days: 30 }, now);
    await agree('after a delete kept in the recycle bin');
    const kept = (await core.store.listDeletedResources()).find((record) => record.id === binned.id);
    assert.ok(kept, 'the deleted record is in the recycle bin');
    await core.store.restoreDeletedResource(kept.seq, now);
    await agree('after a recycle-bin restore');
    await core.store.createResource('User', { doc: { schemas: [URN.user], userName: 'after-snapshot@contoso.com', externalId: 'only-after' } }, now);
    await core.store.replaceDirectoryFrom(snapshot);
    const restored = await agree('after a snapshot restore');
    assert.equal(restored.read.users, atSnapshot.read.users, 'the users of the snapshot, not the one created after it');
  });

  it('after the oldest log rows are pruned', async () => {
    const before = (await view()).read.logRows;
    const removed = await core.store.pruneSyncLog('2000-01-01T00:00:00Z', 300);
    assert.ok(removed > 0, `pruned ${removed} of ${before}`);
    await agree('after pruning');
  });
});

describe('the service reads what Entra writes for the diagnostics while it provisions', () => {
  it('leaves no record unread a moment after the writes, and stops cleanly meanwhile', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-mapping-catch-up-'));
    const core = await createCore({ dataDir, host: '127.0.0.1', port: 0, fileLogs: false, checkpointWorker: false, mappingCatchUpMs: 20 });
    try {
      await core.start();
      const now = new Date('2026-02-01T08:00:00Z');
      for (let i = 0; i < 30; i++) await core.store.createResource('User', { doc: { schemas: [URN.user], userName: `bg${i}@contoso.com`, externalId: `nick${i}` } }, now);
      assert.equal((await core.store.pendingMappingRecords('User', 0, 100)).length, 30, 'marked as written');
      const deadline = Date.now() + 10_000;
      while ((await core.store.pendingMappingRecords('User', 0, 100)).length > 0) {
        assert.ok(Date.now() < deadline, 'the records were read within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const summary = await core.store.mappingRecordSummary('User');
      assert.equal(summary.nonGuid.length, 30, "the background read kept each record's facts");
      // A write just before stopping: stop waits for a catch-up in flight rather than closing the store under it.
      await core.store.createResource('User', { doc: { schemas: [URN.user], userName: 'last@contoso.com' } }, now);
      await new Promise((resolve) => setTimeout(resolve, 25));
    } finally {
      await core.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
