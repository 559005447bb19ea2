import type Database from 'better-sqlite3';
import type { QuarantineCounts, StoredSyncLogEntry, SyncLogEntry, SyncLogQuery, SyncLogSummary } from './directory-store';

interface SyncLogRow {
  seq: number;
  time: string;
  request_id: string;
  method: string;
  path: string;
  operation: string;
  resource_type: 'User' | 'Group' | null;
  resource_id: string | null;
  user_name: string | null;
  external_id: string | null;
  display_name: string | null;
  status: number;
  duration_ms: number;
  scim_type: string | null;
  error: string | null;
  client: string | null;
  adscim_version: string | null;
  detail: string | null;
}

const toEntry = (row: SyncLogRow): StoredSyncLogEntry => ({
  seq: row.seq,
  time: row.time,
  requestId: row.request_id,
  method: row.method,
  path: row.path,
  operation: row.operation,
  resourceType: row.resource_type,
  resourceId: row.resource_id,
  userName: row.user_name,
  externalId: row.external_id,
  displayName: row.display_name,
  status: row.status,
  durationMs: row.duration_ms,
  scimType: row.scim_type,
  error: row.error,
  client: row.client,
  adscimVersion: row.adscim_version,
  detail: row.detail,
});

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

const COLUMNS =
  'time, request_id, method, path, operation, resource_type, resource_id, user_name, external_id, display_name, status, duration_ms, scim_type, error, client, adscim_version, detail';
const ROW_PLACEHOLDERS = `(${Array(17).fill('?').join(', ')})`;
/** Rows per INSERT: one statement for many rows costs SQLite about half per row of one per row (measured). */
const ROWS_PER_INSERT = 50;

/** The sync log table: appended in batches, queried newest first with a sequence cursor. */
export class SyncLogRepository {
  /** INSERT statements by row count, prepared on first use (at most ROWS_PER_INSERT of them). */
  private readonly inserts = new Map<number, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  append(entries: ReadonlyArray<SyncLogEntry>): StoredSyncLogEntry[] {
    if (entries.length === 0) return [];
    return this.db.transaction(() => {
      const stored: StoredSyncLogEntry[] = [];
      for (let start = 0; start < entries.length; start += ROWS_PER_INSERT) {
        const chunk = entries.slice(start, start + ROWS_PER_INSERT);
        // Positional parameters: binding 17 named ones per row costs more on the hot path.
        const params: unknown[] = [];
        for (const e of chunk) {
          params.push(e.time, e.requestId, e.method, e.path, e.operation, e.resourceType, e.resourceId, e.userName, e.externalId, e.displayName, e.status, e.durationMs, e.scimType, e.error, e.client, e.adscimVersion, e.detail);
        }
        const last = Number(this.insertOf(chunk.length).run(...params).lastInsertRowid);
        // One statement inside this write transaction numbers its rows consecutively (seq is the rowid).
        chunk.forEach((e, i) => stored.push({ seq: last - chunk.length + 1 + i, ...e }));
      }
      return stored;
    })();
  }

  private insertOf(rows: number): Database.Statement {
    let statement = this.inserts.get(rows);
    if (!statement) {
      statement = this.db.prepare(`INSERT INTO sync_log (${COLUMNS}) VALUES ${Array(rows).fill(ROW_PLACEHOLDERS).join(', ')}`);
      this.inserts.set(rows, statement);
    }
    return statement;
  }

  get(seq: number): StoredSyncLogEntry | undefined {
    const row = this.db.prepare(`SELECT * FROM sync_log WHERE seq = ?`).get(seq) as SyncLogRow | undefined;
    return row ? toEntry(row) : undefined;
  }

  query(query: SyncLogQuery): StoredSyncLogEntry[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.since !== undefined) where.push('time >= ?'), params.push(query.since);
    if (query.until !== undefined) where.push('time <= ?'), params.push(query.until);
    if (query.operation !== undefined) where.push('operation = ?'), params.push(query.operation);
    if (query.status !== undefined) where.push('status = ?'), params.push(query.status);
    if (query.outcome === 'success') where.push('status < 400');
    if (query.outcome === 'error') where.push('status >= 400');
    if (query.outcome === 'clientError') where.push('status >= 400 AND status < 500');
    if (query.outcome === 'serverError') where.push('status >= 500');
    if (query.resourceId !== undefined) where.push('resource_id = ?'), params.push(query.resourceId);
    if (query.beforeSeq !== undefined) where.push('seq < ?'), params.push(query.beforeSeq);
    if (query.client === 'entra') where.push('adscim_version IS NOT NULL');
    if (query.client === 'other') where.push('adscim_version IS NULL');
    if (query.text !== undefined && query.text !== '') {
      const like = `%${escapeLike(query.text)}%`;
      where.push(
        `(user_name LIKE ? ESCAPE '\\' OR external_id LIKE ? ESCAPE '\\' OR display_name LIKE ? ESCAPE '\\' OR resource_id LIKE ? ESCAPE '\\')`,
      );
      params.push(like, like, like, like);
    }
    const sql = `SELECT * FROM sync_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, query.limit) as SyncLogRow[]).map(toEntry);
  }

  summarize(since: string): SyncLogSummary {
    const row = this.db
      .prepare(`SELECT count(*) AS total, coalesce(sum(status >= 400), 0) AS errors FROM sync_log WHERE time >= ?`)
      .get(since) as { total: number; errors: number };
    const last = this.db.prepare(`SELECT time FROM sync_log ORDER BY seq DESC LIMIT 1`).get() as { time: string } | undefined;
    return { total: row.total, errors: row.errors, lastTime: last?.time ?? null };
  }

  measureQuarantine(since: string): QuarantineCounts {
    // One pass over Entra's rows in the window (time index). The JSON of a request is read only for
    // failed PATCHes: a reference failure is one whose operations all target members or the manager
    // (a group PATCH whose detail was cut short counts as one: Entra's group PATCHes are membership).
    const row = this.db
      .prepare(
        `WITH entra AS (
           SELECT time, operation, method, status, resource_type, detail,
                  status IN (401, 403) AS refused,
                  status = 404 AND method = 'GET' AND operation IN ('list', 'search', 'unknown') AS not_found,
                  operation IN ('create', 'replace', 'patch', 'delete') AS write
           FROM sync_log WHERE time >= ? AND adscim_version IS NOT NULL
         ), judged AS (
           SELECT *, status >= 400 AND NOT refused AND NOT not_found AS failed,
                  status >= 400 AND operation = 'patch' AND (
                    (resource_type = 'Group' AND json_extract(detail, '$.request') IS NULL)
                    OR (EXISTS (SELECT 1 FROM json_each(detail, '$.request.Operations'))
                        AND NOT EXISTS (SELECT 1 FROM json_each(detail, '$.request.Operations') AS o
                                        WHERE NOT (lower(coalesce(json_extract(o.value, '$.path'), '')) LIKE 'members%'
                                                   OR lower(coalesce(json_extract(o.value, '$.path'), '')) LIKE '%manager')))
                  ) AS reference
           FROM entra
         )
         SELECT count(*) AS requests,
                coalesce(sum((write OR failed) AND NOT refused AND NOT not_found), 0) AS operations,
                coalesce(sum(failed AND NOT reference), 0) AS failures,
                coalesce(sum(failed AND reference), 0) AS reference_failures,
                coalesce(sum(refused), 0) AS refused, max(CASE WHEN refused THEN time END) AS last_refused,
                coalesce(sum(not_found), 0) AS not_found, max(CASE WHEN not_found THEN time END) AS last_not_found,
                max(CASE WHEN status < 400 THEN time END) AS last_success
         FROM judged`,
      )
      .get(since) as {
      requests: number;
      operations: number;
      failures: number;
      reference_failures: number;
      refused: number;
      last_refused: string | null;
      not_found: number;
      last_not_found: string | null;
      last_success: string | null;
    };
    return {
      since,
      entraRequests: row.requests,
      operations: row.operations,
      failures: row.failures,
      referenceFailures: row.reference_failures,
      refusedCredentials: row.refused,
      lastRefused: row.last_refused,
      notFoundQueries: row.not_found,
      lastNotFound: row.last_not_found,
      lastSuccess: row.last_success,
    };
  }

  prune(olderThan: string, maxRows: number): number {
    return this.db.transaction(() => {
      let removed = this.db.prepare(`DELETE FROM sync_log WHERE time < ?`).run(olderThan).changes;
      const newest = this.db.prepare(`SELECT max(seq) AS seq FROM sync_log`).get() as { seq: number | null };
      if (newest.seq !== null) removed += this.db.prepare(`DELETE FROM sync_log WHERE seq <= ?`).run(newest.seq - maxRows).changes;
      return removed;
    })();
  }
}
