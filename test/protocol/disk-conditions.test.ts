import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createCore, DataFolderError, DATABASE_FILE } from '../../main/core/create-core';
import { mountSmallFilesystem, smallFilesystemUnavailable, type SmallFilesystem } from '../support/small-filesystem';
import { startTestCore, type TestCore } from '../support/start-test-core';
import { readScim, readScimError, URN_USER } from './protocol-helpers';

/**
 * A full disk and a read-only one, for real: a size-limited tmpfs the test mounts (root only;
 * skipped with the reason where mount is not permitted). On a full disk writes answer 503 with
 * Retry-After and a SCIM body, reads go on, the log files' ENOSPC never stops the service, and
 * everything works again once space returns, without a restart. A read-only folder stops start-up
 * with its name. (A disk turning read-only under a running service cannot be made here: Linux
 * refuses to remount a file system read-only while SQLite holds its files open for writing; the
 * mapping of SQLITE_READONLY to 503 is tested in test/unit/store/store-errors.test.ts, a locked
 * database for real in test/protocol/store-unavailable.test.ts.)
 */
const UNAVAILABLE = smallFilesystemUnavailable();

const newUser = (userName: string) => ({ method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName, displayName: 'Disk Test' }) });

function integrity(dataDir: string): string {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

describe('SCIM endpoint on a full disk', { skip: UNAVAILABLE ?? false }, () => {
  let fs: SmallFilesystem;
  let t: TestCore;

  before(async () => {
    fs = mountSmallFilesystem(32);
    t = await startTestCore({ dataDir: join(fs.path, 'ScimDesk'), fileLogs: true });
    for (let i = 0; i < 20; i++) await readScim(await t.scim('/Users', newUser(`before${i}@contoso.com`)), 201);
  });

  after(async () => {
    await t?.stop();
    fs?.unmount();
  });

  it('answers writes 503 with Retry-After while the disk is full, keeps reading and running with the log files failing, and recovers by itself', async () => {
    const filler = fs.fill();
    // SQLite reuses the WAL file's room first: writes fail once it must grow.
    let refused: Response | undefined;
    let taken = 0;
    for (let i = 0; i < 5000 && !refused; i++) {
      const response = await t.scim('/Users', newUser(`filling${i}@contoso.com`));
      if (response.status === 503) refused = response;
      else {
        assert.equal(response.status, 201, await response.text());
        await response.arrayBuffer().catch(() => undefined);
        taken += 1;
      }
    }
    assert.ok(refused, `a write was refused within 5,000 (${taken} taken first)`);
    assert.equal(refused.headers.get('retry-after'), '60');
    const error = await readScimError(refused, 503, undefined, 'POST on a full disk');
    assert.match(error.detail, /disk that holds the ScimDesk database is full: nothing was written/);
    // Reads, and more refused writes: every request also writes a log line, which now fails with ENOSPC.
    for (let i = 0; i < 30; i++) {
      await readScim(await t.scim('/Users?count=5'), 200, 'a read on a full disk');
      assert.equal((await t.scim('/Users', newUser(`during${i}@contoso.com`))).status, 503);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const health = t.core.logHealth();
    assert.equal(health?.failing, true, 'the log files are failing');
    assert.equal(health?.lastError?.code, 'ENOSPC');
    const overview = await t.core.admin.handlers['overview.get']({}, { actor: 'test' });
    assert.equal(overview.storage.low, true);
    assert.ok((overview.storage.freeBytes ?? 1) < 64 * 1024, `free: ${overview.storage.freeBytes}`);
    assert.equal(overview.storage.logFiles?.failing, true);

    rmSync(filler);
    // The same request Entra would retry, now taken: no restart, no admin action.
    const created = await readScim(await t.scim('/Users', newUser('during@contoso.com')), 201, 'the retry once space is back');
    assert.equal(created.userName, 'during@contoso.com');
    await readScim(await t.scim('/Users?count=1'), 200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(t.core.logHealth()?.failing, false, 'the log files are written again');
    assert.equal((await t.core.admin.handlers['overview.get']({}, { actor: 'test' })).storage.low, true, 'still under 512 MB on a 32 MB disk');
    await t.core.syncLog.flush();
    assert.equal(integrity(t.dataDir), 'ok');
  });
});

describe('start-up on a read-only data folder', { skip: UNAVAILABLE ?? false }, () => {
  it('stops with a DataFolderError naming the folder and what to do, opening nothing', async () => {
    const fs = mountSmallFilesystem(4);
    try {
      fs.readOnly();
      const dataDir = join(fs.path, 'ScimDesk');
      await assert.rejects(
        createCore({ dataDir, host: '127.0.0.1', port: 0 }),
        (error: unknown) =>
          error instanceof DataFolderError &&
          error.problem === 'readOnly' &&
          error.message.includes(dataDir) &&
          /read-only \(EROFS\).*remount it read-write, or choose another folder with --data-dir/.test(error.message),
      );
    } finally {
      fs.unmount();
    }
  });
});

if (UNAVAILABLE) {
  describe('disk-full and read-only tests', () => {
    it(`are skipped: ${UNAVAILABLE}`, { skip: UNAVAILABLE }, () => undefined);
  });
}
