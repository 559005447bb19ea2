import type Database from 'better-sqlite3';
import type { AuditRecord, StoredAuditRecord } from './directory-store';

interface AuditRow {
  seq: number;
  time: string;
  actor: string;
  action: string;
  resource_type: 'User' | 'Group' | null;
  resource_id: string | null;
  summary: string;
  before: string | null;
  after: string | null;
}

const toRecord = (row: AuditRow): StoredAuditRecord => ({
  seq: row.seq,
  time: row.time,
  actor: row.actor,
  action: row.action,
  resourceType: row.resource_type,
  resourceId: row.resource_id,
  summary: row.summary,
  ...(row.before !== null ? { before: JSON.parse(row.before) as unknown } : {}),
  ...(row.after !== null ? { after: JSON.parse(row.after) as unknown } : {}),
});

/**
 * The audit trail of administrators' changes. Where the store makes the change (an externalId edit, a
 * fix batch) the entry is written in the same transaction; other admin actions append it right after.
 */
export class AuditRepository {
  constructor(private readonly db: Database.Database) {}

  append(record: AuditRecord): StoredAuditRecord {
    const info = this.db
      .prepare(
        `INSERT INTO audit_log (time, actor, action, resource_type, resource_id, summary, before, after)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.time,
        record.actor,
        record.action,
        record.resourceType,
        record.resourceId,
        record.summary,
        record.before === undefined ? null : JSON.stringify(record.before),
        record.after === undefined ? null : JSON.stringify(record.after),
      );
    return toRecord(this.db.prepare(`SELECT * FROM audit_log WHERE seq = ?`).get(info.lastInsertRowid) as AuditRow);
  }

  list(query: { resourceId?: string; beforeSeq?: number; limit: number }): StoredAuditRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.resourceId !== undefined) where.push('resource_id = ?'), params.push(query.resourceId);
    if (query.beforeSeq !== undefined) where.push('seq < ?'), params.push(query.beforeSeq);
    const sql = `SELECT * FROM audit_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, query.limit) as AuditRow[]).map(toRecord);
  }
}
