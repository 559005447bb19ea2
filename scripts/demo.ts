/**
 * `npm run demo`: try Compare & Fix without an Entra tenant.
 *
 * Starts the demo fake Entra tenant (in this process, HTTPS with the test CA)
 * and ScimDesk's serve mode (a child process started with NODE_EXTRA_CA_CERTS
 * naming that CA, on a scratch data folder), connects ScimDesk to the tenant
 * through `npm run graph -- connect` (the client secret goes through stdin into
 * the secret store, never onto a command line), then replays an Entra-like
 * provisioning cycle over the real SCIM endpoint with deliberate mismatches, and
 * prints the Admin UI link and what to try. Ctrl+C stops everything.
 *
 * A development script (it imports the test fixtures), so it lives in scripts/,
 * out of main/ which ships.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { GraphUser } from '../main/graph/graph-types';
import { startDemoTenant, type DemoTenant } from './fake-tenant/demo-tenant';
import { ensureTenantCa, tenantCaEnv } from './fake-tenant/ensure-ca.mjs';
import { guidFrom } from './fake-tenant/scenario';
import { withDuplicateExternalIdsAccepted } from './duplicate-external-ids';
import { createSqliteStore } from '../main/store/sqlite-store';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'main', 'service', 'cli.ts');
const GRAPH_CLI = join(ROOT, 'main', 'service', 'graph-cli.ts');
/** Every wait of the demo is bounded: a child that hangs must not hang the demo. */
const WAIT_MS = 60_000;

const URN_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const URN_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const URN_ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const URN_ADSCIM_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const URN_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const USAGE = `ScimDesk demo: Compare & Fix against a fake Entra tenant

Usage: npm run demo -- [--data-dir D] [--port N] [--admin-port N]

  --data-dir    a new or empty folder for the demo's data (default: a temporary folder, removed at the end)
  --port        SCIM port (default: any free port)
  --admin-port  admin UI port (default: any free port)`;

class UsageError extends Error {}

interface Options {
  readonly dataDir: string;
  readonly temporary: boolean;
  readonly port: string;
  readonly adminPort: string;
}

function options(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { 'data-dir': { type: 'string' }, port: { type: 'string' }, 'admin-port': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return null;
  for (const name of ['port', 'admin-port'] as const) {
    const raw = values[name];
    if (raw !== undefined && !(/^\d+$/.test(raw) && Number(raw) <= 65535)) throw new UsageError(`--${name} must be a port number from 0 to 65535, got "${raw}"`);
  }
  const given = values['data-dir'];
  let dataDir: string;
  if (given !== undefined) {
    dataDir = resolve(given);
    // The demo writes its own records: into an existing ScimDesk folder they would mix with real ones.
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) throw new UsageError(`--data-dir must be a new or empty folder; ${dataDir} is not empty`);
    mkdirSync(dataDir, { recursive: true });
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-demo-'));
  }
  return { dataDir, temporary: given === undefined, port: values.port ?? '0', adminPort: values['admin-port'] ?? '0' };
}

// ---- child processes --------------------------------------------------------

interface Serve {
  readonly child: ChildProcess;
  readonly scimUrl: string;
  readonly token: string;
  readonly adminUrl: string;
  readonly loginNote: string;
}

/** Starts `serve` on the data folder and reads the lines it prints at start (endpoint, first token, login link). */
function startServe(opts: Options, env: NodeJS.ProcessEnv, onSpawn: (child: ChildProcess) => void): Promise<Serve> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'serve', '--data-dir', opts.dataDir, '--host', '127.0.0.1', '--port', opts.port, '--admin-port', opts.adminPort],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  onSpawn(child);
  createInterface({ input: child.stderr! }).on('line', (line) => console.error(`[serve] ${line}`));
  const found = new Map<string, string>();
  let ready = false;
  let loginNote = '';
  const printed: string[] = [];
  return new Promise<Serve>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no "Press Ctrl+C" line within ${WAIT_MS / 1000} s:\n${printed.join('\n')}`)), WAIT_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (ready) {
        // After start serve only says it is stopping, which the demo has said already (Ctrl+C reaches both):
        // pass on what it did, not its own copy of the signal line or its blank lines.
        if (line.trim() !== '' && !/^SIG[A-Z]+ received: stopping/.test(line)) console.log(`[serve] ${line}`);
        return;
      }
      printed.push(line);
      const match = /^([A-Za-z ()]+?): (.*)$/.exec(line.trim());
      if (match) found.set(match[1]!, match[2]!);
      if (line.trim().startsWith('This login link works once')) loginNote = line.trim();
      if (!line.startsWith('Press Ctrl+C')) return;
      ready = true;
      clearTimeout(timer);
      const scimUrl = found.get('SCIM endpoint');
      const token = found.get('Secret token (shown once)');
      const adminUrl = found.get('Admin UI');
      if (!scimUrl || !token || !adminUrl) {
        reject(new Error(`serve did not print its endpoint, a first token and a login link:\n${printed.join('\n')}`));
        return;
      }
      resolvePromise({ child, scimUrl, token, adminUrl, loginNote });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`serve exited with ${code} before it was ready:\n${printed.join('\n')}`));
    });
  });
}

/** Runs `npm run graph -- connect` for the demo tenant with the client secret on stdin. */
function connectScimDesk(demo: DemoTenant, dataDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const c = demo.connection;
  const args = [
    '--import', 'tsx', GRAPH_CLI, 'connect', '--data-dir', dataDir,
    '--tenant-id', c.tenantId, '--client-id', c.clientId,
    '--cloud', 'custom', '--authority-host', c.authorityHost!, '--graph-url', c.graphBaseUrl!,
    '--app-id', c.appId!, '--client-secret-stdin',
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(demo.clientSecret);
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('`graph connect` did not finish within 60 s'));
    }, WAIT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else reject(new Error(`\`graph connect\` failed (exit ${code}):\n${output}`));
    });
  });
}

/** Sends SIGINT and waits (bounded) for the child to exit; kills it if it does not. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill('SIGINT');
  });
}

// ---- the provisioning cycle ------------------------------------------------------

type Json = Record<string, unknown>;

/** What the replay did, for the summary. */
interface ReplayStats {
  requests: number;
  created: number;
  refused409: number;
  groups: number;
  members: number;
}

class ScimClient {
  readonly stats: ReplayStats = { requests: 0, created: 0, refused409: 0, groups: 0, members: 0 };

  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  async send(method: string, path: string, body?: unknown, expect: ReadonlyArray<number> = [200, 201, 204]): Promise<{ status: number; body: Json | null }> {
    this.stats.requests += 1;
    const response = await fetch(this.base + path, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!expect.includes(response.status)) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : null };
  }

  /** Entra's probe: a filter on one attribute, answered 200 with a ListResponse (empty when nothing matches). */
  async probe(resource: 'Users' | 'Groups', attribute: string, value: string): Promise<number> {
    const extra = resource === 'Groups' ? 'excludedAttributes=members&' : '';
    const { body } = await this.send('GET', `/${resource}?${extra}filter=${encodeURIComponent(`${attribute} eq "${value}"`)}`, undefined, [200]);
    return Number(body?.['totalResults'] ?? 0);
  }

  async createUser(user: Json, expect: ReadonlyArray<number> = [201]): Promise<string | null> {
    const { status, body } = await this.send('POST', '/Users', user, expect);
    if (status === 409) {
      this.stats.refused409 += 1;
      return null;
    }
    this.stats.created += 1;
    return String(body!['id']);
  }
}

/** A user as Entra's provisioning service sends it (core + enterprise extension, work email, name). */
function entraUserPayload(user: GraphUser, externalId: string | null, overrides: Partial<{ userName: string; displayName: string; emails: string[] }> = {}): Json {
  const displayName = overrides.displayName ?? user.displayName ?? user.userPrincipalName;
  const [givenName, ...rest] = displayName.split(' ');
  const emails = overrides.emails ?? (user.mail ? [user.mail] : []);
  return {
    schemas: [URN_USER, URN_ENTERPRISE],
    ...(externalId !== null ? { externalId } : {}),
    userName: overrides.userName ?? user.userPrincipalName,
    active: true,
    displayName,
    emails: emails.map((value, index) => ({ primary: index === 0, type: 'work', value })),
    meta: { resourceType: 'User' },
    name: { formatted: displayName, givenName: givenName ?? displayName, familyName: rest.join(' ') || displayName },
    roles: [],
    [URN_ENTERPRISE]: { employeeNumber: user.employeeId ?? null, department: 'Demo' },
  };
}

/** A local record that never came from Entra (created by an HR import, an admin, a script). */
function localUserPayload(userName: string, displayName: string, externalId: string | null, emails: string[] = [userName]): Json {
  return {
    schemas: [URN_USER],
    ...(externalId !== null ? { externalId } : {}),
    userName,
    active: true,
    displayName,
    emails: emails.map((value, index) => ({ primary: index === 0, type: 'work', value })),
  };
}

function groupPayload(displayName: string, externalId: string | null): Json {
  return { schemas: [URN_GROUP, URN_ADSCIM_GROUP], ...(externalId !== null ? { externalId } : {}), displayName, meta: { resourceType: 'Group' }, members: [] };
}

/** The deliberate mismatches, by tenant user index; the summary lists them. */
const MAIL_NICKNAME_EXTERNAL_ID = [20, 21, 22, 23, 24];
const PRE_EXISTING = [25, 26, 28, 29];
const PRE_EXISTING_LEGACY_NAME = 27;
const MAIL_ONLY_NOT_YET_PROVISIONED = 112;
const WRONG_OBJECT_ID = { user: 30, holds: 31 };
const DUPLICATE_CLAIM = 32;
const UNASSIGNED_SINCE = 45;
const SOFT_DELETED = 99;
const RENAMED_LOCALLY = 5;
const UPPER_CASE_EXTERNAL_ID = 6;
const NOT_YET_PROVISIONED = [110, 111, 112, 113, 114, 115, 116, 117, 118, 119];

/**
 * One provisioning cycle as Entra runs it against a new endpoint (Test Connection
 * probe, schema read, probe-then-create for each user in scope, groups created
 * empty then filled by PATCH, a soft delete), plus the local history that makes
 * the mismatches support engineers meet: users that existed before provisioning,
 * Entra's default externalId mapping (mailNickname), a wrongly typed objectId, a
 * restored duplicate, a user unassigned in Entra, records Entra never knew.
 */
async function replayCycle(scim: ScimClient, demo: DemoTenant, dataDir: string): Promise<string[]> {
  const users = demo.tenant.users;
  const u = (i: number) => users[i]!;
  const localIds = new Map<number, string>();
  const told: string[] = [];

  // 1. Before Entra: records the on-premises system already had.
  for (const i of PRE_EXISTING) await scim.createUser(localUserPayload(u(i).userPrincipalName, u(i).displayName ?? '', null, [u(i).mail!]));
  const legacy = u(PRE_EXISTING_LEGACY_NAME);
  await scim.createUser(localUserPayload(`${legacy.mailNickname}.legacy`, `${legacy.displayName} (legacy)`, null, [legacy.mail!]));
  const later = u(MAIL_ONLY_NOT_YET_PROVISIONED);
  await scim.createUser(localUserPayload(`${later.mailNickname}.legacy`, `${later.displayName} (legacy)`, null, [later.mail!]));
  await scim.createUser(localUserPayload('frontdesk@contoso-demo.com', 'Front desk (shared)', null));
  for (const name of ['contractor.one', 'contractor.two', 'svc-backup']) await scim.createUser(localUserPayload(`${name}@contoso-demo.com`, name, null));
  await scim.send('POST', '/Groups', groupPayload('Platform team', null), [201]);
  await scim.send('POST', '/Groups', groupPayload('Helpdesk (legacy)', null), [201]);
  scim.stats.groups += 2;

  // 2. Entra's cycle: Test Connection, the schema read when the admin saves, then users in scope.
  await scim.probe('Users', 'userName', randomUUID());
  await scim.send('GET', '/Schemas', undefined, [200]);
  const scope = demo.tenant.scopeUserIds(demo.enterpriseApp);
  const skip = new Set([WRONG_OBJECT_ID.user, WRONG_OBJECT_ID.holds, ...NOT_YET_PROVISIONED]);
  for (let i = 0; i < users.length; i++) {
    const user = u(i);
    if (!scope.has(user.id) || skip.has(i)) continue;
    // Entra's default mapping sends mailNickname as externalId; these few were provisioned before it was fixed.
    const externalId = MAIL_NICKNAME_EXTERNAL_ID.includes(i) ? user.mailNickname! : user.id;
    await scim.probe('Users', 'externalId', externalId);
    // A local user with the same userName already exists: 409 uniqueness, and Entra does not link it.
    const id = await scim.createUser(entraUserPayload(user, externalId), [201, 409]);
    if (id) localIds.set(i, id);
  }
  for (const group of demo.tenant.groups) {
    if (!demo.enterpriseApp.assignments.some((a) => a.principalId === group.id)) continue;
    // Groups: Engineering with objectId; Sales from the days externalId was mapped from displayName.
    const displayName = group.displayName ?? group.id;
    const externalId = displayName === 'Sales' ? displayName : group.id;
    await scim.probe('Groups', 'displayName', displayName);
    const { body } = await scim.send('POST', '/Groups', groupPayload(displayName, externalId), [201]);
    scim.stats.groups += 1;
    const memberIds = group.members.map((id) => users.findIndex((x) => x.id === id)).filter((i) => localIds.has(i)).map((i) => localIds.get(i)!);
    for (let start = 0; start < memberIds.length; start += 20) {
      const batch = memberIds.slice(start, start + 20);
      await scim.send('PATCH', `/Groups/${String(body!['id'])}`, { schemas: [URN_PATCH], Operations: [{ op: 'Add', path: 'members', value: batch.map((value) => ({ $ref: null, value })) }] }, [204, 200]);
      scim.stats.members += batch.length;
    }
  }
  // Disabled in Entra: soft delete in the default dialect (a boolean as a string).
  const disabled = localIds.get(SOFT_DELETED);
  if (disabled) await scim.send('PATCH', `/Users/${disabled}`, { schemas: [URN_PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });

  // 3. Local history after the cycle.
  const wrong = u(WRONG_OBJECT_ID.user);
  await scim.createUser(entraUserPayload(wrong, u(WRONG_OBJECT_ID.holds).id));
  const dup = u(DUPLICATE_CLAIM);
  // Restored from a backup taken before the directory refused a second record with one objectId.
  const store = createSqliteStore(join(dataDir, 'scimdesk.db'), { checkpointWorker: false });
  try {
    await withDuplicateExternalIdsAccepted(store, () =>
      scim.createUser(localUserPayload(`${dup.mailNickname}.old@contoso-demo.com`, `${dup.displayName} (restored from backup)`, dup.id)),
    );
  } finally {
    await store.close();
  }
  const gone = u(UNASSIGNED_SINCE);
  await scim.createUser(entraUserPayload(gone, gone.id));
  await scim.createUser(localUserPayload('former.employee@contoso-demo.com', 'Former employee', guidFrom('deleted from Entra long ago')));
  const renamed = localIds.get(RENAMED_LOCALLY);
  if (renamed) await scim.send('PATCH', `/Users/${renamed}`, { schemas: [URN_PATCH], Operations: [{ op: 'Replace', path: 'displayName', value: 'Renamed in the local app' }] });
  const upper = localIds.get(UPPER_CASE_EXTERNAL_ID);
  if (upper) await scim.send('PATCH', `/Users/${upper}`, { schemas: [URN_PATCH], Operations: [{ op: 'Replace', path: 'externalId', value: u(UPPER_CASE_EXTERNAL_ID).id.toUpperCase() }] });

  const name = (i: number) => u(i).userPrincipalName;
  // "Never provisioned" is what no local record represents: not the user a legacy record already
  // matches by mail, but the one whose objectId another person's record holds.
  const neverProvisioned = [...NOT_YET_PROVISIONED.filter((i) => i !== MAIL_ONLY_NOT_YET_PROVISIONED), WRONG_OBJECT_ID.holds];
  told.push(
    `mismatch      ${MAIL_NICKNAME_EXTERNAL_ID.length} users created with externalId = mailNickname (Entra's default mapping), e.g. ${name(MAIL_NICKNAME_EXTERNAL_ID[0]!)}`,
    `mismatch      ${name(WRONG_OBJECT_ID.user)} holds the objectId of ${name(WRONG_OBJECT_ID.holds)} (typed by hand)`,
    `mismatch      former.employee@contoso-demo.com names an objectId that no longer exists in Entra`,
    `mismatch      group Sales has externalId "Sales" (mapped from displayName)`,
    `unlinked      ${PRE_EXISTING.length} local users that existed before provisioning (Entra's creates got 409 and never linked them)`,
    `unlinked      ${legacy.mailNickname}.legacy and ${later.mailNickname}.legacy match only by mail (need your approval; one is refused: its Entra user is linked elsewhere)`,
    `duplicate     ${dup.mailNickname}.old@contoso-demo.com (restored from backup) claims the objectId of ${name(DUPLICATE_CLAIM)}`,
    `duplicate     frontdesk@contoso-demo.com matches two Entra users with the same mail`,
    `orphan        contractor.one, contractor.two, svc-backup and group "Helpdesk (legacy)": not in Entra`,
    `orphan        ${name(UNASSIGNED_SINCE)}: provisioned, then unassigned from the application in Entra`,
    `notProvisioned ${neverProvisioned.length} users in scope that no local record represents: ${neverProvisioned.length - 1} the cycle has not reached yet, and ${name(WRONG_OBJECT_ID.holds)}, whose objectId ${name(WRONG_OBJECT_ID.user)} holds (${name(MAIL_ONLY_NOT_YET_PROVISIONED)} is not counted: a legacy record with its mail represents it)`,
    `linked+drift  ${name(RENAMED_LOCALLY)} renamed locally; ${name(UPPER_CASE_EXTERNAL_ID)} has its objectId in upper case; ${name(SOFT_DELETED)} soft-deleted (active false)`,
  );
  return told;
}

/** Two Entra users sharing one mailbox address: the "duplicates in Entra" case. */
function addSharedMailbox(demo: DemoTenant): void {
  demo.tenant.addUsers(
    ['a', 'b'].map((suffix) => ({
      id: guidFrom(`demo frontdesk ${suffix}`),
      userPrincipalName: `frontdesk.${suffix}@contoso-demo.com`,
      mail: 'frontdesk@contoso-demo.com',
      mailNickname: `frontdesk.${suffix}`,
      displayName: `Front desk ${suffix.toUpperCase()}`,
      accountEnabled: true,
      employeeId: null,
    })),
  );
}

// ---- main --------------------------------------------------------------------------

async function main(): Promise<number> {
  let opts: Options | null;
  try {
    opts = options(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError || String((error as { code?: string }).code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`Error: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (!opts) {
    console.log(USAGE);
    return 0;
  }
  const { dataDir } = opts;

  let demo: DemoTenant | undefined;
  let serve: Serve | undefined;
  let serveChild: ChildProcess | undefined;
  let stopping: Promise<number> | undefined;
  const stop = (code: number): Promise<number> =>
    (stopping ??= (async () => {
      if (serveChild) await stopChild(serveChild);
      await demo?.tenant.close();
      if (opts.temporary) rmSync(dataDir, { recursive: true, force: true });
      console.log(opts.temporary ? 'Demo stopped; its temporary data folder was removed.' : `Demo stopped; its data stays in ${dataDir}.`);
      return code;
    })());
  const stopped = new Promise<number>((resolvePromise) => {
    // One line however often the signal comes: Ctrl+C reaches the demo from the terminal and again from tsx, which relays it.
    let signalled = false;
    const onSignal = (signal: string) => {
      if (signalled) return;
      signalled = true;
      console.log(`\n${signal} received: stopping the demo…`);
      void stop(0).then(resolvePromise);
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
  });

  try {
    console.log('Starting the fake Entra tenant and ScimDesk (serve mode)…');
    demo = await startDemoTenant();
    addSharedMailbox(demo);
    const env = tenantCaEnv(process.env);
    serve = await startServe(opts, env, (child) => (serveChild = child));
    serve.child.once('exit', (code) => {
      if (!stopping) {
        console.error(`ScimDesk (serve) stopped unexpectedly (exit ${code}); stopping the demo.`);
        void stop(1).then((c) => process.exit(c));
      }
    });
    if (stopping) return await stopping;
    await connectScimDesk(demo, dataDir, env);
    const scim = new ScimClient(serve.scimUrl, serve.token);
    const told = await replayCycle(scim, demo, dataDir);
    const s = scim.stats;
    const ca = ensureTenantCa().caCertPath;
    const cliEnv = process.platform === 'win32' ? `set NODE_EXTRA_CA_CERTS=${ca}` : `export NODE_EXTRA_CA_CERTS=${JSON.stringify(ca)}`;
    const folder = JSON.stringify(dataDir);
    console.log(
      [
        '',
        'ScimDesk demo',
        `Data folder: ${dataDir}${opts.temporary ? ' (temporary: removed when the demo stops)' : ''}`,
        `SCIM endpoint: ${serve.scimUrl}`,
        `Fake Entra tenant: ${demo.tenant.origin} (${demo.tenant.displayName}; ${demo.tenant.users.length} users, enterprise application "${demo.enterpriseApp.displayName}")`,
        'Graph connection: saved (custom cloud; the client secret is in the secret store)',
        `Replayed an Entra provisioning cycle: ${s.requests} SCIM requests, ${s.created} users and ${s.groups} groups created, ${s.members} memberships, ${s.refused409} creates refused with 409.`,
        '',
        'Deliberate mismatches for Compare to find:',
        ...told.map((line) => `  ${line}`),
        '',
        `Admin UI: ${serve.adminUrl}`,
        `  ${serve.loginNote || `This login link works once; \`npm run admin-link -- --data-dir ${folder}\` prints a new one.`}`,
        '',
        'What to try: open Compare & Fix → Fetch from Entra → Compare → Preview fixes',
        '  (approve a mail-only match, apply the plan, look at the audit trail, then undo it).',
        '',
        'Or from the command line, in another terminal (it must trust the fake tenant\'s test CA):',
        `  ${cliEnv}`,
        `  npm run graph -- compare --data-dir ${folder} --out demo-report.json`,
        `  npm run graph -- fix --data-dir ${folder} --plan demo-report.json --dry-run`,
        '',
        'Press Ctrl+C to stop.',
      ].join('\n'),
    );
  } catch (error) {
    if (stopping) return await stopping;
    console.error(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`);
    return await stop(1);
  }
  return await stopped;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('The demo failed:', error);
    process.exit(1);
  },
);
