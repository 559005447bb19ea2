import type { LocalSnapshot } from '../reconcile/snapshot';
import type { BreakerStore } from './breaker-store';
import type { DirectoryInfoStore, ResourceStore, StoredResource } from '../scim/directory';
export type {
  DeliveryAttempt,
  DeliveryStore,
  LegacySubscriptionSecret,
  ReadCredentialRecord,
  StoredDeliveryAttempt,
  SubscriptionFilter,
  SubscriptionRecord,
  SubscriptionUpdate,
} from './delivery-repository';
export type { OutboxBounds, OutboxRetention } from './outbox';
import type { ResourceDoc } from '../scim/resource/resource-doc';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { CustomExtension } from '../scim/schema/resource-schema';
import type { DeliveryStore } from './delivery-repository';

// The resource half of the store's contract is the protocol's (main/scim/directory.ts); named here
// too so a caller that holds the whole store imports one module.
export type {
  DeleteRetention,
  DirectoryInfo,
  DirectoryInfoStore,
  GroupRef,
  ListQuery,
  ListResult,
  MemberPage,
  PendingMember,
  ReadOptions,
  ResourceInput,
  ResourceStore,
  ScimDirectory,
  StoredResource,
  WriteCondition,
} from '../scim/directory';

/**
 * The whole store: the protocol's resource interface plus what the rest of ScimDesk keeps (tokens,
 * sync log, settings, extensions, audit, admin sessions, identifier fixes). Whole operations, each
 * atomic inside the store, so no transaction ever spans an `await`. SQLite (better-sqlite3) is the
 * only implementation today; a second one (PostgreSQL for server deployments) implements the same
 * interface, prints the same parsed filter tree in its own dialect, rejects with the errors of
 * store-errors.ts, and passes the same contract suite (test/store-contract/).
 *
 * Methods return promises so a networked store fits the same seam; the SQLite
 * implementation does its work synchronously inside one transaction and
 * returns a settled promise.
 */
export interface DirectoryStore
  extends ResourceStore,
    TokenStore,
    SyncLogStore,
    SettingsStore,
    DirectoryInfoStore,
    ExtensionStore,
    AuditStore,
    AdminSessionStore,
    FixStore,
    DocumentScanStore,
    RecoveryStore,
    BreakerStore,
    MembershipScanStore,
    DeliveryStore {
  close(): Promise<void>;
}

/** Every stored document of a kind, a page at a time, for the mapping diagnostics' one pass over the directory. */
export interface DocumentScanStore {
  /** Up to `limit` records after the position `afterSeq` (0 to start), in a stable order; the last one's seq continues. */
  scanDocuments(kind: ResourceKind, afterSeq: number, limit: number): Promise<ReadonlyArray<{ readonly seq: number; readonly id: string; readonly doc: ResourceDoc }>>;
  /** The records at these positions (those still stored), in position order. */
  documentsAt(kind: ResourceKind, seqs: ReadonlyArray<number>): Promise<ReadonlyArray<{ readonly seq: number; readonly id: string; readonly doc: ResourceDoc }>>;
  /** A number that changes with every write of a record of this kind, or every deletion of a sync-log entry (by any process). */
  mappingGeneration(of: ResourceKind | 'SyncLog'): Promise<number>;
  /**
   * The newest `limit` sync-log entries after `afterSeq`, newest first, with the columns the
   * diagnostics read; the detail only of the operations in `detailOf` (the others' is null).
   */
  scanSyncLog(afterSeq: number, limit: number, detailOf: ReadonlyArray<string>): Promise<ReadonlyArray<SyncLogScanRow>>;
  /** How many sync-log entries are numbered `fromSeq` to `throughSeq`. */
  countSyncLog(fromSeq: number, throughSeq: number): Promise<number>;
  /** Records written since the mapping last read them (marked by triggers, any process), a page after position `afterSeq`. */
  pendingMappingRecords(kind: ResourceKind, afterSeq: number, limit: number): Promise<ReadonlyArray<PendingMappingRecord>>;
  /** Keeps what the mapping read of marked records and clears each mark, unless the record was written again since. */
  saveMappingRecords(kind: ResourceKind, records: ReadonlyArray<MappingRecordFacts>): Promise<void>;
  /** The kept facts of every record of a kind, grouped by shape. */
  mappingRecordSummary(kind: ResourceKind): Promise<MappingRecordSummary>;
  /** The users holding these userNames (compared as the unique index compares them), in position order. */
  usersNamed(userNames: ReadonlyArray<string>): Promise<ReadonlyArray<{ readonly id: string; readonly userName: string }>>;
}

/** A record marked as written since the mapping read it: the document now (null once deleted) and the mark's stamp. */
export interface PendingMappingRecord {
  readonly seq: number;
  readonly stamp: number;
  readonly id: string | null;
  readonly doc: ResourceDoc | null;
}

/** What the mapping read of a marked record (null: deleted), with the stamp of the mark it read. */
export interface MappingRecordFacts {
  readonly seq: number;
  readonly stamp: number;
  readonly facts: {
    readonly id: string;
    readonly name: string;
    readonly externalId: string | null;
    readonly nonGuid: boolean;
    /** The mapping's text for the attribute paths the record carries; records with the same text are counted together. */
    readonly shape: string;
  } | null;
}

/** Every kept record of a kind: shapes with their counts, oldest first; the records with a non-GUID or shared externalId, in position order. */
export interface MappingRecordSummary {
  readonly shapes: ReadonlyArray<{ readonly paths: string; readonly records: number; readonly firstSeq: number }>;
  readonly nonGuid: ReadonlyArray<{ readonly id: string; readonly name: string; readonly externalId: string }>;
  readonly duplicates: ReadonlyArray<{ readonly id: string; readonly name: string; readonly externalId: string }>;
}

/** A sync-log entry as the mapping diagnostics read it. */
export interface SyncLogScanRow {
  readonly seq: number;
  readonly time: string;
  readonly method: string;
  readonly path: string;
  readonly operation: string;
  readonly resourceType: ResourceKind | null;
  readonly resourceId: string | null;
  readonly userName: string | null;
  readonly externalId: string | null;
  readonly displayName: string | null;
  readonly status: number;
  readonly error: string | null;
  readonly detail: string | null;
}

/** One membership with both ends named, as the scheduled exports write it. */
export interface MembershipRow {
  readonly groupId: string;
  readonly groupDisplayName: string | null;
  readonly groupExternalId: string | null;
  readonly memberId: string;
  readonly memberType: 'User' | 'Group';
  /** The member user's userName (null for a group member). */
  readonly memberUserName: string | null;
  /** The member's displayName (a user's or a nested group's). */
  readonly memberDisplayName: string | null;
  readonly memberExternalId: string | null;
}

/** Every membership, a page at a time, for the scheduled exports' memberships file. */
export interface MembershipScanStore {
  /** Up to `limit` memberships after `after` (undefined to start), ordered by group id then member id; the last one continues. */
  scanMemberships(after: { readonly groupId: string; readonly memberId: string } | undefined, limit: number): Promise<ReadonlyArray<MembershipRow>>;
}

/** How the composition root asks for a store; options a store does not use it ignores. */
export interface DirectoryStoreOptions {
  /** Background housekeeping (SQLite: WAL checkpoints on a worker); off for short-lived processes such as the CLI. */
  readonly checkpointWorker?: boolean;
}

/**
 * Opens (creating and migrating when needed) the store at `location`: a database file for SQLite
 * (':memory:' in tests), a connection string for a networked store. The composition root takes one
 * as an option, SQLite's (`sqliteStoreFactory`) by default.
 */
export type DirectoryStoreFactory = (location: string, options: DirectoryStoreOptions) => DirectoryStore;

export interface TokenRecord {
  readonly id: number;
  readonly hint: string;
  readonly created: string;
  readonly expires: string | null;
  readonly revoked: string | null;
  readonly lastUsed: string | null;
}

export interface TokenStore {
  /** Stores a new token's hash and revokes every other active token, in one transaction. */
  replaceToken(hash: Buffer, hint: string, expires: Date | null, now: Date): Promise<TokenRecord>;
  /** Stores an extra token beside the current ones (zero-downtime rotation keeps both for a while). */
  addToken(hash: Buffer, hint: string, expires: Date | null, now: Date): Promise<TokenRecord>;
  revokeTokens(now: Date, exceptId?: number): Promise<number>;
  revokeToken(id: number, now: Date): Promise<boolean>;
  /** Makes every active token but one expire at `at` (no later than it already would): a bounded overlap. */
  expireTokens(exceptId: number, at: Date): Promise<number>;
  activeTokenHashes(): Promise<ReadonlyArray<{ readonly id: number; readonly hash: Buffer; readonly expires: string | null }>>;
  touchToken(id: number, now: Date): Promise<void>;
  listTokens(): Promise<ReadonlyArray<TokenRecord>>;
  /** The per-installation key of the keyed token hash; created on first use. */
  tokenHashKey(): Promise<Buffer>;
}

export type SyncOutcome = 'success' | 'error' | 'clientError' | 'serverError';

/** One SCIM request as the sync log records it; secrets never reach it. */
export interface SyncLogEntry {
  readonly time: string;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly operation: string;
  readonly resourceType: ResourceKind | null;
  readonly resourceId: string | null;
  readonly userName: string | null;
  readonly externalId: string | null;
  readonly displayName: string | null;
  readonly status: number;
  readonly durationMs: number;
  readonly scimType: string | null;
  readonly error: string | null;
  readonly client: string | null;
  /**
   * The request's ADSCIMVersion header: Entra's provisioning service sends it, other clients (a curl,
   * a script, another product) do not. Null also for entries recorded before ScimDesk kept it.
   */
  readonly adscimVersion: string | null;
  /** Sanitised request body, normalised operations and notes, as JSON text. */
  readonly detail: string | null;
  /**
   * How many requests this entry stands for: 1 for every request ScimDesk served; more for refused
   * ones (a wrong token) from one address, aggregated so a flood cannot fill the disk. Absent is 1.
   */
  readonly count?: number;
  /** The last of the aggregated requests (`time` is the first); absent or null for a single request. */
  readonly lastTime?: string | null;
}

export interface StoredSyncLogEntry extends SyncLogEntry {
  readonly seq: number;
}

export interface SyncLogQuery {
  readonly since?: string;
  readonly until?: string;
  readonly operation?: string;
  readonly outcome?: SyncOutcome;
  readonly status?: number;
  readonly resourceId?: string;
  /** Matches userName, externalId, displayName or resource id, case-insensitively. */
  readonly text?: string;
  /** `entra`: requests with the ADSCIMVersion header; `other`: without it. */
  readonly client?: 'entra' | 'other';
  /** Cursor: only entries older than this sequence number. */
  readonly beforeSeq?: number;
  readonly limit: number;
}

export interface SyncLogSummary {
  readonly total: number;
  readonly errors: number;
  readonly lastTime: string | null;
}

/**
 * What Entra's own requests (those with the ADSCIMVersion header) in a window show against
 * Microsoft's quarantine rules. A provisioning event is a write to a user or group, or a read that
 * failed (the write it was for never came); successful probes are not events.
 */
export interface QuarantineCounts {
  readonly since: string;
  /** Every request Entra sent in the window. */
  readonly entraRequests: number;
  /** Provisioning events, refused credentials and 404 queries apart. */
  readonly operations: number;
  /** Failed events that count toward the 40 % and 40,000 thresholds (reference failures apart). */
  readonly failures: number;
  /** Failed updates of references (group members, manager): only the 60,000 total counts them. */
  readonly referenceFailures: number;
  /** Refused credentials (401/403, or 429 to a wrong token sent too often) answered to Entra: quarantine at once. */
  readonly refusedCredentials: number;
  readonly lastRefused: string | null;
  /** 404 to a query (or a path no SCIM route serves): quarantine at once. */
  readonly notFoundQueries: number;
  readonly lastNotFound: string | null;
  /** Entra's newest request that succeeded: a sign after it was fixed. */
  readonly lastSuccess: string | null;
}

/** Entra's requests of one minute (UTC, `2026-03-01T10:05`), counted as QuarantineCounts counts them. */
export interface QuarantineMinute extends Omit<QuarantineCounts, 'since'> {
  readonly minute: string;
}

/** Entra's requests logged after a sequence number, minute by minute, and the newest sequence number read. */
export interface QuarantineSlice {
  readonly throughSeq: number;
  readonly minutes: ReadonlyArray<QuarantineMinute>;
}

export interface SyncLogStore {
  /** Appends in one transaction; returns the entries with their sequence numbers. */
  appendSyncLog(entries: ReadonlyArray<SyncLogEntry>): Promise<ReadonlyArray<StoredSyncLogEntry>>;
  getSyncLogEntry(seq: number): Promise<StoredSyncLogEntry | undefined>;
  querySyncLog(query: SyncLogQuery): Promise<ReadonlyArray<StoredSyncLogEntry>>;
  summarizeSyncLog(since: string): Promise<SyncLogSummary>;
  /**
   * Entra's requests since `since` and after sequence number `afterSeq`, counted minute by minute
   * against Microsoft's quarantine rules: a caller that keeps the minutes reads each entry once.
   */
  measureQuarantine(since: string, afterSeq: number): Promise<QuarantineSlice>;
  /** Deletes entries older than `olderThan` and all but the newest `maxRows`; returns how many. */
  pruneSyncLog(olderThan: string, maxRows: number): Promise<number>;
}

export interface SettingsStore {
  getSetting<T>(key: string): Promise<T | undefined>;
  setSetting(key: string, value: unknown): Promise<void>;
}

export interface ExtensionStore {
  listExtensions(): Promise<ReadonlyArray<CustomExtension>>;
  /** Adds or replaces the extension with this schema URN. */
  saveExtension(extension: CustomExtension, now: Date): Promise<void>;
  deleteExtension(urn: string): Promise<boolean>;
}

/** One change an administrator made, with what it was before and after. */
export interface AuditRecord {
  readonly time: string;
  readonly actor: string;
  readonly action: string;
  readonly resourceType: ResourceKind | null;
  readonly resourceId: string | null;
  readonly summary: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface StoredAuditRecord extends AuditRecord {
  readonly seq: number;
}

export interface AuditStore {
  appendAudit(record: AuditRecord): Promise<StoredAuditRecord>;
  listAudit(query: { readonly resourceId?: string; readonly beforeSeq?: number; readonly limit: number }): Promise<ReadonlyArray<StoredAuditRecord>>;
  /**
   * Sets a resource's externalId and appends the audit record in one
   * transaction; returns the updated resource, or undefined if it does not exist.
   * Refused with a StoreConflictError when another record of the kind holds that objectId.
   */
  setExternalId(kind: ResourceKind, id: string, externalId: string | null, audit: Omit<AuditRecord, 'before' | 'after'>, now: Date): Promise<{ readonly resource: StoredResource; readonly audit: StoredAuditRecord } | undefined>;
}

export interface AdminSession {
  readonly csrf: string;
  readonly expires: string;
}

/** Admin login codes and sessions, stored as hashes so the CLI can mint a login link for a running service. */
export interface AdminSessionStore {
  addLoginCode(hash: Buffer, expires: Date): Promise<void>;
  /** Marks the code used and returns true when it existed, was unused and had not expired. */
  consumeLoginCode(hash: Buffer, now: Date): Promise<boolean>;
  createSession(hash: Buffer, csrf: string, expires: Date, now: Date): Promise<void>;
  getSession(hash: Buffer, now: Date): Promise<AdminSession | undefined>;
  deleteSession(hash: Buffer): Promise<void>;
}

/** One externalId change of a fix batch. */
export interface IdentifierChange {
  readonly resourceType: ResourceKind;
  readonly resourceId: string;
  readonly name: string;
  /** The externalId the change expects to find: a record changed since the comparison is not touched. */
  readonly before: string | null;
  readonly after: string | null;
  readonly reason: string;
}

export interface FixBatchRecord {
  readonly id: string;
  readonly created: string;
  readonly actor: string;
  readonly summary: string;
  readonly undone: string | null;
  readonly undoneBy: string | null;
  readonly changes: ReadonlyArray<IdentifierChange>;
}

/** Identifier fixes: applied all-or-nothing with an audit entry per record, undone as a whole. */
export interface FixStore {
  /**
   * Applies every change in one transaction, or none: a record whose externalId is no longer
   * `before`, that no longer exists, or whose `after` is already held by another record fails
   * the whole batch with a StoreConflictError listing each problem.
   */
  applyIdentifierChanges(
    batch: { readonly id: string; readonly actor: string; readonly summary: string; readonly changes: ReadonlyArray<IdentifierChange> },
    now: Date,
  ): Promise<FixBatchRecord>;
  /** Reverts a batch in one transaction; refused (StoreConflictError) if a record changed since. */
  undoFixBatch(id: string, actor: string, now: Date): Promise<FixBatchRecord>;
  getFixBatch(id: string): Promise<FixBatchRecord | undefined>;
  listFixBatches(limit: number): Promise<ReadonlyArray<FixBatchRecord>>;
  /** Every user and group, reduced to what a comparison with Entra needs. */
  localSnapshot(now: Date): Promise<LocalSnapshot>;
}

/** Users, active users, groups, memberships and records in the recycle bin: what a snapshot is compared by. */
export interface DirectoryCounts {
  readonly users: number;
  readonly activeUsers: number;
  readonly groups: number;
  readonly memberships: number;
  readonly deleted: number;
}

/** A user or group kept after a DELETE (retain policy): in the recycle bin, invisible to SCIM. */
export interface DeletedRecord {
  readonly seq: number;
  readonly kind: ResourceKind;
  readonly id: string;
  readonly name: string | null;
  readonly externalId: string | null;
  readonly deletedAt: string;
  /** When maintenance removes it for good. */
  readonly purgeAfter: string;
}

/** A snapshot's records a page at a time (keyset paging), for the exports. */
export interface SnapshotExportRows {
  users(afterSeq: number, limit: number): ReadonlyArray<{
    readonly seq: number;
    readonly id: string;
    readonly userName: string;
    readonly externalId: string | null;
    readonly active: boolean | null;
    readonly doc: Record<string, unknown>;
    readonly created: string;
    readonly lastModified: string;
  }>;
  groups(afterSeq: number, limit: number): ReadonlyArray<{
    readonly seq: number;
    readonly id: string;
    readonly externalId: string | null;
    readonly doc: Record<string, unknown>;
    readonly memberCount: number;
    readonly created: string;
    readonly lastModified: string;
  }>;
  memberships(
    after: { readonly groupId: string; readonly memberId: string } | undefined,
    limit: number,
  ): ReadonlyArray<{ readonly groupId: string; readonly groupName: string | null; readonly memberId: string; readonly memberType: 'User' | 'Group'; readonly memberName: string | null }>;
}

/** A snapshot file opened read-only (main/store/snapshot-file.ts opens SQLite's). */
export interface SnapshotReader extends SnapshotExportRows {
  counts(): DirectoryCounts;
  schemaVersion(): number;
  close(): void;
}

/** The recycle bin, online backups and the restore of a snapshot. */
export interface RecoveryStore {
  /** Kept deleted records, newest deletion first. */
  listDeletedResources(): Promise<ReadonlyArray<DeletedRecord>>;
  /**
   * Brings a kept record back (its id, its direct memberships in groups that still exist) and takes
   * it out of the bin. A StoreConflictError when a live record holds its id, name or externalId, or
   * when it is no longer in the bin.
   */
  restoreDeletedResource(seq: number, now: Date): Promise<StoredResource>;
  directoryCounts(): Promise<DirectoryCounts>;
  /**
   * Writes a consistent copy of the whole store to `file` while it keeps serving (SQLite: the
   * online backup API), reporting pages done of the total.
   */
  backupTo(file: string, onProgress?: (done: number, total: number) => void): Promise<void>;
  /**
   * Replaces users, groups, memberships, pending members and the recycle bin with those of a
   * snapshot file made by backupTo, all at once; everything else (tokens, settings, logs, audit)
   * stays. Returns the counts after.
   */
  replaceDirectoryFrom(file: string): Promise<DirectoryCounts>;
}
