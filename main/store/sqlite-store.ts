import type Database from 'better-sqlite3';
import type { DirectoryStore, DirectoryStoreFactory } from './directory-store';
import { AdminSessionRepository } from './admin-session-repository';
import { AuditRepository } from './audit-repository';
import { DeliveryRepository } from './delivery-repository';
import { FixRepository } from './fix-repository';
import { HeldOperationRepository } from './held-operation-repository';
import { MappingRepository } from './mapping-repository';
import { openDatabase, toStoreError, type OpenOptions } from './open-database';
import { RecoveryRepository } from './recovery-repository';
import { ResourceRepository } from './resource-repository';
import { backupDatabase } from './snapshot-file';
import { SettingsRepository } from './settings-repository';
import { StatementCache } from './statement-cache';
import { SyncLogRepository } from './sync-log-repository';
import { TokenRepository } from './token-repository';
import { WalCheckpointer } from './wal-checkpointer';

/** The main connection's checkpoint backstop (4 KB pages): 16 MB of WAL. */
const WAL_AUTOCHECKPOINT_PAGES = 4096;
/** What the WAL file is cut back to when it starts over. */
const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;

/** Runs synchronous work as a settled promise, turning a throw into a rejection (SQLite's conditions as the store's errors). */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(toStoreError(error));
  }
}

/** The SQLite store with its connection and resource repository in reach, for tests and tools. */
export type SqliteStore = DirectoryStore & { readonly db: Database.Database; readonly resources: ResourceRepository };

/**
 * The embedded store: one better-sqlite3 connection, every method one
 * transaction. `file` is a path, or ':memory:' for tests. Tests and tools that
 * reach below the interface use `db` and `resources`; everything else takes
 * the store through `sqliteStoreFactory`.
 */
export function createSqliteStore(file: string, options: OpenOptions = {}): SqliteStore {
  const db = openDatabase(file, options);
  const onDisk = file !== ':memory:' && file !== '';
  // Checkpoints run on a worker, which copies the WAL into the database as it grows. Under steady
  // writes its PASSIVE checkpoints never find the WAL idle enough to start it over, so the file grew to
  // the main connection's backstop (it was 20,000 pages: 80 MB, measured). The backstop at 4,096 pages
  // finds the pages already copied, finishes the checkpoint and lets the WAL restart, and
  // journal_size_limit cuts the file back to 16 MB when it does: measured, the WAL stays under 17 MB.
  if (onDisk && options.checkpointWorker !== false) {
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  }
  const checkpointer = onDisk && options.checkpointWorker !== false ? new WalCheckpointer(file, undefined, options.nativeBinding) : undefined;
  const resources = new ResourceRepository(db);
  const tokens = new TokenRepository(db);
  const syncLog = new SyncLogRepository(db);
  const settings = new SettingsRepository(db);
  const audit = new AuditRepository(db);
  const sessions = new AdminSessionRepository(db);
  const fixes = new FixRepository(db, audit, resources);
  const recovery = new RecoveryRepository(db, resources);
  const held = new HeldOperationRepository(db, resources);
  const delivery = new DeliveryRepository(new StatementCache(db, 50));
  const mapping = new MappingRepository(db);
  return {
    db,
    resources,
    createResource: (kind, input, now) => settle(() => resources.create(kind, input, now)),
    getResource: (kind, id, options) => settle(() => resources.get(kind, id, options)),
    replaceResource: (kind, id, input, condition, now) => settle(() => resources.replace(kind, id, input, condition, now)),
    patchResource: (kind, id, apply, condition, now, options) => settle(() => resources.patch(kind, id, apply, condition, now, options)),
    deleteResource: (kind, id, condition, retention, now) => settle(() => resources.delete(kind, id, condition, retention, now)),
    listResources: (kind, query) => settle(() => resources.list(kind, query)),
    listMembers: (groupId, startIndex, count) => settle(() => resources.listMembers(groupId, startIndex, count)),
    countResources: (kind) => settle(() => resources.count(kind)),
    scanDocuments: (kind, afterSeq, limit) => settle(() => resources.scanDocuments(kind, afterSeq, limit)),
    documentsAt: (kind, seqs) => settle(() => resources.documentsAt(kind, seqs)),
    mappingGeneration: (of) => settle(() => resources.mappingGeneration(of)),
    scanSyncLog: (afterSeq, limit, detailOf) => settle(() => syncLog.scan(afterSeq, limit, detailOf)),
    countSyncLog: (fromSeq, throughSeq) => settle(() => syncLog.countBetween(fromSeq, throughSeq)),
    pendingMappingRecords: (kind, afterSeq, limit) => settle(() => mapping.pending(kind, afterSeq, limit)),
    saveMappingRecords: (kind, records) => settle(() => mapping.save(kind, records)),
    mappingRecordSummary: (kind) => settle(() => mapping.summary(kind)),
    usersNamed: (userNames) => settle(() => resources.usersNamed(userNames)),
    scanMemberships: (after, limit) => settle(() => resources.scanMemberships(after, limit)),
    countInactiveUsers: () => settle(() => resources.countInactiveUsers()),
    purgeDeletedResources: (now) => settle(() => resources.purgeDeleted(now)),
    replaceToken: (hash, hint, expires, now) => settle(() => tokens.replace(hash, hint, expires, now)),
    addToken: (hash, hint, expires, now) => settle(() => tokens.add(hash, hint, expires, now)),
    revokeTokens: (now, exceptId) => settle(() => tokens.revokeAll(now, exceptId)),
    expireTokens: (exceptId, at) => settle(() => tokens.expireAll(exceptId, at)),
    revokeToken: (id, now) => settle(() => tokens.revokeOne(id, now)),
    activeTokenHashes: () => settle(() => tokens.active()),
    touchToken: (id, now) => settle(() => tokens.touch(id, now)),
    listTokens: () => settle(() => tokens.list()),
    tokenHashKey: () => settle(() => tokens.hashKey()),
    appendSyncLog: (entries) => settle(() => syncLog.append(entries)),
    querySyncLog: (query) => settle(() => syncLog.query(query)),
    getSyncLogEntry: (seq) => settle(() => syncLog.get(seq)),
    summarizeSyncLog: (since) => settle(() => syncLog.summarize(since)),
    measureQuarantine: (since, afterSeq) => settle(() => syncLog.measureQuarantine(since, afterSeq)),
    pruneSyncLog: (olderThan, maxRows) => settle(() => syncLog.prune(olderThan, maxRows)),
    getSetting: <T>(key: string) => settle(() => settings.get<T>(key)),
    setSetting: (key, value) => settle(() => settings.set(key, value)),
    getDirectory: () => settle(() => settings.getDirectory()),
    saveDirectory: (info, now) => settle(() => settings.saveDirectory(info, now)),
    listExtensions: () => settle(() => settings.listExtensions()),
    saveExtension: (extension, now) => settle(() => settings.saveExtension(extension, now)),
    deleteExtension: (urn) => settle(() => settings.deleteExtension(urn)),
    appendAudit: (record) => settle(() => audit.append(record)),
    listAudit: (query) => settle(() => audit.list(query)),
    setExternalId: (kind, id, externalId, record, now) => settle(() => resources.setExternalId(kind, id, externalId, audit, record, now)),
    addLoginCode: (hash, expires) => settle(() => sessions.addLoginCode(hash, expires)),
    consumeLoginCode: (hash, now) => settle(() => sessions.consumeLoginCode(hash, now)),
    createSession: (hash, csrf, expires, now) => settle(() => sessions.createSession(hash, csrf, expires, now)),
    getSession: (hash, now) => settle(() => sessions.getSession(hash, now)),
    deleteSession: (hash) => settle(() => sessions.deleteSession(hash)),
    applyIdentifierChanges: (batch, now) => settle(() => fixes.apply(batch, now)),
    undoFixBatch: (id, actor, now) => settle(() => fixes.undo(id, actor, now)),
    getFixBatch: (id) => settle(() => fixes.get(id)),
    listFixBatches: (limit) => settle(() => fixes.list(limit)),
    localSnapshot: (now) => settle(() => fixes.localSnapshot(now)),
    listDeletedResources: () => settle(() => recovery.listDeleted()),
    restoreDeletedResource: (seq, now) => settle(() => recovery.restoreDeleted(seq, now)),
    directoryCounts: () => settle(() => recovery.counts()),
    backupTo: async (target, onProgress) => {
      try {
        await backupDatabase(db, target, onProgress, options.nativeBinding);
      } catch (error) {
        throw toStoreError(error);
      }
    },
    replaceDirectoryFrom: (source) => settle(() => recovery.replaceDirectoryFrom(source)),
    recordBreakerEvent: (time, resourceType, resourceId) => settle(() => held.recordEvent(time, resourceType, resourceId)),
    countBreakerEvents: (since) => settle(() => held.countEvents(since)),
    holdOperation: (input, now) => settle(() => held.hold(input, now)),
    listHeldOperations: () => settle(() => held.list()),
    countHeldOperations: () => settle(() => held.count()),
    discardHeldOperations: (ids) => settle(() => held.discard(ids)),
    applyHeldOperations: (ids, plan, now) => settle(() => held.apply(ids, plan, now)),
    readChanges: (after, limit) => settle(() => delivery.outbox.read(after, limit)),
    outboxBounds: () => settle(() => delivery.outbox.bounds()),
    pruneOutbox: (retention, now) => settle(() => db.transaction(() => delivery.pruneOutbox(retention, now)).immediate()),
    addSubscription: (record) => settle(() => delivery.addSubscription(record)),
    listSubscriptions: () => settle(() => delivery.listSubscriptions()),
    getSubscription: (id) => settle(() => delivery.getSubscription(id)),
    updateSubscription: (id, update, expect) => settle(() => delivery.updateSubscription(id, update, expect)),
    removeSubscription: (id) => settle(() => db.transaction(() => delivery.removeSubscription(id)).immediate()),
    legacySubscriptionSecrets: () => settle(() => delivery.legacySubscriptionSecrets()),
    blankLegacySubscriptionSecret: (id, secret) =>
      settle(() => {
        // secure_delete overwrites the freed bytes of the old value, and the checkpoint copies the blanked page
        // over the one in the file and empties the WAL: no copy of the secret is left for a snapshot to carry.
        const before = db.pragma('secure_delete', { simple: true }) as number;
        db.pragma('secure_delete = ON');
        let changed: boolean;
        try {
          changed = delivery.blankLegacySubscriptionSecret(id, secret);
        } finally {
          db.pragma(`secure_delete = ${before}`);
        }
        if (changed && onDisk) db.pragma('wal_checkpoint(TRUNCATE)');
        return changed;
      }),
    appendDeliveryLog: (attempt, keep) => settle(() => delivery.appendDeliveryLog(attempt, keep)),
    listDeliveryLog: (id, limit) => settle(() => delivery.listDeliveryLog(id, limit)),
    addReadCredential: (name, hash, hint, now) => settle(() => db.transaction(() => delivery.addReadCredential(name, hash, hint, now)).immediate()),
    listReadCredentials: () => settle(() => delivery.listReadCredentials()),
    revokeReadCredential: (id, now) => settle(() => delivery.revokeReadCredential(id, now)),
    activeReadCredentialHashes: () => settle(() => delivery.activeReadCredentialHashes()),
    touchReadCredential: (id, now, acked) => settle(() => delivery.touchReadCredential(id, now, acked)),
    close: async () => {
      await checkpointer?.stop();
      db.close();
    },
  };
}

/**
 * The SQLite store as the composition root takes it (`DirectoryStoreFactory`): opens or creates
 * the database file, migrates it, and starts the WAL checkpointer unless `checkpointWorker` is
 * false. The default store; a second implementation is another factory of the same type.
 */
export const sqliteStoreFactory: DirectoryStoreFactory = (file, options) => createSqliteStore(file, options);
