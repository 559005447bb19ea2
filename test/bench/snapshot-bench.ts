/**
 * Snapshot benchmark: `npm run bench:snapshot -- [--users 20000]`.
 *
 * Seeds a database with N users (names, an email, an enterprise extension) and 50 groups of 200
 * members, then times what the Recycle bin & snapshots screen runs: the online backup (and its
 * longest step, the longest the service waits during one), the CSV and JSON exports of the
 * snapshot, and the restore's replacing transaction, then runs integrity_check.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportDirectory } from '../../main/admin/recovery/directory-export';
import { openSnapshotReader } from '../../main/store/snapshot-file';
import { createSqliteStore } from '../../main/store/sqlite-store';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer`);
  return value;
}

const users = option('users', 20_000);
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const dir = mkdtempSync(join(tmpdir(), 'scimdesk-snapshot-bench-'));
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
try {
  const store = createSqliteStore(join(dir, 'live.db'), { checkpointWorker: false });
  const externalId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  store.db.transaction(() => {
    for (let n = 0; n < users; n++) {
      store.resources.create(
        'User',
        {
          doc: {
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
            userName: `user${n}@contoso.com`,
            externalId: externalId(n),
            active: true,
            displayName: `User Number ${n}`,
            name: { givenName: 'User', familyName: `Number ${n}` },
            emails: [{ value: `user${n}@contoso.com`, type: 'work', primary: true }],
            title: 'Engineer',
            [ENTERPRISE]: { department: 'R&D', employeeNumber: String(n) },
          },
        },
        new Date(),
      );
    }
    for (let g = 0; g < 50; g++) {
      const members = Array.from({ length: Math.min(users, 200) }, (_, i) => ({ value: externalId((g * 200 + i) % users) }));
      store.resources.create('Group', { doc: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Group ${g}` }, members }, new Date());
    }
  })();
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  console.log(`${users} users, 50 groups; database ${mb(statSync(join(dir, 'live.db')).size)}; ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(1)}`);

  const snapshot = join(dir, 'snapshot.db');
  let longest = 0;
  let last = performance.now();
  let started = performance.now();
  await store.backupTo(snapshot, () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  });
  console.log(`backup: ${Math.round(performance.now() - started)} ms (${mb(statSync(snapshot).size)}), longest step ${Math.round(longest)} ms`);

  const reader = openSnapshotReader(snapshot);
  const counts = reader.counts();
  for (const format of ['csv', 'json'] as const) {
    started = performance.now();
    const files = await exportDirectory(reader, counts, format, 'bench');
    console.log(`${format} export: ${Math.round(performance.now() - started)} ms (${files.map((file) => mb(file.content.length)).join(', ')})`);
  }
  reader.close();

  started = performance.now();
  await store.replaceDirectoryFrom(snapshot);
  console.log(`restore (one transaction): ${Math.round(performance.now() - started)} ms`);
  console.log(`integrity_check: ${String(store.db.pragma('integrity_check', { simple: true }))}`);
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
