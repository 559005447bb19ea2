import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestCandidate, compareDirectories } from '../../../main/reconcile/compare';
import { buildSyntheticDirectory } from '../../fixtures/reconcile/synthetic-directory';
import { assertReportInvariants, assertRow, type CompareScenario, findRow, loadJsonFixtures, toSnapshots } from './reconcile-fixtures';

describe('compareDirectories (fixtures in test/fixtures/reconcile/compare)', () => {
  for (const scenario of loadJsonFixtures<CompareScenario>('compare')) {
    describe(`${scenario.file}: ${scenario.name}`, () => {
      const { local, entra } = toSnapshots(scenario);
      const report = compareDirectories(local, entra, { generatedAt: '2025-03-01T10:00:10.000Z' });

      for (const expectation of scenario.expect) {
        it(`puts ${expectation.kind} ${expectation.localId ?? expectation.objectId} in ${expectation.category}${expectation.reasonCode ? ` (${expectation.reasonCode})` : ''}`, () => {
          assertRow(report, expectation, scenario.file);
        });
      }

      if (scenario.exhaustive !== false) {
        it('has no row the fixture does not expect', () => {
          const unexpected = report.rows.filter((row) => !scenario.expect.some((e) => findRow(report, e) === row));
          assert.deepEqual(
            unexpected.map((row) => `${row.kind} ${row.localId ?? row.objectId} ${row.category}: ${row.reason}`),
            [],
          );
        });
      }

      if (scenario.compared !== undefined) {
        it('compares only what the snapshot can speak about', () => assert.deepEqual(report.compared, scenario.compared));
      }
      for (const note of scenario.notesInclude ?? []) {
        it(`notes «${note}»`, () => assert.ok(report.notes.some((n) => n.includes(note)), report.notes.join(' | ')));
      }

      it('keeps the report invariants (each record in exactly one category, counts add up)', () => {
        assertReportInvariants(local, entra, report);
      });
    });
  }
});

describe('compareDirectories', () => {
  const base = toSnapshots({
    entra: { scope: null, users: [{ objectId: '80000000-0000-4000-8000-000000000001', userPrincipalName: 'a@contoso.com' }] },
    local: { users: [{ id: 'x', userName: 'a@contoso.com', externalId: '80000000-0000-4000-8000-000000000001' }] },
  });

  it('takes generatedAt from the options, else the local snapshot time (it reads no clock)', () => {
    assert.equal(compareDirectories(base.local, base.entra, { generatedAt: 'G' }).generatedAt, 'G');
    assert.equal(compareDirectories(base.local, base.entra).generatedAt, base.local.takenAt);
  });

  it('describes its sources', () => {
    const report = compareDirectories(base.local, base.entra);
    assert.deepEqual(report.source, {
      entra: 'graph',
      entraFetchedAt: base.entra.fetchedAt,
      tenantId: null,
      localTakenAt: base.local.takenAt,
      scopeKnown: false,
    });
  });

  it('is deterministic: the same input gives the same report', () => {
    const { local, entra } = buildSyntheticDirectory(3000);
    assert.deepEqual(compareDirectories(local, entra), compareDirectories(local, entra));
  });

  it('gives the side-by-side summaries the UI shows', () => {
    const { local, entra } = toSnapshots({
      entra: {
        scope: null,
        users: [{ objectId: '80000000-0000-4000-8000-000000000002', userPrincipalName: 'b@contoso.com', mail: 'b@contoso.com', displayName: 'B', accountEnabled: false, employeeId: '7', mailNickname: 'b' }],
      },
      local: { users: [{ id: 'y', userName: 'b@contoso.com', externalId: '80000000-0000-4000-8000-000000000002', emails: ['b@contoso.com', 'b2@x.com'], displayName: 'B', active: true, employeeNumber: '7' }] },
    });
    const row = compareDirectories(local, entra).rows[0];
    assert.deepEqual(row?.local, { userName: 'b@contoso.com', displayName: 'B', mail: 'b@contoso.com', active: true, employeeNumber: '7', externalId: '80000000-0000-4000-8000-000000000002' });
    assert.deepEqual(row?.entra, {
      objectId: '80000000-0000-4000-8000-000000000002',
      userPrincipalName: 'b@contoso.com',
      displayName: 'B',
      mail: 'b@contoso.com',
      mailNickname: 'b',
      accountEnabled: false,
      employeeId: '7',
      inScope: null,
    });
    assert.deepEqual(row?.drift, [{ attribute: 'active', local: true, entra: false, note: 'active locally, disabled in Entra' }]);
  });

  it('keeps at most 10 candidates but says how many there were', () => {
    const users = Array.from({ length: 14 }, (_, i) => ({
      objectId: `90000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      userPrincipalName: `p${i}@contoso.com`,
      mail: 'all@contoso.com',
    }));
    const { local, entra } = toSnapshots({ entra: { scope: null, users }, local: { users: [{ id: 'z', userName: 'z@x.com', emails: ['all@contoso.com'] }] } });
    const row = compareDirectories(local, entra).rows[0];
    assert.equal(row?.candidates.length, 10);
    assert.equal(row?.category, 'duplicate');
    assert.match(row?.reason ?? '', /10\+ Entra users match equally well/);
  });

  it('reports the expected mix on a large synthetic directory', () => {
    const { local, entra } = buildSyntheticDirectory(10_000);
    const report = compareDirectories(local, entra);
    // Never provisioned, per 1000: the Entra twins of the 10 local-only records (5 of them also held by
    // another person's record) and the 5 users a shared mail makes ambiguous; the others are represented
    // by a linked record or by the record whose best candidate they are.
    assert.deepEqual(report.counts.User, { linked: 9050, mismatch: 200, unlinked: 400, notProvisioned: 150, orphan: 200, duplicate: 150 });
    assertReportInvariants(local, entra, report);
    const codes = new Map<string, number>();
    for (const row of report.rows) codes.set(row.reasonCode, (codes.get(row.reasonCode) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries([...codes].sort()), {
      'duplicate.ambiguousCandidates': 50,
      'duplicate.sharedExternalId': 100,
      linked: 9050,
      'mismatch.notFound': 100,
      'mismatch.notGuid': 50,
      'mismatch.otherPerson': 50,
      notProvisioned: 150,
      'orphan.noMatch': 100,
      'orphan.outOfScope': 100,
      'unlinked.candidates': 400,
    });
  });
});

describe('bestCandidate', () => {
  it('is null without candidates and ambiguous when the first two share a confidence', () => {
    assert.equal(bestCandidate({ candidates: [] }), null);
    const c = (objectId: string, confidence: 'high' | 'medium') => ({
      objectId,
      confidence,
      matchedOn: [],
      reason: '',
      userPrincipalName: null,
      displayName: null,
      mail: null,
      mailNickname: null,
      accountEnabled: null,
      employeeId: null,
      inScope: null,
      linkedTo: null,
    });
    assert.equal(bestCandidate({ candidates: [c('a', 'high'), c('b', 'medium')] })?.ambiguous, false);
    assert.equal(bestCandidate({ candidates: [c('a', 'medium'), c('b', 'medium')] })?.ambiguous, true);
  });
});
