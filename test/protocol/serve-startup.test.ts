import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createCore, StoreOpenError } from '../../main/core/create-core';
import { describeStartupProblem } from '../../main/service/startup-problems';
import { createSqliteStore } from '../../main/store/sqlite-store';
import { cliCommand } from '../support/cli-command';

/**
 * Start-up on a data folder that cannot be used as it is (issue 14): a database file that is not
 * ScimDesk's stops `serve` with a message naming the file and what exists to restore from, never
 * a fresh start with a new token; `--start-empty` moves it aside; an unwritable folder is named
 * with what to do, not a stack trace.
 */
const CLI = cliCommand('cli');
const root = mkdtempSync(join(tmpdir(), 'scimdesk-startup-'));

function run(dataDir: string, ...extra: string[]) {
  return spawnSync(process.execPath, [...CLI, 'serve', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--admin-port', '0', ...extra], {
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** A real ScimDesk database with 300 users, checkpointed into the file (no -wal left). */
async function goodDatabase(file: string): Promise<void> {
  const store = createSqliteStore(file, { checkpointWorker: false });
  for (let i = 0; i < 300; i++) await store.createResource('User', { doc: { userName: `user${i}@contoso.com`, displayName: `User ${i} ${'x'.repeat(200)}` } }, new Date());
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  await store.close();
}

function overwrite(file: string, at: number, bytes: Buffer): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, bytes, 0, bytes.length, at);
  closeSync(fd);
}

describe('serve on a database that is not a valid ScimDesk database', () => {
  const good = join(root, 'good.db');
  before(async () => {
    await goodDatabase(good);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const cases: ReadonlyArray<{ readonly name: string; readonly make: (file: string) => void; readonly reason: RegExp }> = [
    { name: 'an empty (0-byte) file', make: (file) => writeFileSync(file, ''), reason: /it is empty \(0 bytes\)/ },
    { name: 'a file with another header', make: (file) => writeFileSync(file, 'PK\u0003\u0004 a zip, not a database'), reason: /not an SQLite database/ },
    {
      name: 'a truncated database',
      make: (file) => {
        copyFileSync(good, file);
        truncateSync(file, Math.floor(statSync(good).size / 3));
      },
      reason: /damaged|quick_check/,
    },
    {
      name: 'a database with a garbled page (quick_check fails)',
      make: (file) => {
        copyFileSync(good, file);
        overwrite(file, 4096 * 3, Buffer.alloc(4096, 0xab));
      },
      reason: /damaged|quick_check/,
    },
    {
      name: "another program's SQLite database",
      make: (file) => {
        const db = new Database(file);
        db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)');
        db.close();
      },
      reason: /another program \(tables invoices\)/,
    },
  ];

  for (const row of cases) {
    it(`stops on ${row.name}: names the file, lists what is next to it, and leaves it as it was`, async () => {
      const dataDir = join(root, row.name.replace(/\W+/g, '-'));
      mkdirSync(dataDir, { recursive: true });
      const file = join(dataDir, 'scimdesk.db');
      row.make(file);
      writeFileSync(`${file}-wal`, 'the last changes');
      const before = readFileSync(file);
      // In-process, as `serve` opens it (one file is also run through the command itself, below).
      const error = await createCore({ dataDir, host: '127.0.0.1', port: 0, fileLogs: false }).then(
        () => assert.fail('the core opened it'),
        (thrown: unknown) => thrown,
      );
      assert.ok(error instanceof StoreOpenError && error.invalid, String(error));
      const message = describeStartupProblem(error, 'npm run serve -- --start-empty') ?? '';
      assert.match(message, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not a valid ScimDesk database`));
      assert.match(message, row.reason);
      assert.match(message, /No ScimDesk snapshot exists to restore from/);
      assert.match(message, /scimdesk\.db-wal {2}16 bytes, .*may hold the most recent changes/);
      assert.match(message, /npm run serve -- --start-empty/);
      assert.deepEqual(readFileSync(file), before, 'the file is untouched');
      assert.equal(readFileSync(`${file}-wal`, 'utf8'), 'the last changes', 'its -wal file too');
    });
  }

  it('serve exits 1 on an empty database file, printing that message and no token', () => {
    const dataDir = join(root, 'cli-empty');
    mkdirSync(dataDir);
    const file = join(dataDir, 'scimdesk.db');
    writeFileSync(file, '');
    const result = run(dataDir);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.ok(!result.stdout.includes('Secret token'), `no token printed:\n${result.stdout}`);
    assert.match(result.stderr, /^ScimDesk cannot start\.\n.*scimdesk\.db is not a valid ScimDesk database: it is empty \(0 bytes\)/);
    assert.match(result.stderr, new RegExp(`--data-dir "${dataDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" --start-empty`));
    assert.ok(!/\n\s+at /.test(result.stderr), `no stack trace:\n${result.stderr}`);
    assert.equal(statSync(file).size, 0);
  });

  it('starts with an empty directory on --start-empty, moving the invalid file and its -wal aside, deleting nothing', async () => {
    const dataDir = join(root, 'start-empty');
    mkdirSync(dataDir);
    const file = join(dataDir, 'scimdesk.db');
    writeFileSync(file, '');
    writeFileSync(`${file}-wal`, 'the last changes');
    const child = spawn(process.execPath, [...CLI, 'serve', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--admin-port', '0', '--start-empty'], { stdio: 'pipe' });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start in 30 s:\n${output}`)), 30_000);
      child.stdout.on('data', () => {
        if (output.includes('Press Ctrl+C')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    assert.match(output, /The invalid database was moved aside \(nothing deleted\)/);
    assert.match(output, /Secret token \(shown once\): scimdesk_/);
    const aside = readdirSync(dataDir).filter((name) => name.startsWith('scimdesk.db.invalid-')).sort();
    assert.equal(aside.length, 2, aside.join(', '));
    assert.equal(statSync(join(dataDir, aside[0]!)).size, 0, 'the empty file, as it was');
    assert.equal(readFileSync(join(dataDir, aside[1]!), 'utf8'), 'the last changes', 'its -wal, as it was');
    assert.ok(statSync(file).size > 0, 'a new database in its place');
  });
});

describe('serve on a data folder it cannot write', () => {
  const asRoot = process.getuid?.() === 0;
  const setpriv = existsSync('/usr/bin/setpriv');
  const skip = process.platform === 'win32' ? 'POSIX permissions' : asRoot && !setpriv ? 'running as root without setpriv to drop to another account' : false;

  it('names the folder and what to do, without a stack trace (EACCES)', { skip }, () => {
    const parent = mkdtempSync(join(tmpdir(), 'scimdesk-locked-'));
    try {
      chmodSync(parent, 0o755);
      const dataDir = join(parent, 'ScimDesk');
      // Root may write anywhere: the service runs as `nobody` here, as it would under a service account.
      const command = asRoot ? ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [process.execPath];
      if (!asRoot) chmodSync(parent, 0o555);
      const result = spawnSync(command[0]!, [...command.slice(1), ...CLI, 'serve', '--data-dir', dataDir, '--port', '0'], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, HOME: tmpdir() },
      });
      assert.equal(result.status, 1, result.stdout + result.stderr);
      assert.match(result.stderr, new RegExp(`cannot create its data folder ${dataDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: permission denied \\(EACCES\\)`));
      assert.match(result.stderr, /write access to that folder, or choose another with --data-dir/);
      assert.ok(!/SonicBoom|\n\s+at /.test(result.stderr), `no stack trace:\n${result.stderr}`);
    } finally {
      chmodSync(parent, 0o755);
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('names a database file this account may read but not write, and what to do, before anything fails one write at a time', { skip: skip || (!asRoot && 'needs root to give the file to another account') }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-readonly-db-'));
    try {
      await goodDatabase(join(dataDir, 'scimdesk.db'));
      // The folder is the service account's, the database another account's (a restore done as root).
      chownSync(dataDir, 65534, 65534);
      chmodSync(join(dataDir, 'scimdesk.db'), 0o644);
      const result = spawnSync('/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...CLI, 'serve', '--data-dir', dataDir, '--port', '0'], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, HOME: tmpdir() },
      });
      assert.equal(result.status, 1, result.stdout + result.stderr);
      assert.ok(!result.stdout.includes('Secret token'));
      assert.match(result.stderr, /scimdesk\.db cannot be written: this account may read it but not write it \(EACCES/);
      assert.match(result.stderr, /Give the account nobody write access to that file/);
      assert.ok(!/--start-empty|\n\s+at /.test(result.stderr), `no stack trace, no offer to start empty:\n${result.stderr}`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
