import { parseFilter } from '../../main/scim/filter/parse-filter';
import { resolveFilter } from '../../main/scim/filter/resolve-filter';
import type { ListQuery, ReadOptions } from '../../main/scim/directory';
import { applyPatch } from '../../main/scim/patch/apply-patch';
import { normalizePatchRequest } from '../../main/scim/patch/normalize-patch';
import type { PatchResult } from '../../main/scim/patch/patch-operation';
import type { ResourceDoc } from '../../main/scim/resource/resource-doc';
import type { ResourceKind } from '../../main/scim/schema/attribute-def';
import { buildResourceSchemas } from '../../main/scim/schema/resource-schema';
import type { DirectoryStore } from '../../main/store/directory-store';

/**
 * A write inside an operation where the contract makes a store fail, after that operation has
 * already written something else. Each names data every implementation writes:
 *
 * - `userEmails`: a user's email addresses (a create, PUT or PATCH writes the user first);
 * - `groupMembers`: a membership (a group's own row comes first; a new user or group that
 *   resolves pending memberships was written first);
 * - `resourceRemoval`: removing a user's or group's own record (its memberships, and a retained
 *   copy, are handled first);
 * - `auditRecord`: the audit record of an externalId the admin set (written after the change);
 * - `fixRecord`: a fix batch's per-change record, or marking the batch undone (both after the
 *   externalIds were written);
 * - `tokenStored`: storing a new token (replaceToken revokes the others first);
 * - `syncLogEntry`: writing the sync log entry whose requestId is FAILING_REQUEST_ID;
 * - `syncLogRemoval`: removing that entry (pruning by count, after pruning by age removed others).
 */
export type FailurePoint =
  | 'userEmails'
  | 'groupMembers'
  | 'resourceRemoval'
  | 'auditRecord'
  | 'fixRecord'
  | 'tokenStored'
  | 'syncLogEntry'
  | 'syncLogRemoval';

/** The requestId of the sync log entry that fails under `failAt(store, 'syncLogEntry' | 'syncLogRemoval')`. */
export const FAILING_REQUEST_ID = 'contract-injected-failure';

/** What the contract needs from an implementation beyond the DirectoryStore interface. */
export interface StoreContractHooks<S extends DirectoryStore> {
  /**
   * From now on, every write at `point` fails (throws) until the returned function is called.
   * SQLite does it with a TEMP trigger that RAISE(ABORT)s; a server database can do the same.
   */
  failAt(store: S, point: FailurePoint): () => void;
}

export interface ContractContext<S extends DirectoryStore> {
  /** The fresh, empty store of the running test. */
  readonly store: () => S;
  readonly hooks: StoreContractHooks<S>;
}

export const schemas = buildResourceSchemas([]);
export const NOW = new Date('2026-01-02T03:04:05.000Z');
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const NO_EXTRAS: ReadOptions = { withMembers: false, withGroups: false };
export const WITH_MEMBERS: ReadOptions = { withMembers: true, withGroups: false };
export const WITH_GROUPS: ReadOptions = { withMembers: false, withGroups: true };
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** NOW plus some seconds. */
export function at(seconds: number): Date {
  return new Date(NOW.getTime() + seconds * 1000);
}

/** A list query as the SCIM service builds it: filter parsed and resolved against the schemas. */
export function query(kind: ResourceKind, filter?: string, extra: Partial<ListQuery> = {}): ListQuery {
  return {
    filter: filter === undefined ? undefined : resolveFilter(parseFilter(filter), schemas[kind]),
    startIndex: 1,
    count: 100,
    sortBy: undefined,
    descending: false,
    withMembers: false,
    withGroups: false,
    ...extra,
  };
}

/** A sortBy as the service resolves it (`name.givenName`, `meta.created`). */
export function sortBy(kind: ResourceKind, path: string): ListQuery['sortBy'] {
  const [attr, sub] = path.split('.');
  return schemas[kind].resolve({ uri: undefined, attr: attr!, subAttr: sub });
}

/** The pure PATCH function the service hands to patchResource, from RFC 7644 operations. */
export function patchWith(kind: ResourceKind, operations: unknown[]): (doc: ResourceDoc) => PatchResult {
  const normalized = normalizePatchRequest({ schemas: [PATCH_OP], Operations: operations }, schemas[kind]);
  return (doc) => applyPatch(doc, normalized.operations, schemas[kind]);
}
