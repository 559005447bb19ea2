/**
 * Summarises a V8 CPU profile of a benchmark run, phase by phase: the hottest
 * functions by self time, and the project's own functions by inclusive time.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx test/bench/bench.ts --marks /tmp/prof/marks.json
 *   npx tsx test/bench/profile-summary.ts /tmp/prof/<file>.cpuprofile /tmp/prof/marks.json [--top 15]
 *
 * The marks file (written by bench.ts) holds each phase's window in
 * microseconds of the monotonic clock, the clock the profile's timestamps use.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: ReadonlyArray<number>;
}

interface CpuProfile {
  readonly nodes: ReadonlyArray<ProfileNode>;
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: ReadonlyArray<number>;
  readonly timeDeltas: ReadonlyArray<number>;
}

interface Mark {
  readonly phase: string;
  readonly startUs: number;
  readonly endUs: number;
}

const [profileFile, marksFile, ...rest] = process.argv.slice(2);
if (!profileFile || !marksFile) {
  console.error('usage: profile-summary.ts <file.cpuprofile> <marks.json> [--top N]');
  process.exit(2);
}
const topIndex = rest.indexOf('--top');
const top = topIndex >= 0 ? Number(rest[topIndex + 1]) : 15;

const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
const marks = JSON.parse(readFileSync(marksFile, 'utf8')) as Mark[];
const root = process.cwd();

const byId = new Map<number, ProfileNode>();
const parent = new Map<number, number>();
for (const node of profile.nodes) {
  byId.set(node.id, node);
  for (const child of node.children ?? []) parent.set(child, node.id);
}

function label(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  let where = frame.url.replace(/^file:\/\//, '');
  if (where.startsWith(root + '/')) where = where.slice(root.length + 1);
  where = where.replace(/^.*node_modules\//, '~/');
  return `${name}  ${where}:${frame.lineNumber + 1}`;
}

const isOwn = (frame: CallFrame) => frame.url.includes('/main/') && !frame.url.includes('node_modules');

/** The sample times, in the monotonic clock's microseconds. */
const times: number[] = [];
let clock = profile.startTime;
for (const delta of profile.timeDeltas) {
  clock += delta;
  times.push(clock);
}

function summarise(mark: Mark): void {
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const t = times[i]!;
    if (t < mark.startUs || t >= mark.endUs) continue;
    const weight = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]!)!;
    total += weight;
    const name = label(node.callFrame);
    if (node.callFrame.functionName === '(idle)') idle += weight;
    self.set(name, (self.get(name) ?? 0) + weight);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      if (!isOwn(frame)) continue;
      const own = label(frame);
      if (seen.has(own)) continue;
      seen.add(own);
      inclusive.set(own, (inclusive.get(own) ?? 0) + weight);
    }
  }
  const busy = total - idle;
  const seconds = (mark.endUs - mark.startUs) / 1e6;
  console.log(`\n=== ${mark.phase}: ${seconds.toFixed(1)} s window, server thread busy ${(busy / 1000).toFixed(2)} s (${((busy / (seconds * 1000)) * 100).toFixed(0)} %)`);
  const pct = (ms: number) => `${((ms / Math.max(busy, 1e-9)) * 100).toFixed(1).padStart(5)} %`;
  console.log('  self time (share of busy time):');
  for (const [name, ms] of [...self.entries()].filter(([name]) => !name.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`    ${pct(ms)}  ${name}`);
  }
  console.log('  project functions, inclusive:');
  for (const [name, ms] of [...inclusive.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`    ${pct(ms)}  ${name}`);
  }
}

console.log(`profile ${profileFile}: ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s, ${profile.samples.length} samples`);
for (const mark of marks) summarise(mark);
