#!/usr/bin/env node
// Builds the admin UI (vite → dist/renderer) before `npm start` / `npm run serve` and the UI tests,
// only when dist/renderer/index.html is missing or older than a source file, so a start with an
// up-to-date UI stays instant (checking the sources' times takes a few milliseconds).
// A failed build never blocks the service: the SCIM endpoint still starts, and
// /admin/ says the UI is not built. Vite's output goes to stderr so the lines
// `serve` prints on stdout stay the only ones there.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/**
 * Whether the admin UI under `root` needs a build, and why: `first` when there is no build at all
 * (a fresh clone's first start), `changed` when a source is newer than the build, null when it is current.
 */
export function rendererBuildNeed(root) {
  const index = join(root, 'dist', 'renderer', 'index.html');
  if (!existsSync(index)) return 'first';
  const sources = ['renderer', 'shared', 'vite.config.ts', 'tsconfig.renderer.json'].map((path) => join(root, path));
  return newest(sources) > statSync(index).mtimeMs ? 'changed' : null;
}

/** The line printed before a build, saying why it runs. */
export function buildNotice(need) {
  return need === 'first'
    ? 'ScimDesk: building the admin UI (first start)…'
    : 'ScimDesk: building the admin UI (its sources changed since the last build)…';
}

/** Builds the admin UI under `root` when it needs it; never throws. */
export function ensureRenderer(root) {
  const need = rendererBuildNeed(root);
  if (need === null) return;
  const index = join(root, 'dist', 'renderer', 'index.html');
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) {
    console.error('ScimDesk: the admin UI is not built and vite is not installed (npm install); starting without the UI.');
    return;
  }
  console.error(buildNotice(need));
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0 || !existsSync(index)) {
    console.error('ScimDesk: the admin UI build failed (see above); starting without the UI. Fix it and run npm run build:renderer.');
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureRenderer(fileURLToPath(new URL('..', import.meta.url)));
}
