#!/usr/bin/env node
// Part of `npm run typecheck`: where the optional `electron` package is installed, checks that its
// type definitions satisfy what the desktop host and the preload describe of Electron's API
// (scripts/electron-api-check.ts). Where npm dropped it, says so and succeeds: the host is then
// type-checked against its own description alone, as everywhere else.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(join(root, 'node_modules', 'electron', 'electron.d.ts'))) {
  console.log('typecheck: electron is not installed here (optional); its API description was not checked against its types.');
  process.exit(0);
}
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.electron.json', '--noEmit'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
