import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../main/core/create-core';
import type { SqliteStore } from '../../main/store/sqlite-store';
import { startTestCore, type TestCore } from '../support/start-test-core';
import { readScim, readScimError, URN_USER } from './protocol-helpers';

/**
 * A database another program holds locked: writes answer 503 with Retry-After and a SCIM body
 * (Entra retries failed operations in later cycles), reads keep working (WAL), and the same write
 * succeeds once the lock is gone. Disk full and read-only run on a real small file system in
 * test/protocol/disk-conditions.test.ts.
 */
describe('SCIM endpoint while the database is locked by another program', () => {
  let t: TestCore;
  let other: Database.Database;

  before(async () => {
    t = await startTestCore();
    // Wait 50 ms for the lock instead of 5 s, so the test does not.
    (t.core.store as SqliteStore).db.pragma('busy_timeout = 50');
    other = new Database(join(t.dataDir, DATABASE_FILE));
  });

  after(async () => {
    other.close();
    await t.stop();
  });

  it('answers a write 503 with Retry-After, keeps reads working, and takes the same write once the lock is released', async () => {
    const body = JSON.stringify({ schemas: [URN_USER], userName: 'locked.out@contoso.com' });
    other.exec('BEGIN IMMEDIATE');
    try {
      const refused = await t.scim('/Users', { method: 'POST', body });
      assert.equal(refused.headers.get('retry-after'), '5');
      const error = await readScimError(refused, 503, undefined, 'POST while locked');
      assert.match(error.detail, /busy with another program: nothing was written/);
      await readScim(await t.scim('/Users?count=1'), 200, 'a read while locked');
    } finally {
      other.exec('ROLLBACK');
    }
    await readScim(await t.scim('/Users', { method: 'POST', body }), 201, 'the same POST afterwards');
  });
});
