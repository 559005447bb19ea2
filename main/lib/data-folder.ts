import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, join, relative, resolve, win32 } from 'node:path';

/** What is wrong with a data folder, in words an administrator acts on. */
export type DataFolderProblem = 'notWritable' | 'readOnly' | 'notAFolder';

/**
 * A data folder ScimDesk cannot use: it names the folder, says why in plain words and what to do,
 * with no stack trace (the hosts print `message` as it is).
 */
export class DataFolderError extends Error {
  constructor(
    readonly folder: string,
    readonly problem: DataFolderProblem,
    message: string,
  ) {
    super(message);
    this.name = 'DataFolderError';
  }
}

/** Owner-only: the folder holds personal data, request bodies and the token hashes. */
const FOLDER_MODE = 0o700;
const FILE_MODE = 0o600;

/** Deepest level tightened at start: ScimDesk's own entries, and what is inside logs/ and snapshots/. */
const TIGHTEN_DEPTH = 3;

/** "the account <name>", as messages name who needs access. */
export function accountName(): string {
  try {
    return `the account ${userInfo().username}`;
  } catch {
    return 'this account';
  }
}

function explain(folder: string, error: NodeJS.ErrnoException, doing: string): DataFolderError {
  const account = accountName();
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return new DataFolderError(
        folder,
        'notWritable',
        `ScimDesk cannot ${doing} ${folder}: permission denied (${error.code}). ` +
          `Give ${account} write access to that folder, or choose another with --data-dir (or SCIMDESK_DATA_DIR).`,
      );
    case 'EROFS':
      return new DataFolderError(
        folder,
        'readOnly',
        `ScimDesk cannot ${doing} ${folder}: the file system is read-only (EROFS). ` +
          'ScimDesk writes its database there: remount it read-write, or choose another folder with --data-dir (or SCIMDESK_DATA_DIR).',
      );
    case 'ENOTDIR':
    case 'EEXIST':
      return new DataFolderError(folder, 'notAFolder', `ScimDesk cannot use ${folder} as its data folder: a file of that name (or of a folder above it) is in the way. Move it, or choose another folder with --data-dir.`);
    default:
      return new DataFolderError(folder, 'notWritable', `ScimDesk cannot ${doing} ${folder}: ${error.code ?? ''} ${error.message}`.trim());
  }
}

/**
 * The real reason a recursive mkdir failed: on a read-only file system it reports ENOENT for the
 * missing part; creating the first missing folder alone says EROFS (or EACCES).
 */
function creationError(folder: string, error: NodeJS.ErrnoException): NodeJS.ErrnoException {
  if (error.code !== 'ENOENT') return error;
  let missing = resolve(folder);
  while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
  try {
    mkdirSync(missing, { mode: FOLDER_MODE });
    return error;
  } catch (inner) {
    return inner as NodeJS.ErrnoException;
  }
}

/** Creates the folder owner-only when missing and proves a file can be created in it. */
function ensureWritableFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true, mode: FOLDER_MODE });
  } catch (error) {
    throw explain(folder, creationError(folder, error as NodeJS.ErrnoException), 'create its data folder');
  }
  const probe = join(folder, `.scimdesk-write-test-${process.pid}`);
  try {
    writeFileSync(probe, '', { mode: FILE_MODE });
  } catch (error) {
    // A full disk still lets ScimDesk start and serve reads: that is the store's to report, not a reason to stop.
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return;
    throw explain(folder, error as NodeJS.ErrnoException, 'write to');
  }
  rmSync(probe, { force: true });
}

/** What ScimDesk keeps at the top of its data folder; `logs/` and `snapshots/` are wholly its own. */
const OWN_ENTRY = /^(scimdesk\.db.*|secrets\.json(\.tmp)?|secret-store\.json|certificate\.pfx|logs|snapshots|\.scimdesk-write-test-\d+)$/;

/**
 * Owner-only permissions on what is already there (a folder from before ScimDesk set them was
 * created 755 with files 644): ScimDesk's own files 0600 and folders 0700, and the data folder
 * itself 0700 when nothing else is in it. A folder shared with other files (`--data-dir` pointed
 * at a home folder) keeps its own mode, and those files are never touched. Symbolic links are left
 * alone, neither followed nor changed. Returns what it changed, relative to the data folder, and
 * what it left open.
 */
function tighten(root: string): { changed: string[]; warnings: string[] } {
  const changed: string[] = [];
  const warnings: string[] = [];
  const restrict = (path: string, wanted: number, mode: number) => {
    if ((mode & 0o077) === 0) return;
    try {
      chmodSync(path, wanted);
      changed.push(relative(root, path) || '.');
    } catch {
      warnings.push(`Could not make ${path} owner-only (another account owns it): check who can read it.`);
    }
  };
  const visit = (path: string, depth: number) => {
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      return;
    }
    if (stat.isSymbolicLink()) return;
    if (stat.isFile()) restrict(path, FILE_MODE, stat.mode);
    if (!stat.isDirectory()) return;
    restrict(path, FOLDER_MODE, stat.mode);
    if (depth < TIGHTEN_DEPTH) for (const name of readdirSync(path)) visit(join(path, name), depth + 1);
  };
  const names = readdirSync(root);
  for (const name of names.filter((entry) => OWN_ENTRY.test(entry))) visit(join(root, name), 1);
  const foreign = names.filter((entry) => !OWN_ENTRY.test(entry));
  const rootMode = lstatSync(root).mode;
  if (foreign.length === 0) restrict(root, FOLDER_MODE, rootMode);
  else if ((rootMode & 0o077) !== 0) {
    warnings.push(
      `The data folder ${root} also holds files that are not ScimDesk's (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}), so its own permissions ` +
        `(${(rootMode & 0o777).toString(8)}) were left as they are; ScimDesk's files in it are owner-only. A folder of ScimDesk's own is safer.`,
    );
  }
  return { changed, warnings };
}

/** What preparing the data folder found and did, for the host to print or log. */
export interface PreparedDataFolder {
  /** Files and folders whose group/other permissions were removed (POSIX), relative to the folder. */
  readonly tightened: ReadonlyArray<string>;
  /** Things the administrator should check that ScimDesk cannot fix (Windows ACLs outside the profile). */
  readonly warnings: ReadonlyArray<string>;
}

/**
 * Makes the data folder ready before anything opens a file in it: created owner-only when missing
 * (0700, with `logs/`), ScimDesk's files in it 0600 and folders 0700 on POSIX, and a write proven, so an
 * unwritable or read-only folder stops start-up with a DataFolderError naming it instead of a stack
 * trace from the first library that tries. On Windows, POSIX modes mean nothing: the folder's access
 * comes from its ACL, inherited from the user profile for the default folder (%APPDATA%), which only
 * the user, SYSTEM and Administrators can read; a folder outside the profile gets a warning.
 */
export function prepareDataFolder(
  folder: string,
  platform: NodeJS.Platform = process.platform,
  profile: string | undefined = homedir(),
): PreparedDataFolder {
  ensureWritableFolder(folder);
  ensureWritableFolder(join(folder, 'logs'));
  if (platform === 'win32') return { tightened: [], warnings: windowsWarnings(folder, profile) };
  const { changed, warnings } = tighten(folder);
  return { tightened: changed, warnings };
}

/** On Windows: a data folder outside the user profile has whatever access its parent folders grant. */
export function windowsWarnings(folder: string, profile: string | undefined): string[] {
  const check = `Check with \`icacls "${folder}"\` that only your account, SYSTEM and Administrators can read it.`;
  if (!profile) return [`Cannot tell whether the data folder ${folder} is inside your user profile. ${check}`];
  // win32.relative compares case-insensitively, as Windows paths are.
  const inside = win32.relative(profile, folder);
  if (inside !== '' && !inside.startsWith('..') && !win32.isAbsolute(inside)) return [];
  return [`The data folder ${folder} is outside your user profile, so it has the access rights of the folders above it, not the profile's. ${check}`];
}
