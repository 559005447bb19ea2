import type { QuarantineAssessment } from '../../shared/admin/contract';
import type { QuarantineCounts, QuarantineMinute, SyncLogStore } from '../store/directory-store';

/**
 * Microsoft's rules for putting a provisioning job in quarantine ("Application provisioning in
 * quarantine status", learn.microsoft.com, 2025): refused credentials, or a 404 where a query
 * expected 200, quarantine at once; otherwise evaluation starts once 5,000 operations failed, and
 * quarantines above 40 % failed or above 40,000 failures (reference failures such as group members
 * or a manager apart), or above 60,000 failures of any kind. Microsoft notes the logic may change.
 */
export const QUARANTINE_RULES = {
  evaluationMinimum: 5_000,
  failureRateAbove: 0.4,
  failuresAbove: 40_000,
  allFailuresAbove: 60_000,
  /** Entra retries a failed object after 6, 12 and 24 hours, then daily for 28 days. */
  retryHours: [6, 12, 24],
  retryDays: 28,
} as const;

/** How far back the Overview measures: Entra's third retry comes 24 hours after a failure. */
export const QUARANTINE_WINDOW_HOURS = 24;

/** The start of the window at `now`: 24 hours back, to the minute (the meter counts whole minutes). */
function quarantineWindowStart(now: Date): string {
  const start = new Date(now.getTime() - QUARANTINE_WINDOW_HOURS * 3_600_000);
  start.setUTCSeconds(0, 0);
  return start.toISOString();
}

const later = (a: string | null, b: string | null) => (a === null ? b : b === null || a > b ? a : b);

/**
 * Entra's requests of the last 24 hours, counted by the store minute by minute and kept here, so each Overview refresh reads only the entries logged since the last one: counting a busy
 * day again every two seconds held the event loop for a quarter of a second at 200,000 requests.
 */
export class QuarantineMeter {
  private readonly minutes = new Map<string, QuarantineMinute>();
  private throughSeq = 0;
  /** Measurements run one after another: two at once would both count the entries after the same sequence number. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: Pick<SyncLogStore, 'measureQuarantine'>) {}

  measure(now: Date): Promise<QuarantineCounts> {
    const next = this.queue.then(() => this.step(now));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async step(now: Date): Promise<QuarantineCounts> {
    const since = quarantineWindowStart(now);
    const slice = await this.store.measureQuarantine(since, this.throughSeq);
    this.throughSeq = slice.throughSeq;
    for (const fresh of slice.minutes) {
      const kept = this.minutes.get(fresh.minute);
      this.minutes.set(
        fresh.minute,
        kept
          ? {
              minute: fresh.minute,
              entraRequests: kept.entraRequests + fresh.entraRequests,
              operations: kept.operations + fresh.operations,
              failures: kept.failures + fresh.failures,
              referenceFailures: kept.referenceFailures + fresh.referenceFailures,
              refusedCredentials: kept.refusedCredentials + fresh.refusedCredentials,
              lastRefused: later(kept.lastRefused, fresh.lastRefused),
              notFoundQueries: kept.notFoundQueries + fresh.notFoundQueries,
              lastNotFound: later(kept.lastNotFound, fresh.lastNotFound),
              lastSuccess: later(kept.lastSuccess, fresh.lastSuccess),
            }
          : fresh,
      );
    }
    const firstMinute = since.slice(0, 16);
    const total: { -readonly [K in keyof QuarantineCounts]: QuarantineCounts[K] } = {
      since,
      entraRequests: 0,
      operations: 0,
      failures: 0,
      referenceFailures: 0,
      refusedCredentials: 0,
      lastRefused: null,
      notFoundQueries: 0,
      lastNotFound: null,
      lastSuccess: null,
    };
    for (const [minute, h] of this.minutes) {
      if (minute < firstMinute) {
        this.minutes.delete(minute);
        continue;
      }
      total.entraRequests += h.entraRequests;
      total.operations += h.operations;
      total.failures += h.failures;
      total.referenceFailures += h.referenceFailures;
      total.refusedCredentials += h.refusedCredentials;
      total.notFoundQueries += h.notFoundQueries;
      total.lastRefused = later(total.lastRefused, h.lastRefused);
      total.lastNotFound = later(total.lastNotFound, h.lastNotFound);
      total.lastSuccess = later(total.lastSuccess, h.lastSuccess);
    }
    return total;
  }
}

/** Warnings start halfway to a threshold, so the trend shows before Entra acts on it. */
const WATCH_FRACTION = 0.5;
/** A failure rate over fewer operations than this says little (one failed create of two). */
const WATCH_MIN_OPERATIONS = 10;

/**
 * Measured figures against each rule, with the distance to it and an overall level: `met` when a
 * rule Entra quarantines for holds now, `watch` halfway there, `clear` otherwise. A refused token
 * or a 404 counts as fixed once a later request of Entra's succeeded.
 */
export function assessQuarantine(counts: QuarantineCounts): QuarantineAssessment {
  const rules = QUARANTINE_RULES;
  const failureRate = counts.operations > 0 ? counts.failures / counts.operations : null;
  const fixedAfter = (last: string | null) => last !== null && counts.lastSuccess !== null && counts.lastSuccess > last;
  const refusedOpen = counts.refusedCredentials > 0 && !fixedAfter(counts.lastRefused);
  const notFoundOpen = counts.notFoundQueries > 0 && !fixedAfter(counts.lastNotFound);
  const evaluated = counts.failures >= rules.evaluationMinimum;
  const rateMet = evaluated && failureRate !== null && failureRate > rules.failureRateAbove;
  const countMet = evaluated && counts.failures > rules.failuresAbove;
  const allFailures = counts.failures + counts.referenceFailures;
  const allMet = allFailures > rules.allFailuresAbove;
  const met = refusedOpen || notFoundOpen || rateMet || countMet || allMet;
  const watch =
    (failureRate !== null && counts.operations >= WATCH_MIN_OPERATIONS && failureRate > rules.failureRateAbove * WATCH_FRACTION) ||
    counts.failures > rules.failuresAbove * WATCH_FRACTION ||
    allFailures > rules.allFailuresAbove * WATCH_FRACTION;
  return {
    since: counts.since,
    windowHours: QUARANTINE_WINDOW_HOURS,
    level: met ? 'met' : watch ? 'watch' : 'clear',
    entraRequests: counts.entraRequests,
    operations: counts.operations,
    failures: counts.failures,
    referenceFailures: counts.referenceFailures,
    failureRate,
    refusedCredentials: { count: counts.refusedCredentials, last: counts.lastRefused, open: refusedOpen },
    notFoundQueries: { count: counts.notFoundQueries, last: counts.lastNotFound, open: notFoundOpen },
    lastSuccess: counts.lastSuccess,
    rules: {
      evaluationMinimum: rules.evaluationMinimum,
      failureRateAbove: rules.failureRateAbove,
      failuresAbove: rules.failuresAbove,
      allFailuresAbove: rules.allFailuresAbove,
      retryHours: [...rules.retryHours],
      retryDays: rules.retryDays,
    },
    toEvaluation: Math.max(0, rules.evaluationMinimum - counts.failures),
    toFailureCount: Math.max(0, rules.failuresAbove + 1 - counts.failures),
    toAllFailures: Math.max(0, rules.allFailuresAbove + 1 - allFailures),
    met: { refusedCredentials: refusedOpen, notFoundQueries: notFoundOpen, failureRate: rateMet, failureCount: countMet, allFailures: allMet },
  };
}
