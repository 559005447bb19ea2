import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DatabaseTooNewError, migrations, SCHEMA_VERSION } from '../../../main/store/migrations';
import { foldCase, openDatabase } from '../../../main/store/open-database';

describe('migrations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scimdesk-migrations-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('brings a new database to the current schema version in WAL mode', () => {
    const db = openDatabase(join(dir, 'new.db'));
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    db.close();
  });

  it('opens an up-to-date database again without re-running migrations', () => {
    const file = join(dir, 'again.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    db.close();
  });

  it('refuses a database written by a newer ScimDesk and leaves it untouched', () => {
    const file = join(dir, 'newer.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.exec('CREATE TABLE future (x)');
    raw.close();
    assert.throws(() => openDatabase(file), DatabaseTooNewError);
    const check = new Database(file);
    assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION + 1);
    check.close();
  });

  it('migrates a database that already holds two groups with one name and two users with one externalId, keeping all four', () => {
    const file = join(dir, 'duplicates.db');
    const raw = new Database(file);
    // The schema as version 6 left it, with data written before names and Object IDs were unique.
    for (const step of migrations.slice(0, 6)) step(raw);
    raw.pragma('user_version = 6');
    const time = '2025-01-01T00:00:00.000Z';
    raw.prepare(`INSERT INTO directory (id, name, created, updated) VALUES (1, 'Old', ?, ?)`).run(time, time);
    const group = raw.prepare(`INSERT INTO groups (id, display_name_key, doc, created, last_modified) VALUES (?, 'sales', ?, ?, ?)`);
    group.run('g1', '{"displayName":"Sales"}', time, time);
    group.run('g2', '{"displayName":"SALES"}', time, time);
    const user = raw.prepare(`INSERT INTO users (id, user_name, user_name_key, external_id, doc, created, last_modified) VALUES (?, ?, ?, 'same', ?, ?, ?)`);
    user.run('u1', 'a', 'a', '{"userName":"a","externalId":"same"}', time, time);
    user.run('u2', 'b', 'b', '{"userName":"b","externalId":"same"}', time, time);
    raw.close();

    const db = openDatabase(file);
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.deepEqual(db.prepare('SELECT id FROM groups ORDER BY id').all(), [{ id: 'g1' }, { id: 'g2' }]);
    assert.deepEqual(db.prepare('SELECT id FROM users ORDER BY id').all(), [{ id: 'u1' }, { id: 'u2' }]);
    assert.deepEqual(db.prepare('SELECT external_id_policy FROM directory').get(), { external_id_policy: 'refuse' }, 'existing directories refuse duplicates from now on');
    assert.deepEqual(db.prepare('SELECT count(*) AS n FROM pending_members').get(), { n: 0 });
    db.close();
  });

  it('marks every record an upgrade finds as still to be read by the mapping diagnostics', () => {
    const file = join(dir, 'mapping-marks.db');
    const raw = new Database(file);
    // The search index's triggers call the connection's case folding (open-database.ts).
    raw.function('scim_fold', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? foldCase(value) : value));
    // The database as it was before the migration that added the marks (later migrations run on open too).
    const previous = migrations.findIndex((step) => String(step).includes('CREATE TABLE mapping_dirty'));
    assert.ok(previous > 0);
    for (const step of migrations.slice(0, previous)) step(raw);
    raw.pragma(`user_version = ${previous}`);
    const time = '2025-01-01T00:00:00.000Z';
    const user = raw.prepare(`INSERT INTO users (id, user_name, user_name_key, external_id, doc, created, last_modified) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    user.run('u1', 'a', 'a', 'nick-a', '{"userName":"a","externalId":"nick-a"}', time, time);
    user.run('u2', 'b', 'b', null, '{"userName":"b"}', time, time);
    raw.prepare(`INSERT INTO groups (id, display_name_key, doc, created, last_modified) VALUES ('g1', 'sales', '{"displayName":"Sales"}', ?, ?)`).run(time, time);
    raw.close();

    const db = openDatabase(file);
    assert.deepEqual(db.prepare(`SELECT kind, count(*) AS n FROM mapping_dirty GROUP BY kind ORDER BY kind`).all(), [
      { kind: 'Group', n: 1 },
      { kind: 'User', n: 2 },
    ]);
    // A write after the upgrade marks the record again with a stamp no earlier mark had.
    db.prepare(`UPDATE users SET doc = '{"userName":"a"}' WHERE id = 'u1'`).run();
    const stamps = db.prepare(`SELECT stamp FROM mapping_dirty WHERE kind = 'User' ORDER BY seq`).all() as Array<{ stamp: number }>;
    assert.ok(stamps[0]!.stamp > 0 && stamps[1]!.stamp === 0, JSON.stringify(stamps));
    db.close();
  });

  it('gives the webhook subscriptions of an earlier version the failure limit of 12 they had', () => {
    const file = join(dir, 'pause-after.db');
    const raw = new Database(file);
    raw.function('scim_fold', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? foldCase(value) : value));
    const previous = migrations.findIndex((step) => String(step).includes('ADD COLUMN pause_after'));
    assert.ok(previous > 0);
    for (const step of migrations.slice(0, previous)) step(raw);
    raw.pragma(`user_version = ${previous}`);
    raw.prepare(`INSERT INTO delivery_subscriptions (id, url, secret, created, delivered_seq) VALUES ('sub_1', 'http://127.0.0.1:9/', 'whsec_x', '2026-01-01', 0)`).run();
    raw.close();
    const db = openDatabase(file);
    assert.deepEqual(db.prepare(`SELECT id, pause_after FROM delivery_subscriptions`).all(), [{ id: 'sub_1', pause_after: 12 }]);
    db.close();
  });

  it('keeps an acknowledged write when the process is killed without closing the store', () => {
    const file = join(dir, 'crash.db');
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/scripts/write-then-die.ts', file], { encoding: 'utf8' });
    assert.equal(child.signal, 'SIGKILL');
    const id = child.stdout.trim();
    assert.match(id, /^[0-9a-f-]{36}$/);
    const db = openDatabase(file);
    assert.deepEqual(db.prepare('SELECT id, user_name FROM users').all(), [{ id, user_name: 'acknowledged@contoso.com' }]);
    db.close();
  });
});
