import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE } from '../../main/core/create-core';
import { createRandom } from '../fuzz/http-fuzzer';

/**
 * The soak test's load and its figures (issue 14): steady, mixed, Entra-like traffic from a few
 * clients, measured per interval (requests/s, p50/p99, errors by status) next to the service's
 * memory and the database's size, and a verdict on whether memory stays flat. `test/soak/soak.ts`
 * is the command; `test/protocol/soak.test.ts` runs its short form.
 */

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Entra's provisioning service sends this header with every request. */
const ENTRA = { adscimversion: 'Date: 2026-01-01, ActivityId: 00000000-0000-4000-8000-00000000500a' };

export interface SoakTarget {
  readonly baseUrl: string;
  readonly token: string;
}

/** The service's memory, read from outside. */
export interface MemorySample {
  /** Seconds since the load started. */
  readonly at: number;
  readonly rssMb: number;
  /** Anonymous resident memory: the JS heap and native allocations, without mapped files. */
  readonly anonMb: number;
}

/** Reads VmRSS and RssAnon of a Linux process from /proc; undefined elsewhere or once it is gone. */
export function readProcessMemory(pid: number): { rssMb: number; anonMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const rss = kb('VmRSS');
    if (!Number.isFinite(rss)) return undefined;
    return { rssMb: rss / 1024, anonMb: kb('RssAnon') / 1024 };
  } catch {
    return undefined;
  }
}

/** The database file and its write-ahead log, in MB (0 for a file not there). */
export function databaseSizeMb(dataDir: string): { dbMb: number; walMb: number } {
  const size = (file: string) => {
    try {
      return statSync(join(dataDir, file)).size / 1024 / 1024;
    } catch {
      return 0;
    }
  };
  return { dbMb: size(DATABASE_FILE), walMb: size(`${DATABASE_FILE}-wal`) };
}

/** The value below which `p` of the sorted values lie (nearest rank). */
export function percentile(sorted: ReadonlyArray<number>, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Least-squares slope of y over x; 0 for fewer than two distinct x. */
export function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  if (sxx === 0) return 0;
  return points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
}

export interface MemoryVerdict {
  /** RSS growth over the last two thirds of the run, MB per hour (the first third is warm-up). */
  readonly slopeMbPerHour: number;
  /** The same for anonymous RSS (heap and native allocations): what the verdict is judged on. */
  readonly anonSlopeMbPerHour: number;
  readonly judged: boolean;
  readonly flat: boolean;
  readonly text: string;
}

/** Shorter runs are mostly warm-up (caches, JIT, SQLite's page cache filling): no verdict. */
export const MIN_JUDGED_MINUTES = 5;

const perHour = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)} MB/h`;

/**
 * Flat means anonymous RSS grows by at most `maxSlopeMbPerHour` over the last two thirds of the
 * run. Judged on anonymous memory, not all of RSS: ScimDesk maps its database into memory
 * (mmap_size 1 GB), so RSS also counts the file's pages read so far and follows the database's size
 * (the sync log grows until the hourly retention), which is not a leak. Both slopes are printed. A
 * run shorter than MIN_JUDGED_MINUTES is not judged (and so does not fail).
 */
export function judgeMemory(samples: ReadonlyArray<MemorySample>, runSeconds: number, maxSlopeMbPerHour: number): MemoryVerdict {
  const tail = samples.filter((s) => s.at >= runSeconds / 3);
  const rss = slope(tail.map((s) => ({ x: s.at / 3600, y: s.rssMb })));
  const anon = slope(tail.map((s) => ({ x: s.at / 3600, y: s.anonMb })));
  if (samples.length === 0) return { slopeMbPerHour: 0, anonSlopeMbPerHour: 0, judged: false, flat: true, text: 'memory: not judged (no memory samples: not on Linux, or no process id to read)' };
  const figures = `RSS slope ${perHour(rss)}, anonymous RSS slope ${perHour(anon)} over the last 2/3`;
  if (runSeconds < MIN_JUDGED_MINUTES * 60 || tail.length < 3) {
    return { slopeMbPerHour: rss, anonSlopeMbPerHour: anon, judged: false, flat: true, text: `memory: not judged (${figures}, but a run under ${MIN_JUDGED_MINUTES} minutes is mostly warm-up)` };
  }
  const flat = anon <= maxSlopeMbPerHour;
  return {
    slopeMbPerHour: rss,
    anonSlopeMbPerHour: anon,
    judged: true,
    flat,
    text: `memory: ${flat ? 'FLAT' : 'GROWING'}: ${figures} of the run (judged on anonymous RSS, limit ${maxSlopeMbPerHour} MB/h; RSS also counts the mapped database file)`,
  };
}

export interface IntervalFigures {
  readonly atSeconds: number;
  readonly requests: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: ReadonlyMap<number, number>;
  readonly memory: { rssMb: number; anonMb: number } | undefined;
  readonly database: { dbMb: number; walMb: number } | undefined;
}

export function formatInterval(f: IntervalFigures): string {
  const minutes = `${Math.floor(f.atSeconds / 60)}:${String(Math.round(f.atSeconds % 60)).padStart(2, '0')}`;
  const errors = f.errors.size === 0 ? 'none' : [...f.errors].sort(([a], [b]) => a - b).map(([status, n]) => `${status === 0 ? 'no answer' : status}×${n}`).join(' ');
  const memory = f.memory ? `RSS ${f.memory.rssMb.toFixed(1)} MB (anon ${f.memory.anonMb.toFixed(1)} MB)` : 'RSS n/a';
  const db = f.database ? `DB ${f.database.dbMb.toFixed(1)} MB + WAL ${f.database.walMb.toFixed(1)} MB` : 'DB n/a';
  return `[${minutes}] ${f.requests} requests, ${f.perSecond.toFixed(1)} req/s, p50 ${f.p50Ms.toFixed(1)} ms, p99 ${f.p99Ms.toFixed(1)} ms, errors ${errors}; ${memory}; ${db}`;
}

export interface SoakOptions {
  readonly seconds: number;
  /** How often a line of figures is printed. */
  readonly everySeconds: number;
  readonly concurrency: number;
  readonly seed: number;
  /** The service's process id, for its memory (Linux /proc). */
  readonly pid: number | undefined;
  /** The service's data folder, for the database's size. */
  readonly dataDir: string | undefined;
  readonly maxSlopeMbPerHour: number;
  readonly log: (line: string) => void;
}

export interface SoakReport {
  readonly intervals: ReadonlyArray<IntervalFigures>;
  readonly samples: ReadonlyArray<MemorySample>;
  readonly requests: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: ReadonlyMap<number, number>;
  readonly verdict: MemoryVerdict;
}

interface Owned {
  users: Array<{ id: string; userName: string }>;
  groups: Array<{ id: string; members: string[] }>;
}

/** Each client keeps about this many users of its own: the directory stays the same size, so only a leak can grow memory. */
const USERS_PER_CLIENT = 150;
const GROUPS_PER_CLIENT = 10;

/** Runs the load for `seconds`, printing a line every `everySeconds`, and returns the figures. */
export async function runSoak(target: SoakTarget, options: SoakOptions): Promise<SoakReport> {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let window: number[] = [];
  let windowErrors = new Map<number, number>();
  const all: number[] = [];
  const errors = new Map<number, number>();
  const samples: MemorySample[] = [];
  const intervals: IntervalFigures[] = [];
  let serial = 0;
  const runId = Date.now().toString(36);

  const send = async (method: string, path: string, body?: unknown, expected: ReadonlyArray<number> = [200, 201, 204]): Promise<{ status: number; json: Record<string, unknown> | undefined }> => {
    const t0 = performance.now();
    let status = 0;
    let json: Record<string, unknown> | undefined;
    try {
      const response = await fetch(target.baseUrl + path, {
        method,
        headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/scim+json', ...ENTRA },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      status = response.status;
      const text = await response.text();
      json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      status = 0;
    }
    const ms = performance.now() - t0;
    window.push(ms);
    all.push(ms);
    if (!expected.includes(status)) {
      windowErrors.set(status, (windowErrors.get(status) ?? 0) + 1);
      errors.set(status, (errors.get(status) ?? 0) + 1);
    }
    return { status, json };
  };

  const userBody = (n: number, userName: string) => ({
    schemas: [USER, ENTERPRISE],
    externalId: `soak-${runId}-${n}`,
    userName,
    active: true,
    displayName: `Soak User ${n}`,
    title: 'Engineer',
    name: { givenName: 'Soak', familyName: `User ${n}`, formatted: `Soak User ${n}` },
    emails: [{ value: userName, type: 'work', primary: true }],
    phoneNumbers: [{ value: `+1 555 0100 ${n % 10000}`, type: 'work' }],
    addresses: [{ type: 'work', streetAddress: '1 Main St', locality: 'Redmond', country: 'US', primary: true }],
    [ENTERPRISE]: { department: `Dept ${n % 7}`, employeeNumber: String(n) },
  });

  /** One Entra-like client: it only touches its own resources, so no answer is a conflict of the load with itself. */
  const client = async (r: ReturnType<typeof createRandom>, mine: Owned, stop: () => boolean) => {
    while (!stop()) {
      const roll = r.int(100);
      if (mine.users.length < USERS_PER_CLIENT && (roll < 25 || mine.users.length < 10)) {
        // Entra looks a user up by its matching attribute before it creates it.
        const n = serial++;
        const userName = `soak.user${n}.${runId}@contoso.com`;
        await send('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
        const created = await send('POST', '/Users', userBody(n, userName));
        if (created.status === 201) mine.users.push({ id: String(created.json?.['id']), userName });
      } else if (roll < 45) {
        const user = r.pick(mine.users);
        await send('GET', `/Users?filter=${encodeURIComponent(`userName eq "${user.userName}"`)}`);
        await send('GET', `/Users/${user.id}`);
      } else if (roll < 65) {
        const user = r.pick(mine.users);
        const v = r.int(1000);
        await send('PATCH', `/Users/${user.id}`, {
          schemas: [PATCH],
          Operations: [
            { op: 'Replace', path: 'displayName', value: `Soak User v${v}` },
            { op: 'Replace', path: 'title', value: `Title ${v}` },
            { op: 'Replace', path: `${ENTERPRISE}:department`, value: `Dept ${v % 7}` },
            { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: `+1 555 0199 ${v}` },
          ],
        });
      } else if (roll < 72) {
        const user = r.pick(mine.users);
        await send('PATCH', `/Users/${user.id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: r.chance(0.5) ? 'False' : 'True' }] });
      } else if (roll < 77 && mine.groups.length < GROUPS_PER_CLIENT) {
        const n = serial++;
        const displayName = `Soak Group ${n}.${runId}`;
        await send('GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${displayName}"`)}&excludedAttributes=members`);
        const created = await send('POST', '/Groups', { schemas: [GROUP], externalId: `soak-group-${runId}-${n}`, displayName });
        if (created.status === 201) mine.groups.push({ id: String(created.json?.['id']), members: [] });
      } else if (roll < 90 && mine.groups.length > 0) {
        const group = r.pick(mine.groups);
        const remove = group.members.length > 20 || (group.members.length > 0 && r.chance(0.3));
        if (remove) {
          const member = group.members.splice(r.int(group.members.length), 1)[0]!;
          await send('PATCH', `/Groups/${group.id}`, { schemas: [PATCH], Operations: [{ op: 'Remove', path: 'members', value: [{ value: member }] }] });
        } else {
          const user = r.pick(mine.users);
          if (group.members.includes(user.id)) continue;
          group.members.push(user.id);
          await send('PATCH', `/Groups/${group.id}`, { schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: [{ value: user.id }] }] });
        }
      } else if (mine.users.length > USERS_PER_CLIENT / 2) {
        // Deletes keep the directory at a steady size; a deleted user leaves this client's groups with it.
        const user = mine.users.splice(r.int(mine.users.length), 1)[0]!;
        for (const group of mine.groups) group.members = group.members.filter((m) => m !== user.id);
        await send('DELETE', `/Users/${user.id}`);
        if (r.chance(0.05) && mine.groups.length > 1) {
          const group = mine.groups.splice(r.int(mine.groups.length), 1)[0]!;
          await send('DELETE', `/Groups/${group.id}`);
        }
      }
    }
  };

  const sample = () => {
    const memory = options.pid !== undefined ? readProcessMemory(options.pid) : undefined;
    if (memory) samples.push({ at: elapsed(), ...memory });
    return memory;
  };
  sample();
  let lastReport = 0;
  const sampler = setInterval(sample, Math.min(5000, options.everySeconds * 1000));
  const reporter = setInterval(() => {
    const now = elapsed();
    const sorted = window.sort((a, b) => a - b);
    const figures: IntervalFigures = {
      atSeconds: now,
      requests: sorted.length,
      perSecond: sorted.length / (now - lastReport),
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      errors: windowErrors,
      memory: sample(),
      database: options.dataDir !== undefined ? databaseSizeMb(options.dataDir) : undefined,
    };
    intervals.push(figures);
    options.log(formatInterval(figures));
    window = [];
    windowErrors = new Map();
    lastReport = now;
  }, options.everySeconds * 1000);

  let stopped = false;
  const timer = setTimeout(() => (stopped = true), options.seconds * 1000);
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => client(createRandom(options.seed * 100 + i), { users: [], groups: [] }, () => stopped)));
  clearTimeout(timer);
  clearInterval(sampler);
  clearInterval(reporter);
  sample();
  const runSeconds = elapsed();
  const sorted = all.sort((a, b) => a - b);
  return {
    intervals,
    samples,
    requests: sorted.length,
    perSecond: sorted.length / runSeconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    errors,
    verdict: judgeMemory(samples, runSeconds, options.maxSlopeMbPerHour),
  };
}
