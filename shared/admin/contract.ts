import { z } from 'zod';
import {
  AppSummary,
  ConnectionReport,
  FixBatchView,
  FixPlanView,
  GraphConnectInput,
  GraphSettingsView,
  ProvisioningJob,
  ProvisioningLogEntry,
  ReportRow,
  ReportSummary,
  ResetScope,
  SnapshotSummary,
  Category,
} from './entra-schemas';
import { guidString } from '../guid';

/**
 * The admin API contract: every method and event the UI uses, defined once.
 * The serve mode exposes it over loopback HTTP under /admin/api, the Electron
 * shell over IPC; the renderer's typed client is derived from this object and
 * cannot tell which transport carries it. Imports nothing Node-, DOM- or
 * Electron-specific.
 */

const isoTime = z.string();
const nonEmpty = (label: string, max = 256) =>
  z
    .string()
    .trim()
    .min(1, `${label} is required`)
    .max(max, `${label} is at most ${max} characters`);

// ---------------------------------------------------------------- shared shapes

export const TokenInfo = z.object({
  hint: z.string(),
  created: isoTime,
  expires: isoTime.nullable(),
  lastUsed: isoTime.nullable(),
  revoked: isoTime.nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

export const DeletePolicy = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('hard') }),
  z.object({
    mode: z.literal('retain'),
    days: z.number().int('days must be a whole number').min(1, 'Keep deleted records at least 1 day').max(3650, 'At most 3650 days'),
  }),
]);
export type DeletePolicy = z.infer<typeof DeletePolicy>;

export const DirectorySettings = z.object({
  name: nonEmpty('Name', 120),
  description: z.string().max(1000, 'Description is at most 1000 characters'),
  /** On active=false Entra's soft delete keeps the user, marked inactive; the only sane choice, shown for clarity. */
  onInactive: z.literal('suspend'),
  onDelete: DeletePolicy,
  /**
   * A user or group created or changed through SCIM with an Object ID (externalId) that another
   * record of its kind already holds: refused with 409 uniqueness (the default: two records with one
   * objectId make Entra match the wrong one), or accepted. Admin edits and fix batches always refuse.
   */
  duplicateExternalIds: z.enum(['refuse', 'allow']),
});
export type DirectorySettings = z.infer<typeof DirectorySettings>;

export const SyncLogEntry = z.object({
  seq: z.number().int(),
  time: isoTime,
  requestId: z.string(),
  method: z.string(),
  path: z.string(),
  operation: z.string(),
  resourceType: z.enum(['User', 'Group']).nullable(),
  resourceId: z.string().nullable(),
  userName: z.string().nullable(),
  externalId: z.string().nullable(),
  displayName: z.string().nullable(),
  status: z.number().int(),
  durationMs: z.number(),
  scimType: z.string().nullable(),
  error: z.string().nullable(),
  client: z.string().nullable(),
  /** The ADSCIMVersion header Entra's provisioning service sends; null from other clients (and before ScimDesk recorded it). */
  adscimVersion: z.string().nullable(),
  /**
   * How many requests the row stands for: refused requests (a missing or wrong token) from one
   * address are summed up, the first of a minute as it came and the rest of it in one row. Absent is 1.
   */
  count: z.number().int().min(1).optional(),
  /** The last of the requests a summed-up row stands for (`time` is the first); null for a single request. */
  lastTime: isoTime.nullable().optional(),
});
export type SyncLogEntry = z.infer<typeof SyncLogEntry>;

export const SyncLogDetail = SyncLogEntry.extend({
  /** Sanitised request (query, body with secrets redacted), normalised operations, Entra quirk notes. */
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type SyncLogDetail = z.infer<typeof SyncLogDetail>;

export const SyncLogFilter = z.object({
  since: isoTime.optional(),
  until: isoTime.optional(),
  operation: z.enum(['create', 'get', 'list', 'replace', 'patch', 'delete', 'search', 'discovery', 'refused', 'unknown']).optional(),
  /** `error` is any 4xx or 5xx. */
  outcome: z.enum(['success', 'error', 'clientError', 'serverError']).optional(),
  /** Matches userName, externalId, displayName or resource id. */
  text: z.string().max(256).optional(),
  resourceId: z.string().max(128).optional(),
  /** `entra`: requests that carry Entra's ADSCIMVersion header; `other`: every other client. */
  client: z.enum(['entra', 'other']).optional(),
});
export type SyncLogFilter = z.infer<typeof SyncLogFilter>;

export const AuditEntry = z.object({
  seq: z.number().int(),
  time: isoTime,
  actor: z.string(),
  action: z.string(),
  resourceType: z.enum(['User', 'Group']).nullable(),
  resourceId: z.string().nullable(),
  summary: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

const pageInput = {
  startIndex: z.number().int().min(1).default(1),
  count: z.number().int().min(1).max(500).default(50),
};

export const ResourceRow = z.object({
  id: z.string(),
  /** userName for users, displayName for groups. */
  name: z.string(),
  displayName: z.string().nullable(),
  externalId: z.string().nullable(),
  active: z.boolean().nullable(),
  email: z.string().nullable(),
  memberCount: z.number().int().nullable(),
  lastModified: isoTime,
});
export type ResourceRow = z.infer<typeof ResourceRow>;

const listInput = z.object({
  ...pageInput,
  /**
   * Free text: any part of a user name, display name or email address (a group's display name), three
   * characters or more; one or two match from the start of those; an externalId or id in full.
   */
  search: z.string().trim().max(256).optional(),
  /** A SCIM filter, for admins who know the grammar; combined with `search` by `and`. */
  filter: z.string().max(2000).optional(),
  sortBy: z.enum(['name', 'displayName', 'externalId', 'lastModified', 'created']).default('name'),
  sortOrder: z.enum(['ascending', 'descending']).default('ascending'),
});

const listOutput = z.object({ total: z.number().int(), startIndex: z.number().int(), items: z.array(ResourceRow) });

export const GroupMembership = z.object({ id: z.string(), displayName: z.string(), type: z.enum(['direct', 'indirect']) });

export const MemberRow = z.object({
  id: z.string(),
  type: z.enum(['User', 'Group']),
  display: z.string().nullable(),
  /** userName for user members (display names repeat), null for groups. */
  userName: z.string().nullable(),
});

/**
 * A member a client added before any user or group had that id: kept, not shown to SCIM, and made a
 * member the moment a user or group with that id (or that Object ID as externalId) is created.
 */
export const PendingMemberRow = z.object({
  id: z.string(),
  /** The type the client gave, if any. */
  type: z.enum(['User', 'Group']).nullable(),
  display: z.string().nullable(),
  /** When it was first added. */
  since: isoTime,
});
export type PendingMemberRow = z.infer<typeof PendingMemberRow>;

/** Entra objectIds are GUIDs; anything else in externalId means Entra maps it from another attribute. */
export const ObjectId = guidString('An Entra Object ID is a GUID such as 0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef');

export const ExtensionAttribute = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'Attribute names start with a letter and use letters, digits, _ or - (at most 64)'),
  type: z.enum(['string', 'boolean', 'integer', 'decimal', 'dateTime', 'reference']),
  multiValued: z.boolean().default(false),
  required: z.boolean().default(false),
  caseExact: z.boolean().default(false),
  description: z.string().max(500).default(''),
});
export type ExtensionAttribute = z.infer<typeof ExtensionAttribute>;

export const ExtensionSchema = z.object({
  urn: z
    .string()
    .trim()
    .regex(/^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[A-Za-z0-9()+,\-.:=@;$_!*'%/?#]+$/, 'A schema URN looks like urn:ietf:params:scim:schemas:extension:acme:2.0:Role')
    .refine((urn) => !/:(core|extension:enterprise):2\.0:(User|Group)$/.test(urn), 'The core and enterprise schemas are built in'),
  resourceType: z.enum(['User', 'Group']),
  name: nonEmpty('Name', 120),
  description: z.string().max(1000).default(''),
  attributes: z
    .array(ExtensionAttribute)
    .min(1, 'An extension needs at least one attribute')
    .max(100)
    .refine((attributes) => new Set(attributes.map((a) => a.name.toLowerCase())).size === attributes.length, 'Attribute names must be unique'),
});
export type ExtensionSchema = z.infer<typeof ExtensionSchema>;

export const Retention = z.object({
  maxAgeDays: z.number().int().min(1, 'Keep the sync log at least 1 day').max(3650),
  maxRows: z.number().int().min(1000, 'Keep at least 1,000 entries').max(10_000_000),
});
export type Retention = z.infer<typeof Retention>;

export const EndpointSettings = z.object({
  host: z
    .string()
    .trim()
    .min(1)
    .regex(/^(localhost|[0-9.]+|[0-9a-fA-F:]+|[A-Za-z0-9.-]+)$/, 'Use an IP address such as 127.0.0.1 or 0.0.0.0, or a host name'),
  port: z.number().int().min(1, 'Port 1–65535').max(65535, 'Port 1–65535'),
  /** The https URL Entra uses when a reverse proxy or tunnel is in front; empty for none. */
  publicUrl: z
    .string()
    .trim()
    .refine((url) => url === '' || /^https?:\/\/[^\s/]+(\/[^\s]*)?$/i.test(url), 'A public URL looks like https://scim.example.com'),
});
export type EndpointSettings = z.infer<typeof EndpointSettings>;

export const CertificateInfo = z.object({
  subject: z.string(),
  issuer: z.string(),
  validFrom: isoTime,
  validTo: isoTime,
  fingerprint256: z.string(),
});
export type CertificateInfo = z.infer<typeof CertificateInfo>;

export const SettingsView = z.object({
  endpoint: EndpointSettings,
  /** Where the endpoint listens right now (a change applies at once; this shows the outcome). */
  listening: z.object({ url: z.string(), host: z.string(), port: z.number().int(), https: z.boolean() }).nullable(),
  certificate: CertificateInfo.nullable(),
  retention: Retention,
  dataDir: z.string(),
  /** Where secrets (certificate passphrase, Graph secret) are kept, in words. */
  secretStore: z.string(),
});
export type SettingsView = z.infer<typeof SettingsView>;

/** A count toward one of the at-once quarantine reasons, and whether a later request of Entra's succeeded. */
const QuarantineSign = z.object({ count: z.number().int(), last: isoTime.nullable(), open: z.boolean() });

/** Entra's requests in a window measured against Microsoft's quarantine rules (main/core/quarantine.ts). */
export const QuarantineAssessment = z.object({
  since: isoTime,
  windowHours: z.number(),
  /** `met`: Entra's rules for quarantine hold; `watch`: halfway to a threshold; `clear`: neither. */
  level: z.enum(['clear', 'watch', 'met']),
  /** Requests that carried Entra's ADSCIMVersion header. */
  entraRequests: z.number().int(),
  /** Provisioning events: writes to users and groups, and reads that failed. */
  operations: z.number().int(),
  /** Failed events counted toward the 40 % and 40,000 thresholds. */
  failures: z.number().int(),
  /** Failed updates of group members or a manager: only the 60,000 total counts them. */
  referenceFailures: z.number().int(),
  failureRate: z.number().nullable(),
  refusedCredentials: QuarantineSign,
  notFoundQueries: QuarantineSign,
  lastSuccess: isoTime.nullable(),
  rules: z.object({
    evaluationMinimum: z.number().int(),
    failureRateAbove: z.number(),
    failuresAbove: z.number().int(),
    allFailuresAbove: z.number().int(),
    retryHours: z.array(z.number()),
    retryDays: z.number().int(),
  }),
  /** How many more failures until Entra starts evaluating, passes the count threshold, passes the total. */
  toEvaluation: z.number().int(),
  toFailureCount: z.number().int(),
  toAllFailures: z.number().int(),
  met: z.object({
    refusedCredentials: z.boolean(),
    notFoundQueries: z.boolean(),
    failureRate: z.boolean(),
    failureCount: z.boolean(),
    allFailures: z.boolean(),
  }),
});
export type QuarantineAssessment = z.infer<typeof QuarantineAssessment>;

/** `entra`: a request with Entra's ADSCIMVersion header; `other`: a client without it; `unknown`: seen before ScimDesk recorded it. */
export const SeenFrom = z.enum(['entra', 'other', 'unknown']);
export type SeenFrom = z.infer<typeof SeenFrom>;

export const Overview = z.object({
  scimUrl: z.string().nullable(),
  endpoint: z.object({ listening: z.boolean(), https: z.boolean(), host: z.string(), port: z.number().int() }),
  directory: DirectorySettings,
  token: TokenInfo.nullable(),
  counts: z.object({ users: z.number().int(), activeUsers: z.number().int(), groups: z.number().int() }),
  lastActivity: isoTime.nullable(),
  /** Every client's requests in the last 24 hours. */
  last24h: z.object({
    requests: z.number().int(),
    errors: z.number().int(),
    since: isoTime,
  }),
  /** Entra's own requests against Microsoft's quarantine rules. */
  quarantine: QuarantineAssessment,
  /**
   * The public URL Entra is given (a reverse proxy or tunnel), and when a check from outside last
   * reached ScimDesk through it; null until such a check passed for this URL.
   */
  publicUrl: z.object({ url: z.string(), verifiedAt: isoTime.nullable() }).nullable(),
  /**
   * What the sync log shows of the vendor guides' setup steps, so the checklist ticks itself: for each
   * step, who it was seen from. Only `entra` (the ADSCIMVersion header) ticks a step.
   */
  /**
   * The data folder's disk: free space against what ScimDesk needs (`low` below it), what the
   * database, its WAL and the log files take, and whether the log files are being written.
   */
  storage: z.object({
    folder: z.string(),
    freeBytes: z.number().nullable(),
    neededBytes: z.number(),
    low: z.boolean(),
    databaseBytes: z.number(),
    walBytes: z.number(),
    logBytes: z.number(),
    /** null when the service keeps no log files. `failing`: the last write failed (a full disk), and lines wait in memory. */
    logFiles: z
      .object({
        failing: z.boolean(),
        lastError: z.object({ code: z.string(), message: z.string(), time: isoTime }).nullable(),
        dropped: z.number().int(),
      })
      .nullable(),
  }),
  setup: z.object({
    tokenGenerated: z.boolean(),
    tokenUsed: z.boolean(),
    connected: SeenFrom.nullable(),
    testConnection: SeenFrom.nullable(),
    schemaDiscovery: SeenFrom.nullable(),
    provisioned: SeenFrom.nullable(),
    usersProvisioned: z.boolean(),
    groupsProvisioned: z.boolean(),
  }),
});
export type Overview = z.infer<typeof Overview>;

// ---------------------------------------------------------------- methods

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, description: string) {
  return { input, output, description };
}

const empty = z.object({}).strict();
const byId = z.object({ id: nonEmpty('id', 128) }).strict();

export const adminMethods = {
  'overview.get': method(empty, Overview, 'Tenant URL, endpoint and token state, counts, recent activity and the setup checklist.'),

  'directory.get': method(empty, DirectorySettings, 'The SCIM directory: name, description, deprovision policy, duplicate Object IDs.'),
  'directory.update': method(DirectorySettings.strict(), DirectorySettings, 'Saves the directory settings.'),

  'token.status': method(empty, z.object({ current: TokenInfo.nullable(), history: z.array(TokenInfo) }), 'The active token (masked) and earlier ones.'),
  'token.generate': method(
    z
      .object({
        lifetimeDays: z.number().int('Whole days only').min(0, 'Use 0 for a token that never expires').max(3650, 'At most 3650 days'),
      })
      .strict(),
    z.object({ token: z.string(), info: TokenInfo }),
    'Generates a new token, shown once; every earlier token stops working at once.',
  ),
  'token.revoke': method(empty, z.object({ revoked: z.number().int() }), 'Revokes every active token: SCIM answers 401 until a new one is generated.'),

  'users.list': method(listInput.strict(), listOutput, 'Users, a page at a time, searched and sorted by the store.'),
  'users.get': method(
    byId,
    z.object({
      resource: z.record(z.string(), z.unknown()),
      groups: z.array(GroupMembership),
      /** The enterprise manager, resolved: `found` false when no user here has that id. */
      manager: z.object({ id: z.string(), userName: z.string().nullable(), displayName: z.string().nullable(), found: z.boolean() }).nullable(),
      history: z.array(SyncLogEntry),
      audit: z.array(AuditEntry),
    }),
    'One user: its SCIM representation, groups, sync history and audit trail.',
  ),
  'users.setExternalId': method(
    z
      .object({
        id: nonEmpty('id', 128),
        /** null clears the link (the record is then unlinked from Entra). */
        externalId: ObjectId.nullable(),
        reason: z.string().trim().max(500).default(''),
      })
      .strict(),
    z.object({ resource: z.record(z.string(), z.unknown()), audit: AuditEntry }),
    'Sets the "Object ID in Entra" (externalId) of one user, with an audit entry.',
  ),

  'groups.list': method(listInput.strict(), listOutput, 'Groups, a page at a time.'),
  'groups.get': method(
    byId,
    z.object({ resource: z.record(z.string(), z.unknown()), history: z.array(SyncLogEntry), audit: z.array(AuditEntry) }),
    'One group (without its member list: see groups.members).',
  ),
  'groups.members': method(
    z.object({ id: nonEmpty('id', 128), ...pageInput }).strict(),
    z.object({
      total: z.number().int(),
      startIndex: z.number().int(),
      items: z.array(MemberRow),
      /** Pending members, oldest first (at most 500; pendingTotal counts them all). */
      pending: z.array(PendingMemberRow),
      pendingTotal: z.number().int(),
    }),
    'Members of a group, a page at a time, and the members it is still waiting for.',
  ),
  'groups.setExternalId': method(
    z.object({ id: nonEmpty('id', 128), externalId: ObjectId.nullable(), reason: z.string().trim().max(500).default('') }).strict(),
    z.object({ resource: z.record(z.string(), z.unknown()), audit: AuditEntry }),
    'Sets the "Object ID in Entra" (externalId) of one group, with an audit entry.',
  ),

  'syncLog.query': method(
    SyncLogFilter.extend({
      beforeSeq: z.number().int().optional(),
      limit: z.number().int().min(1).max(1000).default(100),
    }).strict(),
    z.object({ items: z.array(SyncLogEntry), nextBeforeSeq: z.number().int().nullable() }),
    'Sync log entries, newest first, with a cursor for the next page.',
  ),
  'syncLog.entry': method(z.object({ seq: z.number().int() }).strict(), SyncLogDetail, 'One entry with its request detail.'),
  'syncLog.exportCsv': method(
    SyncLogFilter.extend({ limit: z.number().int().min(1).max(200_000).default(50_000) }).strict(),
    z.object({ csv: z.string(), rows: z.number().int(), truncated: z.boolean() }),
    'The filtered sync log as CSV.',
  ),

  'audit.list': method(
    z.object({ beforeSeq: z.number().int().optional(), limit: z.number().int().min(1).max(500).default(100) }).strict(),
    z.object({ items: z.array(AuditEntry) }),
    'Changes made by administrators, newest first.',
  ),

  'settings.get': method(empty, SettingsView, 'Endpoint, certificate, retention, data folder.'),
  'settings.updateEndpoint': method(EndpointSettings.strict(), SettingsView, 'Moves the SCIM endpoint to a new address/port (applied at once).'),
  'settings.updateRetention': method(Retention.strict(), SettingsView, 'Sync-log retention by age and row count.'),
  'settings.setCertificate': method(
    z
      .object({
        /** The PFX/PKCS#12 file, base64. */
        pfxBase64: z.string().min(1, 'Choose a .pfx file').max(200_000, 'The .pfx file is larger than 150 KB'),
        passphrase: z.string().max(1024),
      })
      .strict(),
    SettingsView,
    'Serves SCIM over HTTPS with this certificate (PFX + passphrase).',
  ),
  'settings.clearCertificate': method(empty, SettingsView, 'Back to plain HTTP (for use behind a TLS-terminating proxy or tunnel).'),

  'extensions.list': method(empty, z.object({ items: z.array(ExtensionSchema) }), 'Admin-defined extension schemas.'),
  'extensions.save': method(ExtensionSchema.strict(), z.object({ items: z.array(ExtensionSchema) }), 'Adds or replaces an extension schema.'),
  'extensions.delete': method(z.object({ urn: z.string().min(1) }).strict(), z.object({ items: z.array(ExtensionSchema) }), 'Removes an extension schema (stored values stay in the records).'),

  // ---- Compare with Microsoft Graph and fix identifiers (issue: Compare & Fix)

  'graph.get': method(empty, GraphSettingsView, 'The Graph connection (never its secret), where secrets are kept, the clouds.'),
  'graph.connect': method(GraphConnectInput, GraphSettingsView, 'Saves the Graph connection; a secret or certificate given here goes to the secret store.'),
  'graph.disconnect': method(empty, GraphSettingsView, 'Forgets the connection and removes its secret from the secret store.'),
  'graph.test': method(empty, ConnectionReport, 'Signs in and checks each permission, naming what is missing and how to grant it.'),
  'graph.findApps': method(
    z.object({ query: z.string().trim().min(1, 'Type part of the enterprise application name, or its Application ID').max(200) }).strict(),
    z.object({ items: z.array(AppSummary) }),
    'Enterprise applications (service principals) by name or Application ID.',
  ),
  'graph.fetch': method(
    empty,
    z.object({ jobId: z.string() }),
    'Starts fetching users, groups and the application scope from Graph; progress arrives as job.progress events.',
  ),
  'graph.fetchStatus': method(
    empty,
    z.object({
      running: z.array(z.object({ jobId: z.string(), startedAt: isoTime, phase: z.string(), done: z.number(), total: z.number().nullable(), message: z.string() })),
    }),
    'Fetches still running (after a reload the UI finds its progress bar again).',
  ),
  'graph.cancel': method(z.object({ jobId: z.string().min(1) }).strict(), z.object({ cancelled: z.boolean() }), 'Cancels a running fetch.'),
  'graph.importCsv': method(
    z.object({ csv: z.string().min(1, 'The file is empty').max(200_000_000), fileName: z.string().max(260).default('users.csv') }).strict(),
    SnapshotSummary,
    'Imports the users CSV the Entra admin center exports, for a comparison without Graph permissions.',
  ),
  'graph.snapshots': method(
    empty,
    z.object({ items: z.array(SnapshotSummary), /** How many ScimDesk keeps; older ones are removed. */ kept: z.number().int() }),
    'Snapshots kept on disk, newest first.',
  ),

  'compare.run': method(z.object({ snapshotId: z.string().min(1) }).strict(), ReportSummary, 'Compares the local records with a snapshot (no Graph call).'),
  'compare.latest': method(empty, ReportSummary.nullable(), 'The most recent report, if any.'),
  'compare.rows': method(
    z
      .object({
        reportId: z.string().min(1),
        kind: z.enum(['User', 'Group']).default('User'),
        category: Category.optional(),
        /** Matches name, externalId, objectId, candidate UPNs. */
        search: z.string().trim().max(256).optional(),
        onlyDrift: z.boolean().default(false),
        startIndex: z.number().int().min(1).default(1),
        count: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
    z.object({ total: z.number().int(), startIndex: z.number().int(), items: z.array(ReportRow) }),
    'Report rows, filtered and paged on the server.',
  ),
  'compare.exportCsv': method(z.object({ reportId: z.string().min(1) }).strict(), z.object({ csv: z.string(), rows: z.number().int() }), 'The report as CSV.'),

  'fix.preview': method(
    z
      .object({
        reportId: z.string().min(1),
        /** localIds whose medium/low-confidence link (e.g. mail alone) the admin approved. */
        approve: z.array(z.string()).max(200_000).default([]),
        /** localIds to act on; absent = every proposable row. */
        include: z.array(z.string()).max(200_000).optional(),
      })
      .strict(),
    FixPlanView,
    'Builds the fix plan: every change it would make, what it refuses and why, what needs approval.',
  ),
  'fix.apply': method(
    z.object({ planId: z.string().min(1) }).strict(),
    FixBatchView,
    'Applies a previewed plan in one transaction with an audit entry per record (all or nothing).',
  ),
  'fix.batches': method(empty, z.object({ items: z.array(FixBatchView) }), 'Applied fixes, newest first.'),
  'fix.undo': method(z.object({ batchId: z.string().min(1) }).strict(), FixBatchView, 'Reverts a whole fix batch (refused if a record changed since).'),

  'entra.jobs': method(empty, z.object({ servicePrincipalId: z.string(), items: z.array(ProvisioningJob) }), "The enterprise application's provisioning jobs."),
  'entra.restartJob': method(
    z
      .object({
        jobId: z.string().min(1),
        resetScope: z.array(ResetScope).min(1).max(7),
        /** Required for the scopes that wipe Entra's saved identifiers or force deletions. */
        insist: z.boolean().default(false),
      })
      .strict(),
    z.object({ resetScope: z.string() }),
    'Restarts the provisioning job with the chosen reset scope.',
  ),
  'entra.provisionOnDemand': method(
    z.object({ jobId: z.string().min(1), userObjectId: guidString('The Entra Object ID of the user, a GUID') }).strict(),
    z.object({
      status: z.string(),
      errorCode: z.string().nullable(),
      reason: z.string().nullable(),
      explanation: z.object({ code: z.string(), meaning: z.string(), fix: z.string(), retriedByEntra: z.boolean() }).nullable(),
      steps: z.array(z.object({ name: z.string(), status: z.string(), description: z.string() })),
      targetId: z.string().nullable(),
    }),
    'Provisions one user now, and reports each step.',
  ),
  'entra.provisioningLogs': method(
    z
      .object({
        /** The Entra user; or a local user whose externalId names one. */
        userObjectId: z.string().optional(),
        localUserId: z.string().optional(),
        top: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
    z.object({ items: z.array(ProvisioningLogEntry), local: z.array(SyncLogEntry) }),
    "Entra's provisioning logs for this application (error codes explained), beside ScimDesk's sync log for the same user.",
  ),
  'entra.rotateToken': method(
    z
      .object({
        /** How long the old token keeps working after the new one is in Entra. */
        overlapMinutes: z.number().int().min(0).max(10_080).default(60),
        lifetimeDays: z.number().int().min(0).max(3650).default(0),
      })
      .strict(),
    z.object({ info: TokenInfo, pushedTo: z.string(), validated: z.boolean(), oldTokensExpire: isoTime.nullable() }),
    'Generates a new SCIM token, puts it into the enterprise application through Graph, validates it, and retires the old one after the overlap.',
  ),
} as const;

export type AdminMethods = typeof adminMethods;
export type MethodName = keyof AdminMethods;
export type MethodInput<M extends MethodName> = z.input<AdminMethods[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<AdminMethods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<AdminMethods[M]['output']>;

export const METHOD_NAMES = Object.keys(adminMethods) as MethodName[];

// ---------------------------------------------------------------- results and errors

export const ERROR_CODES = ['invalidInput', 'notFound', 'conflict', 'unauthorized', 'forbidden', 'unavailable', 'internal'] as const;
export type AdminErrorCode = (typeof ERROR_CODES)[number];

export interface AdminError {
  readonly code: AdminErrorCode;
  readonly message: string;
  /** For invalidInput: which field, and what is wrong with it. */
  readonly issues?: ReadonlyArray<{ readonly path: string; readonly message: string }>;
}

/** Every call's result. Plain data, because Electron drops custom error fields across `invoke`. */
export type AdminResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: AdminError };

// ---------------------------------------------------------------- events

export const adminEvents = {
  /** New sync-log entries (the live tail). */
  'syncLog.appended': z.object({ items: z.array(SyncLogEntry) }),
  /** Progress of a long job (Graph fetch, comparison, fixes). */
  'job.progress': z.object({
    jobId: z.string(),
    kind: z.string(),
    phase: z.string(),
    done: z.number(),
    total: z.number().nullable(),
    message: z.string(),
    finished: z.boolean(),
    /** When finished: what the job produced (e.g. a snapshot id), or why it failed or was cancelled. */
    resultId: z.string().nullable(),
    error: z.string().nullable(),
    cancelled: z.boolean(),
  }),
  /** Something on the Overview changed (counts, token, endpoint). */
  'overview.changed': z.object({}),
} as const;

export type AdminEvents = typeof adminEvents;
export type EventName = keyof AdminEvents;
export type EventPayload<E extends EventName> = z.output<AdminEvents[E]>;
export const EVENT_NAMES = Object.keys(adminEvents) as EventName[];

/** The transport-neutral shape both the preload bridge and the HTTP client provide. */
export interface AdminTransport {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<AdminResult<MethodOutput<M>>>;
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
