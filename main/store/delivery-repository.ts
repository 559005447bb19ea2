import type { ChangeType, DirectoryChange } from '../../shared/admin/change-types';
import { OutboxRepository, type OutboxBounds, type OutboxRetention } from './outbox';
import type { StatementCache } from './statement-cache';

/** Which changes a subscription receives beyond its event types: of these resource types, touching these attributes. */
export interface SubscriptionFilter {
  readonly resourceTypes?: ReadonlyArray<'User' | 'Group'>;
  /** Updates are delivered only when one of these attributes changed; other kinds of change are not affected. */
  readonly attributes?: ReadonlyArray<string>;
}

/** A webhook subscription with its cursor and health. */
export interface SubscriptionRecord {
  readonly id: string;
  readonly url: string;
  /** null: every type. */
  readonly events: ReadonlyArray<ChangeType> | null;
  readonly filter: SubscriptionFilter | null;
  /**
   * How the signing secret is shown (`whsec_••••` and its last four characters). The secret itself lives
   * in the secret store (`main/delivery/subscription-secrets.ts`), never in the database or its snapshots.
   */
  readonly secretHint: string;
  /** Failed attempts in a row after which the worker pauses this subscription (1–1000; 12 unless set). */
  readonly pauseAfter: number;
  readonly created: string;
  /** Every change up to this sequence number was delivered (or filtered out). */
  readonly deliveredSeq: number;
  /** The last sequence number of the batch being sent: a retry (even after a restart) sends the same batch under the same id. */
  readonly inflightTo: number | null;
  readonly paused: string | null;
  readonly pauseReason: string | null;
  /** Consecutive failed attempts of the current batch. */
  readonly failures: number;
  readonly nextAttempt: string | null;
  readonly lastError: string | null;
  readonly lastSuccess: string | null;
}

/**
 * What the `secret` column holds once the secret is in the secret store: this prefix and the hint. A value
 * without it is a clear-text secret written by a ScimDesk from before (moved out at start).
 */
export const SECRET_PLACEHOLDER = 'in-secret-store:';

/** A clear-text secret still in the database (an installation from before the secret store kept them). */
export interface LegacySubscriptionSecret {
  readonly id: string;
  readonly secret: string;
}

export type SubscriptionUpdate = Partial<Pick<SubscriptionRecord, 'deliveredSeq' | 'inflightTo' | 'paused' | 'pauseReason' | 'failures' | 'nextAttempt' | 'lastError' | 'lastSuccess'>>;

/** One POST to a receiver (or a test event), as the delivery log keeps it. */
export interface DeliveryAttempt {
  readonly subscriptionId: string;
  readonly time: string;
  /** The `webhook-id` header: the receiver's de-duplication key. */
  readonly messageId: string;
  readonly fromSeq: number | null;
  readonly toSeq: number | null;
  readonly count: number;
  readonly outcome: 'delivered' | 'failed' | 'test';
  readonly responseCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
}

export interface StoredDeliveryAttempt extends DeliveryAttempt {
  readonly seq: number;
}

export interface ReadCredentialRecord {
  readonly id: number;
  readonly name: string;
  readonly hint: string;
  readonly created: string;
  readonly revoked: string | null;
  readonly lastUsed: string | null;
  /** The feed position this consumer acknowledged (its last `after`); retention keeps everything past it. */
  readonly ackedSeq: number;
}

/** The change outbox, webhook subscriptions, their delivery log, and the read-only credentials. */
export interface DeliveryStore {
  readChanges(after: number, limit: number): Promise<ReadonlyArray<DirectoryChange>>;
  outboxBounds(): Promise<OutboxBounds>;
  /** Applies retention, never past what an active subscription delivered or an active credential acknowledged. */
  pruneOutbox(retention: OutboxRetention, now: Date): Promise<number>;
  addSubscription(record: SubscriptionRecord): Promise<void>;
  listSubscriptions(): Promise<ReadonlyArray<SubscriptionRecord>>;
  getSubscription(id: string): Promise<SubscriptionRecord | undefined>;
  /**
   * Changes a subscription; with `expectDeliveredSeq`, only while its cursor is still there (a replay or
   * removal by the CLI meanwhile wins over the worker's outcome). Returns whether it changed.
   */
  updateSubscription(id: string, update: SubscriptionUpdate, expectDeliveredSeq?: number): Promise<boolean>;
  removeSubscription(id: string): Promise<boolean>;
  /** Subscriptions whose secret is still in clear text in the database. */
  legacySubscriptionSecrets(): Promise<ReadonlyArray<LegacySubscriptionSecret>>;
  /**
   * Replaces a clear-text secret by the placeholder (its hint), only while the column still holds `secret` (another
   * process may have moved it already), with the freed bytes overwritten and the WAL emptied, so the
   * secret is gone from the file and from the snapshots taken after. Returns whether it changed.
   */
  blankLegacySubscriptionSecret(id: string, secret: string): Promise<boolean>;
  /** Appends and keeps the newest `keep` entries of that subscription. */
  appendDeliveryLog(attempt: DeliveryAttempt, keep: number): Promise<StoredDeliveryAttempt>;
  listDeliveryLog(subscriptionId: string, limit: number): Promise<ReadonlyArray<StoredDeliveryAttempt>>;
  addReadCredential(name: string, hash: Buffer, hint: string, now: Date): Promise<ReadCredentialRecord>;
  listReadCredentials(): Promise<ReadonlyArray<ReadCredentialRecord>>;
  revokeReadCredential(id: number, now: Date): Promise<boolean>;
  activeReadCredentialHashes(): Promise<ReadonlyArray<{ readonly id: number; readonly hash: Buffer }>>;
  /** Records a use; `ackedSeq` moves the acknowledged position forward (never back). */
  touchReadCredential(id: number, now: Date, ackedSeq?: number): Promise<void>;
}

interface SubscriptionRow {
  id: string;
  url: string;
  events: string | null;
  filter: string | null;
  secret: string;
  created: string;
  delivered_seq: number;
  inflight_to: number | null;
  paused: string | null;
  pause_reason: string | null;
  failures: number;
  next_attempt: string | null;
  last_error: string | null;
  last_success: string | null;
  pause_after: number;
}

/** The hint of a clear-text secret: what the screen showed before the secret store kept it. */
export const secretHintOf = (secret: string): string => `whsec_••••${secret.slice(-4)}`;

const toSubscription = (row: SubscriptionRow): SubscriptionRecord => ({
  id: row.id,
  url: row.url,
  events: row.events === null ? null : (JSON.parse(row.events) as ChangeType[]),
  filter: row.filter === null ? null : (JSON.parse(row.filter) as SubscriptionFilter),
  // A clear-text secret left by an older ScimDesk never leaves this module; only its hint does.
  secretHint: row.secret.startsWith(SECRET_PLACEHOLDER) ? row.secret.slice(SECRET_PLACEHOLDER.length) : secretHintOf(row.secret),
  pauseAfter: row.pause_after,
  created: row.created,
  deliveredSeq: row.delivered_seq,
  inflightTo: row.inflight_to,
  paused: row.paused,
  pauseReason: row.pause_reason,
  failures: row.failures,
  nextAttempt: row.next_attempt,
  lastError: row.last_error,
  lastSuccess: row.last_success,
});

const UPDATE_COLUMNS: Record<keyof SubscriptionUpdate, string> = {
  deliveredSeq: 'delivered_seq',
  inflightTo: 'inflight_to',
  paused: 'paused',
  pauseReason: 'pause_reason',
  failures: 'failures',
  nextAttempt: 'next_attempt',
  lastError: 'last_error',
  lastSuccess: 'last_success',
};

interface AttemptRow {
  seq: number;
  subscription_id: string;
  time: string;
  message_id: string;
  from_seq: number | null;
  to_seq: number | null;
  count: number;
  outcome: DeliveryAttempt['outcome'];
  response_code: number | null;
  latency_ms: number;
  error: string | null;
}

const toAttempt = (row: AttemptRow): StoredDeliveryAttempt => ({
  seq: row.seq,
  subscriptionId: row.subscription_id,
  time: row.time,
  messageId: row.message_id,
  fromSeq: row.from_seq,
  toSeq: row.to_seq,
  count: row.count,
  outcome: row.outcome,
  responseCode: row.response_code,
  latencyMs: row.latency_ms,
  error: row.error,
});

interface CredentialRow {
  id: number;
  name: string;
  hint: string;
  created: string;
  revoked: string | null;
  last_used: string | null;
  acked_seq: number;
}

const toCredential = (row: CredentialRow): ReadCredentialRecord => ({
  id: row.id,
  name: row.name,
  hint: row.hint,
  created: row.created,
  revoked: row.revoked,
  lastUsed: row.last_used,
  ackedSeq: row.acked_seq,
});

/** SQLite side of DeliveryStore (synchronous; sqlite-store.ts settles each call). */
export class DeliveryRepository {
  readonly outbox: OutboxRepository;

  constructor(private readonly sql: StatementCache) {
    this.outbox = new OutboxRepository(sql);
  }

  /** What the slowest configured consumer has acknowledged: retention keeps everything after it. */
  private keepAfter(): number {
    const row = this.sql.one<{ seq: number | null }>(
      `SELECT min(seq) AS seq FROM (SELECT delivered_seq AS seq FROM delivery_subscriptions
         UNION ALL SELECT acked_seq FROM read_credentials WHERE revoked IS NULL)`,
    );
    return row?.seq ?? Number.MAX_SAFE_INTEGER;
  }

  pruneOutbox(retention: OutboxRetention, now: Date): number {
    return this.outbox.prune(retention, this.keepAfter(), now);
  }

  addSubscription(record: SubscriptionRecord): void {
    this.sql.run(
      `INSERT INTO delivery_subscriptions (id, url, events, filter, secret, created, delivered_seq, inflight_to, paused, pause_reason, failures, next_attempt, last_error, last_success, pause_after)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      record.id,
      record.url,
      record.events === null ? null : JSON.stringify(record.events),
      record.filter === null ? null : JSON.stringify(record.filter),
      SECRET_PLACEHOLDER + record.secretHint,
      record.created,
      record.deliveredSeq,
      record.inflightTo,
      record.paused,
      record.pauseReason,
      record.failures,
      record.nextAttempt,
      record.lastError,
      record.lastSuccess,
      record.pauseAfter,
    );
  }

  legacySubscriptionSecrets(): LegacySubscriptionSecret[] {
    return this.sql.many<LegacySubscriptionSecret>(
      `SELECT id, secret FROM delivery_subscriptions WHERE substr(secret, 1, ?) <> ? ORDER BY id`,
      SECRET_PLACEHOLDER.length,
      SECRET_PLACEHOLDER,
    );
  }

  blankLegacySubscriptionSecret(id: string, secret: string): boolean {
    return this.sql.run(`UPDATE delivery_subscriptions SET secret = ? WHERE id = ? AND secret = ?`, SECRET_PLACEHOLDER + secretHintOf(secret), id, secret).changes === 1;
  }

  listSubscriptions(): SubscriptionRecord[] {
    return this.sql.many<SubscriptionRow>(`SELECT * FROM delivery_subscriptions ORDER BY created, id`).map(toSubscription);
  }

  getSubscription(id: string): SubscriptionRecord | undefined {
    const row = this.sql.one<SubscriptionRow>(`SELECT * FROM delivery_subscriptions WHERE id = ?`, id);
    return row ? toSubscription(row) : undefined;
  }

  updateSubscription(id: string, update: SubscriptionUpdate, expectDeliveredSeq?: number): boolean {
    const keys = (Object.keys(update) as Array<keyof SubscriptionUpdate>).filter((key) => update[key] !== undefined);
    if (keys.length === 0) return this.getSubscription(id) !== undefined;
    const set = keys.map((key) => `${UPDATE_COLUMNS[key]} = ?`).join(', ');
    const values = keys.map((key) => update[key]);
    const guard = expectDeliveredSeq === undefined ? '' : ' AND delivered_seq = ?';
    const params = expectDeliveredSeq === undefined ? [...values, id] : [...values, id, expectDeliveredSeq];
    return this.sql.run(`UPDATE delivery_subscriptions SET ${set} WHERE id = ?${guard}`, ...params).changes === 1;
  }

  removeSubscription(id: string): boolean {
    this.sql.run(`DELETE FROM delivery_log WHERE subscription_id = ?`, id);
    return this.sql.run(`DELETE FROM delivery_subscriptions WHERE id = ?`, id).changes === 1;
  }

  appendDeliveryLog(attempt: DeliveryAttempt, keep: number): StoredDeliveryAttempt {
    const row = this.sql.one<AttemptRow>(
      `INSERT INTO delivery_log (subscription_id, time, message_id, from_seq, to_seq, count, outcome, response_code, latency_ms, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      attempt.subscriptionId,
      attempt.time,
      attempt.messageId,
      attempt.fromSeq,
      attempt.toSeq,
      attempt.count,
      attempt.outcome,
      attempt.responseCode,
      attempt.latencyMs,
      attempt.error,
    )!;
    // Bounded per subscription: a receiver down for days logs an attempt per backoff step, not without end.
    if (row.seq % 50 === 0) {
      this.sql.run(
        `DELETE FROM delivery_log WHERE subscription_id = ? AND seq <= (SELECT seq FROM delivery_log WHERE subscription_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
        attempt.subscriptionId,
        attempt.subscriptionId,
        keep,
      );
    }
    return toAttempt(row);
  }

  listDeliveryLog(subscriptionId: string, limit: number): StoredDeliveryAttempt[] {
    return this.sql.many<AttemptRow>(`SELECT * FROM delivery_log WHERE subscription_id = ? ORDER BY seq DESC LIMIT ?`, subscriptionId, limit).map(toAttempt);
  }

  /** A new credential starts acknowledged at the head: it reads from there, or after a full read. */
  addReadCredential(name: string, hash: Buffer, hint: string, now: Date): ReadCredentialRecord {
    const row = this.sql.one<CredentialRow>(
      `INSERT INTO read_credentials (name, hash, hint, created, acked_seq) VALUES (?, ?, ?, ?, ?) RETURNING id, name, hint, created, revoked, last_used, acked_seq`,
      name,
      hash,
      hint,
      now.toISOString(),
      this.outbox.bounds().head,
    )!;
    return toCredential(row);
  }

  listReadCredentials(): ReadCredentialRecord[] {
    return this.sql
      .many<CredentialRow>(`SELECT id, name, hint, created, revoked, last_used, acked_seq FROM read_credentials ORDER BY id DESC`)
      .map(toCredential);
  }

  revokeReadCredential(id: number, now: Date): boolean {
    return this.sql.run(`UPDATE read_credentials SET revoked = ? WHERE id = ? AND revoked IS NULL`, now.toISOString(), id).changes === 1;
  }

  activeReadCredentialHashes(): Array<{ id: number; hash: Buffer }> {
    return this.sql.many<{ id: number; hash: Buffer }>(`SELECT id, hash FROM read_credentials WHERE revoked IS NULL`);
  }

  touchReadCredential(id: number, now: Date, ackedSeq?: number): void {
    this.sql.run(
      `UPDATE read_credentials SET last_used = ?, acked_seq = max(acked_seq, ?) WHERE id = ?`,
      now.toISOString(),
      ackedSeq ?? 0,
      id,
    );
  }
}
