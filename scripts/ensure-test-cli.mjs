#!/usr/bin/env node
// The headless commands bundled for the tests that start them as separate processes (serve, token,
// graph, delivery, reach, diagnose…): esbuild, every npm package external, like the desktop app's main
// process. Under tsx each start resolved and compiled several hundred modules through its loader thread:
// measured on this 2-core machine, 7.7 s for `graph --help` against 3.1 s bundled, and those tests start
// hundreds of processes. The bundles sit two folders below the root, as the sources do, so the paths they
// compute from their own location (the admin UI in dist/renderer, package.json) are the same. Rebuilt
// when missing or older than a source under main/ or shared/; test/support/cli-command.ts falls back to
// tsx when they are not current (a test run on its own), and SCIMDESK_TEST_TSX=1 forces tsx.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newest } from './ensure-shell.mjs';

/** The commands the tests start, under main/service/. */
export const TEST_CLI_ENTRIES = ['cli', 'graph-cli', 'delivery-cli', 'reach-cli', 'support-bundle-cli', 'start'];
export const TEST_CLI_DIR = '.test-cli';

/** Whether the bundles are there and newer than every source. */
export function testCliCurrent(root) {
  const outputs = TEST_CLI_ENTRIES.map((entry) => join(root, TEST_CLI_DIR, 'service', `${entry}.js`));
  if (!outputs.every((file) => existsSync(file))) return false;
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  return newest([join(root, 'main'), join(root, 'shared'), join(root, 'package.json')]) <= built;
}

/** Builds the bundles when they are not current. Resolves to null, or to the build's error message. */
export async function ensureTestCli(root) {
  if (testCliCurrent(root)) return null;
  const esbuild = await import('esbuild');
  try {
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: TEST_CLI_ENTRIES.map((entry) => join(root, 'main', 'service', `${entry}.ts`)),
      outbase: join(root, 'main'),
      outdir: join(root, TEST_CLI_DIR),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      // Left as imports: those scripts act when they are the process's main module, which a bundle would be.
      external: ['../../scripts/*'],
      sourcemap: 'linked',
      logLevel: 'silent',
    });
    return null;
  } catch (error) {
    const messages = error?.errors?.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
    return messages?.length ? messages.join('\n') : String(error?.message ?? error);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const error = await ensureTestCli(fileURLToPath(new URL('..', import.meta.url)));
  if (error) {
    console.error(`the test bundles of the commands failed to build:\n${error}`);
    process.exit(1);
  }
}
