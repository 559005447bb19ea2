import { randomBytes, randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { CHANGE_TYPES, type ChangeType } from '../../shared/admin/change-types';
import { DEFAULT_PAUSE_AFTER, MAX_PAUSE_AFTER } from '../../shared/admin/delivery-schemas';
import type { DeliveryStore, OutboxBounds, StoredDeliveryAttempt, SubscriptionFilter, SubscriptionRecord } from '../store/directory-store';
import type { SubscriptionSecrets } from './subscription-secrets';
import { literalAddresses, ownApiRefusal } from './target-guard';

/** A refused subscription request: `kind` picks the admin error code and the CLI's wording. */
export class DeliveryError extends Error {
  constructor(
    readonly kind: 'invalid' | 'notFound',
    message: string,
  ) {
    super(message);
  }
}

export const SECRET_PREFIX = 'whsec_';

/** A Standard Webhooks secret: `whsec_` and 24 random bytes in base64. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

/** Refuses a secret that is not `whsec_` + base64 of at least 16 bytes (what receivers' libraries expect). */
export function checkSecret(secret: string): string {
  const body = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : '';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || Buffer.from(body, 'base64').length < 16) {
    throw new DeliveryError('invalid', 'The secret must be "whsec_" followed by base64 of at least 16 random bytes (leave it out to have one generated)');
  }
  return secret;
}

export { DEFAULT_PAUSE_AFTER, MAX_PAUSE_AFTER };

/** Refuses a failure limit outside 1–1000. */
export function checkPauseAfter(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAUSE_AFTER) {
    throw new DeliveryError('invalid', `Pause after must be a whole number of failed attempts from 1 to ${MAX_PAUSE_AFTER} (${DEFAULT_PAUSE_AFTER} unless set)`);
  }
  return value;
}

export interface NewSubscription {
  readonly url: string;
  readonly secret?: string | undefined;
  /** Failed attempts in a row after which it is paused; DEFAULT_PAUSE_AFTER when left out. */
  readonly pauseAfter?: number | undefined;
  readonly events?: ReadonlyArray<string> | undefined;
  readonly filter?: SubscriptionFilter | undefined;
}

/** A subscription as the screen and the CLI show it: the secret masked, its health at a glance. */
export interface SubscriptionView extends SubscriptionRecord {
  /** Changes in the outbox after its cursor (some may be filtered out). */
  readonly behind: number;
  readonly health: 'caughtUp' | 'behind' | 'retrying' | 'paused';
}

export function toSubscriptionView(record: SubscriptionRecord, bounds: OutboxBounds): SubscriptionView {
  const behind = Math.max(0, bounds.head - record.deliveredSeq);
  const health = record.paused !== null ? 'paused' : record.failures > 0 ? 'retrying' : behind > 0 ? 'behind' : 'caughtUp';
  return { ...record, behind, health };
}

export interface SubscriptionServiceDeps {
  readonly store: Pick<
    DeliveryStore,
    'addSubscription' | 'listSubscriptions' | 'getSubscription' | 'updateSubscription' | 'removeSubscription' | 'listDeliveryLog' | 'outboxBounds'
  >;
  /** Where the signing secrets live (the secret store; the database keeps only their hints). */
  readonly secrets: Pick<SubscriptionSecrets, 'save' | 'remove'>;
  readonly now: () => Date;
  /** ScimDesk's own ports (SCIM endpoint, admin API): a subscription to them on this machine is refused. */
  readonly ownPorts: () => Promise<ReadonlyArray<number>>;
  /** Resolves a host name (tests pass a fake); DNS by default. */
  readonly resolve?: (host: string) => Promise<string[]>;
}

/**
 * Webhook subscriptions: made, listed, paused, resumed, replayed and removed. The admin handlers and the
 * `delivery` CLI both use it; everything lives in the database but the signing secrets, which live in
 * the secret store the data folder records, so a running service's worker sees what the CLI did on its
 * next round.
 */
export class SubscriptionService {
  constructor(private readonly deps: SubscriptionServiceDeps) {}

  /** Makes a subscription that starts at the outbox's head (it receives what changes from now on). The secret is returned once. */
  async subscribe(input: NewSubscription): Promise<{ readonly subscription: SubscriptionView; readonly secret: string }> {
    const url = await this.checkUrl(input.url);
    const secret = input.secret !== undefined && input.secret !== '' ? checkSecret(input.secret) : generateSecret();
    const events = input.events && input.events.length > 0 ? checkEvents(input.events) : null;
    const pauseAfter = input.pauseAfter === undefined ? DEFAULT_PAUSE_AFTER : checkPauseAfter(input.pauseAfter);
    const bounds = await this.deps.store.outboxBounds();
    const record: SubscriptionRecord = {
      id: `sub_${randomUUID().replace(/-/g, '').slice(0, 16)}`,
      url: url.toString(),
      events,
      filter: input.filter && (input.filter.resourceTypes?.length || input.filter.attributes?.length) ? input.filter : null,
      secretHint: `${SECRET_PREFIX}••••${secret.slice(-4)}`,
      pauseAfter,
      created: this.deps.now().toISOString(),
      deliveredSeq: bounds.head,
      inflightTo: null,
      paused: null,
      pauseReason: null,
      failures: 0,
      nextAttempt: null,
      lastError: null,
      lastSuccess: null,
    };
    // The secret first: a subscription in the database always has its secret in the store (but for a crash in between, which pauses it with the reason).
    await this.deps.secrets.save(record.id, secret);
    try {
      await this.deps.store.addSubscription(record);
    } catch (error) {
      await this.deps.secrets.remove(record.id).catch(() => undefined);
      throw error;
    }
    return { subscription: toSubscriptionView(record, bounds), secret };
  }

  async list(): Promise<SubscriptionView[]> {
    const bounds = await this.deps.store.outboxBounds();
    return (await this.deps.store.listSubscriptions()).map((record) => toSubscriptionView(record, bounds));
  }

  async get(id: string): Promise<SubscriptionView> {
    return toSubscriptionView(await this.record(id), await this.deps.store.outboxBounds());
  }

  /** The full record, for the worker's test event (the worker reads the secret from the store). */
  async record(id: string): Promise<SubscriptionRecord> {
    const record = await this.deps.store.getSubscription(id);
    if (!record) throw new DeliveryError('notFound', `No subscription ${id}`);
    return record;
  }

  async log(id: string, limit: number): Promise<ReadonlyArray<StoredDeliveryAttempt>> {
    await this.record(id);
    return this.deps.store.listDeliveryLog(id, limit);
  }

  /** Sends again everything from `fromSeq` on, in order (in new batches: receivers that de-duplicate on each change's `seq` see them as repeats), and resumes the subscription. */
  async replay(id: string, fromSeq: number): Promise<SubscriptionView> {
    await this.record(id);
    const bounds = await this.deps.store.outboxBounds();
    if (fromSeq < bounds.oldest) {
      throw new DeliveryError('invalid', `Changes before ${bounds.oldest} are no longer kept (retention): replay from ${bounds.oldest} or later`);
    }
    if (fromSeq > bounds.head + 1) throw new DeliveryError('invalid', `The newest change is ${bounds.head}: replay from ${bounds.head} or earlier`);
    await this.deps.store.updateSubscription(id, { deliveredSeq: fromSeq - 1, inflightTo: null, failures: 0, nextAttempt: null, paused: null, pauseReason: null });
    return this.get(id);
  }

  async pause(id: string): Promise<SubscriptionView> {
    await this.record(id);
    await this.deps.store.updateSubscription(id, { paused: this.deps.now().toISOString(), pauseReason: 'Paused by an administrator' });
    return this.get(id);
  }

  /** Resumes where it stopped: the batch in flight is retried at once. */
  async resume(id: string): Promise<SubscriptionView> {
    await this.record(id);
    await this.deps.store.updateSubscription(id, { paused: null, pauseReason: null, failures: 0, nextAttempt: null });
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.deps.store.removeSubscription(id))) throw new DeliveryError('notFound', `No subscription ${id}`);
    await this.deps.secrets.remove(id);
  }

  private async checkUrl(text: string): Promise<URL> {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new DeliveryError('invalid', `Not a URL: ${text}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DeliveryError('invalid', 'The URL must start with https:// (or http:// for a receiver in your network)');
    if (url.username || url.password) throw new DeliveryError('invalid', 'Leave credentials out of the URL: receivers verify the signature instead');
    const resolve = this.deps.resolve ?? (async (host: string) => (await lookup(host, { all: true })).map((entry) => entry.address));
    const addresses = literalAddresses(url) ?? (await resolve(url.hostname).catch(() => [] as string[]));
    const refusal = ownApiRefusal(url, addresses, await this.deps.ownPorts());
    if (refusal) throw new DeliveryError('invalid', refusal);
    return url;
  }
}

function checkEvents(events: ReadonlyArray<string>): ChangeType[] {
  const unknown = events.filter((event) => !(CHANGE_TYPES as ReadonlyArray<string>).includes(event));
  if (unknown.length > 0) throw new DeliveryError('invalid', `Unknown event type ${unknown.join(', ')}; known: ${CHANGE_TYPES.join(', ')}`);
  return [...new Set(events)] as ChangeType[];
}
