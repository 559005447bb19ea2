/**
 * The benchmark's load generator, run as a child process of bench.ts so that
 * it never shares an event loop with the server it measures. It keeps the
 * seeded users (ids, externalIds) and the benchmark group between phases and
 * answers one command at a time over IPC.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { ChildMessage, LoadPhase, MemberBatches, ParentMessage, PhaseResult } from './bench-protocol';

const CORE_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const DEPARTMENTS = ['Finance', 'Marketing', 'Retail', 'Engineering', 'Sales', 'Legal', 'Operations'];
/** The representation starts with `schemas`, then `id`: the first "id" key is the resource's. */
const ID_PATTERN = /"id":"([^"]+)"/;
const SAMPLE_LIMIT = 600;

let origin = '';
let scimPath = '';
let token = '';
/** Per seed index; undefined where the create did not succeed. */
const userIds: Array<string | undefined> = [];
const externalIds: string[] = [];
/** Seed indexes whose 201 was received: the only users phases pick from. */
const seeded: number[] = [];
let groupId: string | undefined;
let groupMembers = 0;

function send(message: ChildMessage): void {
  process.send?.(message);
}

const userName = (i: number) => `user${i}@contoso.com`;
const pick = <T>(items: ReadonlyArray<T>): T => items[Math.floor(Math.random() * items.length)]!;
const randomUser = () => pick(seeded);

/** An Entra-like create body: core + enterprise extension, client-sent meta and roles, string-free booleans. */
function userBody(i: number): string {
  return JSON.stringify({
    schemas: [CORE_URN, ENTERPRISE_URN],
    externalId: externalIds[i],
    userName: userName(i),
    active: true,
    displayName: `Bench User ${i}`,
    title: 'Analyst',
    emails: [{ primary: true, type: 'work', value: userName(i) }],
    meta: { resourceType: 'User' },
    name: { formatted: `Bench User ${i}`, familyName: `User ${i}`, givenName: 'Bench' },
    roles: [],
    [ENTERPRISE_URN]: { employeeNumber: String(100000 + i), department: DEPARTMENTS[i % DEPARTMENTS.length] },
  });
}

/** Entra's default PATCH dialect: capitalised ops, one op per attribute, a value-filter path, a string boolean. */
function patchBody(i: number, round: number): string {
  return JSON.stringify({
    schemas: [PATCH_URN],
    Operations: [
      { op: 'Replace', path: 'displayName', value: `Bench User ${i} r${round}` },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: `user${i}.r${round}@contoso.com` },
      { op: 'Replace', path: 'active', value: 'True' },
    ],
  });
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function sortedCopy(values: ReadonlyArray<number>): Float64Array {
  return Float64Array.from(values).sort();
}

const authHeaders = () => ({ authorization: `Bearer ${token}` });
const filterPath = (filter: string) => `${scimPath}/Users?filter=${encodeURIComponent(filter)}`;

interface PhasePlan {
  readonly url: string;
  readonly request: autocannon.Request;
  /** A cheap check of the body; false counts as an error. */
  readonly verify?: (body: string) => boolean;
}

function planFor(phase: LoadPhase, bareUrl: string | undefined): PhasePlan {
  const get = (path: () => string): autocannon.Request => ({
    method: 'GET',
    headers: authHeaders(),
    setupRequest: (request) => {
      request.path = path();
      return request;
    },
  });
  switch (phase) {
    case 'bareKoa':
      if (!bareUrl) throw new Error('bareKoa needs the bare app URL');
      return { url: bareUrl, request: { method: 'GET', path: new URL(bareUrl).pathname } };
    case 'floor':
      if (!bareUrl) throw new Error('floor needs the floor app URL');
      return {
        url: bareUrl,
        request: get(() => filterPath(`userName eq "${userName(randomUser())}"`)),
        verify: (body) => body.includes('"totalResults":1,'),
      };
    case 'filterUserName':
      return {
        url: origin,
        request: get(() => filterPath(`userName eq "${userName(randomUser())}"`)),
        verify: (body) => body.includes('"totalResults":1,'),
      };
    case 'filterExternalId':
      return {
        url: origin,
        request: get(() => filterPath(`externalId eq "${externalIds[randomUser()]}"`)),
        verify: (body) => body.includes('"totalResults":1,'),
      };
    case 'getById':
      return { url: origin, request: get(() => `${scimPath}/Users/${userIds[randomUser()]}`), verify: (body) => body.includes('"userName":') };
    case 'patch': {
      let round = 0;
      return {
        url: origin,
        request: {
          method: 'PATCH',
          headers: { ...authHeaders(), 'content-type': 'application/scim+json' },
          setupRequest: (request) => {
            const i = randomUser();
            request.path = `${scimPath}/Users/${userIds[i]}`;
            request.body = patchBody(i, ++round);
            return request;
          },
        },
        verify: (body) => body.includes('"userName":'),
      };
    }
    case 'groupGet': {
      if (!groupId) throw new Error('groupGet needs the member-add phase first');
      const path = `${scimPath}/Groups/${groupId}?excludedAttributes=members`;
      return { url: origin, request: { method: 'GET', path, headers: authHeaders() }, verify: (body) => !body.includes('"members"') };
    }
    case 'deepPage': {
      // Near the end of the list: a random page among the last ~1,000 users.
      const total = seeded.length;
      const low = Math.max(1, total - 1000);
      const high = Math.max(low, total - 99);
      return {
        url: origin,
        request: get(() => `${scimPath}/Users?startIndex=${low + Math.floor(Math.random() * (high - low + 1))}&count=100`),
        verify: (body) => body.includes('"itemsPerPage":100,') || total < 100,
      };
    }
    case 'missProbe':
      // Entra's Test Connection: a filter on a random GUID must answer 200 with an empty list, never 404.
      return {
        url: origin,
        request: get(() => filterPath(`userName eq "${randomUUID()}"`)),
        verify: (body) => body.includes('"totalResults":0,'),
      };
  }
}

/** Collects latencies and failures of responses that complete inside a time window. */
class Window {
  readonly latencies: number[] = [];
  readonly statuses: Record<string, number> = {};
  errors = 0;
  sampleFailure: string | undefined;
  start = Number.POSITIVE_INFINITY;
  end = Number.POSITIVE_INFINITY;

  isOpen(now = performance.now()): boolean {
    return now >= this.start && now < this.end;
  }

  fail(what: string): void {
    this.errors++;
    this.sampleFailure ??= what.slice(0, SAMPLE_LIMIT);
  }

  result(phase: PhaseResult['phase'], connections: number, seconds: number, extra: Partial<PhaseResult> = {}): PhaseResult {
    const sorted = sortedCopy(this.latencies);
    return {
      phase,
      connections,
      completed: sorted.length,
      seconds,
      rate: sorted.length / seconds,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
      errors: this.errors,
      statuses: this.statuses,
      ...(this.sampleFailure !== undefined ? { sampleFailure: this.sampleFailure } : {}),
      ...extra,
    };
  }
}

/**
 * Runs one phase: `warmupMs` of load that is not counted, then `durationMs`
 * measured. Only responses completing inside the measured window count, so
 * autocannon's own stop granularity does not skew the rate.
 */
async function runLoad(phase: LoadPhase, bareUrl: string | undefined, connections: number, warmupMs: number, durationMs: number): Promise<PhaseResult> {
  const plan = planFor(phase, bareUrl);
  const window = new Window();
  const verify = plan.verify;
  const request: autocannon.Request = {
    ...plan.request,
    onResponse: (status, body) => {
      if (!window.isOpen()) return;
      window.statuses[status] = (window.statuses[status] ?? 0) + 1;
      if (status < 200 || status > 299) window.fail(`HTTP ${status}: ${body}`);
      else if (verify && !verify(body)) window.fail(`HTTP ${status}, unexpected body: ${body}`);
    },
  };
  const instance = autocannon({
    url: plan.url,
    connections,
    duration: (warmupMs + durationMs) / 1000 + 30,
    timeout: 10,
    requests: [request],
  });
  let allResponses = 0;
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    allResponses++;
    if (window.isOpen()) window.latencies.push(responseTime);
  });
  instance.on('reqError', (error) => {
    if (window.isOpen()) window.fail(`socket: ${error.message}`);
  });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  window.start = started + warmupMs;
  window.end = window.start + durationMs;
  const stopper = setTimeout(() => instance.stop(), warmupMs + durationMs);
  await instance;
  clearTimeout(stopper);
  const cpu = process.cpuUsage(cpuBefore);
  return window.result(phase, connections, durationMs / 1000, { allResponses, clientCpuUs: cpu.user + cpu.system });
}

/** Creates `count` users through POST /Users with autocannon, reporting progress every 10,000. */
async function seed(id: number, count: number, connections: number, timeLimitMs: number): Promise<PhaseResult> {
  const first = externalIds.length;
  for (let i = first; i < first + count; i++) externalIds.push(randomUUID());
  let next = first;
  let done = 0;
  let lastDone = performance.now();
  const window = new Window();
  const instance = autocannon({
    url: origin,
    connections: Math.min(connections, count),
    amount: count,
    timeout: 30,
    headers: { ...authHeaders(), 'content-type': 'application/scim+json' },
    requests: [
      {
        method: 'POST',
        path: `${scimPath}/Users`,
        setupRequest: (request, context) => {
          const i = next++;
          context['i'] = i;
          request.body = userBody(i);
          return request;
        },
        onResponse: (status, body, context) => {
          const i = context['i'] as number;
          window.statuses[status] = (window.statuses[status] ?? 0) + 1;
          const match = status === 201 ? ID_PATTERN.exec(body) : null;
          if (match) {
            userIds[i] = match[1]!;
            seeded.push(i);
          } else {
            window.fail(`HTTP ${status} for ${userName(i)}: ${body}`);
          }
        },
      },
    ],
  });
  const started = performance.now();
  window.start = started;
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    window.latencies.push(responseTime);
    done++;
    lastDone = performance.now();
    if (done % 10_000 === 0) send({ type: 'progress', id, done, created: seeded.length - first, elapsedMs: lastDone - started });
  });
  instance.on('reqError', (error) => window.fail(`socket: ${error.message}`));
  const limiter = setTimeout(() => instance.stop(), timeLimitMs);
  await instance;
  clearTimeout(limiter);
  const seconds = (lastDone - started) / 1000;
  const created = seeded.length - first;
  return { ...window.result('seed', connections, seconds), rate: created / seconds, created };
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One request on the keep-alive agent; resolves with the status, body and elapsed milliseconds. */
function send1(method: string, path: string, body?: string): Promise<{ status: number; body: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, origin);
    const started = performance.now();
    const req = httpRequest(
      url,
      {
        method,
        agent,
        headers: { ...authHeaders(), ...(body !== undefined ? { 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

const mean = (values: ReadonlyArray<number>) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** Creates a group as Entra does: no members, the ADSCIM schema URI. Returns its id. */
async function createGroup(displayName: string): Promise<string> {
  const created = await send1(
    'POST',
    `${scimPath}/Groups`,
    JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: randomUUID(),
      displayName,
      meta: { resourceType: 'Group' },
      members: [],
    }),
  );
  const match = created.status === 201 ? ID_PATTERN.exec(created.body) : null;
  if (!match) throw new Error(`creating the group failed: HTTP ${created.status} ${created.body.slice(0, SAMPLE_LIMIT)}`);
  return match[1]!;
}

/**
 * Member adds the way Entra sends them: sequential PATCH batches, each one `Add members` op with
 * several values, on one connection, one request at a time (a batch's latency is its service
 * time, not queueing). The bench group grows to `total - 1,000`; then its last 1,000 members go
 * in interleaved with the first 1,000 of a second, empty group, batch by batch, so "at 1,000"
 * and "at 10,000" are measured under the same machine conditions (this machine's speed drifts
 * by ±50 % within a run; one measured before the other compared the drift, not the cost).
 */
async function addMembers(total: number, batchSize: number, timeLimitMs: number): Promise<PhaseResult> {
  groupId = await createGroup('Bench Group');
  const members = seeded.slice(0, Math.min(total, seeded.length));
  const window = new Window();
  window.start = 0;
  const started = performance.now();
  let truncated = false;
  const addBatch = async (group: string, batch: ReadonlyArray<number>): Promise<number | undefined> => {
    const body = JSON.stringify({
      schemas: [PATCH_URN],
      Operations: [{ op: 'Add', path: 'members', value: batch.map((i) => ({ $ref: null, value: userIds[i] })) }],
    });
    try {
      const response = await send1('PATCH', `${scimPath}/Groups/${group}`, body);
      window.statuses[response.status] = (window.statuses[response.status] ?? 0) + 1;
      window.latencies.push(response.ms);
      if (response.status < 200 || response.status > 299) {
        window.fail(`HTTP ${response.status}: ${response.body}`);
        return undefined;
      }
      return response.ms;
    } catch (error) {
      window.fail(`socket: ${(error as Error).message}`);
      return undefined;
    }
  };
  const compared = Math.min(1000, Math.floor(members.length / 2));
  const growTo = members.length - compared;
  for (let offset = 0; offset < growTo; offset += batchSize) {
    if (performance.now() - started > timeLimitMs) {
      truncated = true;
      break;
    }
    const batch = members.slice(offset, Math.min(offset + batchSize, growTo));
    if ((await addBatch(groupId, batch)) !== undefined) groupMembers += batch.length;
  }
  const smallGroup = await createGroup('Bench Group (small)');
  const smallMs: number[] = [];
  const largeMs: number[] = [];
  for (let offset = 0; !truncated && offset < compared; offset += batchSize) {
    const small = members.slice(offset, Math.min(offset + batchSize, compared));
    const large = members.slice(growTo + offset, Math.min(growTo + offset + batchSize, members.length));
    // Alternate which goes first, so neither side always follows the other's commit.
    const order = (offset / batchSize) % 2 === 0 ? (['small', 'large'] as const) : (['large', 'small'] as const);
    for (const side of order) {
      const ms = side === 'small' ? await addBatch(smallGroup, small) : await addBatch(groupId, large);
      if (ms === undefined) continue;
      if (side === 'small') smallMs.push(ms);
      else {
        largeMs.push(ms);
        groupMembers += large.length;
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const batches: MemberBatches = {
    batchSize,
    membersAdded: groupMembers,
    firstMedian: percentile(sortedCopy(smallMs), 0.5),
    firstMean: smallMs.length ? mean(smallMs) : Number.NaN,
    lastMedian: percentile(sortedCopy(largeMs), 0.5),
    lastMean: largeMs.length ? mean(largeMs) : Number.NaN,
    batchesPerWindow: largeMs.length,
    truncated,
  };
  return window.result('memberAdd', 1, seconds, { batches });
}

async function handle(message: ParentMessage): Promise<void> {
  switch (message.type) {
    case 'init': {
      const url = new URL(message.scimUrl);
      origin = url.origin;
      scimPath = url.pathname.replace(/\/+$/, '');
      token = message.token;
      return;
    }
    case 'seed':
      send({ type: 'result', id: message.id, result: await seed(message.id, message.count, message.connections, message.timeLimitMs) });
      return;
    case 'load':
      send({ type: 'result', id: message.id, result: await runLoad(message.phase, message.url, message.connections, message.warmupMs, message.durationMs) });
      return;
    case 'members':
      send({ type: 'result', id: message.id, result: await addMembers(message.total, message.batchSize, message.timeLimitMs) });
      return;
  }
}

process.on('message', (message: ParentMessage) => {
  handle(message).catch((error: unknown) => {
    const id = 'id' in message ? message.id : -1;
    send({ type: 'failed', id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});
process.on('disconnect', () => {
  agent.destroy();
  process.exit(0);
});
send({ type: 'ready' });
