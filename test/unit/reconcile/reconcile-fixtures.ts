import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORIES, type CompareReport, type ReportRow } from '../../../main/reconcile/compare';
import type { EntraGroup, EntraScope, EntraSnapshot, EntraUser, LocalGroup, LocalSnapshot, LocalUser } from '../../../main/reconcile/snapshot';

/** A snapshot pair as fixtures write it: optional fields may be left out. */
export interface ScenarioInput {
  readonly entra: {
    readonly source?: 'graph' | 'csv';
    readonly scope: EntraScope | null;
    readonly users?: ReadonlyArray<Partial<EntraUser> & Pick<EntraUser, 'objectId' | 'userPrincipalName'>>;
    readonly groups?: ReadonlyArray<Partial<EntraGroup> & Pick<EntraGroup, 'objectId' | 'displayName'>>;
  };
  readonly local: {
    readonly users?: ReadonlyArray<Partial<LocalUser> & Pick<LocalUser, 'id' | 'userName'>>;
    readonly groups?: ReadonlyArray<Partial<LocalGroup> & Pick<LocalGroup, 'id' | 'displayName'>>;
  };
}

/** What one row must look like; absent fields are not checked. */
export interface RowExpectation {
  readonly kind: 'User' | 'Group';
  /** Identifies a local row; notProvisioned rows are identified by objectId. */
  readonly localId?: string;
  readonly objectId?: string | null;
  readonly category: string;
  readonly reasonCode?: string;
  readonly reasonIncludes?: ReadonlyArray<string>;
  /** objectIds of the candidates, in order. */
  readonly candidates?: ReadonlyArray<string>;
  /** Of the best candidate. */
  readonly confidence?: string;
  readonly matchedOn?: ReadonlyArray<string>;
  readonly linkedTo?: string | null;
  readonly candidateInScope?: boolean | null;
  /** Drifting attributes (any order). */
  readonly drift?: ReadonlyArray<string>;
  /** The Entra side's inScope. */
  readonly inScope?: boolean | null;
}

export interface CompareScenario extends ScenarioInput {
  readonly file: string;
  readonly name: string;
  readonly expect: ReadonlyArray<RowExpectation>;
  /** Every row is listed in `expect` (default true). */
  readonly exhaustive?: boolean;
  readonly compared?: { readonly User: boolean; readonly Group: boolean };
  readonly notesInclude?: ReadonlyArray<string>;
}

export const fixtureRoot = new URL('../../fixtures/reconcile/', import.meta.url).pathname;

export function loadJsonFixtures<T>(folder: string): Array<T & { file: string }> {
  const dir = join(fixtureRoot, folder);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(join(dir, file), 'utf8')) as T) }));
}

/** Fills the fields a fixture left out (nulls, empty lists). */
export function toSnapshots(input: ScenarioInput): { local: LocalSnapshot; entra: EntraSnapshot } {
  return {
    entra: {
      fetchedAt: '2025-03-01T10:00:00.000Z',
      source: input.entra.source ?? 'graph',
      tenantId: null,
      scope: input.entra.scope,
      users: (input.entra.users ?? []).map((u) => ({
        mail: null,
        mailNickname: null,
        displayName: null,
        accountEnabled: null,
        employeeId: null,
        ...u,
      })),
      groups: (input.entra.groups ?? []).map((g) => ({ mailNickname: null, mail: null, ...g })),
    },
    local: {
      takenAt: '2025-03-01T10:00:05.000Z',
      users: (input.local.users ?? []).map((u) => ({
        externalId: null,
        displayName: null,
        emails: [],
        active: null,
        employeeNumber: null,
        ...u,
      })),
      groups: (input.local.groups ?? []).map((g) => ({ externalId: null, ...g })),
    },
  };
}

export function findRow(report: CompareReport, expectation: Pick<RowExpectation, 'kind' | 'localId' | 'objectId' | 'category'>): ReportRow | undefined {
  if (expectation.localId !== undefined) return report.rows.find((row) => row.kind === expectation.kind && row.localId === expectation.localId);
  return report.rows.find((row) => row.kind === expectation.kind && row.localId === null && row.objectId === expectation.objectId);
}

export function assertRow(report: CompareReport, expectation: RowExpectation, context: string): void {
  const row = findRow(report, expectation);
  const where = `${context}: ${expectation.kind} ${expectation.localId ?? expectation.objectId}`;
  assert.ok(row, `${where}: no such row`);
  assert.equal(row.category, expectation.category, `${where}: category (reason: ${row.reason})`);
  if (expectation.reasonCode !== undefined) assert.equal(row.reasonCode, expectation.reasonCode, `${where}: reasonCode`);
  if (expectation.objectId !== undefined && expectation.localId !== undefined) assert.equal(row.objectId, expectation.objectId, `${where}: objectId`);
  for (const text of expectation.reasonIncludes ?? []) assert.ok(row.reason.includes(text), `${where}: reason should include «${text}» but is «${row.reason}»`);
  if (expectation.candidates !== undefined) {
    assert.deepEqual(row.candidates.map((c) => c.objectId), expectation.candidates, `${where}: candidates (${row.reason})`);
  }
  const best = row.candidates[0];
  if (expectation.confidence !== undefined) assert.equal(best?.confidence, expectation.confidence, `${where}: confidence`);
  if (expectation.matchedOn !== undefined) assert.deepEqual(best?.matchedOn, expectation.matchedOn, `${where}: matchedOn`);
  if (expectation.linkedTo !== undefined) assert.equal(best?.linkedTo, expectation.linkedTo, `${where}: linkedTo`);
  if (expectation.candidateInScope !== undefined) assert.equal(best?.inScope, expectation.candidateInScope, `${where}: candidate inScope`);
  if (expectation.drift !== undefined) {
    assert.deepEqual(row.drift.map((d) => d.attribute).sort(), [...expectation.drift].sort(), `${where}: drift`);
  }
  if (expectation.inScope !== undefined) assert.equal(row.entra?.inScope, expectation.inScope, `${where}: inScope`);
}

/**
 * The invariants every report keeps: each local record in exactly one row, each
 * in-scope Entra object either represented by a row or listed once as not
 * provisioned (never both), counts that add up, and rows consistent with their category.
 */
export function assertReportInvariants(local: LocalSnapshot, entra: EntraSnapshot, report: CompareReport): void {
  const kinds = [
    { kind: 'User' as const, local: local.users.map((u) => u.id), entra: entra.users.map((u) => u.objectId), scope: entra.scope?.userIds },
    { kind: 'Group' as const, local: local.groups.map((g) => g.id), entra: entra.groups.map((g) => g.objectId), scope: entra.scope?.groupIds },
  ];
  for (const side of kinds) {
    const rows = report.rows.filter((row) => row.kind === side.kind);
    if (!report.compared[side.kind]) {
      assert.equal(rows.length, 0, `${side.kind}: not compared, so no rows`);
      continue;
    }
    // Each local record exactly once.
    const seen = new Map<string, number>();
    for (const row of rows) if (row.localId !== null) seen.set(row.localId, (seen.get(row.localId) ?? 0) + 1);
    for (const id of side.local) assert.equal(seen.get(id), 1, `${side.kind} ${id} must appear in exactly one row`);
    assert.equal(seen.size, new Set(side.local).size, `${side.kind}: no rows for unknown local ids`);
    // "Never provisioned" means one thing: in scope, and no row represents it. Every in-scope
    // Entra object is therefore either represented by a record's row or listed once as notProvisioned.
    const represented = new Set(rows.filter((row) => row.represents !== null).map((row) => (row.represents as string).toLowerCase()));
    const notProvisioned = rows.filter((row) => row.category === 'notProvisioned');
    if (entra.scope === null) assert.equal(notProvisioned.length, 0, 'no notProvisioned rows without a scope');
    const listed = new Set<string>();
    for (const row of notProvisioned) {
      assert.equal(row.localId, null);
      assert.equal(row.represents, null);
      assert.ok(row.objectId !== null, 'a notProvisioned row names its Entra object');
      const id = row.objectId.toLowerCase();
      assert.ok(!listed.has(id), `${side.kind} object ${id} is listed twice as not provisioned`);
      listed.add(id);
      assert.ok(!represented.has(id), `${side.kind} object ${id} is listed as not provisioned, but a row represents it`);
      assert.equal(row.entra?.inScope, true);
    }
    if (side.scope !== undefined) {
      const known = new Set(side.entra.map((id) => id.toLowerCase()));
      for (const id of side.scope) {
        const lower = id.toLowerCase();
        if (known.has(lower)) assert.ok(represented.has(lower) || listed.has(lower), `${side.kind} in-scope object ${id} is neither represented nor listed as not provisioned`);
      }
    }
    for (const row of rows) {
      if (row.localId === null || row.represents === null) continue;
      // What a row represents is what it holds (linked, orphan, a shared claim it agrees with) or its unambiguous best candidate.
      const held = row.objectId?.toLowerCase() === row.represents.toLowerCase();
      const best = row.candidates[0];
      const chosen = best !== undefined && best.objectId === row.represents && row.candidates[1]?.confidence !== best.confidence;
      assert.ok(held || chosen, `${side.kind} ${row.localId} represents ${row.represents}, which it neither holds nor chooses`);
      if (row.category === 'linked' || row.category === 'orphan') assert.ok(held, `${row.category} rows represent the object they hold`);
    }
    // Per-category consistency.
    for (const row of rows) {
      assert.ok(row.reason.length > 0, 'every row has a reason');
      switch (row.category) {
        case 'linked':
          assert.equal(row.externalId?.trim().toLowerCase(), row.objectId?.toLowerCase(), 'linked: externalId is the objectId');
          assert.equal(row.candidates.length, 0);
          break;
        case 'unlinked':
          assert.ok(row.externalId === null || row.externalId.trim() === '', 'unlinked: no externalId');
          break;
        case 'mismatch':
          assert.ok(row.externalId !== null && row.externalId.trim() !== '', 'mismatch: externalId set');
          break;
        case 'orphan':
          assert.equal(row.candidates.length, 0);
          break;
        default:
          break;
      }
      if (row.category !== 'linked' && row.category !== 'orphan') assert.equal(row.drift.length, 0, 'drift only on linked records');
      if (row.objectId !== null && row.localId !== null) {
        const match = row.candidates.find((c) => c.objectId.toLowerCase() === (row.objectId as string).toLowerCase());
        assert.equal(match, undefined, 'a row never proposes the object its externalId already names');
      }
    }
    // Counts.
    for (const category of CATEGORIES) {
      assert.equal(report.counts[side.kind][category], rows.filter((row) => row.category === category).length, `${side.kind} count of ${category}`);
    }
  }
}
