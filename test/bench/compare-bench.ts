/**
 * Comparison benchmark: `npx tsx test/bench/compare-bench.ts [--users 100000] [--runs 3]`.
 *
 * Builds N Entra users and N local records deterministically with a realistic
 * mix (test/fixtures/reconcile/synthetic-directory.ts: 90 % linked, drift,
 * unlinked with candidates, mismatches, orphans, duplicates), then times
 * compareDirectories and buildFixPlan: one warm-up run, then the best of --runs.
 * Prints the figures, the category counts and the plan summary. The target
 * (issue 6) is under 5 s for 100,000 × 100,000, fetch excluded.
 */
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { compareDirectories, type CompareReport } from '../../main/reconcile/compare';
import { buildFixPlan, type FixPlan } from '../../main/reconcile/fix-plan';
import { toReportCsv } from '../../main/reconcile/report-csv';
import { buildSyntheticDirectory } from '../fixtures/reconcile/synthetic-directory';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer`);
  return value;
}

function time<T>(run: () => T, runs: number): { best: number; all: number[]; result: T } {
  let result = run(); // warm-up
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = run();
    all.push(performance.now() - start);
  }
  return { best: Math.min(...all), all, result };
}

const users = option('users', 100_000);
const runs = option('runs', 3);
const ms = (value: number) => `${value.toFixed(0)} ms`;

const buildStart = performance.now();
const { local, entra } = buildSyntheticDirectory(users);
const buildMs = performance.now() - buildStart;

const compare = time<CompareReport>(() => compareDirectories(local, entra, { generatedAt: '2025-01-01T00:00:00.000Z' }), runs);
const report = compare.result;
const plan = time<FixPlan>(() => buildFixPlan(report, { approveMailOnly: new Set() }, 'bench-plan', '2025-01-01T00:00:00.000Z'), runs);
const csv = time(() => toReportCsv(report), 1);

console.log(`ScimDesk comparison benchmark — ${users.toLocaleString('en')} Entra users × ${users.toLocaleString('en')} local users`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);
console.log(`data built in ${ms(buildMs)} (not timed below)`);
console.log(`compareDirectories: best ${ms(compare.best)} of ${runs} (${compare.all.map(ms).join(', ')}) after a warm-up — target < 5000 ms`);
console.log(`buildFixPlan:       best ${ms(plan.best)} of ${runs} (${plan.all.map(ms).join(', ')})`);
console.log(`report CSV:         ${ms(csv.best)} (${(csv.result.length / 2 ** 20).toFixed(1)} MiB)`);
console.log(`rows: ${report.rows.length.toLocaleString('en')}`);
console.log('categories (User):', JSON.stringify(report.counts.User));
console.log('fix plan:', JSON.stringify(plan.result.summary));
