/**
 * Admin search benchmark: `npm run bench:search -- [--users 100000] [--runs 20]`.
 *
 * Seeds a data folder with N Entra-like users (user name and work email at contoso.com, display
 * names from a small pool so a family name matches about 1 in 30) and 1,000 groups, then times the
 * Users and Groups screens' search as the admin UI calls it: the `users.list` / `groups.list`
 * handlers, first page of 50, sorted by name, total counted. Prints the median and the slowest
 * run of each query after a warm-up. The target (issue 10) is under 50 ms at 100,000 users.
 */
import { cpus, totalmem } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { createCore, DATABASE_FILE } from '../../main/core/create-core';
import { createSqliteStore } from '../../main/store/sqlite-store';
import { URN } from '../../shared/scim/urns';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer`);
  return value;
}

const GIVEN = ['Megan', 'Adele', 'Alex', 'Allan', 'Christie', 'Debra', 'Diego', 'Emily', 'Enrico', 'Grady', 'Henrietta', 'Irvin', 'Isaiah', 'Johanna', 'Joni', 'Lee', 'Lidia', 'Lynne', 'Miriam', 'Nestor', 'Patti', 'Pradeep', 'Brian', 'Cameron', 'Delia', 'Gerhart', 'Raul', 'Alan', 'Ben', 'Jordan'];
const FAMILY = ['Bowen', 'Vance', 'Wilber', 'Deyoung', 'Cline', 'Berger', 'Siciliani', 'Braun', 'Cattaneo', 'Archie', 'Mueller', 'Sayers', 'Langer', 'Lorenz', 'Sherman', 'Gu', 'Holloway', 'Robbins', 'Graham', 'Wilke', 'Fernandez', 'Gupta', 'Johnson', 'White', 'Dennis', 'Moller', 'Razo', 'Steiner', 'Walters', 'Miller'];

const users = option('users', 100_000);
const runs = option('runs', 20);
const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-search-bench-'));
const knownObjectId = randomUUID();

try {
  const seedStart = performance.now();
  const store = createSqliteStore(join(dataDir, DATABASE_FILE), { checkpointWorker: false });
  const now = new Date('2025-01-01T00:00:00Z');
  const seed = store.db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const given = GIVEN[i % GIVEN.length]!;
      const family = FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length]!;
      const userName = `${given}.${family}.${i}@contoso.com`.toLowerCase();
      store.resources.create(
        'User',
        {
          doc: {
            schemas: [URN.user],
            userName,
            externalId: i === 4242 ? knownObjectId : randomUUID(),
            displayName: `${given} ${family}`,
            active: true,
            emails: [{ value: userName, type: 'work', primary: true }],
          },
        },
        now,
      );
    }
  });
  for (let from = 0; from < users; from += 5_000) seed(from, Math.min(users, from + 5_000));
  store.db.transaction(() => {
    for (let i = 0; i < 1_000; i++) {
      store.resources.create('Group', { doc: { schemas: [URN.group], displayName: `${FAMILY[i % FAMILY.length]} team ${i}`, externalId: randomUUID() } }, now);
    }
  })();
  await store.close();
  const seedMs = performance.now() - seedStart;

  const core = await createCore({ dataDir, host: '127.0.0.1', port: 0, fileLogs: false, checkpointWorker: false });
  const handlers = core.admin.handlers;
  const context = { actor: 'bench' };

  const cases: ReadonlyArray<{ label: string; kind: 'users' | 'groups'; search: string; sortBy?: 'name' | 'displayName' }> = [
    { label: 'domain, matches every user ("contoso.com")', kind: 'users', search: 'contoso.com' },
    { label: 'a fifth of the users ("an.")', kind: 'users', search: 'an.' },
    { label: 'a tenth of the users, through the index ("ler")', kind: 'users', search: 'ler' },
    { label: 'family name inside the user name ("bowen")', kind: 'users', search: 'bowen' },
    { label: 'display-name part, sorted by display name ("an mue")', kind: 'users', search: 'an mue', sortBy: 'displayName' },
    { label: 'one user by number ("50123")', kind: 'users', search: '50123' },
    { label: 'no match ("zzzq")', kind: 'users', search: 'zzzq' },
    { label: 'two characters, prefix ("me")', kind: 'users', search: 'me' },
    { label: 'Object ID in full', kind: 'users', search: knownObjectId },
    { label: 'groups, part of a name ("team 42")', kind: 'groups', search: 'team 42' },
  ];

  console.log(`ScimDesk admin search benchmark — ${users.toLocaleString('en')} users, 1,000 groups`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);
  console.log(`seeded in ${(seedMs / 1000).toFixed(1)} s (not timed below); first page of 50 with its total, ${runs} runs after a warm-up\n`);
  const rows: string[] = [];
  for (const c of cases) {
    const run = () =>
      c.kind === 'users'
        ? handlers['users.list']({ search: c.search, startIndex: 1, count: 50, sortBy: c.sortBy ?? 'name', sortOrder: 'ascending' }, context)
        : handlers['groups.list']({ search: c.search, startIndex: 1, count: 50, sortBy: c.sortBy ?? 'name', sortOrder: 'ascending' }, context);
    const first = await run();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    const worst = times[times.length - 1]!;
    rows.push(`| ${c.label} | ${first.total.toLocaleString('en')} | ${median.toFixed(1)} ms | ${worst.toFixed(1)} ms | ${worst < 50 ? 'yes' : 'NO'} |`);
  }
  console.log('| search | matches | median | slowest | < 50 ms |');
  console.log('|---|---:|---:|---:|---|');
  for (const row of rows) console.log(row);
  await core.stop();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
