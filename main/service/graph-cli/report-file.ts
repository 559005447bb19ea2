import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ReportSummary } from '../../../shared/admin/entra-schemas';
import { Candidate, CategoryCounts, CompareReport, CompareSource, ReportRow, type ReasonCode } from '../../../shared/admin/report-schemas';
import { CommandError, EXIT, type SpellGraph } from './cli-support';

/** The report file `compare --out` writes and `fix --plan` reads: the shared report row, in the file's documented order. */

export const REPORT_FORMAT = 'scimdesk.compare-report';
export const PLAN_FORMAT = 'scimdesk.fix-plan';

// A record of the report file: the shared report row's fields, in the file's documented
// order (the CLI writes them so; --plan-out writes back what it read, in schema order).
// Candidate fields and `represents` were added within version 1: files written before
// them read as unknown (null).
export const candidate = Candidate.shape;
export const CandidateJson = Candidate.pick({
  objectId: true,
  matchedOn: true,
  confidence: true,
  reason: true,
  userPrincipalName: true,
  displayName: true,
  mail: true,
  mailNickname: true,
  accountEnabled: true,
  employeeId: true,
  inScope: true,
  linkedTo: true,
}).extend({
  mail: candidate.mail.default(null),
  mailNickname: candidate.mailNickname.default(null),
  accountEnabled: candidate.accountEnabled.default(null),
  employeeId: candidate.employeeId.default(null),
});

export const field = ReportRow.shape;
export const recordFields = {
  /** ScimDesk's id of the record; null for an Entra object never provisioned. */
  localId: field.localId,
  displayName: z.string().nullable(),
  externalId: field.externalId,
  /** The Entra object the record is about (the one its externalId names, when that exists). */
  objectId: field.objectId,
  /** The Entra object the record stands for (linked to it, or the fix's unambiguous choice). */
  represents: field.represents.default(null),
  category: field.category,
  // Any string, as before the codes were a schema: a file from a later release may know more.
  reasonCode: z.string(),
  reason: field.reason,
  candidates: z.array(CandidateJson).readonly(),
  drift: field.drift,
};

export const UserRecordJson = z.object({ ...recordFields, userName: field.name });
export const GroupRecordJson = z.object({ ...recordFields, displayName: field.name });

/** What `compare --json` prints and `compare --out` writes: documented in the README, stable within a version. */
export const CompareReportJson = z.object({
  format: z.literal(REPORT_FORMAT),
  version: z.literal(1),
  generatedAt: z.string(),
  source: CompareSource.extend({ snapshotId: z.string() }),
  compared: z.object({ users: z.boolean(), groups: z.boolean() }),
  notes: CompareReport.shape.notes,
  counts: z.object({ users: CategoryCounts, groups: CategoryCounts }),
  users: z.array(UserRecordJson).readonly(),
  groups: z.array(GroupRecordJson).readonly(),
});
export type CompareReportJson = z.infer<typeof CompareReportJson>;

/** What `fix --plan-out` writes: the report it was built from, the approvals, and the plan (for review). */
export const FixPlanFileJson = z.object({
  format: z.literal(PLAN_FORMAT),
  version: z.literal(1),
  report: CompareReportJson,
  approve: z.array(z.string()),
  plan: z.unknown(),
});

/** One row as a report record, keys in the documented order. */
export function toRecord(row: ReportRow) {
  return {
    localId: row.localId,
    // For a user never provisioned, userName is the UPN Entra would send as userName.
    ...(row.kind === 'User' ? { userName: row.name } : {}),
    displayName: row.kind === 'Group' ? row.name : (row.local?.displayName ?? row.entra?.displayName ?? null),
    externalId: row.externalId,
    objectId: row.objectId,
    represents: row.represents,
    category: row.category,
    reasonCode: row.reasonCode,
    reason: row.reason,
    candidates: row.candidates.map((c) => ({
      objectId: c.objectId,
      matchedOn: c.matchedOn,
      confidence: c.confidence,
      reason: c.reason,
      userPrincipalName: c.userPrincipalName,
      displayName: c.displayName,
      mail: c.mail,
      mailNickname: c.mailNickname,
      accountEnabled: c.accountEnabled,
      employeeId: c.employeeId,
      inScope: c.inScope,
      linkedTo: c.linkedTo,
    })),
    drift: row.drift.map((d) => ({ attribute: d.attribute, local: d.local, entra: d.entra, note: d.note })),
  };
}

export function toReportJson(summary: ReportSummary, users: ReadonlyArray<ReportRow>, groups: ReadonlyArray<ReportRow>): CompareReportJson {
  return {
    format: REPORT_FORMAT,
    version: 1,
    generatedAt: summary.generatedAt,
    source: { ...summary.source, snapshotId: summary.snapshotId },
    compared: { users: summary.compared.User, groups: summary.compared.Group },
    notes: summary.notes,
    counts: { users: summary.counts.User, groups: summary.counts.Group },
    users: users.map(toRecord) as CompareReportJson['users'],
    groups: groups.map(toRecord) as CompareReportJson['groups'],
  };
}

/** The comparison a report file describes, as buildFixPlan takes it: same rows, same order (users, then groups). */
export function fromReportJson(json: CompareReportJson): CompareReport {
  const row = (kind: 'User' | 'Group', record: CompareReportJson['users'][number] | CompareReportJson['groups'][number], name: string): ReportRow => ({
    kind,
    localId: record.localId,
    objectId: record.objectId,
    name,
    externalId: record.externalId,
    category: record.category,
    reasonCode: record.reasonCode as ReasonCode,
    reason: record.reason,
    candidates: record.candidates,
    drift: record.drift,
    local: null,
    entra: null,
    represents: record.represents,
  });
  const toCounts = (counts: CategoryCounts): CategoryCounts => ({ ...counts });
  return {
    generatedAt: json.generatedAt,
    source: {
      entra: json.source.entra,
      entraFetchedAt: json.source.entraFetchedAt,
      tenantId: json.source.tenantId,
      localTakenAt: json.source.localTakenAt,
      scopeKnown: json.source.scopeKnown,
    },
    compared: { User: json.compared.users, Group: json.compared.groups },
    notes: json.notes,
    counts: { User: toCounts(json.counts.users), Group: toCounts(json.counts.groups) },
    rows: [...json.users.map((r) => row('User', r, r.userName)), ...json.groups.map((r) => row('Group', r, r.displayName))],
  };
}

/** Reads a plan file: a compare report, or a file written by `fix --plan-out` (report and approvals). */
export function readPlanFile(file: string, spell: SpellGraph): { report: CompareReportJson; approve: string[] } {
  if (!existsSync(file)) throw new CommandError(`No plan file ${file}. Write one with \`${spell(`compare --out ${file}`)}\`.`, EXIT.usage);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CommandError(`${file} is not JSON: ${(error as Error).message}`, EXIT.usage);
  }
  const format = (data as { format?: unknown } | null)?.format;
  const schema = format === PLAN_FORMAT ? FixPlanFileJson : CompareReportJson;
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
    throw new CommandError(
      `${file} is not a ScimDesk compare report (written by \`compare --json\` or \`compare --out\`) or plan file (\`fix --plan-out\`): ${problems.join('; ')}`,
      EXIT.usage,
    );
  }
  const value = parsed.data;
  if ('plan' in value) return { report: value.report, approve: [...value.approve] };
  return { report: value as CompareReportJson, approve: [] };
}
