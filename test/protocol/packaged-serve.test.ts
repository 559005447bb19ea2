import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cliCommand } from '../support/cli-command';

/**
 * `ScimDesk.exe --serve` against `npm run serve`: the installed app runs the headless commands
 * through the seam the Electron shell calls (test/fixtures/scripts/packaged-entry.ts stands in for
 * the shell), and must print the same lines, take the same flags and exit the same way. The only
 * difference allowed is how each names a command in its hints (`npm run token -- rotate` there,
 * `ScimDesk.exe --token rotate` here), so both outputs are compared with the spelling taken out.
 */
const HOSTS = {
  npm: cliCommand('cli'),
  exe: ['--import', 'tsx', 'test/fixtures/scripts/packaged-entry.ts'],
} as const;
type Host = keyof typeof HOSTS;

/** The command line each host takes for a command: `serve …` or `--serve …`. */
const argv = (host: Host, command: string, ...args: string[]) => [...HOSTS[host], host === 'npm' ? command : `--${command}`, ...args];

const folders: string[] = [];
const children = new Set<ChildProcessWithoutNullStreams>();
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scimdesk-packaged-'));
  folders.push(dir);
  return dir;
}

/** The output with what legitimately differs between two runs taken out: folders, ports, secrets, and the host's spelling of commands. */
function normalise(text: string, dir?: string): string {
  let out = text;
  if (dir) out = out.split(dir).join('<data>');
  return out
    // Where the admin UI is not built, each host says how to get it in its own words.
    .replace(/^ {2}The admin UI is not built yet: .*$|^ {2}The admin UI is missing from this installation .*$/gm, '  <no admin UI>')
    .replace(/npm run ([a-z-]+)(?: -- )?/g, '<$1> ')
    .replace(/ScimDesk\.exe --([a-z-]+) ?/g, '<$1> ')
    .replace(/scimdesk_[A-Za-z0-9_-]{43}/g, '<token>')
    .replace(/scimdesk_•+[\w-]{4}/g, '<hint>')
    .replace(/code=[\w-]+/g, 'code=<code>')
    .replace(/:\d{2,5}\b/g, ':<port>')
    .replace(/ +$/gm, '');
}

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly output: () => string;
  /** Resolves with stdout up to the "Press Ctrl+C" line. */
  readonly ready: Promise<string>;
}

function serve(host: Host, dir: string): Running {
  const child = spawn(process.execPath, argv(host, 'serve', '--data-dir', dir, '--host', '127.0.0.1', '--port', '0', '--admin-port', '0'), { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stdout = '';
  let all = '';
  child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), (all += chunk.toString())));
  child.stderr.on('data', (chunk: Buffer) => (all += chunk.toString()));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${host}: no "Press Ctrl+C" line in 30 s:\n${all}`)), 30_000);
    child.stdout.on('data', () => {
      if (!stdout.includes('Press Ctrl+C')) return;
      clearTimeout(timer);
      resolve(stdout);
    });
    child.once('exit', (code) => reject(new Error(`${host} exited with ${code}:\n${all}`)));
  });
  return { child, output: () => all, ready };
}

function stop(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

/** A command that must end by itself: the installed app's process (Electron's, here a stand-in) only ends when the seam quits it. */
function run(host: Host, command: string, ...args: string[]) {
  const result = spawnSync(process.execPath, argv(host, command, ...args), { encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.signal, null, `${host} ${command} did not end by itself:\n${result.stdout}${result.stderr}`);
  return result;
}

describe('ScimDesk.exe --serve (the installed app) and npm run serve', () => {
  after(() => {
    // A failed assertion must not leave a service running (the test file would never end).
    children.forEach((child) => child.kill('SIGKILL'));
    folders.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });

  it('print the same lines on a first start and on a later one, answer SCIM, and stop on SIGTERM', async () => {
    const dirs = { npm: dataDir(), exe: dataDir() };
    for (const round of ['first start', 'later start'] as const) {
      const runs = { npm: serve('npm', dirs.npm), exe: serve('exe', dirs.exe) };
      const [npmLines, exeLines] = await Promise.all([runs.npm.ready, runs.exe.ready]);
      assert.equal(normalise(exeLines, dirs.exe), normalise(npmLines, dirs.npm), round);
      if (round === 'first start') {
        // The lines scripts rely on, from the installed app: its endpoint answers with its token.
        const endpoint = /^SCIM endpoint: (\S+)$/m.exec(exeLines)?.[1];
        const token = /^Secret token \(shown once\): (\S+)$/m.exec(exeLines)?.[1];
        assert.ok(endpoint && token, exeLines);
        const answer = await fetch(`${endpoint}/Users?filter=userName+eq+%22nobody%22`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(answer.status, 200);
        // Its hints name commands that exist in the installed app.
        assert.match(exeLines, /`ScimDesk\.exe --admin-link --data-dir ".+"` prints a new one\./);
        assert.doesNotMatch(exeLines, /npm run/);
      } else {
        assert.match(exeLines, /^Secret token: scimdesk_•+[\w-]{4} \(set; `ScimDesk\.exe --token rotate` makes a new one\)$/m);
      }
      assert.deepEqual(await Promise.all([stop(runs.npm.child, 'SIGTERM'), stop(runs.exe.child, 'SIGTERM')]), [0, 0]);
      assert.equal(normalise(runs.exe.output(), dirs.exe), normalise(runs.npm.output(), dirs.npm), `${round}, up to Stopped.`);
    }
  });

  it('run --admin-link and --token beside the running service, as npm run does', async () => {
    const dir = dataDir();
    const service = serve('exe', dir);
    await service.ready;
    try {
      const link = run('exe', 'admin-link', '--data-dir', dir);
      assert.equal(link.status, 0, link.stderr + link.stdout);
      assert.match(link.stdout, /^Admin UI: http:\/\/127\.0\.0\.1:\d+\/admin\/login\?code=\S+$/m);

      const rotated = run('exe', 'token', 'rotate', '--data-dir', dir);
      assert.equal(rotated.status, 0, rotated.stderr);
      assert.match(rotated.stdout, /^Secret token \(shown once\): scimdesk_/m);
      const status = { exe: run('exe', 'token', 'status', '--data-dir', dir), npm: run('npm', 'token', 'status', '--data-dir', dir) };
      assert.match(status.exe.stdout, /^Secret token: scimdesk_•+/m);
      assert.equal(status.exe.stdout, status.npm.stdout);
    } finally {
      assert.equal(await stop(service.child, 'SIGINT'), 0);
    }
  });

  it('refuse a taken port with the same words and exit code 2', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = String((blocker.address() as AddressInfo).port);
    try {
      const dir = dataDir();
      const taken = { npm: run('npm', 'serve', '--data-dir', dir, '--host', '127.0.0.1', '--port', port), exe: run('exe', 'serve', '--data-dir', dir, '--host', '127.0.0.1', '--port', port) };
      assert.deepEqual([taken.npm.status, taken.exe.status], [2, 2]);
      assert.match(taken.exe.stderr, /is already in use\. Is another ScimDesk running\?/);
      assert.equal(normalise(taken.exe.stderr, dir), normalise(taken.npm.stderr, dir));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('take the same flags: a bad one gets the same message and usage text (commands aside) and exit code 2; the README shows them', () => {
    const bad = { npm: run('npm', 'serve', '--port', 'eighty'), exe: run('exe', 'serve', '--port', 'eighty') };
    assert.deepEqual([bad.npm.status, bad.exe.status], [2, 2]);
    assert.match(bad.exe.stderr, /--port must be an integer/);
    assert.equal(normalise(bad.exe.stderr), normalise(bad.npm.stderr));
    const usage = /^\s*(ScimDesk\.exe --serve .*)$/m.exec(bad.exe.stderr)?.[1];
    assert.ok(usage, bad.exe.stderr);
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const documented = /^.*?(ScimDesk\.exe --serve \[.*)$/m.exec(readme)?.[1];
    const options = (line: string) => [...line.matchAll(/--[a-z-]+/g)].map((match) => match[0]).sort();
    assert.deepEqual(options(documented ?? ''), options(usage), `README: ${documented}\nhelp:   ${usage}`);
  });

  it('opens the window, not the service, without a headless switch', () => {
    const window = spawnSync(process.execPath, [...HOSTS.exe, '--data-dir', dataDir()], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(window.stdout.trim(), 'WINDOW');
  });
});
