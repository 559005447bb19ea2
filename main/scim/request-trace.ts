import type { StoredResource } from './directory';
import type { FilterNode } from './filter/filter-ast';
import { formatPatchPath } from './filter/format-filter';
import type { PatchOperation } from './patch/patch-operation';
import type { ResourceDoc } from './resource/resource-doc';
import type { ResourceKind } from './schema/attribute-def';
import type { ResolvedAttr } from './schema/resource-schema';

/**
 * What the service learned about a request, for the sync log: filled in as
 * the request is handled, so even a failed request names its user.
 */
export interface RequestTrace {
  operation: string;
  resourceType: ResourceKind | null;
  resourceId: string | null;
  userName: string | null;
  externalId: string | null;
  displayName: string | null;
  /** Entra quirks that were normalised, in words an admin can read. */
  notes: string[];
  /** Attributes the client sent that no schema defines (not stored). */
  ignored: string[];
  /** The operations after normalisation, for the sync log's request detail. */
  normalized: unknown;
  /** A list or search filter as ScimDesk read it (canonical names, typed values), for the sync log's request detail. */
  filterAsRead: string | undefined;
  /** Group members this request added before any user or group had their id (kept pending). */
  pendingMembers: string[];
  /** Groups whose pending members this request's resource turned out to be (it joined them). */
  joinedGroups: string[];
}

export function newTrace(operation: string): RequestTrace {
  return {
    operation,
    resourceType: null,
    resourceId: null,
    userName: null,
    externalId: null,
    displayName: null,
    notes: [],
    ignored: [],
    normalized: undefined,
    filterAsRead: undefined,
    pendingMembers: [],
    joinedGroups: [],
  };
}

/** Records the identifiers an Entra probe (`userName eq "x"`) asks about, so the sync log can find it. */
export function traceFilterIdentifiers(filter: FilterNode<ResolvedAttr>, trace: RequestTrace): void {
  if (filter.kind === 'and') {
    traceFilterIdentifiers(filter.left, trace);
    traceFilterIdentifiers(filter.right, trace);
    return;
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || typeof filter.value !== 'string') return;
  if (filter.path.key === 'userName') trace.userName = filter.value;
  else if (filter.path.key === 'externalId') trace.externalId = filter.value;
  else if (filter.path.key === 'displayName') trace.displayName = filter.value;
  else if (filter.path.key === 'id') trace.resourceId = filter.value;
}

/** The normalised operations as an admin reads them in the sync log: op, path in SCIM syntax, value. */
export function describeOperations(operations: ReadonlyArray<PatchOperation>): Array<{ op: string; path?: string; value?: unknown }> {
  return operations.map((operation) => {
    const target = operation.target;
    const path = target === undefined ? undefined : target.kind === 'extension' ? target.schema.id : formatPatchPath(target.path);
    return {
      op: operation.op,
      ...(path !== undefined ? { path } : {}),
      ...(operation.value !== undefined ? { value: operation.value } : {}),
    };
  });
}

/** What a write did to pending memberships, for the sync log's request detail. */
export function traceMembership(stored: StoredResource, trace: RequestTrace): void {
  trace.pendingMembers.push(...(stored.pendingMembers ?? []));
  trace.joinedGroups.push(...(stored.joinedGroups ?? []));
}

export function traceDoc(kind: ResourceKind, id: string | null, doc: ResourceDoc, trace: RequestTrace): void {
  trace.resourceType = kind;
  if (id !== null) trace.resourceId = id;
  if (kind === 'User' && typeof doc['userName'] === 'string') trace.userName = doc['userName'];
  if (typeof doc['externalId'] === 'string') trace.externalId = doc['externalId'];
  if (typeof doc['displayName'] === 'string') trace.displayName = doc['displayName'];
}
