import { MULTI_VALUE_SEPARATOR, type ExportColumnChoices, type ExportKind } from '../../shared/admin/export-schemas';
import { parseTarget, readTarget, targetAttributes, type ParsedTarget } from '../mapping/attribute-paths';
import type { ResourceDoc } from '../scim/resource/resource-doc';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { ResourceSchema } from '../scim/schema/resource-schema';
import type { MembershipRow } from '../store/directory-store';

/**
 * The columns of an export's CSV: SCIM attribute paths spelled as Entra's mapping screen spells them
 * (`emails[type eq "work"].value`, `urn:…:enterprise:2.0:User:department`), read from the stored
 * documents by the mapping's own reader, and the memberships' fixed names. Pure.
 */

/** A membership's columns: both ends, each with its identifiers. */
const MEMBERSHIP_COLUMNS = {
  'group.id': (row) => row.groupId,
  'group.displayName': (row) => row.groupDisplayName,
  'group.externalId': (row) => row.groupExternalId,
  'member.id': (row) => row.memberId,
  'member.type': (row) => row.memberType,
  'member.userName': (row) => row.memberUserName,
  'member.displayName': (row) => row.memberDisplayName,
  'member.externalId': (row) => row.memberExternalId,
} as const satisfies Record<string, (row: MembershipRow) => string | null>;
type MembershipColumn = keyof typeof MEMBERSHIP_COLUMNS;

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const DEFAULT_COLUMNS: Readonly<Record<ExportKind, ReadonlyArray<string>>> = {
  users: [
    'id',
    'externalId',
    'userName',
    'active',
    'displayName',
    'name.givenName',
    'name.familyName',
    'emails[type eq "work"].value',
    `${ENTERPRISE}:employeeNumber`,
    `${ENTERPRISE}:department`,
  ],
  groups: ['id', 'externalId', 'displayName'],
  memberships: ['group.id', 'group.displayName', 'group.externalId', 'member.id', 'member.type', 'member.userName', 'member.externalId'],
};

/** Every column a CSV of each kind may hold, in the order the chooser offers them: `id`, then what Entra can write. */
export function columnChoices(schemas: Record<ResourceKind, ResourceSchema>): ExportColumnChoices {
  const of = (schema: ResourceSchema) => ['id', ...targetAttributes(schema).map((target) => target.path).filter((path) => path !== 'members')];
  return {
    available: { users: of(schemas.User), groups: of(schemas.Group), memberships: Object.keys(MEMBERSHIP_COLUMNS) },
    defaults: { users: [...DEFAULT_COLUMNS.users], groups: [...DEFAULT_COLUMNS.groups], memberships: [...DEFAULT_COLUMNS.memberships] },
    separator: MULTI_VALUE_SEPARATOR,
  };
}

/**
 * The columns as saved: each matched to a path the chooser offers (case-insensitively, kept in its
 * canonical spelling), empty meaning the defaults. Returns the unknown ones instead when there are any.
 */
export function checkColumns(kind: ExportKind, columns: ReadonlyArray<string>, choices: ExportColumnChoices): { columns: string[] } | { unknown: string[] } {
  const available = new Map(choices.available[kind].map((path) => [path.toLowerCase(), path]));
  const wanted = columns.length > 0 ? columns : choices.defaults[kind].filter((path) => available.has(path.toLowerCase()));
  const unknown = wanted.filter((path) => !available.has(path.toLowerCase()));
  if (unknown.length > 0) return { unknown };
  return { columns: [...new Set(wanted.map((path) => available.get(path.toLowerCase())!))] };
}

/** A record's cells for the chosen columns, in order. */
export type RowCells<R> = (record: R) => Array<string | null>;

/** Users' or groups' cells: `id` from the store, every other path read from the document; several values joined by the separator. */
export function resourceCells(columns: ReadonlyArray<string>): RowCells<{ readonly id: string; readonly doc: ResourceDoc }> {
  const targets: Array<ParsedTarget | 'id' | undefined> = columns.map((path) => (path === 'id' ? 'id' : parseTarget(path)));
  return ({ id, doc }) =>
    targets.map((target) => {
      if (target === 'id') return id;
      if (target === undefined) return null;
      const values = readTarget(doc, target);
      return values.length === 0 ? null : values.join(MULTI_VALUE_SEPARATOR);
    });
}

/** A membership's cells. */
export function membershipCells(columns: ReadonlyArray<string>): RowCells<MembershipRow> {
  const readers = columns.map((column) => MEMBERSHIP_COLUMNS[column as MembershipColumn] ?? (() => null));
  return (row) => readers.map((read) => read(row));
}
