/** Types for ensure-electron-sqlite.mjs (plain JavaScript, as the other start-up scripts). */
import type { spawnSync } from 'node:child_process';

/** Where the better-sqlite3 addon for one Electron version, platform and CPU is kept (dist/native/). */
export declare function electronSqliteFile(root: string, electronVersion: string, platform?: string, arch?: string): string;

/** Makes sure that addon is there, fetching it with prebuild-install into a scratch folder when it is not. */
export declare function ensureElectronSqlite(
  root: string,
  electronVersion: string,
  options?: { platform?: string; arch?: string; run?: typeof spawnSync },
): { readonly file: string; readonly error?: undefined } | { readonly error: string; readonly file?: undefined };
