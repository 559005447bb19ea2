import type { Logger } from 'pino';
import {
  breakerLimit,
  BreakerSettings as BreakerSettingsSchema,
  DEFAULT_BREAKER_SETTINGS,
  tripsBreaker,
  type BreakerSettings,
  type BreakerView,
  type HeldOperationView,
} from '../../shared/admin/breaker-schemas';
import { plural } from '../../shared/plural';
import type { AdminEventBus } from '../lib/event-bus';
import { PAUSE_RETRY_AFTER_SECONDS } from '../lib/provisioning-pause';
import { planHeldWrite, requestFingerprint, type DeprovisionAttempt, type DeprovisionGate, type DeprovisionVerdict } from '../scim/deprovision';
import { redactPasswords } from '../scim/resource/redact-passwords';
import type { ResourceDoc } from '../scim/resource/resource-doc';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { ResourceSchema } from '../scim/schema/resource-schema';
import { isScimError, ScimError } from '../scim/scim-error';
import type { BreakerStore, HeldOperationRecord, HeldOutcome } from '../store/breaker-store';
import type { DirectoryStore } from '../store/directory-store';
import { StoreError } from '../store/store-errors';
import { AdminApiError } from './admin-error';

const SETTINGS_KEY = 'breaker.settings';
const TRIP_KEY = 'breaker.trip';
/** Counting starts again from here once the held list is cleared: what tripped the breaker is settled. */
const COUNT_FROM_KEY = 'breaker.countFrom';

/** Since when deactivations and deletes are held, and why. */
export interface BreakerTrip {
  readonly since: string;
  readonly reason: string;
}

export interface BreakerDeps {
  readonly store: BreakerStore & Pick<DirectoryStore, 'getSetting' | 'setSetting' | 'countResources' | 'getDirectory'>;
  readonly schemas: () => Record<ResourceKind, ResourceSchema>;
  /** The admin's attribute rules, as the SCIM endpoint enforces them: an approval writes nothing they refuse. */
  readonly checkDoc: (kind: ResourceKind, doc: ResourceDoc) => { readonly detail: string } | undefined;
  /** A snapshot of the database before an approval writes; a failure stops the approval (nothing applied). */
  readonly takeSnapshot: (reason: string) => Promise<void>;
  readonly events: Pick<AdminEventBus, 'emit'>;
  readonly now: () => Date;
  readonly logger?: Logger;
}

/** The breaker's state as the desktop app follows it (a notification when it trips). */
export interface BreakerState {
  readonly tripped: BreakerTrip | null;
  readonly held: number;
}

/** The held list's row for the admin contract. */
export function toHeldOperationView(held: HeldOperationRecord): HeldOperationView {
  return {
    id: held.id,
    resourceType: held.resourceType,
    resourceId: held.resourceId,
    userName: held.userName,
    displayName: held.displayName,
    externalId: held.externalId,
    action: held.action,
    method: held.method,
    changes: held.changes.map((change) => ({ ...change })),
    reason: held.reason,
    firstReceived: held.firstReceived,
    lastReceived: held.lastReceived,
    retries: held.retries,
  };
}

const text = (value: unknown) => (typeof value === 'string' ? value : null);

/**
 * The mass-deprovisioning breaker (issue 14). It counts the deactivations and deletes Entra applies within
 * a window (the last N minutes, or Entra's current cycle); the one that passes the limit trips it, and from
 * then on every deactivation and delete is held (answered 503, nothing written) until an administrator
 * approves the held list (after a snapshot, in one transaction) or rejects it. Creates and updates flow
 * all along. Tripped stays tripped (across restarts) until the held list is empty: a mass deprovisioning
 * lasts longer than any window, and the next hour must not let it through.
 *
 * Decisions are made one at a time (Entra sends requests in parallel): the limit is exact.
 */
export class DeprovisionBreaker implements DeprovisionGate {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(state: BreakerState) => void>();
  /** Entra's last request and the start of its current cycle (silence detection for the `cycle` window). */
  private lastActivity: number | undefined;
  private cycleStart: number | undefined;

  private constructor(
    private readonly deps: BreakerDeps,
    private settings: BreakerSettings,
    private trip: BreakerTrip | null,
    private countFrom: string | null,
  ) {}

  static async load(deps: BreakerDeps): Promise<DeprovisionBreaker> {
    const saved = BreakerSettingsSchema.safeParse(await deps.store.getSetting<unknown>(SETTINGS_KEY));
    const trip = await deps.store.getSetting<BreakerTrip | null>(TRIP_KEY);
    const countFrom = await deps.store.getSetting<string | null>(COUNT_FROM_KEY);
    return new DeprovisionBreaker(deps, saved.success ? saved.data : DEFAULT_BREAKER_SETTINGS, trip ?? null, countFrom ?? null);
  }

  /** Called with the state after it trips or its held list changes. Returns the unsubscribe function. */
  subscribe(listener: (state: BreakerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Entra's requests as the sync log records them: their times mark its cycles. */
  observeActivity(times: ReadonlyArray<string>): void {
    for (const time of times) {
      const at = Date.parse(time);
      if (!Number.isNaN(at)) this.noteActivity(at);
    }
  }

  admit(attempt: DeprovisionAttempt, now: Date): Promise<DeprovisionVerdict> {
    return this.serial(async () => {
      this.noteActivity(now.getTime());
      if (!this.settings.enabled) return { held: false };
      if (this.trip) return this.hold(attempt, now, this.trip.reason);
      const since = this.windowStart(now);
      const applied = await this.deps.store.countBreakerEvents(since);
      const records = await this.records();
      if (tripsBreaker(this.settings, applied, records)) {
        const reason = this.tripReason(applied, records);
        this.trip = { since: now.toISOString(), reason };
        await this.deps.store.setSetting(TRIP_KEY, this.trip);
        this.deps.logger?.warn({ reason }, 'mass-deprovisioning breaker tripped: deactivations and deletes are held');
        return this.hold(attempt, now, reason);
      }
      await this.deps.store.recordBreakerEvent(now.toISOString(), attempt.resourceType, attempt.resourceId);
      return { held: false };
    });
  }

  async view(): Promise<BreakerView> {
    const now = this.deps.now();
    const since = this.windowStart(now);
    const [applied, records, held] = await Promise.all([this.deps.store.countBreakerEvents(since), this.records(), this.deps.store.countHeldOperations()]);
    const limit = breakerLimit(this.settings, records);
    return {
      settings: this.settings,
      tripped: this.trip,
      held,
      window: { since, applied, records, limit: limit?.limit ?? null, by: limit?.by ?? null },
      retryAfterSeconds: PAUSE_RETRY_AFTER_SECONDS,
    };
  }

  async held(): Promise<HeldOperationView[]> {
    return (await this.deps.store.listHeldOperations()).map(toHeldOperationView);
  }

  saveSettings(settings: BreakerSettings): Promise<void> {
    return this.serial(async () => {
      await this.deps.store.setSetting(SETTINGS_KEY, settings);
      this.settings = settings;
    });
  }

  current(): BreakerSettings {
    return this.settings;
  }

  /**
   * Applies the chosen held operations (all for null): a snapshot first (a failure stops here, nothing
   * applied), then one transaction. A held operation that can no longer be applied as sent (a rule refuses
   * it, a value another record holds) stops the whole approval, naming it; one whose record changed or
   * went since is skipped (planHeldWrite says why).
   */
  approve(ids: ReadonlyArray<number> | null): Promise<{ readonly outcomes: ReadonlyArray<HeldOutcome>; readonly records: ReadonlyArray<HeldOperationRecord> }> {
    return this.serial(async () => {
      const records = this.pick(await this.deps.store.listHeldOperations(), ids);
      if (records.length === 0) throw new AdminApiError('notFound', 'None of the chosen operations is held (any more): reload the held list.');
      try {
        await this.deps.takeSnapshot(`before approving ${plural(records.length, 'held deactivation or delete', 'held deactivations and deletes')}`);
      } catch (error) {
        throw new AdminApiError('unavailable', `The snapshot before approving could not be taken, so nothing was applied: ${error instanceof Error ? error.message : String(error)}`);
      }
      const retention = (await this.deps.store.getDirectory())?.onDelete ?? { mode: 'hard' as const };
      let working: HeldOperationRecord | undefined;
      let outcomes: ReadonlyArray<HeldOutcome>;
      try {
        outcomes = await this.deps.store.applyHeldOperations(
          records.map((record) => record.id),
          (held, current) => {
            working = held;
            const check = (doc: ResourceDoc) => {
              const violation = this.deps.checkDoc(held.resourceType, doc);
              if (violation) throw ScimError.badRequest('invalidValue', violation.detail);
            };
            return planHeldWrite(held, current, this.deps.schemas()[held.resourceType], check, retention);
          },
          this.deps.now(),
        );
      } catch (error) {
        if (!isScimError(error) && !(error instanceof StoreError)) throw error;
        const who = working ? `held operation ${working.id} (${working.action} of ${working.userName ?? working.displayName ?? working.resourceId})` : 'a held operation';
        throw new AdminApiError('conflict', `Nothing was applied: ${who} cannot be applied as Entra sent it (${error.message}). Reject it, then approve the others.`);
      }
      await this.settle();
      return { outcomes, records };
    });
  }

  /** Discards the chosen held operations (all for null): nothing is written to the records. */
  reject(ids: ReadonlyArray<number> | null): Promise<ReadonlyArray<HeldOperationRecord>> {
    return this.serial(async () => {
      const discarded = await this.deps.store.discardHeldOperations(ids);
      if (discarded.length === 0) throw new AdminApiError('notFound', 'None of the chosen operations is held (any more): reload the held list.');
      await this.settle();
      return discarded;
    });
  }

  /** After an approval or rejection: an empty held list resets the breaker, and counting starts again now. */
  private async settle(): Promise<void> {
    const held = await this.deps.store.countHeldOperations();
    if (held === 0 && this.trip) {
      this.trip = null;
      this.countFrom = this.deps.now().toISOString();
      await this.deps.store.setSetting(TRIP_KEY, null);
      await this.deps.store.setSetting(COUNT_FROM_KEY, this.countFrom);
    }
    this.changed(held);
  }

  private async hold(attempt: DeprovisionAttempt, now: Date, reason: string): Promise<DeprovisionVerdict> {
    const doc = attempt.current.doc;
    const body = redactPasswords(attempt.body);
    const { record, retry } = await this.deps.store.holdOperation(
      {
        resourceType: attempt.resourceType,
        resourceId: attempt.resourceId,
        action: attempt.action,
        method: attempt.method,
        // Kept until an administrator decides, so no password in it (an approval discards it anyway).
        body: body ?? null,
        ifMatch: attempt.ifMatch,
        fingerprint: requestFingerprint(attempt.method, body),
        baseVersion: attempt.current.version,
        userName: text(doc['userName']),
        displayName: text(doc['displayName']),
        externalId: text(doc['externalId']),
        changes: attempt.changes,
        reason,
      },
      now,
    );
    this.changed(await this.deps.store.countHeldOperations());
    const what = attempt.action === 'delete' ? 'delete' : 'deactivation';
    return {
      held: true,
      retryAfterSeconds: PAUSE_RETRY_AFTER_SECONDS,
      detail:
        `Held by ScimDesk's mass-deprovisioning breaker: ${reason}. Nothing was changed; this ${what} waits for an administrator to approve or reject it in ScimDesk. ` +
        'Entra retries it in a later cycle.',
      note: `Held by the mass-deprovisioning breaker as held operation ${record.id}${retry ? `, Entra's retry (sent ${record.retries + 1} times)` : record.retries > 0 ? ', replacing the one held for this record' : ''}: nothing was written; it waits for an administrator's approval.`,
    };
  }

  private tripReason(applied: number, records: number): string {
    const limit = breakerLimit(this.settings, records)!;
    const window = this.settings.window.mode === 'minutes' ? `within ${this.settings.window.minutes} minutes` : "within Entra's current cycle";
    const by = limit.by === 'percent' ? ` (${this.settings.maxPercent} % of ${records} users and groups)` : '';
    return `${plural(applied, 'deactivation or delete', 'deactivations and deletes')} ${window} reached the limit of ${limit.limit}${by}`;
  }

  private windowStart(now: Date): string {
    const window = this.settings.window;
    const start = window.mode === 'minutes' ? now.getTime() - window.minutes * 60_000 : (this.cycleStart ?? now.getTime());
    const since = new Date(start).toISOString();
    return this.countFrom !== null && this.countFrom > since ? this.countFrom : since;
  }

  private noteActivity(at: number): void {
    const silence = this.settings.window.mode === 'cycle' ? this.settings.window.silenceMinutes * 60_000 : 10 * 60_000;
    if (this.lastActivity === undefined || at - this.lastActivity >= silence) this.cycleStart = at;
    this.lastActivity = Math.max(this.lastActivity ?? at, at);
  }

  private async records(): Promise<number> {
    const [users, groups] = await Promise.all([this.deps.store.countResources('User'), this.deps.store.countResources('Group')]);
    return users + groups;
  }

  private pick(all: ReadonlyArray<HeldOperationRecord>, ids: ReadonlyArray<number> | null): HeldOperationRecord[] {
    if (ids === null) return [...all];
    const wanted = new Set(ids);
    return all.filter((held) => wanted.has(held.id));
  }

  private changed(held: number): void {
    this.deps.events.emit('breaker.changed', { held, tripped: this.trip !== null });
    this.deps.events.emit('overview.changed', {});
    const state: BreakerState = { tripped: this.trip, held };
    for (const listener of this.listeners) {
      try {
        listener(state);
      } catch {
        // A broken listener (a destroyed tray) must not stop the others.
      }
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
