#!/usr/bin/env node
// Builds the admin UI (vite → dist/renderer) before `npm start` / `npm run serve` and the UI tests,
// only when dist/renderer/index.html is missing or older than a source file, so a start with an
// up-to-date UI stays instant (checking the sources' times takes a few milliseconds).
// A failed build never blocks the service: the SCIM endpoint still starts, and
// /admin/ says the UI is not built. Vite's output goes to stderr so the lines
// `serve` prints on stdout stay the only ones there.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const index = fileURLToPath(new URL('../dist/renderer/index.html', import.meta.url));
const vite = fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url));

/** The newest modification time under the given files and folders. */
function newest(paths) {
  let latest = 0;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    if (stat.isDirectory()) latest = Math.max(latest, newest(readdirSync(path).map((name) => join(path, name))));
    else latest = Math.max(latest, stat.mtimeMs);
  }
  return latest;
}

const sources = ['renderer', 'shared', 'vite.config.ts', 'tsconfig.renderer.json'].map((path) => join(root, path));
const stale = !existsSync(index) || newest(sources) > statSync(index).mtimeMs;

if (stale) {
  if (!existsSync(vite)) {
    console.error('ScimDesk: the admin UI is not built and vite is not installed (npm install); starting without the UI.');
  } else {
    console.error('ScimDesk: building the admin UI (its sources changed since the last build)…');
    const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 2, 2] });
    if (result.status !== 0 || !existsSync(index)) {
      console.error('ScimDesk: the admin UI build failed (see above); starting without the UI. Fix it and run npm run build:renderer.');
    }
  }
}
