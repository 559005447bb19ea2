import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessQuarantine, QuarantineMeter, QUARANTINE_RULES } from '../../../main/admin/quarantine';
import type { QuarantineCounts, SyncLogEntry } from '../../../main/store/directory-store';
import { createSqliteStore } from '../../../main/store/sqlite-store';
import { syncLogEntry } from '../../support/sync-log-entry';

const SINCE = '2026-03-01T00:00:00.000Z';

function counts(patch: Partial<QuarantineCounts>): QuarantineCounts {
  return {
    since: SINCE,
    entraRequests: 0,
    operations: 0,
    failures: 0,
    referenceFailures: 0,
    refusedCredentials: 0,
    lastRefused: null,
    notFoundQueries: 0,
    lastNotFound: null,
    lastSuccess: null,
    ...patch,
  };
}

/** Microsoft's own examples from the quarantine page, and the cases the old banner got wrong. */
const CASES: ReadonlyArray<{ why: string; counts: Partial<QuarantineCounts>; level: 'clear' | 'watch' | 'met'; met?: string[] }> = [
  { why: 'nothing sent yet', counts: {}, level: 'clear' },
  { why: '4,000 failures of 4,000: below the 5,000 that start an evaluation', counts: { operations: 4_000, failures: 4_000 }, level: 'watch' },
  { why: '24 % of 100 failed: a trend to watch, not a quarantine (the old banner read it as one)', counts: { operations: 100, failures: 24 }, level: 'watch' },
  { why: '2 of 5 failed: too few operations to call a trend', counts: { operations: 5, failures: 2 }, level: 'clear' },
  { why: '45,000 users failed: above 40,000', counts: { operations: 200_000, failures: 45_000 }, level: 'met', met: ['failureCount'] },
  { why: '30,000 failed and 5,000 succeeded: above 40 %', counts: { operations: 35_000, failures: 30_000 }, level: 'met', met: ['failureRate'] },
  { why: '20,000 failed and 100,000 succeeded: neither threshold', counts: { operations: 120_000, failures: 20_000 }, level: 'clear' },
  {
    why: '40,000 users and 21,000 manager updates failed: above the 60,000 total',
    counts: { operations: 300_000, failures: 40_000, referenceFailures: 21_000 },
    level: 'met',
    met: ['allFailures'],
  },
  { why: 'reference failures alone never count toward 40 %', counts: { operations: 10_000, failures: 0, referenceFailures: 9_000 }, level: 'clear' },
  {
    why: 'a refused token, with nothing after it: quarantine at once',
    counts: { refusedCredentials: 1, lastRefused: '2026-03-01T10:00:00.000Z', lastSuccess: '2026-03-01T09:00:00.000Z' },
    level: 'met',
    met: ['refusedCredentials'],
  },
  {
    why: 'a refused token, then requests succeeded again: fixed',
    counts: { refusedCredentials: 3, lastRefused: '2026-03-01T10:00:00.000Z', lastSuccess: '2026-03-01T10:40:00.000Z' },
    level: 'clear',
  },
  {
    why: 'a 404 to a query: quarantine at once',
    counts: { notFoundQueries: 2, lastNotFound: '2026-03-01T10:00:00.000Z' },
    level: 'met',
    met: ['notFoundQueries'],
  },
];

describe('assessQuarantine', () => {
  for (const c of CASES) {
    it(`${c.level}: ${c.why}`, () => {
      const assessment = assessQuarantine(counts(c.counts));
      assert.equal(assessment.level, c.level);
      const met = Object.entries(assessment.met)
        .filter(([, value]) => value)
        .map(([key]) => key);
      assert.deepEqual(met, c.met ?? []);
    });
  }

  it('says how far each threshold is and carries the rules it measured against', () => {
    const assessment = assessQuarantine(counts({ operations: 1_000, failures: 240, referenceFailures: 10 }));
    assert.equal(assessment.failureRate, 0.24);
    assert.equal(assessment.toEvaluation, 4_760);
    assert.equal(assessment.toFailureCount, 39_761, 'more than 40,000: 40,001 is the first that counts');
    assert.equal(assessment.toAllFailures, 59_751);
    assert.deepEqual(assessment.rules, {
      evaluationMinimum: 5_000,
      failureRateAbove: 0.4,
      failuresAbove: 40_000,
      allFailuresAbove: 60_000,
      retryHours: [6, 12, 24],
      retryDays: 28,
    });
    assert.equal(assessment.windowHours, 24);
    assert.equal(QUARANTINE_RULES.evaluationMinimum, 5_000);
  });
});

const ENTRA = 'Date: 2026-03-01, ActivityId: 00000000-0000-0000-0000-000000000001';

function logged(time: string, status: number, patch: Partial<SyncLogEntry> = {}): SyncLogEntry {
  return syncLogEntry(time, { requestId: `${time}-${status}-${Math.random()}`, status, adscimVersion: ENTRA, ...patch });
}

const patchDetail = (paths: string[]) => JSON.stringify({ request: { Operations: paths.map((path) => ({ op: 'Add', path, value: 'x' })) } });

describe('QuarantineMeter over SyncLogRepository.measureQuarantine', () => {
  it("counts Entra's requests in the window: events, failures, reference failures and the at-once reasons", async () => {
    const store = createSqliteStore(':memory:');
    const t = (minute: number) => new Date(Date.parse(SINCE) + minute * 60_000).toISOString();
    await store.appendSyncLog([
      logged('2026-02-28T23:00:00.000Z', 500, { operation: 'create', method: 'POST' }), // before the window
      logged(t(1), 200), // a probe that found nothing: not an event
      logged(t(2), 201, { operation: 'create', method: 'POST' }),
      logged(t(3), 409, { operation: 'create', method: 'POST' }),
      logged(t(4), 400, { operation: 'list' }), // a probe that failed: an event, failed
      logged(t(5), 400, { operation: 'patch', method: 'PATCH', resourceType: 'Group', detail: patchDetail(['members']) }),
      logged(t(6), 400, { operation: 'patch', method: 'PATCH', detail: patchDetail(['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager']) }),
      logged(t(7), 400, { operation: 'patch', method: 'PATCH', detail: patchDetail(['manager', 'title']) }), // not only a reference
      logged(t(8), 400, { operation: 'patch', method: 'PATCH', resourceType: 'Group', detail: JSON.stringify({ truncated: true, head: '{' }) }),
      logged(t(9), 401),
      logged(t(10), 404, { operation: 'unknown', path: '/scim/v2/v2/Users' }),
      logged(t(11), 404, { operation: 'get', path: '/scim/v2/Users/gone' }), // a read of a missing user: an ordinary failure
      logged(t(12), 204, { operation: 'patch', method: 'PATCH', resourceType: 'Group' }),
      logged(t(13), 500, { operation: 'create', method: 'POST', adscimVersion: null }), // a curl: not Entra
      logged(t(14), 401, { adscimVersion: null }),
    ]);
    // A day after SINCE: the window starts at SINCE, and the entry of the hour before is left out.
    const meter = new QuarantineMeter(store);
    const measured = await meter.measure(new Date(Date.parse(SINCE) + 24 * 3_600_000 + 30_000));
    assert.deepEqual(measured, {
      since: SINCE,
      entraRequests: 12,
      operations: 9,
      failures: 4,
      referenceFailures: 3,
      refusedCredentials: 1,
      lastRefused: t(9),
      notFoundQueries: 1,
      lastNotFound: t(10),
      lastSuccess: t(12),
    });
    await store.close();
  });

  it('reads each entry once: later measurements add only what was logged since, even when two run at once', async () => {
    const store = createSqliteStore(':memory:');
    const meter = new QuarantineMeter(store);
    const now = new Date(Date.parse(SINCE) + 3_600_000);
    const at = (minute: number) => new Date(Date.parse(SINCE) + minute * 60_000).toISOString();
    await store.appendSyncLog([logged(at(1), 409, { operation: 'create', method: 'POST' }), logged(at(2), 201, { operation: 'create', method: 'POST' })]);
    assert.deepEqual([(await meter.measure(now)).operations, (await meter.measure(now)).failures], [2, 1]);
    await store.appendSyncLog([logged(at(70), 400, { operation: 'patch', method: 'PATCH' })]);
    const [a, b] = await Promise.all([meter.measure(now), meter.measure(now)]);
    assert.deepEqual([a.operations, a.failures, b.operations, b.failures], [3, 2, 3, 2]);
    // A day and an hour later the first two entries have left the window; the third stays.
    const later = await meter.measure(new Date(Date.parse(SINCE) + 25 * 3_600_000 + 60_000));
    assert.deepEqual([later.operations, later.failures], [1, 1]);
    await store.close();
  });
});
