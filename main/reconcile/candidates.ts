/**
 * Candidate ranking: which Entra objects a local record could be linked to, how sure
 * that is, and how a row says so ("Best match: …", "Ambiguous: …").
 *
 * An attribute's confidence is fixed (MATCH_CONFIDENCE); a candidate takes its strongest
 * attribute's, or low when something on it contradicts the record (`cap`). Candidates
 * sort by confidence, then by how many attributes agreed, then by the strongest one,
 * then by name and objectId, so the order never depends on the snapshot's.
 */
import type { Candidate, Confidence, EntraSummary, MatchAttribute, ReportRow } from '../../shared/admin/report-schemas';
import { plural } from './lookup';

/** Longest candidate list kept on a row (the reason still gives the total). */
export const MAX_CANDIDATES = 10;

const CONFIDENCE_RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };
const ATTRIBUTE_RANK: Record<MatchAttribute, number> = {
  userPrincipalName: 6,
  employeeId: 5,
  mail: 4,
  displayName: 3,
  mailNickname: 2,
  upnLocalPart: 1,
};
const MATCH_CONFIDENCE: Record<MatchAttribute, Confidence> = {
  userPrincipalName: 'high',
  employeeId: 'high',
  mail: 'medium',
  displayName: 'medium',
  mailNickname: 'low',
  upnLocalPart: 'low',
};

/** A record's candidates: every one found (the reason counts them) and the ones kept on the row. */
export interface Candidates {
  readonly all: ReadonlyArray<Candidate>;
  readonly kept: ReadonlyArray<Candidate>;
}

export const NO_CANDIDATES: Candidates = Object.freeze({ all: Object.freeze([]), kept: Object.freeze([]) });

/**
 * Gathers the candidates of one record; few per record, so a linear list. `exclude` is
 * the object the record's externalId wrongly names: never its own candidate.
 */
export class CandidateList<T extends { readonly objectId: string }> {
  private readonly found: Array<{ target: T; attributes: MatchAttribute[]; reasons: string[]; capped: string | null }> = [];

  constructor(private readonly exclude: T | null) {}

  add(target: T, attribute: MatchAttribute, reason: string): void {
    if (target === this.exclude) return;
    for (const entry of this.found) {
      if (entry.target === target) {
        if (!entry.attributes.includes(attribute)) entry.attributes.push(attribute);
        if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
        return;
      }
    }
    this.found.push({ target, attributes: [attribute], reasons: [reason], capped: null });
  }

  /** Adds every object an index found under one key. */
  addAll(found: T | T[] | undefined, attribute: MatchAttribute, reason: string): void {
    if (found === undefined) return;
    if (Array.isArray(found)) for (const target of found) this.add(target, attribute, reason);
    else this.add(found, attribute, reason);
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

  /** The candidates, best first: each object as a row shows it, who holds it already, and how it matched. */
  build(summary: (target: T) => EntraSummary, linkedTo: (target: T) => string | null): Candidate[] {
    const out: Candidate[] = [];
    for (const entry of this.found) {
      entry.attributes.sort((a, b) => ATTRIBUTE_RANK[b] - ATTRIBUTE_RANK[a]);
      const strongest = entry.attributes[0] as MatchAttribute;
      let confidence = MATCH_CONFIDENCE[strongest];
      let reason = entry.reasons.join('; ');
      if (entry.capped !== null) {
        confidence = 'low';
        reason += `; but ${entry.capped}`;
      }
      out.push({ ...summary(entry.target), linkedTo: linkedTo(entry.target), matchedOn: entry.attributes, confidence, reason });
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

/** The first MAX_CANDIDATES, the ones a row keeps. */
export function keptCandidates(all: Candidate[]): Candidate[] {
  return all.length > MAX_CANDIDATES ? all.slice(0, MAX_CANDIDATES) : all;
}

/** The best candidate of a row, and whether another one is just as good (then nothing may be linked automatically). */
export function bestCandidate(row: Pick<ReportRow, 'candidates'>): { readonly candidate: Candidate; readonly ambiguous: boolean } | null {
  const first = row.candidates[0];
  if (first === undefined) return null;
  const second = row.candidates[1];
  return { candidate: first, ambiguous: second !== undefined && second.confidence === first.confidence };
}

/** The Entra object a row stands for (ReportRow.represents): the one it rightly holds, else its unambiguous best candidate. */
export function representedBy(held: string | null, candidates: ReadonlyArray<Candidate>): string | null {
  if (held !== null) return held;
  const best = bestCandidate({ candidates });
  return best === null || best.ambiguous ? null : best.candidate.objectId;
}

function label(candidate: Candidate): string {
  return `'${candidate.userPrincipalName ?? candidate.displayName ?? candidate.objectId}'`;
}

/** Words for a candidate list: the best one, or why none can be chosen. */
function describeCandidates(candidates: ReadonlyArray<Candidate>, total: number, noun: string): string {
  const best = candidates[0];
  if (best === undefined) return '';
  let text = `Best match: Entra ${noun} ${label(best)} (${best.reason}; ${best.confidence} confidence)`;
  if (best.inScope === false) text += ', which is not in the application\'s scope';
  if (best.linkedTo !== null) text += `, already linked to local ${noun} ${best.linkedTo}`;
  text += '.';
  if (total > 1) text += ` ${total - 1} other candidate${plural(total - 1)}.`;
  return text;
}

/** "Ambiguous: 2 Entra users match equally well …" when the best two candidates tie; null otherwise. */
export function ambiguity(candidates: ReadonlyArray<Candidate>, noun: string): string | null {
  const best = candidates[0];
  const second = candidates[1];
  if (best === undefined || second === undefined || second.confidence !== best.confidence) return null;
  const tied = candidates.filter((c) => c.confidence === best.confidence);
  const names = tied.map((c) => `${label(c)} (${c.reason})`).join(', ');
  return `Ambiguous: ${tied.length}${tied.length === MAX_CANDIDATES ? '+' : ''} Entra ${noun}s match equally well (${best.confidence} confidence): ${names}. Nothing can be linked automatically.`;
}

/** `lead` followed by the ambiguity, or else by the best match (or `none`). */
export function withCandidates(lead: string, all: ReadonlyArray<Candidate>, noun: string, none: string): string {
  const tie = ambiguity(all.length > MAX_CANDIDATES ? all.slice(0, MAX_CANDIDATES) : all, noun);
  if (tie !== null) return `${lead} ${tie}`;
  const text = describeCandidates(all, all.length, noun) || none;
  return text === '' ? lead : `${lead} ${text}`;
}
