import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateSecret } from '../../main/delivery/subscriptions';
import type { DirectoryChange } from '../../shared/admin/change-types';
import { eventually } from '../support/eventually';
import { TestReceiver } from '../support/webhook-receiver';
import { cliCommand } from '../support/cli-command';

/**
 * `npm run delivery -- …` as a script or a support engineer runs it, beside a running `serve` and with
 * it stopped, and the service killed (SIGKILL) in the middle of a delivery: after a restart nothing is
 * lost, and what is sent twice goes under the same webhook-id.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const DELIVERY = cliCommand('delivery-cli');
const SERVE = [...cliCommand('cli'), 'serve'];

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function delivery(args: ReadonlyArray<string>, input = ''): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'SCIMDESK_DATA_DIR'));
  const child = spawn(process.execPath, [...DELIVERY, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`delivery ${args.join(' ')} did not finish within 60 s:\n${stdout}\n${stderr}`));
    }, 60_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

interface Service {
  readonly child: ChildProcessWithoutNullStreams;
  readonly tenantUrl: string;
  readonly token: string | undefined;
}

async function serve(dataDir: string): Promise<Service> {
  const child = spawn(process.execPath, [...SERVE, '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--admin-port', '0'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no "Press Ctrl+C" line within 60 s:\n${output}`)), 60_000);
    child.stdout.on('data', () => {
      if (!output.includes('Press Ctrl+C')) return;
      clearTimeout(timer);
      resolve();
    });
  });
  return { child, tenantUrl: /^SCIM endpoint: (\S+)$/m.exec(output)![1]!, token: /^Secret token \(shown once\): (\S+)$/m.exec(output)?.[1] };
}

async function kill(service: Service): Promise<void> {
  // A process killed by a signal keeps exitCode null: signalCode says it is gone.
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  await new Promise((resolve) => {
    service.child.once('exit', resolve);
    service.child.kill('SIGKILL');
  });
}

describe('npm run delivery, beside a running service, without it, and across a SIGKILL mid-delivery', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-delivery-cli-'));
  const receiver = new TestReceiver();
  let service: Service | undefined;
  let token = '';
  let url = '';
  let id = '';

  before(async () => {
    url = await receiver.start();
    service = await serve(dataDir);
    token = service.token!;
  });

  after(async () => {
    if (service) await kill(service);
    await receiver.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('subscribes from the CLI while the service runs, and the service delivers to it', async () => {
    const secret = generateSecret();
    receiver.secret = secret;
    const made = await delivery(['subscribe', '--data-dir', dataDir, '--url', url, '--secret-stdin'], secret + '\n');
    assert.equal(made.status, 0, made.stderr);
    id = made.stdout.trim();
    assert.match(id, /^sub_[0-9a-f]{16}$/);
    assert.equal(made.stderr.includes('whsec_'), false, 'a secret given on stdin is not printed');
    const created = await fetch(`${service!.tenantUrl}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ userName: 'first@contoso.com' }),
    });
    assert.equal(created.status, 201);
    await eventually(() => assert.deepEqual([...receiver.acknowledged().keys()], [1]), 20_000);
    assert.ok(receiver.received.every((r) => r.signatureValid));
  });

  it('loses nothing when the service is killed mid-delivery and restarted; a change sent twice keeps its webhook-id', async () => {
    receiver.slowMs = 400;
    receiver.plan = Array.from({ length: 6 }, () => 'slow' as const);
    for (let i = 0; i < 15; i++) {
      const created = await fetch(`${service!.tenantUrl}/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ userName: `k${i}@contoso.com`, active: true }),
      });
      assert.equal(created.status, 201);
    }
    // A POST is on its way (the receiver holds it 400 ms): kill the service now.
    const sent = receiver.received.length;
    await eventually(() => assert.ok(receiver.received.length > sent), 20_000);
    await kill(service!);
    receiver.plan = [];

    // Without the service: the subscription is behind, and the feed reads the outbox directly.
    const listed = await delivery(['list', '--data-dir', dataDir]);
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${id} .* (behind by \\d+|caught up)`));
    const feed = await delivery(['feed', '--data-dir', dataDir, '--after', '0']);
    assert.equal(feed.status, 0, feed.stderr);
    const all = feed.stdout.trim().split('\n').map((line) => JSON.parse(line) as DirectoryChange);
    assert.deepEqual(all.map((c) => c.seq), Array.from({ length: 16 }, (_, i) => i + 1));

    service = await serve(dataDir);
    await eventually(() => assert.deepEqual([...receiver.acknowledged().keys()].sort((a, b) => a - b), all.map((c) => c.seq)), 30_000);
    assert.deepEqual([...receiver.acknowledged().values()].sort((a, b) => a.seq - b.seq), all, 'exactly what was committed');
    const idsOf = new Map<number, Set<string>>();
    for (const r of receiver.received) for (const c of r.changes) idsOf.set(c.seq, (idsOf.get(c.seq) ?? new Set()).add(r.id));
    for (const [seq, ids] of idsOf) assert.equal(ids.size, 1, `change ${seq} went under ${[...ids].join(', ')}`);
  });

  it('pauses, resumes, replays, shows the log and removes, whether the service runs or not', async () => {
    const log = await delivery(['log', id, '--data-dir', dataDir, '--json']);
    assert.equal(log.status, 0, log.stderr);
    const entries = JSON.parse(log.stdout) as Array<{ outcome: string; responseCode: number | null }>;
    assert.ok(entries.some((entry) => entry.outcome === 'delivered' && entry.responseCode === 200));

    const paused = await delivery(['pause', id, '--data-dir', dataDir]);
    assert.match(paused.stdout, /paused: Paused by an administrator/);
    const before = receiver.received.length;
    const replay = await delivery(['replay', id, '--data-dir', dataDir, '--from', '2']);
    assert.equal(replay.status, 0, replay.stderr);
    assert.match(replay.stdout, /replays from change 2/);
    // The running service's worker picks up the replay made by another process.
    await eventually(() => assert.ok(receiver.received.slice(before).some((r) => r.changes[0]?.seq === 2)), 20_000);

    await kill(service!);
    assert.equal((await delivery(['resume', id, '--data-dir', dataDir])).status, 0);
    const tooOld = await delivery(['replay', id, '--data-dir', dataDir, '--from', '0']);
    assert.equal(tooOld.status, 2);
    const unknown = await delivery(['pause', 'sub_0000000000000000', '--data-dir', dataDir]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /No subscription sub_0000000000000000/);
    // Without the service, its saved (here the default) SCIM port is the one refused.
    const own = await delivery(['subscribe', '--data-dir', dataDir, '--url', 'http://localhost:8631/scim/v2/Users']);
    assert.equal(own.status, 1);
    assert.match(own.stderr, /own admin API or SCIM endpoint/);
    assert.equal((await delivery(['remove', id, '--data-dir', dataDir])).status, 0);
    assert.match((await delivery(['list', '--data-dir', dataDir])).stdout, /No subscriptions/);
  });

  it('subscribes with the service stopped (--pause-after 2, the secret kept out of the database); the service then signs with it and pauses after 2 failures', async () => {
    assert.equal(service!.child.exitCode !== null || service!.child.signalCode !== null, true, 'the service is stopped');
    for (const wrong of ['0', '1001', 'x']) {
      const refused = await delivery(['subscribe', '--data-dir', dataDir, '--url', url, '--pause-after', wrong]);
      assert.equal(refused.status, 2, wrong);
      assert.match(refused.stderr, /--pause-after must be a whole number from 1 to 1000/);
    }
    const made = await delivery(['subscribe', '--data-dir', dataDir, '--url', url, '--pause-after', '2', '--json']);
    assert.equal(made.status, 0, made.stderr);
    const { id: second, secret } = JSON.parse(made.stdout) as { id: string; secret: string };
    assert.match(secret, /^whsec_/);
    for (const file of ['scimdesk.db', 'scimdesk.db-wal']) {
      const path = join(dataDir, file);
      if (existsSync(path)) assert.equal(readFileSync(path).includes(Buffer.from(secret)), false, `${file} holds the secret`);
    }
    const listed = await delivery(['list', '--data-dir', dataDir]);
    assert.match(listed.stdout, new RegExp(`${second} .* pauses after 2 failures`));
    const json = JSON.parse((await delivery(['list', '--data-dir', dataDir, '--json'])).stdout) as Array<{ id: string; pauseAfter: number; secretHint: string }>;
    assert.deepEqual(json.map((view) => [view.id, view.pauseAfter, view.secretHint]), [[second, 2, `whsec_••••${secret.slice(-4)}`]]);

    receiver.secret = secret;
    receiver.plan = ['fail', 'fail'];
    const before = receiver.received.length;
    service = await serve(dataDir);
    const created = await fetch(`${service.tenantUrl}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ userName: 'after-cli@contoso.com' }),
    });
    assert.equal(created.status, 201);
    await eventually(async () => assert.match((await delivery(['list', '--data-dir', dataDir])).stdout, /paused: Paused after 2 failed attempts in a row/), 30_000);
    const sent = receiver.received.slice(before);
    assert.equal(sent.length, 2, 'two attempts, then paused');
    assert.ok(sent.every((r) => r.signatureValid), 'signed with the secret the CLI put in the secret store');
  });
});
