import { accessSync, chmodSync, closeSync, constants, existsSync, lstatSync, openSync, readdirSync, readSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { DirectoryStoreOptions } from './directory-store';
import { migrate, SCHEMA_VERSION } from './migrations';
import { StoreOpenError, StoreQueryError, StoreUnavailableError, type StoreUnavailableReason } from './store-errors';

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
  const binding = options.nativeBinding !== undefined ? { nativeBinding: options.nativeBinding } : {};
  const onDisk = file !== ':memory:' && file !== '';
  const existed = onDisk && existsSync(file);
  if (existed) {
    inspectHeader(file);
    verifyDatabase(file, binding);
    assertWritable(file);
  }
  let db: Database.Database;
  try {
    db = new Database(file, { ...(onStatement ? { verbose: (message: unknown) => onStatement(String(message)) } : {}), ...binding });
  } catch (error) {
    throw existed ? asOpenError(file, error) : toStoreError(error);
  }
  try {
    if (onDisk && process.platform !== 'win32') {
      // Owner-only before WAL mode creates the -wal and -shm files: SQLite gives them the database's mode.
      try {
        chmodSync(file, 0o600);
      } catch {
        // Another account's file: it stays as it is (the data folder check names what it could not tighten).
      }
    }
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
    throw error instanceof Database.SqliteError && existed ? asOpenError(file, error) : toStoreError(error);
  }
}

/**
 * SQLite opens a file it may not write read-only rather than failing, and every write would then
 * fail one by one: said once, at start, instead.
 */
function assertWritable(file: string): void {
  try {
    accessSync(file, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EACCES';
    throw new StoreOpenError(file, 'readOnly', `this account may read it but not write it (${code}: its permissions, its owner, or a read-only disk)`);
  }
}

/** The first 16 bytes of every SQLite database file (https://sqlite.org/fileformat.html §1.3). */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** Refuses, before SQLite touches it, a file that cannot be a database: not a file, empty, or another format. */
function inspectHeader(file: string): void {
  const stat = lstatSync(file);
  if (!stat.isFile()) throw new StoreOpenError(file, 'notAFile', 'it is not a regular file');
  // Opened as a database, an empty file would become a new empty directory: every user silently gone.
  if (stat.size === 0) throw new StoreOpenError(file, 'empty', 'it is empty (0 bytes)');
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!header.equals(SQLITE_HEADER)) throw new StoreOpenError(file, 'notSqlite', `it is not an SQLite database (${stat.size} bytes, another format or overwritten)`);
}

/**
 * SQLite's own consistency check (`quick_check`: every page, index and constraint that can be
 * checked without reading whole tables twice), and ScimDesk's signature: its schema version and
 * its users table. On a read-only connection of its own: the last connection to close checkpoints
 * the -wal file into the database and deletes it, which on a damaged or foreign file would destroy
 * the most recent changes it may hold; a read-only one never does.
 */
function verifyDatabase(file: string, binding: { nativeBinding?: string }): void {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, ...binding });
  } catch (error) {
    throw asOpenError(file, error);
  }
  try {
    checkDatabase(db, file);
  } catch (error) {
    throw asOpenError(file, error);
  } finally {
    db.close();
  }
}

function checkDatabase(db: Database.Database, file: string): void {
  const problems = (db.pragma('quick_check(5)') as Array<{ quick_check: string }>).map((row) => row.quick_check);
  if (problems.length !== 1 || problems[0] !== 'ok') {
    throw new StoreOpenError(file, 'corrupt', `SQLite's quick_check found damage: ${problems.join('; ')}`);
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  // A newer ScimDesk's database is refused by migrate() with its own message.
  if (version > SCHEMA_VERSION) return;
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>).map((row) => row.name);
  if (version === 0 && tables.length > 0) throw new StoreOpenError(file, 'notScimDesk', `it is an SQLite database of another program (tables ${tables.slice(0, 5).join(', ')})`);
  if (version > 0 && !tables.includes('users')) throw new StoreOpenError(file, 'notScimDesk', `it has schema version ${version} but no ScimDesk tables`);
}

/** What SQLite said on opening or checking an existing file, as the store's error naming it. */
function asOpenError(file: string, error: unknown): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  if (error.code === 'SQLITE_NOTADB') return new StoreOpenError(file, 'notSqlite', `SQLite does not read it as a database (${error.message})`);
  if (error.code.startsWith('SQLITE_CORRUPT')) return new StoreOpenError(file, 'corrupt', `SQLite found it damaged (${error.message})`);
  return toStoreError(error);
}

/** A file beside the database that belongs to it or was set aside from it: `-wal`, `-shm`, `.invalid-…`. */
export interface DatabaseCompanion {
  readonly name: string;
  readonly bytes: number;
  readonly modified: string;
}

/**
 * The files next to the database that carry its name: its write-ahead log (which may hold its most
 * recent changes), its shared-memory index, and copies set aside earlier. What an administrator can
 * restore from, listed for the start-up message.
 */
export function databaseCompanions(file: string): DatabaseCompanion[] {
  const folder = dirname(file);
  const name = basename(file);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names
    .filter((other) => other !== name && other.startsWith(name))
    .sort()
    .map((other) => {
      const stat = statSync(join(folder, other));
      return { name: other, bytes: stat.size, modified: stat.mtime.toISOString() };
    });
}

/**
 * Moves a database that cannot be opened out of the way, with its -wal and -shm files, to
 * `<file>.invalid-<time>` (and `…-wal`, `…-shm`), so ScimDesk can start with an empty one. Never
 * deletes anything. Returns the new names.
 */
export function setAsideDatabase(file: string, now: Date): string[] {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const target = `${file}.invalid-${stamp}`;
  const moved: string[] = [];
  for (const suffix of ['', '-wal', '-shm']) {
    if (!existsSync(file + suffix)) continue;
    renameSync(file + suffix, target + suffix);
    moved.push(target + suffix);
  }
  return moved;
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
