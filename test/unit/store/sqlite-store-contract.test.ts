import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createSqliteStore, sqliteStoreFactory, type SqliteStore } from '../../../main/store/sqlite-store';
import { FAILING_REQUEST_ID, runDirectoryStoreContract, type FailurePoint, type StoreContractHooks } from '../../store-contract/directory-store-contract';

/** The tables and statements each failure point stops, as `table: event [WHEN …]`. */
const TRIGGERS: Readonly<Record<FailurePoint, ReadonlyArray<string>>> = {
  userEmails: ['INSERT ON user_emails'],
  groupMembers: ['INSERT ON group_members'],
  resourceRemoval: ['DELETE ON users', 'DELETE ON groups'],
  auditRecord: ['INSERT ON audit_log'],
  fixRecord: ['INSERT ON fix_changes', 'UPDATE ON fix_batches'],
  tokenStored: ['INSERT ON tokens'],
  syncLogEntry: [`INSERT ON sync_log WHEN NEW.request_id = '${FAILING_REQUEST_ID}'`],
  syncLogRemoval: [`DELETE ON sync_log WHEN OLD.request_id = '${FAILING_REQUEST_ID}'`],
};

/**
 * Failures injected with TEMP triggers that RAISE(ABORT): the statement fails inside the operation's
 * transaction, after the operation's earlier statements ran. Only the transaction around the whole
 * operation can take those back.
 */
const sqliteHooks: StoreContractHooks<SqliteStore> = {
  failAt(store, point) {
    const names = TRIGGERS[point].map((on, i) => {
      const name = `contract_fail_${point}_${i}`;
      store.db.exec(`CREATE TEMP TRIGGER ${name} BEFORE ${on.replace(' ON ', ' ON main.')} BEGIN SELECT RAISE(ABORT, 'injected failure at ${point}'); END`);
      return name;
    });
    return () => {
      for (const name of names) store.db.exec(`DROP TRIGGER temp.${name}`);
    };
  },
};

runDirectoryStoreContract('SQLite in memory', () => createSqliteStore(':memory:'), sqliteHooks);

// Once more through the factory the composition root uses, on files, as the service runs it. The
// factory's type says DirectoryStore; underneath it is the SQLite store, whose connection the hooks use.
const dir = mkdtempSync(join(tmpdir(), 'scimdesk-contract-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
runDirectoryStoreContract(
  'SQLite file through sqliteStoreFactory',
  () => sqliteStoreFactory(join(dir, `store-${++files}.db`), { checkpointWorker: false }) as SqliteStore,
  sqliteHooks,
);
