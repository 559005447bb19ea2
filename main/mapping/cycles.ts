import type { Cycle } from '../../shared/admin/mapping-schemas';
import type { LogRow } from './observe';

/**
 * Entra's provisioning runs in cycles: an initial one over everything in scope, then an incremental
 * one roughly every 40 minutes, each a burst of requests. Entra opens each with its start-of-cycle
 * probe (a lookup of a random GUID userName, and of a random group: observe.ts startProbeValue),
 * which starts a new cycle here even when the previous one ran right up to it. Until the log shows
 * such a probe, a silence of CYCLE_GAP_MS ends a cycle; once it does, only a silence longer than
 * Entra's interval (PROBED_CYCLE_GAP_MS) does, so a long cycle that pauses stays one cycle.
 */
export const CYCLE_GAP_MS = 10 * 60_000;
export const PROBED_CYCLE_GAP_MS = 60 * 60_000;
/** Entra quarantines a job when 40 % or more of its provisioning events fail; warn well before. */
export const QUARANTINE_RATE = 0.4;
const WARN_RATE = 0.25;
/** Too few requests to say anything about a rate. */
const WARN_MIN_REQUESTS = 10;

function endpointOf(row: LogRow): string {
  const path = row.path.split('?')[0] ?? row.path;
  const match = /\/(Users|Groups|Schemas|ServiceProviderConfig|ResourceTypes|\.search)\b/i.exec(path);
  return `${row.method} /${match ? match[1] : path.replace(/^.*\/scim(\/v2)?/i, '').split('/')[1] ?? ''}`;
}

/** A failure Entra counts: any 4xx or 5xx but the 404 of a lookup by id that finds nothing (Entra then creates). */
function isFailure(row: LogRow): boolean {
  return row.status >= 400 && !(row.status === 404 && row.operation === 'get');
}

/**
 * Groups the sync log (oldest first or not) into cycles, oldest first. `startProbes` maps the seq of
 * each start-of-cycle probe to its GUID: a probe starts a cycle unless the current one has seen only
 * probes and discovery so far (Entra's user and group probes, /Schemas, open one cycle together), or
 * the GUID is a userName Entra then creates (then it was a match on a userName mapped from objectId).
 */
export function groupCycles(rows: ReadonlyArray<LogRow>, deactivations: ReadonlySet<number>, startProbes: ReadonlyMap<number, string> = new Map()): Cycle[] {
  const sorted = [...rows].filter((row) => row.operation !== 'unknown').sort((a, b) => a.seq - b.seq);
  const created = new Set<string>();
  if (startProbes.size > 0) {
    for (const row of sorted) {
      if (row.operation !== 'create') continue;
      const name = row.resourceType === 'Group' ? row.displayName : row.userName;
      if (name !== null) created.add(name.toLowerCase());
    }
  }
  const cycles: Cycle[] = [];
  let current: LogRow[] = [];
  let opening = true;
  let lastTime = Number.NEGATIVE_INFINITY;
  const close = () => {
    if (current.length > 0) cycles.push(summarize(current, deactivations, cycles.length === 0));
    current = [];
    opening = true;
  };
  let probed = false;
  for (const row of sorted) {
    const time = Date.parse(row.time);
    const probe = startProbes.get(row.seq);
    const isStart = probe !== undefined && !created.has(probe);
    probed ||= isStart;
    if (time - lastTime > (probed ? PROBED_CYCLE_GAP_MS : CYCLE_GAP_MS) || (isStart && !opening)) close();
    current.push(row);
    if (!isStart && !DISCOVERY.test(row.path)) opening = false;
    lastTime = time;
  }
  close();
  return cycles;
}

/** Requests Entra makes before it provisions anything: schema and configuration discovery. */
const DISCOVERY = /\/(Schemas|ServiceProviderConfig|ResourceTypes)(\/|\?|$)/i;

function summarize(rows: ReadonlyArray<LogRow>, deactivations: ReadonlySet<number>, first: boolean): Cycle {
  let creates = 0;
  let updates = 0;
  let deletes = 0;
  let deactivated = 0;
  let failures = 0;
  let firstFailure: LogRow | undefined;
  const errors = new Map<string, { endpoint: string; status: number; count: number }>();
  for (const row of rows) {
    const ok = row.status < 300;
    if (ok && row.operation === 'create') creates++;
    if (ok && (row.operation === 'replace' || row.operation === 'patch')) updates++;
    if (ok && row.operation === 'delete') deletes++;
    if (ok && deactivations.has(row.seq)) deactivated++;
    if (row.status >= 400) {
      const endpoint = endpointOf(row);
      const key = `${endpoint} ${row.status}`;
      const entry = errors.get(key) ?? { endpoint, status: row.status, count: 0 };
      entry.count++;
      errors.set(key, entry);
    }
    if (isFailure(row)) {
      failures++;
      firstFailure ??= row;
    }
  }
  const failureRate = rows.length === 0 ? 0 : failures / rows.length;
  // The first cycle ScimDesk saw, or one that mostly creates: Entra's initial cycle (also after a restart with reset).
  const writes = creates + updates + deletes;
  const kind = first || (creates > 0 && creates * 2 >= writes) ? 'initial' : 'incremental';
  let warning: string | null = null;
  if (rows.length >= WARN_MIN_REQUESTS && failureRate >= WARN_RATE && firstFailure) {
    warning =
      `${Math.round(failureRate * 100)} % of this cycle's requests failed; Entra quarantines the job at ${QUARANTINE_RATE * 100} %. ` +
      `The first failing request: ${firstFailure.method} ${firstFailure.path} → ${firstFailure.status}${firstFailure.error ? ` (${firstFailure.error})` : ''}.`;
  }
  return {
    start: rows[0]!.time,
    end: rows[rows.length - 1]!.time,
    kind,
    requests: rows.length,
    creates,
    updates,
    deactivations: deactivated,
    deletes,
    errors: [...errors.values()].sort((a, b) => b.count - a.count),
    failureRate,
    firstFailure: firstFailure
      ? { seq: firstFailure.seq, time: firstFailure.time, method: firstFailure.method, path: firstFailure.path, status: firstFailure.status, error: firstFailure.error }
      : null,
    warning,
  };
}
