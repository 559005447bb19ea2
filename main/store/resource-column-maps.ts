import type { AttributeDef, ResourceKind } from '../scim/schema/attribute-def';
import type { ResolvedAttr } from '../scim/schema/resource-schema';
import { columnScalar, documentKeys, jsonCollection, jsonScalar, valueSubAttribute, type CollectionSql, type ColumnMap, type ScalarSql } from './sql-filter';

/**
 * Where each SCIM attribute of a user or group lives in SQLite, for the filter printer: indexed
 * columns for the attributes Entra filters on, the membership and email tables for `members`,
 * `groups` and `emails`, the JSON document for everything else.
 */

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
      return { ...columnScalar(sqlString(kind), def, false, false), constant: true };
    case 'meta.version':
      return columnScalar(`('W/"' || r.version || '"')`, def, false, false);
    default:
      // meta.location depends on the request's base URL; meta itself is complex.
      return { ...columnScalar('NULL', def, false, false), constant: true };
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
export const memberRowsCollection = membersCollection('group_members', '1');

/** pending_members seen the same way, so a PATCH removal by filter reaches pending members too. */
export const pendingRowsCollection: CollectionSql = {
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

/**
 * The sub-attributes the user_emails rows answer for. Not `primary`: its column is 0 for an email
 * without one, where a filter must tell missing from false (`emails[primary eq false]` does not
 * match an email that has no primary; found by the filter property test).
 */
const INDEXED_EMAIL_SUBS: ReadonlySet<string> = new Set(['value', 'type']);

/** emails use the indexed user_emails rows when value/type are all a filter reads, JSON otherwise. */
function emailsCollection(attr: ResolvedAttr, subs: ReadonlyArray<string>): CollectionSql {
  if (!subs.every((sub) => INDEXED_EMAIL_SUBS.has(sub))) return jsonCollection('r.doc', attr);
  return {
    from: 'user_emails AS ue',
    where: 'ue.user_seq = r.seq',
    params: [],
    element(sub) {
      const def = sub ?? valueSubAttribute(attr) ?? attr.attribute;
      switch (sub?.name ?? 'value') {
        case 'type':
          return columnScalar('ue.type_key', def, true, false);
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

/** The column map of each resource type. */
export const RESOURCE_COLUMNS: Readonly<Record<ResourceKind, ColumnMap>> = { User: userColumns, Group: groupColumns };
