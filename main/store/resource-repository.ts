import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { FilterNode } from '../scim/filter/filter-ast';
import type { MemberChange, PatchResult } from '../scim/patch/patch-operation';
import type { MemberRef, ResourceDoc } from '../scim/resource/resource-doc';
import type { AttributeDef, ResourceKind } from '../scim/schema/attribute-def';
import { findSubAttribute, type ResolvedAttr } from '../scim/schema/resource-schema';
import { ScimError } from '../scim/scim-error';
import type { AuditRepository } from './audit-repository';
import type {
  AuditRecord,
  DeleteRetention,
  GroupRef,
  ListQuery,
  ListResult,
  PendingMember,
  ReadOptions,
  ResourceInput,
  StoredAuditRecord,
  StoredResource,
  WriteCondition,
} from './directory-store';
import { foldCase } from './open-database';
import {
  columnScalar,
  jsonCollection,
  jsonScalar,
  documentKeys,
  printElementFilter,
  printFilter,
  printSort,
  type CollectionSql,
  type ColumnMap,
  type ScalarSql,
  type SqlFragment,
} from './sql-filter';
import { StatementCache } from './statement-cache';
import { StoreConflictError, StoreUniquenessError } from './store-errors';

interface ResourceRow {
  seq: number;
  id: string;
  doc: string;
  created: string;
  last_modified: string;
  version: number;
  member_count?: number;
  /** Read by requireRow: a write checks uniqueness only of the values it changes. */
  external_id?: string | null;
  display_name_key?: string | null;
  /** JSON array of [group id, displayName], when read with the row. */
  direct_groups?: string;
}

/** The users columns that userColumns() fills, in its order. */
const USER_COLUMNS = ['user_name', 'user_name_key', 'external_id', 'display_name_key', 'active'] as const;

/** Most pending members listed for one group (the count says how many there are in all). */
const PENDING_SHOWN = 500;

/** From this offset on, a page is found through an index first and its rows read afterwards. */
const DEEP_OFFSET = 1000;

export const TABLE: Readonly<Record<ResourceKind, 'users' | 'groups'>> = { User: 'users', Group: 'groups' };

/** Literal SQL for a constant string (resourceType is the table's own name, never user input). */
const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;

function commonScalar(attr: ResolvedAttr, kind: ResourceKind): ScalarSql | undefined {
  if (!attr.isCommon) return undefined;
  const def = attr.sub ?? attr.attribute;
  switch (attr.key) {
    case 'id':
      return columnScalar('r.id', def, false, true, true);
    case 'externalId':
      return columnScalar('r.external_id', def, false);
    case 'meta.created':
      return columnScalar('r.created', def, false, false, true);
    case 'meta.lastModified':
      return columnScalar('r.last_modified', def, false, false, true);
    case 'meta.resourceType':
      return columnScalar(sqlString(kind), def, false, false);
    case 'meta.version':
      return columnScalar(`('W/"' || r.version || '"')`, def, false, false);
    default:
      // meta.location depends on the request's base URL; meta itself is complex.
      return columnScalar('NULL', def, false, false);
  }
}

function membersCollection(alias: string, correlation: string): CollectionSql {
  return {
    from: `group_members AS ${alias}`,
    where: correlation,
    params: [],
    element(sub) {
      const def = sub ?? ({ name: 'value', type: 'string', caseExact: true } as AttributeDef);
      switch (sub?.name ?? 'value') {
        case 'value':
          return columnScalar(`${alias}.member_id`, def, false);
        case 'type':
          return columnScalar(`scim_fold(${alias}.member_type)`, def, true, false);
        case 'display':
          return columnScalar(
            `scim_fold(COALESCE((SELECT json_extract(u.doc, '$.displayName') FROM users u WHERE u.id = ${alias}.member_id),` +
              ` (SELECT json_extract(g.doc, '$.displayName') FROM groups g WHERE g.id = ${alias}.member_id)))`,
            def,
            true,
            false,
          );
        default:
          // $ref is derived from the base URL at response time; nothing stored to compare.
          return columnScalar('NULL', def, false, false);
      }
    },
    primaryOrder: undefined,
  };
}

/** The membership table seen as the elements of `members`, for DELETE … WHERE of a PATCH filter. */
const memberRowsCollection = membersCollection('group_members', '1');

/** pending_members seen the same way, so a PATCH removal by filter reaches pending members too. */
const pendingRowsCollection: CollectionSql = {
  from: 'pending_members',
  where: '1',
  params: [],
  element(sub) {
    const def = sub ?? ({ name: 'value', type: 'string', caseExact: true } as AttributeDef);
    switch (sub?.name ?? 'value') {
      case 'value':
        return columnScalar('pending_members.member_id', def, false);
      case 'type':
        return columnScalar('scim_fold(pending_members.member_type)', def, true, false);
      case 'display':
        return columnScalar('scim_fold(pending_members.display)', def, true, false);
      default:
        return columnScalar('NULL', def, false, false);
    }
  },
  primaryOrder: undefined,
};

const userColumns: ColumnMap = {
  scalar(attr) {
    const common = commonScalar(attr, 'User');
    if (common) return common;
    const def = attr.sub ?? attr.attribute;
    if (!attr.isExtension && !attr.sub) {
      if (attr.attribute.name === 'userName') return columnScalar('r.user_name_key', def, true, true, true);
      if (attr.attribute.name === 'displayName') return columnScalar('r.display_name_key', def, true);
      if (attr.attribute.name === 'active') return columnScalar('r.active', def, false);
    }
    return jsonScalar('r.doc', documentKeys(attr), def);
  },
  collection(attr, subs) {
    if (!attr.isExtension && attr.attribute.name === 'emails') return emailsCollection(attr, subs);
    if (!attr.isExtension && attr.attribute.name === 'groups') {
      const collection = membersCollection('gm', 'gm.member_id = r.id');
      return {
        ...collection,
        element(sub) {
          const def = sub ?? attr.attribute;
          if (!sub || sub.name === 'value') return columnScalar('gm.group_id', def, false);
          if (sub.name === 'display') {
            return columnScalar(`scim_fold((SELECT json_extract(g.doc, '$.displayName') FROM groups g WHERE g.id = gm.group_id))`, def, true, false);
          }
          if (sub.name === 'type') return columnScalar(`'direct'`, def, true, false);
          return columnScalar('NULL', def, false, false);
        },
      };
    }
    return jsonCollection('r.doc', attr);
  },
};

const INDEXED_EMAIL_SUBS: ReadonlySet<string> = new Set(['value', 'type', 'primary']);

/** emails use the indexed user_emails rows when value/type/primary are all a filter reads, JSON otherwise. */
function emailsCollection(attr: ResolvedAttr, subs: ReadonlyArray<string>): CollectionSql {
  if (!subs.every((sub) => INDEXED_EMAIL_SUBS.has(sub))) return jsonCollection('r.doc', attr);
  return {
    from: 'user_emails AS ue',
    where: 'ue.user_seq = r.seq',
    params: [],
    element(sub) {
      const def = sub ?? findSubAttribute(attr.attribute, 'value') ?? attr.attribute;
      switch (sub?.name ?? 'value') {
        case 'type':
          return columnScalar('ue.type_key', def, true, false);
        case 'primary':
          return columnScalar('ue.is_primary', def, false, false);
        default:
          return columnScalar('ue.value_key', def, true);
      }
    },
    primaryOrder: 'ue.is_primary DESC',
  };
}

const groupColumns: ColumnMap = {
  scalar(attr) {
    const common = commonScalar(attr, 'Group');
    if (common) return common;
    const def = attr.sub ?? attr.attribute;
    if (!attr.isExtension && !attr.sub && attr.attribute.name === 'displayName') {
      return columnScalar('r.display_name_key', def, true, true, true);
    }
    return jsonScalar('r.doc', documentKeys(attr), def);
  },
  collection(attr) {
    if (!attr.isExtension && attr.attribute.name === 'members') return membersCollection('m', 'm.group_id = r.id');
    return jsonCollection('r.doc', attr);
  },
};

const COLUMNS: Record<ResourceKind, ColumnMap> = { User: userColumns, Group: groupColumns };

/** Values of the indexed columns, taken from the document. */
function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function emailRows(doc: ResourceDoc): Array<{ value: string | null; type: string | null; primary: number }> {
  const emails = Array.isArray(doc['emails']) ? (doc['emails'] as unknown[]) : [];
  return emails.map((email) => {
    const record = (email ?? {}) as Record<string, unknown>;
    const value = stringOrNull(record['value']);
    const type = stringOrNull(record['type']);
    return { value: value === null ? null : foldCase(value), type: type === null ? null : foldCase(type), primary: record['primary'] === true ? 1 : 0 };
  });
}

/** Two WHERE fragments joined by AND; `1` when there is neither. */
function andFragments(left: SqlFragment | undefined, right: SqlFragment | undefined): SqlFragment {
  if (left && right) return { sql: `(${left.sql}) AND (${right.sql})`, params: [...left.params, ...right.params] };
  return left ?? right ?? { sql: '1', params: [] };
}

/** The highest code point: `p` ≤ s < `p + MAX_CHAR` holds exactly for strings starting with p. */
const MAX_CHAR = '\u{10FFFF}';

/** Fewer characters than this match the start of names only: the trigram index needs three. */
const SUBSTRING_MIN = 3;

/**
 * From this many matches on, a term counts as common (a domain every address has): listing its
 * matches through the index costs more than reading the narrow search-text table once.
 */
const COMMON_TERM = 10_000;

/**
 * Users, groups and membership in SQLite. Every write is one transaction
 * (reads run their few statements without one); validation that needs the database (uniqueness, member
 * existence, versions) happens inside it, so a failed request writes nothing.
 */
export class ResourceRepository {
  private readonly cache: StatementCache;
  /** True once any group has a group as member; only then are indirect groups computed. Never reset (conservative). */
  private hasNestedGroups: boolean;

  constructor(private readonly db: Database.Database) {
    this.cache = new StatementCache(db);
    this.hasNestedGroups = this.one<{ found: number }>(`SELECT EXISTS (SELECT 1 FROM group_members WHERE member_type = 'Group') AS found`)!.found === 1;
  }

  private exec(sql: string, ...params: unknown[]): Database.RunResult {
    return this.cache.get(sql).run(...params);
  }

  private one<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.cache.get(sql).get(...params) as T | undefined;
  }

  private many<T>(sql: string, ...params: unknown[]): T[] {
    return this.cache.get(sql).all(...params) as T[];
  }

  create(kind: ResourceKind, input: ResourceInput, now: Date): StoredResource {
    return this.db
      .transaction(() => {
        const id = randomUUID();
        const time = now.toISOString();
        const externalId = stringOrNull(input.doc['externalId']);
        if (kind === 'User') {
          const columns = this.userColumns(input.doc);
          this.assertUnique(kind, id, undefined, { externalId, displayNameKey: null });
          const info = this.uniqueUserName(input.doc, undefined, () =>
            this.exec(
              `INSERT INTO users (id, user_name, user_name_key, external_id, display_name_key, active, doc, created, last_modified)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
              id,
              ...columns,
              JSON.stringify(input.doc),
              time,
              time,
            ),
          );
          this.writeEmails(Number(info.lastInsertRowid), input.doc, false);
          const joined = this.resolvePending(kind, id, externalId, time);
          // A new user belongs to no group unless pending memberships named it: then read them.
          const created: StoredResource = { kind, id, doc: input.doc, created: time, lastModified: time, version: 1 };
          return joined.length > 0 ? { ...created, groups: this.groupsOf(id), joinedGroups: joined } : created;
        }
        const columns = this.groupColumns(input.doc);
        this.assertUnique(kind, id, undefined, { externalId, displayNameKey: columns[0] });
        this.exec(
          `INSERT INTO groups (id, display_name_key, external_id, doc, created, last_modified) VALUES (?, ?, ?, ?, ?, ?)`,
          id,
          ...columns,
          JSON.stringify(input.doc),
          time,
          time,
        );
        const pending = input.members?.length ? this.addMembers(id, input.members, time).pending : [];
        const joined = this.resolvePending(kind, id, externalId, time);
        return this.withOutcome(this.read(kind, id, { withMembers: true, withGroups: false })!, pending, joined);
      })
      .immediate();
  }

  get(kind: ResourceKind, id: string, options: ReadOptions): StoredResource | undefined {
    return this.read(kind, id, options);
  }

  replace(kind: ResourceKind, id: string, input: ResourceInput, condition: WriteCondition, now: Date): StoredResource {
    return this.db
      .transaction(() => {
        const row = this.requireRow(kind, id, condition);
        const time = now.toISOString();
        const externalId = stringOrNull(input.doc['externalId']);
        let pending: string[] = [];
        if (kind === 'User') {
          const columns = this.userColumns(input.doc);
          this.assertUnique(kind, id, row, { externalId, displayNameKey: null });
          this.uniqueUserName(input.doc, id, () =>
            this.exec(
              `UPDATE users SET user_name = ?, user_name_key = ?, external_id = ?, display_name_key = ?, active = ?, doc = ?,
                 last_modified = ?, version = version + 1 WHERE id = ?`,
              ...columns,
              JSON.stringify(input.doc),
              time,
              id,
            ),
          );
          this.writeEmails(row.seq, input.doc, true);
        } else {
          const columns = this.groupColumns(input.doc);
          this.assertUnique(kind, id, row, { externalId, displayNameKey: columns[0] });
          this.exec(
            `UPDATE groups SET display_name_key = ?, external_id = ?, doc = ?, last_modified = ?, version = version + 1 WHERE id = ?`,
            ...columns,
            JSON.stringify(input.doc),
            time,
            id,
          );
          if (input.members !== undefined) {
            pending = this.applyMemberChanges(id, [{ kind: 'removeAll' }, { kind: 'add', members: [...input.members] }], time).pending;
          }
        }
        const joined = externalId !== row.external_id ? this.resolvePending(kind, id, externalId, time, false) : [];
        return this.withOutcome(this.read(kind, id, { withMembers: kind === 'Group', withGroups: kind === 'User' })!, pending, joined);
      })
      .immediate();
  }

  patch(
    kind: ResourceKind,
    id: string,
    apply: (doc: ResourceDoc) => PatchResult,
    condition: WriteCondition,
    now: Date,
    options: ReadOptions,
  ): { resource: StoredResource; changed: boolean } {
    return this.db
      .transaction(() => {
        const row = this.requireRow(kind, id, condition);
        // apply() is pure (it copies what it changes), so the parsed document serves as "before" too.
        const current = JSON.parse(row.doc) as ResourceDoc;
        const result = apply(current);
        const time = now.toISOString();
        const text = result.changed ? JSON.stringify(result.doc) : row.doc;
        const docChanged = text !== row.doc;
        const externalId = stringOrNull(result.doc['externalId']);
        if (docChanged) {
          if (kind === 'User') {
            // Only the columns whose values changed: SQLite rewrites an index entry for every indexed
            // column in the SET list, and each rewritten index page is another page in the commit.
            const oldColumns = this.userColumns(current);
            const newColumns = this.userColumns(result.doc);
            const changedColumns: string[] = [];
            const values: unknown[] = [];
            USER_COLUMNS.forEach((column, index) => {
              if (oldColumns[index] === newColumns[index]) return;
              changedColumns.push(column);
              values.push(newColumns[index]);
            });
            this.assertUnique(kind, id, row, { externalId, displayNameKey: null });
            this.uniqueUserName(result.doc, id, () =>
              this.exec(
                `UPDATE users SET ${changedColumns.map((column) => `${column} = ?, `).join('')}doc = ?, last_modified = ?, version = version + 1 WHERE id = ?`,
                ...values,
                text,
                time,
                id,
              ),
            );
            if (JSON.stringify(current['emails'] ?? null) !== JSON.stringify(result.doc['emails'] ?? null)) this.writeEmails(row.seq, result.doc, true);
          } else {
            const columns = this.groupColumns(result.doc);
            this.assertUnique(kind, id, row, { externalId, displayNameKey: columns[0] });
            this.exec(
              `UPDATE groups SET display_name_key = ?, external_id = ?, doc = ?, last_modified = ?, version = version + 1 WHERE id = ?`,
              ...columns,
              text,
              time,
              id,
            );
          }
        }
        let membersChanged = false;
        let pending: string[] = [];
        if (result.memberChanges.length > 0) {
          if (kind !== 'Group') throw ScimError.badRequest('invalidPath', 'Only groups have members');
          const outcome = this.applyMemberChanges(id, result.memberChanges, time);
          pending = outcome.pending;
          // Pending members are not part of the group as SCIM shows it: only resolved ones make a new version.
          membersChanged = outcome.changed > 0;
          if (membersChanged && !docChanged) {
            this.exec(`UPDATE groups SET last_modified = ?, version = version + 1 WHERE id = ?`, time, id);
          }
        }
        const joined = docChanged && externalId !== row.external_id ? this.resolvePending(kind, id, externalId, time, false) : [];
        const changed = docChanged || membersChanged;
        if (kind === 'Group') {
          // Group PATCH answers 204 unless asked for attributes: read only what the caller wants.
          return { resource: this.withOutcome(this.read(kind, id, options)!, pending, joined), changed };
        }
        const doc = docChanged ? result.doc : current;
        const resource: StoredResource = {
          kind,
          id,
          doc,
          created: row.created,
          lastModified: changed ? time : row.last_modified,
          version: changed ? row.version + 1 : row.version,
          ...(options.withGroups ? { groups: this.groupsOf(id) } : {}),
        };
        return { resource: this.withOutcome(resource, [], joined), changed };
      })
      .immediate();
  }

  delete(kind: ResourceKind, id: string, condition: WriteCondition, retention: DeleteRetention, now: Date): void {
    this.db
      .transaction(() => {
        this.requireRow(kind, id, condition);
        const time = now.toISOString();
        if (retention.mode === 'retain') {
          const resource = this.read(kind, id, { withMembers: kind === 'Group', withGroups: kind === 'User' })!;
          const purgeAfter = new Date(now.getTime() + retention.days * 86_400_000).toISOString();
          this.exec(
            `INSERT INTO deleted_resources (kind, id, name, external_id, resource, deleted_at, purge_after) VALUES (?, ?, ?, ?, ?, ?, ?)`,
            kind,
            id,
            stringOrNull(resource.doc[kind === 'User' ? 'userName' : 'displayName']),
            stringOrNull(resource.doc['externalId']),
            JSON.stringify(resource),
            time,
            purgeAfter,
          );
        }
        // Groups that had this resource as a member change too: keep their counts and versions honest.
        this.exec(
          `UPDATE groups SET member_count = member_count - 1, version = version + 1, last_modified = ?
           WHERE id IN (SELECT group_id FROM group_members WHERE member_id = ?)`,
          time,
          id,
        );
        this.exec(`DELETE FROM group_members WHERE member_id = ?`, id);
        this.exec(`DELETE FROM ${TABLE[kind]} WHERE id = ?`, id);
      })
      .immediate();
  }

  list(kind: ResourceKind, query: ListQuery): ListResult {
    const map = COLUMNS[kind];
    const search = query.search ? this.searchCondition(kind, query.search) : undefined;
    const where = andFragments(query.filter ? printFilter(query.filter, map) : undefined, search?.where);
    const table = TABLE[kind];
    const count = () =>
      search?.count && !query.filter
        ? this.one<{ n: number }>(search.count.sql, ...search.count.params)!.n
        : this.one<{ n: number }>(`SELECT count(*) AS n FROM ${table} AS r WHERE ${where.sql}`, ...where.params)!.n;
    if (query.count <= 0) return { total: count(), resources: [] };
    const sort = query.sortBy ? printSort(query.sortBy, map, query.descending) : undefined;
    const order = sort ? `${sort.sql}, r.seq` : 'r.seq';
    const options = { withMembers: query.withMembers, withGroups: query.withGroups };
    const offset = query.startIndex - 1;
    let rows: ResourceRow[];
    // LIMIT and OFFSET go into the SQL as integer literals: bound as parameters they cost SQLite ~8 µs
    // more per query (measured), a third of an Entra probe. They are integers the service validated.
    const limit = `LIMIT ${Math.trunc(query.count)}${offset > 0 ? ` OFFSET ${Math.trunc(offset)}` : ''}`;
    if (offset < DEEP_OFFSET) {
      rows = this.many<ResourceRow>(
        `SELECT ${this.columns(kind, options)} FROM ${table} AS r WHERE ${where.sql} ORDER BY ${order} ${limit}`,
        ...where.params,
        ...(sort?.params ?? []),
      );
    } else {
      // Deep pages: skip through the narrowest b-tree that serves the ORDER BY (an index, not the wide
      // rows), then read just the page's rows: OFFSET 99,900 skips index entries, not 200 MB of documents.
      const page = this.many<{ seq: number }>(
        `SELECT r.seq FROM ${table} AS r WHERE ${where.sql} ORDER BY ${order} ${limit}`,
        ...where.params,
        ...(sort?.params ?? []),
      ).map((row) => row.seq);
      const bySeq = new Map(
        this.many<ResourceRow>(
          `SELECT ${this.columns(kind, options)} FROM ${table} AS r WHERE r.seq IN (SELECT value FROM json_each(?))`,
          JSON.stringify(page),
        ).map((row) => [row.seq, row]),
      );
      rows = page.map((seq) => bySeq.get(seq)).filter((row): row is ResourceRow => row !== undefined);
    }
    // An Entra probe finds one user or none: a first page that is not full already says how many there are.
    const total = offset === 0 && rows.length < query.count ? rows.length : count();
    const nested = kind === 'User' && query.withGroups && this.hasNestedGroups ? this.groupsOfMany(rows.map((row) => row.id)) : undefined;
    return {
      total,
      resources: rows.map((row) => {
        const resource = this.toResource(kind, row, options);
        return nested ? { ...resource, groups: nested.get(row.id) ?? [] } : resource;
      }),
    };
  }

  /**
   * The admin search (ListQuery.search) as SQL, each branch served by an index or a narrow table:
   * three characters or more through the trigram index while the term is selective (a probe of at
   * most COMMON_TERM matches says so), else by reading the narrow search-text table; one or two characters
   * as a prefix on the indexed name columns; externalId and id only in full. `count`, when given,
   * counts the matches without reading the wide resource rows.
   */
  private searchCondition(kind: ResourceKind, text: string): { where: SqlFragment; count?: SqlFragment } {
    const raw = text.trim();
    const folded = foldCase(raw);
    const table = TABLE[kind];
    const exact = { sql: `SELECT seq FROM ${table} WHERE external_id = ? UNION ALL SELECT seq FROM ${table} WHERE id = ?`, params: [raw, raw] };
    if ([...folded].length >= SUBSTRING_MIN) {
      const phrase = `"${folded.replace(/"/g, '""')}"`;
      const fts = `SELECT rowid FROM ${table}_search WHERE ${table}_search MATCH ?`;
      const probed = this.one<{ n: number }>(`SELECT count(*) AS n FROM (${fts} LIMIT ${COMMON_TERM})`, phrase)!.n;
      if (probed < COMMON_TERM) {
        return {
          where: { sql: `r.seq IN (${fts} UNION ALL ${exact.sql})`, params: [phrase, ...exact.params] },
          count: { sql: `SELECT count(*) AS n FROM (${fts} UNION ${exact.sql})`, params: [phrase, ...exact.params] },
        };
      }
      // Each row checked on its own line of text: walking a sort index, a page of a common term is found
      // after a few rows, where listing every match first would sort them all.
      return {
        where: {
          sql: `(instr((SELECT text FROM ${table}_search_text s WHERE s.seq = r.seq), ?) > 0 OR r.external_id = ? OR r.id = ?)`,
          params: [folded, ...exact.params],
        },
        count: {
          sql: `SELECT count(*) AS n FROM ${table}_search_text WHERE instr(text, ?) > 0 OR seq IN (SELECT seq FROM ${table} WHERE external_id = ? OR id = ?)`,
          params: [folded, ...exact.params],
        },
      };
    }
    const end = folded + MAX_CHAR;
    const prefix =
      kind === 'Group'
        ? { sql: `(r.display_name_key >= ? AND r.display_name_key < ?)`, params: [folded, end] }
        : {
            sql:
              `(r.user_name_key >= ? AND r.user_name_key < ?) OR (r.display_name_key >= ? AND r.display_name_key < ?)` +
              ` OR r.seq IN (SELECT user_seq FROM user_emails WHERE value_key >= ? AND value_key < ?)`,
            params: [folded, end, folded, end, folded, end],
          };
    return { where: { sql: `${prefix.sql} OR r.seq IN (${exact.sql})`, params: [...prefix.params, ...exact.params] } };
  }

  listMembers(groupId: string, startIndex: number, count: number): ListResult & { members: MemberRef[]; pending: PendingMember[]; pendingTotal: number } {
    const group = this.one<ResourceRow>(`SELECT seq, id, doc, created, last_modified, version, member_count FROM groups WHERE id = ?`, groupId);
    if (!group) throw ScimError.notFound(`Group ${groupId} not found`);
    const members = this.many<{ member_id: string; member_type: 'User' | 'Group'; display: string | null; user_name: string | null }>(
      `SELECT m.member_id, m.member_type, u.user_name,
              COALESCE(json_extract(u.doc, '$.displayName'), u.user_name, json_extract(g.doc, '$.displayName')) AS display
       FROM group_members m LEFT JOIN users u ON u.id = m.member_id LEFT JOIN groups g ON g.id = m.member_id
       WHERE m.group_id = ? ORDER BY m.member_id LIMIT ? OFFSET ?`,
      groupId,
      count,
      Math.max(0, startIndex - 1),
    );
    // Pending members are few and shown whole (oldest first): they are what an admin has to look into.
    const pending = this.many<{ member_id: string; member_type: 'User' | 'Group' | null; display: string | null; since: string }>(
      `SELECT member_id, member_type, display, since FROM pending_members WHERE group_id = ? ORDER BY since, member_id LIMIT ${PENDING_SHOWN}`,
      groupId,
    );
    const pendingTotal =
      pending.length < PENDING_SHOWN ? pending.length : this.one<{ n: number }>(`SELECT count(*) AS n FROM pending_members WHERE group_id = ?`, groupId)!.n;
    return {
      total: group.member_count ?? 0,
      resources: [],
      pendingTotal,
      pending: pending.map((m) => ({
        value: m.member_id,
        since: m.since,
        ...(m.member_type !== null ? { type: m.member_type } : {}),
        ...(m.display !== null ? { display: m.display } : {}),
      })),
      members: members.map((m) => ({
        value: m.member_id,
        type: m.member_type,
        ...(m.display !== null ? { display: m.display } : {}),
        ...(m.user_name !== null ? { userName: m.user_name } : {}),
      })),
    };
  }

  /** Sets externalId and records who did it, in one transaction (the admin's manual link/unlink). */
  setExternalId(
    kind: ResourceKind,
    id: string,
    externalId: string | null,
    audit: AuditRepository,
    record: Omit<AuditRecord, 'before' | 'after'>,
    now: Date,
  ): { resource: StoredResource; audit: StoredAuditRecord } | undefined {
    return this.db
      .transaction(() => {
        if (!this.one<{ found: number }>(`SELECT 1 AS found FROM ${TABLE[kind]} WHERE id = ?`, id)) return undefined;
        if (externalId !== null) {
          const [holder] = this.externalIdHolders(kind, externalId, id);
          if (holder) {
            const message = `Object ID ${externalId} is already linked to ${holder.name ?? holder.id} (${holder.id}); two records with one Object ID make Entra match the wrong one`;
            throw new StoreConflictError(message, [message]);
          }
        }
        const before = this.writeExternalId(kind, id, externalId, now.toISOString());
        const stored = audit.append({ ...record, before: { externalId: before }, after: { externalId } });
        return { resource: this.read(kind, id, { withMembers: false, withGroups: kind === 'User' })!, audit: stored };
      })
      .immediate();
  }

  /**
   * Other records whose externalId is `value`, GUIDs in any letter case (the three spellings keep
   * the lookup on the external_id index). Call inside the transaction that then writes.
   */
  externalIdHolders(kind: ResourceKind, value: string, exceptId: string): Array<{ id: string; name: string | null }> {
    return this.many<{ id: string; name: string | null }>(
      `SELECT id, ${kind === 'User' ? 'user_name' : "json_extract(doc, '$.displayName')"} AS name FROM ${TABLE[kind]}
       WHERE external_id IN (?, ?, ?) AND id <> ?`,
      value,
      value.toLowerCase(),
      value.toUpperCase(),
      exceptId,
    );
  }

  /**
   * Sets (or, with null, removes) a record's externalId in its column and its document, as one
   * more version; returns the value it replaced. Group members kept pending under that Object ID
   * join the record. No transaction or audit of its own: the callers (a manual edit, a fix batch)
   * wrap it in theirs.
   */
  writeExternalId(kind: ResourceKind, id: string, externalId: string | null, time: string): string | null {
    const row = this.one<{ doc: string }>(`SELECT doc FROM ${TABLE[kind]} WHERE id = ?`, id);
    if (!row) throw new Error(`${kind} ${id} vanished inside its transaction`);
    const doc = JSON.parse(row.doc) as ResourceDoc;
    const before = stringOrNull(doc['externalId']);
    if (externalId === null) delete doc['externalId'];
    else doc['externalId'] = externalId;
    this.exec(
      `UPDATE ${TABLE[kind]} SET external_id = ?, doc = ?, last_modified = ?, version = version + 1 WHERE id = ?`,
      externalId,
      JSON.stringify(doc),
      time,
      id,
    );
    if (externalId !== null && externalId !== before) this.resolvePending(kind, id, externalId, time, false);
    return before;
  }

  countInactiveUsers(): number {
    return this.one<{ n: number }>(`SELECT count(*) AS n FROM users WHERE active = 0`)!.n;
  }

  count(kind: ResourceKind): number {
    return this.one<{ n: number }>(`SELECT count(*) AS n FROM ${TABLE[kind]}`)!.n;
  }

  purgeDeleted(now: Date): number {
    return this.exec(`DELETE FROM deleted_resources WHERE purge_after <= ?`, now.toISOString()).changes;
  }

  /** Query plan of the statement a member add runs, for tests that prove it touches only the new rows. */
  explainMemberAdd(): string[] {
    return this.db
      .prepare(`EXPLAIN QUERY PLAN INSERT OR IGNORE INTO group_members (group_id, member_id, member_type) VALUES (?, ?, ?)`)
      .all('g', 'm', 'User')
      .map((row) => String((row as { detail: string }).detail));
  }

  private userColumns(doc: ResourceDoc): [string, string, string | null, string | null, number | null] {
    const userName = stringOrNull(doc['userName']);
    if (userName === null || userName === '') throw ScimError.badRequest('invalidValue', 'userName is required');
    const displayName = stringOrNull(doc['displayName']);
    const active = typeof doc['active'] === 'boolean' ? (doc['active'] ? 1 : 0) : null;
    return [userName, foldCase(userName), stringOrNull(doc['externalId']), displayName === null ? null : foldCase(displayName), active];
  }

  private groupColumns(doc: ResourceDoc): [string, string | null] {
    const displayName = stringOrNull(doc['displayName']);
    if (displayName === null || displayName === '') throw ScimError.badRequest('invalidValue', 'displayName is required');
    return [foldCase(displayName), stringOrNull(doc['externalId'])];
  }

  /**
   * Runs a write of the users table and turns a userName uniqueness violation into 409 uniqueness.
   * The UNIQUE index is the check (no SELECT before every write); the holder is looked up only then.
   */
  private uniqueUserName<T>(doc: ResourceDoc, selfId: string | undefined, write: () => T): T {
    try {
      return write();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'SQLITE_CONSTRAINT_UNIQUE' || !/user_name_key/.test((error as Error).message)) throw error;
      const userName = stringOrNull(doc['userName']) ?? '';
      const holder = this.one<{ id: string }>(`SELECT id FROM users WHERE user_name_key = ?`, foldCase(userName));
      throw new StoreUniquenessError('userName', holder?.id ?? '', `userName "${userName}" is already used by user ${holder?.id ?? '(another user)'}`);
    }
  }

  private writeEmails(userSeq: number, doc: ResourceDoc, replace: boolean): void {
    if (replace) this.exec(`DELETE FROM user_emails WHERE user_seq = ?`, userSeq);
    emailRows(doc).forEach((email, position) => {
      this.exec(
        `INSERT INTO user_emails (user_seq, position, value_key, type_key, is_primary) VALUES (?, ?, ?, ?, ?)`,
        userSeq,
        position,
        email.value,
        email.type,
        email.primary,
      );
    });
  }

  private requireRow(kind: ResourceKind, id: string, condition: WriteCondition): ResourceRow {
    const row = this.one<ResourceRow>(
      `SELECT seq, id, doc, created, last_modified, version, external_id, display_name_key FROM ${TABLE[kind]} WHERE id = ?`,
      id,
    );
    if (!row) throw ScimError.notFound(`${kind} ${id} not found`);
    if (condition.versions !== undefined && !condition.versions.includes(row.version)) {
      throw new ScimError(412, undefined, `${kind} ${id} is at version ${row.version}; If-Match named ${condition.versions.join(', ')}`);
    }
    return row;
  }

  /**
   * The columns of a resource row. A user's direct groups come in the same statement (one read per
   * GET); only a directory with nested groups needs the recursive query for indirect ones.
   */
  private columns(kind: ResourceKind, options: ReadOptions): string {
    const base = 'r.seq, r.id, r.doc, r.created, r.last_modified, r.version';
    if (kind === 'Group') return `${base}, r.member_count`;
    if (!options.withGroups || this.hasNestedGroups) return base;
    return `${base}, (SELECT json_group_array(json_array(gm.group_id, json_extract(g.doc, '$.displayName')))
      FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE gm.member_id = r.id) AS direct_groups`;
  }

  private read(kind: ResourceKind, id: string, options: ReadOptions): StoredResource | undefined {
    const row = this.one<ResourceRow>(`SELECT ${this.columns(kind, options)} FROM ${TABLE[kind]} AS r WHERE r.id = ?`, id);
    return row ? this.toResource(kind, row, options) : undefined;
  }

  private toResource(kind: ResourceKind, row: ResourceRow, options: ReadOptions): StoredResource {
    const base = {
      kind,
      id: row.id,
      doc: JSON.parse(row.doc) as ResourceDoc,
      created: row.created,
      lastModified: row.last_modified,
      version: row.version,
    };
    if (kind === 'Group') {
      return {
        ...base,
        memberCount: row.member_count ?? 0,
        ...(options.withMembers ? { members: this.membersOf(row.id) } : {}),
      };
    }
    if (!options.withGroups) return base;
    if (row.direct_groups === undefined) return { ...base, groups: this.groupsOf(row.id) };
    const direct = (JSON.parse(row.direct_groups) as Array<[string, string | null]>)
      .map(([value, display]): GroupRef => ({ value, display: display ?? '', type: 'direct' }))
      .sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
    return { ...base, groups: direct };
  }

  private membersOf(groupId: string): MemberRef[] {
    return this.many<{ member_id: string; member_type: 'User' | 'Group' }>(
      `SELECT member_id, member_type FROM group_members WHERE group_id = ?`,
      groupId,
    ).map((m) => ({ value: m.member_id, type: m.member_type }));
  }

  /** Direct groups and the groups those belong to (RFC 7643 §4.1.2 "direct" / "indirect"), cycles bounded. */
  private groupsOf(memberId: string): GroupRef[] {
    return this.many<{ id: string; depth: number; display: string | null }>(
      `WITH RECURSIVE up(id, depth) AS (
         SELECT group_id, 0 FROM group_members WHERE member_id = ?
         UNION
         SELECT m.group_id, up.depth + 1 FROM group_members m JOIN up ON m.member_id = up.id WHERE up.depth < 16
       )
       SELECT up.id, min(up.depth) AS depth, json_extract(g.doc, '$.displayName') AS display
       FROM up JOIN groups g ON g.id = up.id GROUP BY up.id ORDER BY display`,
      memberId,
    ).map((g) => ({ value: g.id, display: g.display ?? '', type: g.depth === 0 ? 'direct' : 'indirect' }));
  }

  /** groupsOf for a page of users in one query. */
  private groupsOfMany(memberIds: ReadonlyArray<string>): Map<string, GroupRef[]> {
    const result = new Map<string, GroupRef[]>();
    if (memberIds.length === 0) return result;
    const rows = this.many<{ member: string; id: string; depth: number; display: string | null }>(
      `WITH RECURSIVE up(member, id, depth) AS (
         SELECT member_id, group_id, 0 FROM group_members WHERE member_id IN (SELECT value FROM json_each(?))
         UNION
         SELECT up.member, m.group_id, up.depth + 1 FROM group_members m JOIN up ON m.member_id = up.id WHERE up.depth < 16
       )
       SELECT up.member, up.id, min(up.depth) AS depth, json_extract(g.doc, '$.displayName') AS display
       FROM up JOIN groups g ON g.id = up.id GROUP BY up.member, up.id ORDER BY display`,
      JSON.stringify(memberIds),
    );
    for (const row of rows) {
      const list = result.get(row.member) ?? [];
      list.push({ value: row.id, display: row.display ?? '', type: row.depth === 0 ? 'direct' : 'indirect' });
      result.set(row.member, list);
    }
    return result;
  }

  /**
   * Applies membership changes. `changed` counts the rows of group_members (what SCIM shows);
   * `pending` lists the member ids added before any user or group has them, kept in
   * pending_members until one is created (Microsoft's SCIM test collection and Entra's retries
   * expect 204 here, not a 400 that Entra logs as a failure every cycle).
   */
  private applyMemberChanges(groupId: string, changes: ReadonlyArray<MemberChange>, time: string): { changed: number; pending: string[] } {
    let changedRows = 0;
    const pending = new Set<string>();
    for (const change of changes) {
      switch (change.kind) {
        case 'add': {
          const outcome = this.addMembers(groupId, change.members, time);
          changedRows += outcome.added;
          for (const id of outcome.pending) pending.add(id);
          break;
        }
        case 'remove': {
          let removed = 0;
          for (const memberId of new Set(change.ids)) {
            pending.delete(memberId);
            const direct = this.exec(`DELETE FROM group_members WHERE group_id = ? AND member_id = ?`, groupId, memberId).changes;
            const wasPending = this.exec(`DELETE FROM pending_members WHERE group_id = ? AND member_id = ?`, groupId, memberId).changes;
            removed += direct;
            if (direct === 0 && wasPending === 0) {
              // Added by externalId (see findMember): removed the same way.
              const found = this.findMember(memberId);
              if (found && found.id !== memberId) removed += this.exec(`DELETE FROM group_members WHERE group_id = ? AND member_id = ?`, groupId, found.id).changes;
            }
          }
          this.adjustCount(groupId, -removed);
          changedRows += removed;
          break;
        }
        case 'removeWhere': {
          const filter = change.filter as FilterNode<ResolvedAttr>;
          const where = printElementFilter(filter, memberRowsCollection);
          const removed = this.exec(`DELETE FROM group_members WHERE group_id = ? AND (${where.sql})`, groupId, ...where.params).changes;
          const pendingWhere = printElementFilter(filter, pendingRowsCollection);
          for (const row of this.many<{ member_id: string }>(
            `DELETE FROM pending_members WHERE group_id = ? AND (${pendingWhere.sql}) RETURNING member_id`,
            groupId,
            ...pendingWhere.params,
          )) {
            pending.delete(row.member_id);
          }
          this.adjustCount(groupId, -removed);
          changedRows += removed;
          break;
        }
        case 'removeAll': {
          const removed = this.exec(`DELETE FROM group_members WHERE group_id = ?`, groupId).changes;
          this.exec(`DELETE FROM pending_members WHERE group_id = ?`, groupId);
          pending.clear();
          this.exec(`UPDATE groups SET member_count = 0 WHERE id = ?`, groupId);
          changedRows += removed;
          break;
        }
      }
    }
    return { changed: changedRows, pending: [...pending] };
  }

  private addMembers(groupId: string, members: ReadonlyArray<MemberRef>, time: string): { added: number; pending: string[] } {
    const typed: Array<{ id: string; type: 'User' | 'Group' }> = [];
    const pending: MemberRef[] = [];
    for (const member of members) {
      const found = this.findMember(member.value);
      if (found?.id === groupId) throw ScimError.badRequest('invalidValue', `Group ${groupId} cannot be a member of itself`);
      if (found) typed.push(found);
      else pending.push(member);
    }
    if (typed.some((member) => member.type === 'Group')) this.hasNestedGroups = true;
    let added = 0;
    for (const member of typed) {
      added += this.exec(`INSERT OR IGNORE INTO group_members (group_id, member_id, member_type) VALUES (?, ?, ?)`, groupId, member.id, member.type).changes;
    }
    for (const member of pending) {
      // A repeated add keeps the first `since` (how long it has waited) and learns a type or display given later.
      this.exec(
        `INSERT INTO pending_members (group_id, member_id, member_type, display, since) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (group_id, member_id) DO UPDATE SET member_type = COALESCE(excluded.member_type, member_type),
           display = COALESCE(excluded.display, display)`,
        groupId,
        member.value,
        member.type ?? null,
        member.display ?? null,
        time,
      );
    }
    this.adjustCount(groupId, added);
    return { added, pending: pending.map((member) => member.value) };
  }

  /**
   * The resource a member value names: a user or group with that id, or else the one record
   * whose externalId it is (Entra's ordering: a group may name a member by the objectId it is
   * created with). undefined when none holds it, or two do (ambiguous: kept pending instead).
   */
  private findMember(value: string): { id: string; type: 'User' | 'Group' } | undefined {
    const byId = this.one<{ type: 'User' | 'Group' }>(
      `SELECT 'User' AS type FROM users WHERE id = ? UNION ALL SELECT 'Group' FROM groups WHERE id = ?`,
      value,
      value,
    );
    if (byId) return { id: value, type: byId.type };
    const spellings = [value, value.toLowerCase(), value.toUpperCase()];
    const holders = this.many<{ id: string; type: 'User' | 'Group' }>(
      `SELECT id, 'User' AS type FROM users WHERE external_id IN (?, ?, ?)
       UNION ALL SELECT id, 'Group' FROM groups WHERE external_id IN (?, ?, ?) LIMIT 2`,
      ...spellings,
      ...spellings,
    );
    return holders.length === 1 ? holders[0] : undefined;
  }

  /**
   * Moves pending memberships that name a resource just written (by its id, on create, and by its
   * externalId) into group_members, each group getting a new version. Returns those groups.
   */
  private resolvePending(kind: ResourceKind, id: string, externalId: string | null, time: string, byId = true): string[] {
    if (!byId && externalId === null) return [];
    // Four fixed parameters (not json_each): this runs on every create, so it stays one index probe.
    const ext = externalId ?? id;
    const rows = this.many<{ group_id: string; member_id: string }>(
      `SELECT group_id, member_id FROM pending_members WHERE member_id IN (?, ?, ?, ?)`,
      byId ? id : ext,
      ext,
      ext.toLowerCase(),
      ext.toUpperCase(),
    );
    const joined: string[] = [];
    for (const row of rows) {
      this.exec(`DELETE FROM pending_members WHERE group_id = ? AND member_id = ?`, row.group_id, row.member_id);
      if (row.group_id === id) continue; // a group named by its own externalId never joins itself
      const added = this.exec(`INSERT OR IGNORE INTO group_members (group_id, member_id, member_type) VALUES (?, ?, ?)`, row.group_id, id, kind).changes;
      if (added === 0) continue;
      this.exec(`UPDATE groups SET member_count = member_count + 1, version = version + 1, last_modified = ? WHERE id = ?`, time, row.group_id);
      joined.push(row.group_id);
    }
    if (kind === 'Group' && joined.length > 0) this.hasNestedGroups = true;
    return joined;
  }

  /** A written resource with what the write did to pending memberships, for the sync log. */
  private withOutcome(resource: StoredResource, pending: ReadonlyArray<string>, joined: ReadonlyArray<string>): StoredResource {
    if (pending.length === 0 && joined.length === 0) return resource;
    return { ...resource, ...(pending.length > 0 ? { pendingMembers: pending } : {}), ...(joined.length > 0 ? { joinedGroups: joined } : {}) };
  }

  /**
   * Refuses a write that gives this record a value another record of its kind holds: a group's
   * displayName (case-insensitive; Entra matches groups by it) always, an externalId when the
   * directory refuses duplicates. Only values the write changes are checked, so records that
   * shared one before the rule existed can still be updated. Runs inside the write's transaction.
   */
  private assertUnique(
    kind: ResourceKind,
    id: string,
    before: ResourceRow | undefined,
    after: { readonly externalId: string | null; readonly displayNameKey: string | null },
  ): void {
    if (kind === 'Group' && after.displayNameKey !== null && after.displayNameKey !== before?.display_name_key) {
      const holder = this.one<{ id: string; name: string | null }>(
        `SELECT id, json_extract(doc, '$.displayName') AS name FROM groups WHERE display_name_key = ? AND id <> ? LIMIT 1`,
        after.displayNameKey,
        id,
      );
      if (holder) {
        throw new StoreUniquenessError(
          'displayName',
          holder.id,
          `displayName "${holder.name ?? ''}" is already used by group ${holder.id}: Entra matches groups by displayName, so a second group with that name would make its next match ambiguous`,
        );
      }
    }
    if (after.externalId === null || after.externalId === (before?.external_id ?? null)) return;
    // The holder first: most writes find none, and then the policy need not be read.
    const [holder] = this.externalIdHolders(kind, after.externalId, id);
    if (holder && this.externalIdPolicy() === 'refuse') {
      throw new StoreUniquenessError(
        'externalId',
        holder.id,
        `externalId "${after.externalId}" is already held by ${kind === 'User' ? 'user' : 'group'} ${holder.name ?? holder.id} (${holder.id}): ` +
          'two records with one Entra Object ID make Entra match the wrong one, and this directory refuses duplicates (Directory & token)',
      );
    }
  }

  /** The directory's answer to a second record with one externalId (migration 7 defaults it to refuse). */
  private externalIdPolicy(): 'refuse' | 'allow' {
    return this.one<{ policy: 'refuse' | 'allow' }>(`SELECT external_id_policy AS policy FROM directory WHERE id = 1`)?.policy ?? 'refuse';
  }

  private adjustCount(groupId: string, delta: number): void {
    if (delta !== 0) this.exec(`UPDATE groups SET member_count = member_count + ? WHERE id = ?`, delta, groupId);
  }
}
