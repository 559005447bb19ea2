import { readdirSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Free space ScimDesk asks for on the data folder's disk, and why: log files up to ~150 MB (15 of
 * 10 MB), the WAL up to ~17 MB between checkpoints (more while a long read holds an old snapshot),
 * the sync log up to its retention (200,000 rows, ~1 KB each: ~200 MB), and room for the directory
 * itself to grow. Below it the Overview warns; writes fail (503) only when the disk is actually full.
 */
const NEEDED_FREE_BYTES = 512 * 1024 * 1024;

export interface StorageStatus {
  readonly folder: string;
  /** Bytes this account may still write on the folder's disk; null where the system cannot say. */
  readonly freeBytes: number | null;
  readonly neededBytes: number;
  readonly low: boolean;
  readonly databaseBytes: number;
  readonly walBytes: number;
  readonly logBytes: number;
}

function size(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function folderSize(path: string): number {
  try {
    return readdirSync(path).reduce((total, name) => total + size(join(path, name)), 0);
  } catch {
    return 0;
  }
}

/** The data folder's disk and what ScimDesk keeps on it, measured now (a statfs and a few stats). */
export function measureStorage(folder: string, databaseFile: string): StorageStatus {
  let freeBytes: number | null;
  try {
    const fs = statfsSync(folder);
    freeBytes = fs.bavail * fs.bsize;
  } catch {
    freeBytes = null;
  }
  return {
    folder,
    freeBytes,
    neededBytes: NEEDED_FREE_BYTES,
    low: freeBytes !== null && freeBytes < NEEDED_FREE_BYTES,
    databaseBytes: size(databaseFile),
    walBytes: size(`${databaseFile}-wal`),
    logBytes: folderSize(join(folder, 'logs')),
  };
}
