import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { breakerLimit, BreakerSettings, DEFAULT_BREAKER_SETTINGS, PERCENT_FLOOR, tripsBreaker } from '../../../shared/admin/breaker-schemas';

const settings = (maxCount: number | null, maxPercent: number | null, enabled = true) => ({ enabled, maxCount, maxPercent, window: { mode: 'minutes' as const, minutes: 60 } });

describe('breakerLimit', () => {
  const CASES: ReadonlyArray<{ why: string; maxCount: number | null; maxPercent: number | null; records: number; limit: number | null; by?: 'count' | 'percent' }> = [
    { why: 'count alone', maxCount: 20, maxPercent: null, records: 10_000, limit: 20, by: 'count' },
    { why: 'percent alone: 10 % of 1,000', maxCount: null, maxPercent: 10, records: 1_000, limit: 100, by: 'percent' },
    { why: 'percent rounds down: 10 % of 999', maxCount: null, maxPercent: 10, records: 999, limit: 99, by: 'percent' },
    { why: 'the lower wins: count', maxCount: 20, maxPercent: 10, records: 1_000, limit: 20, by: 'count' },
    { why: 'the lower wins: percent', maxCount: 20, maxPercent: 10, records: 120, limit: 12, by: 'percent' },
    { why: 'a small directory is held at the floor, not at 10 % of 30', maxCount: 20, maxPercent: 10, records: 30, limit: PERCENT_FLOOR, by: 'percent' },
    { why: 'an empty directory still lets the floor through', maxCount: null, maxPercent: 10, records: 0, limit: PERCENT_FLOOR, by: 'percent' },
    { why: 'a count below the floor stands', maxCount: 2, maxPercent: 10, records: 10, limit: 2, by: 'count' },
    { why: 'neither', maxCount: null, maxPercent: null, records: 100, limit: null },
  ];
  for (const c of CASES) {
    it(c.why, () => {
      const limit = breakerLimit({ maxCount: c.maxCount, maxPercent: c.maxPercent }, c.records);
      assert.deepEqual(limit, c.limit === null ? null : { limit: c.limit, by: c.by });
    });
  }
});

describe('tripsBreaker', () => {
  it('lets the limit through and trips on the one after it', () => {
    assert.equal(tripsBreaker(settings(3, null), 2, 100), false, 'the third');
    assert.equal(tripsBreaker(settings(3, null), 3, 100), true, 'the fourth');
  });
  it('never trips when off', () => {
    assert.equal(tripsBreaker(settings(3, null, false), 1_000, 100), false);
  });
  it('trips by percentage as the directory shrinks', () => {
    assert.equal(tripsBreaker(settings(null, 10), 9, 100), false);
    assert.equal(tripsBreaker(settings(null, 10), 10, 100), true);
  });
});

describe('BreakerSettings', () => {
  it('takes the defaults and refuses a limit of neither count nor percentage', () => {
    assert.ok(BreakerSettings.safeParse(DEFAULT_BREAKER_SETTINGS).success);
    assert.ok(!BreakerSettings.safeParse(settings(null, null)).success);
    assert.ok(BreakerSettings.safeParse({ ...settings(5, null), window: { mode: 'cycle', silenceMinutes: 10 } }).success);
  });
});
