import type Database from 'better-sqlite3';
import type { QuarantineMinute, QuarantineSlice, StoredSyncLogEntry, SyncLogEntry, SyncLogQuery, SyncLogScanRow, SyncLogSummary } from './directory-store';

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
  repeat_count: number;
  last_time: string | null;
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
  count: row.repeat_count,
  lastTime: row.last_time,
});

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

const COLUMNS =
  'time, request_id, method, path, operation, resource_type, resource_id, user_name, external_id, display_name, status, duration_ms, scim_type, error, client, adscim_version, detail, repeat_count, last_time';
const ROW_PLACEHOLDERS = `(${Array(19).fill('?').join(', ')})`;
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
        // Positional parameters: binding 19 named ones per row costs more on the hot path.
        const params: unknown[] = [];
        for (const e of chunk) {
          params.push(e.time, e.requestId, e.method, e.path, e.operation, e.resourceType, e.resourceId, e.userName, e.externalId, e.displayName, e.status, e.durationMs, e.scimType, e.error, e.client, e.adscimVersion, e.detail, e.count ?? 1, e.lastTime ?? null);
        }
        const last = Number(this.insertOf(chunk.length).run(...params).lastInsertRowid);
        // One statement inside this write transaction numbers its rows consecutively (seq is the rowid).
        chunk.forEach((e, i) => stored.push({ seq: last - chunk.length + 1 + i, ...e, count: e.count ?? 1, lastTime: e.lastTime ?? null }));
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

  /**
   * Newest first; raw rows and no detail but where asked for: the diagnostics read 50,000 of them. A scheduled
   * export's run or a webhook pause is ScimDesk's own work, not a request: it must not join or stretch Entra's cycles.
   */
  scan(afterSeq: number, limit: number, detailOf: ReadonlyArray<string>): SyncLogScanRow[] {
    const rows = this.db
      .prepare(
        `SELECT seq, time, method, path, operation, resource_type, resource_id, user_name, external_id, display_name, status, error,
                CASE WHEN operation IN (SELECT value FROM json_each(?)) THEN detail END
         FROM sync_log WHERE seq > ? AND operation NOT IN ('export', 'delivery') ORDER BY seq DESC LIMIT ?`,
      )
      .raw()
      .all(JSON.stringify(detailOf), afterSeq, limit) as Array<[number, string, string, string, string, 'User' | 'Group' | null, string | null, string | null, string | null, string | null, number, string | null, string | null]>;
    return rows.map(([seq, time, method, path, operation, resourceType, resourceId, userName, externalId, displayName, status, error, detail]) => ({
      seq,
      time,
      method,
      path,
      operation,
      resourceType,
      resourceId,
      userName,
      externalId,
      displayName,
      status,
      error,
      detail,
    }));
  }

  countBetween(fromSeq: number, throughSeq: number): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM sync_log WHERE seq BETWEEN ? AND ? AND operation NOT IN ('export', 'delivery')`).get(fromSeq, throughSeq) as { n: number }).n;
  }

  /** Requests only: the tunnel's events and the checks from outside (operation `reachability`) the scheduled exports' runs (`export`) and webhook pauses (`delivery`) are not counted. */
  summarize(since: string): SyncLogSummary {
    const row = this.db
      .prepare(
        `SELECT coalesce(sum(repeat_count), 0) AS total, coalesce(sum(CASE WHEN status >= 400 THEN repeat_count ELSE 0 END), 0) AS errors FROM sync_log WHERE time >= ? AND operation NOT IN ('reachability', 'export', 'delivery')`,
      )
      .get(since) as { total: number; errors: number };
    const last = this.db.prepare(`SELECT coalesce(last_time, time) AS time FROM sync_log WHERE operation NOT IN ('reachability', 'export', 'delivery') ORDER BY seq DESC LIMIT 1`).get() as { time: string } | undefined;
    return { total: row.total, errors: row.errors, lastTime: last?.time ?? null };
  }

  measureQuarantine(since: string, afterSeq: number): QuarantineSlice {
    return this.db.transaction(() => {
      const throughSeq = (this.db.prepare(`SELECT coalesce(max(seq), 0) AS seq FROM sync_log`).get() as { seq: number }).seq;
      // Entra's new rows grouped by minute and by what the rules need, each expression evaluated once per row;
      // then the JSON of its failed PATCHes alone, to tell reference failures (every operation targets members
      // or the manager) from the rest. A group PATCH whose detail was cut short counts as one: Entra's group
      // PATCHes are membership.
      const window = `time >= ? AND seq > ? AND seq <= ? AND adscim_version IS NOT NULL`;
      const groups = this.db
        .prepare(
          `SELECT substr(time, 1, 16) AS minute, status, operation IN ('create', 'replace', 'patch', 'delete') AS write,
                  status = 404 AND method = 'GET' AND operation IN ('list', 'search', 'unknown') AS not_found,
                  status IN (401, 403) OR operation = 'refused' AS refused,
                  sum(repeat_count) AS n, max(coalesce(last_time, time)) AS last
           FROM sync_log WHERE ${window} GROUP BY 1, 2, 3, 4, 5`,
        )
        .all(since, afterSeq, throughSeq) as Array<{ minute: string; status: number; write: number; not_found: number; refused: number; n: number; last: string }>;
      const references = this.db
        .prepare(
          `SELECT substr(time, 1, 16) AS minute, count(*) AS n FROM sync_log
           WHERE ${window} AND operation = 'patch' AND status >= 400 AND status NOT IN (401, 403)
             AND ((resource_type = 'Group' AND json_extract(detail, '$.request') IS NULL)
                  OR (EXISTS (SELECT 1 FROM json_each(detail, '$.request.Operations'))
                      AND NOT EXISTS (SELECT 1 FROM json_each(detail, '$.request.Operations') AS o
                                      WHERE NOT (lower(coalesce(json_extract(o.value, '$.path'), '')) LIKE 'members%'
                                                 OR lower(coalesce(json_extract(o.value, '$.path'), '')) LIKE '%manager'))))
           GROUP BY 1`,
        )
        .all(since, afterSeq, throughSeq) as Array<{ minute: string; n: number }>;
      const latest = (a: string | null, b: string) => (a === null || b > a ? b : a);
      const minutes = new Map<string, { -readonly [K in keyof QuarantineMinute]: QuarantineMinute[K] }>();
      const minuteOf = (minute: string) => {
        let found = minutes.get(minute);
        if (!found) {
          found = { minute, entraRequests: 0, operations: 0, failures: 0, referenceFailures: 0, refusedCredentials: 0, lastRefused: null, notFoundQueries: 0, lastNotFound: null, lastSuccess: null };
          minutes.set(minute, found);
        }
        return found;
      };
      for (const group of groups) {
        const h = minuteOf(group.minute);
        h.entraRequests += group.n;
        if (group.refused) {
          h.refusedCredentials += group.n;
          h.lastRefused = latest(h.lastRefused, group.last);
        } else if (group.not_found) {
          h.notFoundQueries += group.n;
          h.lastNotFound = latest(h.lastNotFound, group.last);
        } else if (group.status >= 400) {
          h.failures += group.n;
          h.operations += group.n;
        } else {
          h.lastSuccess = latest(h.lastSuccess, group.last);
          if (group.write) h.operations += group.n;
        }
      }
      for (const reference of references) {
        const h = minuteOf(reference.minute);
        h.failures -= reference.n;
        h.referenceFailures += reference.n;
      }
      return { throughSeq, minutes: [...minutes.values()] };
    })();
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
