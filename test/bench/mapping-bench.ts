/**
 * Mapping diagnostics benchmark: `npm run bench:mapping -- [--users 100000] [--log-rows 50000] [--runs 5]`.
 *
 * Seeds a data folder with N Entra-like users and M sync-log rows (test/support/mapping-data.ts),
 * then times `mapping.view` — the Mappings screen and `npm run diagnose` — five ways: before (the
 * first version's pass, kept in test/support/mapping-reference.ts: every document and log row read
 * and parsed on each view); after, in a new process (the CLI, the app's first view): the first read
 * ever (every record read once), after a record was written (that record read), and with nothing
 * written since; after, in a warm process (the screen's next views, a new log row each time). Each
 * with its phases: records, sync log, model (rows, cycles, diagnostics). Then the service's catch-up
 * of every record (as while Entra writes), a page at a time.
 * Target (issue 13): < 2 s.
 * `--marks FILE` writes each measurement's window for test/bench/profile-summary.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCore } from '../../main/core/create-core';
import type { SyncLogEntry } from '../../main/store/directory-store';
import type { SqliteStore } from '../../main/store/sqlite-store';
import type { MappingView } from '../../shared/admin/mapping-schemas';
import { URN } from '../../shared/scim/urns';
import { seedMappingData } from '../support/mapping-data';
import { referenceView } from '../support/mapping-reference';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer`);
  return value;
}

const users = option('users', 100_000);
const logRows = option('log-rows', 50_000);
const runs = option('runs', 5);
/** One more of Entra's lookups, logged after the seeded rows. */
const syncLogEntry = (i: number): SyncLogEntry => ({
  time: new Date(Date.UTC(2026, 0, 2) + i * 1000).toISOString(),
  requestId: randomUUID(),
  method: 'GET',
  path: '/scim/v2/Users',
  operation: 'list',
  resourceType: 'User',
  resourceId: null,
  userName: null,
  externalId: null,
  displayName: null,
  status: 200,
  durationMs: 2,
  scimType: null,
  error: null,
  client: 'Azure AD',
  adscimVersion: '2024',
  detail: JSON.stringify({ response: { status: 200 }, query: { filter: `userName eq "late${i}@contoso.com"` } }),
});
const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-mapping-bench-'));

try {
  const seedStart = performance.now();
  await seedMappingData(dataDir, users, logRows);
  const seedMs = performance.now() - seedStart;

  const open = () => createCore({ dataDir, host: '127.0.0.1', port: 0, fileLogs: false, checkpointWorker: false });
  console.log(`ScimDesk mapping diagnostics benchmark — ${users.toLocaleString('en')} users, 1,000 groups, ${logRows.toLocaleString('en')} sync-log rows`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);
  console.log(`seeded in ${(seedMs / 1000).toFixed(1)} s (not timed); ${runs} runs of each\n`);

  interface Run {
    readonly ms: number;
    readonly cpuMs: number;
    readonly phases: MappingView['read']['phases'];
  }
  // CPU time too: on a shared machine the wall clock also counts the other processes' turns.
  const timed = async (read: () => Promise<{ read: MappingView['read'] }>): Promise<Run> => {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    const view = await read();
    const used = process.cpuUsage(startCpu);
    return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, phases: view.read.phases };
  };
  const nowUs = () => Number(process.hrtime.bigint() / 1000n);
  const marks: Array<{ phase: string; startUs: number; endUs: number }> = [];
  const measure = async (phase: string, one: () => Promise<Run>, times = runs): Promise<Run[]> => {
    const startUs = nowUs();
    const results: Run[] = [];
    for (let i = 0; i < times; i++) results.push(await one());
    marks.push({ phase, startUs, endUs: nowUs() });
    return results;
  };

  const core = await open();
  const handlers = core.admin.handlers;
  const context = { actor: 'bench' };
  // Before: the first version's one pass (test/support/mapping-reference.ts), every document and log row read on each view.
  const before = await measure('before', () => timed(() => referenceView(core.store, core.schemas())));
  // After, cold: a fresh core, as a new process opens one (`npm run diagnose`, the app's first view), after a write to a record:
  // every record read. Then a new process while nothing was written since the last view: the records'
  // saved summary read instead.
  const coldView = async () => {
    const fresh = await open();
    try {
      return await timed(() => fresh.admin.handlers['mapping.view']({}, context));
    } finally {
      await fresh.stop();
    }
  };
  // The first read of records nobody has read yet (after an upgrade, or 100,000 arrived with the service
  // stopped): every record read once. The running service reads them while they arrive (below).
  const firstEver = await measure('after, fresh core, no record read before (every record read once)', () => coldView(), 1);
  // The service's catch-up, as it runs every minute while Entra writes: every record marked again (as if
  // all were written since), read a page of 2,000 at a time; requests run between pages.
  (core.store as SqliteStore).db.exec(`UPDATE users SET doc = doc`);
  const pages: number[] = [];
  let pageStart = performance.now();
  const catchUpStart = performance.now();
  const caughtUp = await core.mapping.catchUp(async () => {
    pages.push(performance.now() - pageStart);
    await new Promise<void>((resolve) => setImmediate(resolve));
    pageStart = performance.now();
    return true;
  });
  pages.push(performance.now() - pageStart);
  const catchUpMs = performance.now() - catchUpStart;
  let written = 0;
  const coldAfterWrite = await measure('after, cold, a record written since', async () => {
    await core.store.createResource('User', { doc: { schemas: [URN.user], userName: `written${written++}@contoso.com`, externalId: randomUUID() } }, new Date('2026-01-02T00:00:00Z'));
    return coldView();
  });
  const coldUnchanged = await measure('after, cold, nothing written since', coldView);
  const first = await handlers['mapping.view']({}, context);
  // After, warm: the screen's next views, with new sync-log rows in between as while Entra provisions.
  let extra = 0;
  const warm = await measure('after, warm', async () => {
    await core.store.appendSyncLog([syncLogEntry(extra++)]);
    return timed(() => handlers['mapping.view']({}, context));
  });
  const marksAt = process.argv.indexOf('--marks');
  if (marksAt >= 0) writeFileSync(process.argv[marksAt + 1]!, JSON.stringify(marks));

  console.log(`read: ${first.read.users} users, ${first.read.groups} groups, ${first.read.logRows} log rows; ${first.cycles.length} cycles`);
  console.log(`diagnostics: ${first.diagnostics.map((d) => `${d.code} (${d.count})`).join(', ')}`);
  console.log(`load average during the runs: ${loadavg().map((l) => l.toFixed(1)).join(', ')}`);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ms = (value: number) => Math.round(value).toLocaleString('en');
  console.log(`\n| ${users.toLocaleString('en')} users, ${logRows.toLocaleString('en')} log rows | median ms | slowest ms | median CPU ms | records ms | log ms | model ms | target |`);
  console.log(`|---|---:|---:|---:|---:|---:|---:|---:|`);
  for (const [label, results] of [
    ['before (every view reads everything)', before],
    ['after, fresh core, no record read before (every record read once; 1 run)', firstEver],
    ['after, fresh core, a record written since (that record read)', coldAfterWrite],
    ['after, fresh core, nothing written since', coldUnchanged],
    ['after, warm (next views, new log rows)', warm],
  ] as const) {
    const times = results.map((r) => r.ms);
    console.log(
      `| ${label} | ${ms(median(times))} | ${ms(Math.max(...times))} | ${ms(median(results.map((r) => r.cpuMs)))} | ${ms(median(results.map((r) => r.phases.records)))} | ${ms(median(results.map((r) => r.phases.log)))} | ${ms(median(results.map((r) => r.phases.model)))} | < 2,000 |`,
    );
  }
  console.log(
    `\nthe service's catch-up of ${caughtUp.toLocaleString('en')} records written since (pages of 2,000, requests served between): ${ms(catchUpMs)} ms in ${pages.length} pages, the longest ${ms(Math.max(...pages))} ms`,
  );
  await core.stop();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
