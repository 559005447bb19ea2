import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareDirectories, type ReportRow } from '../../../main/reconcile/compare';
import { buildFixPlan, invertFixPlan, type FixAction } from '../../../main/reconcile/fix-plan';
import type { EntraGroup, EntraSnapshot, EntraUser, LocalGroup, LocalSnapshot, LocalUser } from '../../../main/reconcile/snapshot';
import { ReasonCode } from '../../../shared/admin/report-schemas';
import { assertReportInvariants } from './reconcile-fixtures';

/** mulberry32: a small seeded generator, so every run tests the same directories. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: ReadonlyArray<T>): T => items[int(items.length)] as T;
  const chance = (p: number) => next() < p;
  return { int, pick, chance };
}

const NAMES = ['amy', 'bob', 'cy', 'dee', 'eli', 'fay', 'gus', 'hal'];
const DOMAINS = ['contoso.com', 'fabrikam.com'];
const GROUP_NAMES = ['Sales', 'sales', 'Ops', 'Design', 'Design Team', 'HR'];
const guid = (n: number) => `0000000${n.toString(16)}`.slice(-8) + '-0000-4000-8000-000000000000';

/** A small directory pair with many collisions: shared mails, reused names, swapped and broken ids. */
function randomDirectories(seed: number): { local: LocalSnapshot; entra: EntraSnapshot } {
  const r = random(seed);
  const csv = r.chance(0.15);
  const users: EntraUser[] = [];
  const userCount = r.int(10);
  for (let i = 0; i < userCount; i++) {
    const name = r.pick(NAMES);
    users.push({
      objectId: guid(i + 1),
      userPrincipalName: `${name}${r.chance(0.3) ? i : ''}@${r.pick(DOMAINS)}`,
      mail: r.chance(0.7) ? `${r.pick(NAMES)}@${r.pick(DOMAINS)}` : null,
      mailNickname: r.chance(0.6) ? r.pick(NAMES) : null,
      displayName: r.chance(0.8) ? r.pick(NAMES).toUpperCase() : null,
      accountEnabled: r.chance(0.2) ? null : r.chance(0.8),
      employeeId: r.chance(0.4) ? `E${r.int(4)}` : null,
    });
  }
  const groups: EntraGroup[] = [];
  const groupCount = csv ? 0 : r.int(6);
  for (let i = 0; i < groupCount; i++) {
    groups.push({ objectId: guid(0x100 + i), displayName: r.pick(GROUP_NAMES), mailNickname: r.chance(0.5) ? r.pick(['sales', 'designteam', 'ops']) : null, mail: null });
  }
  const externalId = (ids: ReadonlyArray<string>, otherKind: ReadonlyArray<string>, names: ReadonlyArray<string>): string | null => {
    const roll = r.int(10);
    if (roll < 3 || ids.length === 0) return null;
    if (roll < 7) {
      const id = r.pick(ids);
      return r.chance(0.2) ? id.toUpperCase() : r.chance(0.1) ? ` ${id} ` : id;
    }
    if (roll === 7) return guid(0x900 + r.int(3));
    if (roll === 8) return r.pick(names);
    return otherKind.length > 0 ? r.pick(otherKind) : '';
  };
  const localUsers: LocalUser[] = [];
  const localUserCount = r.int(10);
  for (let i = 0; i < localUserCount; i++) {
    const name = r.pick(NAMES);
    localUsers.push({
      id: `u${i}`,
      userName: `${name}@${r.pick(DOMAINS)}`,
      externalId: externalId(users.map((u) => u.objectId), groups.map((g) => g.objectId), NAMES),
      displayName: r.chance(0.7) ? name.toUpperCase() : null,
      emails: r.chance(0.6) ? [`${r.pick(NAMES)}@${r.pick(DOMAINS)}`] : [],
      active: r.chance(0.2) ? null : r.chance(0.8),
      employeeNumber: r.chance(0.4) ? `E${r.int(4)}` : null,
    });
  }
  const localGroups: LocalGroup[] = [];
  const localGroupCount = r.int(6);
  for (let i = 0; i < localGroupCount; i++) {
    localGroups.push({ id: `g${i}`, displayName: r.pick(GROUP_NAMES), externalId: externalId(groups.map((g) => g.objectId), users.map((u) => u.objectId), GROUP_NAMES) });
  }
  const subset = (ids: ReadonlyArray<string>) => ids.filter(() => r.chance(0.6)).concat(r.chance(0.2) ? [guid(0x999)] : []);
  const scope = csv || r.chance(0.4) ? null : { userIds: subset(users.map((u) => u.objectId)), groupIds: subset(groups.map((g) => g.objectId)) };
  return {
    local: { takenAt: 'L', users: localUsers, groups: localGroups },
    entra: { fetchedAt: 'E', source: csv ? 'csv' : 'graph', tenantId: null, users, groups, scope },
  };
}

const RUNS = 400;

describe('compareDirectories on random directories (property)', () => {
  it(`puts every input record in exactly one row and every in-scope Entra object in exactly one category (${RUNS} directories)`, () => {
    for (let seed = 1; seed <= RUNS; seed++) {
      const { local, entra } = randomDirectories(seed);
      const report = compareDirectories(local, entra);
      try {
        assertReportInvariants(local, entra, report);
        assert.deepEqual(compareDirectories(local, entra), report, 'deterministic');
      } catch (error) {
        throw new Error(`seed ${seed}: ${(error as Error).message}\n${JSON.stringify({ local, entra }, null, 1)}`);
      }
    }
  });

  it(`reaches every rule of the ladder for users and for groups alike (${RUNS} directories)`, () => {
    const reached = { User: new Set<string>(), Group: new Set<string>() };
    for (let seed = 1; seed <= RUNS; seed++) {
      const { local, entra } = randomDirectories(seed);
      for (const row of compareDirectories(local, entra).rows) reached[row.kind].add(row.reasonCode);
    }
    assert.deepEqual([...reached.User].sort(), [...ReasonCode.options].sort(), 'users');
    assert.deepEqual([...reached.Group].sort(), [...ReasonCode.options].sort(), 'groups');
  });

  it(`builds fix plans that keep the safety rules and undo exactly (${RUNS} directories)`, () => {
    for (let seed = 1; seed <= RUNS; seed++) {
      const { local, entra } = randomDirectories(seed);
      const report = compareDirectories(local, entra);
      const r = random(seed * 7919);
      const localIds = report.rows.flatMap((row) => (row.localId === null ? [] : [row.localId]));
      const approve = new Set(localIds.filter(() => r.chance(0.5)));
      const include = r.chance(0.5) ? new Set(localIds.filter(() => r.chance(0.6))) : undefined;
      const plan = buildFixPlan(report, { approveMailOnly: approve, ...(include ? { include } : {}) }, `p${seed}`, 'T');
      try {
        checkPlan(report.rows, plan.actions, plan.needsApproval.map((n) => n.candidate.confidence), approve, local);
      } catch (error) {
        throw new Error(`seed ${seed}: ${(error as Error).message}\n${JSON.stringify({ local, entra, plan }, null, 1)}`);
      }
    }
  });
});

function checkPlan(
  rows: ReadonlyArray<ReportRow>,
  actions: ReadonlyArray<FixAction>,
  approvalConfidences: ReadonlyArray<string>,
  approved: ReadonlySet<string>,
  local: LocalSnapshot,
): void {
  assert.ok(!approvalConfidences.includes('high'), 'high-confidence links never wait for approval');
  const rowOf = (action: FixAction) => rows.find((row) => row.kind === action.resourceType && row.localId === action.localId) as ReportRow;
  for (const action of actions) {
    const row = rowOf(action);
    assert.equal(action.from, row.externalId, 'an action starts from the externalId the report saw');
    if (action.kind === 'link' && row.category !== 'linked') {
      const best = row.candidates[0];
      assert.ok(best !== undefined && best.objectId === action.to, 'a link goes to the best candidate');
      assert.ok(row.candidates[1] === undefined || row.candidates[1].confidence !== best.confidence, 'never on ambiguous candidates');
      if (best.confidence !== 'high') assert.ok(approved.has(action.localId), 'weak matches only when approved');
    }
  }
  // Apply to the snapshot's externalIds: each `from` still holds, and no objectId ends up held twice by the records the plan touches.
  const state = new Map<string, string | null>();
  for (const user of local.users) state.set(`User:${user.id}`, user.externalId);
  for (const group of local.groups) state.set(`Group:${group.id}`, group.externalId);
  const before = new Map(state);
  const run = (list: ReadonlyArray<FixAction>) => {
    for (const action of list) {
      const key = `${action.resourceType}:${action.localId}`;
      assert.equal(state.get(key), action.from, `${key} must still hold ${action.from}`);
      state.set(key, action.to);
    }
  };
  run(actions);
  for (const action of actions) {
    if (action.to === null) continue;
    const holders = [...state].filter(([key, value]) => key.startsWith(`${action.resourceType}:`) && value?.trim().toLowerCase() === action.to?.toLowerCase());
    assert.equal(holders.length, 1, `${action.to} is held once after the plan: ${holders.map(([k]) => k).join(', ')}`);
  }
  run(invertFixPlan(actions));
  assert.deepEqual(state, before, 'undo restores every externalId');
}
