import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProvisioningPause } from '../../lib/provisioning-pause';
import type { DirectoryCounts, RecoveryStore, SnapshotReader } from '../../store/directory-store';
import { AdminApiError } from '../admin-error';
import { exportDirectory, type ExportFile, type ExportFormat } from './directory-export';

/** The folder of the data folder that holds the snapshots (`snapshots/` is Compare & Fix's Entra snapshots). */
export const SNAPSHOT_FOLDER = 'database-snapshots';

/** Why a snapshot was taken: the daily schedule, before a risky action, or an administrator's click. */
export type SnapshotTrigger = 'daily' | 'event' | 'manual';

/** One snapshot as its metadata file describes it. */
export interface SnapshotInfo {
  /** Its file name without `.db`: time and reason, e.g. `2026-03-01T10-05-00-000Z-token-regeneration`. */
  readonly id: string;
  readonly time: string;
  readonly reason: string;
  readonly trigger: SnapshotTrigger;
  /** Users, active users, groups, memberships and recycle-bin records in it. */
  readonly counts: DirectoryCounts;
  readonly bytes: number;
  readonly schemaVersion: number;
}

/**
 * How many snapshots are kept. 14 daily ones: two weeks, enough to go back to before a mistake
 * noticed a week or more late (a wrong scoping filter shows in the next review). 20 of the others
 * (before risky actions, taken by hand, before restores): a busy day of fixes and token changes
 * still leaves each one's "before". Each snapshot is a whole database (about 2 KB per user), so a
 * directory of 10,000 users keeps 34 × ~20 MB.
 */
export interface SnapshotRetention {
  readonly daily: number;
  readonly other: number;
}

export const DEFAULT_SNAPSHOT_RETENTION: SnapshotRetention = { daily: 14, other: 20 };

/** What a long snapshot task (restore, export) reports while it runs. */
export interface SnapshotProgress {
  readonly jobId: string;
  readonly kind: 'restore' | 'export' | 'snapshot';
  readonly phase: string;
  readonly done: number;
  readonly total: number | null;
  readonly message: string;
  readonly finished: boolean;
  readonly error: string | null;
}

export interface SnapshotServiceOptions {
  /** `<data folder>/database-snapshots`. */
  readonly folder: string;
  readonly store: Pick<RecoveryStore, 'backupTo' | 'replaceDirectoryFrom' | 'directoryCounts'>;
  /** Opens a snapshot file read-only (the store's reader: only main/store touches SQLite). */
  readonly openSnapshot: (file: string) => SnapshotReader;
  /** Provisioning is paused while a restore runs (SCIM answers 503 + Retry-After). */
  readonly pause: Pick<ProvisioningPause, 'state' | 'pause' | 'resume'>;
  readonly now: () => Date;
  readonly retention?: SnapshotRetention;
  readonly onProgress?: (progress: SnapshotProgress) => void;
}

/** Metadata files end so; the database beside each ends `.db`. */
const META = '.json';

function slug(reason: string): string {
  return (
    reason
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48)
      .replace(/-+$/, '') || 'snapshot'
  );
}

/** A snapshot id as the CLI and the admin API take it: the file name part, nothing that leaves the folder. */
const ID = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9-]+Z-[a-z0-9-]+$/;

/**
 * Snapshots of the whole database, taken with the store's online backup (never a file copy of the
 * live database), each a `.db` file with a small `.json` beside it (time, reason, counts), in the
 * data folder, owner-only. Taken before each risky action and once a day, kept by count, listed,
 * compared with now, exported, and restored with provisioning paused meanwhile. The service and the
 * `snapshot` command (service stopped) share the files.
 */
export class SnapshotService {
  private readonly retention: SnapshotRetention;
  private restoring = false;
  private jobs = 0;

  constructor(private readonly options: SnapshotServiceOptions) {
    this.retention = options.retention ?? DEFAULT_SNAPSHOT_RETENTION;
  }

  /** Newest first. */
  list(): SnapshotInfo[] {
    return listSnapshots(this.options.folder);
  }

  /** The snapshot with this id, or a notFound error naming it. */
  get(id: string): SnapshotInfo {
    const found = ID.test(id) ? this.list().find((info) => info.id === id) : undefined;
    if (!found) throw new AdminApiError('notFound', `No snapshot "${id}" in ${this.options.folder}`);
    return found;
  }

  /** The snapshot's database file. */
  file(id: string): string {
    return join(this.options.folder, `${this.get(id).id}.db`);
  }

  /**
   * Takes a snapshot now, for `reason` (words an administrator reads: "before fix batch",
   * "token regeneration"). Other parts call this before an action that is hard to undo; a failure
   * rejects, so such an action can refuse to go on without its "before".
   */
  take(reason: string, trigger: SnapshotTrigger = 'event', onPages?: (done: number, total: number) => void): Promise<SnapshotInfo> {
    return this.backup(reason, trigger, onPages);
  }

  /** The daily snapshot, when none was taken in the last 24 hours and the directory holds anything; returns it, or undefined. */
  async takeDailyIfDue(): Promise<SnapshotInfo | undefined> {
    const last = this.list().find((info) => info.trigger === 'daily');
    if (last && this.options.now().getTime() - Date.parse(last.time) < 86_400_000 - 60_000) return undefined;
    const counts = await this.options.store.directoryCounts();
    // A new, empty directory has nothing to go back to.
    if (counts.users + counts.groups + counts.deleted === 0) return undefined;
    return this.backup('daily', 'daily');
  }

  /** The snapshot's counts beside the directory's now. */
  async compare(id: string): Promise<{ snapshot: SnapshotInfo; now: DirectoryCounts }> {
    return { snapshot: this.get(id), now: await this.options.store.directoryCounts() };
  }

  /**
   * Replaces the directory (users, groups, memberships, pending members, the recycle bin) with the
   * snapshot's. Provisioning is paused first (SCIM writes get 503 + Retry-After, so nothing Entra
   * sends lands between the two steps), a snapshot of the current state is taken (the restore can
   * be undone by restoring that one), the store swaps the tables in one transaction, and
   * provisioning resumes unless it was paused before. Entra's next cycle then brings the directory
   * in line with its scope again.
   */
  async restore(id: string, by: string): Promise<{ restored: SnapshotInfo; before: SnapshotInfo; counts: DirectoryCounts; resumed: boolean }> {
    const restored = this.get(id);
    if (this.restoring) throw new AdminApiError('conflict', 'A restore is already running');
    this.restoring = true;
    const jobId = `restore-${++this.jobs}`;
    const report = (phase: string, message: string, done: number, total: number | null, finished = false, error: string | null = null) =>
      this.options.onProgress?.({ jobId, kind: 'restore', phase, done, total, message, finished, error });
    const wasPaused = this.options.pause.state() !== undefined;
    try {
      if (!wasPaused) await this.options.pause.pause(by, this.options.now());
      report('before', 'Provisioning paused; taking a snapshot of the current state first', 0, null);
      // The snapshot being restored is kept even when this new one pushes it past the retention.
      const before = await this.backup(
        `before restore of ${restored.time}`,
        'event',
        (done, total) => report('before', `Snapshot of the current state: ${done} of ${total} pages`, done, total),
        restored.id,
      );
      report('restore', `Restoring ${restored.counts.users} users and ${restored.counts.groups} groups`, 0, null);
      const counts = await this.options.store.replaceDirectoryFrom(join(this.options.folder, `${restored.id}.db`));
      report('done', 'Restored', 1, 1, true);
      return { restored, before, counts, resumed: !wasPaused };
    } catch (error) {
      report('failed', 'The restore failed; nothing was replaced', 0, null, true, error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      this.restoring = false;
      if (!wasPaused) await this.options.pause.resume();
    }
  }

  retentionPolicy(): SnapshotRetention {
    return this.retention;
  }

  folder(): string {
    return this.options.folder;
  }

  /** Whether a restore is running (provisioning is paused for it). */
  isRestoring(): boolean {
    return this.restoring;
  }

  /**
   * Users, groups and memberships of a snapshot, or of now (`'now'`: read from a snapshot taken for
   * the export and deleted after, so the export is one consistent moment), as CSV or JSON files.
   */
  async export(source: string, format: ExportFormat): Promise<ExportFile[]> {
    const jobId = `export-${++this.jobs}`;
    const report = (phase: string, message: string, done: number, total: number | null, finished = false) =>
      this.options.onProgress?.({ jobId, kind: 'export', phase, done, total, message, finished, error: null });
    let file: string;
    let base: string;
    let temporary: string | undefined;
    if (source === 'now') {
      mkdirSync(this.options.folder, { recursive: true, mode: 0o700 });
      temporary = join(this.options.folder, `export-${process.pid}-${jobId}.db.tmp`);
      report('copy', 'Reading the directory as of now', 0, null);
      await this.options.store.backupTo(temporary);
      file = temporary;
      base = `scimdesk-${this.options.now().toISOString().replace(/[:.]/g, '-')}`;
    } else {
      file = this.file(source);
      base = `scimdesk-${source}`;
    }
    try {
      const reader = this.options.openSnapshot(file);
      try {
        const files = await exportDirectory(reader, reader.counts(), format, base, (done, total) => report('export', `${done} of ${total} records`, done, total));
        report('done', 'Exported', 1, 1, true);
        return files;
      } finally {
        reader.close();
      }
    } finally {
      if (temporary) rmSync(temporary, { force: true });
    }
  }

  /** Removes snapshots beyond the retention: the oldest daily ones, and the oldest of the others (never `keep`). */
  prune(keep?: string): string[] {
    const all = this.list().filter((info) => info.id !== keep);
    const daily = all.filter((info) => info.trigger === 'daily').slice(this.retention.daily);
    const other = all.filter((info) => info.trigger !== 'daily').slice(this.retention.other);
    const removed = [...daily, ...other].map((info) => info.id);
    for (const id of removed) {
      rmSync(join(this.options.folder, `${id}.db`), { force: true });
      rmSync(join(this.options.folder, `${id}${META}`), { force: true });
    }
    return removed;
  }

  private async backup(reason: string, trigger: SnapshotTrigger, onPages?: (done: number, total: number) => void, keep?: string): Promise<SnapshotInfo> {
    const folder = this.options.folder;
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const time = this.options.now();
    const stem = `${time.toISOString().replace(/[:.]/g, '-')}-${slug(reason)}`;
    let id = stem;
    for (let n = 2; existsSync(join(folder, `${id}.db`)); n++) id = `${stem}-${n}`;
    const file = join(folder, `${id}.db`);
    await this.options.store.backupTo(file, onPages);
    const reader = this.options.openSnapshot(file);
    let info: SnapshotInfo;
    try {
      info = { id, time: time.toISOString(), reason, trigger, counts: reader.counts(), bytes: statSync(file).size, schemaVersion: reader.schemaVersion() };
    } finally {
      reader.close();
    }
    writeFileSync(join(folder, `${id}${META}`), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
    this.prune(keep);
    return info;
  }
}

/**
 * The snapshots in a folder, newest first, from their metadata files alone (no database opened):
 * what the start-up message lists when the database cannot be opened.
 */
export function listSnapshots(folder: string): SnapshotInfo[] {
  if (!existsSync(folder)) return [];
  const infos: SnapshotInfo[] = [];
  for (const name of readdirSync(folder)) {
    if (!name.endsWith(META) || !existsSync(join(folder, `${name.slice(0, -META.length)}.db`))) continue;
    try {
      const info = JSON.parse(readFileSync(join(folder, name), 'utf8')) as SnapshotInfo;
      if (typeof info.id === 'string' && typeof info.time === 'string' && ID.test(info.id)) infos.push(info);
    } catch {
      // A metadata file cut short (a full disk): its snapshot is not offered.
    }
  }
  return infos.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : a.id < b.id ? 1 : -1));
}
