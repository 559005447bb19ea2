import { z } from 'zod';

/**
 * The attribute-mapping model and provisioning diagnostics as the admin contract carries them
 * (issue 13): ScimDesk's side of each mapping row, Entra's side when known, what the records and the
 * sync log show, and what is wrong.
 */

export const ResourceType = z.enum(['User', 'Group']);

/** A rule the admin sets on one SCIM attribute; a violation is answered to Entra with 400 invalidValue naming it. */
export const AttributeRule = z.object({
  resourceType: ResourceType,
  /** Entra's spelling of the attribute (`userName`, `emails[type eq "work"].value`, `urn:…:Role:role`). */
  attribute: z.string().trim().min(1).max(300),
  required: z.boolean().default(false),
  maxLength: z.number().int().min(1).max(100_000).nullable().default(null),
  /** A JavaScript regular expression the whole value must match. */
  pattern: z
    .string()
    .max(500)
    .nullable()
    .default(null)
    .refine((pattern) => {
      if (pattern === null) return true;
      try {
        new RegExp(pattern, 'u');
        return true;
      } catch {
        return false;
      }
    }, 'Not a valid regular expression'),
  allowedValues: z.array(z.string().max(300)).max(200).default([]),
});
export type AttributeRule = z.infer<typeof AttributeRule>;

export const PRESET_IDS = ['workflowgen', 'bizagi', 'workato', 'dragonce'] as const;
export const PresetId = z.enum(PRESET_IDS);
export type PresetId = z.infer<typeof PresetId>;

export const PresetSummary = z.object({
  id: PresetId,
  name: z.string(),
  description: z.string(),
  usersOnly: z.boolean(),
});
export type PresetSummary = z.infer<typeof PresetSummary>;

export const ObservedAttribute = z.object({
  /** Records that carry a value now. */
  records: z.number().int(),
  /** When a request last wrote it (from the sync log), or null. */
  lastSeen: z.string().nullable(),
  /** One value, masked (first and last characters). */
  sample: z.string().nullable(),
});
export type ObservedAttribute = z.infer<typeof ObservedAttribute>;

export const MappingRow = z.object({
  resourceType: ResourceType,
  attribute: z.string(),
  schema: z.string(),
  /** Where ScimDesk keeps it. */
  localField: z.string(),
  required: z.boolean(),
  unique: z.boolean(),
  /** Entra should match on it (matching precedence). */
  matching: z.boolean(),
  /** What the chosen preset recommends as Entra's source (an attribute or an expression), or null: leave it unmapped. */
  recommendedSource: z.string().nullable(),
  /** What Entra's schema maps to it (as written), when Entra's mapping is known. */
  entraSource: z.string().nullable(),
  /** entraSource in words. */
  entraSourceText: z.string().nullable(),
  /** Entra's matching precedence for it (1 first), or null. */
  entraMatchingPriority: z.number().int().nullable(),
  rule: AttributeRule.nullable(),
  observed: ObservedAttribute,
  /** Diagnostic codes that concern this row. */
  diagnostics: z.array(z.string()),
});
export type MappingRow = z.infer<typeof MappingRow>;

export const Severity = z.enum(['error', 'warning', 'info']);
export type Severity = z.infer<typeof Severity>;

export const AffectedRecord = z.object({
  resourceType: ResourceType.nullable(),
  /** The local id when the record exists here. */
  id: z.string().nullable(),
  name: z.string(),
  /** The value at fault, masked where it is personal data. */
  value: z.string().nullable(),
  /** The sync-log entry that shows it, when there is one. */
  seq: z.number().int().nullable(),
});
export type AffectedRecord = z.infer<typeof AffectedRecord>;

export const Diagnostic = z.object({
  code: z.string(),
  severity: Severity,
  resourceType: ResourceType.nullable(),
  attribute: z.string().nullable(),
  count: z.number().int(),
  sample: z.array(AffectedRecord),
  message: z.string(),
  fix: z.string(),
});
export type Diagnostic = z.infer<typeof Diagnostic>;

export const CycleError = z.object({ endpoint: z.string(), status: z.number().int(), count: z.number().int() });

export const Cycle = z.object({
  start: z.string(),
  end: z.string(),
  kind: z.enum(['initial', 'incremental']),
  requests: z.number().int(),
  creates: z.number().int(),
  updates: z.number().int(),
  deactivations: z.number().int(),
  deletes: z.number().int(),
  errors: z.array(CycleError),
  failureRate: z.number(),
  firstFailure: z
    .object({ seq: z.number().int(), time: z.string(), method: z.string(), path: z.string(), status: z.number().int(), error: z.string().nullable() })
    .nullable(),
  /** Set when the failures approach what makes Entra quarantine the job. */
  warning: z.string().nullable(),
});
export type Cycle = z.infer<typeof Cycle>;

export const EntraMappingSource = z.enum(['graph', 'imported', 'none']);

export const MappingView = z.object({
  preset: PresetId.nullable(),
  presets: z.array(PresetSummary),
  entra: z.object({ source: EntraMappingSource, fetchedAt: z.string().nullable(), scopingFilters: z.array(z.string()) }),
  rows: z.array(MappingRow),
  rules: z.array(AttributeRule),
  diagnostics: z.array(Diagnostic),
  cycles: z.array(Cycle),
  /** How many records and log rows the diagnostics read, and how long they took: in all, and per phase (records, log, model). */
  read: z.object({
    users: z.number().int(),
    groups: z.number().int(),
    logRows: z.number().int(),
    ms: z.number(),
    phases: z.object({ records: z.number(), log: z.number(), model: z.number() }),
  }),
});
export type MappingView = z.infer<typeof MappingView>;

export const SetupSheet = z.object({
  tenantUrl: z.string(),
  markdown: z.string(),
  csv: z.string(),
});
export type SetupSheet = z.infer<typeof SetupSheet>;
