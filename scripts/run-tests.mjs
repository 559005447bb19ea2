#!/usr/bin/env node
// Runs every test file under test/ with node's built-in runner and tsx.
// Node 20's `--test` does not discover .ts files on its own, so this lists them.
// Usage: npm test [-- <path prefix> ...]   e.g. npm test -- test/unit/scim
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { tenantCaEnv } from './fake-tenant/ensure-ca.mjs';
import { ensureTestCli } from './ensure-test-cli.mjs';

const root = new URL('..', import.meta.url).pathname;

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures' || name === 'bench') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...findTests(full));
    else if (name.endsWith('.test.ts')) found.push(relative(root, full).split(sep).join('/'));
  }
  return found;
}

const prefixes = process.argv.slice(2);
const files = findTests(join(root, 'test'))
  .filter((file) => prefixes.length === 0 || prefixes.some((prefix) => file.startsWith(prefix)))
  .sort();
if (files.length === 0) {
  console.error('No test files found' + (prefixes.length ? ` under ${prefixes.join(', ')}` : ''));
  process.exit(1);
}
// The commands the tests start as processes, bundled once (scripts/ensure-test-cli.mjs says why).
const bundleError = await ensureTestCli(root);
if (bundleError) {
  console.error(`The test bundles of the commands failed to build:\n${bundleError}`);
  process.exit(1);
}
// The fake Entra tenant serves HTTPS with a test CA; Node reads NODE_EXTRA_CA_CERTS only at start-up.
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: tenantCaEnv(process.env),
});
process.exit(result.status ?? 1);
