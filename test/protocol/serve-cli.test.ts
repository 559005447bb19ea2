import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cliCommand } from '../support/cli-command';

/**
 * The headless host as an admin or a script runs it: `serve` prints the lines
 * scripts rely on, `token` works beside the running service, signals stop it.
 */
const CLI = cliCommand('cli');
const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-cli-'));

function serve(): { child: ChildProcessWithoutNullStreams; lines: Promise<Map<string, string>>; output: () => string } {
  const child = spawn(process.execPath, [...CLI, 'serve', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--admin-port', '0'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const lines = new Promise<Map<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no "Press Ctrl+C" line in 30 s:\n${text}`)), 30_000);
    child.stdout.on('data', () => {
      if (!text.includes('Press Ctrl+C')) return;
      clearTimeout(timer);
      const found = new Map<string, string>();
      for (const line of text.split('\n')) {
        const match = /^([A-Za-z ()]+?): (.*)$/.exec(line.trim());
        if (match) found.set(match[1]!, match[2]!);
      }
      resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${text}`)));
  });
  return { child, lines, output: () => text };
}

function stop(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

function token(...args: string[]): string {
  const run = spawnSync(process.execPath, [...CLI, 'token', ...args, '--data-dir', dataDir], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr + run.stdout);
  return run.stdout;
}

const probe = (endpoint: string, bearer: string) =>
  fetch(`${endpoint}/Users?filter=userName+eq+%22${crypto.randomUUID()}%22`, { headers: { authorization: `Bearer ${bearer}` } });

describe('serve and token commands', () => {
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints the endpoint and a first token, answers Test Connection, accepts a token rotated by the CLI and stops on SIGTERM', async () => {
    const { child, lines, output } = serve();
    const found = await lines;
    const endpoint = found.get('SCIM endpoint');
    const first = found.get('Secret token (shown once)');
    assert.match(endpoint ?? '', /^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
    assert.match(first ?? '', /^scimdesk_[A-Za-z0-9_-]{43}$/);

    const answer = await probe(endpoint!, first!);
    assert.equal(answer.status, 200);
    assert.deepEqual(((await answer.json()) as { Resources: unknown[] }).Resources, []);

    const rotated = /Secret token \(shown once\): (\S+)/.exec(token('rotate'))?.[1];
    assert.ok(rotated, 'rotate prints the new token once');
    // The running service re-reads token hashes at least once a second.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal((await probe(endpoint!, first!)).status, 401);
    assert.equal((await probe(endpoint!, rotated)).status, 200);
    const status = token('status');
    assert.match(status, /Secret token: scimdesk_•+/);
    assert.ok(!status.includes(rotated), 'status never prints the token itself');

    assert.equal(await stop(child, 'SIGTERM'), 0);
    assert.match(output(), /Stopped\./);
  });

  it('does not print a token on a later start, and stops on SIGINT', async () => {
    const { child, lines } = serve();
    const found = await lines;
    assert.equal(found.get('Secret token (shown once)'), undefined);
    assert.match(found.get('Secret token') ?? '', /^scimdesk_•+[\w-]{4} /);
    assert.equal(await stop(child, 'SIGINT'), 0);
  });

  it('says in plain words when its port is taken, exits 2 and leaves nothing listening', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const run = spawnSync(process.execPath, [...CLI, 'serve', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', String(port)], { encoding: 'utf8' });
      assert.equal(run.status, 2, run.stderr + run.stdout);
      assert.match(run.stderr, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use\\. Is another ScimDesk running\\? Choose another with --port\\.`));
      assert.doesNotMatch(run.stdout, /Secret token/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('answers a bad option with a usage message and exit code 2', () => {
    const run = spawnSync(process.execPath, [...CLI, 'serve', '--port', 'eighty'], { encoding: 'utf8' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--port must be an integer/);
  });

  it("shows in the README's usage line every option `serve --help` lists", () => {
    const help = spawnSync(process.execPath, [...CLI, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    const usage = /^\s*(npm run serve -- .*)$/m.exec(help.stdout)?.[1];
    assert.ok(usage, help.stdout);
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const documented = /^(npm run serve -- .*)$/m.exec(readme)?.[1];
    const options = (line: string) => [...line.matchAll(/--[a-z-]+/g)].map((match) => match[0]).sort();
    assert.deepEqual(options(documented ?? ''), options(usage), `README: ${documented}\nhelp:   ${usage}`);
  });
});
