import Database from 'better-sqlite3';
import type { DirectoryStoreOptions } from './directory-store';
import { migrate } from './migrations';

/** Unicode case folding shared by writes (the *_key columns) and filters. */
export function foldCase(value: string): string {
  return value.toLowerCase();
}

/** SQLite's options: the factory's, and a statement hook for tests. */
export interface OpenOptions extends DirectoryStoreOptions {
  /** Called with the text of every statement run: lets tests prove what a request did and did not read. */
  readonly onStatement?: (sql: string) => void;
  /** The addon file to load instead of the installed one (a build for Electron's ABI); better-sqlite3's `nativeBinding`. */
  readonly nativeBinding?: string;
}

/**
 * Opens (or creates) the database file with the settings every connection
 * needs: WAL so readers never block the writer and a killed process loses no
 * committed transaction; foreign keys; a busy timeout so the token CLI and a
 * running service can share the file; the `scim_fold` SQL function.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Database.Database {
  const onStatement = options.onStatement;
  const db = new Database(file, {
    ...(onStatement ? { verbose: (message: unknown) => onStatement(String(message)) } : {}),
    ...(options.nativeBinding !== undefined ? { nativeBinding: options.nativeBinding } : {}),
  });
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
