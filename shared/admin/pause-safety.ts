import type { ProvisioningState, QuarantineAssessment } from './contract';

/**
 * Entra's incremental cycles come about every 40 minutes ("subsequent cycles, which occur approximately
 * every 40 minutes", Microsoft's SaaS app provisioning tutorials on learn.microsoft.com).
 */
export const ENTRA_CYCLE_MINUTES = 40;

/**
 * How long a pause of provisioning is safe, from what Microsoft publishes and what Entra sent lately:
 * - a pause within one cycle costs at most that cycle's operations, which Entra retries in a later cycle
 *   ("How provisioning works": an operation that fails on the target is retried in the next sync cycle,
 *   then less and less often); nothing is lost;
 * - past that, every cycle's operations fail and wait for Entra's retries (after 6, 12 and 24 hours, then
 *   daily; Microsoft's quarantine page, "Retry duration"), so changes arrive hours late unless the admin
 *   restarts provisioning in Entra or provisions on demand;
 * - Entra starts weighing quarantine once 5,000 operations failed (the quarantine page's escrow
 *   thresholds); at the pace Entra sent operations in the last 24 hours, that is `hoursToEvaluation`
 *   away. A quarantined job runs once a day and is disabled after four weeks.
 * Microsoft says its thresholds may change, so these are estimates, worded as such in the UI.
 */
export interface PauseSafety {
  /** Up to this long a pause costs at most one cycle of Entra's, retried later. */
  readonly safeMinutes: number;
  /** How long the pause has lasted; null while provisioning runs. */
  readonly pausedMinutes: number | null;
  /** Entra's provisioning operations an hour over the quarantine window; null when it sent none. */
  readonly operationsPerHour: number | null;
  /** Failed operations left before Entra starts weighing quarantine. */
  readonly failuresToEvaluation: number;
  /** At that pace, how many more hours of pause until then; null without a pace to go by. */
  readonly hoursToEvaluation: number | null;
  /**
   * For a pause in force: `safe` within one cycle; `late` past it (changes wait for Entra's retries);
   * `quarantine` once Entra counts enough failures to weigh quarantine. `safe` while running.
   */
  readonly level: 'safe' | 'late' | 'quarantine';
}

/** How safe a pause is (or would be) now, from the Overview's quarantine figures. */
export function pauseSafety(provisioning: ProvisioningState, quarantine: QuarantineAssessment, now: Date): PauseSafety {
  const pausedMinutes = provisioning.since === null ? null : Math.max(0, (now.getTime() - Date.parse(provisioning.since)) / 60_000);
  const operationsPerHour = quarantine.operations > 0 ? quarantine.operations / quarantine.windowHours : null;
  const hoursToEvaluation = operationsPerHour === null ? null : quarantine.toEvaluation / operationsPerHour;
  const level = pausedMinutes === null ? 'safe' : quarantine.toEvaluation === 0 ? 'quarantine' : pausedMinutes > ENTRA_CYCLE_MINUTES ? 'late' : 'safe';
  return {
    safeMinutes: ENTRA_CYCLE_MINUTES,
    pausedMinutes,
    operationsPerHour,
    failuresToEvaluation: quarantine.toEvaluation,
    hoursToEvaluation,
    level,
  };
}
