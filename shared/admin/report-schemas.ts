import { z } from 'zod';

/**
 * The comparison report of Compare & Fix, defined once: its rows, candidates and drift.
 *
 * The comparison (main/reconcile) builds plain objects of the types inferred here and
 * never parses them (it makes 100,000 rows in about a second); the schemas check data
 * where it comes in or goes out: the admin contract and the command line's report file.
 * Arrays are read-only in the types (frozen when parsed): a report is not edited.
 */

/** The two resource types compared. */
export const ReportKind = z.enum(['User', 'Group']);
export type ReportKind = z.infer<typeof ReportKind>;

/** Every category, in the order the UI lists them. */
export const CATEGORIES = ['linked', 'mismatch', 'unlinked', 'notProvisioned', 'orphan', 'duplicate'] as const;
export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

/** Why a row is in its category, for filters and tests (the prose is in `reason`). */
export const ReasonCode = z.enum([
  'linked',
  'mismatch.notGuid',
  'mismatch.notFound',
  'mismatch.wrongKind',
  'mismatch.otherPerson',
  'unlinked.candidates',
  'unlinked.noCandidates',
  'notProvisioned',
  'orphan.outOfScope',
  'orphan.noMatch',
  'duplicate.sharedExternalId',
  'duplicate.ambiguousCandidates',
]);
export type ReasonCode = z.infer<typeof ReasonCode>;

export const Confidence = z.enum(['high', 'medium', 'low']);
export type Confidence = z.infer<typeof Confidence>;

/** The Entra attribute a candidate matched on. */
export const MatchAttribute = z.enum(['userPrincipalName', 'employeeId', 'mail', 'mailNickname', 'upnLocalPart', 'displayName']);
export type MatchAttribute = z.infer<typeof MatchAttribute>;

/** The Entra side of a row, for the side-by-side view. */
export const EntraSummary = z.object({
  objectId: z.string(),
  /** null for groups. */
  userPrincipalName: z.string().nullable(),
  displayName: z.string().nullable(),
  mail: z.string().nullable(),
  mailNickname: z.string().nullable(),
  accountEnabled: z.boolean().nullable(),
  employeeId: z.string().nullable(),
  /** Whether the object is in the application's scope; null when the scope is unknown. */
  inScope: z.boolean().nullable(),
});
export type EntraSummary = z.infer<typeof EntraSummary>;

/**
 * An Entra object that may be the one a local record should link to: what Entra holds
 * (so the evidence can be checked side by side), how it matched, and who holds it already.
 */
export const Candidate = EntraSummary.extend({
  /** Every attribute that agreed, strongest first. */
  matchedOn: z.array(MatchAttribute).readonly(),
  confidence: Confidence,
  reason: z.string(),
  /** localId of another local record whose externalId already holds this objectId. */
  linkedTo: z.string().nullable(),
});
export type Candidate = z.infer<typeof Candidate>;

export const DriftAttribute = z.enum(['displayName', 'mail', 'active', 'userName', 'employeeId', 'externalId']);
export type DriftAttribute = z.infer<typeof DriftAttribute>;

const scalar = z.union([z.string(), z.boolean(), z.null()]);

/** One attribute that differs between a linked record and its Entra object. */
export const Drift = z.object({ attribute: DriftAttribute, local: scalar, entra: scalar, note: z.string() });
export type Drift = z.infer<typeof Drift>;

/** The local side of a row, for the side-by-side view. */
export const LocalSummary = z.object({
  /** null for groups. */
  userName: z.string().nullable(),
  displayName: z.string().nullable(),
  /** Primary (first) email; null for groups. */
  mail: z.string().nullable(),
  active: z.boolean().nullable(),
  employeeNumber: z.string().nullable(),
  externalId: z.string().nullable(),
});
export type LocalSummary = z.infer<typeof LocalSummary>;

/** One local record, or one in-scope Entra object no record represents. */
export const ReportRow = z.object({
  kind: ReportKind,
  /** null for notProvisioned rows. */
  localId: z.string().nullable(),
  /** The Entra object the row is about (the one externalId names, when it exists); null otherwise. */
  objectId: z.string().nullable(),
  /** userName or displayName (local), UPN or displayName (Entra-only rows). */
  name: z.string(),
  externalId: z.string().nullable(),
  category: Category,
  reasonCode: ReasonCode,
  reason: z.string(),
  /** Best first; at most MAX_CANDIDATES (main/reconcile). */
  candidates: z.array(Candidate).readonly(),
  drift: z.array(Drift).readonly(),
  local: LocalSummary.nullable(),
  entra: EntraSummary.nullable(),
  /**
   * The Entra object this record stands for, as far as the comparison can tell: the one
   * it rightly holds (linked, orphan, or a shared claim it agrees with) or the one a fix
   * would link it to (an unambiguous best candidate). null when there is none, when the
   * candidates tie, and on notProvisioned rows. An in-scope Entra object that no row
   * represents is what "never provisioned" means.
   */
  represents: z.string().nullable(),
});
export type ReportRow = z.infer<typeof ReportRow>;

/** How many rows fall in each category, for one kind. */
export const CategoryCounts = z.object({
  linked: z.number().int(),
  mismatch: z.number().int(),
  unlinked: z.number().int(),
  notProvisioned: z.number().int(),
  orphan: z.number().int(),
  duplicate: z.number().int(),
});
export type CategoryCounts = z.infer<typeof CategoryCounts>;

/** What was compared with what. */
export const CompareSource = z.object({
  entra: z.enum(['graph', 'csv']),
  entraFetchedAt: z.string(),
  tenantId: z.string().nullable(),
  localTakenAt: z.string(),
  scopeKnown: z.boolean(),
});

/** A whole comparison: the report's header and its rows, users first. */
export const CompareReport = z.object({
  generatedAt: z.string(),
  source: CompareSource,
  /** false for a kind the Entra snapshot cannot speak about (groups from a CSV import); it then has no rows. */
  compared: z.object({ User: z.boolean(), Group: z.boolean() }),
  notes: z.array(z.string()).readonly(),
  counts: z.object({ User: CategoryCounts, Group: CategoryCounts }),
  rows: z.array(ReportRow).readonly(),
});
export type CompareReport = z.infer<typeof CompareReport>;
