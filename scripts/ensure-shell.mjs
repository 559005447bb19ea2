#!/usr/bin/env node
// Builds the desktop app's main process and preload (esbuild: main/app → dist/main/app/main.js, main/preload →
// dist/main/preload/preload.cjs) before `npm start` opens the window, only when a build is missing or older
// than a source under main/ or shared/ (checking the times takes a few milliseconds). `npm run build:shell`
// builds unconditionally (packaging). Electron's main process runs JavaScript, and the sandboxed preload must
// be one CommonJS file that requires nothing but `electron`: the same TypeScript sources, bundled.
// Every npm package stays external in the main process (node_modules ships beside it, better-sqlite3's native
// addon included); the preload bundles what it imports (the contract's lists, zod).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The two files the desktop app runs, relative to the repository root. */
export const SHELL_OUTPUTS = ['dist/main/app/main.js', 'dist/main/preload/preload.cjs'];

/** The newest modification time under the given files and folders. */
export function newest(paths) {
  let latest = 0;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    if (stat.isDirectory()) latest = Math.max(latest, newest(readdirSync(path).map((name) => join(path, name))));
    else latest = Math.max(latest, stat.mtimeMs);
  }
  return latest;
}

/** `first` when a build is missing, `changed` when a source is newer than the oldest output, null when current. */
export function shellBuildNeed(root) {
  const outputs = SHELL_OUTPUTS.map((file) => join(root, file));
  if (!outputs.every((file) => existsSync(file))) return 'first';
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  return newest([join(root, 'main'), join(root, 'shared'), join(root, 'package.json')]) > built ? 'changed' : null;
}

/**
 * Builds both files under `outDir` (dist/main by default: app/main.js and preload/preload.cjs).
 * Resolves to null on success, or to the build's error message.
 */
export async function buildShell(root, outDir = join(root, 'dist', 'main')) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return 'esbuild is not installed (it comes with tsx and vite: run npm install)';
  }
  const common = { absWorkingDir: root, bundle: true, logLevel: 'silent', legalComments: 'none', sourcemap: 'linked' };
  try {
    await esbuild.build({
      ...common,
      entryPoints: [join(root, 'main', 'app', 'main.ts')],
      outfile: join(outDir, 'app', 'main.js'),
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
    });
    await esbuild.build({
      ...common,
      entryPoints: [join(root, 'main', 'preload', 'preload.ts')],
      outfile: join(outDir, 'preload', 'preload.cjs'),
      platform: 'browser',
      format: 'cjs',
      target: 'chrome120',
      external: ['electron'],
      // The contract's zod schemas come along with its method list: minified, the page loads less each time.
      minify: true,
    });
    return null;
  } catch (error) {
    const messages = error?.errors?.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
    return messages?.length ? messages.join('\n') : String(error?.message ?? error);
  }
}

/** Builds the shell under `root` when it needs it; resolves to whether a current build is there. Never throws. */
export async function ensureShell(root) {
  const need = shellBuildNeed(root);
  if (need === null) return true;
  console.error(need === 'first' ? 'ScimDesk: building the desktop app (first start)…' : 'ScimDesk: building the desktop app (its sources changed since the last build)…');
  const error = await buildShell(root);
  if (error) console.error(`ScimDesk: the desktop app build failed:\n${error}`);
  return error === null;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const error = await buildShell(root);
  if (error) {
    console.error(`ScimDesk: the desktop app build failed:\n${error}`);
    process.exit(1);
  }
  console.error(`ScimDesk: built ${SHELL_OUTPUTS.join(' and ')}.`);
}
