import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CYCLE_QUIET_MS, cycleEndedAfter, lastEntraRequest } from '../../../main/exports/cycle-end';
import type { StoredSyncLogEntry, SyncLogQuery } from '../../../main/store/directory-store';
import { syncLogEntry } from '../../support/sync-log-entry';

const T0 = Date.parse('2026-12-03T15:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);

function log(entries: ReadonlyArray<StoredSyncLogEntry>) {
  return {
    querySyncLog: async (query: SyncLogQuery) =>
      [...entries]
        .filter((e) => query.client !== 'entra' || e.adscimVersion !== null)
        .sort((a, b) => b.seq - a.seq)
        .slice(0, query.limit),
  };
}
const stored = (seq: number, ms: number, fields: Partial<StoredSyncLogEntry> = {}): StoredSyncLogEntry => ({ ...syncLogEntry(at(ms).toISOString(), fields), seq, count: 1, lastTime: null, ...fields });

describe('the end of an Entra cycle', () => {
  it('finds Entra’s newest request the token let in, skipping other clients and refused tokens', async () => {
    const last = await lastEntraRequest(
      log([stored(1, 0, { adscimVersion: '1.0' }), stored(2, 1000, { adscimVersion: '1.0' }), stored(3, 2000, { adscimVersion: '1.0', operation: 'refused', status: 401 }), stored(4, 3000)]),
    );
    assert.deepEqual(last, { seq: 2, time: T0 + 1000 });
    assert.equal(await lastEntraRequest(log([stored(1, 0)])), undefined, 'no Entra request: no cycle');
  });

  it('is over once Entra falls silent for CYCLE_QUIET_MS after requests newer than the last export', () => {
    const last = { seq: 7, time: T0 };
    assert.equal(cycleEndedAfter(last, 3, at(CYCLE_QUIET_MS - 1)), false, 'still inside the silence');
    assert.equal(cycleEndedAfter(last, 3, at(CYCLE_QUIET_MS)), true);
    assert.equal(cycleEndedAfter(last, 7, at(CYCLE_QUIET_MS * 5)), false, 'that cycle was exported already');
    assert.equal(cycleEndedAfter(undefined, 0, at(CYCLE_QUIET_MS * 5)), false);
  });
});
