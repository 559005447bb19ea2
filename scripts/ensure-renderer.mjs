#!/usr/bin/env node
// Builds the admin UI (vite → dist/renderer) before `npm start` / `npm run serve`,
// only when dist/renderer/index.html is missing, so a start with a built UI stays instant.
// A failed build never blocks the service: the SCIM endpoint still starts, and
// /admin/ says the UI is not built. Vite's output goes to stderr so the lines
// `serve` prints on stdout stay the only ones there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const index = fileURLToPath(new URL('../dist/renderer/index.html', import.meta.url));
const vite = fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url));

if (!existsSync(index)) {
  if (!existsSync(vite)) {
    console.error('ScimDesk: the admin UI is not built and vite is not installed (npm install); starting without the UI.');
  } else {
    console.error('ScimDesk: building the admin UI once (npm run build:renderer rebuilds it)…');
    const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 2, 2] });
    if (result.status !== 0 || !existsSync(index)) {
      console.error('ScimDesk: the admin UI build failed (see above); starting without the UI. Fix it and run npm run build:renderer.');
    }
  }
}
