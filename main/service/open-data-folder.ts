import { createCore, type Core } from '../core/create-core';

/**
 * The core of a data folder without its listener, for a command run beside the service or without
 * it: the same store, secret store and admin handlers the service uses (the database is shared
 * through SQLite WAL; the service re-reads token hashes within a second).
 */
export function openDataFolder(dataDir: string): Promise<Core> {
  return createCore({ dataDir, fileLogs: false, checkpointWorker: false });
}
