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
  /** The newest sequence number written (0 before the first change); retention always keeps it. */
  readonly head: number;
  /** The oldest kept (1 before the first change). */
  readonly oldest: number;
  readonly kept: number;
}

/** What the outbox keeps: changes newer than `maxAgeDays`, at most `maxRows`, and always what a consumer has not acknowledged. */
export interface OutboxRetention {
  readonly maxAgeDays: number;
  readonly maxRows: number;
}

export const DEFAULT_OUTBOX_RETENTION: OutboxRetention = { maxAgeDays: 30, maxRows: 1_000_000 };

/**
 * Reads and prunes the outbox. Retention deletes from the oldest end only and never the newest entry,
 * so kept sequence numbers stay contiguous and the next one (rowid = newest + 1) is never one that
 * was handed out before.
 */
export class OutboxRepository {
  constructor(private readonly sql: StatementCache) {}

  /** Changes after `after`, in order, at most `limit`. */
  read(after: number, limit: number): DirectoryChange[] {
    return this.sql.many<OutboxRow>(`SELECT * FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit).map(toChange);
  }

  bounds(): OutboxBounds {
    const range = this.sql.one<{ oldest: number | null; head: number | null }>(`SELECT min(seq) AS oldest, max(seq) AS head FROM outbox`)!;
    const head = range.head ?? 0;
    const oldest = range.oldest ?? head + 1;
    return { head, oldest, kept: range.head === null ? 0 : head - oldest + 1 };
  }

  /**
   * Deletes changes older than the retention's age, and all but its newest `maxRows`, never one after
   * `keepAfter` (what the slowest configured consumer has acknowledged) nor the newest. Returns how many went.
   */
  prune(retention: OutboxRetention, keepAfter: number, now: Date): number {
    const { head, oldest } = this.bounds();
    if (head === 0) return 0;
    const olderThan = new Date(now.getTime() - retention.maxAgeDays * 86_400_000).toISOString();
    const byCount = head - retention.maxRows;
    const through = Math.min(Math.max(byCount, this.lastOlderThan(oldest, head, olderThan)), keepAfter, head - 1);
    if (through < oldest) return 0;
    return this.sql.run(`DELETE FROM outbox WHERE seq <= ?`, through).changes;
  }

  /**
   * The newest sequence number written before `olderThan` (oldest − 1 when none): a binary search over
   * seq, as entries are appended in time order, so no index on time is written with every change.
   */
  private lastOlderThan(oldest: number, head: number, olderThan: string): number {
    let low = oldest;
    let high = head;
    let found = oldest - 1;
    while (low <= high) {
      const middle = Math.floor((low + high) / 2);
      const time = this.sql.one<{ time: string }>(`SELECT time FROM outbox WHERE seq = ?`, middle)?.time;
      if (time !== undefined && time < olderThan) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  }
}
