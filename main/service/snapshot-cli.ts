import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatBytes } from '../../shared/bytes';
import { exportDirectory, type ExportFile } from '../admin/recovery/directory-export';
import { listSnapshots, SNAPSHOT_FOLDER, type SnapshotInfo } from '../admin/recovery/snapshot-service';
import { DATABASE_FILE, type Core } from '../core/create-core';
import { setAsideDatabase } from '../store/open-database';
import { openSnapshotReader } from '../store/snapshot-file';
import { StoreOpenError } from '../store/store-errors';
import { findRunningHost, type RunningHost } from '../lib/run-marker';
import { defaultDataDir } from './default-data-dir';
import { openDataFolder } from './open-data-folder';
import { cliActor } from './os-account';
import { isUsageMistake, UsageError } from './usage-error';

/** How the host spells `snapshot <args>` (`npm run snapshot -- …`, `ScimDesk.exe --snapshot …`). */
export type SpellSnapshot = (args: string) => string;

export function snapshotUsage(spell: SpellSnapshot): string {
  return `ScimDesk snapshots

Usage:
  ${spell('list [--data-dir D]')}
  ${spell('take [--reason TEXT] [--data-dir D]')}
  ${spell('restore ID [--data-dir D]')}
  ${spell('export ID|now --format csv|json --out DIR [--data-dir D]')}

list     The snapshots in the data folder's ${SNAPSHOT_FOLDER} folder, newest first, with their counts.
take     Takes a snapshot now (SQLite's online backup: safe while the service runs).
restore  Only while neither the service nor the desktop app runs on the data folder (their admin UI
         restores while they run). Replaces users, groups, memberships and the recycle bin with the
         snapshot's, after a snapshot of the current state.
         When the database itself cannot be opened (damaged), it is moved aside (never deleted) to
         ${DATABASE_FILE}.invalid-<time> and the whole snapshot becomes the database, tokens and settings included.
export   Users, groups and memberships of a snapshot (or of now) as three Excel-safe CSV files or one JSON
         file, written to --out.

The data folder defaults to ${defaultDataDir()} (environment: SCIMDESK_DATA_DIR).`;
}

class CommandError extends Error {}

function countsLine(info: Pick<SnapshotInfo, 'counts'>): string {
  const c = info.counts;
  return `${c.users} users (${c.activeUsers} active), ${c.groups} groups, ${c.memberships} memberships, ${c.deleted} in the recycle bin`;
}

/** Opens the data folder as the service would, or says the database cannot be opened (undefined). */
async function openOrDamaged(dataDir: string): Promise<{ core: Core } | { damaged: StoreOpenError }> {
  try {
    return { core: await openDataFolder(dataDir) };
  } catch (error) {
    if (error instanceof StoreOpenError && error.invalid) return { damaged: error };
    throw error;
  }
}

function writeFiles(out: string, files: ReadonlyArray<ExportFile>): string[] {
  mkdirSync(out, { recursive: true, mode: 0o700 });
  return files.map((file) => {
    const path = join(out, file.name);
    // The directory's people and their identifiers: readable by this account alone, like the data folder.
    writeFileSync(path, file.content, { mode: 0o600 });
    return path;
  });
}

/** Why a restore cannot run beside this host, and what to do instead. */
function runningRefusal(running: RunningHost): string {
  const since = ` (process ${running.pid}${running.startedAt ? `, started ${running.startedAt}` : ''})`;
  return running.host === 'desktop'
    ? `The ScimDesk desktop app is running on this data folder: restore from its Recycle bin & snapshots screen, or quit it first (tray icon › Quit ScimDesk), then run this again${since}.`
    : `The ScimDesk service for this data folder is running: restore from its admin UI (Recycle bin & snapshots), or stop it first (Ctrl+C where it runs, or its scheduled task or systemd unit), then run this again${since}.`;
}

async function restore(id: string, dataDir: string, spell: SpellSnapshot): Promise<void> {
  const snapshot = listSnapshots(join(dataDir, SNAPSHOT_FOLDER)).find((info) => info.id === id);
  if (!snapshot) throw new CommandError(`No snapshot "${id}" in ${join(dataDir, SNAPSHOT_FOLDER)}. \`${spell('list')}\` lists them.`);
  // Every host's core leaves its marker while it runs (the desktop app has no admin port to probe):
  // checked before the database is opened, so a damaged one is not replaced under a running app either.
  const running = findRunningHost(dataDir);
  if (running) throw new CommandError(runningRefusal(running));
  const opened = await openOrDamaged(dataDir);
  if ('core' in opened) {
    const { core } = opened;
    try {
      const result = await core.admin.handlers['snapshots.restore']({ id }, { actor: cliActor() });
      console.log(`Restored the snapshot of ${result.restored.time} (${result.restored.reason}): ${countsLine(result)}.`);
      console.log(`The state before is snapshot ${result.before.id}: \`${spell(`restore ${result.before.id}`)}\` undoes this restore.`);
      console.log('Tokens, settings, the sync log and the audit trail were kept as they were. Entra brings the rest in line on its next cycle.');
    } finally {
      await core.stop();
    }
    return;
  }
  // The database cannot be opened: nothing in it can be kept. The snapshot, a closed file of its
  // own (not a live database), becomes the database; the damaged one is set aside, never deleted.
  const file = join(dataDir, DATABASE_FILE);
  const moved = setAsideDatabase(file, new Date());
  copyFileSync(join(dataDir, SNAPSHOT_FOLDER, `${id}.db`), file);
  if (process.platform !== 'win32') chmodSync(file, 0o600);
  const core = await openDataFolder(dataDir);
  try {
    const counts = await core.store.directoryCounts();
    console.log(`The database could not be opened (${opened.damaged.message}); moved aside, nothing deleted: ${moved.join(', ')}.`);
    console.log(`Restored the whole database from the snapshot of ${snapshot.time} (${snapshot.reason}): ${countsLine({ counts })}.`);
    console.log('Tokens and settings are those of the snapshot: if the Secret Token was regenerated since, generate one again and paste it into Entra.');
  } finally {
    await core.stop();
  }
}

async function exportCommand(source: string, format: string | undefined, out: string | undefined, dataDir: string): Promise<void> {
  if (format !== 'csv' && format !== 'json') throw new UsageError('export needs --format csv or --format json');
  if (!out) throw new UsageError('export needs --out DIR');
  let files: ExportFile[];
  if (source === 'now') {
    const core = await openDataFolder(dataDir);
    try {
      files = (await core.admin.handlers['snapshots.export']({ source, format }, { actor: cliActor() })).files;
    } finally {
      await core.stop();
    }
  } else {
    // Read from the snapshot file alone: works while the database itself cannot be opened.
    const snapshot = listSnapshots(join(dataDir, SNAPSHOT_FOLDER)).find((info) => info.id === source);
    if (!snapshot) throw new CommandError(`No snapshot "${source}" in ${join(dataDir, SNAPSHOT_FOLDER)}`);
    const reader = openSnapshotReader(join(dataDir, SNAPSHOT_FOLDER, `${source}.db`));
    try {
      files = await exportDirectory(reader, reader.counts(), format, `scimdesk-${source}`);
    } finally {
      reader.close();
    }
  }
  for (const path of writeFiles(resolve(out), files)) console.log(`Wrote ${path}`);
}

/**
 * `snapshot list|take|restore|export`: the database snapshots from the command line, with the
 * service running (list, take, export) or stopped (restore, which refuses while it runs). Returns
 * the exit code: 0 done, 1 refused or failed, 2 a usage mistake.
 */
export async function runSnapshotCli(argv: readonly string[], spell: SpellSnapshot): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'data-dir': { type: 'string' },
        reason: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [action, id] = positionals;
    if (values.help || action === undefined || action === 'help') {
      console.log(snapshotUsage(spell));
      return 0;
    }
    const dataDir = values['data-dir'] ?? process.env['SCIMDESK_DATA_DIR'] ?? defaultDataDir();
    if (!existsSync(join(dataDir, DATABASE_FILE)) && !existsSync(join(dataDir, SNAPSHOT_FOLDER))) throw new CommandError(`No ScimDesk data in ${dataDir}. Pass --data-dir.`);
    if (action === 'list') {
      const snapshots = listSnapshots(join(dataDir, SNAPSHOT_FOLDER));
      if (snapshots.length === 0) console.log(`No snapshots in ${join(dataDir, SNAPSHOT_FOLDER)}.`);
      for (const info of snapshots) console.log(`${info.id}  ${info.reason}  ${countsLine(info)}  ${formatBytes(info.bytes)}`);
    } else if (action === 'take') {
      const core = await openDataFolder(dataDir);
      try {
        const info = await core.admin.handlers['snapshots.take']({ reason: values.reason ?? 'taken from the command line' }, { actor: cliActor() });
        console.log(`Snapshot ${info.id}: ${countsLine(info)}, ${formatBytes(info.bytes)}.`);
      } finally {
        await core.stop();
      }
    } else if (action === 'restore') {
      if (!id) throw new UsageError('restore needs the snapshot ID (see `list`)');
      await restore(id, dataDir, spell);
    } else if (action === 'export') {
      if (!id) throw new UsageError('export needs a snapshot ID or now');
      await exportCommand(id, values.format, values.out, dataDir);
    } else throw new UsageError(`Unknown snapshot command "${action}"`);
    return 0;
  } catch (error) {
    if (isUsageMistake(error)) {
      console.error(`Error: ${(error as Error).message}\n\n${snapshotUsage(spell)}`);
      return 2;
    }
    console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
