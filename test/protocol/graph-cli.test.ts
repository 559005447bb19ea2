import '../support/trust-tenant-ca';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GraphUser } from '../../main/graph/graph-types';
import type { DirectoryStore } from '../../main/store/directory-store';
import { createSqliteStore } from '../../main/store/sqlite-store';
import type { FakeGroup, FakeServicePrincipal } from '../../scripts/fake-tenant/fake-tenant';
import { ALL_SCIMDESK_PERMISSIONS, createClientCertificate, generateUsers, guidFrom } from '../../scripts/fake-tenant/scenario';
import { withDuplicateExternalIdsAccepted } from '../../scripts/duplicate-external-ids';
import { startGraphTestTenant, type GraphTestTenant } from '../support/graph-test-tenant';
import { cliCommand } from '../support/cli-command';

/**
 * `npm run graph -- …` as a support engineer runs it: a separate process on the
 * data folder of a running service (`serve`, with its log files), then of a
 * stopped one, against the fake tenant over HTTPS. The secret goes in on stdin
 * and must come out nowhere.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const CLI = cliCommand('graph-cli');
const SERVE = [...cliCommand('cli'), 'serve'];
const SECRET = `cli~${randomBytes(24).toString('base64url')}`;
const LIMITED_SECRET = `lim~${randomBytes(24).toString('base64url')}`;
const PFX_PASSWORD = `pfx~${randomBytes(12).toString('base64url')}`;
const URN_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const URN_ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const URN_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const URN_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Every output any CLI run produced, to check that the secret is in none of them. */
const outputs: string[] = [];

/** Runs the CLI asynchronously (the fake tenant and the core answer from this process), bounded to 180 s (six at once took 60 s on a loaded 2-core machine). */
function graph(args: ReadonlyArray<string>, input?: string): Promise<Run> {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input ?? '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`graph ${args.join(' ')} did not finish within 180 s:\n${stdout}\n${stderr}`));
    }, 180_000);
    child.once('exit', (status) => {
      clearTimeout(timer);
      outputs.push(stdout, stderr);
      resolve({ status, stdout, stderr });
    });
  });
}

function expectExit(run: Run, status: number, what: string): void {
  assert.equal(run.status, status, `${what}: exit ${run.status}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
}

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

type Json = Record<string, any>;

/** The headless service on a data folder: what it printed at start, and the process. */
interface Service {
  readonly child: ChildProcessWithoutNullStreams;
  readonly scimUrl: string;
  readonly token: string;
}

function startService(dataDir: string): Promise<Service> {
  const child = spawn(process.execPath, [...SERVE, '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--admin-port', '0'], { cwd: ROOT, env: process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no "Press Ctrl+C" line in 60 s:\n${text}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (!text.includes('Press Ctrl+C')) return;
      clearTimeout(timer);
      const scimUrl = /SCIM endpoint: (\S+)/.exec(text)?.[1];
      const token = /Secret token \(shown once\): (\S+)/.exec(text)?.[1];
      if (scimUrl && token) resolve({ child, scimUrl, token });
      else reject(new Error(`serve printed no endpoint or token:\n${text}`));
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${text}`)));
  });
}

function stopService(service: Service): Promise<number | null> {
  if (service.child.exitCode !== null) return Promise.resolve(service.child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => service.child.kill('SIGKILL'), 20_000);
    service.child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    service.child.kill('SIGTERM');
  });
}

const RECORD_KEYS = ['localId', 'userName', 'displayName', 'externalId', 'objectId', 'represents', 'category', 'reasonCode', 'reason', 'candidates', 'drift'];
const GROUP_KEYS = RECORD_KEYS.filter((key) => key !== 'userName');
const CANDIDATE_KEYS = ['objectId', 'matchedOn', 'confidence', 'reason', 'userPrincipalName', 'displayName', 'mail', 'mailNickname', 'accountEnabled', 'employeeId', 'inScope', 'linkedTo'];

describe('graph command (Compare & Fix from the command line)', () => {
  let t: GraphTestTenant;
  let service: Service;
  /** The same database, opened by the test to check what the CLI wrote. */
  let store: DirectoryStore;
  let dataDir: string;
  let sp: FakeServicePrincipal;
  let users: GraphUser[];
  let finance: FakeGroup;
  const ids: Record<string, string> = {};
  let reportFile: string;
  let report: Json;
  let scratch: string;

  const connectArgs = (clientId: string) => [
    'connect', '--data-dir', dataDir, '--tenant-id', t.tenant.tenantId, '--client-id', clientId,
    '--cloud', 'custom', '--authority-host', t.tenant.authorityHost, '--graph-url', t.tenant.graphBaseUrl,
    '--app-id', sp.appId, '--client-secret-stdin',
  ];

  const scim = (path: string, init: RequestInit = {}) =>
    fetch(service.scimUrl + path, { ...init, headers: { authorization: `Bearer ${service.token}`, 'content-type': 'application/scim+json' }, signal: AbortSignal.timeout(30_000) });
  const createUser = async (body: Json): Promise<string> => {
    const response = await scim('/Users', { method: 'POST', body: JSON.stringify(body) });
    assert.equal(response.status, 201, await response.clone().text());
    return ((await response.json()) as { id: string }).id;
  };
  const createGroup = async (displayName: string, externalId?: string): Promise<string> => {
    const response = await scim('/Groups', { method: 'POST', body: JSON.stringify({ schemas: [URN_GROUP], displayName, ...(externalId ? { externalId } : {}) }) });
    assert.equal(response.status, 201, await response.clone().text());
    return ((await response.json()) as { id: string }).id;
  };
  const entraUser = (u: GraphUser, externalId: string | null, displayName?: string): Json => ({
    schemas: [URN_USER, URN_ENTERPRISE],
    ...(externalId ? { externalId } : {}),
    userName: u.userPrincipalName,
    displayName: displayName ?? u.displayName,
    active: true,
    emails: [{ type: 'work', primary: true, value: u.mail }],
    [URN_ENTERPRISE]: { employeeNumber: u.employeeId },
  });
  /** externalId of every local user and group, by local id. */
  const externalIds = async (): Promise<Record<string, string | null>> => {
    const snapshot = await store.localSnapshot(new Date());
    return Object.fromEntries([...snapshot.users, ...snapshot.groups].map((r) => [r.id, r.externalId]));
  };

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'scimdesk-graph-cli-'));
    reportFile = join(scratch, 'report.json');
    t = await startGraphTestTenant({ secret: SECRET });
    users = generateUsers(12, { prefix: 'cli', domain: 'fabrikam.test' });
    t.tenant.addUsers(users);
    // Two Entra users sharing one mailbox address.
    t.tenant.addUsers(
      ['a', 'b'].map((s) => ({ id: guidFrom(`cli shared ${s}`), userPrincipalName: `shared.${s}@fabrikam.test`, mail: 'shared@fabrikam.test', mailNickname: `shared.${s}`, displayName: `Shared ${s}`, accountEnabled: true, employeeId: null })),
    );
    sp = t.tenant.addEnterpriseApp({ displayName: 'ScimDesk CLI' });
    for (const u of users.slice(0, 10)) t.tenant.assign(sp, u.id, 'User');
    finance = t.tenant.addGroup({ displayName: 'Finance', members: [users[0]!.id, users[1]!.id] });
    const ops = t.tenant.addGroup({ displayName: 'Ops' });
    t.tenant.assign(sp, finance.id, 'Group');
    t.tenant.assign(sp, ops.id, 'Group');

    // A running service with its log files, whose data folder the CLI shares.
    dataDir = join(scratch, 'data');
    service = await startService(dataDir);
    store = createSqliteStore(join(dataDir, 'scimdesk.db'));
    const u = (i: number) => users[i]!;
    ids['linked'] = await createUser(entraUser(u(0), u(0).id, 'Renamed locally'));
    ids['nickname'] = await createUser(entraUser(u(1), u(1).mailNickname!));
    ids['unlinked'] = await createUser(entraUser(u(2), null));
    ids['mailOnly'] = await createUser({ schemas: [URN_USER], userName: 'legacy3', emails: [{ type: 'work', value: u(3).mail }] });
    ids['claimA'] = await createUser(entraUser(u(4), u(4).id));
    // A second record with one objectId: data from before the directory refused duplicates.
    ids['claimB'] = await withDuplicateExternalIdsAccepted(store, () =>
      createUser({ schemas: [URN_USER], userName: 'cli000004.old@fabrikam.test', externalId: u(4).id }),
    );
    ids['orphan'] = await createUser({ schemas: [URN_USER], userName: 'ghost@fabrikam.test' });
    ids['shared'] = await createUser({ schemas: [URN_USER], userName: 'shared@fabrikam.test' });
    ids['wrongObject'] = await createUser(entraUser(u(5), u(6).id));
    ids['finance'] = await createGroup('Finance', finance.id);
    ids['ops'] = await createGroup('Ops');
    ids['oldTeam'] = await createGroup('Old team');
  });

  after(async () => {
    if (service) await stopService(service);
    await store?.close();
    await t?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('answers bad arguments with exit 2 and the usage', async () => {
    const cases = [
      ['compare', '--data-dir', dataDir, '--bogus'],
      ['compare', '--data-dir', dataDir, '--plan', 'x.json'],
      ['fix', '--data-dir', dataDir, '--plan', 'x.json'],
      ['connect', '--data-dir', dataDir, '--client-id', guidFrom('x')],
      ['restart', '--data-dir', dataDir, '--job-id', 'j', '--scope', 'Everything'],
      ['frobnicate', '--data-dir', dataDir],
    ];
    const runs = await Promise.all(cases.map((args) => graph(args)));
    for (const [index, run] of runs.entries()) {
      const args = cases[index]!;
      expectExit(run, 2, args.join(' '));
      assert.match(run.stderr, /^Error: .+\n\nScimDesk: Compare & Fix with Microsoft Graph/, args.join(' '));
    }
    const help = await graph(['help']);
    expectExit(help, 0, 'help');
    assert.match(help.stdout, /Examples:\n/);
    assert.match(help.stdout, /fix --data-dir D --plan report\.json --dry-run/);
  });

  it('says clearly that Graph is not connected yet, and that a folder holds no ScimDesk data', async () => {
    const run = await graph(['test', '--data-dir', dataDir]);
    expectExit(run, 1, 'test before connect');
    assert.match(run.stderr, /Connect to Microsoft Graph first/);
    assert.match(run.stderr, /npm run graph -- connect .*--client-secret-stdin/);
    const empty = await graph(['compare', '--data-dir', join(scratch, 'nothing-here')]);
    expectExit(empty, 1, 'compare on an empty folder');
    assert.match(empty.stderr, /No ScimDesk data in .*nothing-here/);
    assert.equal(existsSync(join(scratch, 'nothing-here')), false, 'a mistyped --data-dir is not created');
  });

  it('connects with the secret on stdin into the secret store, where the running service finds it', async () => {
    const run = await graph(connectArgs(t.app.clientId), `${SECRET}\n`);
    expectExit(run, 0, 'connect');
    assert.match(run.stdout, /Saved the Microsoft Graph connection/);
    assert.match(run.stdout, new RegExp(`Tenant: +${t.tenant.tenantId}`));
    assert.match(run.stdout, /Credential: +client secret, kept in a file only this account can read/);
    assert.match(run.stdout, new RegExp(`Enterprise application: ${sp.appId}`));
    // Stored where the secret store keeps it, and only there.
    assert.ok(readFileSync(join(dataDir, 'secrets.json'), 'utf8').includes(SECRET), 'the secret is in the secret store');
    const saved = await store.getSetting<{ clientId: string; auth: { kind: string } }>('graph.connection');
    assert.deepEqual([saved?.clientId, saved?.auth.kind], [t.app.clientId, 'secret'], 'the connection is in the shared database (the service reads it there)');
  });

  it("--graph-resource: refused outside a custom cloud or when not an https URL; the default is Graph's own resource, which the tenant accepts", async () => {
    const global = await graph(['connect', '--data-dir', dataDir, '--tenant-id', t.tenant.tenantId, '--client-id', t.app.clientId, '--graph-resource', 'https://graph.microsoft.com']);
    expectExit(global, 2, '--graph-resource with the global cloud');
    assert.match(global.stderr, /^Error: --authority-host, --graph-url and --graph-resource are for --cloud custom only/);
    const bare = await graph([...connectArgs(t.app.clientId), '--graph-resource', 'graph.microsoft.com'], SECRET);
    expectExit(bare, 2, 'a token resource without https://');
    assert.match(bare.stderr, /^Error: --graph-resource: The token resource "graph\.microsoft\.com" is not an absolute URL: give one such as https:\/\/graph\.microsoft\.com/);

    // Set to the proxy's own address (what ScimDesk asked for before): the tenant, like Entra, refuses it.
    const proxy = await graph([...connectArgs(t.app.clientId), '--graph-resource', t.tenant.graphBaseUrl], SECRET);
    expectExit(proxy, 0, 'connect with the Graph URL as token resource');
    assert.match(proxy.stdout, new RegExp(`Token resource: +${t.tenant.graphBaseUrl.replace(/\./g, '\\.')}\n`));
    const refused = await graph(['test', '--data-dir', dataDir]);
    expectExit(refused, 3, 'test with a token resource the tenant does not know');
    assert.match(refused.stdout, /Token: +FAILED \(AADSTS500011\)/);
    assert.match(refused.stdout, /set the token resource to Graph's own/);

    const byDefault = await graph(connectArgs(t.app.clientId), SECRET);
    expectExit(byDefault, 0, 'connect with the default token resource');
    assert.match(byDefault.stdout, /Token resource: +https:\/\/graph\.microsoft\.com \(the default for this Graph URL; --graph-resource sets another\)/);
    assert.equal((await store.getSetting<{ graphResource?: string }>('graph.connection'))?.graphResource, undefined, 'the default is not saved: it follows the Graph URL');
  });

  it('test prints the token, each permission and the enterprise app, and exits 0 when Compare can run', async () => {
    const run = await graph(['test', '--data-dir', dataDir]);
    expectExit(run, 0, 'test');
    assert.match(run.stdout, /Token: +OK as "ScimDesk Graph reader"/);
    for (const permission of ALL_SCIMDESK_PERMISSIONS) assert.match(run.stdout, new RegExp(`  ${permission.replace(/\./g, '\\.')} +granted`), permission);
    assert.match(run.stdout, /Enterprise application: ScimDesk CLI \(Application ID /);
    assert.match(run.stdout, /Compare: +can run/);
  });

  it('test exits 3 naming a missing permission and its consent step; a wrong secret gets the sign-in advice', async () => {
    const limited = t.tenant.addClient({ displayName: 'Limited reader', secrets: [{ value: LIMITED_SECRET }], roles: ['User.Read.All', 'Application.Read.All'] });
    expectExit(await graph(connectArgs(limited.clientId), LIMITED_SECRET), 0, 'connect limited');
    const missing = await graph(['test', '--data-dir', dataDir]);
    expectExit(missing, 3, 'test with missing permissions');
    assert.match(missing.stdout, /Group\.Read\.All +MISSING/);
    assert.match(missing.stdout, /To grant it: Entra admin center → App registrations → Limited reader → API permissions → .*Group\.Read\.All → Grant admin consent/);
    assert.match(missing.stdout, /Compare: +cannot run/);

    expectExit(await graph(connectArgs(t.app.clientId), 'not-the-secret'), 0, 'connect with a wrong secret');
    const wrong = await graph(['compare', '--data-dir', dataDir]);
    expectExit(wrong, 1, 'compare with a wrong secret');
    assert.match(wrong.stderr, /Signing in to Microsoft Entra failed \(AADSTS7000215\): The client secret is wrong\./);
    assert.match(wrong.stderr, /What to do: Copy the secret's Value/);
    const failedTest = await graph(['test', '--data-dir', dataDir]);
    expectExit(failedTest, 3, 'test with a wrong secret');
    assert.match(failedTest.stdout, /Token: +FAILED \(AADSTS7000215\)/);

    expectExit(await graph(connectArgs(t.app.clientId), SECRET), 0, 'connect again');
  });

  it('connects with a certificate file (PFX, password on stdin), checks it at once, and signs in with it', async () => {
    const certificate = createClientCertificate('ScimDesk CLI certificate');
    t.tenant.addCertificate(t.app.clientId, certificate.certPem);
    const pfx = join(scratch, 'scimdesk.pfx');
    writeFileSync(pfx, Buffer.from(certificate.pfxBase64(PFX_PASSWORD), 'base64'));
    const base = connectArgs(t.app.clientId).filter((arg) => arg !== '--client-secret-stdin');
    const wrong = await graph([...base, '--certificate-file', pfx, '--certificate-password-stdin'], 'not-the-password');
    expectExit(wrong, 2, 'a wrong PFX password');
    assert.match(wrong.stderr, /^Error: scimdesk\.pfx: /);
    const run = await graph([...base, '--certificate-file', pfx, '--certificate-password-stdin'], PFX_PASSWORD);
    expectExit(run, 0, 'connect with a certificate');
    assert.match(run.stdout, /Credential: +certificate \(PFX\)/);
    assert.match(run.stdout, /Certificate: +CN=ScimDesk CLI certificate, thumbprint [0-9A-F]{40}/);
    const tested = await graph(['test', '--data-dir', dataDir]);
    expectExit(tested, 0, 'test with a certificate');
    assert.match(tested.stdout, /Certificate: +CN=ScimDesk CLI certificate/);
    expectExit(await graph(connectArgs(t.app.clientId), SECRET), 0, 'back to the client secret');
  });

  it('compare --json prints the documented report (progress on stderr), and --out writes the same to a file', async () => {
    const run = await graph(['compare', '--data-dir', dataDir, '--json', '--out', reportFile]);
    expectExit(run, 0, 'compare --json');
    assert.match(run.stderr, /Fetching users, groups and the application scope/);
    assert.match(run.stderr, /users: \d+ objects, \d+ pages/);
    report = JSON.parse(run.stdout) as Json;
    assert.equal(readFileSync(reportFile, 'utf8'), run.stdout, '--out writes what --json prints');
    assert.deepEqual(Object.keys(report), ['format', 'version', 'generatedAt', 'source', 'compared', 'notes', 'counts', 'users', 'groups']);
    assert.equal(report.format, 'scimdesk.compare-report');
    assert.equal(report.version, 1);
    assert.deepEqual(Object.keys(report.source), ['entra', 'entraFetchedAt', 'tenantId', 'localTakenAt', 'scopeKnown', 'snapshotId']);
    assert.equal(report.source.scopeKnown, true);
    for (const record of report.users) assert.deepEqual(Object.keys(record), RECORD_KEYS);
    for (const record of report.groups) assert.deepEqual(Object.keys(record), GROUP_KEYS);
    for (const record of [...report.users, ...report.groups]) for (const candidate of record.candidates) assert.deepEqual(Object.keys(candidate), CANDIDATE_KEYS);

    const user = (localId: string) => report.users.find((r: Json) => r.localId === localId);
    const group = (localId: string) => report.groups.find((r: Json) => r.localId === localId);
    const u = (i: number) => users[i]!;
    assert.deepEqual(
      { category: user(ids['linked']!).category, drift: user(ids['linked']!).drift.map((d: Json) => [d.attribute, d.local, d.entra]) },
      { category: 'linked', drift: [['displayName', 'Renamed locally', u(0).displayName]] },
    );
    const nickname = user(ids['nickname']!);
    assert.deepEqual([nickname.category, nickname.reasonCode, nickname.externalId], ['mismatch', 'mismatch.notGuid', u(1).mailNickname]);
    assert.deepEqual([nickname.candidates[0].objectId, nickname.candidates[0].confidence, nickname.candidates[0].matchedOn[0]], [u(1).id, 'high', 'userPrincipalName']);
    assert.deepEqual([user(ids['wrongObject']!).category, user(ids['wrongObject']!).reasonCode], ['mismatch', 'mismatch.otherPerson']);
    assert.deepEqual([user(ids['unlinked']!).category, user(ids['unlinked']!).candidates[0].objectId], ['unlinked', u(2).id]);
    assert.deepEqual([user(ids['mailOnly']!).category, user(ids['mailOnly']!).candidates[0].confidence, user(ids['mailOnly']!).candidates[0].matchedOn], ['unlinked', 'medium', ['mail']]);
    assert.deepEqual([user(ids['claimA']!).category, user(ids['claimB']!).category, user(ids['claimB']!).reasonCode], ['duplicate', 'duplicate', 'duplicate.sharedExternalId']);
    assert.deepEqual([user(ids['shared']!).category, user(ids['shared']!).reasonCode, user(ids['shared']!).candidates.length], ['duplicate', 'duplicate.ambiguousCandidates', 2]);
    assert.deepEqual([user(ids['orphan']!).category, user(ids['orphan']!).userName, user(ids['orphan']!).candidates], ['orphan', 'ghost@fabrikam.test', []]);
    const notProvisioned = report.users.filter((r: Json) => r.category === 'notProvisioned');
    assert.ok(notProvisioned.some((r: Json) => r.localId === null && r.objectId === u(7).id && r.userName === u(7).userPrincipalName), 'an assigned user never provisioned');
    // What each record stands for, and "never provisioned" meaning: no record represents it.
    assert.deepEqual([user(ids['wrongObject']!).represents, user(ids['unlinked']!).represents, user(ids['mailOnly']!).represents, user(ids['shared']!).represents], [u(5).id, u(2).id, u(3).id, null]);
    assert.ok(notProvisioned.some((r: Json) => r.objectId === u(6).id && r.represents === null), "an assigned user whose objectId another person's record holds");
    assert.ok(!notProvisioned.some((r: Json) => [u(2).id, u(3).id, u(5).id].includes(r.objectId)), 'users an unlinked or mismatched record will be linked to are not listed again');
    assert.deepEqual([group(ids['finance']!).category, group(ids['finance']!).displayName], ['linked', 'Finance']);
    assert.deepEqual([group(ids['ops']!).category, group(ids['ops']!).candidates[0].matchedOn[0]], ['unlinked', 'displayName']);
    assert.equal(group(ids['oldTeam']!).category, 'orphan');
    for (const [kind, records] of [['users', report.users], ['groups', report.groups]] as const) {
      const counted = Object.fromEntries(['linked', 'mismatch', 'unlinked', 'notProvisioned', 'orphan', 'duplicate'].map((cat) => [cat, records.filter((r: Json) => r.category === cat).length]));
      assert.deepEqual(report.counts[kind], counted, `${kind} counts agree with the records`);
    }
    assert.ok(Object.values(report.counts.users).every((n) => (n as number) > 0), 'every user category is present');

    const text = await graph(['compare', '--data-dir', dataDir, '--snapshot', report.source.snapshotId, '--fail-on', 'duplicate,mismatch']);
    expectExit(text, 5, 'compare --fail-on');
    assert.match(text.stdout, /  duplicate +3 +0\n/);
    assert.match(text.stderr, /--fail-on: 3 duplicate, 2 mismatch/);
  });

  it('fix --dry-run prints every change, refusal and approval needed, and writes nothing', async () => {
    const before = await externalIds();
    const run = await graph(['fix', '--data-dir', dataDir, '--plan', reportFile, '--dry-run']);
    expectExit(run, 0, 'dry run');
    const u = (i: number) => users[i]!;
    assert.match(run.stdout, new RegExp(`LINK +user  ${u(1).userPrincipalName} \\(${ids['nickname']}\\): externalId "${u(1).mailNickname}" -> "${u(1).id}"`));
    assert.match(run.stdout, new RegExp(`LINK +user  ${u(2).userPrincipalName} \\(${ids['unlinked']}\\): externalId null -> "${u(2).id}"`));
    assert.match(run.stdout, new RegExp(`LINK +user  ${u(5).userPrincipalName} \\(${ids['wrongObject']}\\): externalId "${u(6).id}" -> "${u(5).id}"`));
    assert.match(run.stdout, new RegExp(`REFUSED user  shared@fabrikam\\.test \\(${ids['shared']}\\): Refused: several Entra users match equally well`));
    assert.match(run.stdout, new RegExp(`APPROVE user  legacy3 \\(${ids['mailOnly']}\\) -> ${u(3).id}: Needs your approval: .*mail alone`));
    assert.match(run.stdout, new RegExp(`APPROVE group Ops \\(${ids['ops']}\\)`));
    assert.match(run.stdout, /Dry run: nothing was written\./);

    // A report written before `represents` and the candidates' mail, alias, enabled and
    // employeeId (within format version 1) still loads, and plans the same.
    const older = JSON.parse(readFileSync(reportFile, 'utf8')) as Json;
    for (const record of [...older.users, ...older.groups]) {
      delete record.represents;
      for (const candidate of record.candidates) for (const key of ['mail', 'mailNickname', 'accountEnabled', 'employeeId']) delete candidate[key];
    }
    const olderFile = join(scratch, 'older-report.json');
    writeFileSync(olderFile, JSON.stringify(older, null, 2));
    const fromOlder = await graph(['fix', '--data-dir', dataDir, '--plan', olderFile, '--dry-run']);
    expectExit(fromOlder, 0, 'dry run from an older report file');
    assert.equal(fromOlder.stdout.replaceAll('older-report.json', 'report.json'), run.stdout, 'the same plan from the older file');

    assert.deepEqual(await externalIds(), before, 'no externalId changed');
    assert.deepEqual(await store.listFixBatches(10), []);
  });

  it('fix --apply applies the reviewed plan file in one transaction with an audit entry per record, and --undo reverts it', async () => {
    const before = await externalIds();
    const u = (i: number) => users[i]!;
    // The reviewed plan, with the approval, written to a file; applying that file applies what was reviewed.
    const planFile = join(scratch, 'plan.json');
    const reviewed = await graph(['fix', '--data-dir', dataDir, '--plan', reportFile, '--dry-run', '--approve', ids['mailOnly']!, '--plan-out', planFile]);
    expectExit(reviewed, 0, 'dry run with --plan-out');
    assert.match(reviewed.stdout, new RegExp(`LINK +user  legacy3 \\(${ids['mailOnly']}\\): externalId null -> "${u(3).id}"\n +Link to .*Approved by the admin\\.`));
    assert.deepEqual(await externalIds(), before, 'a dry run with --plan-out writes nothing either');
    const run = await graph(['fix', '--data-dir', dataDir, '--plan', planFile, '--apply']);
    expectExit(run, 0, 'apply');
    const batchId = /Applied fix batch (\S+):/.exec(run.stdout)?.[1];
    assert.ok(batchId, run.stdout);
    const afterApply = await externalIds();
    assert.equal(afterApply[ids['nickname']!], u(1).id);
    assert.equal(afterApply[ids['unlinked']!], u(2).id);
    assert.equal(afterApply[ids['mailOnly']!], u(3).id, 'the approved mail-only link');
    assert.equal(afterApply[ids['wrongObject']!], u(5).id);
    assert.equal(afterApply[ids['ops']!], null, 'not approved: not linked');
    assert.equal(afterApply[ids['shared']!], null, 'refused: not linked');
    const batch = await store.getFixBatch(batchId);
    assert.match(batch?.actor ?? '', /^cli:.+/);
    assert.equal(batch?.changes.length, 4);
    const audit = await store.listAudit({ resourceId: ids['mailOnly']!, limit: 10 });
    assert.ok(audit.some((entry) => entry.actor.startsWith('cli:')), 'an audit entry names the CLI user');

    const listed = await graph(['fix', '--data-dir', dataDir, '--list']);
    expectExit(listed, 0, 'fix --list');
    assert.match(listed.stdout, new RegExp(`${batchId} .* cli:\\S+ +4 changes, applied`));

    const undo = await graph(['fix', '--data-dir', dataDir, '--undo', batchId]);
    expectExit(undo, 0, 'undo');
    assert.match(undo.stdout, new RegExp(`Undid fix batch ${batchId}: 4 records have their earlier externalId again`));
    assert.deepEqual(await externalIds(), before, 'every externalId is back');
    const again = await graph(['fix', '--data-dir', dataDir, '--undo', batchId]);
    expectExit(again, 4, 'second undo');
    assert.match(again.stderr, /already undone/);
  });

  it('fix --apply is refused with exit 4, listing the conflicts, when a record changed since the report', async () => {
    const patched = await scim(`/Users/${ids['unlinked']}`, {
      method: 'PATCH',
      body: JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'replace', path: 'externalId', value: 'set-by-someone-else' }] }),
    });
    assert.equal(patched.status, 200, await patched.text());
    const before = await externalIds();
    const run = await graph(['fix', '--data-dir', dataDir, '--plan', reportFile, '--apply']);
    expectExit(run, 4, 'apply after a change');
    assert.match(run.stderr, /Refused: .*Records changed since the report:/s);
    assert.match(run.stderr, new RegExp(`- ${users[2]!.userPrincipalName.replace(/\./g, '\\.')}: .*set-by-someone-else`));
    assert.deepEqual(await externalIds(), before, 'nothing was written: the batch is all or nothing');
  });

  it('restart refuses wiping scopes without --insist, explaining why, and restarts with safe ones', async () => {
    const jobId = sp.jobs[0]!.id;
    const jobs = await graph(['jobs', '--data-dir', dataDir]);
    expectExit(jobs, 0, 'jobs');
    assert.match(jobs.stdout, new RegExp(jobId.replace(/\./g, '\\.')));
    const refused = await graph(['restart', '--data-dir', dataDir, '--job-id', jobId, '--scope', 'Watermark,Full']);
    expectExit(refused, 4, 'restart Full');
    assert.match(refused.stderr, /Refused: Full wipes Entra's connector data store/);
    assert.match(refused.stderr, /ConnectorDataStore: Forgets every identifier/);
    assert.match(refused.stderr, /Nothing was sent to Entra\. Add --insist only if you mean it/);
    assert.equal(t.tenant.jobActions.length, 0);
    const done = await graph(['restart', '--data-dir', dataDir, '--job-id', jobId, '--scope', 'Watermark,Escrows']);
    expectExit(done, 0, 'restart Watermark,Escrows');
    assert.match(done.stdout, /Restarted provisioning job .* with reset scope Watermark,Escrows\./);
    assert.deepEqual(t.tenant.jobActions, [{ kind: 'restart', servicePrincipalId: sp.id, jobId, resetScope: 'Watermark,Escrows' }]);
  });

  it('works on the same data folder with the service stopped', async () => {
    assert.equal(await stopService(service), 0, 'the service stops cleanly');
    const run = await graph(['compare', '--data-dir', dataDir, '--snapshot', report.source.snapshotId, '--json']);
    expectExit(run, 0, 'compare --snapshot with the core stopped');
    const again = JSON.parse(run.stdout) as Json;
    assert.equal(again.source.snapshotId, report.source.snapshotId);
    assert.equal(again.users.find((r: Json) => r.localId === ids['unlinked']).externalId, 'set-by-someone-else');
    const listed = await graph(['fix', '--data-dir', dataDir, '--list']);
    expectExit(listed, 0, 'fix --list with the core stopped');
    assert.match(listed.stdout, /undone .* by cli:/);
  });

  it('never printed, logged or stored the secret outside the secret store', () => {
    for (const output of outputs) {
      for (const secret of [SECRET, LIMITED_SECRET, PFX_PASSWORD]) assert.ok(!output.includes(secret), 'a CLI output holds a secret');
    }
    const files = filesUnder(dataDir).filter((file) => !file.endsWith('secrets.json'));
    assert.ok(files.some((file) => file.endsWith('scimdesk.db')), 'the database file is checked');
    assert.ok(files.some((file) => relative(dataDir, file).startsWith('logs')), 'the log files are checked');
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const secret of [SECRET, LIMITED_SECRET, PFX_PASSWORD]) assert.ok(!bytes.includes(secret), `${relative(dataDir, file)} holds a secret`);
    }
  });
});
