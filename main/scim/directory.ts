import type { FilterNode } from './filter/filter-ast';
import type { PatchResult } from './patch/patch-operation';
import type { MemberRef, ResourceDoc } from './resource/resource-doc';
import type { ResourceKind } from './schema/attribute-def';
import type { ResolvedAttr } from './schema/resource-schema';

/**
 * The directory as the SCIM protocol needs it: users, groups and membership, written in whole
 * operations. The protocol owns this interface and a store implements it (SCIMMY's shape), so
 * nothing here knows SQL. Each operation is atomic inside the store, so no transaction ever spans
 * an `await`; methods return promises so a networked store fits the same seam.
 *
 * Refusals come back as the store's own errors (main/store/store-errors.ts: not found, version
 * mismatch, a value another record holds, a query or input the store cannot take); the SCIM
 * transport turns them into RFC 7644 §3.12 errors in one place.
 */
export interface ResourceStore {
  createResource(kind: ResourceKind, input: ResourceInput, now: Date): Promise<StoredResource>;
  getResource(kind: ResourceKind, id: string, options: ReadOptions): Promise<StoredResource | undefined>;
  replaceResource(kind: ResourceKind, id: string, input: ResourceInput, condition: WriteCondition, now: Date): Promise<StoredResource>;
  /**
   * Reads the document, runs the pure `apply` on it and writes the result, all
   * in one transaction: a PATCH that throws leaves nothing behind.
   */
  patchResource(
    kind: ResourceKind,
    id: string,
    apply: (doc: ResourceDoc) => PatchResult,
    condition: WriteCondition,
    now: Date,
    /** What the returned resource carries (a group PATCH answered with 204 needs no members). */
    options: ReadOptions,
  ): Promise<{ readonly resource: StoredResource; readonly changed: boolean }>;
  deleteResource(kind: ResourceKind, id: string, condition: WriteCondition, retention: DeleteRetention, now: Date): Promise<void>;
  listResources(kind: ResourceKind, query: ListQuery): Promise<ListResult>;
  /** Members of one group, a page at a time, and its pending members (oldest first, at most 500), for the admin UI. */
  listMembers(groupId: string, startIndex: number, count: number): Promise<MemberPage>;
  countResources(kind: ResourceKind): Promise<number>;
  /** Users marked inactive (Entra's soft delete), from a partial index. */
  countInactiveUsers(): Promise<number>;
  /** Permanently removes records kept after DELETE whose retention has passed; returns how many. */
  purgeDeletedResources(now: Date): Promise<number>;
}

/** What the SCIM service reads and writes: the resources, and the directory's policies (delete retention). */
export type ScimDirectory = ResourceStore & Pick<DirectoryInfoStore, 'getDirectory'>;

/** A resource as stored: document plus the columns the store owns. */
export interface StoredResource {
  readonly kind: ResourceKind;
  readonly id: string;
  readonly doc: ResourceDoc;
  readonly created: string;
  readonly lastModified: string;
  readonly version: number;
  /** Group members, only when asked for (reading them costs one row per member). */
  readonly members?: ReadonlyArray<MemberRef>;
  readonly memberCount?: number;
  /** The groups a user belongs to, directly or through nested groups, when asked for. */
  readonly groups?: ReadonlyArray<GroupRef>;
  /** Members this write added before any user or group has their id: kept pending, not shown as members. */
  readonly pendingMembers?: ReadonlyArray<string>;
  /** Groups this write joined by resolving their pending members (a create, or a new externalId). */
  readonly joinedGroups?: ReadonlyArray<string>;
}

/** A group member added before its user or group exists; it becomes a member the moment one is created. */
export interface PendingMember {
  readonly value: string;
  readonly type?: 'User' | 'Group';
  readonly display?: string;
  /** When it was first added. */
  readonly since: string;
}

/** One page of a group's members with its pending members, as the admin UI lists them. */
export interface MemberPage extends ListResult {
  readonly members: ReadonlyArray<MemberRef>;
  readonly pending: ReadonlyArray<PendingMember>;
  readonly pendingTotal: number;
}

export interface GroupRef {
  readonly value: string;
  readonly display: string;
  readonly type: 'direct' | 'indirect';
}

/** What the store needs to know to honour `If-Match` (RFC 7644 §3.14). */
export interface WriteCondition {
  /** Versions the client accepts (If-Match may list several); undefined means any. */
  readonly versions?: ReadonlyArray<number>;
}

export interface ResourceInput {
  readonly doc: ResourceDoc;
  /** A group's members on POST/PUT; PUT replaces the whole list (RFC 7644 §3.5.1). */
  readonly members?: ReadonlyArray<MemberRef>;
}

export interface ListQuery {
  /** The parsed and resolved filter tree (RFC 7644 §3.4.2.2); the store prints it in its own query language. */
  readonly filter: FilterNode<ResolvedAttr> | undefined;
  /**
   * The admin UI's free-text search, combined with `filter` by AND: any part (three characters or
   * more) of a user name, display name or email address (a group's display name), or a whole
   * externalId or id. One or two characters match the start of those names instead.
   */
  readonly search?: string;
  /** 1-based (RFC 7644 §3.4.2.4). */
  readonly startIndex: number;
  readonly count: number;
  readonly sortBy: ResolvedAttr | undefined;
  readonly descending: boolean;
  readonly withMembers: boolean;
  readonly withGroups: boolean;
}

export interface ListResult {
  readonly total: number;
  readonly resources: ReadonlyArray<StoredResource>;
}

export interface ReadOptions {
  readonly withMembers: boolean;
  readonly withGroups: boolean;
}

/** On DELETE: remove at once, or keep the record (invisible to SCIM) for a number of days. */
export type DeleteRetention = { readonly mode: 'hard' } | { readonly mode: 'retain'; readonly days: number };

export interface DirectoryInfo {
  readonly name: string;
  readonly description: string;
  /** On `active=false`: keep the user, marked inactive (the only sane choice for Entra's soft delete). */
  readonly onInactive: 'suspend';
  readonly onDelete: DeleteRetention;
  /**
   * A SCIM write that gives a user or group an externalId another record of its kind holds:
   * refused with 409 uniqueness, or accepted. The store enforces it inside the write.
   */
  readonly duplicateExternalIds: 'refuse' | 'allow';
  readonly created: string;
  readonly updated: string;
}

export interface DirectoryInfoStore {
  getDirectory(): Promise<DirectoryInfo | undefined>;
  saveDirectory(info: Omit<DirectoryInfo, 'created' | 'updated'>, now: Date): Promise<DirectoryInfo>;
}
