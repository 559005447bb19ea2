import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { DirectoryChange } from '../../shared/admin/change-types';
import type { DeliveryStore, SubscriptionRecord } from '../store/directory-store';
import { wantsChange } from './subscription-filter';
import type { SubscriptionSecrets } from './subscription-secrets';
import type { SendWebhook } from './webhook-sender';

/** The store as the worker uses it: the outbox and the subscriptions, nothing else. */
export type DeliveryWorkerStore = Pick<DeliveryStore, 'readChanges' | 'listSubscriptions' | 'getSubscription' | 'updateSubscription' | 'appendDeliveryLog'>;

export interface DeliveryTuning {
  /** Most changes in one POST when a receiver is behind. */
  readonly batchSize: number;
  /** First retry wait; each failure doubles it (full jitter), up to backoffMaxMs. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** How often the outbox is looked at for new changes when nothing wakes the worker. */
  readonly pollMs: number;
  /** A receiver that has not answered in this time has failed. */
  readonly timeoutMs: number;
  /** Delivery-log entries kept per subscription. */
  readonly logKept: number;
}

export const DEFAULT_DELIVERY_TUNING: DeliveryTuning = {
  batchSize: 100,
  backoffBaseMs: 1000,
  backoffMaxMs: 3_600_000,
  pollMs: 500,
  timeoutMs: 10_000,
  logKept: 1000,
};

export interface DeliveryWorkerDeps {
  readonly store: DeliveryWorkerStore;
  readonly send: SendWebhook;
  /** The signing secrets, in the secret store (cached; a failed delivery drops the cached one). */
  readonly secrets: Pick<SubscriptionSecrets, 'read' | 'forget' | 'description'>;
  readonly now: () => Date;
  /**
   * Told once when the worker pauses a subscription (admin event, notification, sync log): after its own
   * number of failures in a row, or because its signing secret is missing from the store.
   */
  readonly onPaused: (subscription: SubscriptionRecord, error: string, cause: PauseCause) => void;
  /** Told after every attempt, so the Delivery screen follows. */
  readonly onAttempt?: (subscriptionId: string) => void;
  readonly onError?: (error: unknown) => void;
  readonly random?: () => number;
  readonly tuning?: Partial<DeliveryTuning>;
}

/** The body of one POST: Standard Webhooks' `{ type, timestamp, data }`, the changes in sequence order. */
export interface WebhookPayload {
  readonly type: 'directory.changes' | 'delivery.test';
  readonly timestamp: string;
  readonly data: { readonly subscriptionId: string; readonly changes: ReadonlyArray<DirectoryChange> };
}

/** The idempotency id of a batch: the same range of the outbox always gets the same id, across retries and restarts. */
export function messageId(subscriptionId: string, fromSeq: number, toSeq: number): string {
  return `msg_${subscriptionId}_${fromSeq}_${toSeq}`;
}

/** Exponential backoff with full jitter: a wait in [0, min(max, base·2^(failures-1))). */
export function backoffMs(failures: number, tuning: Pick<DeliveryTuning, 'backoffBaseMs' | 'backoffMaxMs'>, random: () => number): number {
  const ceiling = Math.min(tuning.backoffMaxMs, tuning.backoffBaseMs * 2 ** Math.min(30, Math.max(0, failures - 1)));
  return Math.floor(random() * ceiling);
}

/** Signs a body the Standard Webhooks way: `webhook-id`, `webhook-timestamp` (seconds) and `webhook-signature` (v1, HMAC-SHA256). */
export function signedHeaders(secret: string, id: string, at: Date, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
    'user-agent': 'ScimDesk-Webhooks/1',
  };
}

type Step = 'idle' | 'sent' | 'failed';

/** Why the worker paused a subscription. */
export type PauseCause = 'failures' | 'secretMissing';

/** The pause reason of a subscription whose secret is not in the store: the subscription cannot be fixed, only made again. */
export function missingSecretReason(storeDescription: string): string {
  return `Paused because its signing secret is missing from ${storeDescription}: remove and re-create the subscription (the receiver then needs the new secret)`;
}

/**
 * Delivers the outbox to every subscription, at least once and in sequence order: one batch in flight
 * per subscription, its range written down before it is sent (a retry, even after a kill, sends the same
 * range under the same id), the cursor moved only after a 2xx. Failures back off exponentially with
 * jitter; after its own `pauseAfter` failures in a row the subscription is paused and the admin told.
 * Subscriptions are read from the store on every round, so the CLI's changes (made in another process)
 * apply here. Nothing is ever sent unsigned: a subscription whose secret is missing is paused instead.
 */
export class DeliveryWorker {
  private readonly tuning: DeliveryTuning;
  private readonly random: () => number;
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  private round: Promise<void> | undefined;

  constructor(private readonly deps: DeliveryWorkerDeps) {
    this.tuning = { ...DEFAULT_DELIVERY_TUNING, ...deps.tuning };
    this.random = deps.random ?? Math.random;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
  }

  /** Looks at the outbox now (a change was just written) instead of at the next poll. */
  wake(): void {
    if (this.running && !this.round) this.schedule(0);
  }

  /** One pass over every subscription that is due: each sends batches until it is caught up or fails. */
  async runOnce(): Promise<void> {
    const now = this.deps.now().toISOString();
    const due = (await this.deps.store.listSubscriptions()).filter(
      (s) => s.paused === null && (s.nextAttempt === null || s.nextAttempt <= now) && !this.busy.has(s.id),
    );
    await Promise.all(due.map((subscription) => this.drain(subscription.id)));
  }

  /**
   * Sends a test event (no change, type `delivery.test`) at once, paused or not, and logs it; the
   * cursor does not move. Returns the log entry, so the screen can say what the receiver answered.
   */
  async sendTest(subscription: SubscriptionRecord) {
    const id = `msg_test_${randomUUID()}`;
    const secret = await this.deps.secrets.read(subscription.id);
    if (secret === undefined) {
      const error = await this.pauseForMissingSecret(subscription);
      const entry = await this.deps.store.appendDeliveryLog(
        { subscriptionId: subscription.id, time: this.deps.now().toISOString(), messageId: id, fromSeq: null, toSeq: null, count: 0, outcome: 'test', responseCode: null, latencyMs: 0, error },
        this.tuning.logKept,
      );
      this.deps.onAttempt?.(subscription.id);
      return entry;
    }
    const at = this.deps.now();
    const body = JSON.stringify({ type: 'delivery.test', timestamp: at.toISOString(), data: { subscriptionId: subscription.id, changes: [] } } satisfies WebhookPayload);
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const outcome = await this.deps.send(subscription.url, body, signedHeaders(secret, id, at, body), this.tuning.timeoutMs);
      status = outcome.status;
      if (status < 200 || status > 299) error = `HTTP ${status}${outcome.text ? `: ${outcome.text.slice(0, 200)}` : ''}`;
    } catch (thrown) {
      error = thrown instanceof Error ? thrown.message : String(thrown);
    }
    if (error !== null) this.deps.secrets.forget(subscription.id);
    const entry = await this.deps.store.appendDeliveryLog(
      {
        subscriptionId: subscription.id,
        time: this.deps.now().toISOString(),
        messageId: id,
        fromSeq: null,
        toSeq: null,
        count: 0,
        outcome: 'test',
        responseCode: status,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
        error,
      },
      this.tuning.logKept,
    );
    this.deps.onAttempt?.(subscription.id);
    return entry;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.round = this.runOnce()
        .catch((error: unknown) => this.deps.onError?.(error))
        .finally(() => {
          this.round = undefined;
          if (this.running) this.schedule(this.tuning.pollMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async drain(id: string): Promise<void> {
    this.busy.add(id);
    try {
      while (!this.stopped) {
        const subscription = await this.deps.store.getSubscription(id);
        if (!subscription || subscription.paused !== null) return;
        const step = await this.step(subscription);
        if (step !== 'sent') return;
      }
    } finally {
      this.busy.delete(id);
    }
  }

  /** Sends the subscription's next batch (or the one in flight); 'idle' when there is nothing to send. */
  private async step(subscription: SubscriptionRecord): Promise<Step> {
    const { store } = this.deps;
    const from = subscription.deliveredSeq;
    const limit = subscription.inflightTo !== null ? subscription.inflightTo - from : this.tuning.batchSize;
    if (limit <= 0) {
      await store.updateSubscription(subscription.id, { deliveredSeq: subscription.inflightTo ?? from, inflightTo: null }, from);
      return 'sent';
    }
    const read = await store.readChanges(from, limit);
    if (read.length === 0) return 'idle';
    const last = read[read.length - 1]!.seq;
    const changes = read.filter((change) => wantsChange(subscription, change));
    if (changes.length === 0) {
      // Nothing this subscription wants: the cursor moves on without a POST.
      await store.updateSubscription(subscription.id, { deliveredSeq: last, inflightTo: null }, from);
      return 'sent';
    }
    const secret = await this.deps.secrets.read(subscription.id);
    if (secret === undefined) {
      await this.pauseForMissingSecret(subscription, from);
      this.deps.onAttempt?.(subscription.id);
      return 'failed';
    }
    if (subscription.inflightTo === null && !(await store.updateSubscription(subscription.id, { inflightTo: last }, from))) return 'idle';
    const id = messageId(subscription.id, from + 1, last);
    const at = this.deps.now();
    const payload: WebhookPayload = { type: 'directory.changes', timestamp: at.toISOString(), data: { subscriptionId: subscription.id, changes } };
    const body = JSON.stringify(payload);
    const started = performance.now();
    let error: string | null = null;
    let status: number | null = null;
    try {
      const outcome = await this.deps.send(subscription.url, body, signedHeaders(secret, id, at, body), this.tuning.timeoutMs);
      status = outcome.status;
      if (status < 200 || status > 299) error = `HTTP ${status}${outcome.text ? `: ${outcome.text.slice(0, 200)}` : ''}`;
    } catch (thrown) {
      error = thrown instanceof Error ? thrown.message : String(thrown);
    }
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const time = this.deps.now();
    await store.appendDeliveryLog(
      { subscriptionId: subscription.id, time: time.toISOString(), messageId: id, fromSeq: from + 1, toSeq: last, count: changes.length, outcome: error === null ? 'delivered' : 'failed', responseCode: status, latencyMs, error },
      this.tuning.logKept,
    );
    if (error === null) {
      await store.updateSubscription(subscription.id, { deliveredSeq: last, inflightTo: null, failures: 0, nextAttempt: null, lastError: null, lastSuccess: time.toISOString() }, from);
      this.deps.onAttempt?.(subscription.id);
      return 'sent';
    }
    // The receiver may have been given a new secret: the next attempt reads the store again.
    this.deps.secrets.forget(subscription.id);
    const failures = subscription.failures + 1;
    if (failures >= subscription.pauseAfter) {
      const reason = `Paused after ${failures} failed attempts in a row; last: ${error}`;
      if (await store.updateSubscription(subscription.id, { failures, lastError: error, paused: time.toISOString(), pauseReason: reason, nextAttempt: null }, from)) {
        this.deps.onPaused({ ...subscription, failures, paused: time.toISOString(), pauseReason: reason, lastError: error }, error, 'failures');
      }
    } else {
      const next = new Date(time.getTime() + backoffMs(failures, this.tuning, this.random)).toISOString();
      await store.updateSubscription(subscription.id, { failures, lastError: error, nextAttempt: next }, from);
    }
    this.deps.onAttempt?.(subscription.id);
    return 'failed';
  }

  /** Pauses a subscription whose signing secret is not in the store, and says how to fix it; returns the reason. */
  private async pauseForMissingSecret(subscription: SubscriptionRecord, expectDeliveredSeq?: number): Promise<string> {
    const reason = missingSecretReason(this.deps.secrets.description);
    if (subscription.paused !== null && subscription.pauseReason === reason) return reason;
    const time = this.deps.now().toISOString();
    if (await this.deps.store.updateSubscription(subscription.id, { lastError: reason, paused: time, pauseReason: reason, nextAttempt: null }, expectDeliveredSeq)) {
      this.deps.onPaused({ ...subscription, paused: time, pauseReason: reason, lastError: reason }, reason, 'secretMissing');
    }
    return reason;
  }
}
