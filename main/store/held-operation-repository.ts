import type Database from 'better-sqlite3';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { HeldOperationInput, HeldOperationRecord, HeldOutcome, HeldStep } from './breaker-store';
import type { ResourceRepository } from './resource-repository';
import type { StoredResource } from '../scim/directory';

interface HeldRow {
  id: number;
  resource_type: ResourceKind;
  resource_id: string;
  action: 'deactivate' | 'delete';
  method: 'PATCH' | 'PUT' | 'DELETE';
  body: string | null;
  if_match: string | null;
  fingerprint: string;
  base_version: number;
  user_name: string | null;
  display_name: string | null;
  external_id: string | null;
  changes: string;
  reason: string;
  first_received: string;
  last_received: string;
  retries: number;
}

const toRecord = (row: HeldRow): HeldOperationRecord => ({
  id: row.id,
  resourceType: row.resource_type,
  resourceId: row.resource_id,
  action: row.action,
  method: row.method,
  body: row.body === null ? null : (JSON.parse(row.body) as unknown),
  ifMatch: row.if_match === null ? null : (JSON.parse(row.if_match) as number[]),
  fingerprint: row.fingerprint,
  baseVersion: row.base_version,
  userName: row.user_name,
  displayName: row.display_name,
  externalId: row.external_id,
  changes: JSON.parse(row.changes) as HeldOperationRecord['changes'],
  reason: row.reason,
  firstReceived: row.first_received,
  lastReceived: row.last_received,
  retries: row.retries,
});

/** The held operations and the breaker's window of deprovisioning let through (main/admin/breaker.ts decides). */
export class HeldOperationRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly resources: ResourceRepository,
  ) {}

  recordEvent(time: string, resourceType: ResourceKind, resourceId: string): void {
    this.db.prepare(`INSERT INTO breaker_events (time, resource_type, resource_id) VALUES (?, ?, ?)`).run(time, resourceType, resourceId);
  }

  countEvents(since: string): number {
    return this.db.transaction(() => {
      // Nothing reads events before the window: keeping them would only grow the table.
      this.db.prepare(`DELETE FROM breaker_events WHERE time < ?`).run(since);
      return (this.db.prepare(`SELECT count(*) AS n FROM breaker_events WHERE time >= ?`).get(since) as { n: number }).n;
    })();
  }

  hold(input: HeldOperationInput, now: Date): { record: HeldOperationRecord; retry: boolean } {
    return this.db.transaction(() => {
      const time = now.toISOString();
      const existing = this.db
        .prepare(`SELECT * FROM held_operations WHERE resource_type = ? AND resource_id = ?`)
        .get(input.resourceType, input.resourceId) as HeldRow | undefined;
      const values = [
        input.action,
        input.method,
        input.body === null || input.body === undefined ? null : JSON.stringify(input.body),
        input.ifMatch === null ? null : JSON.stringify(input.ifMatch),
        input.fingerprint,
        input.baseVersion,
        input.userName,
        input.displayName,
        input.externalId,
        JSON.stringify(input.changes),
      ] as const;
      if (existing) {
        // Entra sent it again (a retry of the failed operation), or sent a newer one for the same record:
        // either way the newest request is what Entra wants now, against the record as it is now.
        this.db
          .prepare(
            `UPDATE held_operations SET action = ?, method = ?, body = ?, if_match = ?, fingerprint = ?, base_version = ?, user_name = ?,
               display_name = ?, external_id = ?, changes = ?, last_received = ?, retries = retries + 1 WHERE id = ?`,
          )
          .run(...values, time, existing.id);
      } else {
        this.db
          .prepare(
            `INSERT INTO held_operations (resource_type, resource_id, action, method, body, if_match, fingerprint, base_version, user_name,
               display_name, external_id, changes, reason, first_received, last_received)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(input.resourceType, input.resourceId, ...values, input.reason, time, time);
      }
      const row = this.db.prepare(`SELECT * FROM held_operations WHERE resource_type = ? AND resource_id = ?`).get(input.resourceType, input.resourceId) as HeldRow;
      return { record: toRecord(row), retry: existing !== undefined && existing.fingerprint === input.fingerprint };
    })();
  }

  list(): HeldOperationRecord[] {
    return (this.db.prepare(`SELECT * FROM held_operations ORDER BY first_received, id`).all() as HeldRow[]).map(toRecord);
  }

  count(): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM held_operations`).get() as { n: number }).n;
  }

  discard(ids: ReadonlyArray<number> | null): HeldOperationRecord[] {
    return this.db.transaction(() => {
      const chosen = this.chosen(ids);
      const remove = this.db.prepare(`DELETE FROM held_operations WHERE id = ?`);
      for (const held of chosen) remove.run(held.id);
      return chosen;
    })();
  }

  /** Every chosen write or none: one transaction; the resource writes nest in it as savepoints. */
  apply(ids: ReadonlyArray<number> | null, plan: (held: HeldOperationRecord, current: StoredResource | undefined) => HeldStep, now: Date): HeldOutcome[] {
    return this.db.transaction(() => {
      const remove = this.db.prepare(`DELETE FROM held_operations WHERE id = ?`);
      const outcomes: HeldOutcome[] = [];
      for (const held of this.chosen(ids)) {
        const current = this.resources.get(held.resourceType, held.resourceId, { withMembers: false, withGroups: false });
        const step = plan(held, current);
        // The version the operation was held against: a record changed since is never overwritten.
        const condition = { versions: [held.baseVersion] };
        if (step.type === 'patch') this.resources.patch(held.resourceType, held.resourceId, step.apply, condition, now, { withMembers: false, withGroups: false });
        else if (step.type === 'replace') this.resources.replace(held.resourceType, held.resourceId, step.input, condition, now);
        else if (step.type === 'delete') this.resources.delete(held.resourceType, held.resourceId, condition, step.retention, now);
        remove.run(held.id);
        outcomes.push(step.type === 'skip' ? { id: held.id, applied: false, reason: step.reason } : { id: held.id, applied: true });
      }
      return outcomes;
    }).immediate();
  }

  /** The held operations an admin chose, oldest first; an id that is not held (any more) is left out. */
  private chosen(ids: ReadonlyArray<number> | null): HeldOperationRecord[] {
    const all = this.list();
    if (ids === null) return all;
    const wanted = new Set(ids);
    return all.filter((held) => wanted.has(held.id));
  }
}
