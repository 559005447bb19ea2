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

describe('SyncLogWriter.refused: refused requests summed up per address', () => {
  const refused = (second: number, client = '10.0.0.5 curl/8', status = 401): SyncLogEntry => ({
    ...entry(`2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`, status),
    requestId: `refused-${second}-${client}`,
    operation: 'refused',
    resourceType: null,
    error: 'The bearer token is not valid: it is wrong, or was revoked or regenerated',
    client,
  });

  it('records the first refusal of an address as it comes and the rest as one row per window (5 s, then 10 s, 20 s…) with their count, first and last time', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const store = createSqliteStore(':memory:');
    const writer = new SyncLogWriter(store, undefined);
    const rows = async () => {
      // The batch goes out 100 ms after its first entry (a mocked timer), then settles in a few microtasks.
      t.mock.timers.tick(100);
      await new Promise((resolve) => setImmediate(resolve));
      return (await store.querySyncLog({ limit: 100 })).map((e) => [e.count, e.time, e.lastTime ?? null]);
    };
    for (let second = 0; second < 5; second++) writer.refused(refused(second), '10.0.0.5');
    assert.deepEqual(await rows(), [[1, '2026-01-01T00:00:00.000Z', null]], 'the first is in the log at once, the next four wait');
    t.mock.timers.tick(5_000);
    assert.deepEqual((await rows())[0], [4, '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:04.000Z'], 'the first window: one row for four');
    for (let second = 10; second < 40; second++) writer.refused(refused(second), '10.0.0.5');
    t.mock.timers.tick(5_000);
    assert.equal((await rows()).length, 2, 'the second window is 10 s long');
    t.mock.timers.tick(5_000);
    assert.deepEqual((await rows())[0], [30, '2026-01-01T00:00:10.000Z', '2026-01-01T00:00:39.000Z']);
    t.mock.timers.tick(20_000);
    assert.equal((await rows()).length, 3, 'a quiet window writes nothing, and ends the sum');
    writer.refused(refused(50), '10.0.0.5');
    assert.deepEqual((await rows())[0], [1, '2026-01-01T00:00:50.000Z', null], 'after a quiet window, the next is recorded as it comes');
    assert.equal((await store.summarizeSyncLog('2026-01-01T00:00:00.000Z')).errors, 36, 'the Overview counts every refusal');
    const [summed] = await store.querySyncLog({ limit: 1, beforeSeq: 4 });
    assert.deepEqual(JSON.parse(summed!.detail!), { response: { status: 401 }, aggregated: { count: 30, first: '2026-01-01T00:00:10.000Z', last: '2026-01-01T00:00:39.000Z' } });
    await store.close();
  });

  it('keeps addresses and statuses apart, and sums a flood from many addresses into a bounded number of rows', async () => {
    const store = createSqliteStore(':memory:');
    const writer = new SyncLogWriter(store, undefined);
    writer.refused(refused(0), '10.0.0.5');
    writer.refused(refused(1, '10.0.0.6 curl/8'), '10.0.0.6');
    writer.refused(refused(2, '10.0.0.5 curl/8', 429), '10.0.0.5');
    writer.refused(refused(3), '10.0.0.5');
    // 5,000 requests, each from an address of its own.
    for (let i = 0; i < 5000; i++) writer.refused(refused(10, `10.1.${i >> 8}.${i & 255} x`), `10.1.${i >> 8}.${i & 255}`);
    await writer.flush();
    const rows = await store.querySyncLog({ limit: 10_000 });
    assert.ok(rows.length <= 2 * 50 + 1, `${rows.length} rows for 5,004 refusals`);
    assert.equal(rows.reduce((sum, row) => sum + (row.count ?? 1), 0), 5004, 'every refusal counted once');
    const others = rows.find((row) => row.client?.startsWith('other addresses'));
    assert.match(others?.client ?? '', /^other addresses: \d+$/);
    await store.close();
  });
});
