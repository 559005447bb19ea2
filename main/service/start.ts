import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronSqlite } from '../../scripts/ensure-electron-sqlite.mjs';
import { ensureShell, SHELL_OUTPUTS } from '../../scripts/ensure-shell.mjs';

/**
 * `npm start`: the desktop app when Electron is installed, otherwise the headless service, saying why.
 * Electron's binary cannot be downloaded everywhere (it is an optional dependency), and the headless
 * service is the same core the window would run. Before opening the window it builds what the window
 * needs when missing or out of date: the main process and preload (ensure-shell), and better-sqlite3 for
 * Electron's ABI (ensure-electron-sqlite); when one of those cannot be had, it says so and serves headless.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);

/** The electron package's main export is the path of its binary, when the binary was downloaded. */
function electronBinary(): { path: string; version: string } | undefined {
  try {
    const path = require('electron') as unknown;
    const { version } = require('electron/package.json') as { version: string };
    return typeof path === 'string' && existsSync(path) ? { path, version } : undefined;
  } catch {
    return undefined;
  }
}

type Launch = { readonly binary: string; readonly args: ReadonlyArray<string> } | { readonly why: string };

async function desktopLaunch(args: ReadonlyArray<string>): Promise<Launch> {
  const electron = electronBinary();
  if (!electron) return { why: 'the Electron binary is not installed here (it is optional; install it where the desktop app is wanted)' };
  if (!(await ensureShell(root))) return { why: 'the desktop app could not be built (see above)' };
  const sqlite = ensureElectronSqlite(root, electron.version);
  if (sqlite.error !== undefined) return { why: `the desktop app has no SQLite for Electron ${electron.version}: ${sqlite.error}` };
  return { binary: electron.path, args: [join(root, SHELL_OUTPUTS[0]!), '--sqlite-binding', sqlite.file, ...args] };
}

const args = process.argv.slice(2);
const launch = await desktopLaunch(args);
if ('binary' in launch) {
  const child = spawn(launch.binary, [...launch.args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`ScimDesk: ${launch.why}.\nStarting the headless service instead (same core, same data folder).\n`);
  process.argv = [process.argv[0]!, process.argv[1]!, 'serve', ...args];
  await import('./cli');
}
