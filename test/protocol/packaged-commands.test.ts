import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { unzipSync } from 'fflate';
import { cliCommand, type CliEntry } from '../support/cli-command';

/**
 * The support engineer's commands in the installed app: `ScimDesk.exe --support-bundle|--reach|--graph|--delivery|--token client`
 * against `npm run support-bundle|reach|graph|delivery|token`. The installed app runs them through the seam the Electron
 * shell calls (test/fixtures/scripts/packaged-entry.ts stands in for the shell), on a real data folder, and must take
 * the same flags, print the same lines and end with the same exit codes; only the spelling of commands differs.
 */
const ROOT = join(import.meta.dirname, '..', '..');
/** The main/service script each npm command runs (package.json's scripts). */
const NPM_SCRIPTS: Record<string, CliEntry> = {
  'support-bundle': 'support-bundle-cli',
  reach: 'reach-cli',
  graph: 'graph-cli',
  delivery: 'delivery-cli',
  token: 'cli',
};
type Host = 'npm' | 'exe';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `npm run <command> -- args` (the script package.json names) or `ScimDesk.exe --<command> args`, bounded to 60 s. */
function run(host: Host, command: string, args: ReadonlyArray<string>, input = ''): Promise<Run> {
  const script = NPM_SCRIPTS[command]!;
  const argv =
    host === 'npm'
      ? [...cliCommand(script), ...(script === 'cli' ? [command] : []), ...args]
      : ['--import', 'tsx', 'test/fixtures/scripts/packaged-entry.ts', `--${command}`, ...args];
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SCIMDESK_')));
  const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${host} ${command} ${args.join(' ')} did not end by itself within 60 s:\n${stdout}\n${stderr}`));
    }, 60_000);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Both hosts, one after the other (they share the data folder). */
async function both(command: string, args: ReadonlyArray<string>): Promise<Record<Host, Run>> {
  const npm = await run('npm', command, args);
  const exe = await run('exe', command, args);
  return { npm, exe };
}

/** The output with what legitimately differs taken out: the host's spelling of commands, times, sizes, ids. */
function normalise(text: string, dir: string): string {
  return text
    .split(dir)
    .join('<data>')
    .replace(/npm run ([a-z-]+)(?: -- )?/g, '<$1> ')
    .replace(/ScimDesk\.exe --([a-z-]+) ?/g, '<$1> ')
    .replace(/\d{4}-\d{2}-\d{2}T[\d:.-]+Z?/g, '<time>')
    .replace(/\d+ ms\b/g, '<n> ms')
    .replace(/scimdesk-check-[\w-]+/g, '<probe>')
    .replace(/ +$/gm, '');
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('ScimDesk.exe --support-bundle, --reach, --graph, --delivery and --token client (the installed app) against npm run', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-packaged-commands-'));

  before(async () => {
    // A data folder as a first `token rotate` leaves it (the database, a token).
    const rotated = await run('exe', 'token', ['rotate', '--data-dir', dataDir]);
    assert.equal(rotated.status, 0, rotated.stderr);
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('--support-bundle writes the same redacted zip, with the same lines, and its usage text names the installed switch', async () => {
    const out = { npm: join(dataDir, 'npm.zip'), exe: join(dataDir, 'exe.zip') };
    const npm = await run('npm', 'support-bundle', ['--data-dir', dataDir, '--out', out.npm, '--cycles', '2']);
    const exe = await run('exe', 'support-bundle', ['--data-dir', dataDir, '--out', out.exe, '--cycles', '2']);
    assert.deepEqual([npm.status, exe.status], [0, 0], npm.stderr + exe.stderr);
    assert.match(exe.stdout, /^Support bundle: .*exe\.zip \(\d+ KB\)$/m);
    const sizes = (text: string) => text.replace(/(npm|exe)\.zip/g, '<zip>').replace(/\d+ KB|\d+ bytes/g, '<size>');
    assert.equal(sizes(normalise(exe.stdout, dataDir)), sizes(normalise(npm.stdout, dataDir)));
    assert.ok(existsSync(out.exe));
    const files = Object.keys(unzipSync(readFileSync(out.exe)));
    assert.ok(files.includes('README.txt'), files.join(', '));

    const bad = await both('support-bundle', ['--data-dir', dataDir, '--cycles', '0']);
    assert.deepEqual([bad.npm.status, bad.exe.status], [2, 2]);
    assert.match(bad.exe.stderr, /--cycles must be a whole number/);
    assert.match(bad.exe.stderr, /^ {2}ScimDesk\.exe --support-bundle \[--data-dir D\] \[--out FILE\] \[--cycles N\]$/m);
    assert.doesNotMatch(bad.exe.stderr + bad.exe.stdout, /npm run/);
    assert.equal(normalise(bad.exe.stderr, dataDir), normalise(bad.npm.stderr, dataDir));

    const missing = await both('support-bundle', ['--data-dir', join(dataDir, 'nothing-here')]);
    assert.deepEqual([missing.npm.status, missing.exe.status], [1, 1]);
    assert.equal(normalise(missing.exe.stderr, dataDir), normalise(missing.npm.stderr, dataDir));
  });

  it('--reach check calls the URL as Entra would, with the same report and exit code 1 when nothing answers', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/scim/v2`;
    const checked = await both('reach', ['check', '--data-dir', dataDir, '--url', url, '--from', 'network']);
    assert.deepEqual([checked.npm.status, checked.exe.status], [1, 1], checked.exe.stderr);
    assert.match(checked.exe.stdout, /Entra could not get through/);
    assert.equal(normalise(checked.exe.stdout, dataDir), normalise(checked.npm.stdout, dataDir));

    const bad = await both('reach', ['check', '--data-dir', dataDir, '--from', 'mars']);
    assert.deepEqual([bad.npm.status, bad.exe.status], [2, 2]);
    assert.match(bad.exe.stderr, /^ {2}ScimDesk\.exe --reach check \[--data-dir D\]/m);
    assert.doesNotMatch(bad.exe.stderr, /npm run/);
    assert.equal(normalise(bad.exe.stderr, dataDir), normalise(bad.npm.stderr, dataDir));
  });

  it('--graph runs Compare & Fix with the same answers and exit codes, its hints naming the installed switch', async () => {
    const compare = await both('graph', ['compare', '--data-dir', dataDir]);
    assert.deepEqual([compare.npm.status, compare.exe.status], [1, 1]);
    assert.ok(compare.exe.stderr.includes(`  ScimDesk.exe --graph connect --data-dir ${JSON.stringify(dataDir)} --tenant-id T --client-id C --client-secret-stdin`), compare.exe.stderr);
    assert.equal(normalise(compare.exe.stderr, dataDir), normalise(compare.npm.stderr, dataDir));

    const snapshots = await both('graph', ['snapshots', '--data-dir', dataDir]);
    assert.deepEqual([snapshots.npm.status, snapshots.exe.status], [0, 0]);
    assert.equal(snapshots.exe.stdout.trim(), 'No snapshots yet: `ScimDesk.exe --graph compare` fetches one.');

    const noPlan = await both('graph', ['fix', '--plan', 'nope.json', '--dry-run', '--data-dir', dataDir]);
    assert.deepEqual([noPlan.npm.status, noPlan.exe.status], [2, 2]);
    assert.match(noPlan.exe.stderr, /Write one with `ScimDesk\.exe --graph compare --out nope\.json`/);

    const bad = await both('graph', ['compare', '--data-dir', dataDir, '--undo', 'x']);
    assert.deepEqual([bad.npm.status, bad.exe.status], [2, 2]);
    assert.match(bad.exe.stderr, /^Usage: ScimDesk\.exe --graph <command> \[--data-dir D\] \[options\]$/m);
    assert.match(bad.exe.stderr, /^ {2}ScimDesk\.exe --graph compare --data-dir D --json > report\.json$/m);
    assert.doesNotMatch(bad.exe.stderr, /npm run/);
    assert.match(bad.npm.stderr, /^ {2}npm run -s graph -- compare --data-dir D --json > report\.json {5}\(-s: without npm's banner on stdout\)$/m);

    const missing = await both('graph', ['jobs', '--data-dir', join(dataDir, 'nothing-here')]);
    assert.deepEqual([missing.npm.status, missing.exe.status], [1, 1]);
    assert.match(missing.exe.stderr, /Start the service once \(`ScimDesk\.exe --serve --data-dir ".*nothing-here"`\)/);
  });

  it('--delivery subscribes, lists, pauses and removes a webhook subscription in the same data folder, with the same lines and exit codes', async () => {
    const made = await run('exe', 'delivery', ['subscribe', '--url', 'http://127.0.0.1:9/hook', '--data-dir', dataDir, '--json']);
    assert.equal(made.status, 0, made.stderr);
    const { id, secret } = JSON.parse(made.stdout) as { id: string; secret: string };
    assert.match(secret, /^whsec_/);

    const listed = await both('delivery', ['list', '--data-dir', dataDir]);
    assert.deepEqual([listed.npm.status, listed.exe.status], [0, 0]);
    assert.match(listed.exe.stdout, new RegExp(`^${id} {2}http://127\\.0\\.0\\.1:9/hook {2}delivered through \\d+ {2}pauses after 12 failures {2}caught up$`, 'm'));
    assert.equal(listed.exe.stdout, listed.npm.stdout);

    const paused = await run('exe', 'delivery', ['pause', id, '--data-dir', dataDir]);
    assert.equal(paused.status, 0, paused.stderr);
    assert.match(paused.stdout, /paused/);
    const removed = await run('exe', 'delivery', ['remove', id, '--data-dir', dataDir]);
    assert.deepEqual([removed.status, removed.stdout.trim()], [0, `${id} removed`]);
    assert.equal((await run('npm', 'delivery', ['list', '--data-dir', dataDir])).stdout.trim(), 'No subscriptions.');

    const bad = await both('delivery', ['log', '--data-dir', dataDir]);
    assert.deepEqual([bad.npm.status, bad.exe.status], [2, 2]);
    assert.match(bad.exe.stderr, /log needs a subscription id/);
    assert.equal(normalise(bad.exe.stderr, dataDir), normalise(bad.npm.stderr, dataDir));
  });

  it('--delivery names the installed switch in its usage text', async () => {
    const help = await run('exe', 'delivery', ['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^ {2}ScimDesk\.exe --delivery list/m);
    assert.doesNotMatch(help.stdout, /npm run/);
  });

  it('--token client creates and lists the OAuth clients Entra signs in with, as npm run token -- client does', async () => {
    const created = await run('exe', 'token', ['client', 'create', '--data-dir', dataDir]);
    assert.equal(created.status, 0, created.stderr);
    const clientId = /^Client ID: (\S+)$/m.exec(created.stdout)?.[1];
    assert.ok(clientId, created.stdout);
    const listed = await both('token', ['client', 'list', '--data-dir', dataDir]);
    assert.deepEqual([listed.npm.status, listed.exe.status], [0, 0]);
    assert.ok(listed.exe.stdout.includes(clientId), listed.exe.stdout);
    assert.equal(listed.exe.stdout, listed.npm.stdout);
  });

  it('lists every switch in the headless usage text and the README, each parsing back to its command', async () => {
    const usage = await run('exe', 'token', ['--help']);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const command of ['support-bundle', 'reach', 'graph', 'delivery']) {
      assert.match(usage.stdout, new RegExp(`^ {2}ScimDesk\\.exe --${command} `, 'm'));
      assert.match(readme, new RegExp(`ScimDesk\\.exe --${command} `), `README: ScimDesk.exe --${command}`);
    }
  });
});
