import { z } from 'zod';
import { guidString } from '../guid';
import { TunnelStateView } from './reach-schemas';
import { ExportFailure } from './export-schemas';

/** The shapes the admin contract's methods take and return (views of the directory, the token, the sync log, the settings, the Overview). */

export const isoTime = z.string();
export const nonEmpty = (label: string, max = 256) =>
  z
    .string()
    .trim()
    .min(1, `${label} is required`)
    .max(max, `${label} is at most ${max} characters`);

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
  /** `reachability`: the tunnel's events and the checks from outside; `export`: scheduled exports' runs; `delivery`: webhook subscriptions paused (none are requests). */
  operation: z.enum(['create', 'get', 'list', 'replace', 'patch', 'delete', 'search', 'discovery', 'refused', 'readOnly', 'unknown', 'reachability', 'export', 'delivery']).optional(),
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

export const pageInput = {
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

export const listInput = z.object({
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

export const listOutput = z.object({ total: z.number().int(), startIndex: z.number().int(), items: z.array(ResourceRow) });

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

/**
 * Whether provisioning is paused by an administrator (the tray or the Overview): while paused the SCIM
 * endpoint answers every authenticated request with 503 and Retry-After and writes nothing. A pause
 * survives a restart; it ends only when an administrator resumes.
 */
export const ProvisioningState = z.object({
  paused: z.boolean(),
  /** When the pause began; null while provisioning runs. */
  since: isoTime.nullable(),
  /** Who paused it, as the audit trail names them; null while provisioning runs. */
  by: z.string().nullable(),
  /** The Retry-After, in seconds, that SCIM answers while paused. */
  retryAfterSeconds: z.number().int(),
});
export type ProvisioningState = z.infer<typeof ProvisioningState>;

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
  /** Provisioning paused by an administrator, or running. */
  provisioning: ProvisioningState,
  /**
   * The public URL Entra is given (a reverse proxy or tunnel), and when a check from outside last
   * reached ScimDesk through it; null until such a check passed for this URL.
   */
  publicUrl: z.object({ url: z.string(), verifiedAt: isoTime.nullable() }).nullable(),
  /**
   * Whether Entra can reach the Tenant URL: the tunnel (null when none is set up), and the last check
   * from outside through the Tenant URL now given (null before the first), with what failed.
   */
  reachability: z.object({
    tunnel: TunnelStateView.nullable(),
    check: z
      .object({
        at: isoTime,
        passed: z.boolean(),
        from: z.enum(['internet', 'network']),
        failures: z.array(z.object({ title: z.string(), summary: z.string(), fix: z.string().nullable() })),
      })
      .nullable(),
  }),
  /** The HTTPS certificate the endpoint serves: its end, and whether it is self-signed (Entra refuses those). */
  certificate: z.object({ subject: z.string(), validTo: isoTime, daysLeft: z.number().int(), selfSigned: z.boolean() }).nullable(),
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
  /** Scheduled exports whose last run failed (each is retried): the Overview says which and why. */
  exports: z.object({ failing: z.array(ExportFailure) }),
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
