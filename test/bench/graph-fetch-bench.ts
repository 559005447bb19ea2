/**
 * Graph fetch benchmark: `npx tsx test/bench/graph-fetch-bench.ts [--users N] [--groups G] [--runs R]`.
 *
 * Starts the fake Entra tenant over HTTPS on 127.0.0.1 with N users (default
 * 100,000) and G groups, an enterprise application with users and a nested group
 * assigned, then fetches a full snapshot through the real clients
 * (@azure/identity + @microsoft/microsoft-graph-client): token, users and groups
 * at $top=999 following every @odata.nextLink, assignments and transitive members.
 * Prints the time, pages, objects per second and heap; it never fails on a figure.
 * The tenant runs in the same process, so the time includes serving the pages.
 */
import { ENTRA_SNAPSHOT_MAPPERS } from '../../main/admin/entra/to-entra-snapshot';
import '../support/trust-tenant-ca';
import { cpus } from 'node:os';
import { GraphService } from '../../main/graph/graph-service';
import { generateUsers } from '../../scripts/fake-tenant/scenario';
import { startGraphTestTenant } from '../support/graph-test-tenant';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const userCount = option('users', 100_000);
const groupCount = option('groups', 500);
const runs = option('runs', 2);

const t = await startGraphTestTenant();
try {
  const seedStarted = performance.now();
  t.tenant.addUsers(generateUsers(userCount));
  for (let i = 0; i < groupCount; i += 1) t.tenant.addGroup({ displayName: `Department ${i}` });
  const users = t.tenant.users;
  const inner = t.tenant.addGroup({ displayName: 'Provisioned inner', members: users.slice(0, 5_000).map((u) => u.id) });
  const outer = t.tenant.addGroup({ displayName: 'Provisioned', members: [...users.slice(5_000, 10_000).map((u) => u.id), inner.id] });
  const sp = t.tenant.addEnterpriseApp({ displayName: 'ScimDesk' });
  for (const user of users.slice(10_000, 12_000)) t.tenant.assign(sp, user.id, 'User');
  t.tenant.assign(sp, outer.id, 'Group');
  const seedMs = performance.now() - seedStarted;

  console.log(`Graph fetch benchmark: ${userCount.toLocaleString('en-US')} users, ${groupCount + 2} groups, ${sp.assignments.length.toLocaleString('en-US')} assignments; node ${process.version}, ${cpus().length} CPU(s); tenant seeded in ${seedMs.toFixed(0)} ms`);
  const rows: string[] = [];
  for (let run = 1; run <= runs; run += 1) {
    const service = await GraphService.connect(t.connection, t.secrets);
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    let pages = 0;
    let throttles = 0;
    let usersDoneAt = 0;
    const snapshot = await service.fetchSnapshot(ENTRA_SNAPSHOT_MAPPERS, {
      servicePrincipalId: sp.id,
      onProgress: (p) => {
        pages = p.pages;
        throttles = p.throttles;
        if (p.phase === 'groups' && usersDoneAt === 0) usersDoneAt = performance.now();
      },
    });
    const totalMs = performance.now() - started;
    const usersMs = usersDoneAt - started;
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    const objects = snapshot.users.length + snapshot.groups.length;
    console.log(
      `run ${run}: users ${snapshot.users.length.toLocaleString('en-US')} in ${(usersMs / 1000).toFixed(2)} s` +
        ` (${Math.round(snapshot.users.length / (usersMs / 1000)).toLocaleString('en-US')}/s);` +
        ` whole snapshot ${(totalMs / 1000).toFixed(2)} s, ${pages} pages, ${throttles} throttles,` +
        ` scope ${snapshot.scope?.userIds.length.toLocaleString('en-US')} users, heap +${heapMb.toFixed(0)} MB`,
    );
    rows.push(`| ${run} | ${snapshot.users.length.toLocaleString('en-US')} | ${(usersMs / 1000).toFixed(2)} s | ${(totalMs / 1000).toFixed(2)} s | ${pages} | ${Math.round(objects / (totalMs / 1000)).toLocaleString('en-US')} |`);
  }
  console.log('\n| run | users | users fetch | whole snapshot (users, groups, scope) | pages | objects/s |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
} finally {
  await t.close();
}
