import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareDirectories } from '../../../main/reconcile/compare';
import { buildFixPlan, invertFixPlan, isProposable, type FixAction, type FixPlan } from '../../../main/reconcile/fix-plan';
import { buildSyntheticDirectory } from '../../fixtures/reconcile/synthetic-directory';
import { loadJsonFixtures, toSnapshots, type ScenarioInput } from './reconcile-fixtures';

interface Outcome {
  readonly localId: string;
  readonly kind?: 'link' | 'unlink';
  readonly from?: string | null;
  readonly to?: string | null;
  readonly reasonIncludes?: ReadonlyArray<string>;
}

interface FixPlanScenario extends ScenarioInput {
  readonly name: string;
  readonly cases: ReadonlyArray<{
    readonly name: string;
    readonly choices: { readonly approveMailOnly: ReadonlyArray<string>; readonly include?: ReadonlyArray<string> };
    readonly expect: {
      readonly actions: ReadonlyArray<Outcome>;
      readonly refused: ReadonlyArray<Outcome>;
      readonly needsApproval: ReadonlyArray<Outcome>;
      readonly left: ReadonlyArray<Outcome>;
    };
  }>;
}

type Entry = { readonly localId: string; readonly reason: string; readonly kind?: string; readonly from?: string | null; readonly to?: string | null };

function assertOutcomes(actual: ReadonlyArray<Entry>, expected: ReadonlyArray<Outcome>, what: string): void {
  assert.deepEqual(
    actual.map((entry) => entry.localId),
    expected.map((entry) => entry.localId),
    `${what}: ${JSON.stringify(actual.map((a) => `${a.localId}: ${a.reason}`), null, 1)}`,
  );
  expected.forEach((want, index) => {
    const got = actual[index] as Entry;
    if (want.kind !== undefined) assert.equal(got.kind, want.kind, `${what} ${want.localId}: kind`);
    if (want.from !== undefined) assert.equal(got.from, want.from, `${what} ${want.localId}: from`);
    if (want.to !== undefined) assert.equal(got.to, want.to, `${what} ${want.localId}: to`);
    for (const text of want.reasonIncludes ?? []) assert.ok(got.reason.includes(text), `${what} ${want.localId}: reason should include «${text}» but is «${got.reason}»`);
  });
}

/** Applies actions to a map of localId → externalId, checking each `from` as the store does. */
function apply(state: Map<string, string | null>, actions: ReadonlyArray<FixAction>): void {
  for (const action of actions) {
    assert.equal(state.get(action.localId) ?? null, action.from, `${action.localId} must still hold ${action.from}`);
    state.set(action.localId, action.to);
  }
}

/** Checks a plan against the safety rules, whatever the report. */
function assertPlanInvariants(plan: FixPlan, approved: ReadonlySet<string>): void {
  const seen = new Set<string>();
  for (const entry of [...plan.actions, ...plan.refused, ...plan.needsApproval, ...plan.left]) {
    const id = `${entry.resourceType}:${entry.localId}`;
    assert.ok(!seen.has(id), `${id} has one outcome`);
    seen.add(id);
  }
  const targets = new Set<string>();
  for (const action of plan.actions) {
    if (action.to === null) continue;
    const key = `${action.resourceType}:${action.to.toLowerCase()}`;
    assert.ok(!targets.has(key), `${action.to} is linked once per plan`);
    targets.add(key);
    if (action.reason.includes('Approved by the admin')) assert.ok(approved.has(action.localId), 'only approved rows say so');
  }
  assert.deepEqual(plan.summary, {
    link: plan.actions.filter((a) => a.kind === 'link').length,
    unlink: plan.actions.filter((a) => a.kind === 'unlink').length,
    refused: plan.refused.length,
    needsApproval: plan.needsApproval.length,
    left: plan.left.length,
  });
}

describe('buildFixPlan (fixtures in test/fixtures/reconcile/fix-plan)', () => {
  for (const scenario of loadJsonFixtures<FixPlanScenario>('fix-plan')) {
    describe(`${scenario.file}: ${scenario.name}`, () => {
      const { local, entra } = toSnapshots(scenario);
      const report = compareDirectories(local, entra, { generatedAt: 'G' });
      for (const testCase of scenario.cases) {
        it(testCase.name, () => {
          const approved = new Set(testCase.choices.approveMailOnly);
          const plan = buildFixPlan(
            report,
            { approveMailOnly: approved, ...(testCase.choices.include ? { include: new Set(testCase.choices.include) } : {}) },
            'plan-1',
            '2025-03-01T11:00:00.000Z',
          );
          assertOutcomes(plan.actions, testCase.expect.actions, 'actions');
          assertOutcomes(plan.refused, testCase.expect.refused, 'refused');
          assertOutcomes(plan.needsApproval, testCase.expect.needsApproval, 'needsApproval');
          assertOutcomes(plan.left, testCase.expect.left, 'left');
          assertPlanInvariants(plan, approved);
          assert.equal(plan.id, 'plan-1');
          assert.equal(plan.createdAt, '2025-03-01T11:00:00.000Z');
          assert.equal(plan.reportGeneratedAt, 'G');
          // Applying the plan to the snapshot's externalIds must succeed, and undo must restore them.
          const state = new Map(local.users.map((u) => [u.id, u.externalId] as const));
          for (const g of local.groups) state.set(g.id, g.externalId);
          const before = new Map(state);
          apply(state, plan.actions);
          apply(state, invertFixPlan(plan.actions));
          assert.deepEqual(state, before);
        });
      }
    });
  }
});

describe('buildFixPlan', () => {
  it('gives every approval entry the candidate it would link to', () => {
    const { local, entra } = toSnapshots({
      entra: { scope: null, users: [{ objectId: 'f1000000-0000-4000-8000-000000000001', userPrincipalName: 'x@contoso.com', mail: 'm@contoso.com' }] },
      local: { users: [{ id: 'a', userName: 'a@fabrikam.example', emails: ['m@contoso.com'] }] },
    });
    const plan = buildFixPlan(compareDirectories(local, entra), { approveMailOnly: new Set() }, 'p', 't');
    assert.equal(plan.needsApproval[0]?.candidate.objectId, 'f1000000-0000-4000-8000-000000000001');
    assert.deepEqual(plan.needsApproval[0]?.candidate.matchedOn, ['mail']);
  });

  it('words the approval reason for what a weak link would do: an account to someone else, a group to other members', () => {
    const { local, entra } = toSnapshots({
      entra: {
        scope: null,
        users: [{ objectId: 'f1000000-0000-4000-8000-000000000001', userPrincipalName: 'x@contoso.com', mail: 'm@contoso.com' }],
        groups: [{ objectId: 'f2000000-0000-4000-8000-000000000002', displayName: 'Sales' }],
      },
      local: { users: [{ id: 'a', userName: 'a@fabrikam.example', emails: ['m@contoso.com'] }], groups: [{ id: 'g', displayName: 'Sales' }] },
    });
    const plan = buildFixPlan(compareDirectories(local, entra), { approveMailOnly: new Set() }, 'p', 't');
    const reason = (kind: string) => plan.needsApproval.find((item) => item.resourceType === kind)?.reason ?? '';
    assert.match(reason('User'), /give this account to someone else/);
    assert.match(reason('Group'), /different Entra group, whose members Entra would then provision into it/);
    assert.doesNotMatch(reason('Group'), /account/);
  });

  it('keeps the safety rules on a large synthetic directory', () => {
    const { local, entra } = buildSyntheticDirectory(10_000);
    const report = compareDirectories(local, entra);
    const plan = buildFixPlan(report, { approveMailOnly: new Set() }, 'p', 't');
    assertPlanInvariants(plan, new Set());
    assert.deepEqual(plan.summary, { link: 1050, unlink: 0, refused: 50, needsApproval: 100, left: 0 });
    for (const action of plan.actions) {
      const row = report.rows.find((r) => r.localId === action.localId);
      assert.ok(row && isProposable(row));
    }
  });
});

describe('invertFixPlan', () => {
  const actions: FixAction[] = [
    { kind: 'link', resourceType: 'User', localId: 'a', name: 'a', from: null, to: 'x', reason: 'link a' },
    { kind: 'link', resourceType: 'User', localId: 'b', name: 'b', from: 'y', to: 'z', reason: 'relink b' },
    { kind: 'unlink', resourceType: 'Group', localId: 'g', name: 'g', from: 'w', to: null, reason: 'unlink g' },
  ];

  it('swaps from and to, in reverse order, with the kind that fits', () => {
    assert.deepEqual(invertFixPlan(actions), [
      { kind: 'link', resourceType: 'Group', localId: 'g', name: 'g', from: null, to: 'w', reason: 'Undo: unlink g' },
      { kind: 'link', resourceType: 'User', localId: 'b', name: 'b', from: 'z', to: 'y', reason: 'Undo: relink b' },
      { kind: 'unlink', resourceType: 'User', localId: 'a', name: 'a', from: 'x', to: null, reason: 'Undo: link a' },
    ]);
  });

  it('is its own inverse apart from the reasons', () => {
    const twice = invertFixPlan(invertFixPlan(actions));
    assert.deepEqual(
      twice.map(({ reason: _reason, ...rest }) => rest),
      actions.map(({ reason: _reason, ...rest }) => rest),
    );
  });

  it('does not touch its input', () => {
    const copy = structuredClone(actions);
    invertFixPlan(actions);
    assert.deepEqual(actions, copy);
  });
});
