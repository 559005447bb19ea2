import { z } from 'zod';

/**
 * Scheduled exports (issue 15): users, groups and memberships written as files to a folder, for
 * on-premises systems that import files. One schedule writes one file per kind it exports, on a
 * schedule and/or after each Entra cycle; the admin screen lists them with their last run.
 */

const isoTime = z.string();

/** The sync log's operation for an export run: ScimDesk's own work, never counted as a request. */
export const EXPORT_OPERATION = 'export';

/** What one file holds. */
export const ExportKind = z.enum(['users', 'groups', 'memberships']);
export type ExportKind = z.infer<typeof ExportKind>;

/** CSV (Excel-safe, the columns chosen), JSON (one array of whole records), or NDJSON (one record a line). */
export const ExportFormat = z.enum(['csv', 'json', 'ndjson']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/** Between the values of a multi-valued attribute in one CSV cell (`a@x.com|b@x.com`). */
export const MULTI_VALUE_SEPARATOR = '|';

const column = z.string().trim().min(1).max(400);
const columnList = z.array(column).max(200, 'At most 200 columns');

/** When a schedule runs on the clock: every N minutes, or daily at HH:MM in the machine's local time. */
export const ExportTiming = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('interval'), minutes: z.number().int('Whole minutes').min(1, 'At least every minute').max(10_080, 'At most every 7 days (10,080 minutes)') }).strict(),
  z.object({ kind: z.literal('daily'), at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'A time of day as HH:MM, e.g. 02:30') }).strict(),
]);
export type ExportTiming = z.infer<typeof ExportTiming>;

/** A schedule as the admin saves it (no id: a new one). */
export const ExportScheduleInput = z
  .object({
    id: z.string().min(1).max(64).optional(),
    name: z.string().trim().min(1, 'Name is required').max(100, 'Name is at most 100 characters'),
    kinds: z.array(ExportKind).min(1, 'Choose at least one of users, groups or memberships').max(3),
    format: ExportFormat,
    /** The CSV columns per kind, in order (SCIM attribute paths; the memberships' own names); empty: the defaults. */
    columns: z.object({ users: columnList, groups: columnList, memberships: columnList }).strict(),
    /** An absolute path; created when missing. */
    folder: z.string().trim().min(1, 'Folder is required').max(1000, 'The folder path is at most 1000 characters'),
    timing: ExportTiming,
    /** Also after each Entra provisioning cycle (its requests, then a silence). */
    afterCycle: z.boolean(),
    /** How many timestamped files of each kind stay in the folder. */
    keep: z.number().int('A whole number').min(1, 'Keep at least 1 file').max(1000, 'Keep at most 1000 files'),
    /** Also `users-latest.csv` (and so on), replaced atomically on each run. */
    latestCopy: z.boolean(),
    enabled: z.boolean(),
  })
  .strict()
  .refine((s) => s.timing.kind !== 'none' || s.afterCycle || !s.enabled, {
    message: 'Choose when it runs: every N minutes, daily at a time, or after each Entra cycle',
    path: ['timing'],
  });
export type ExportScheduleInput = z.infer<typeof ExportScheduleInput>;

export const ExportSchedule = z.object({
  id: z.string(),
  name: z.string(),
  kinds: z.array(ExportKind),
  format: ExportFormat,
  columns: z.object({ users: z.array(z.string()), groups: z.array(z.string()), memberships: z.array(z.string()) }),
  folder: z.string(),
  timing: ExportTiming,
  afterCycle: z.boolean(),
  keep: z.number().int(),
  latestCopy: z.boolean(),
  enabled: z.boolean(),
  created: isoTime,
});
export type ExportSchedule = z.infer<typeof ExportSchedule>;

/** One run of a schedule: what started it, what it wrote, and how it ended. */
export const ExportRun = z.object({
  id: z.string(),
  scheduleId: z.string(),
  trigger: z.enum(['manual', 'timer', 'cycle', 'retry']),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  status: z.enum(['running', 'ok', 'failed']),
  files: z.array(z.object({ kind: ExportKind, name: z.string(), rows: z.number().int() })),
  rows: z.number().int(),
  durationMs: z.number().int(),
  /** Why it failed, in plain words (the folder, the disk, the permission). */
  error: z.string().nullable(),
});
export type ExportRun = z.infer<typeof ExportRun>;

export const ExportScheduleView = ExportSchedule.extend({
  lastRun: ExportRun.nullable(),
  /** When the clock runs it next (after-cycle runs come on their own); null when it has no timing or is off. */
  nextRunAt: isoTime.nullable(),
  /** A run in progress: rows written so far, of how many (null while unknown). */
  progress: z.object({ done: z.number().int(), total: z.number().int().nullable() }).nullable(),
});
export type ExportScheduleView = z.infer<typeof ExportScheduleView>;

/** The columns a CSV may hold for each kind, in the order the chooser offers them, and the defaults. */
export const ExportColumnChoices = z.object({
  available: z.object({ users: z.array(z.string()), groups: z.array(z.string()), memberships: z.array(z.string()) }),
  defaults: z.object({ users: z.array(z.string()), groups: z.array(z.string()), memberships: z.array(z.string()) }),
  separator: z.string(),
});
export type ExportColumnChoices = z.infer<typeof ExportColumnChoices>;

export const ExportList = z.object({ items: z.array(ExportScheduleView), columns: ExportColumnChoices });
export type ExportList = z.infer<typeof ExportList>;

/** A schedule whose last run failed, for the Overview's line. */
export const ExportFailure = z.object({ id: z.string(), name: z.string(), at: isoTime, error: z.string() });
export type ExportFailure = z.infer<typeof ExportFailure>;
