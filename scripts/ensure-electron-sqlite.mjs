#!/usr/bin/env node
// better-sqlite3 is a native addon: `npm install` compiles (or downloads) it for the Node that runs the
// tests and serve mode, and Electron's main process cannot load that build (another ABI). Before `npm start`
// opens the window, this fetches better-sqlite3's own prebuilt addon for the installed Electron into
// dist/native/ with prebuild-install (better-sqlite3's installer, from its GitHub releases), in a scratch
// folder, so node_modules keeps the Node build and the tests keep running under plain Node. The desktop app
// loads that file through better-sqlite3's `nativeBinding` option (--sqlite-binding). A packaged app does
// not need it: electron-builder rebuilds the addon for Electron when it packs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where the addon for one Electron version, platform and CPU is kept. */
export function electronSqliteFile(root, electronVersion, platform = process.platform, arch = process.arch) {
  const require = createRequire(join(root, 'package.json'));
  const { version } = JSON.parse(readFileSync(require.resolve('better-sqlite3/package.json'), 'utf8'));
  return join(root, 'dist', 'native', `better-sqlite3-${version}-electron-${electronVersion}-${platform}-${arch}.node`);
}

/**
 * Makes sure the addon for `electronVersion` is in dist/native. Resolves to `{ file }`, or to `{ error }`
 * saying why it could not be had. `run` is spawnSync (tests pass a fake).
 */
export function ensureElectronSqlite(root, electronVersion, options = {}) {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const run = options.run ?? spawnSync;
  const file = electronSqliteFile(root, electronVersion, platform, arch);
  if (existsSync(file)) return { file };
  const require = createRequire(join(root, 'package.json'));
  let installer;
  let manifest;
  try {
    manifest = require.resolve('better-sqlite3/package.json');
    installer = join(dirname(createRequire(manifest).resolve('prebuild-install/package.json')), 'bin.js');
  } catch {
    return { error: 'better-sqlite3 or its prebuild-install is not installed (npm install)' };
  }
  console.error(`ScimDesk: fetching better-sqlite3 for Electron ${electronVersion} (${platform}-${arch}), once…`);
  const scratch = mkdtempSync(join(tmpdir(), 'scimdesk-sqlite-'));
  try {
    copyFileSync(manifest, join(scratch, 'package.json'));
    const result = run(process.execPath, [installer, '--runtime', 'electron', '--target', electronVersion, '--platform', platform, '--arch', arch], {
      cwd: scratch,
      stdio: ['ignore', 2, 2],
      timeout: 300_000,
    });
    const built = join(scratch, 'build', 'Release', 'better_sqlite3.node');
    if (result.status !== 0 || !existsSync(built)) {
      return { error: `prebuild-install found no better-sqlite3 build for Electron ${electronVersion} on ${platform}-${arch} (it downloads from GitHub; see its message above)` };
    }
    mkdirSync(dirname(file), { recursive: true });
    copyFileSync(built, file);
    return { file };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
