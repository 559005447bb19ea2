import Database from 'better-sqlite3';
import type { DirectoryStoreOptions } from './directory-store';
import { migrate } from './migrations';
import { StoreQueryError, StoreUnavailableError, type StoreUnavailableReason } from './store-errors';

/** Unicode case folding shared by writes (the *_key columns) and filters. */
export function foldCase(value: string): string {
  return value.toLowerCase();
}

/** SQLite's options: the factory's, and a statement hook for tests. */
export interface OpenOptions extends DirectoryStoreOptions {
  /** Called with the text of every statement run: lets tests prove what a request did and did not read. */
  readonly onStatement?: (sql: string) => void;
}

/**
 * Opens (or creates) the database file with the settings every connection
 * needs: WAL so readers never block the writer and a killed process loses no
 * committed transaction; foreign keys; a busy timeout so the token CLI and a
 * running service can share the file; the `scim_fold` SQL function.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Database.Database {
  const onStatement = options.onStatement;
  const db = new Database(file, onStatement ? { verbose: (message) => onStatement(String(message)) } : {});
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives a process crash; only power loss may drop the last ones.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // A directory of 100,000 users is ~200 MB: map it and keep a large page cache, so reads by id
    // and deep pages do not go through read() for every page.
    db.pragma('cache_size = -65536');
    db.pragma('mmap_size = 1073741824');
    db.pragma('temp_store = MEMORY');
    db.function('scim_fold', { deterministic: true }, (value: unknown) =>
      typeof value === 'string' ? foldCase(value) : value,
    );
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** SQLite's result codes (and extended codes, by prefix) for a machine that cannot write now. */
const UNAVAILABLE_CODES: ReadonlyArray<readonly [prefix: string, reason: StoreUnavailableReason]> = [
  ['SQLITE_FULL', 'full'],
  ['SQLITE_READONLY', 'readOnly'],
  ['SQLITE_BUSY', 'busy'],
  ['SQLITE_LOCKED', 'busy'],
  ['SQLITE_IOERR', 'io'],
  ['SQLITE_CANTOPEN', 'io'],
];

/** SQLite's limits on one statement, reached by a query too large rather than by a fault. */
const QUERY_LIMIT = /Expression tree is too large|Recursion limit|too many SQL variables|parser stack overflow|LIKE or GLOB pattern too complex|too many terms in compound SELECT/;

/**
 * The store's error for what SQLite threw: a full, read-only, locked or failing disk becomes
 * StoreUnavailableError (nothing was written; SQLite rolled the transaction back), a statement past
 * one of SQLite's limits StoreQueryError. Anything else is passed on as the fault it is.
 */
export function toStoreError(error: unknown): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  const code = error.code;
  const unavailable = UNAVAILABLE_CODES.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`));
  if (unavailable) return new StoreUnavailableError(unavailable[1], error);
  if (QUERY_LIMIT.test(error.message)) return new StoreQueryError(`The query is too large for the store: ${error.message}`);
  return error;
}
