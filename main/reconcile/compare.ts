/**
 * Compare ScimDesk's records with Entra's users and groups (issue 6, "Compare").
 *
 * Entra finds a target record through `externalId eq "<objectId>"`, so a record
 * is only really matched when its externalId holds the Entra objectId. This
 * module puts every local record, and every Entra object that matters to the
 * application, in exactly one category with a reason in plain words:
 *
 * Local records (users, then groups; one row each, in snapshot order). The first
 * rule that applies wins:
 * 1. `duplicate`  externalId (trimmed, case-insensitive) is held by two or more
 *                 local records of the same kind: every one of them, naming the others.
 *                 A claimer that agrees with nothing on the named object (or the object
 *                 does not exist) also gets candidates, looked up as in rule 5.
 * 2. `mismatch`   externalId is set but is not a GUID (Entra still maps externalId
 *                 from mailNickname/displayName) — candidates looked up as in rule 5,
 *                 plus the old value against UPN/mail/mailNickname (groups:
 *                 displayName/mailNickname).
 * 3. `mismatch`   externalId is a GUID but no Entra object of that kind has it
 *                 (deleted in Entra, another tenant, or an object of the other kind).
 * 4. The GUID names an Entra object E:
 *    - `mismatch` when E is someone else: nothing agrees (users: UPN ≠ userName,
 *      E.mail not among the record's emails/userName, employeeId not equal; groups:
 *      displayName differs) AND there is positive evidence (users: E.employeeId and
 *      employeeNumber both set and different, or another Entra user has this
 *      userName as UPN, this employeeNumber as employeeId or one of this record's
 *      addresses as mail, or another local user has E's UPN as userName; groups:
 *      another Entra group C has exactly this displayName, and either C is not out of
 *      scope and no local group holds C's objectId (Entra, which matches groups by
 *      displayName, would take this record for C), or another local group has E's
 *      displayName (a swap)). Checked before scope, so a record naming an out-of-scope
 *      object is still a mismatch when it is someone else's. Candidates exclude E.
 *    - `orphan` when the scope is known and E is not in it (unassigned in Entra:
 *      Entra no longer provisions it), with drift.
 *    - `linked` otherwise, with drift (displayName, mail, active, userName/UPN,
 *      employeeId, and externalId when it differs from the objectId only in case
 *      or spaces — Entra's externalId filter is case-exact).
 * 5. No externalId: candidates by UPN = userName (high), employeeId = employeeNumber
 *    (high), mail = an email or the userName (medium), mailNickname = local part of
 *    userName (low), UPN local part = local part of userName (low); groups by
 *    displayName (medium) and mailNickname = displayName without spaces (low).
 *    A candidate whose employeeId contradicts the record's employeeNumber is
 *    capped at low confidence. Each candidate says whether it is in scope and
 *    which other local record, if any, already holds its objectId (`linkedTo`).
 *    - `duplicate`  two or more candidates share the best confidence (e.g. two
 *                   Entra users with the same mail): ambiguous.
 *    - `unlinked`   at least one candidate, or none while the scope is unknown.
 *    - `orphan`     no candidate at all while the scope is known: only local.
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
 * Pure: no I/O, no clock (generatedAt is an argument), no randomness. Entra
 * objects are indexed once by objectId, UPN, mail, mailNickname, UPN local part
 * and employeeId; each local record costs a few map look-ups.
 */
import type { EntraGroup, EntraSnapshot, EntraUser, LocalGroup, LocalSnapshot, LocalUser } from './snapshot';

/** The two resource types compared. */
export type ReconcileKind = 'User' | 'Group';

/** Every category, in the order the UI lists them. */
export const CATEGORIES = ['linked', 'mismatch', 'unlinked', 'notProvisioned', 'orphan', 'duplicate'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Why a row is in its category, for filters and tests (the prose is in `reason`). */
export type ReasonCode =
  | 'linked'
  | 'mismatch.notGuid'
  | 'mismatch.notFound'
  | 'mismatch.wrongKind'
  | 'mismatch.otherPerson'
  | 'unlinked.candidates'
  | 'unlinked.noCandidates'
  | 'notProvisioned'
  | 'orphan.outOfScope'
  | 'orphan.noMatch'
  | 'duplicate.sharedExternalId'
  | 'duplicate.ambiguousCandidates';

export type Confidence = 'high' | 'medium' | 'low';

/** The Entra attribute a candidate matched on. */
export type MatchAttribute = 'userPrincipalName' | 'employeeId' | 'mail' | 'mailNickname' | 'upnLocalPart' | 'displayName';

/** An Entra object that may be the one a local record should link to. */
export interface Candidate {
  readonly objectId: string;
  /** Every attribute that agreed, strongest first. */
  readonly matchedOn: ReadonlyArray<MatchAttribute>;
  readonly confidence: Confidence;
  readonly reason: string;
  /** For display: the Entra user's UPN (null for groups) and displayName. */
  readonly userPrincipalName: string | null;
  readonly displayName: string | null;
  /** The rest of what Entra holds, so the evidence can be checked side by side (null for groups where absent). */
  readonly mail: string | null;
  readonly mailNickname: string | null;
  readonly accountEnabled: boolean | null;
  readonly employeeId: string | null;
  /** Whether the object is in the application's scope; null when the scope is unknown. */
  readonly inScope: boolean | null;
  /** localId of another local record whose externalId already holds this objectId. */
  readonly linkedTo: string | null;
}

export type DriftAttribute = 'displayName' | 'mail' | 'active' | 'userName' | 'employeeId' | 'externalId';

/** One attribute that differs between a linked record and its Entra object. */
export interface Drift {
  readonly attribute: DriftAttribute;
  readonly local: string | boolean | null;
  readonly entra: string | boolean | null;
  readonly note: string;
}

/** The local side of a row, for the side-by-side view. */
export interface LocalSummary {
  /** null for groups. */
  readonly userName: string | null;
  readonly displayName: string | null;
  /** Primary (first) email; null for groups. */
  readonly mail: string | null;
  readonly active: boolean | null;
  readonly employeeNumber: string | null;
  readonly externalId: string | null;
}

/** The Entra side of a row, for the side-by-side view. */
export interface EntraSummary {
  readonly objectId: string;
  /** null for groups. */
  readonly userPrincipalName: string | null;
  readonly displayName: string | null;
  readonly mail: string | null;
  readonly mailNickname: string | null;
  readonly accountEnabled: boolean | null;
  readonly employeeId: string | null;
  readonly inScope: boolean | null;
}

/** One local record, or one in-scope Entra object no record names. */
export interface ReportRow {
  readonly kind: ReconcileKind;
  /** null for notProvisioned rows. */
  readonly localId: string | null;
  /** The Entra object the row is about (the one externalId names, when it exists); null otherwise. */
  readonly objectId: string | null;
  /** userName or displayName (local), UPN or displayName (Entra-only rows). */
  readonly name: string;
  readonly externalId: string | null;
  readonly category: Category;
  readonly reasonCode: ReasonCode;
  readonly reason: string;
  /** Best first; at most MAX_CANDIDATES. */
  readonly candidates: ReadonlyArray<Candidate>;
  readonly drift: ReadonlyArray<Drift>;
  readonly local: LocalSummary | null;
  readonly entra: EntraSummary | null;
  /**
   * The Entra object this record stands for, as far as the comparison can tell: the one
   * it rightly holds (linked, orphan, or a shared claim it agrees with) or the one a fix
   * would link it to (an unambiguous best candidate). null when there is none, when the
   * candidates tie, and on notProvisioned rows. An in-scope Entra object that no row
   * represents is what "never provisioned" means.
   */
  readonly represents: string | null;
}

export type CategoryCounts = Record<Category, number>;

export interface CompareReport {
  readonly generatedAt: string;
  readonly source: {
    readonly entra: 'graph' | 'csv';
    readonly entraFetchedAt: string;
    readonly tenantId: string | null;
    readonly localTakenAt: string;
    readonly scopeKnown: boolean;
  };
  /** false for a kind the Entra snapshot cannot speak about (groups from a CSV import); it then has no rows. */
  readonly compared: Readonly<Record<ReconcileKind, boolean>>;
  readonly notes: ReadonlyArray<string>;
  readonly counts: Readonly<Record<ReconcileKind, CategoryCounts>>;
  readonly rows: ReadonlyArray<ReportRow>;
}

export interface CompareOptions {
  /** When the report is made; defaults to the local snapshot's takenAt (no clock here). */
  readonly generatedAt: string;
}

/** Longest candidate list kept on a row (the reason still gives the total). */
export const MAX_CANDIDATES = 10;

const EMPTY: ReadonlyArray<never> = Object.freeze([]);

const CONFIDENCE_RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };
const ATTRIBUTE_RANK: Record<MatchAttribute, number> = {
  userPrincipalName: 6,
  employeeId: 5,
  mail: 4,
  displayName: 3,
  mailNickname: 2,
  upnLocalPart: 1,
};
const ATTRIBUTE_CONFIDENCE: Record<MatchAttribute, Confidence> = {
  userPrincipalName: 'high',
  employeeId: 'high',
  mail: 'medium',
  displayName: 'medium',
  mailNickname: 'low',
  upnLocalPart: 'low',
};

/** True for the 8-4-4-4-12 hex form Entra uses for objectIds, in either case. No regex: it runs per record. */
export function isGuid(value: string): boolean {
  if (value.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) {
      return false;
    }
  }
  return true;
}

/** The best candidate of a row, and whether another one is just as good (then nothing may be linked automatically). */
export function bestCandidate(row: Pick<ReportRow, 'candidates'>): { readonly candidate: Candidate; readonly ambiguous: boolean } | null {
  const first = row.candidates[0];
  if (first === undefined) return null;
  const second = row.candidates[1];
  return { candidate: first, ambiguous: second !== undefined && second.confidence === first.confidence };
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

// ---------------------------------------------------------------------------
// Shared helpers

/** A map whose values are one item or, rarely, several (saves an array per key). */
type Multi<V> = Map<string, V | V[]>;

function put<V extends object>(map: Multi<V>, key: string, value: V): void {
  const had = map.get(key);
  if (had === undefined) map.set(key, value);
  else if (Array.isArray(had)) had.push(value);
  else map.set(key, [had, value]);
}

function forEachIn<V extends object>(found: V | V[] | undefined, visit: (value: V) => void): void {
  if (found === undefined) return;
  if (Array.isArray(found)) for (const value of found) visit(value);
  else visit(found);
}

function firstOther<V extends object>(found: V | V[] | undefined, self: V): V | undefined {
  if (found === undefined) return undefined;
  if (!Array.isArray(found)) return found === self ? undefined : found;
  for (const value of found) if (value !== self) return value;
  return undefined;
}

function lowerSet(ids: ReadonlyArray<string>): Set<string> {
  const set = new Set<string>();
  for (const id of ids) set.add(id.trim().toLowerCase());
  return set;
}

function indexGroupIds(groups: ReadonlyArray<EntraGroup>): Map<string, EntraGroup> {
  const map = new Map<string, EntraGroup>();
  for (const group of groups) {
    const key = group.objectId.toLowerCase();
    if (!map.has(key)) map.set(key, group);
  }
  return map;
}

/** Lower-cased, trimmed; null for null or blank. */
function key(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed.toLowerCase();
}

function localPart(lowerName: string): string {
  const at = lowerName.indexOf('@');
  return at > 0 ? lowerName.slice(0, at) : lowerName;
}

/** Lower-cased without white space: how a group's displayName becomes a mailNickname. */
function compact(lowerName: string): string {
  let out = '';
  for (let i = 0; i < lowerName.length; i++) {
    const c = lowerName.charCodeAt(i);
    if (c !== 32 && c !== 9) out += lowerName[i];
  }
  return out;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}

/** " 2 attributes differ." (or nothing). */
function differ(n: number): string {
  return n === 0 ? '' : n === 1 ? ' 1 attribute differs.' : ` ${n} attributes differ.`;
}

function inSet(set: Set<string> | null, lowerId: string): boolean | null {
  return set === null ? null : set.has(lowerId);
}

/** Gathers the candidates of one record; few per record, so a linear list. */
class CandidateList<T extends { readonly objectId: string }> {
  private readonly found: Array<{ target: T; attributes: MatchAttribute[]; reasons: string[]; capped: string | null }> = [];

  add(target: T, attribute: MatchAttribute, reason: string): void {
    for (const entry of this.found) {
      if (entry.target === target) {
        if (!entry.attributes.includes(attribute)) entry.attributes.push(attribute);
        if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
        return;
      }
    }
    this.found.push({ target, attributes: [attribute], reasons: [reason], capped: null });
  }

  /** Caps a candidate at low confidence (e.g. its employeeId contradicts the record). */
  cap(target: T, why: string): void {
    for (const entry of this.found) if (entry.target === target) entry.capped = why;
  }

  get size(): number {
    return this.found.length;
  }

  each(visit: (target: T) => void): void {
    for (const entry of this.found) visit(entry.target);
  }

  build(describe: (target: T) => Omit<Candidate, 'matchedOn' | 'confidence' | 'reason'>): Candidate[] {
    const out: Candidate[] = [];
    for (const entry of this.found) {
      entry.attributes.sort((a, b) => ATTRIBUTE_RANK[b] - ATTRIBUTE_RANK[a]);
      const strongest = entry.attributes[0] as MatchAttribute;
      let confidence = ATTRIBUTE_CONFIDENCE[strongest];
      let reason = entry.reasons.join('; ');
      if (entry.capped !== null) {
        confidence = 'low';
        reason += `; but ${entry.capped}`;
      }
      out.push({ ...describe(entry.target), matchedOn: entry.attributes, confidence, reason });
    }
    out.sort(
      (a, b) =>
        CONFIDENCE_RANK[b.confidence] - CONFIDENCE_RANK[a.confidence] ||
        b.matchedOn.length - a.matchedOn.length ||
        ATTRIBUTE_RANK[b.matchedOn[0] as MatchAttribute] - ATTRIBUTE_RANK[a.matchedOn[0] as MatchAttribute] ||
        compareText(a.userPrincipalName ?? a.displayName ?? '', b.userPrincipalName ?? b.displayName ?? '') ||
        compareText(a.objectId, b.objectId),
    );
    return out;
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Words for a candidate list: the best one, or why none can be chosen. */
function describeCandidates(candidates: ReadonlyArray<Candidate>, total: number, noun: string): string {
  const best = candidates[0];
  if (best === undefined) return '';
  const label = (c: Candidate) => `'${c.userPrincipalName ?? c.displayName ?? c.objectId}'`;
  let text = `Best match: Entra ${noun} ${label(best)} (${best.reason}; ${best.confidence} confidence)`;
  if (best.inScope === false) text += ', which is not in the application\'s scope';
  if (best.linkedTo !== null) text += `, already linked to local ${noun} ${best.linkedTo}`;
  text += '.';
  if (total > 1) text += ` ${total - 1} other candidate${plural(total - 1)}.`;
  return text;
}

function ambiguity(candidates: ReadonlyArray<Candidate>, noun: string): string | null {
  const best = candidates[0];
  const second = candidates[1];
  if (best === undefined || second === undefined || second.confidence !== best.confidence) return null;
  const tied = candidates.filter((c) => c.confidence === best.confidence);
  const names = tied.map((c) => `'${c.userPrincipalName ?? c.displayName ?? c.objectId}' (${c.reason})`).join(', ');
  return `Ambiguous: ${tied.length}${tied.length === MAX_CANDIDATES ? '+' : ''} Entra ${noun}s match equally well (${best.confidence} confidence): ${names}. Nothing can be linked automatically.`;
}

function trimmedCandidates(all: Candidate[]): Candidate[] {
  return all.length > MAX_CANDIDATES ? all.slice(0, MAX_CANDIDATES) : all;
}

// ---------------------------------------------------------------------------
// What users and groups compare alike

/** " Also a candidate of local users a, b, which match it no better than …" — records that list an unrepresented Entra object among tied or weaker candidates. */
function candidateOfText(noun: string, claimedBy: ReadonlyArray<string> | undefined): string {
  if (claimedBy === undefined) return '';
  return ` Also a candidate of local ${noun}${plural(claimedBy.length)} ${claimedBy.slice(0, 5).join(', ')}${claimedBy.length > 5 ? ', …' : ''}, which ${claimedBy.length === 1 ? 'matches' : 'match'} it no better than another Entra ${noun}.`;
}

/** Why no local record represents an in-scope Entra object: its objectId held by records that are someone else's, or nothing at all. */
function unrepresentedText(noun: string, holders: ReadonlyArray<string>): string {
  if (holders.length === 0) return `none is linked to it and none has it as its best match. Entra has not provisioned it yet, or its create failed.`;
  return `its objectId is held by local ${noun}${plural(holders.length)} ${holders.slice(0, 5).join(', ')}${holders.length > 5 ? ', …' : ''}, which ${holders.length === 1 ? 'is' : 'are'} not this ${noun}'s record.`;
}

/** The Entra object a row stands for (ReportRow.represents): the one it rightly holds, else its unambiguous best candidate. */
function representedBy(held: string | null, candidates: ReadonlyArray<Candidate>): string | null {
  if (held !== null) return held;
  const best = bestCandidate({ candidates });
  return best === null || best.ambiguous ? null : best.candidate.objectId;
}

/**
 * The frame both comparisons share: local records indexed by the objectId their externalId
 * claims, one row per local record, then one notProvisioned row per in-scope Entra object that
 * no row represents (ReportRow.represents): no record rightly holds its objectId and none
 * would be linked to it. Subclasses say how a record's row and such an Entra row read.
 */
abstract class Comparer<L extends { readonly id: string; readonly externalId: string | null }, E extends { readonly objectId: string }> {
  /** Local records by normalised externalId. */
  protected readonly claims: Multi<L> = new Map();

  protected constructor(
    protected readonly local: ReadonlyArray<L>,
    protected readonly entra: ReadonlyArray<E>,
    protected readonly scope: Set<string> | null,
  ) {
    for (const record of local) {
      const claim = key(record.externalId);
      if (claim !== null) put(this.claims, claim, record);
    }
  }

  protected abstract rowFor(record: L): ReportRow;
  /** The copy of an Entra object the comparison uses (the first, when the snapshot repeats one). */
  protected abstract entraById(lowerId: string): E | undefined;
  protected abstract readonly kind: ReconcileKind;
  protected abstract entraSummary(target: E): EntraSummary;
  /** The name an Entra object shows under, and how it is in scope ("In the application's scope in Entra"). */
  protected abstract unrepresented(target: E): { readonly name: string; readonly inScope: string };
  /** How a local record is named in a reason (userName or displayName, with its id). */
  protected abstract label(record: L): string;

  run(rows: ReportRow[]): void {
    const start = rows.length;
    for (const record of this.local) rows.push(this.rowFor(record));
    if (this.scope === null) return;
    // Known only now that every row is made: which Entra objects the records stand for, and
    // which unrepresented ones some record lists among tied or weaker candidates.
    const represented = new Set<string>();
    const candidateOf = new Map<string, string[]>();
    for (let i = start; i < rows.length; i++) {
      const row = rows[i] as ReportRow;
      if (row.represents !== null) represented.add(row.represents.toLowerCase());
      for (const candidate of row.candidates) {
        const id = candidate.objectId.toLowerCase();
        const list = candidateOf.get(id);
        if (list === undefined) candidateOf.set(id, [row.localId as string]);
        else list.push(row.localId as string);
      }
    }
    for (const target of this.entra) {
      const id = target.objectId.toLowerCase();
      if (!this.scope.has(id) || represented.has(id) || this.entraById(id) !== target) continue;
      rows.push(this.notProvisionedRow(target, candidateOf.get(id)));
    }
  }

  /** The row of an in-scope Entra object no local record represents; `claimedBy`: local ids that list it as a candidate. */
  private notProvisionedRow(target: E, claimedBy: ReadonlyArray<string> | undefined): ReportRow {
    const { name, inScope } = this.unrepresented(target);
    const noun = this.kind === 'User' ? 'user' : 'group';
    const holders: string[] = [];
    forEachIn(this.claims.get(target.objectId.toLowerCase()), (record) => holders.push(this.label(record)));
    return {
      kind: this.kind,
      localId: null,
      objectId: target.objectId,
      name,
      externalId: null,
      category: 'notProvisioned',
      reasonCode: 'notProvisioned',
      reason: `${inScope}, but no local ${noun} represents it: ${unrepresentedText(noun, holders)}${candidateOfText(noun, claimedBy)}`,
      candidates: EMPTY,
      drift: EMPTY,
      local: null,
      entra: this.entraSummary(target),
      represents: null,
    };
  }

  /** The local id of another record whose externalId holds this objectId, if any. */
  protected holder(lowerId: string, self: L): string | null {
    const other = firstOther(this.claims.get(lowerId), self);
    return other === undefined ? null : other.id;
  }
}

// ---------------------------------------------------------------------------
// Users

/** What agrees, by bit mask (1 UPN, 2 mail, 4 employeeId): built once, not per record. */
const AGREEMENT_WORDS: ReadonlyArray<string> = Array.from({ length: 8 }, (_, mask) =>
  [mask & 1 ? 'userName equals its UPN' : '', mask & 2 ? 'mail agrees' : '', mask & 4 ? 'employeeId agrees' : ''].filter(Boolean).join(', '),
);

class UserComparer extends Comparer<LocalUser, EntraUser> {
  protected readonly kind = 'User';
  readonly usersById = new Map<string, EntraUser>();
  private readonly byUpn: Multi<EntraUser> = new Map();
  private readonly byMail: Multi<EntraUser> = new Map();
  private readonly byNick: Multi<EntraUser> = new Map();
  /** UPN local parts that differ from the user's mailNickname (usually they are equal: one index then serves both). */
  private readonly byUpnLocal: Multi<EntraUser> = new Map();
  private readonly byEmployeeId: Multi<EntraUser> = new Map();
  private localByUserName: Map<string, LocalUser> | null = null;

  constructor(
    local: ReadonlyArray<LocalUser>,
    entra: ReadonlyArray<EntraUser>,
    scope: Set<string> | null,
    private readonly groupsById: Map<string, EntraGroup>,
    notes: string[],
  ) {
    super(local, entra, scope);
    let repeated = 0;
    for (const user of entra) {
      const id = user.objectId.toLowerCase();
      if (this.usersById.has(id)) {
        repeated++;
        continue;
      }
      this.usersById.set(id, user);
      const upn = key(user.userPrincipalName);
      const nick = key(user.mailNickname);
      if (nick !== null) put(this.byNick, nick, user);
      if (upn !== null) {
        put(this.byUpn, upn, user);
        const part = localPart(upn);
        if (part !== nick) put(this.byUpnLocal, part, user);
      }
      const mail = key(user.mail);
      if (mail !== null) put(this.byMail, mail, user);
      const employeeId = key(user.employeeId);
      if (employeeId !== null) put(this.byEmployeeId, employeeId, user);
    }
    if (repeated > 0) notes.push(`${repeated} Entra user${plural(repeated)} appeared twice in the snapshot; the first copy was used.`);
  }

  protected entraById(lowerId: string): EntraUser | undefined {
    return this.usersById.get(lowerId);
  }

  protected unrepresented(user: EntraUser) {
    return { name: user.userPrincipalName, inScope: "In the application's scope in Entra" };
  }

  protected label(user: LocalUser): string {
    return `'${user.userName}' (${user.id})`;
  }

  protected rowFor(user: LocalUser): ReportRow {
    const claim = key(user.externalId);
    if (claim === null) return this.unlinkedRow(user);
    const external = user.externalId as string;
    const claimers = this.claims.get(claim);
    const target = this.usersById.get(claim);
    if (Array.isArray(claimers) && claimers.length > 1) {
      const trimmed = external.trim();
      const others = claimers.filter((other) => other !== user).map((other) => `'${other.userName}' (${other.id})`);
      let reason = `${claimers.length} local users hold externalId '${trimmed}': this one and ${others.join(', ')}. Entra can match only one of them.`;
      let agrees = false;
      if (target !== undefined) {
        const agree = this.agreement(user, target);
        agrees = agree.upn || agree.mail || agree.employeeId;
        reason += agrees
          ? ` This record agrees with Entra user '${target.userPrincipalName}' (${agree.words}).`
          : ` Nothing on this record agrees with Entra user '${target.userPrincipalName}'.`;
      } else if (!isGuid(trimmed)) {
        reason += ' It is not an objectId either.';
      } else {
        reason += ' No Entra user has that objectId.';
      }
      // A claimer that agrees with nothing on the object gets candidates, as a mismatch would.
      const candidates = agrees ? { all: [], kept: [] } : this.candidates(user, target ?? null, isGuid(trimmed) ? null : claim);
      reason = withCandidates(reason, candidates.all, 'user', '');
      return this.row(user, target ?? null, 'duplicate', 'duplicate.sharedExternalId', reason, candidates.kept, EMPTY, agrees);
    }
    const trimmed = external.trim();
    if (!isGuid(trimmed)) {
      const candidates = this.candidates(user, null, claim);
      const reason = withCandidates(
        `externalId '${trimmed}' is not an Entra objectId (a GUID): Entra still maps externalId from mailNickname or displayName instead of objectId, so it cannot find this record by objectId.`,
        candidates.all,
        'user',
        'No Entra user matches this record.',
      );
      return this.row(user, null, 'mismatch', 'mismatch.notGuid', reason, candidates.kept, EMPTY);
    }
    if (target === undefined) {
      const group = this.groupsById.get(claim);
      const candidates = this.candidates(user, null, null);
      const reason = withCandidates(
        group !== undefined
          ? `externalId ${trimmed} is the objectId of the Entra group '${group.displayName}', not of a user.`
          : `No Entra user has objectId ${trimmed} (deleted in Entra, or from another tenant).`,
        candidates.all,
        'user',
        'No other Entra user matches this record.',
      );
      return this.row(user, null, 'mismatch', group !== undefined ? 'mismatch.wrongKind' : 'mismatch.notFound', reason, candidates.kept, EMPTY);
    }
    const agree = this.agreement(user, target);
    if (!agree.upn && !agree.mail && !agree.employeeId) {
      const evidence = this.otherPersonEvidence(user, target, agree.employeeIdContradicts);
      if (evidence.length > 0) {
        const candidates = this.candidates(user, target, null);
        const reason = withCandidates(
          `externalId names Entra user '${target.userPrincipalName}'${target.displayName ? ` (${target.displayName})` : ''}, which belongs to someone else: ${evidence.join('; ')}.`,
          candidates.all,
          'user',
          'No other Entra user matches this record.',
        );
        return this.row(user, target, 'mismatch', 'mismatch.otherPerson', reason, candidates.kept, EMPTY);
      }
    }
    const drift = this.drift(user, target, external);
    const how = agree.upn || agree.mail || agree.employeeId ? agree.words : 'nothing contradicts it, though the userName differs from the UPN (renamed in Entra?)';
    if (this.scope !== null && !this.scope.has(claim)) {
      const reason = `externalId is the objectId of Entra user '${target.userPrincipalName}': ${how}. But that user is not in the application's scope (unassigned), so Entra no longer provisions this record.${differ(drift.length)}`;
      return this.row(user, target, 'orphan', 'orphan.outOfScope', reason, EMPTY, drift);
    }
    const reason = `externalId is the objectId of Entra user '${target.userPrincipalName}': ${how}.${differ(drift.length)}`;
    return this.row(user, target, 'linked', 'linked', reason, EMPTY, drift);
  }

  private unlinkedRow(user: LocalUser): ReportRow {
    const candidates = this.candidates(user, null, null);
    const kept = candidates.kept;
    const tie = ambiguity(kept, 'user');
    if (tie !== null) return this.row(user, null, 'duplicate', 'duplicate.ambiguousCandidates', `No externalId. ${tie}`, kept, EMPTY);
    if (kept.length > 0) {
      return this.row(user, null, 'unlinked', 'unlinked.candidates', withCandidates('No externalId.', candidates.all, 'user', ''), kept, EMPTY);
    }
    if (this.scope !== null) {
      return this.row(
        user,
        null,
        'orphan',
        'orphan.noMatch',
        'No externalId, and no Entra user matches its userName, employeeNumber, emails or alias: it exists only locally.',
        EMPTY,
        EMPTY,
      );
    }
    return this.row(
      user,
      null,
      'unlinked',
      'unlinked.noCandidates',
      'No externalId, and no Entra user matches its userName, employeeNumber, emails or alias. The application\'s scope is unknown, so it cannot be called only local.',
      EMPTY,
      EMPTY,
    );
  }

  /** Candidate Entra users for a local user, best first; `exclude` is the object its externalId wrongly names. */
  private candidates(user: LocalUser, exclude: EntraUser | null, oldExternalId: string | null): { all: Candidate[]; kept: Candidate[] } {
    const list = new CandidateList<EntraUser>();
    const add = (found: EntraUser | EntraUser[] | undefined, attribute: MatchAttribute, reason: string) =>
      forEachIn(found, (target) => {
        if (target !== exclude) list.add(target, attribute, reason);
      });
    const userName = key(user.userName);
    if (userName !== null) {
      add(this.byUpn.get(userName), 'userPrincipalName', 'UPN equals userName');
      add(this.byMail.get(userName), 'mail', 'mail equals userName');
      const part = localPart(userName);
      // byNick also holds users whose UPN before @ equals their alias; byUpnLocal the others.
      // An equal UPN implies an equal local part: not worth saying twice.
      const upnLocal = (target: EntraUser) => {
        const upn = key(target.userPrincipalName);
        if (target !== exclude && upn !== null && upn !== userName && localPart(upn) === part) {
          list.add(target, 'upnLocalPart', 'UPN before @ equals userName before @');
        }
      };
      forEachIn(this.byNick.get(part), (target) => {
        if (target === exclude) return;
        list.add(target, 'mailNickname', 'alias equals userName before @');
        upnLocal(target);
      });
      forEachIn(this.byUpnLocal.get(part), upnLocal);
    }
    const employeeNumber = key(user.employeeNumber);
    if (employeeNumber !== null) add(this.byEmployeeId.get(employeeNumber), 'employeeId', `employeeId equals employeeNumber '${user.employeeNumber?.trim()}'`);
    for (const email of user.emails) {
      const mail = key(email);
      if (mail !== null && mail !== userName) add(this.byMail.get(mail), 'mail', `mail equals email '${email.trim()}'`);
    }
    if (oldExternalId !== null) {
      add(this.byUpn.get(oldExternalId), 'userPrincipalName', 'UPN equals the current externalId');
      add(this.byMail.get(oldExternalId), 'mail', 'mail equals the current externalId');
      add(this.byNick.get(oldExternalId), 'mailNickname', 'alias equals the current externalId, where Entra\'s default mapping puts it');
    }
    if (list.size === 0) return { all: [], kept: [] };
    if (employeeNumber !== null) {
      list.each((target) => {
        const theirs = key(target.employeeId);
        if (theirs !== null && theirs !== employeeNumber) list.cap(target, `its employeeId '${target.employeeId}' differs from employeeNumber '${user.employeeNumber}'`);
      });
    }
    const all = list.build((target) => {
      const id = target.objectId.toLowerCase();
      return {
        objectId: target.objectId,
        userPrincipalName: target.userPrincipalName,
        displayName: target.displayName,
        mail: target.mail,
        mailNickname: target.mailNickname,
        accountEnabled: target.accountEnabled,
        employeeId: target.employeeId,
        inScope: inSet(this.scope, id),
        linkedTo: this.holder(id, user),
      };
    });
    return { all, kept: trimmedCandidates(all) };
  }

  private agreement(user: LocalUser, target: EntraUser) {
    const upn = key(user.userName) === key(target.userPrincipalName);
    const entraMail = key(target.mail);
    let mail = false;
    if (entraMail !== null) {
      if (key(user.userName) === entraMail) mail = true;
      else for (const email of user.emails) if (key(email) === entraMail) mail = true;
    }
    const mine = key(user.employeeNumber);
    const theirs = key(target.employeeId);
    const employeeId = mine !== null && mine === theirs;
    const employeeIdContradicts = mine !== null && theirs !== null && mine !== theirs;
    const words = AGREEMENT_WORDS[(upn ? 1 : 0) | (mail ? 2 : 0) | (employeeId ? 4 : 0)] as string;
    return { upn, mail, employeeId, employeeIdContradicts, words };
  }

  /** Reasons to think `target` is another person's object; empty when nothing says so. */
  private otherPersonEvidence(user: LocalUser, target: EntraUser, employeeIdContradicts: boolean): string[] {
    const evidence: string[] = [];
    if (employeeIdContradicts) evidence.push(`its employeeId '${target.employeeId}' differs from this record's employeeNumber '${user.employeeNumber}'`);
    const userName = key(user.userName);
    if (userName !== null) {
      const other = firstOther(this.byUpn.get(userName), target);
      if (other !== undefined) evidence.push(`another Entra user, '${other.userPrincipalName}', has this userName as UPN`);
    }
    const employeeNumber = key(user.employeeNumber);
    if (employeeNumber !== null) {
      const other = firstOther(this.byEmployeeId.get(employeeNumber), target);
      if (other !== undefined) evidence.push(`another Entra user, '${other.userPrincipalName}', has employeeId '${user.employeeNumber}'`);
    }
    // An address of this record that is another Entra user's mail (the record of someone whose
    // login predates provisioning, say): nothing on `target` agreed, so that other user is who it is.
    if (evidence.length === 0) {
      for (const address of userName === null ? user.emails : [user.userName, ...user.emails]) {
        const other = firstOther(this.byMail.get(key(address) ?? ''), target);
        if (other !== undefined) {
          evidence.push(`another Entra user, '${other.userPrincipalName}', has this record's address '${address.trim()}' as mail`);
          break;
        }
      }
    }
    const upn = key(target.userPrincipalName);
    // The local-name index is built only when nothing cheaper has spoken.
    if (upn !== null && evidence.length === 0) {
      const owner = this.localUsersByName().get(upn);
      if (owner !== undefined && owner !== user) evidence.push(`another local user, '${owner.userName}' (${owner.id}), has its UPN as userName`);
    }
    return evidence;
  }

  private localUsersByName(): Map<string, LocalUser> {
    if (this.localByUserName === null) {
      const map = new Map<string, LocalUser>();
      for (const user of this.local) {
        const name = key(user.userName);
        if (name !== null && !map.has(name)) map.set(name, user);
      }
      this.localByUserName = map;
    }
    return this.localByUserName;
  }

  private drift(user: LocalUser, target: EntraUser, external: string): ReadonlyArray<Drift> {
    let out: Drift[] | null = null;
    if (external !== target.objectId) {
      (out ??= []).push({
        attribute: 'externalId',
        local: external,
        entra: target.objectId,
        note: 'externalId differs from the objectId only in letter case or spaces; Entra looks it up case-exactly and may not find this record',
      });
    }
    if (key(user.userName) !== key(target.userPrincipalName)) {
      (out ??= []).push({ attribute: 'userName', local: user.userName, entra: target.userPrincipalName, note: 'userName differs from the UPN (UPN renamed in Entra?)' });
    }
    if (target.displayName !== null && (user.displayName ?? '').trim() !== target.displayName.trim()) {
      (out ??= []).push({ attribute: 'displayName', local: user.displayName, entra: target.displayName, note: 'displayName differs' });
    }
    const primary = user.emails[0] ?? null;
    if (target.mail !== null && key(primary) !== key(target.mail)) {
      (out ??= []).push({ attribute: 'mail', local: primary, entra: target.mail, note: primary === null ? 'no local email; Entra has a mail' : 'primary email differs from Entra mail' });
    }
    if (user.active !== null && target.accountEnabled !== null && user.active !== target.accountEnabled) {
      (out ??= []).push({
        attribute: 'active',
        local: user.active,
        entra: target.accountEnabled,
        note: target.accountEnabled ? 'disabled locally, enabled in Entra' : 'active locally, disabled in Entra',
      });
    }
    const mine = key(user.employeeNumber);
    const theirs = key(target.employeeId);
    if (mine !== null && theirs !== null && mine !== theirs) {
      (out ??= []).push({ attribute: 'employeeId', local: user.employeeNumber, entra: target.employeeId, note: 'employeeNumber differs from Entra employeeId' });
    }
    return out ?? EMPTY;
  }

  protected entraSummary(target: EntraUser): EntraSummary {
    return {
      objectId: target.objectId,
      userPrincipalName: target.userPrincipalName,
      displayName: target.displayName,
      mail: target.mail,
      mailNickname: target.mailNickname,
      accountEnabled: target.accountEnabled,
      employeeId: target.employeeId,
      inScope: inSet(this.scope, target.objectId.toLowerCase()),
    };
  }

  /** `holds`: the record rightly holds `target`'s objectId (linked, orphan, a shared claim that agrees). */
  private row(
    user: LocalUser,
    target: EntraUser | null,
    category: Category,
    reasonCode: ReasonCode,
    reason: string,
    candidates: ReadonlyArray<Candidate>,
    drift: ReadonlyArray<Drift>,
    holds = category === 'linked' || category === 'orphan',
  ): ReportRow {
    return {
      kind: 'User',
      localId: user.id,
      objectId: target === null ? null : target.objectId,
      name: user.userName,
      externalId: user.externalId,
      category,
      reasonCode,
      reason,
      candidates,
      drift,
      local: {
        userName: user.userName,
        displayName: user.displayName,
        mail: user.emails[0] ?? null,
        active: user.active,
        employeeNumber: user.employeeNumber,
        externalId: user.externalId,
      },
      entra: target === null ? null : this.entraSummary(target),
      represents: representedBy(holds && target !== null ? target.objectId : null, candidates),
    };
  }
}

/** `lead` followed by the ambiguity, or else by the best match (or `none`). */
function withCandidates(lead: string, all: ReadonlyArray<Candidate>, noun: string, none: string): string {
  const tie = ambiguity(all.length > MAX_CANDIDATES ? all.slice(0, MAX_CANDIDATES) : all, noun);
  if (tie !== null) return `${lead} ${tie}`;
  const text = describeCandidates(all, all.length, noun) || none;
  return text === '' ? lead : `${lead} ${text}`;
}

// ---------------------------------------------------------------------------
// Groups

class GroupComparer extends Comparer<LocalGroup, EntraGroup> {
  protected readonly kind = 'Group';
  private readonly byName: Multi<EntraGroup> = new Map();
  private readonly byNick: Multi<EntraGroup> = new Map();
  private localByName: Multi<LocalGroup> | null = null;

  constructor(
    local: ReadonlyArray<LocalGroup>,
    entra: ReadonlyArray<EntraGroup>,
    private readonly groupsById: Map<string, EntraGroup>,
    scope: Set<string> | null,
    private readonly usersById: Map<string, EntraUser>,
  ) {
    super(local, entra, scope);
    for (const group of groupsById.values()) {
      const name = key(group.displayName);
      if (name !== null) put(this.byName, name, group);
      const nick = key(group.mailNickname);
      if (nick !== null) put(this.byNick, nick, group);
    }
  }

  protected entraById(lowerId: string): EntraGroup | undefined {
    return this.groupsById.get(lowerId);
  }

  protected unrepresented(group: EntraGroup) {
    return { name: group.displayName, inScope: 'Assigned to the application in Entra' };
  }

  protected label(group: LocalGroup): string {
    return `'${group.displayName}' (${group.id})`;
  }

  protected rowFor(group: LocalGroup): ReportRow {
    const claim = key(group.externalId);
    if (claim === null) return this.unlinkedRow(group);
    const external = group.externalId as string;
    const trimmed = external.trim();
    const claimers = this.claims.get(claim);
    const target = this.groupsById.get(claim);
    if (Array.isArray(claimers) && claimers.length > 1) {
      const others = claimers.filter((other) => other !== group).map((other) => `'${other.displayName}' (${other.id})`);
      let reason = `${claimers.length} local groups hold externalId '${trimmed}': this one and ${others.join(', ')}. Entra can match only one of them.`;
      let agrees = false;
      if (target !== undefined) {
        agrees = key(target.displayName) === key(group.displayName);
        reason += agrees ? ` This one has the displayName of Entra group '${target.displayName}'.` : ` Entra group '${target.displayName}' has another displayName.`;
      } else if (!isGuid(trimmed)) {
        reason += ' It is not an objectId either.';
      } else {
        reason += ' No Entra group has that objectId.';
      }
      const candidates = agrees ? { all: [], kept: [] } : this.candidates(group, target ?? null, isGuid(trimmed) ? null : claim);
      reason = withCandidates(reason, candidates.all, 'group', '');
      return this.row(group, target ?? null, 'duplicate', 'duplicate.sharedExternalId', reason, candidates.kept, EMPTY, agrees);
    }
    if (!isGuid(trimmed)) {
      const candidates = this.candidates(group, null, claim);
      const reason = withCandidates(
        `externalId '${trimmed}' is not an Entra objectId (a GUID): Entra still maps the group's externalId from displayName or mailNickname instead of objectId.`,
        candidates.all,
        'group',
        'No Entra group matches this record.',
      );
      return this.row(group, null, 'mismatch', 'mismatch.notGuid', reason, candidates.kept, EMPTY);
    }
    if (target === undefined) {
      const user = this.usersById.get(claim);
      const candidates = this.candidates(group, null, null);
      const reason = withCandidates(
        user !== undefined
          ? `externalId ${trimmed} is the objectId of the Entra user '${user.userPrincipalName}', not of a group.`
          : `No Entra group has objectId ${trimmed} (deleted in Entra, or from another tenant).`,
        candidates.all,
        'group',
        'No other Entra group matches this record.',
      );
      return this.row(group, null, 'mismatch', user !== undefined ? 'mismatch.wrongKind' : 'mismatch.notFound', reason, candidates.kept, EMPTY);
    }
    const mine = key(group.displayName);
    const sameName = mine === key(target.displayName);
    if (!sameName && mine !== null) {
      const evidence = this.otherGroupEvidence(group, target, mine);
      if (evidence !== null) {
        const candidates = this.candidates(group, target, null);
        const reason = withCandidates(`externalId names Entra group '${target.displayName}', which belongs to another group: ${evidence}.`, candidates.all, 'group', '');
        return this.row(group, target, 'mismatch', 'mismatch.otherPerson', reason, candidates.kept, EMPTY);
      }
    }
    const drift = this.drift(group, target, external);
    const how = sameName ? 'same displayName' : 'nothing contradicts it, though the displayName differs (renamed in Entra?)';
    if (this.scope !== null && !this.scope.has(claim)) {
      const reason = `externalId is the objectId of Entra group '${target.displayName}': ${how}. But that group is not assigned to the application, so Entra no longer provisions this record.${differ(drift.length)}`;
      return this.row(group, target, 'orphan', 'orphan.outOfScope', reason, EMPTY, drift);
    }
    const reason = `externalId is the objectId of Entra group '${target.displayName}': ${how}.${differ(drift.length)}`;
    return this.row(group, target, 'linked', 'linked', reason, EMPTY, drift);
  }

  /**
   * Why `target` (whose displayName differs from the record's) is another group's object, or
   * null. Users' rule, with a group's name for a UPN: another Entra group has exactly this
   * record's displayName, and either it has no record of its own and is not out of scope (Entra
   * matches groups by displayName: it would take this record for that group), or another local
   * group has the target's name (the two swapped objectIds). Without either, the target was
   * more likely renamed in Entra, and the record stays linked with the name drifting.
   */
  private otherGroupEvidence(group: LocalGroup, target: EntraGroup, mine: string): string | null {
    let named: EntraGroup | undefined;
    let unheld: EntraGroup | undefined;
    forEachIn(this.byName.get(mine), (other) => {
      if (other === target) return;
      named ??= other;
      const id = other.objectId.toLowerCase();
      if (unheld === undefined && this.scope?.has(id) !== false && !this.claims.has(id)) unheld = other;
    });
    if (named === undefined) return null;
    const targetName = key(target.displayName);
    const otherLocal = targetName === null ? undefined : firstOther(this.localGroupsByName().get(targetName), group);
    if (otherLocal !== undefined) {
      return `another Entra group (${named.objectId}) is called '${group.displayName}', and another local group, ${otherLocal.id}, is called '${otherLocal.displayName}'`;
    }
    if (unheld !== undefined) {
      const scoped = this.scope === null ? '' : ", assigned to the application,";
      return `another Entra group (${unheld.objectId})${scoped} is called '${group.displayName}' and no local group holds its objectId`;
    }
    return null;
  }

  private unlinkedRow(group: LocalGroup): ReportRow {
    const candidates = this.candidates(group, null, null);
    const kept = candidates.kept;
    const tie = ambiguity(kept, 'group');
    if (tie !== null) return this.row(group, null, 'duplicate', 'duplicate.ambiguousCandidates', `No externalId. ${tie}`, kept, EMPTY);
    if (kept.length > 0) {
      return this.row(group, null, 'unlinked', 'unlinked.candidates', withCandidates('No externalId.', candidates.all, 'group', ''), kept, EMPTY);
    }
    if (this.scope !== null) {
      return this.row(group, null, 'orphan', 'orphan.noMatch', 'No externalId, and no Entra group has its displayName or alias: it exists only locally.', EMPTY, EMPTY);
    }
    return this.row(
      group,
      null,
      'unlinked',
      'unlinked.noCandidates',
      'No externalId, and no Entra group has its displayName or alias. The application\'s scope is unknown, so it cannot be called only local.',
      EMPTY,
      EMPTY,
    );
  }

  private candidates(group: LocalGroup, exclude: EntraGroup | null, oldExternalId: string | null): { all: Candidate[]; kept: Candidate[] } {
    const list = new CandidateList<EntraGroup>();
    const add = (found: EntraGroup | EntraGroup[] | undefined, attribute: MatchAttribute, reason: string) =>
      forEachIn(found, (target) => {
        if (target !== exclude) list.add(target, attribute, reason);
      });
    const name = key(group.displayName);
    if (name !== null) {
      add(this.byName.get(name), 'displayName', 'same displayName');
      add(this.byNick.get(compact(name)), 'mailNickname', 'alias equals the displayName without spaces');
    }
    if (oldExternalId !== null) {
      add(this.byName.get(oldExternalId), 'displayName', 'displayName equals the current externalId, where Entra\'s default group mapping puts it');
      add(this.byNick.get(oldExternalId), 'mailNickname', 'alias equals the current externalId');
    }
    if (list.size === 0) return { all: [], kept: [] };
    const all = list.build((target) => {
      const id = target.objectId.toLowerCase();
      const holder = this.holder(id, group);
      return {
        objectId: target.objectId,
        userPrincipalName: null,
        displayName: target.displayName,
        mail: target.mail,
        mailNickname: target.mailNickname,
        accountEnabled: null,
        employeeId: null,
        inScope: inSet(this.scope, id),
        linkedTo: holder,
      };
    });
    return { all, kept: trimmedCandidates(all) };
  }

  private localGroupsByName(): Multi<LocalGroup> {
    if (this.localByName === null) {
      const map: Multi<LocalGroup> = new Map();
      for (const group of this.local) {
        const name = key(group.displayName);
        if (name !== null) put(map, name, group);
      }
      this.localByName = map;
    }
    return this.localByName;
  }

  private drift(group: LocalGroup, target: EntraGroup, external: string): ReadonlyArray<Drift> {
    let out: Drift[] | null = null;
    if (external !== target.objectId) {
      (out ??= []).push({
        attribute: 'externalId',
        local: external,
        entra: target.objectId,
        note: 'externalId differs from the objectId only in letter case or spaces; Entra looks it up case-exactly and may not find this record',
      });
    }
    if (group.displayName.trim() !== target.displayName.trim()) {
      (out ??= []).push({ attribute: 'displayName', local: group.displayName, entra: target.displayName, note: 'displayName differs (renamed in Entra?)' });
    }
    return out ?? EMPTY;
  }

  protected entraSummary(target: EntraGroup): EntraSummary {
    return {
      objectId: target.objectId,
      userPrincipalName: null,
      displayName: target.displayName,
      mail: target.mail,
      mailNickname: target.mailNickname,
      accountEnabled: null,
      employeeId: null,
      inScope: inSet(this.scope, target.objectId.toLowerCase()),
    };
  }

  /** `holds`: the record rightly holds `target`'s objectId (linked, orphan, a shared claim that agrees). */
  private row(
    group: LocalGroup,
    target: EntraGroup | null,
    category: Category,
    reasonCode: ReasonCode,
    reason: string,
    candidates: ReadonlyArray<Candidate>,
    drift: ReadonlyArray<Drift>,
    holds = category === 'linked' || category === 'orphan',
  ): ReportRow {
    return {
      kind: 'Group',
      localId: group.id,
      objectId: target === null ? null : target.objectId,
      name: group.displayName,
      externalId: group.externalId,
      category,
      reasonCode,
      reason,
      candidates,
      drift,
      local: { userName: null, displayName: group.displayName, mail: null, active: null, employeeNumber: null, externalId: group.externalId },
      entra: target === null ? null : this.entraSummary(target),
      represents: representedBy(holds && target !== null ? target.objectId : null, candidates),
    };
  }
}
