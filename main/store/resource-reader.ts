import type { GroupRef, ReadOptions, StoredResource, WriteCondition } from '../scim/directory';
import type { ResourceDoc } from '../scim/resource/resource-doc';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { Membership } from './membership';
import type { StatementCache } from './statement-cache';
import { StoreNotFoundError, StoreVersionError } from './store-errors';

/** A users or groups row as the reader selects it. */
export interface ResourceRow {
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

/** The table of each resource type. */
export const TABLE: Readonly<Record<ResourceKind, 'users' | 'groups'>> = { User: 'users', Group: 'groups' };

/** Values of the indexed columns, taken from the document. */
export function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Reads users and groups rows and turns them into StoredResources, members and groups included when asked for. */
export class ResourceReader {
  constructor(
    private readonly sql: StatementCache,
    private readonly membership: Membership,
  ) {}

  /** The row a write is about to change, refused when it is missing or at a version If-Match does not name. */
  requireRow(kind: ResourceKind, id: string, condition: WriteCondition): ResourceRow {
    const row = this.sql.one<ResourceRow>(
      `SELECT seq, id, doc, created, last_modified, version, external_id, display_name_key FROM ${TABLE[kind]} WHERE id = ?`,
      id,
    );
    if (!row) throw new StoreNotFoundError(kind, id);
    if (condition.versions !== undefined && !condition.versions.includes(row.version)) {
      throw new StoreVersionError(kind, id, row.version, condition.versions);
    }
    return row;
  }

  /**
   * The columns of a resource row. A user's direct groups come in the same statement (one read per
   * GET); only a directory with nested groups needs the recursive query for indirect ones.
   */
  columns(kind: ResourceKind, options: ReadOptions): string {
    const base = 'r.seq, r.id, r.doc, r.created, r.last_modified, r.version';
    if (kind === 'Group') return `${base}, r.member_count`;
    if (!options.withGroups || this.membership.hasNestedGroups) return base;
    return `${base}, (SELECT json_group_array(json_array(gm.group_id, json_extract(g.doc, '$.displayName')))
      FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE gm.member_id = r.id) AS direct_groups`;
  }

  read(kind: ResourceKind, id: string, options: ReadOptions): StoredResource | undefined {
    const row = this.sql.one<ResourceRow>(`SELECT ${this.columns(kind, options)} FROM ${TABLE[kind]} AS r WHERE r.id = ?`, id);
    return row ? this.toResource(kind, row, options) : undefined;
  }

  toResource(kind: ResourceKind, row: ResourceRow, options: ReadOptions): StoredResource {
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
        ...(options.withMembers ? { members: this.membership.membersOf(row.id) } : {}),
      };
    }
    if (!options.withGroups) return base;
    if (row.direct_groups === undefined) return { ...base, groups: this.membership.groupsOf(row.id) };
    const direct = (JSON.parse(row.direct_groups) as Array<[string, string | null]>)
      .map(([value, display]): GroupRef => ({ value, display: display ?? '', type: 'direct' }))
      .sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
    return { ...base, groups: direct };
  }
}
