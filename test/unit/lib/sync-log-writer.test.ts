import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SyncLogWriter } from '../../../main/lib/sync-log-writer';
import type { SyncLogEntry } from '../../../main/store/directory-store';
import { createSqliteStore } from '../../../main/store/sqlite-store';
import { syncLogEntry } from '../../support/sync-log-entry';

function entry(time: string, status = 200): SyncLogEntry {
  return syncLogEntry(time, { status });
}

describe('SyncLogWriter', () => {
  it('writes buffered entries on flush and hands them to subscribers with their sequence numbers', async () => {
    const store = createSqliteStore(':memory:');
    const writer = new SyncLogWriter(store, undefined);
    const seen: number[] = [];
    const unsubscribe = writer.subscribe((entries) => seen.push(...entries.map((e) => e.seq)));
    writer.record(entry('2026-01-01T00:00:00.000Z'));
    writer.record(entry('2026-01-01T00:00:01.000Z', 404));
    assert.equal((await store.querySyncLog({ limit: 10 })).length, 0, 'nothing is written before the batch goes out');
    await writer.flush();
    const stored = await store.querySyncLog({ limit: 10 });
    assert.deepEqual(stored.map((e) => e.status), [404, 200]);
    assert.deepEqual(seen, [1, 2]);
    unsubscribe();
    writer.record(entry('2026-01-01T00:00:02.000Z'));
    await writer.flush();
    assert.deepEqual(seen, [1, 2], 'an unsubscribed listener hears nothing more');
    await store.close();
  });

  it('hands out the sequence numbers the rows were stored under, across multi-row inserts and earlier gaps', async () => {
    const store = createSqliteStore(':memory:');
    await store.appendSyncLog([entry('2026-01-01T00:00:00.000Z'), entry('2026-01-01T00:00:00.001Z')]);
    // A pruned head must not shift later numbers: rowids continue from the largest one left.
    await store.pruneSyncLog('2026-01-01T00:00:00.001Z', 100);
    const batch = Array.from({ length: 123 }, (_, i) => ({ ...entry(`2026-01-02T00:00:00.000Z`), requestId: `req-${i}`, status: 200 + (i % 7) }));
    const stored = await store.appendSyncLog(batch);
    assert.equal(stored.length, 123);
    assert.equal(stored[0]!.seq, 3);
    for (const e of stored) {
      const row = await store.getSyncLogEntry(e.seq);
      assert.equal(row?.requestId, e.requestId, `seq ${e.seq}`);
      assert.equal(row?.status, e.status);
    }
    await store.close();
  });

  it('writes every 100 entries without waiting for the delay, so no write holds the event loop long', async () => {
    const store = createSqliteStore(':memory:');
    const writer = new SyncLogWriter(store, undefined);
    for (let i = 0; i < 100; i++) writer.record(entry(`2026-01-01T00:00:00.${String(i).padStart(3, '0')}Z`));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await store.querySyncLog({ limit: 200 })).length, 100);
    writer.record(entry('2026-01-01T00:00:01.000Z'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await store.querySyncLog({ limit: 200 })).length, 100, 'the 101st waits for the delay or the next hundred');
    await writer.flush();
    await store.close();
  });

  it('writes a batch on its own within the flush delay', async () => {
    const store = createSqliteStore(':memory:');
    const writer = new SyncLogWriter(store, undefined);
    writer.record(entry('2026-01-01T00:00:00.000Z'));
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal((await store.querySyncLog({ limit: 10 })).length, 1);
    await store.close();
  });

  it('prunes by age and by row count, keeping the newest', async () => {
    const store = createSqliteStore(':memory:');
    const writer = new SyncLogWriter(store, undefined);
    for (let day = 1; day <= 9; day++) writer.record(entry(`2026-01-0${day}T12:00:00.000Z`));
    await writer.flush();
    // 30 days of age keeps all nine; at most five rows keeps the newest five.
    assert.equal(await writer.prune({ maxAgeDays: 30, maxRows: 5 }, new Date('2026-01-10T00:00:00.000Z')), 4);
    // Then everything older than 3 days before Jan 10 goes: Jan 7, 8 and 9 remain.
    assert.equal(await writer.prune({ maxAgeDays: 3, maxRows: 5 }, new Date('2026-01-10T00:00:00.000Z')), 2);
    const left = await store.querySyncLog({ limit: 10 });
    assert.deepEqual(left.map((e) => e.time.slice(0, 10)), ['2026-01-09', '2026-01-08', '2026-01-07']);
    await store.close();
  });

  it('summarises requests and errors since a time', async () => {
    const store = createSqliteStore(':memory:');
    await store.appendSyncLog([
      entry('2026-01-01T00:00:00.000Z', 401),
      entry('2026-01-02T00:00:00.000Z', 201),
      entry('2026-01-02T00:30:00.000Z', 401),
      entry('2026-01-02T00:40:00.000Z', 403),
      { ...entry('2026-01-02T00:50:00.000Z', 404), operation: 'get' },
      { ...entry('2026-01-02T00:55:00.000Z', 404), operation: 'unknown' },
      entry('2026-01-02T01:00:00.000Z', 409),
    ]);
    assert.deepEqual(await store.summarizeSyncLog('2026-01-01T12:00:00.000Z'), {
      total: 6,
      errors: 5,
      lastTime: '2026-01-02T01:00:00.000Z',
    });
    await store.close();
  });
});
