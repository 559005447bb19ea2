import '../support/trust-tenant-ca';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

/**
 * `npm run demo` as a new user runs it: the fake tenant, serve mode and the
 * replayed provisioning cycle come up, the printed login link opens the admin
 * API, and Compare finds every deliberate mismatch; the CLI agrees on the same
 * data folder; Ctrl+C (SIGINT) stops everything with exit 0.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const DEMO = ['--import', 'tsx', join(ROOT, 'scripts', 'demo.ts')];
const GRAPH = ['--import', 'tsx', join(ROOT, 'main', 'service', 'graph-cli.ts')];
const WAIT_MS = 60_000;

type Json = Record<string, any>;

interface AdminResult<T> {
  readonly ok: boolean;
  readonly value: T;
  readonly error?: { code: string; message: string };
}

function run(args: ReadonlyArray<string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not finish in 60 s`));
    }, WAIT_MS);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('npm run demo', () => {
  let scratch: string;
  let dataDir: string;
  let demo: ChildProcessWithoutNullStreams;
  let output = '';
  let adminOrigin: string;
  let cookie: string;
  let csrf: string;
  let summary: Json;

  const call = async <T = Json>(method: string, input: unknown = {}): Promise<T> => {
    const response = await fetch(`${adminOrigin}/admin/api/call/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await response.json()) as AdminResult<T>;
    assert.ok(body.ok, `${method}: ${JSON.stringify(body.error)}`);
    return body.value;
  };
  /** Every report row of a kind (the contract pages by 500 at most). */
  const rows = async (kind: 'User' | 'Group'): Promise<Json[]> => {
    const all: Json[] = [];
    for (let startIndex = 1; ; startIndex += 500) {
      const page = await call<{ total: number; items: Json[] }>('compare.rows', { reportId: summary.id, kind, startIndex, count: 500 });
      all.push(...page.items);
      if (all.length >= page.total || page.items.length === 0) return all;
    }
  };

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'scimdesk-demo-test-'));
    dataDir = join(scratch, 'data');
    // Its own process group, as a terminal runs it: Ctrl+C signals the demo and its children at once.
    demo = spawn(process.execPath, [...DEMO, '--data-dir', dataDir], { cwd: ROOT, env: process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const killOnExit = () => demo.kill('SIGKILL');
    process.once('exit', killOnExit);
    demo.once('exit', () => process.off('exit', killOnExit));
    demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the demo printed no "Press Ctrl+C to stop." in 60 s:\n${output}`)), WAIT_MS);
      const check = () => {
        if (!/^Press Ctrl\+C to stop\.$/m.test(output)) return;
        clearTimeout(timer);
        demo.stdout.off('data', check);
        resolve();
      };
      demo.stdout.on('data', check);
      demo.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the demo exited with ${code}:\n${output}`));
      });
    });
  });

  after(async () => {
    if (demo && demo.exitCode === null && demo.signalCode === null) {
      demo.kill('SIGINT');
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          demo.kill('SIGKILL');
          resolve(undefined);
        }, 20_000);
        demo.once('exit', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('prints the Admin UI link, and the login link opens a session on the admin API', async () => {
    const link = /^Admin UI: (http:\/\/127\.0\.0\.1:\d+\/admin\/login\?code=\S+)$/m.exec(output)?.[1];
    assert.ok(link, output);
    assert.match(output, /What to try: open Compare & Fix → Fetch from Entra → Compare → Preview fixes/);
    assert.match(output, /^SCIM endpoint: http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/m);
    assert.match(output, /Replayed an Entra provisioning cycle: \d+ SCIM requests/);
    assert.doesNotMatch(output, /demo~/, 'the client secret is never printed');
    adminOrigin = new URL(link).origin;
    const login = await fetch(link, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    assert.equal(login.status, 303);
    cookie = login.headers.getSetCookie().find((c) => c.startsWith('scimdesk_session='))?.split(';')[0] ?? '';
    assert.ok(cookie, 'a session cookie');
    const session = await fetch(`${adminOrigin}/admin/api/session`, { headers: { cookie }, signal: AbortSignal.timeout(30_000) });
    csrf = ((await session.json()) as { csrfToken: string }).csrfToken;
    assert.ok(csrf);
    const settings = await call<Json>('graph.get');
    assert.equal(settings.connection.cloud, 'custom');
    assert.equal(settings.secretStored, true, 'the demo connected ScimDesk with the secret in the secret store');
  });

  it('Fetch and Compare through the admin API find every deliberate mismatch', async () => {
    await call('graph.fetch');
    const deadline = Date.now() + WAIT_MS;
    let snapshots: Json[] = [];
    while (snapshots.length === 0) {
      assert.ok(Date.now() < deadline, 'the fetch finished within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 250));
      snapshots = (await call<{ items: Json[] }>('graph.snapshots')).items;
    }
    assert.equal(snapshots[0]!.scopeKnown, true);
    summary = await call<Json>('compare.run', { snapshotId: snapshots[0]!.id });
    for (const category of ['linked', 'mismatch', 'unlinked', 'notProvisioned', 'orphan', 'duplicate']) {
      assert.ok(summary.counts.User[category] > 0, `users: ${category} (${JSON.stringify(summary.counts.User)})`);
    }
    for (const category of ['linked', 'mismatch', 'unlinked', 'orphan']) {
      assert.ok(summary.counts.Group[category] > 0, `groups: ${category} (${JSON.stringify(summary.counts.Group)})`);
    }

    const users = await rows('User');
    const reasons = (code: string) => users.filter((r) => r.reasonCode === code);
    const byName = (name: string) => users.find((r) => r.name === name && r.localId !== null);
    assert.equal(reasons('mismatch.notGuid').length, 5, 'externalId = mailNickname (Entra\'s default mapping)');
    assert.ok(reasons('mismatch.notGuid').every((r) => !r.externalId.includes('-') && r.candidates[0]?.confidence === 'high'));
    assert.equal(byName('demo000030@contoso-demo.com')?.reasonCode, 'mismatch.otherPerson', "another user's objectId");
    assert.equal(byName('former.employee@contoso-demo.com')?.reasonCode, 'mismatch.notFound');
    assert.equal(reasons('duplicate.sharedExternalId').length, 2, 'a pair claiming one objectId');
    assert.equal(byName('frontdesk@contoso-demo.com')?.reasonCode, 'duplicate.ambiguousCandidates', 'two Entra users with one mail');
    for (const i of ['25', '26', '28', '29']) assert.equal(byName(`demo0000${i}@contoso-demo.com`)?.category, 'unlinked', `pre-existing user ${i}`);
    assert.deepEqual(byName('demo000112.legacy')?.candidates[0]?.matchedOn, ['mail'], 'a mail-only match');
    assert.deepEqual(
      ['contractor.one', 'contractor.two', 'svc-backup'].map((n) => byName(`${n}@contoso-demo.com`)?.reasonCode),
      ['orphan.noMatch', 'orphan.noMatch', 'orphan.noMatch'],
      'local users not in Entra',
    );
    assert.equal(byName('demo000045@contoso-demo.com')?.reasonCode, 'orphan.outOfScope', 'unassigned in Entra');
    // The banner's count of users never provisioned is the report's: those no local record represents.
    const told = /^ {2}notProvisioned (\d+) users in scope that no local record represents: /m.exec(output);
    assert.ok(told, `the banner counts the users never provisioned:\n${output}`);
    assert.equal(summary.counts.User.notProvisioned, Number(told[1]), 'the banner and the headline count agree');
    assert.equal(reasons('notProvisioned').length, Number(told[1]), 'the banner and the report rows agree');
    const listed = new Set(reasons('notProvisioned').map((r) => r.name));
    assert.ok(listed.has('demo000031@contoso-demo.com'), "listed: the user whose objectId another person's record holds");
    assert.ok(!listed.has('demo000112@contoso-demo.com'), 'not listed: the user a legacy record represents (by mail)');
    assert.ok(!listed.has('demo000030@contoso-demo.com'), 'not listed: the user whose record holds the wrong objectId');
    assert.deepEqual(byName('demo000005@contoso-demo.com')?.drift.map((d: Json) => d.attribute), ['displayName']);
    assert.deepEqual(byName('demo000006@contoso-demo.com')?.drift.map((d: Json) => d.attribute), ['externalId']);
    const softDeleted = byName('demo000099@contoso-demo.com');
    assert.deepEqual([softDeleted?.category, softDeleted?.local.active, softDeleted?.drift], ['linked', false, []], 'the soft delete');

    const groups = await rows('Group');
    const group = (name: string) => groups.find((r) => r.name === name && r.localId !== null);
    assert.deepEqual(
      ['Engineering', 'Sales', 'Platform team', 'Helpdesk (legacy)'].map((name) => group(name)?.reasonCode),
      ['linked', 'mismatch.notGuid', 'unlinked.candidates', 'orphan.noMatch'],
    );

    const plan = await call<Json>('fix.preview', { reportId: summary.id });
    assert.ok(plan.summary.link >= 10, `links: ${JSON.stringify(plan.summary)}`);
    assert.ok(plan.summary.refused >= 2 && plan.summary.needsApproval >= 1, JSON.stringify(plan.summary));
  });

  it('the graph CLI on the same data folder, beside the running demo, reports the same counts', async () => {
    const cli = await run([...GRAPH, 'compare', '--data-dir', dataDir, '--snapshot', summary.snapshotId, '--json']);
    assert.equal(cli.status, 0, cli.stderr);
    const report = JSON.parse(cli.stdout) as Json;
    assert.deepEqual(report.counts, { users: summary.counts.User, groups: summary.counts.Group });
  });

  it('prints the fake tenant\'s user count the README gives', () => {
    const printed = /^Fake Entra tenant: .*; ([\d,]+) users,/m.exec(output)?.[1];
    assert.ok(printed, output);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const documented = /`npm run demo` starts a fake Entra tenant \(Contoso, ([\d,]+) users/.exec(readme)?.[1];
    assert.equal(documented, printed, 'README.md, "Try it without a tenant"');
  });

  it('stops everything on Ctrl+C with exit 0, saying so once', async () => {
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
    const before = output.length;
    // Ctrl+C reaches the whole process group (the demo and serve); `npm run demo` starts the demo through tsx,
    // which passes the same signal on to it once more.
    process.kill(-demo.pid!, 'SIGINT');
    demo.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 30_000)))]);
    clearTimeout(timer);
    assert.equal(code, 0, output);
    assert.match(output, /\[serve\] Stopped\./);
    assert.match(output, /Demo stopped; its data stays in /);
    const stopping = output.slice(before);
    assert.deepEqual(stopping.match(/received: stopping/g), ['received: stopping'], `one line says the demo is stopping:\n${stopping}`);
    assert.match(stopping, /^\nSIGINT received: stopping the demo…$/m);
    assert.doesNotMatch(stopping, /^\[serve\] *$/m, 'no empty lines from serve');
    await assert.rejects(fetch(`${adminOrigin}/admin/api/session`, { signal: AbortSignal.timeout(5_000) }), 'the admin UI no longer answers');
  });
});
