import { chmodSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { DirectoryCounts, SnapshotExportRows, SnapshotReader } from './directory-store';
import { countDirectory } from './recovery-repository';
import { StatementCache } from './statement-cache';
import { StoreOpenError } from './store-errors';

/**
 * Pages copied per step of the online backup (4 KB pages: 1 MB, a millisecond or two of copying);
 * SCIM and admin requests are served between the steps, so a backup of a large directory never
 * holds the service still for long.
 */
const BACKUP_PAGES_PER_STEP = 256;
/** Restarts (another connection wrote) after which the backup copies the rest in one step. */
const MAX_RESTARTS = 3;
const ALL_PAGES = 0x7fffffff;

/**
 * Copies the live database into `file` with SQLite's online backup API (never a file copy: a copy
 * of a database in WAL mode misses what is still in the -wal file, or catches a page mid-write).
 * Writes through this same connection during the backup are carried into it by SQLite, so the copy
 * is the database as of the moment the backup finishes. Written under a temporary name and renamed
 * once complete and checked, so a snapshot file is never half-written; owner-only like the rest of
 * the data folder; set to the rollback journal so it is one self-contained file.
 */
export async function backupDatabase(db: Database.Database, file: string, onProgress?: (done: number, total: number) => void, nativeBinding?: string): Promise<void> {
  const partial = `${file}.partial`;
  try {
    let remainingBefore = Number.POSITIVE_INFINITY;
    let restarts = 0;
    await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        onProgress?.(totalPages - remainingPages, totalPages);
        // A write through another connection (a command beside the running service, or the service
        // beside a command) starts SQLite's backup over: under steady writes a step-by-step backup
        // might never end. After three restarts the rest is copied in one step.
        // (SQLite reports a restart as a step that made no headway.)
        if (remainingPages >= remainingBefore) restarts++;
        remainingBefore = remainingPages;
        return restarts >= MAX_RESTARTS ? ALL_PAGES : BACKUP_PAGES_PER_STEP;
      },
    });
    if (process.platform !== 'win32') chmodSync(partial, 0o600);
    const copy = new Database(partial, nativeBinding !== undefined ? { nativeBinding } : {});
    try {
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`The backup failed SQLite's quick_check: ${String(check)}`);
    } finally {
      copy.close();
    }
    renameSync(partial, file);
  } finally {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(partial + suffix, { force: true });
  }
}

interface UserRow {
  seq: number;
  id: string;
  user_name: string;
  external_id: string | null;
  active: number | null;
  doc: string;
  created: string;
  last_modified: string;
}

interface GroupRow {
  seq: number;
  id: string;
  external_id: string | null;
  doc: string;
  member_count: number;
  created: string;
  last_modified: string;
}

interface MemberRow {
  group_id: string;
  group_name: string | null;
  member_id: string;
  member_type: 'User' | 'Group';
  member_name: string | null;
}

/**
 * A snapshot file opened read-only: its counts and its records a page at a time, for the comparison
 * with now and the exports. Works on any ScimDesk database since schema 1 (the columns it reads
 * never changed), without migrating it, beside a running service or without one.
 */
export function openSnapshotReader(file: string, nativeBinding?: string): SnapshotReader {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding !== undefined ? { nativeBinding } : {}) });
  } catch (error) {
    throw new StoreOpenError(file, 'notSqlite', `the snapshot cannot be opened (${(error as Error).message})`);
  }
  const sql = new StatementCache(db);
  const json = (text: string) => JSON.parse(text) as Record<string, unknown>;
  const rows: SnapshotExportRows = {
    users: (afterSeq, limit) =>
      sql
        .many<UserRow>(`SELECT seq, id, user_name, external_id, active, doc, created, last_modified FROM users WHERE seq > ? ORDER BY seq LIMIT ?`, afterSeq, limit)
        .map((row) => ({
          seq: row.seq,
          id: row.id,
          userName: row.user_name,
          externalId: row.external_id,
          active: row.active === null ? null : row.active === 1,
          doc: json(row.doc),
          created: row.created,
          lastModified: row.last_modified,
        })),
    groups: (afterSeq, limit) =>
      sql
        .many<GroupRow>(`SELECT seq, id, external_id, doc, member_count, created, last_modified FROM groups WHERE seq > ? ORDER BY seq LIMIT ?`, afterSeq, limit)
        .map((row) => ({
          seq: row.seq,
          id: row.id,
          externalId: row.external_id,
          doc: json(row.doc),
          memberCount: row.member_count,
          created: row.created,
          lastModified: row.last_modified,
        })),
    memberships: (after, limit) =>
      sql
        .many<MemberRow>(
          `SELECT m.group_id, json_extract(g.doc, '$.displayName') AS group_name, m.member_id, m.member_type,
             COALESCE(u.user_name, json_extract(mg.doc, '$.displayName')) AS member_name
           FROM group_members AS m JOIN groups AS g ON g.id = m.group_id
           LEFT JOIN users AS u ON m.member_type = 'User' AND u.id = m.member_id
           LEFT JOIN groups AS mg ON m.member_type = 'Group' AND mg.id = m.member_id
           WHERE (m.group_id, m.member_id) > (?, ?) ORDER BY m.group_id, m.member_id LIMIT ?`,
          after?.groupId ?? '',
          after?.memberId ?? '',
          limit,
        )
        .map((row) => ({ groupId: row.group_id, groupName: row.group_name, memberId: row.member_id, memberType: row.member_type, memberName: row.member_name })),
  };
  return {
    ...rows,
    counts: (): DirectoryCounts => countDirectory(sql),
    schemaVersion: () => db.pragma('user_version', { simple: true }) as number,
    close: () => db.close(),
  };
}
