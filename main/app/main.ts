import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPackagedCli } from '../service/packaged-cli';
import { runDesktopApp } from './desktop-app';
import type { ElectronMain } from './electron-api';
import { headlessCommand } from './headless-switch';

/**
 * The desktop app's main process (built to dist/main/app/main.js, package.json's "main"). Electron is
 * loaded here, at run time, and handed to the shell as the part of its API the shell describes; under
 * plain Node `require('electron')` is the npm package (the binary's path) or missing, and this says so.
 */
function loadElectron(): ElectronMain | undefined {
  try {
    const loaded = createRequire(import.meta.url)('electron') as unknown;
    return typeof loaded === 'object' && loaded !== null && 'app' in loaded ? (loaded as ElectronMain) : undefined;
  } catch {
    return undefined;
  }
}

const electron = loadElectron();
if (!electron) {
  console.error('ScimDesk: this is the desktop app\'s main process and runs inside Electron. Start it with `npm start` (or `npm run serve` for the headless service).');
  process.exitCode = 1;
} else {
  const rendererDir = fileURLToPath(new URL('../../renderer/', import.meta.url));
  const headless = headlessCommand(process.argv, electron.app.isPackaged);
  if (headless) {
    // No window, tray or single-instance lock: the same code path as `npm run serve|token|admin-link`.
    // No GPU either (a boot-time service runs in session 0, where Electron's GPU process can fail).
    electron.app.disableHardwareAcceleration();
    void runPackagedCli(headless, { executable: basename(process.execPath), rendererDir, exit: (code) => electron.app.exit(code) });
  } else {
    runDesktopApp(electron, {
      argv: process.argv.slice(1),
      env: process.env,
      platform: process.platform,
      execPath: process.execPath,
      paths: {
        rendererDir,
        preload: fileURLToPath(new URL('../preload/preload.cjs', import.meta.url)),
        entry: fileURLToPath(import.meta.url),
      },
      log: (line) => console.log(line),
    });
  }
}
