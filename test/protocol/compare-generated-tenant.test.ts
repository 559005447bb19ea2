import { ENTRA_SNAPSHOT_MAPPERS } from '../../main/admin/entra/to-entra-snapshot';
import '../support/trust-tenant-ca';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestCandidate, compareDirectories, type CompareReport, type ReportRow } from '../../main/reconcile/compare';
import { buildFixPlan } from '../../main/reconcile/fix-plan';
import { generateTenant, installGeneratedTenant, type GeneratedTenant } from '../fixtures/fake-tenant/generated-tenant';
import { startGraphTestTenant } from '../support/graph-test-tenant';
import { assertReportInvariants } from '../unit/reconcile/reconcile-fixtures';

/**
 * Compare's accuracy on generated tenants (issue 10): for each seed, a tenant of a few
 * hundred users and dozens of groups with every problem mixed in
 * (test/fixtures/fake-tenant/generated-tenant.ts) is served by the fake tenant, fetched
 * through the real Graph client (scope from the application's assignments), compared with
 * the generated local records, and scored against the answer key the generator wrote from
 * construction. Goal: every record in the right category with the right objectId, and
 * exactly the in-scope Entra objects no record represents listed as never provisioned.
 */
const SEEDS = Array.from({ length: 20 }, (_, i) => 1000 + i * 7919);

/** The Entra object a row ties its record to: the linked one, or the unambiguous best candidate a fix would link. */
function tiedTo(row: ReportRow): string | null {
  if (row.category === 'linked' || row.category === 'orphan') return row.objectId;
  const best = bestCandidate(row);
  return best === null || best.ambiguous ? null : best.candidate.objectId;
}

interface Score {
  items: number;
  correct: number;
  problemItems: number;
  problemCorrect: number;
  /** Local records alone (without the never-provisioned objects). */
  records: number;
  recordsCorrect: number;
  problemRecords: number;
  problemRecordsCorrect: number;
  /** Items wrong, per injected situation. */
  wrongBy: Map<string, number>;
  errors: string[];
}

const emptyScore = (): Score => ({ items: 0, correct: 0, problemItems: 0, problemCorrect: 0, records: 0, recordsCorrect: 0, problemRecords: 0, problemRecordsCorrect: 0, wrongBy: new Map(), errors: [] });

/** Scores a report against the generator's answer key; every local record and every listed-or-expected never-provisioned object is one item. */
function score(generated: GeneratedTenant, report: CompareReport): Score {
  const s = emptyScore();
  const count = (ok: boolean, problem: boolean, error: string, scenario: string, record = false) => {
    s.items++;
    if (problem) s.problemItems++;
    if (record) {
      s.records++;
      if (problem) s.problemRecords++;
    }
    if (ok) {
      s.correct++;
      if (problem) s.problemCorrect++;
      if (record) s.recordsCorrect++;
      if (record && problem) s.problemRecordsCorrect++;
    } else {
      s.errors.push(`seed ${generated.seed}: ${error}`);
      s.wrongBy.set(scenario, (s.wrongBy.get(scenario) ?? 0) + 1);
    }
  };
  for (const expected of generated.key.records) {
    const row = report.rows.find((candidate) => candidate.kind === expected.kind && candidate.localId === expected.localId);
    if (row === undefined) {
      count(false, expected.category !== 'linked', `${expected.kind} ${expected.localId} (${expected.scenario}): no row`, expected.scenario, true);
      continue;
    }
    const got = tiedTo(row);
    const ambiguous = bestCandidate(row)?.ambiguous === true;
    const ok = row.category === expected.category && got === expected.objectId && ambiguous === expected.ambiguous;
    count(
      ok,
      expected.category !== 'linked',
      `${expected.kind} ${row.name} (${expected.scenario}): expected ${expected.category} ${expected.objectId ?? '—'}${expected.ambiguous ? ' (ambiguous)' : ''}, ` +
        `got ${row.category} ${got ?? '—'}${ambiguous ? ' (ambiguous)' : ''} [${row.reasonCode}: ${row.reason}]`,
      expected.scenario,
      true,
    );
  }
  for (const kind of ['User', 'Group'] as const) {
    const expected = generated.key.notProvisioned[kind];
    const listed = new Set(report.rows.filter((row) => row.kind === kind && row.category === 'notProvisioned').map((row) => row.objectId as string));
    for (const [objectId, why] of expected) count(listed.has(objectId), true, `${kind} ${objectId} (${why}): expected never provisioned, not listed`, `${kind}: never provisioned (${why})`);
    for (const objectId of listed) {
      if (expected.has(objectId)) continue;
      const row = report.rows.find((r) => r.kind === kind && r.category === 'notProvisioned' && r.objectId === objectId) as ReportRow;
      count(false, true, `${kind} ${row.name} listed as never provisioned, but a local record represents it [${row.reason}]`, `${kind}: listed as never provisioned though represented`);
    }
  }
  return s;
}

const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(2)} %`;

describe('Compare on generated tenants through the fake tenant (answer key from construction)', () => {
  it(`puts every record in the right category with the right objectId, and lists exactly the unrepresented in-scope objects as never provisioned (${SEEDS.length} seeds)`, async (t) => {
    const total = emptyScore();
    let users = 0;
    let groups = 0;
    for (const seed of SEEDS) {
      const generated = generateTenant(seed);
      const tenant = await startGraphTestTenant();
      try {
        const sp = installGeneratedTenant(tenant.tenant, generated);
        const snapshot = await (await tenant.service({ appId: sp.appId })).fetchSnapshot(ENTRA_SNAPSHOT_MAPPERS, { servicePrincipalId: sp.id });
        assert.ok(snapshot.scope, 'the scope is known');
        assert.deepEqual(new Set(snapshot.scope.userIds), generated.key.scope.User, `seed ${seed}: the fetched user scope is the one constructed`);
        assert.deepEqual(new Set(snapshot.scope.groupIds), generated.key.scope.Group, `seed ${seed}: the fetched group scope is the one constructed`);
        users += snapshot.users.length;
        groups += snapshot.groups.length;

        const report = compareDirectories(generated.local, snapshot, { generatedAt: snapshot.fetchedAt });
        assertReportInvariants(generated.local, snapshot, report);
        const s = score(generated, report);
        for (const field of ['items', 'correct', 'problemItems', 'problemCorrect', 'records', 'recordsCorrect', 'problemRecords', 'problemRecordsCorrect'] as const) total[field] += s[field];
        for (const [scenario, n] of s.wrongBy) total.wrongBy.set(scenario, (total.wrongBy.get(scenario) ?? 0) + n);
        total.errors.push(...s.errors);

        // The fix, every weak link approved: each record with a proposal gets exactly that link; ambiguous ones are refused.
        const localIds = new Set(generated.key.records.map((r) => r.localId));
        const plan = buildFixPlan(report, { approveMailOnly: localIds }, `plan-${seed}`, snapshot.fetchedAt);
        for (const expected of generated.key.records) {
          if (expected.category !== 'mismatch' && expected.category !== 'unlinked' && !expected.ambiguous) continue;
          const action = plan.actions.find((a) => a.resourceType === expected.kind && a.localId === expected.localId);
          const refusal = plan.refused.find((a) => a.resourceType === expected.kind && a.localId === expected.localId);
          if (expected.ambiguous) {
            if (refusal === undefined) total.errors.push(`seed ${seed}: ${expected.kind} ${expected.localId} (${expected.scenario}): the fix should refuse it`);
          } else if (expected.objectId !== null && action?.to !== expected.objectId) {
            total.errors.push(`seed ${seed}: ${expected.kind} ${expected.localId} (${expected.scenario}): the fix should link ${expected.objectId}, does ${JSON.stringify(action ?? refusal ?? null)}`);
          }
        }
      } finally {
        await tenant.close();
      }
    }
    t.diagnostic(
      `${SEEDS.length} generated tenants (${users} Entra users, ${groups} groups): ` +
        `${percent(total.correct, total.items)} of ${total.items} records and never-provisioned objects right; ` +
        `${percent(total.problemCorrect, total.problemItems)} of the ${total.problemItems} with a problem. ` +
        `Local records alone: ${percent(total.recordsCorrect, total.records)} of ${total.records}, ${percent(total.problemRecordsCorrect, total.problemRecords)} of the ${total.problemRecords} with a problem.` +
        (total.wrongBy.size > 0 ? ` Wrong: ${[...total.wrongBy].sort((a, b) => b[1] - a[1]).map(([scenario, n]) => `${scenario} ×${n}`).join('; ')}` : ''),
    );
    assert.deepEqual(total.errors, []);
  });

  it('is reproducible: a seed gives the same tenant, records and key', () => {
    assert.deepEqual(generateTenant(42), generateTenant(42));
    assert.notDeepEqual(generateTenant(42).key.records, generateTenant(43).key.records);
  });
});
