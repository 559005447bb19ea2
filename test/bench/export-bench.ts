/**
 * Scheduled exports benchmark: `npm run bench:exports -- [--users 100000]`.
 *
 * Seeds a store with N users (core, enterprise department, a work email) and one group holding them
 * all, then runs the export the service runs for users as CSV, users as JSON and the memberships as
 * CSV, each into a fresh folder, sampling the process's memory every 20 ms while it writes. The
 * export reads 1,000 rows a page and writes 1 MB at a time, so memory stays flat whatever N is.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runExport } from '../../main/exports/export-run';
import { createSqliteStore } from '../../main/store/sqlite-store';
import type { ExportFormat, ExportKind, ExportSchedule } from '../../shared/admin/export-schemas';

const at = process.argv.indexOf('--users');
const users = at < 0 ? 100_000 : Number(process.argv[at + 1]);
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const scratch = mkdtempSync(join(tmpdir(), 'scimdesk-export-bench-'));
const store = createSqliteStore(join(scratch, 'scimdesk.db'), { checkpointWorker: false });
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

try {
  const seedStart = performance.now();
  const ids: string[] = [];
  const now = new Date();
  for (let i = 0; i < users; i++) {
    const user = await store.createResource(
      'User',
      {
        doc: {
          userName: `user${i}@contoso.com`,
          externalId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          active: i % 10 !== 0,
          displayName: `User ${i}, "Number" ${i}`,
          name: { givenName: `Given${i}`, familyName: `Family${i}` },
          emails: [{ value: `user${i}@contoso.com`, type: 'work', primary: true }],
          [ENTERPRISE]: { department: i % 7 === 0 ? '=Sales' : 'Engineering', employeeNumber: String(100000 + i) },
        },
      },
      now,
    );
    ids.push(user.id);
  }
  await store.createResource('Group', { doc: { displayName: 'Everyone' }, members: ids.map((value) => ({ value })) }, now);
  console.log(`seeded ${users} users and one group of ${users} members in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((n) => n.toFixed(1)).join(' ')}`);

  const cases: ReadonlyArray<readonly [ExportKind, ExportFormat]> = [
    ['users', 'csv'],
    ['users', 'json'],
    ['memberships', 'csv'],
  ];
  for (const [kind, format] of cases) {
    const folder = join(scratch, `${kind}-${format}`);
    const schedule: ExportSchedule = {
      id: 'bench',
      name: 'bench',
      kinds: [kind],
      format,
      columns: {
        users: ['id', 'externalId', 'userName', 'active', 'displayName', 'name.givenName', 'name.familyName', 'emails[type eq "work"].value', `${ENTERPRISE}:employeeNumber`, `${ENTERPRISE}:department`],
        groups: ['id', 'externalId', 'displayName'],
        memberships: ['group.id', 'group.displayName', 'group.externalId', 'member.id', 'member.type', 'member.userName', 'member.externalId'],
      },
      folder,
      timing: { kind: 'none' },
      afterCycle: false,
      keep: 1,
      latestCopy: false,
      enabled: false,
      created: now.toISOString(),
    };
    global.gc?.();
    const base = process.memoryUsage();
    let peakRss = base.rss;
    let peakHeap = base.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 20);
    const start = performance.now();
    let file = '';
    let rows = 0;
    await runExport(store, schedule, new Date(), () => undefined, (written) => {
      file = written.name;
      rows = written.rows;
    });
    const ms = performance.now() - start;
    clearInterval(sampler);
    console.log(
      `${kind} as ${format.toUpperCase()}: ${rows} rows, ${mb(statSync(join(folder, file)).size)} in ${(ms / 1000).toFixed(2)} s; ` +
        `heap ${mb(base.heapUsed)} → peak ${mb(peakHeap)} (+${mb(peakHeap - base.heapUsed)}), RSS peak +${mb(peakRss - base.rss)}`,
    );
  }
} finally {
  await store.close();
  rmSync(scratch, { recursive: true, force: true });
}
