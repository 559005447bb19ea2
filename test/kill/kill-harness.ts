import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../main/core/create-core';
import { createRandom } from '../fuzz/http-fuzzer';
import { cliCommand } from '../support/cli-command';

/**
 * SIGKILL at random moments under Entra-like load (issue 14), then a restart: every write the
 * service acknowledged must be there, no write may be half there, and SQLite's integrity_check
 * must say ok. The service runs as `serve` in a child process, as an administrator runs it; eight
 * clients provision users and groups the way Entra does, each owning its own resources so every
 * resource's expected state is known: after an acknowledged write, exactly that state; while a
 * write was in flight at the kill, exactly the state before it or exactly the one after it.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTRA = { adscimversion: 'Date: 2026-01-01, ActivityId: 00000000-0000-4000-8000-00000000cafe' };

/** What the checks compare of a user or a group: enough to see a half-applied write. */
interface UserState {
  readonly kind: 'User';
  readonly userName: string;
  readonly displayName: string;
  readonly title: string;
  readonly active: boolean;
  readonly email: string;
}
interface GroupState {
  readonly kind: 'Group';
  readonly displayName: string;
  readonly members: ReadonlyArray<string>;
}
type State = UserState | GroupState | 'deleted';

interface Tracked {
  readonly kind: 'User' | 'Group';
  id: string | undefined;
  /** The state the service acknowledged last; undefined before the create was acknowledged. */
  acked: State | undefined;
  /** A write sent and not answered (yet): its state if it was applied. */
  inflight: State | undefined;
}

export interface KillCycle {
  readonly cycle: number;
  readonly killedAfterMs: number;
  readonly acknowledged: number;
  readonly inflightAtKill: number;
  readonly verified: number;
  readonly integrity: string;
}

export interface KillReport {
  readonly cycles: ReadonlyArray<KillCycle>;
  readonly problems: ReadonlyArray<string>;
}

/** A `serve` child process (also used by test/soak/soak.ts). */
export interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly baseUrl: string;
  readonly token: string | undefined;
  readonly output: () => string;
}

export function startServe(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, [...cliCommand('cli'), 'serve', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--admin-port', '0'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SCIMDESK_'))),
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 60 s:\n${text}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} on start:\n${text}`)));
    child.stdout.on('data', () => {
      if (!text.includes('Press Ctrl+C')) return;
      clearTimeout(timer);
      resolve({ child, baseUrl: /^SCIM endpoint: (\S+)/m.exec(text)![1]!, token: /^Secret token \(shown once\): (\S+)/m.exec(text)?.[1], output: () => text });
    });
  });
}

export function kill(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function userState(n: number, version: number, active: boolean): UserState {
  return { kind: 'User', userName: `kill.user${n}@contoso.com`, displayName: `Kill User ${n} v${version}`, title: `Title ${version}`, active, email: `kill.user${n}.v${version}@contoso.com` };
}

function userBody(state: UserState): unknown {
  return { schemas: [USER], userName: state.userName, displayName: state.displayName, title: state.title, active: state.active, emails: [{ value: state.email, type: 'work', primary: true }] };
}

/** One client's loop: creates, updates (several attributes in one PATCH), member changes and deletes of its own resources. */
async function client(running: Running, token: string, mine: Tracked[], all: Tracked[], serial: { next: number }, r: ReturnType<typeof createRandom>, stop: () => boolean, counted: { acknowledged: number }): Promise<void> {
  const send = async (method: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> | undefined }> => {
    const response = await fetch(running.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', ...ENTRA },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
  /** Sends a write whose result, if applied, is `after`; settles the tracked state by the answer. */
  const write = async (item: Tracked, after: State, run: () => Promise<{ status: number; json: Record<string, unknown> | undefined }>) => {
    item.inflight = after;
    const answer = await run(); // a kill throws here, leaving the write in flight
    if (answer.status >= 200 && answer.status < 300) {
      if (item.id === undefined) item.id = String(answer.json?.['id']);
      item.acked = after;
      counted.acknowledged += 1;
    }
    // Refused (a 409, a 503): nothing may have changed.
    item.inflight = undefined;
  };
  while (!stop()) {
    // Only this client's own resources, so no two writes to one resource are ever in flight together.
    const users = mine.filter((t) => t.kind === 'User' && t.acked !== undefined && t.acked !== 'deleted' && t.id !== undefined);
    const groups = mine.filter((t) => t.kind === 'Group' && t.acked !== undefined && t.acked !== 'deleted' && t.id !== undefined);
    const roll = r.int(10);
    if (roll < 3 || users.length < 3) {
      const n = serial.next++;
      const state = userState(n, 0, true);
      const item: Tracked = { kind: 'User', id: undefined, acked: undefined, inflight: undefined };
      mine.push(item);
      all.push(item);
      await write(item, state, () => send('POST', '/Users', userBody(state)));
    } else if (roll < 6) {
      const item = r.pick(users);
      const before = item.acked as UserState;
      const version = Number(/v(\d+)$/.exec(before.displayName)?.[1] ?? 0) + 1;
      const after = { ...userState(Number(/user(\d+)@/.exec(before.userName)![1]), version, r.chance(0.5)), userName: before.userName };
      await write(item, after, () =>
        send('PATCH', `/Users/${item.id}`, {
          schemas: [PATCH],
          Operations: [
            { op: 'Replace', path: 'displayName', value: after.displayName },
            { op: 'Replace', path: 'title', value: after.title },
            { op: 'Replace', path: 'active', value: after.active ? 'True' : 'False' },
            { op: 'Replace', path: 'emails[type eq "work"].value', value: after.email },
          ],
        }),
      );
    } else if (roll < 7 && users.length >= 3) {
      const members = [r.pick(users), r.pick(users), r.pick(users)].map((u) => u.id!).filter((id, i, all) => all.indexOf(id) === i);
      const n = serial.next++;
      const state: GroupState = { kind: 'Group', displayName: `Kill Group ${n}`, members: [...members].sort() };
      const item: Tracked = { kind: 'Group', id: undefined, acked: undefined, inflight: undefined };
      mine.push(item);
      all.push(item);
      await write(item, state, () => send('POST', '/Groups', { schemas: [GROUP], displayName: state.displayName, members: members.map((value) => ({ value })) }));
    } else if (roll < 9 && groups.length > 0) {
      const item = r.pick(groups);
      const before = item.acked as GroupState;
      const adds = [r.pick(users).id!, r.pick(users).id!].filter((id) => !before.members.includes(id));
      const remove = before.members.length > 0 && r.chance(0.5) ? r.pick(before.members) : undefined;
      const members = [...new Set([...before.members.filter((m) => m !== remove), ...adds])].sort();
      const after: GroupState = { kind: 'Group', displayName: `${before.displayName.replace(/ \*+$/, '')} ${'*'.repeat(1 + r.int(3))}`, members };
      await write(item, after, () =>
        send('PATCH', `/Groups/${item.id}`, {
          schemas: [PATCH],
          Operations: [
            ...(adds.length ? [{ op: 'Add', path: 'members', value: [...new Set(adds)].map((value) => ({ value })) }] : []),
            ...(remove ? [{ op: 'Remove', path: 'members', value: [{ value: remove }] }] : []),
            { op: 'Replace', path: 'displayName', value: after.displayName },
          ],
        }),
      );
    } else if (users.length > 5) {
      // Deleting a user also drops it from every group: only users in no group of this client are deleted.
      const free = users.filter((u) => !groups.some((g) => (g.acked as GroupState).members.includes(u.id!) || (g.inflight !== undefined && g.inflight !== 'deleted' && (g.inflight as GroupState).members.includes(u.id!))));
      if (free.length === 0) continue;
      const item = r.pick(free);
      await write(item, 'deleted', () => send('DELETE', `/Users/${item.id}`, undefined));
    }
  }
}

/** What the restarted service answers for one tracked resource, as a State. */
async function read(running: Running, token: string, item: Tracked): Promise<State> {
  const headers = { authorization: `Bearer ${token}` };
  if (item.id === undefined) {
    // A create in flight at the kill: by its name.
    const name = (item.inflight as UserState | GroupState);
    const filter = name.kind === 'User' ? `userName eq "${name.userName}"` : `displayName eq "${name.displayName}"`;
    const list = (await (await fetch(`${running.baseUrl}/${name.kind}s?filter=${encodeURIComponent(filter)}`, { headers })).json()) as { Resources: Array<{ id: string }> };
    if (list.Resources.length === 0) return 'deleted';
    item.id = list.Resources[0]!.id;
  }
  const response = await fetch(`${running.baseUrl}/${item.kind}s/${item.id}`, { headers });
  if (response.status === 404) return 'deleted';
  if (response.status !== 200) throw new Error(`GET ${item.kind} ${item.id}: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as Record<string, unknown>;
  if (item.kind === 'User') {
    const emails = (body['emails'] ?? []) as Array<{ value: string }>;
    return { kind: 'User', userName: String(body['userName']), displayName: String(body['displayName']), title: String(body['title']), active: body['active'] === true, email: emails[0]?.value ?? '' };
  }
  const members = ((body['members'] ?? []) as Array<{ value: string }>).map((m) => m.value).sort();
  return { kind: 'Group', displayName: String(body['displayName']), members };
}

const same = (a: State | undefined, b: State) => JSON.stringify(a) === JSON.stringify(b);

function integrity(dataDir: string): string {
  // Read-only: the database with its WAL as the kill left them, checked without recovering anything (the restart does that).
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    const result = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check).join('; ');
    // ScimDesk's own index of emails must agree with the documents it was written from.
    const drift = db.prepare(`SELECT count(*) AS n FROM users u WHERE (SELECT count(*) FROM user_emails e WHERE e.user_seq = u.seq) <> json_array_length(coalesce(json_extract(u.doc, '$.emails'), '[]'))`).get() as { n: number };
    return drift.n === 0 ? result : `${result}; ${drift.n} users whose user_emails rows disagree with their document`;
  } finally {
    db.close();
  }
}

/**
 * Runs `cycles` rounds of: start (or restart) the service, check every tracked resource against
 * what was acknowledged, put load on it, SIGKILL it at a random moment; then one last restart and
 * check. `dataDir` should be empty at first.
 */
export async function runKillCycles(dataDir: string, cycles: number, seed: number, log: (line: string) => void = () => undefined): Promise<KillReport> {
  const r = createRandom(seed);
  const tracked: Tracked[] = [];
  /** Each client's own resources, kept across cycles. */
  const owned: Tracked[][] = Array.from({ length: 8 }, () => []);
  const serial = { next: 0 };
  const problems: string[] = [];
  const report: KillCycle[] = [];
  let token: string | undefined;
  for (let cycle = 0; cycle <= cycles; cycle++) {
    const running = await startServe(dataDir);
    token ??= running.token;
    if (!token) throw new Error(`no token printed:\n${running.output()}`);
    let verified = 0;
    // Every resource: the acknowledged state, or (a write in flight at the kill) the state before or after it.
    const queue = [...tracked];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let item = queue.shift(); item; item = queue.shift()) {
          if (item.acked === undefined && item.inflight === undefined) continue;
          const found = await read(running, token!, item);
          const allowed = [item.acked ?? 'deleted', ...(item.inflight !== undefined ? [item.inflight] : [])];
          if (!allowed.some((state) => same(state, found))) {
            problems.push(`cycle ${cycle}: ${item.kind} ${item.id ?? '(create in flight)'} is ${JSON.stringify(found)}, expected ${allowed.map((s) => JSON.stringify(s)).join(' or ')}`);
          }
          item.acked = found === 'deleted' && item.acked === undefined ? undefined : found;
          if (item.acked === undefined) item.id = undefined;
          item.inflight = undefined;
          verified += 1;
        }
      }),
    );
    if (cycle === cycles) {
      await kill(running.child);
      const check = integrity(dataDir);
      if (check !== 'ok') problems.push(`after the last restart: integrity_check ${check}`);
      log(`final restart: ${verified} resources checked, integrity_check ${check}`);
      break;
    }
    // Load, and a SIGKILL at a random moment of it.
    const killAfter = 300 + r.int(2200);
    let stopped = false;
    const counted = { acknowledged: 0 };
    const clients = owned.map((mine, i) =>
      // A request cut off by the kill throws: that client's loop ends there, its write left in flight.
      client(running, token!, mine, tracked, serial, createRandom(seed * 1000 + cycle * 10 + i), () => stopped, counted).catch(() => undefined),
    );
    await new Promise((resolve) => setTimeout(resolve, killAfter));
    await kill(running.child);
    stopped = true;
    await Promise.all(clients);
    const acknowledged = counted.acknowledged;
    const inflight = tracked.filter((t) => t.inflight !== undefined).length;
    const check = integrity(dataDir);
    if (check !== 'ok') problems.push(`cycle ${cycle}: integrity_check after the kill: ${check}`);
    report.push({ cycle, killedAfterMs: killAfter, acknowledged, inflightAtKill: inflight, verified, integrity: check });
    log(`cycle ${cycle + 1}/${cycles}: killed after ${killAfter} ms, ${acknowledged} writes acknowledged, ${inflight} in flight, ${verified} resources checked on restart, integrity_check ${check}`);
  }
  return { cycles: report, problems };
}
