import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSnapshotReader } from '../../../main/store/snapshot-file';
import { createSqliteStore } from '../../../main/store/sqlite-store';
import { StoreConflictError } from '../../../main/store/store-errors';

const dir = mkdtempSync(join(tmpdir(), 'scimdesk-snapshot-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const user = (n: number) => ({ doc: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `user${n}@contoso.com`, active: n % 3 !== 0, displayName: `User ${n} ${'x'.repeat(400)}` } });

describe('the online backup of a live SQLite store', () => {
  it('is a consistent, owner-only, self-contained database even while writes go on between its steps', async () => {
    const store = createSqliteStore(join(dir, 'live.db'));
    try {
      for (let n = 0; n < 3000; n++) await store.createResource('User', user(n), new Date());
      const file = join(dir, 'snap.db');
      let writing = true;
      let written = 0;
      // Writes on the same connection between the backup's steps (the event loop runs between them).
      const writer = (async () => {
        while (writing) {
          await store.createResource('User', user(10_000 + written++), new Date());
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      let steps = 0;
      await store.backupTo(file, () => steps++);
      writing = false;
      await writer;
      assert.ok(steps > 1, `the backup ran in ${steps} steps`);
      assert.ok(written > 0, 'writes happened during the backup');
      const copy = new Database(file, { readonly: true });
      try {
        assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
        assert.equal(copy.pragma('journal_mode', { simple: true }), 'delete');
        const users = copy.prepare('SELECT count(*) FROM users').pluck().get() as number;
        const emailsOk = copy.prepare('SELECT count(*) FROM users_search_text').pluck().get() as number;
        assert.ok(users >= 3000 && users <= 3000 + written, `${users} users`);
        assert.equal(emailsOk, users, 'the search table matches the users of the same moment');
      } finally {
        copy.close();
      }
      if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(readdirSync(dir).filter((name) => name.includes('partial')), [], 'no partial file left');
      const reader = openSnapshotReader(file);
      try {
        const counts = reader.counts();
        assert.equal(counts.users, reader.users(0, 100_000).length);
        assert.equal(counts.activeUsers, reader.users(0, 100_000).filter((u) => u.active !== false).length);
        assert.equal(reader.users(0, 10)[0]!.userName, 'user0@contoso.com');
      } finally {
        reader.close();
      }
      assert.equal(existsSync(`${file}-wal`), false);

      // Restored into the live store: the search index is rebuilt whole and passes FTS5's own check.
      await store.createResource('User', user(99_999), new Date());
      const counts = await store.replaceDirectoryFrom(file);
      assert.equal((await store.directoryCounts()).users, counts.users);
      store.db.exec(`INSERT INTO users_search (users_search, rank) VALUES ('integrity-check', 1)`);
      assert.equal(store.db.pragma('integrity_check', { simple: true }), 'ok');
      const hits = store.db.prepare(`SELECT count(*) FROM users_search WHERE users_search MATCH '"user2999@"'`).pluck().get();
      assert.equal(hits, 1);
    } finally {
      await store.close();
    }
  });

  it('ends even when another connection writes between every step (the backup would start over for ever)', { timeout: 60_000 }, async () => {
    const file = join(dir, 'shared.db');
    const store = createSqliteStore(file, { checkpointWorker: false });
    const other = new Database(file);
    other.pragma('busy_timeout = 5000');
    try {
      for (let n = 0; n < 1500; n++) await store.createResource('User', user(n), new Date());
      let writes = 0;
      const snapshot = join(dir, 'shared-snap.db');
      await store.backupTo(snapshot, () => {
        other.prepare(`INSERT OR REPLACE INTO settings (key, value) VALUES ('other.writer', ?)`).run(String(++writes));
      });
      assert.ok(writes >= 3, `${writes} writes from the other connection`);
      const copy = new Database(snapshot, { readonly: true });
      assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
      assert.equal(copy.prepare('SELECT count(*) FROM users').pluck().get(), 1500);
      copy.close();
    } finally {
      other.close();
      await store.close();
    }
  });

  it('refuses, changing nothing, a snapshot a newer ScimDesk made', async () => {
    const store = createSqliteStore(':memory:');
    try {
      await store.createResource('User', user(1), new Date());
      const file = join(dir, 'newer.db');
      await store.backupTo(file);
      const newer = new Database(file);
      newer.pragma('user_version = 999');
      newer.close();
      await store.createResource('User', user(2), new Date());
      await assert.rejects(store.replaceDirectoryFrom(file), (error: unknown) => error instanceof StoreConflictError && /made by a newer ScimDesk/.test(error.message));
      assert.equal((await store.directoryCounts()).users, 2);
    } finally {
      await store.close();
    }
  });
});
