/**
 * The rule ladder of a comparison, written once for users and groups.
 *
 * Each local record gets one row; the first rule that applies wins:
 * 1. `duplicate`  externalId (trimmed, case-insensitive) is held by two or more
 *                 local records of the same kind: every one of them, naming the others.
 *                 A claimer that agrees with nothing on the named object (or the object
 *                 does not exist) also gets candidates, looked up as for rule 5.
 * 2. `mismatch`   externalId is set but is not a GUID (Entra still maps externalId
 *                 from mailNickname/displayName) — candidates looked up as for rule 5,
 *                 plus the old value against UPN/mail/mailNickname (groups:
 *                 displayName/mailNickname).
 * 3. `mismatch`   externalId is a GUID but no Entra object of that kind has it
 *                 (deleted in Entra, another tenant, or an object of the other kind).
 * 4. The GUID names an Entra object E:
 *    - `mismatch` when E is someone else's: nothing agrees (`agreement`) AND there is
 *      positive evidence (`otherObjectEvidence`). Checked before scope, so a record
 *      naming an out-of-scope object is still a mismatch when it is someone else's.
 *      Candidates exclude E.
 *    - `orphan` when the scope is known and E is not in it (unassigned in Entra:
 *      Entra no longer provisions it), with drift.
 *    - `linked` otherwise, with drift (the kind's attributes, and externalId when it
 *      differs from the objectId only in case or spaces — Entra's externalId filter is
 *      case-exact).
 * 5. No externalId: candidates (`gatherCandidates`).
 *    - `duplicate`  two or more candidates share the best confidence: ambiguous.
 *    - `unlinked`   at least one candidate, or none while the scope is unknown.
 *    - `orphan`     no candidate at all while the scope is known: only local.
 * Then one `notProvisioned` row per in-scope Entra object that no row represents.
 *
 * A kind (user-comparer.ts, group-comparer.ts) supplies its indexes, what agreement
 * and evidence mean for it, its candidates, its drift, the two summaries of a row, and
 * the sentences where users and groups are worded differently (LadderWords); every
 * other sentence is the ladder's own, so a rule added here holds for both kinds.
 */
import type { Candidate, Category, Drift, EntraSummary, LocalSummary, ReasonCode, ReportKind, ReportRow } from '../../shared/admin/report-schemas';
import { isGuid } from '../../shared/guid';
import { ambiguity, CandidateList, keptCandidates, NO_CANDIDATES, representedBy, withCandidates, type Candidates } from './candidates';
import { EMPTY, firstOther, forEachIn, key, plural, put, type Multi } from './lookup';

/** Whether a record agrees with the Entra object its externalId names, and in which words ("mail agrees"). */
export interface Agreement {
  readonly agrees: boolean;
  readonly words: string;
}

/**
 * What a kind says at the steps where users and groups are worded differently: whole
 * sentences (functions, each ending with its full stop) and fragments the ladder sets
 * into its own sentences.
 */
export interface LadderWords<E> {
  /** 'user' or 'group', as the ladder's own sentences name the kind. */
  readonly noun: string;
  /** The other kind's noun: an externalId may be the objectId of an object of the other kind (rule 3). */
  readonly otherNoun: string;
  /** Rule 1: how one of the records sharing an externalId sides with the object it names. */
  sharedClaim(target: E, agreement: Agreement): string;
  /** Rule 2: why an externalId that is not a GUID keeps Entra from finding the record. */
  notGuid(externalId: string): string;
  /** Rule 4: the object belongs to someone else, as `evidence` says. */
  otherObject(target: E, evidence: string): string;
  /** Rule 4, orphan and linked: how a record that agrees with nothing is still taken for the object's. */
  readonly noAgreement: string;
  /** Rule 4, orphan: how the object is out of the application's scope ("is not assigned to the application"). */
  readonly outOfScope: string;
  /** Rule 5, no candidate: what no Entra object does ("has its displayName or alias"). */
  readonly noMatch: string;
  /** notProvisioned: how an Entra object is in the application's scope. */
  readonly inScope: string;
}

interface LocalRecord {
  readonly id: string;
  readonly externalId: string | null;
}

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

/** " 2 attributes differ." (or nothing). */
function differ(n: number): string {
  return n === 0 ? '' : n === 1 ? ' 1 attribute differs.' : ` ${n} attributes differ.`;
}

/**
 * The ladder over one kind: local records indexed by the objectId their externalId claims,
 * one row per local record (rules above), then one notProvisioned row per in-scope Entra
 * object that no row represents (ReportRow.represents): no record rightly holds its
 * objectId and none would be linked to it.
 */
export abstract class Comparer<L extends LocalRecord, E extends { readonly objectId: string }, A extends Agreement> {
  /** Local records by normalised externalId. */
  protected readonly claims: Multi<L> = new Map();

  protected abstract readonly kind: ReportKind;
  protected abstract readonly words: LadderWords<E>;

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

  /** The copy of an Entra object the comparison uses (the first, when the snapshot repeats one). */
  protected abstract entraById(lowerId: string): E | undefined;
  /** The name of the Entra object of the other kind that has this objectId, if any (rule 3). */
  protected abstract otherKindName(lowerId: string): string | undefined;
  /** How an Entra object is named in a reason and on its notProvisioned row (UPN, or displayName). */
  protected abstract entraName(target: E): string;
  /** How a local record is named on its row and in other rows' reasons (userName, or displayName). */
  protected abstract recordName(record: L): string;
  /** Whether the record agrees with the object its externalId names (rules 1 and 4). */
  protected abstract agreement(record: L, target: E): A;
  /** Rule 4: why `target`, on which nothing agrees, is someone else's object; null when nothing says so. */
  protected abstract otherObjectEvidence(record: L, target: E, agreement: A): string | null;
  /** Adds the record's candidates to `list`; `oldExternalId`: a non-GUID externalId, matched where Entra's default mapping puts it. */
  protected abstract gatherCandidates(list: CandidateList<E>, record: L, oldExternalId: string | null): void;
  /** Appends the kind's attribute drift to `out` (created when needed). */
  protected abstract attributeDrift(record: L, target: E, out: Drift[] | null): Drift[] | null;
  protected abstract localSummary(record: L): LocalSummary;
  protected abstract entraSummary(target: E): EntraSummary;

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

  /** The ladder for one local record. */
  private rowFor(record: L): ReportRow {
    const claim = key(record.externalId);
    if (claim === null) return this.unlinkedRow(record);
    const { noun } = this.words;
    const external = record.externalId as string;
    const trimmed = external.trim();
    const claimers = this.claims.get(claim);
    const target = this.entraById(claim);
    // 1. Shared with another record of this kind.
    if (Array.isArray(claimers) && claimers.length > 1) return this.sharedClaimRow(record, claimers, target, claim, trimmed);
    // 2. Not a GUID.
    if (!isGuid(trimmed)) {
      const candidates = this.candidates(record, null, claim);
      const reason = withCandidates(this.words.notGuid(trimmed), candidates.all, noun, `No Entra ${noun} matches this record.`);
      return this.row(record, null, 'mismatch', 'mismatch.notGuid', reason, candidates.kept, EMPTY);
    }
    // 3. The GUID of no object of this kind.
    if (target === undefined) {
      const other = this.otherKindName(claim);
      const candidates = this.candidates(record, null, null);
      const reason = withCandidates(
        other !== undefined
          ? `externalId ${trimmed} is the objectId of the Entra ${this.words.otherNoun} '${other}', not of a ${noun}.`
          : `No Entra ${noun} has objectId ${trimmed} (deleted in Entra, or from another tenant).`,
        candidates.all,
        noun,
        `No other Entra ${noun} matches this record.`,
      );
      return this.row(record, null, 'mismatch', other !== undefined ? 'mismatch.wrongKind' : 'mismatch.notFound', reason, candidates.kept, EMPTY);
    }
    // 4. Someone else's object, out of scope, or linked.
    const agreement = this.agreement(record, target);
    const evidence = agreement.agrees ? null : this.otherObjectEvidence(record, target, agreement);
    if (evidence !== null) {
      const candidates = this.candidates(record, target, null);
      const reason = withCandidates(this.words.otherObject(target, evidence), candidates.all, noun, `No other Entra ${noun} matches this record.`);
      return this.row(record, target, 'mismatch', 'mismatch.otherPerson', reason, candidates.kept, EMPTY);
    }
    const drift = this.drift(record, target, external);
    const lead = `externalId is the objectId of Entra ${noun} '${this.entraName(target)}': ${agreement.agrees ? agreement.words : this.words.noAgreement}.`;
    if (this.scope !== null && !this.scope.has(claim)) {
      const reason = `${lead} But that ${noun} ${this.words.outOfScope}, so Entra no longer provisions this record.${differ(drift.length)}`;
      return this.row(record, target, 'orphan', 'orphan.outOfScope', reason, EMPTY, drift);
    }
    return this.row(record, target, 'linked', 'linked', `${lead}${differ(drift.length)}`, EMPTY, drift);
  }

  /** Rule 1: an externalId two or more local records of this kind hold. */
  private sharedClaimRow(record: L, claimers: ReadonlyArray<L>, target: E | undefined, claim: string, trimmed: string): ReportRow {
    const { noun } = this.words;
    const others = claimers.filter((other) => other !== record).map((other) => this.label(other));
    let reason = `${claimers.length} local ${noun}s hold externalId '${trimmed}': this one and ${others.join(', ')}. Entra can match only one of them.`;
    let agrees = false;
    if (target !== undefined) {
      const agreement = this.agreement(record, target);
      agrees = agreement.agrees;
      reason += ` ${this.words.sharedClaim(target, agreement)}`;
    } else if (!isGuid(trimmed)) {
      reason += ' It is not an objectId either.';
    } else {
      reason += ` No Entra ${noun} has that objectId.`;
    }
    // A claimer that agrees with nothing on the object gets candidates, as a mismatch would.
    const candidates = agrees ? NO_CANDIDATES : this.candidates(record, target ?? null, isGuid(trimmed) ? null : claim);
    reason = withCandidates(reason, candidates.all, noun, '');
    return this.row(record, target ?? null, 'duplicate', 'duplicate.sharedExternalId', reason, candidates.kept, EMPTY, agrees);
  }

  /** Rule 5: a record without externalId. */
  private unlinkedRow(record: L): ReportRow {
    const { noun, noMatch } = this.words;
    const candidates = this.candidates(record, null, null);
    const kept = candidates.kept;
    const tie = ambiguity(kept, noun);
    if (tie !== null) return this.row(record, null, 'duplicate', 'duplicate.ambiguousCandidates', `No externalId. ${tie}`, kept, EMPTY);
    if (kept.length > 0) {
      return this.row(record, null, 'unlinked', 'unlinked.candidates', withCandidates('No externalId.', candidates.all, noun, ''), kept, EMPTY);
    }
    if (this.scope !== null) {
      return this.row(record, null, 'orphan', 'orphan.noMatch', `No externalId, and no Entra ${noun} ${noMatch}: it exists only locally.`, EMPTY, EMPTY);
    }
    const reason = `No externalId, and no Entra ${noun} ${noMatch}. The application's scope is unknown, so it cannot be called only local.`;
    return this.row(record, null, 'unlinked', 'unlinked.noCandidates', reason, EMPTY, EMPTY);
  }

  /** Candidate Entra objects for a local record, best first; `exclude` is the object its externalId wrongly names. */
  private candidates(record: L, exclude: E | null, oldExternalId: string | null): Candidates {
    const list = new CandidateList<E>(exclude);
    this.gatherCandidates(list, record, oldExternalId);
    if (list.size === 0) return NO_CANDIDATES;
    const all = list.build(
      (target) => this.entraSummary(target),
      (target) => this.holder(target.objectId.toLowerCase(), record),
    );
    return { all, kept: keptCandidates(all) };
  }

  private drift(record: L, target: E, external: string): ReadonlyArray<Drift> {
    let out: Drift[] | null = null;
    if (external !== target.objectId) {
      out = [
        {
          attribute: 'externalId',
          local: external,
          entra: target.objectId,
          note: 'externalId differs from the objectId only in letter case or spaces; Entra looks it up case-exactly and may not find this record',
        },
      ];
    }
    return this.attributeDrift(record, target, out) ?? EMPTY;
  }

  /** The row of an in-scope Entra object no local record represents; `claimedBy`: local ids that list it as a candidate. */
  private notProvisionedRow(target: E, claimedBy: ReadonlyArray<string> | undefined): ReportRow {
    const { noun } = this.words;
    const holders: string[] = [];
    forEachIn(this.claims.get(target.objectId.toLowerCase()), (record) => holders.push(this.label(record)));
    return {
      kind: this.kind,
      localId: null,
      objectId: target.objectId,
      name: this.entraName(target),
      externalId: null,
      category: 'notProvisioned',
      reasonCode: 'notProvisioned',
      reason: `${this.words.inScope}, but no local ${noun} represents it: ${unrepresentedText(noun, holders)}${candidateOfText(noun, claimedBy)}`,
      candidates: EMPTY,
      drift: EMPTY,
      local: null,
      entra: this.entraSummary(target),
      represents: null,
    };
  }

  /** A local record's row; `holds`: the record rightly holds `target`'s objectId (linked, orphan, a shared claim that agrees). */
  private row(
    record: L,
    target: E | null,
    category: Category,
    reasonCode: ReasonCode,
    reason: string,
    candidates: ReadonlyArray<Candidate>,
    drift: ReadonlyArray<Drift>,
    holds = category === 'linked' || category === 'orphan',
  ): ReportRow {
    return {
      kind: this.kind,
      localId: record.id,
      objectId: target === null ? null : target.objectId,
      name: this.recordName(record),
      externalId: record.externalId,
      category,
      reasonCode,
      reason,
      candidates,
      drift,
      local: this.localSummary(record),
      entra: target === null ? null : this.entraSummary(target),
      represents: representedBy(holds && target !== null ? target.objectId : null, candidates),
    };
  }

  /** How a local record is named in a reason: name and id. */
  private label(record: L): string {
    return `'${this.recordName(record)}' (${record.id})`;
  }

  /** The local id of another record whose externalId holds this objectId, if any. */
  private holder(lowerId: string, self: L): string | null {
    const other = firstOther(this.claims.get(lowerId), self);
    return other === undefined ? null : other.id;
  }
}
