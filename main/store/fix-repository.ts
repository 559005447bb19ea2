import type Database from 'better-sqlite3';
import { invertFixPlan, type FixAction } from '../reconcile/fix-plan';
import type { LocalGroup, LocalSnapshot, LocalUser } from '../reconcile/snapshot';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { AuditRepository } from './audit-repository';
import type { FixBatchRecord, IdentifierChange } from './directory-store';
import { TABLE } from './resource-reader';
import type { ResourceRepository } from './resource-repository';
import { StoreConflictError } from './store-errors';
import { plural } from '../../shared/plural';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

interface BatchRow {
  id: string;
  created: string;
  actor: string;
  summary: string;
  undone: string | null;
  undone_by: string | null;
}

interface ChangeRow {
  resource_type: ResourceKind;
  resource_id: string;
  name: string;
  before: string | null;
  after: string | null;
  reason: string;
}

/**
 * Identifier fixes (externalId := Entra objectId) applied as batches: every
 * change checks that the record is still as the comparison saw it, writes an
 * audit entry, and is remembered so the batch can be undone as a whole.
 */
export class FixRepository {
  /**
   * @param invert The inverse an undo applies: invertFixPlan, the one the fix-plan property
   * tests check (a parameter so a test can prove undo applies exactly what it returns).
   */
  constructor(
    private readonly db: Database.Database,
    private readonly audit: AuditRepository,
    private readonly resources: ResourceRepository,
    readonly invert: (actions: ReadonlyArray<FixAction>) => FixAction[] = invertFixPlan,
  ) {}

  apply(batch: { id: string; actor: string; summary: string; changes: ReadonlyArray<IdentifierChange> }, now: Date): FixBatchRecord {
    return this.db
      .transaction(() => {
        const time = now.toISOString();
        const conflicts = this.check(batch.changes, (change) => change.before, (change) => change.after);
        if (conflicts.length > 0) {
          throw new StoreConflictError(`No change was applied: ${plural(conflicts.length, 'record')} changed since the comparison`, conflicts);
        }
        this.db
          .prepare(`INSERT INTO fix_batches (id, created, actor, summary) VALUES (?, ?, ?, ?)`)
          .run(batch.id, time, batch.actor, batch.summary);
        batch.changes.forEach((change, position) => {
          this.resources.writeExternalId(change.resourceType, change.resourceId, change.after, time, { kind: 'fix', batchId: batch.id });
          this.db
            .prepare(
              `INSERT INTO fix_changes (batch_id, position, resource_type, resource_id, name, before, after, reason)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(batch.id, position, change.resourceType, change.resourceId, change.name, change.before, change.after, change.reason);
          this.audit.append({
            time,
            actor: batch.actor,
            action: change.after === null ? 'fix.unlink' : 'fix.link',
            resourceType: change.resourceType,
            resourceId: change.resourceId,
            summary:
              (change.after === null ? `Unlinked from Entra object ${change.before}` : `Linked to Entra object ${change.after}`) +
              ` (fix ${batch.id}) — ${change.reason}`,
            before: { externalId: change.before },
            after: { externalId: change.after },
          });
        });
        return this.get(batch.id)!;
      })
      .immediate();
  }

  undo(id: string, actor: string, now: Date): FixBatchRecord {
    return this.db
      .transaction(() => {
        const batch = this.get(id);
        if (!batch) throw new StoreConflictError(`No fix batch ${id}`, [`fix batch ${id} does not exist`]);
        if (batch.undone) throw new StoreConflictError(`Fix ${id} was already undone on ${batch.undone}`, [`undone by ${batch.undoneBy}`]);
        const inverse = this.invert(batch.changes.map(toFixAction)).map(toIdentifierChange);
        const conflicts = this.check(inverse, (change) => change.before, (change) => change.after);
        if (conflicts.length > 0) {
          throw new StoreConflictError(`Fix ${id} cannot be undone: ${plural(conflicts.length, 'record')} changed since it was applied`, conflicts);
        }
        const time = now.toISOString();
        for (const change of inverse) {
          this.resources.writeExternalId(change.resourceType, change.resourceId, change.after, time, { kind: 'fix', batchId: id, undo: true });
          this.audit.append({
            time,
            actor,
            action: 'fix.undo',
            resourceType: change.resourceType,
            resourceId: change.resourceId,
            summary: `Undid fix ${id}: Object ID in Entra back to ${change.after ?? 'none'}`,
            before: { externalId: change.before },
            after: { externalId: change.after },
          });
        }
        this.db.prepare(`UPDATE fix_batches SET undone = ?, undone_by = ? WHERE id = ?`).run(time, actor, id);
        return this.get(id)!;
      })
      .immediate();
  }

  get(id: string): FixBatchRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM fix_batches WHERE id = ?`).get(id) as BatchRow | undefined;
    return row ? this.toRecord(row) : undefined;
  }

  list(limit: number): FixBatchRecord[] {
    return (this.db.prepare(`SELECT * FROM fix_batches ORDER BY created DESC LIMIT ?`).all(limit) as BatchRow[]).map((row) => this.toRecord(row));
  }

  /** Reads only the columns a comparison needs, straight from SQL: no document is parsed in JavaScript. */
  localSnapshot(now: Date): LocalSnapshot {
    const users = (
      this.db
        .prepare(
          `SELECT u.id, u.user_name, u.external_id, u.active,
                  json_extract(u.doc, '$.displayName') AS display_name,
                  json_extract(u.doc, '$."${ENTERPRISE}".employeeNumber') AS employee_number,
                  (SELECT json_group_array(value) FROM (
                     SELECT json_extract(e.value, '$.value') AS value FROM json_each(u.doc, '$.emails') AS e
                     WHERE json_extract(e.value, '$.value') IS NOT NULL
                     ORDER BY json_extract(e.value, '$.primary') IS NOT 1)) AS emails
           FROM users u ORDER BY u.seq`,
        )
        .all() as Array<{
        id: string;
        user_name: string;
        external_id: string | null;
        active: number | null;
        display_name: string | null;
        employee_number: string | null;
        emails: string;
      }>
    ).map(
      (row): LocalUser => ({
        id: row.id,
        userName: row.user_name,
        externalId: row.external_id,
        displayName: row.display_name,
        emails: JSON.parse(row.emails) as string[],
        active: row.active === null ? null : row.active === 1,
        employeeNumber: row.employee_number === null ? null : String(row.employee_number),
      }),
    );
    const groups = (
      this.db.prepare(`SELECT g.id, json_extract(g.doc, '$.displayName') AS display_name, g.external_id FROM groups g ORDER BY g.seq`).all() as Array<{
        id: string;
        display_name: string;
        external_id: string | null;
      }>
    ).map((row): LocalGroup => ({ id: row.id, displayName: row.display_name, externalId: row.external_id }));
    return { takenAt: now.toISOString(), users, groups };
  }

  /** Each change expects `expected(change)` now and will write `target(change)`; returns what stands in the way. */
  private check(
    changes: ReadonlyArray<IdentifierChange>,
    expected: (change: IdentifierChange) => string | null,
    target: (change: IdentifierChange) => string | null,
  ): string[] {
    const conflicts: string[] = [];
    const claimed = new Map<string, string>();
    for (const change of changes) {
      const table = TABLE[change.resourceType];
      const row = this.db.prepare(`SELECT external_id FROM ${table} WHERE id = ?`).get(change.resourceId) as { external_id: string | null } | undefined;
      if (!row) {
        conflicts.push(`${change.name} (${change.resourceId}) no longer exists`);
        continue;
      }
      if (row.external_id !== expected(change)) {
        conflicts.push(`${change.name}: Object ID in Entra is now ${row.external_id ?? 'empty'}, expected ${expected(change) ?? 'empty'}`);
        continue;
      }
      const value = target(change);
      if (value === null) continue;
      const key = `${change.resourceType}:${value.toLowerCase()}`;
      const earlier = claimed.get(key);
      if (earlier) {
        conflicts.push(`${change.name}: Object ID ${value} is also given to ${earlier} in this batch`);
        continue;
      }
      claimed.set(key, change.name);
      const holder = this.resources.externalIdHolders(change.resourceType, value, change.resourceId);
      // A holder that this same batch moves away from the value is fine.
      const blocking = holder.filter((h) => !changes.some((c) => c.resourceId === h.id && target(c)?.toLowerCase() !== value.toLowerCase()));
      if (blocking.length > 0) conflicts.push(`${change.name}: Object ID ${value} already belongs to ${blocking.map((h) => h.id).join(', ')}`);
    }
    return conflicts;
  }

  private toRecord(row: BatchRow): FixBatchRecord {
    const changes = (
      this.db.prepare(`SELECT * FROM fix_changes WHERE batch_id = ? ORDER BY position`).all(row.id) as ChangeRow[]
    ).map(
      (change): IdentifierChange => ({
        resourceType: change.resource_type,
        resourceId: change.resource_id,
        name: change.name,
        before: change.before,
        after: change.after,
        reason: change.reason,
      }),
    );
    return { id: row.id, created: row.created, actor: row.actor, summary: row.summary, undone: row.undone, undoneBy: row.undone_by, changes };
  }
}

/** A stored change as the fix plan's action it was made from. */
function toFixAction(change: IdentifierChange): FixAction {
  return {
    kind: change.after === null ? 'unlink' : 'link',
    resourceType: change.resourceType,
    localId: change.resourceId,
    name: change.name,
    from: change.before,
    to: change.after,
    reason: change.reason,
  };
}

function toIdentifierChange(action: FixAction): IdentifierChange {
  return { resourceType: action.resourceType, resourceId: action.localId, name: action.name, before: action.from, after: action.to, reason: action.reason };
}
