import { basename, dirname, join } from 'node:path';
import { formatBytes } from '../../shared/bytes';
import { accountName, databaseCompanions, DataFolderError, listSnapshots, SNAPSHOT_FOLDER, StoreOpenError, type DatabaseCompanion } from '../core/create-core';

/** Snapshots listed in the message: the newest few are what an administrator restores from. */
const LISTED_SNAPSHOTS = 5;

function companionLine(file: string, companion: DatabaseCompanion): string {
  const base = basename(file);
  const what =
    companion.name === `${base}-wal`
      ? 'its write-ahead log: it may hold the most recent changes, keep it beside any copy you restore'
      : companion.name === `${base}-shm`
        ? 'its shared-memory index, rebuilt by SQLite'
        : companion.name.startsWith(`${base}.invalid-`)
          ? 'set aside by an earlier --start-empty'
          : 'a file with the database name';
  return `  ${companion.name}  ${formatBytes(companion.bytes)}, ${companion.modified}  (${what})`;
}

/**
 * What the administrator reads when start-up stops on the data folder: which file or folder, why,
 * what exists to restore from, and what to do. Undefined for any other error. `startEmpty` is how
 * this host asks to start with an empty database (a flag for the CLI), or undefined where it cannot;
 * `restoreSnapshot` how it spells the restore of a snapshot by id.
 */
export function describeStartupProblem(error: unknown, startEmpty: string | undefined, restoreSnapshot?: (id: string) => string): string | undefined {
  if (error instanceof DataFolderError) return error.message;
  if (!(error instanceof StoreOpenError)) return undefined;
  if (!error.invalid) {
    return `${error.message}.\nGive ${accountName()} write access to that file (and its folder), or choose another data folder with --data-dir (or SCIMDESK_DATA_DIR).`;
  }
  const companions = databaseCompanions(error.file);
  const lines = [`${error.message}.`, 'Its content was not touched: ScimDesk did not start, so no new token was made and nothing was replaced.'];
  const folder = join(dirname(error.file), SNAPSHOT_FOLDER);
  const snapshots = listSnapshots(folder);
  if (snapshots.length > 0) {
    lines.push(`Snapshots ScimDesk made (in ${folder}, newest first):`);
    for (const info of snapshots.slice(0, LISTED_SNAPSHOTS)) {
      lines.push(`  ${info.id}  ${info.reason}: ${info.counts.users} users, ${info.counts.groups} groups, ${info.counts.memberships} memberships, ${formatBytes(info.bytes)}`);
    }
    if (snapshots.length > LISTED_SNAPSHOTS) lines.push(`  and ${snapshots.length - LISTED_SNAPSHOTS} older`);
    const command = restoreSnapshot ? restoreSnapshot(snapshots[0]!.id) : `the snapshot command: snapshot restore ${snapshots[0]!.id}`;
    lines.push(
      `To restore the newest: ${command}. It moves ${basename(error.file)} aside (never deleted) and makes the snapshot the database; then start ScimDesk again.`,
    );
  } else {
    lines.push(`No ScimDesk snapshot exists to restore from (none in ${folder}).`);
  }
  if (companions.length > 0) lines.push('Files next to it:', ...companions.map((companion) => companionLine(error.file, companion)));
  else lines.push('No other copy of it is in the data folder.');
  lines.push(`To recover: stop anything that uses the folder, restore ${basename(error.file)} from your own backup, and start ScimDesk again.`);
  if (startEmpty) {
    lines.push(
      `To start with an empty directory instead: ${startEmpty}. It moves ${basename(error.file)} (and its -wal and -shm files) aside to ` +
        `${basename(error.file)}.invalid-<time>, deletes nothing, prints a new token, and Entra provisions every user and group again.`,
    );
  }
  return lines.join('\n');
}
