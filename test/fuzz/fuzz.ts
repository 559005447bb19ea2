/**
 * `npm run fuzz -- [--requests N] [--seed S] [--url BASE --token T]`: the bounded HTTP fuzzer of
 * test/fuzz/http-fuzzer.ts. Without --url it starts a ScimDesk of its own on a scratch data folder
 * (and then also checks that no refused request wrote anything); with --url and --token it fuzzes
 * a running service (writes go into that service's directory: never point it at production).
 * Prints the count of answers per status, every failure with the request that caused it, and
 * exits 1 when there was any (a 5xx, an error without a SCIM body, a refused request that wrote).
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { DATABASE_FILE } from '../../main/core/create-core';
import { startTestCore, type TestCore } from '../support/start-test-core';
import { fuzz, type FuzzResult, type FuzzTarget } from './http-fuzzer';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    url: { type: 'string' },
    token: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const requests = Number(values.requests);
const seed = Number(values.seed);
if (!Number.isSafeInteger(requests) || requests < 1 || !Number.isSafeInteger(seed)) {
  console.error('usage: npm run fuzz -- [--requests N] [--seed S] [--url BASE --token T] [--keep]');
  process.exit(2);
}
if ((values.url === undefined) !== (values.token === undefined)) {
  console.error('--url and --token go together');
  process.exit(2);
}

const summary = (result: FuzzResult) =>
  [...result.byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status === 0 ? 'no answer' : status}: ${n.toLocaleString('en-US')}`)
    .join(', ');

let core: TestCore | undefined;
let target: FuzzTarget;
if (values.url && values.token) target = { baseUrl: values.url.replace(/\/+$/, ''), token: values.token };
else {
  core = await startTestCore({ fileLogs: true });
  target = { baseUrl: core.baseUrl, token: core.token, store: core.core.store };
  console.log(`Fuzzing a ScimDesk of its own at ${core.baseUrl} (data folder ${core.dataDir})`);
}
console.log(`${requests.toLocaleString('en-US')} requests, seed ${seed}`);
const result = await fuzz(target, requests, seed, (done, partial) => {
  console.log(`  ${done.toLocaleString('en-US')} sent (${Math.round(partial.elapsedMs / 1000)} s): ${summary(partial)}; failures ${partial.failures.length}`);
});
console.log(`\nAnswers by status: ${summary(result)}`);
console.log(`${result.requests.toLocaleString('en-US')} requests in ${(result.elapsedMs / 1000).toFixed(1)} s`);
const serverErrors = result.failures.filter((f) => f.status >= 500 || f.status === 0).length;
console.log(`5xx (or no answer): ${serverErrors}; other failures: ${result.failures.length - serverErrors}`);
for (const failure of result.failures) {
  const body = failure.request.body === undefined ? '' : Buffer.isBuffer(failure.request.body) ? failure.request.body.toString('latin1') : failure.request.body;
  console.log(`\n#${failure.index} ${failure.reason}: ${failure.status}`);
  const path = failure.request.path;
  console.log(`  ${failure.request.method} ${path.length > 500 ? `${path.slice(0, 500)}… (${path.length} chars)` : path}`);
  console.log(`  headers ${JSON.stringify(failure.request.headers)}`);
  if (body) console.log(`  body ${body.length > 2000 ? `${body.slice(0, 2000)}… (${body.length} chars)` : body}`);
  console.log(`  answer ${failure.answer}`);
}
if (core) {
  await core.core.syncLog.flush();
  const dataDir = core.dataDir;
  await core.core.stop();
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  const integrity = db.pragma('integrity_check', { simple: true });
  const users = (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  db.close();
  console.log(`\nAfterwards: ${users.toLocaleString('en-US')} users; integrity_check: ${String(integrity)}`);
  if (values.keep) console.log(`Data folder kept: ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
  if (integrity !== 'ok') process.exit(1);
}
process.exit(result.failures.length > 0 ? 1 : 0);
