import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProvisioningState, QuarantineAssessment } from '../../../shared/admin/contract';
import { ENTRA_CYCLE_MINUTES, pauseSafety } from '../../../shared/admin/pause-safety';

const NOW = new Date('2026-03-02T12:00:00.000Z');

function quarantine(operations: number, failures: number): QuarantineAssessment {
  const rules = { evaluationMinimum: 5_000, failureRateAbove: 0.4, failuresAbove: 40_000, allFailuresAbove: 60_000, retryHours: [6, 12, 24], retryDays: 28 };
  const sign = { count: 0, last: null, open: false };
  return {
    since: '2026-03-01T12:00:00.000Z',
    windowHours: 24,
    level: 'clear',
    entraRequests: operations,
    operations,
    failures,
    referenceFailures: 0,
    failureRate: operations > 0 ? failures / operations : null,
    refusedCredentials: sign,
    notFoundQueries: sign,
    lastSuccess: null,
    rules,
    toEvaluation: Math.max(0, 5_000 - failures),
    toFailureCount: Math.max(0, 40_001 - failures),
    toAllFailures: Math.max(0, 60_001 - failures),
    met: { refusedCredentials: false, notFoundQueries: false, failureRate: false, failureCount: false, allFailures: false },
  };
}

const pausedFor = (minutes: number): ProvisioningState => ({
  paused: true,
  since: new Date(NOW.getTime() - minutes * 60_000).toISOString(),
  by: 'admin-ui:alice',
  retryAfterSeconds: 2400,
});
const running: ProvisioningState = { paused: false, since: null, by: null, retryAfterSeconds: 2400 };

describe('pauseSafety', () => {
  it('calls a pause within one Entra cycle safe, and a longer one late', () => {
    assert.equal(pauseSafety(pausedFor(ENTRA_CYCLE_MINUTES), quarantine(480, 0), NOW).level, 'safe');
    assert.equal(pauseSafety(pausedFor(ENTRA_CYCLE_MINUTES + 1), quarantine(480, 0), NOW).level, 'late');
    assert.equal(pauseSafety(running, quarantine(480, 0), NOW).level, 'safe');
  });

  it("estimates the hours left until Entra weighs quarantine from its pace of the last 24 hours", () => {
    const safety = pauseSafety(pausedFor(120), quarantine(4_800, 1_000), NOW);
    assert.equal(safety.operationsPerHour, 200);
    assert.equal(safety.failuresToEvaluation, 4_000);
    assert.equal(safety.hoursToEvaluation, 20);
    assert.equal(safety.pausedMinutes, 120);
  });

  it('has no estimate when Entra sent no operations, and says quarantine once 5,000 operations failed', () => {
    const quiet = pauseSafety(pausedFor(600), quarantine(0, 0), NOW);
    assert.equal(quiet.operationsPerHour, null);
    assert.equal(quiet.hoursToEvaluation, null);
    assert.equal(quiet.level, 'late');
    assert.equal(pauseSafety(pausedFor(10), quarantine(6_000, 5_000), NOW).level, 'quarantine');
  });
});
