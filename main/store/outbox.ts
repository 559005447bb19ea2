import type { ChangeType, DirectoryChange } from '../../shared/admin/change-types';
import type { ResourceDoc } from '../scim/resource/resource-doc';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { StatementCache } from './statement-cache';

/** A change as a write path hands it to the outbox: everything but its sequence number. */
export interface ChangeInput {
  readonly type: ChangeType;
  readonly resourceType: ResourceKind;
  readonly resourceId: string;
  readonly externalId: string | null;
  readonly version: number;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * Appends one change to the outbox. Call it inside the transaction of the write it describes (every
 * write path of the store does; a restore or any new write path calls it the same way): a rolled-back
 * write then takes its change, and its sequence number, with it, so the feed never shows a change that
 * was not committed and its numbers have no gaps.
 */
export function appendChange(sql: StatementCache, time: string, change: ChangeInput): void {
  sql.run(
    `INSERT INTO outbox (time, type, resource_type, resource_id, external_id, version, data) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    time,
    change.type,
    change.resourceType,
    change.resourceId,
    change.externalId,
    change.version,
    JSON.stringify(change.data),
  );
}

/**
 * The top-level attributes (and extension objects) whose values differ between two documents, each with
 * its new value, null when removed. `meta` and `schemas` say nothing a receiver acts on.
 */
export function changedAttributes(before: ResourceDoc, after: ResourceDoc): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'meta' || key === 'schemas' || key === 'id') continue;
    const was = before[key];
    const is = after[key];
    if (was === is) continue;
    if (typeof was === 'object' && typeof is === 'object' && was !== null && is !== null && JSON.stringify(was) === JSON.stringify(is)) continue;
    changed[key] = is ?? null;
  }
  return changed;
}

/** A user update as the feed names it: deactivated or reactivated when `active` flipped, updated otherwise. */
export function userUpdateType(before: ResourceDoc, after: ResourceDoc): ChangeType {
  const was = before['active'] !== false;
  const is = after['active'] !== false;
  if (was && !is) return 'user.deactivated';
  if (!was && is) return 'user.reactivated';
  return 'user.updated';
}

/** A group update: renamed when its displayName changed. */
export function groupUpdateType(attributes: Readonly<Record<string, unknown>>): ChangeType {
  return 'displayName' in attributes ? 'group.renamed' : 'group.updated';
}

interface OutboxRow {
  seq: number;
  time: string;
  type: ChangeType;
  resource_type: ResourceKind;
  resource_id: string;
  external_id: string | null;
  version: number;
  data: string;
}

const toChange = (row: OutboxRow): DirectoryChange => ({
  seq: row.seq,
  time: row.time,
  type: row.type,
  resourceType: row.resource_type,
  resourceId: row.resource_id,
  externalId: row.external_id,
  version: row.version,
  data: JSON.parse(row.data) as Record<string, unknown>,
});

/** Where the outbox stands: the newest sequence number written and the oldest still kept. */
export interface OutboxBounds {
  /** The newest sequence number ever written (0 before the first change), whether or not it is still kept. */
  readonly head: number;
  /** The oldest kept; head + 1 when retention removed everything. */
  readonly oldest: number;
  readonly kept: number;
}

/** What the outbox keeps: changes newer than `maxAgeDays`, at most `maxRows`, and always what a consumer has not acknowledged. */
export interface OutboxRetention {
  readonly maxAgeDays: number;
  readonly maxRows: number;
}

export const DEFAULT_OUTBOX_RETENTION: OutboxRetention = { maxAgeDays: 30, maxRows: 1_000_000 };

/** Reads and prunes the outbox; retention deletes from the head only, so kept sequence numbers stay contiguous. */
export class OutboxRepository {
  constructor(private readonly sql: StatementCache) {}

  /** Changes after `after`, in order, at most `limit`. */
  read(after: number, limit: number): DirectoryChange[] {
    return this.sql.many<OutboxRow>(`SELECT * FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit).map(toChange);
  }

  bounds(): OutboxBounds {
    const head = this.sql.one<{ seq: number }>(`SELECT seq FROM sqlite_sequence WHERE name = 'outbox'`)?.seq ?? 0;
    const range = this.sql.one<{ oldest: number | null; kept: number }>(`SELECT min(seq) AS oldest, count(*) AS kept FROM outbox`)!;
    return { head, oldest: range.oldest ?? head + 1, kept: range.kept };
  }

  /**
   * Deletes changes older than the retention's age, and all but its newest `maxRows`, never one after
   * `keepAfter` (what the slowest configured consumer has acknowledged). Returns how many went.
   */
  prune(retention: OutboxRetention, keepAfter: number, now: Date): number {
    const olderThan = new Date(now.getTime() - retention.maxAgeDays * 86_400_000).toISOString();
    const { head } = this.bounds();
    const byCount = head - retention.maxRows;
    const byAge = this.sql.one<{ seq: number | null }>(`SELECT max(seq) AS seq FROM outbox WHERE time < ?`, olderThan)?.seq ?? 0;
    const through = Math.min(Math.max(byCount, byAge), keepAfter);
    if (through <= 0) return 0;
    return this.sql.run(`DELETE FROM outbox WHERE seq <= ?`, through).changes;
  }
}
