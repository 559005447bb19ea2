import type { SyncLogEntry } from '../../shared/admin/contract';

/** What the watch reads of a sync-log entry. */
export type WatchedEntry = Pick<SyncLogEntry, 'time' | 'status' | 'adscimVersion'>;

/**
 * Entra's requests come in cycles about 40 minutes apart, each a burst of requests seconds apart: a
 * silence this long ends one cycle, and the next request of Entra's starts the next.
 */
export const CYCLE_GAP_MS = 10 * 60_000;
/** At most one "errors began" notification in this long, however often errors come and go. */
export const NOTIFY_INTERVAL_MS = 60 * 60_000;

export interface WatchOptions {
  /** While paused, SCIM answers 503 on purpose: those answers are the pause's, not errors to notify about. */
  readonly isPaused: () => boolean;
  readonly cycleGapMs?: number;
  readonly notifyIntervalMs?: number;
}

/**
 * Watches Entra's provisioning requests (those carrying its ADSCIMVersion header) for the tray and
 * the desktop notification: how many failed in the last cycle, and when errors begin, that is, the first
 * failed request of a cycle after a cycle without any (or after the app started). Persistent errors
 * notify once; a notification is due at most once an hour (NOTIFY_INTERVAL_MS).
 */
export class ProvisioningErrorWatch {
  private lastTime: number | undefined;
  private cycleErrors = 0;
  private previousCycleErrors = 0;
  private lastNotified: number | undefined;
  private readonly cycleGapMs: number;
  private readonly notifyIntervalMs: number;

  constructor(private readonly options: WatchOptions) {
    this.cycleGapMs = options.cycleGapMs ?? CYCLE_GAP_MS;
    this.notifyIntervalMs = options.notifyIntervalMs ?? NOTIFY_INTERVAL_MS;
  }

  /**
   * Takes new sync-log entries (oldest first, as the sync log hands them out) and says whether errors
   * began among them, and whether a notification is due for it.
   */
  observe(entries: ReadonlyArray<WatchedEntry>, now: Date): { readonly began: boolean; readonly notify: boolean } {
    let began = false;
    for (const entry of entries) {
      if (entry.adscimVersion === null) continue;
      const time = Date.parse(entry.time);
      if (Number.isNaN(time)) continue;
      if (this.lastTime === undefined || time - this.lastTime >= this.cycleGapMs) {
        if (this.lastTime !== undefined) this.previousCycleErrors = this.cycleErrors;
        this.cycleErrors = 0;
      }
      this.lastTime = Math.max(this.lastTime ?? time, time);
      if (entry.status < 400 || (entry.status === 503 && this.options.isPaused())) continue;
      this.cycleErrors += 1;
      if (this.cycleErrors === 1 && this.previousCycleErrors === 0) began = true;
    }
    const notify = began && (this.lastNotified === undefined || now.getTime() - this.lastNotified >= this.notifyIntervalMs);
    if (notify) this.lastNotified = now.getTime();
    return { began, notify };
  }

  /** Entra's failed requests in its current (or, between cycles, its last) cycle. */
  lastCycleErrors(): number {
    return this.cycleErrors;
  }
}
