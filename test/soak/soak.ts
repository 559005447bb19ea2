/**
 * `npm run soak -- [--minutes N] [--every S] [--concurrency C] [--seed S] [--max-slope MB_PER_HOUR]
 * [--url BASE --token T [--pid P] [--data-dir D]]`: steady, mixed, Entra-like traffic
 * (test/soak/soak-load.ts) and, every minute (--every), requests/s, p50/p99, errors by status, the
 * service's RSS (Linux /proc/<pid>/status: VmRSS and RssAnon) and the database + WAL size. Without
 * --url it starts `serve` in a child process on a scratch data folder (test/kill/kill-harness.ts);
 * with --url it loads a running service (its memory only with --pid, its database only with
 * --data-dir; writes go into that service's directory: never point it at production). Ends with a
 * verdict on memory and exits 1 when anonymous RSS (heap and native memory; RSS also counts the
 * mapped database file) grew faster than --max-slope over the last 2/3 of the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDataFolder } from '../../main/service/open-data-folder';
import { kill, startServe, type Running } from '../kill/kill-harness';
import { databaseSizeMb, runSoak, type SoakTarget } from './soak-load';

const USAGE = 'usage: npm run soak -- [--minutes N] [--every S] [--concurrency C] [--seed S] [--max-slope MB_PER_HOUR] [--url BASE --token T [--pid P] [--data-dir D]]';
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    every: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '4' },
    seed: { type: 'string', default: '1' },
    'max-slope': { type: 'string', default: '50' },
    url: { type: 'string' },
    token: { type: 'string' },
    pid: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const minutes = Number(values.minutes);
const every = Number(values.every);
const concurrency = Number(values.concurrency);
const seed = Number(values.seed);
const maxSlope = Number(values['max-slope']);
if (!(minutes > 0) || !(every > 0) || !Number.isSafeInteger(concurrency) || concurrency < 1 || !Number.isSafeInteger(seed) || !(maxSlope > 0)) {
  console.error(USAGE);
  process.exit(2);
}
if ((values.url === undefined) !== (values.token === undefined)) {
  console.error('--url and --token go together');
  process.exit(2);
}

let running: Running | undefined;
let scratch: string | undefined;
let target: SoakTarget;
let pid: number | undefined;
let dataDir: string | undefined;
if (values.url && values.token) {
  target = { baseUrl: values.url.replace(/\/+$/, ''), token: values.token };
  pid = values.pid !== undefined ? Number(values.pid) : undefined;
  dataDir = values['data-dir'];
  console.log(`Soaking the ScimDesk at ${target.baseUrl}`);
} else {
  scratch = mkdtempSync(join(tmpdir(), 'scimdesk-soak-'));
  // The load deactivates and deletes steadily, which the mass-deprovisioning breaker (on by default) would
  // hold after a few: the soak measures the service, so its own one runs with the breaker off.
  const folder = await openDataFolder(scratch);
  try {
    await folder.admin.handlers['breaker.saveSettings']({ enabled: false, maxCount: 20, maxPercent: 10, window: { mode: 'minutes', minutes: 60 } }, { actor: 'soak' });
  } finally {
    await folder.stop();
  }
  running = await startServe(scratch);
  if (!running.token) throw new Error(`serve printed no token:\n${running.output()}`);
  target = { baseUrl: running.baseUrl, token: running.token };
  pid = running.child.pid;
  dataDir = scratch;
  console.log(`Soaking a ScimDesk of its own (serve, pid ${pid}) at ${target.baseUrl}, data folder ${scratch}`);
}
console.log(`${minutes} min, ${concurrency} clients, seed ${seed}; memory: ${pid !== undefined ? `/proc/${pid}/status (VmRSS, RssAnon)` : 'not measured (no --pid)'}; a line every ${every} s`);

const report = await runSoak(target, { seconds: minutes * 60, everySeconds: every, concurrency, seed, pid, dataDir, maxSlopeMbPerHour: maxSlope, log: (line) => console.log(line) });

const errors = report.errors.size === 0 ? 'none' : [...report.errors].sort(([a], [b]) => a - b).map(([status, n]) => `${status === 0 ? 'no answer' : status}×${n}`).join(' ');
console.log(`\nTotal: ${report.requests} requests, ${report.perSecond.toFixed(1)} req/s, p50 ${report.p50Ms.toFixed(1)} ms, p99 ${report.p99Ms.toFixed(1)} ms, errors ${errors}`);
const first = report.samples[0];
const last = report.samples.at(-1);
if (first && last) {
  console.log(`RSS: ${first.rssMb.toFixed(1)} MB at the start, ${Math.max(...report.samples.map((s) => s.rssMb)).toFixed(1)} MB at most, ${last.rssMb.toFixed(1)} MB at the end (${report.samples.length} samples)`);
  console.log(`Anonymous RSS: ${first.anonMb.toFixed(1)} MB at the start, ${Math.max(...report.samples.map((s) => s.anonMb)).toFixed(1)} MB at most, ${last.anonMb.toFixed(1)} MB at the end`);
}
if (dataDir !== undefined) {
  const size = databaseSizeMb(dataDir);
  console.log(`Database: ${size.dbMb.toFixed(1)} MB + WAL ${size.walMb.toFixed(1)} MB`);
}
console.log(report.verdict.text);

if (running) await kill(running.child);
if (scratch) rmSync(scratch, { recursive: true, force: true });
process.exit(report.verdict.flat && report.requests > 0 ? 0 : 1);
