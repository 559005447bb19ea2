import '../support/trust-tenant-ca';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCore } from '../../main/core/create-core';
import { issueTestCertificate, toPfx } from '../support/test-certificates';
import { cliCommand } from '../support/cli-command';

/**
 * `npm run reach -- check` as an admin runs it: beside a running `serve` (whose endpoint serves HTTPS
 * with a certificate from the test CA), then with the service stopped. Exit code 0 when Entra would
 * get through, 1 when it would not, 2 for a usage mistake.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const REACH = cliCommand('reach-cli');
const SERVE = [...cliCommand('cli'), 'serve'];

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in its own process (the service, when it runs, is another one), bounded to 60 s. */
function reach(args: ReadonlyArray<string>, options: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const env = Object.fromEntries(Object.entries({ ...process.env, ...options.env }).filter(([key]) => key !== 'SCIMDESK_DATA_DIR' && (key !== 'SCIMDESK_TOKEN' || options.env?.[key])));
  const child = spawn(process.execPath, [...REACH, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`reach ${args.join(' ')} did not finish within 60 s:\n${stdout}\n${stderr}`));
    }, 60_000);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The status mark of each step line, by title. */
function marks(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const match = /^([✔!✖–]) (\S.*?)\s{2,}/.exec(line);
    if (match) out[match[2]!] = match[1]!;
  }
  return out;
}

describe('reach check (CLI)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-reach-cli-'));
  let serve: ChildProcessWithoutNullStreams | undefined;
  let output = '';
  let tenantUrl = '';
  let firstToken = '';
  let loginUrl = '';
  let savedPort = 0;

  before(async () => {
    // The data folder of an admin who installed a certificate (one the test CA issued for 127.0.0.1) and saved a port nothing uses now.
    savedPort = await closedPort();
    const core = await createCore({ dataDir, fileLogs: false, checkpointWorker: false });
    await core.endpoint.setCertificate(toPfx(issueTestCertificate({ names: ['localhost', '127.0.0.1'] }), 'pfx-pass'), 'pfx-pass');
    await core.store.setSetting('endpoint', { host: '127.0.0.1', port: savedPort, publicUrl: '' });
    await core.stop();

    serve = spawn(process.execPath, [...SERVE, '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--admin-port', '0'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    serve.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    serve.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve printed no "Press Ctrl+C" line within 30 s:\n${output}`)), 30_000);
      serve!.stdout.on('data', () => {
        if (!output.includes('Press Ctrl+C')) return;
        clearTimeout(timer);
        resolve();
      });
    });
    tenantUrl = /^SCIM endpoint: (\S+)$/m.exec(output)![1]!;
    firstToken = /^Secret token \(shown once\): (\S+)$/m.exec(output)![1]!;
    loginUrl = /^Admin UI: (\S+)$/m.exec(output)![1]!;
  });

  after(async () => {
    if (serve && serve.exitCode === null) {
      await new Promise((resolve) => {
        serve!.once('exit', resolve);
        serve!.kill('SIGKILL');
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  let session: { origin: string; cookie: string; csrf: string } | undefined;

  /** overview.get from the running service's admin API, as the Overview screen reads it (one login, kept). */
  async function overview(): Promise<{ reachability: { check: { passed: boolean; from: string } | null }; scimUrl: string }> {
    if (!session) {
      const login = await fetch(loginUrl, { redirect: 'manual' });
      const cookie = login.headers.getSetCookie().find((c) => c.startsWith('scimdesk_session='))!.split(';')[0]!;
      const origin = new URL(loginUrl).origin;
      const body = (await (await fetch(`${origin}/admin/api/session`, { headers: { cookie } })).json()) as { csrfToken: string };
      session = { origin, cookie, csrf: body.csrfToken };
    }
    const response = await fetch(`${session.origin}/admin/api/call/overview.get`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' },
      body: '{}',
    });
    const body = (await response.json()) as { ok: boolean; value: never };
    assert.ok(body.ok, JSON.stringify(body));
    return body.value;
  }

  it('passes beside the running service: its Tenant URL by default, with the check key, and the service’s Overview shows the URL verified', async () => {
    assert.match(tenantUrl, /^https:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
    const before = await overview();
    assert.equal(before.reachability.check, null, 'nothing checked yet');
    const run = await reach(['check', '--data-dir', dataDir, '--from', 'network']);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`^Checking ${tenantUrl.replace(/\./g, '\\.')} \\(the Tenant URL the running service gives Entra\\)`, 'm'));
    assert.match(run.stdout, /with ScimDesk's check key/);
    assert.match(run.stdout, /GET \/scim\/v2\/Users\?filter=userName eq "scimdesk-check-[0-9a-f-]{36}"/);
    assert.deepEqual(marks(run.stdout), {
      'Name (DNS)': '✔',
      'Connection (TCP)': '✔',
      'Certificate: trusted chain': '✔',
      'Certificate: expiry': '✔',
      'Certificate: name': '✔',
      Token: '✔',
      'SCIM answer': '✔',
    });
    assert.match(run.stdout, /^Entra would get through/m);
    const after = await overview();
    assert.equal(after.reachability.check?.passed, true, 'the running service sees the check the CLI recorded');
  });

  it('exits 1 from the internet: 127.0.0.1 is not an address Entra can reach, and the Overview takes the verification back', async () => {
    const run = await reach(['check', '--data-dir', dataDir]);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.equal(marks(run.stdout)['Name (DNS)'], '✖');
    assert.match(run.stdout, /Fix: Give Entra a public URL/);
    assert.match(run.stdout, /^Entra could not get through: Name \(DNS\) failed\.$/m);
    assert.equal((await overview()).reachability.check?.passed, false);
  });

  it('checks the Secret Token Entra has when it is given: exit 1 for a wrong one, 0 for the right one (from the environment or standard input)', async () => {
    const [wrong, right, stdin] = await Promise.all([
      reach(['check', '--data-dir', dataDir, '--from', 'network'], { env: { SCIMDESK_TOKEN: 'scimdesk_an-old-token' } }),
      reach(['check', '--data-dir', dataDir, '--from', 'network'], { env: { SCIMDESK_TOKEN: firstToken } }),
      reach(['check', '--data-dir', dataDir, '--from', 'network', '--token-stdin'], { input: `${firstToken}\n` }),
    ]);
    assert.equal(wrong.status, 1, wrong.stdout);
    assert.equal(marks(wrong.stdout)['Token'], '✖');
    assert.match(wrong.stdout, /The endpoint refused this token \(401\)/);
    assert.match(wrong.stdout, /Fix: Paste the current Secret Token into Entra/);
    assert.equal(right.status, 0, right.stdout);
    assert.match(right.stdout, /with the Secret Token you gave/);
    assert.equal(stdin.status, 0, stdin.stdout + stdin.stderr);
    assert.ok(!(right.stdout + stdin.stdout).includes(firstToken), 'the token is never printed');
  });

  it('works with the service stopped: the saved listener by default, and exit 1 because nothing answers', async () => {
    await new Promise((resolve) => {
      serve!.once('exit', resolve);
      serve!.kill('SIGTERM');
    });
    const run = await reach(['check', '--data-dir', dataDir, '--from', 'network']);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`^Checking https://127\\.0\\.0\\.1:${savedPort}/scim/v2 \\(the local listener saved in Settings`, 'm'));
    assert.equal(marks(run.stdout)['Connection (TCP)'], '✖');
    assert.match(run.stdout, /Nothing listens on port \d+ there/);
    const explicit = await reach(['check', '--data-dir', dataDir, '--url', tenantUrl, '--from', 'network']);
    assert.equal(explicit.status, 1);
    assert.match(explicit.stdout, new RegExp(`^Checking ${tenantUrl.replace(/\./g, '\\.')}$`, 'm'));
  });

  it('exits 2 for a usage mistake', async () => {
    const mistakes = [['check', '--data-dir', dataDir, '--from', 'moon'], ['bogus'], ['check', '--data-dir', join(dataDir, 'nothing-here')]];
    const [help, ...runs] = await Promise.all([reach(['--help']), ...mistakes.map((args) => reach(args))]);
    runs.forEach((run, i) => {
      assert.equal(run.status, 2, `${mistakes[i]!.join(' ')}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, /^Error: /);
    });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /npm run reach -- check \[--data-dir D\] \[--url URL\] \[--from internet\|network\] \[--token-stdin\]/);
  });

  it("is in package.json as `npm run reach`, and in the README's usage", () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    assert.equal(scripts['reach'], 'tsx main/service/reach-cli.ts');
    assert.match(readFileSync(join(ROOT, 'README.md'), 'utf8'), /npm run reach -- check \[--data-dir D\] \[--url URL\] \[--from internet\|network\] \[--token-stdin\]/);
  });
});
