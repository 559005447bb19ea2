import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createCore } from '../../main/core/create-core';
import { runDesktopApp } from '../../main/app/desktop-app';
import { RUNNING_FOLDER } from '../../main/lib/run-marker';
import { createSqliteStore } from '../../main/store/sqlite-store';
import { createFakeElectron } from '../support/fake-electron';
import { startTestAdmin } from '../support/start-test-admin';
import { cliCommand } from '../support/cli-command';

/**
 * `npm run snapshot -- list|take|restore|export` (main/service/snapshot-cli.ts through cli.ts, as
 * the npm script runs it): restore while the service is stopped, refused while it runs, exports
 * written to a folder, and the start-up message of a damaged database naming the snapshots and
 * the exact command that restores one.
 */
const CLI = cliCommand('cli');
const root = mkdtempSync(join(tmpdir(), 'scimdesk-snapshot-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

function run(...args: string[]) {
  return spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
}

/** Runs the command without blocking this process (a core it must see as running lives here). */
function runBeside(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...CLI, ...args], { stdio: 'pipe' });
  const result = { stdout: '', stderr: '', status: null as number | null };
  child.stdout.on('data', (chunk: Buffer) => (result.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (result.stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (status) => resolve({ ...result, status })));
}

async function eventually<T>(check: () => T, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

const user = (userName: string) => ({ doc: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true } });

/** A data folder with `users` users and one snapshot of them; returns the snapshot id. */
async function folderWithSnapshot(dataDir: string, users: number): Promise<string> {
  const core = await createCore({ dataDir, host: '127.0.0.1', port: 0, fileLogs: false });
  try {
    for (let n = 0; n < users; n++) await core.store.createResource('User', user(`user${n}@contoso.com`), new Date());
    return (await core.snapshots.take('before the test')).id;
  } finally {
    await core.stop();
  }
}

async function counts(dataDir: string) {
  const store = createSqliteStore(join(dataDir, 'scimdesk.db'), { checkpointWorker: false });
  try {
    return await store.directoryCounts();
  } finally {
    await store.close();
  }
}

describe('the snapshot command', () => {
  it('lists, takes and restores while the service is stopped, keeping a snapshot of the state before', async () => {
    const dataDir = join(root, 'stopped');
    const id = await folderWithSnapshot(dataDir, 3);
    const listed = run('snapshot', 'list', '--data-dir', dataDir);
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^${id}  before the test  3 users \\(3 active\\), 0 groups, 0 memberships, 0 in the recycle bin`));

    const taken = run('snapshot', 'take', '--reason', 'by hand', '--data-dir', dataDir);
    assert.equal(taken.status, 0, taken.stderr);
    assert.match(taken.stdout, /^Snapshot \S+-by-hand: 3 users/);

    // Later changes: two users gone, one new.
    const store = createSqliteStore(join(dataDir, 'scimdesk.db'), { checkpointWorker: false });
    const page = await store.listResources('User', { filter: undefined, startIndex: 1, count: 10, sortBy: undefined, descending: false, withMembers: false, withGroups: false });
    for (const resource of page.resources.slice(0, 2)) await store.deleteResource('User', resource.id, {}, { mode: 'hard' }, new Date());
    await store.createResource('User', user('late@contoso.com'), new Date());
    await store.close();

    const restored = run('snapshot', 'restore', id, '--data-dir', dataDir);
    assert.equal(restored.status, 0, restored.stdout + restored.stderr);
    assert.match(restored.stdout, /Restored the snapshot of .* \(before the test\): 3 users/);
    const undo = /`(npm run snapshot -- restore (\S+))` undoes this restore/.exec(restored.stdout);
    assert.ok(undo, restored.stdout);
    assert.deepEqual(await counts(dataDir), { users: 3, activeUsers: 3, groups: 0, memberships: 0, deleted: 0 });
    const pause = createSqliteStore(join(dataDir, 'scimdesk.db'), { checkpointWorker: false });
    assert.equal(await pause.getSetting('provisioning.paused'), null, 'provisioning resumed after the restore');
    assert.ok((await pause.listAudit({ limit: 5 })).some((entry) => entry.action === 'restoreSnapshot'));
    await pause.close();

    // Undone with the command it printed.
    const undone = run('snapshot', 'restore', undo[2]!, '--data-dir', dataDir);
    assert.equal(undone.status, 0, undone.stderr);
    assert.equal((await counts(dataDir)).users, 2);

    const unknown = run('snapshot', 'restore', '2020-01-01T00-00-00-000Z-none', '--data-dir', dataDir);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /No snapshot "2020-01-01T00-00-00-000Z-none"/);
    const usage = run('snapshot', 'export', id, '--data-dir', dataDir);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /export needs --format csv or --format json/);
  });

  it('refuses to restore while the service runs on the data folder, naming it', async () => {
    const dataDir = join(root, 'running');
    const id = await folderWithSnapshot(dataDir, 1);
    const a = await startTestAdmin({ core: { dataDir } });
    try {
      const refused = await runBeside('snapshot', 'restore', id, '--data-dir', dataDir);
      assert.equal(refused.status, 1, refused.stdout + refused.stderr);
      assert.match(refused.stderr, new RegExp(`^Error: The ScimDesk service for this data folder is running: restore from its admin UI \\(Recycle bin & snapshots\\), or stop it first .*, then run this again \\(process ${process.pid}, started [^)]+\\)\\.$`, 'm'));
    } finally {
      await a.stop();
    }
  });

  it('refuses to restore while the desktop app runs on the data folder (it has no admin port), and restores once it quits', async () => {
    const dataDir = join(root, 'desktop');
    const id = await folderWithSnapshot(dataDir, 2);
    const rendererDir = join(root, 'desktop-renderer');
    // The desktop host itself, on a fake Electron (test/support/fake-electron.ts), starting its core as it does.
    const fake = createFakeElectron();
    const shell = runDesktopApp(fake.electron, {
      argv: ['/repo/dist/main/app/main.js', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--hidden'],
      env: {},
      platform: 'win32',
      execPath: '/electron/electron.exe',
      paths: { rendererDir, preload: '/repo/dist/main/preload/preload.cjs', entry: '/repo/dist/main/app/main.js' },
      log: () => undefined,
    });
    assert.ok(shell);
    try {
      fake.makeReady();
      await eventually(() => assert.equal(fake.trays.length, 1, 'the core started'));
      const store = createSqliteStore(join(dataDir, 'scimdesk.db'), { checkpointWorker: false });
      assert.notEqual(typeof (await store.getSetting('admin.port')), 'number', 'no admin port recorded: the port probe cannot see it');
      await store.close();

      const refused = await runBeside('snapshot', 'restore', id, '--data-dir', dataDir);
      assert.equal(refused.status, 1, refused.stdout + refused.stderr);
      assert.match(refused.stderr, new RegExp(`^Error: The ScimDesk desktop app is running on this data folder: restore from its Recycle bin & snapshots screen, or quit it first \\(tray icon › Quit ScimDesk\\), then run this again \\(process ${process.pid}, started \\d{4}-[\\d-]+T[\\d:.]+Z\\)\\.$`, 'm'));
      assert.doesNotMatch(refused.stdout, /Restored/);

      fake.trays[0]!.click('Quit ScimDesk');
      await eventually(() => assert.equal(fake.exited(), true));
    } finally {
      await shell.stop();
    }
    const restored = await runBeside('snapshot', 'restore', id, '--data-dir', dataDir);
    assert.equal(restored.status, 0, restored.stdout + restored.stderr);
    assert.match(restored.stdout, /Restored the snapshot of .* \(before the test\): 2 users/);
  });

  it('restores when a marker is left by a core that was killed (its process is gone), and removes that marker', async () => {
    const dataDir = join(root, 'killed');
    const id = await folderWithSnapshot(dataDir, 1);
    // A pid that was a process and is no more.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = Number(gone.stdout);
    assert.ok(pid > 0);
    mkdirSync(join(dataDir, RUNNING_FOLDER), { recursive: true });
    const marker = join(dataDir, RUNNING_FOLDER, `${pid}-0badf00d.json`);
    writeFileSync(marker, JSON.stringify({ host: 'desktop', pid, startedAt: new Date().toISOString() }));
    const restored = await runBeside('snapshot', 'restore', id, '--data-dir', dataDir);
    assert.equal(restored.status, 0, restored.stdout + restored.stderr);
    assert.match(restored.stdout, /Restored the snapshot/);
    assert.equal(existsSync(marker), false, 'the stale marker was cleared');
  });

  it('exports a snapshot and now as files in --out, owner-only', async () => {
    const dataDir = join(root, 'export');
    const id = await folderWithSnapshot(dataDir, 2);
    const out = join(root, 'export-out');
    const csv = run('snapshot', 'export', id, '--format', 'csv', '--out', out, '--data-dir', dataDir);
    assert.equal(csv.status, 0, csv.stderr);
    assert.deepEqual(readdirSync(out).sort(), [`scimdesk-${id}-groups.csv`, `scimdesk-${id}-memberships.csv`, `scimdesk-${id}-users.csv`]);
    const users = readFileSync(join(out, `scimdesk-${id}-users.csv`), 'utf8');
    assert.ok(users.startsWith('\uFEFFid,userName,'));
    assert.equal(users.trimEnd().split('\r\n').length, 3);
    if (process.platform !== 'win32') assert.equal(statSync(join(out, `scimdesk-${id}-users.csv`)).mode & 0o777, 0o600);
    const json = run('snapshot', 'export', 'now', '--format', 'json', '--out', out, '--data-dir', dataDir);
    assert.equal(json.status, 0, json.stderr);
    const file = readdirSync(out).find((name) => name.endsWith('.json'))!;
    assert.equal((JSON.parse(readFileSync(join(out, file), 'utf8')) as { users: unknown[] }).users.length, 2);
  });

  it('names the snapshots and the exact restore command when the database is damaged, and that command brings the service back', async () => {
    const dataDir = join(root, 'damaged dir');
    const id = await folderWithSnapshot(dataDir, 250);
    const file = join(dataDir, 'scimdesk.db');
    // A garbled page in the middle of the users: SQLite's quick_check fails.
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, 4096 * 3);
    closeSync(fd);

    const serve = run('serve', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--admin-port', '0');
    assert.equal(serve.status, 1, serve.stdout + serve.stderr);
    assert.match(serve.stderr, /Snapshots ScimDesk made \(in .*database-snapshots, newest first\):/);
    assert.match(serve.stderr, new RegExp(`\\n  ${id}  before the test: 250 users, 0 groups, 0 memberships, `));
    const command = `npm run snapshot -- restore ${id} --data-dir ${JSON.stringify(dataDir)}`;
    assert.ok(serve.stderr.includes(`To restore the newest: ${command}.`), serve.stderr);

    // The command as printed (npm run snapshot -- … is cli.ts snapshot …).
    const restored = run('snapshot', 'restore', id, '--data-dir', dataDir);
    assert.equal(restored.status, 0, restored.stdout + restored.stderr);
    assert.match(restored.stdout, /could not be opened .* moved aside, nothing deleted: .*scimdesk\.db\.invalid-/);
    assert.match(restored.stdout, /Restored the whole database from the snapshot .*: 250 users/);
    assert.ok(readdirSync(dataDir).some((name) => name.startsWith('scimdesk.db.invalid-')), 'the damaged file was kept');
    assert.deepEqual(await counts(dataDir), { users: 250, activeUsers: 250, groups: 0, memberships: 0, deleted: 0 });
    assert.ok(existsSync(join(dataDir, 'database-snapshots', `${id}.db`)), 'the snapshot itself stays');
    const core = await createCore({ dataDir, host: '127.0.0.1', port: 0, fileLogs: false });
    await core.stop();
  });
});
