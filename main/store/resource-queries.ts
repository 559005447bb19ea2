import type { ListQuery, ListResult } from '../scim/directory';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { Membership } from './membership';
import { foldCase } from './open-database';
import { RESOURCE_COLUMNS } from './resource-column-maps';
import { TABLE, type ResourceReader, type ResourceRow } from './resource-reader';
import { MAX_CHAR, printFilter, printSort, type SqlFragment } from './sql-filter';
import type { StatementCache } from './statement-cache';

/** From this offset on, a page is found through an index first and its rows read afterwards. */
const DEEP_OFFSET = 1000;

/** Two WHERE fragments joined by AND; `1` when there is neither. */
function andFragments(left: SqlFragment | undefined, right: SqlFragment | undefined): SqlFragment {
  if (left && right) return { sql: `(${left.sql}) AND (${right.sql})`, params: [...left.params, ...right.params] };
  return left ?? right ?? { sql: '1', params: [] };
}

/** Fewer characters than this match the start of names only: the trigram index needs three. */
const SUBSTRING_MIN = 3;

/**
 * From this many matches on, a term counts as common (a domain every address has): listing its
 * matches through the index costs more than reading the narrow search-text table once.
 */
const COMMON_TERM = 10_000;

/** List queries over users and groups: SCIM filters and sorting, the admin search, deep paging. Reads only. */
export class ResourceQueries {
  constructor(
    private readonly sql: StatementCache,
    private readonly reader: ResourceReader,
    private readonly membership: Membership,
  ) {}

  /** One page of a list query (ResourceStore.listResources): filter, admin search, sort and paging in SQL. */
  list(kind: ResourceKind, query: ListQuery): ListResult {
    const map = RESOURCE_COLUMNS[kind];
    const search = query.search ? this.searchCondition(kind, query.search) : undefined;
    const where = andFragments(query.filter ? printFilter(query.filter, map) : undefined, search?.where);
    const table = TABLE[kind];
    const count = () =>
      search?.count && !query.filter
        ? this.sql.one<{ n: number }>(search.count.sql, ...search.count.params)!.n
        : this.sql.one<{ n: number }>(`SELECT count(*) AS n FROM ${table} AS r WHERE ${where.sql}`, ...where.params)!.n;
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
      rows = this.sql.many<ResourceRow>(
        `SELECT ${this.reader.columns(kind, options)} FROM ${table} AS r WHERE ${where.sql} ORDER BY ${order} ${limit}`,
        ...where.params,
        ...(sort?.params ?? []),
      );
    } else {
      // Deep pages: skip through the narrowest b-tree that serves the ORDER BY (an index, not the wide
      // rows), then read just the page's rows: OFFSET 99,900 skips index entries, not 200 MB of documents.
      const page = this.sql.many<{ seq: number }>(
        `SELECT r.seq FROM ${table} AS r WHERE ${where.sql} ORDER BY ${order} ${limit}`,
        ...where.params,
        ...(sort?.params ?? []),
      ).map((row) => row.seq);
      const bySeq = new Map(
        this.sql.many<ResourceRow>(
          `SELECT ${this.reader.columns(kind, options)} FROM ${table} AS r WHERE r.seq IN (SELECT value FROM json_each(?))`,
          JSON.stringify(page),
        ).map((row) => [row.seq, row]),
      );
      rows = page.map((seq) => bySeq.get(seq)).filter((row): row is ResourceRow => row !== undefined);
    }
    // An Entra probe finds one user or none: a first page that is not full already says how many there are.
    const total = offset === 0 && rows.length < query.count ? rows.length : count();
    const nested = kind === 'User' && query.withGroups && this.membership.hasNestedGroups ? this.membership.groupsOfMany(rows.map((row) => row.id)) : undefined;
    return {
      total,
      resources: rows.map((row) => {
        const resource = this.reader.toResource(kind, row, options);
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
      const probed = this.sql.one<{ n: number }>(`SELECT count(*) AS n FROM (${fts} LIMIT ${COMMON_TERM})`, phrase)!.n;
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
}
