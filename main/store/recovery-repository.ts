import { copyFileSync, rmSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { StoredResource } from '../scim/directory';
import type { MemberRef, ResourceDoc } from '../scim/resource/resource-doc';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { DeletedRecord, DirectoryCounts } from './directory-store';
import { DatabaseTooNewError, SCHEMA_VERSION } from './migrations';
import { appendChange, changedAttributes, groupUpdateType, userUpdateType } from './outbox';
import { openDatabase } from './open-database';
import { TABLE } from './resource-reader';
import type { ResourceRepository } from './resource-repository';
import { StatementCache } from './statement-cache';
import { StoreConflictError } from './store-errors';

/**
 * The directory's own tables, in the order a restore fills them (a table after the ones it refers
 * to). What a snapshot restore brings back; tokens, settings, the sync log, the audit trail, fix
 * batches and admin sessions stay as they are now (see replaceDirectoryFrom).
 */
const DIRECTORY_TABLES = ['users', 'user_emails', 'groups', 'group_members', 'pending_members', 'deleted_resources', 'users_search_text', 'groups_search_text'] as const;

/** The admin search's full-text indexes (migration 9), rebuilt from their content tables after a restore. */
const SEARCH_INDEXES = ['users_search', 'groups_search'] as const;

/**
 * The version a record present before and after a restore has after it (SQL over the current row `m`
 * and the snapshot's `s`): the snapshot's when the record did not change since, else one above both.
 */
const restoredVersion = (m: string, s: string) => `CASE WHEN ${m}.version = ${s}.version THEN ${s}.version ELSE max(${m}.version, ${s}.version) + 1 END`;

/**
 * After a restore copied the records without their triggers: every record marked as written for the
 * mapping diagnostics (what the triggers of the last migration do one write at a time), in one pass.
 */
function markAllForMapping(db: Database.Database): void {
  for (const [kind, table] of [
    ['User', 'users'],
    ['Group', 'groups'],
  ] as const) {
    db.prepare(`UPDATE main.mapping_generation SET n = n + 1 WHERE kind = ?`).run(kind);
    db.prepare(`DELETE FROM main.mapping_dirty WHERE kind = ?`).run(kind);
    // The records there now, and those whose facts are kept but which the restore took away.
    db.prepare(
      `INSERT INTO main.mapping_dirty (kind, seq, stamp)
       SELECT ?, seq, (SELECT n FROM main.mapping_generation WHERE kind = ?) FROM (SELECT seq FROM main.${table} UNION SELECT seq FROM main.mapping_record WHERE kind = ?)`,
    ).run(kind, kind, kind);
  }
}

interface RestoreRow {
  id: string;
  external_id: string | null;
  version: number;
  doc?: string;
}

interface DeletedRow {
  seq: number;
  kind: ResourceKind;
  id: string;
  name: string | null;
  external_id: string | null;
  resource: string;
  deleted_at: string;
  purge_after: string;
}

/** The counts a snapshot is compared by, read from any ScimDesk database's tables. */
export function countDirectory(sql: Pick<StatementCache, 'one'>): DirectoryCounts {
  const n = (query: string) => sql.one<{ n: number }>(query)!.n;
  return {
    users: n(`SELECT count(*) AS n FROM users`),
    // Entra's soft delete marks a user active=false; a user without the attribute counts as active.
    activeUsers: n(`SELECT count(*) AS n FROM users WHERE active IS NOT 0`),
    groups: n(`SELECT count(*) AS n FROM groups`),
    memberships: n(`SELECT count(*) AS n FROM group_members`),
    deleted: n(`SELECT count(*) AS n FROM deleted_resources`),
  };
}

/**
 * The recycle bin (records kept after a DELETE under the retain policy) and the restore of a whole
 * snapshot, in SQLite. Each operation is one transaction.
 */
export class RecoveryRepository {
  private readonly sql: StatementCache;

  constructor(
    private readonly db: Database.Database,
    private readonly resources: ResourceRepository,
  ) {
    this.sql = new StatementCache(db);
  }

  listDeleted(): DeletedRecord[] {
    return this.sql
      .many<Omit<DeletedRow, 'resource'>>(`SELECT seq, kind, id, name, external_id, deleted_at, purge_after FROM deleted_resources ORDER BY deleted_at DESC, seq DESC`)
      .map((row) => ({ seq: row.seq, kind: row.kind, id: row.id, name: row.name, externalId: row.external_id, deletedAt: row.deleted_at, purgeAfter: row.purge_after }));
  }

  /**
   * Brings a kept record back under its own id, with its direct memberships in groups that still
   * exist (a group: its members that still exist), and takes it out of the bin. Refused, with
   * nothing written, when a live record holds its id, its userName (a group: its displayName) or
   * its externalId: Entra may have created a new record for the same person meanwhile.
   */
  restoreDeleted(seq: number, now: Date): StoredResource {
    return this.db
      .transaction(() => {
        const row = this.sql.one<DeletedRow>(`SELECT * FROM deleted_resources WHERE seq = ?`, seq);
        if (!row) {
          const message = `Record ${seq} is no longer in the recycle bin (restored or purged meanwhile)`;
          throw new StoreConflictError(message, [message]);
        }
        const kept = JSON.parse(row.resource) as StoredResource;
        const what = `${row.kind === 'User' ? 'user' : 'group'} "${row.name ?? row.id}"`;
        const table = TABLE[row.kind];
        const refuse = (reason: string): never => {
          const message = `Cannot restore ${what}: ${reason}. Delete or rename that record first, or leave this one in the recycle bin.`;
          throw new StoreConflictError(message, [message]);
        };
        if (this.sql.one(`SELECT 1 AS found FROM ${table} WHERE id = ?`, row.id)) refuse(`a live ${row.kind === 'User' ? 'user' : 'group'} has its id ${row.id}`);
        const name = row.kind === 'User' ? 'user_name_key' : 'display_name_key';
        const nameHolder = row.name === null ? undefined : this.sql.one<{ id: string }>(`SELECT id FROM ${table} WHERE ${name} = ?`, row.name.toLowerCase());
        if (nameHolder) refuse(`the live ${row.kind === 'User' ? 'user' : 'group'} ${nameHolder.id} has the ${row.kind === 'User' ? 'userName' : 'displayName'} "${row.name}" (Entra re-created it after the delete)`);
        const [idHolder] = row.external_id === null ? [] : this.resources.externalIdHolders(row.kind, row.external_id, row.id);
        if (idHolder) refuse(`the live record ${idHolder.name ?? idHolder.id} (${idHolder.id}) has its externalId ${row.external_id}`);
        const time = now.toISOString();
        const exists = (ref: MemberRef) =>
          this.sql.one(`SELECT 1 AS found FROM users WHERE id = ? UNION ALL SELECT 1 FROM groups WHERE id = ? LIMIT 1`, ref.value, ref.value) !== undefined;
        const members = row.kind === 'Group' ? (kept.members ?? []).filter(exists).map((ref) => ({ value: ref.value, ...(ref.type ? { type: ref.type } : {}) })) : undefined;
        this.resources.create(row.kind, { doc: kept.doc, ...(members ? { members } : {}) }, now, row.id, true);
        // Its original creation time: the record is the same one Entra created, not a new one.
        this.sql.run(`UPDATE ${table} SET created = ? WHERE id = ?`, kept.created, row.id);
        if (row.kind === 'User') {
          for (const group of kept.groups ?? []) {
            if (group.type !== 'direct' || !this.sql.one(`SELECT 1 AS found FROM groups WHERE id = ?`, group.value)) continue;
            this.resources.addMembers(group.value, [{ value: row.id, type: 'User' }], time);
          }
        }
        this.sql.run(`DELETE FROM deleted_resources WHERE seq = ?`, seq);
        return this.resources.get(row.kind, row.id, { withMembers: row.kind === 'Group', withGroups: row.kind === 'User' })!;
      })
      .immediate();
  }

  counts(): DirectoryCounts {
    return countDirectory(this.sql);
  }

  /**
   * A restore is a change like any other for whoever follows the outbox (change feed, webhooks):
   * with the snapshot attached, each record it removes, brings back or changes, and each membership
   * it adds or takes away, is appended in the restore's own transaction, with the version the record
   * has after the restore (restoredVersion).
   */
  private appendRestoreChanges(time: string): void {
    for (const kind of ['User', 'Group'] as const) {
      const table = TABLE[kind];
      const prefix = kind === 'User' ? 'user' : 'group';
      const gone = this.db.prepare(`SELECT id, external_id, version FROM main.${table} WHERE id NOT IN (SELECT id FROM snapshot.${table})`).all() as RestoreRow[];
      for (const row of gone) appendChange(this.sql, time, { type: `${prefix}.deleted`, resourceType: kind, resourceId: row.id, externalId: row.external_id, version: row.version, data: {} });
      const back = this.db.prepare(`SELECT id, external_id, version, doc FROM snapshot.${table} WHERE id NOT IN (SELECT id FROM main.${table})`).all() as RestoreRow[];
      for (const row of back) {
        appendChange(this.sql, time, { type: `${prefix}.restored`, resourceType: kind, resourceId: row.id, externalId: row.external_id, version: row.version, data: { resource: JSON.parse(row.doc!) as ResourceDoc } });
      }
      const changed = this.db
        .prepare(`SELECT s.id, s.external_id, ${restoredVersion('m', 's')} AS version, s.doc, m.doc AS before FROM snapshot.${table} AS s JOIN main.${table} AS m ON m.id = s.id WHERE m.doc IS NOT s.doc`)
        .all() as Array<RestoreRow & { before: string }>;
      for (const row of changed) {
        const before = JSON.parse(row.before) as ResourceDoc;
        const after = JSON.parse(row.doc!) as ResourceDoc;
        const attributes = changedAttributes(before, after);
        if (Object.keys(attributes).length === 0) continue;
        const type = kind === 'User' ? userUpdateType(before, after) : groupUpdateType(attributes);
        appendChange(this.sql, time, { type, resourceType: kind, resourceId: row.id, externalId: row.external_id, version: row.version, data: { attributes } });
      }
    }
    // Memberships of groups present on both sides (a group that goes or comes back is one change above).
    for (const [type, from, to] of [
      ['group.members.added', 'snapshot', 'main'],
      ['group.members.removed', 'main', 'snapshot'],
    ] as const) {
      const rows = this.db
        .prepare(
          `SELECT d.group_id, d.member_id, d.member_type, g.external_id, ${restoredVersion('m', 'g')} AS version FROM (
             SELECT group_id, member_id, member_type FROM ${from}.group_members
             EXCEPT SELECT group_id, member_id, member_type FROM ${to}.group_members) AS d
           JOIN snapshot.groups AS g ON g.id = d.group_id
           JOIN main.groups AS m ON m.id = d.group_id
           ORDER BY d.group_id`,
        )
        .all() as Array<{ group_id: string; member_id: string; member_type: 'User' | 'Group'; external_id: string | null; version: number }>;
      const byGroup = new Map<string, typeof rows>();
      for (const row of rows) byGroup.set(row.group_id, [...(byGroup.get(row.group_id) ?? []), row]);
      for (const [groupId, members] of byGroup) {
        appendChange(this.sql, time, {
          type,
          resourceType: 'Group',
          resourceId: groupId,
          externalId: members[0]!.external_id,
          version: members[0]!.version,
          data: { members: members.map((member) => ({ value: member.member_id, type: member.member_type })) },
        });
      }
    }
  }

  /**
   * Replaces the directory's tables (users, their email index, groups, memberships, pending members,
   * the recycle bin, the admin search's tables) with a snapshot's, in one transaction on this connection: readers never see
   * half of it, the WAL checkpointer (PASSIVE, another connection) carries on, and a failure leaves
   * everything as it was. The snapshot is first copied beside itself and brought to this schema
   * version (an older ScimDesk's snapshot is migrated as a database is on start), so the snapshot
   * file itself is never changed.
   */
  replaceDirectoryFrom(file: string): DirectoryCounts {
    const staged = `${file}.restoring`;
    copyFileSync(file, staged);
    try {
      // Checks it (quick_check, ScimDesk's tables) and migrates it, exactly as start-up does.
      try {
        openDatabase(staged, { checkpointWorker: false }).close();
      } catch (error) {
        if (!(error instanceof DatabaseTooNewError)) throw error;
        const message = `The snapshot was made by a newer ScimDesk: ${error.message}`;
        throw new StoreConflictError(message, [message]);
      }
      this.db.prepare(`ATTACH DATABASE ? AS snapshot`).run(staged);
      try {
        const version = this.db.prepare(`PRAGMA snapshot.user_version`).pluck().get() as number;
        if (version !== SCHEMA_VERSION) throw new Error(`The snapshot's schema is ${version}, this store's ${SCHEMA_VERSION}`);
        this.db
          .transaction(() => {
            // The search index's triggers would tokenise every row deleted and inserted, one at a time:
            // dropped for the copy (DDL is part of the transaction), the search tables copied with the
            // rest, the indexes rebuilt in one pass, and the triggers put back from their own SQL.
            // Measured with 40,000 users: 2.9 s instead of 6.7 s. Other triggers keep firing.
            // The mapping diagnostics' marks likewise: every record is marked once at the end instead.
            const copyTriggers = this.db
              .prepare(
                `SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND (name GLOB 'users_search*' OR name GLOB 'groups_search*' OR name GLOB 'mapping_generation_users_*' OR name GLOB 'mapping_generation_groups_*')`,
              )
              .all() as Array<{ name: string; sql: string }>;
            for (const trigger of copyTriggers) this.db.exec(`DROP TRIGGER main."${trigger.name}"`);
            // Before the tables change: what the restore does to each record, for the change feed.
            const time = new Date().toISOString();
            this.appendRestoreChanges(time);
            // Keyed: the version update below looks each record up in it (unkeyed, 40,000 users took 145 s).
            this.db.exec(`CREATE TEMP TABLE restore_prior (tbl TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (tbl, id)) WITHOUT ROWID;
              INSERT INTO temp.restore_prior SELECT 'users', id, version FROM main.users UNION ALL SELECT 'groups', id, version FROM main.groups`);
            for (const table of [...DIRECTORY_TABLES].reverse()) this.db.exec(`DELETE FROM main.${table}`);
            for (const table of DIRECTORY_TABLES) {
              const columns = (this.db.prepare(`SELECT name FROM pragma_table_info(?, 'main')`).pluck().all(table) as string[]).map((name) => `"${name}"`).join(', ');
              this.db.exec(`INSERT INTO main.${table} (${columns}) SELECT ${columns} FROM snapshot.${table}`);
            }
            // A record changed since the snapshot goes back to the snapshot's content under a new version,
            // above both: a client holding the later ETag must not find it again on other content
            // (If-Match would then pass against the wrong state). One unchanged since keeps its version.
            for (const table of ['users', 'groups'] as const) {
              this.db
                .prepare(
                  `UPDATE main.${table} AS r SET version = (SELECT max(p.version, r.version) + 1 FROM temp.restore_prior AS p WHERE p.tbl = ? AND p.id = r.id), last_modified = ?
                   WHERE EXISTS (SELECT 1 FROM temp.restore_prior AS p WHERE p.tbl = ? AND p.id = r.id AND p.version <> r.version)`,
                )
                .run(table, time, table);
            }
            this.db.exec(`DROP TABLE temp.restore_prior`);
            for (const index of SEARCH_INDEXES) this.db.exec(`INSERT INTO main.${index} (${index}) VALUES ('rebuild')`);
            markAllForMapping(this.db);
            for (const trigger of copyTriggers) this.db.exec(trigger.sql);
          })
          .immediate();
      } finally {
        this.db.exec(`DETACH DATABASE snapshot`);
      }
    } finally {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(staged + suffix, { force: true });
    }
    this.resources.recheckNestedGroups();
    return this.counts();
  }
}
