/**
 * Compare ScimDesk's records with Entra's users and groups (issue 6, "Compare").
 *
 * Entra finds a target record through `externalId eq "<objectId>"`, so a record
 * is only really matched when its externalId holds the Entra objectId. This
 * module puts every local record, and every Entra object that matters to the
 * application, in exactly one category with a reason in plain words:
 *
 * Local records (users, then groups; one row each, in snapshot order) go down one rule
 * ladder (comparer.ts): duplicate claim → not a GUID → GUID of no object (or of the
 * other kind) → someone else's object → out of scope → linked with drift; without
 * externalId: ambiguous → candidates → only local (scope known) or unlinked. What
 * agreement, evidence, candidates and drift mean for each kind: user-comparer.ts and
 * group-comparer.ts; how candidates rank and are worded: candidates.ts.
 *
 * What a record represents (`row.represents`): the Entra object it rightly holds
 * (linked, orphan, or a shared claim it agrees with), else its best candidate when
 * no other ties with it (the one a fix would link), else nothing.
 *
 * Entra objects: one `notProvisioned` row for each object in the known scope that no
 * local record represents, whatever holds its objectId: an object whose objectId is
 * held by someone else's record (a mismatch) has no record of its own and is listed
 * (the reason names the holder); one an unlinked or mismatched record will be linked
 * to is not listed again; the candidates of an ambiguous record are listed (the reason
 * names that record). So each in-scope Entra object is either represented by a record
 * or listed once. When the scope is null (no enterprise application chosen, or a CSV
 * import) nothing is "not provisioned": Entra objects no record represents are simply
 * not relevant and get no row.
 *
 * A CSV import holds users only: groups are then not compared (`compared.Group`
 * false, with a note) rather than all reported as mismatches.
 *
 * The report's types are the shared schemas' (shared/admin/report-schemas.ts); nothing
 * here parses them.
 *
 * Pure: no I/O, no clock (generatedAt is an argument), no randomness. Entra
 * objects are indexed once; each local record costs a few map look-ups.
 */
import type { CategoryCounts, CompareReport, ReportRow } from '../../shared/admin/report-schemas';
import { GroupComparer } from './group-comparer';
import { lowerSet, plural } from './lookup';
import type { EntraGroup, EntraSnapshot, LocalSnapshot } from './snapshot';
import { UserComparer } from './user-comparer';

export {
  CATEGORIES,
  type Candidate,
  type Category,
  type CategoryCounts,
  type CompareReport,
  type Confidence,
  type Drift,
  type DriftAttribute,
  type EntraSummary,
  type LocalSummary,
  type MatchAttribute,
  type ReasonCode,
  type ReportKind as ReconcileKind,
  type ReportRow,
} from '../../shared/admin/report-schemas';
export { bestCandidate, MAX_CANDIDATES } from './candidates';

export interface CompareOptions {
  /** When the report is made; defaults to the local snapshot's takenAt (no clock here). */
  readonly generatedAt: string;
}

/** Rows per category for one kind, all zero. */
export function emptyCounts(): CategoryCounts {
  return { linked: 0, mismatch: 0, unlinked: 0, notProvisioned: 0, orphan: 0, duplicate: 0 };
}

/**
 * Compares the local records with an Entra snapshot: one row per local user and
 * group, plus one per in-scope Entra object no record names. Rules: module comment.
 */
export function compareDirectories(local: LocalSnapshot, entra: EntraSnapshot, options?: CompareOptions): CompareReport {
  const rows: ReportRow[] = [];
  const counts = { User: emptyCounts(), Group: emptyCounts() };
  const notes: string[] = [];
  const scope = entra.scope;
  const userScope = scope === null ? null : lowerSet(scope.userIds);
  const groupScope = scope === null ? null : lowerSet(scope.groupIds);
  const groupsById = indexGroupIds(entra.groups);
  const users = new UserComparer(local.users, entra.users, userScope, groupsById, notes);
  users.run(rows);
  const compareGroups = entra.source !== 'csv';
  if (compareGroups) {
    new GroupComparer(local.groups, entra.groups, groupsById, groupScope, users.usersById).run(rows);
  } else {
    notes.push(
      `Groups were not compared: the CSV export of the Entra admin center holds users only (${local.groups.length} local group${plural(local.groups.length)} left out).`,
    );
  }
  if (scope === null) {
    notes.push('The application\'s scope is unknown, so no Entra object is reported as not provisioned and no local record as only local.');
  }
  for (const row of rows) counts[row.kind][row.category]++;
  return {
    generatedAt: options?.generatedAt ?? local.takenAt,
    source: {
      entra: entra.source,
      entraFetchedAt: entra.fetchedAt,
      tenantId: entra.tenantId,
      localTakenAt: local.takenAt,
      scopeKnown: scope !== null,
    },
    compared: { User: true, Group: compareGroups },
    notes,
    counts,
    rows,
  };
}

/** Entra groups by lower-cased objectId, the first copy when the snapshot repeats one. */
function indexGroupIds(groups: ReadonlyArray<EntraGroup>): Map<string, EntraGroup> {
  const map = new Map<string, EntraGroup>();
  for (const group of groups) {
    const key = group.objectId.toLowerCase();
    if (!map.has(key)) map.set(key, group);
  }
  return map;
}
