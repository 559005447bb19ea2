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
import {
  OutsideCheckView,
  ReachabilityView,
  ReachCheckInput,
  ReachConfigureInput,
  TestCertificateInput,
  TunnelStateView,
} from './reach-schemas';
import { AttributeRule, MappingView, PresetId, SetupSheet } from './mapping-schemas';
import { SupportBundleInput, SupportBundleOutput } from './support-schemas';
import {
  DeletedRecordView,
  RestoreDeletedInput,
  RestoredRecordView,
  SnapshotCompareView,
  SnapshotExportInput,
  SnapshotExportView,
  SnapshotId,
  SnapshotListView,
  SnapshotRestoreView,
  SnapshotView,
  TakeSnapshotInput,
} from './recovery-schemas';
import { AuthSettingsInput, AuthStatus, ConfigureFederationInput, CreateClientInput, FederationView, IssuedClientView, OAuthClientView, RotateClientInput } from './auth-schemas';
import { ExportList, ExportRun, ExportScheduleInput, ExportScheduleView } from './export-schemas';
import {
  DeliveryAttemptView,
  DeliveryLogInput,
  DeliveryView,
  IssueCredentialInput,
  ReadCredentialView,
  ReplayInput,
  RevokeCredentialInput,
  SubscribeInput,
  SubscriptionIdInput,
  SubscriptionView,
} from './delivery-schemas';
import {
  AuditEntry,
  DirectorySettings,
  EndpointSettings,
  ExtensionSchema,
  GroupMembership,
  MemberRow,
  ObjectId,
  Overview,
  PendingMemberRow,
  ProvisioningState,
  Retention,
  SettingsView,
  SyncLogDetail,
  SyncLogEntry,
  SyncLogFilter,
  TokenInfo,
  isoTime,
  listInput,
  listOutput,
  nonEmpty,
  pageInput,
} from './admin-shapes';
import { ApproveResult, BreakerSettings, BreakerView, HeldOperationView, HeldSelection, RejectResult } from './breaker-schemas';

/**
 * The admin API contract: every method and event the UI uses, defined once.
 * The serve mode exposes it over loopback HTTP under /admin/api, the Electron
 * shell over IPC; the renderer's typed client is derived from this object and
 * cannot tell which transport carries it. Imports nothing Node-, DOM- or
 * Electron-specific.
 */

export * from './admin-shapes';
export * from './support-schemas';
export * from './recovery-schemas';
export * from './breaker-schemas';
export * from './auth-schemas';
export * from './export-schemas';
export * from './delivery-schemas';

// ---------------------------------------------------------------- methods

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, description: string) {
  return { input, output, description };
}

const empty = z.object({}).strict();
const byId = z.object({ id: nonEmpty('id', 128) }).strict();

export const adminMethods = {
  'overview.get': method(empty, Overview, 'Tenant URL, endpoint and token state, counts, recent activity and the setup checklist.'),

  'provisioning.pause': method(
    empty,
    ProvisioningState,
    'Pauses provisioning: SCIM answers every request with 503 and Retry-After, and writes nothing, until an administrator resumes (a restart keeps the pause).',
  ),
  'provisioning.resume': method(empty, ProvisioningState, 'Resumes provisioning: SCIM answers again at once; Entra retries what failed in its later cycles.'),

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
  'settings.createTestCertificate': method(
    TestCertificateInput,
    SettingsView,
    'Creates a self-signed certificate for testing and serves HTTPS with it (Entra refuses self-signed certificates).',
  ),

  // ---- Reachability: a tunnel for a public Tenant URL, and the check from outside (issue 12)

  'reach.get': method(empty, ReachabilityView, 'The reachability provider and its settings (secrets masked), the tunnel state and the last check from outside.'),
  'reach.configure': method(ReachConfigureInput, ReachabilityView, 'Saves the provider (secrets to the secret store) and starts, restarts or stops the tunnel.'),
  'reach.reconnect': method(empty, ReachabilityView, 'Tries the tunnel again now (after a failure, or to start over).'),
  'reach.check': method(ReachCheckInput, OutsideCheckView, 'Calls the Tenant URL as Entra’s Test Connection does and reports DNS, connection, certificate, token and answer.'),

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

  // ---- Attribute mappings and provisioning diagnostics (issue 13)

  'mapping.view': method(
    empty,
    MappingView,
    'Every SCIM attribute stored here with its local field, rules, recommended and actual Entra source, what the records show; the diagnostics and the provisioning cycles.',
  ),
  'mapping.choosePreset': method(
    z.object({ preset: PresetId.nullable() }).strict(),
    MappingView,
    "Chooses a vendor preset: adds the extension schemas and rules it needs (null: ScimDesk's own recommendation).",
  ),
  'mapping.saveRules': method(
    z.object({ rules: z.array(AttributeRule).max(500) }).strict(),
    z.object({ rules: z.array(AttributeRule) }),
    'Replaces the per-attribute rules the SCIM endpoint enforces (400 invalidValue naming the attribute).',
  ),
  'mapping.importEntraSchema': method(
    z.object({ json: z.string().min(1, 'Paste the synchronization schema JSON').max(5_000_000) }).strict(),
    MappingView,
    "Keeps Entra's synchronization schema pasted or imported by the admin (GET servicePrincipals/{id}/synchronization/jobs/{jobId}/schema).",
  ),
  'mapping.clearEntraSchema': method(empty, MappingView, "Forgets Entra's synchronization schema (the preset's table is used instead)."),
  'entra.mappingSchema': method(
    z.object({ jobId: z.string().min(1).optional() }).strict(),
    MappingView,
    "Reads the provisioning job's synchronization schema through Graph (the first job when none is named) and keeps it as Entra's side of the mapping.",
  ),
  'mapping.setupSheet': method(empty, SetupSheet, 'The mapping table to enter in Entra for the chosen preset, the Tenant URL and the matching advice, as Markdown and CSV.'),

  // ---- Support bundle (issue 14)

  'support.bundle': method(
    SupportBundleInput,
    SupportBundleOutput,
    'A redacted zip for support: versions, settings, schemas, token fingerprints, diagnostics, comparison counts, storage and the last cycles of the sync log with personal data masked; progress arrives as job.progress events.',
  ),

  // ---- Recycle bin and snapshots (issue 14)

  'recovery.bin': method(empty, z.object({ items: z.array(DeletedRecordView) }), 'Users and groups kept after a DELETE (retain policy), newest deletion first, with when they are purged.'),
  'recovery.restoreDeleted': method(
    RestoreDeletedInput,
    RestoredRecordView,
    'Brings a deleted user or group back under its id, with its memberships in groups that still exist; refused when a live record holds its name or Object ID.',
  ),
  'snapshots.list': method(empty, SnapshotListView, 'Database snapshots, newest first, with their counts; the retention.'),
  'snapshots.take': method(TakeSnapshotInput, SnapshotView, 'Takes a snapshot now (SQLite online backup).'),
  'snapshots.compare': method(z.object({ id: SnapshotId }).strict(), SnapshotCompareView, "A snapshot's users, active users, groups and memberships beside now."),
  'snapshots.restore': method(
    z.object({ id: SnapshotId }).strict(),
    SnapshotRestoreView,
    'Restores users, groups and memberships from a snapshot: provisioning paused meanwhile, a snapshot of the current state taken first.',
  ),
  'snapshots.export': method(SnapshotExportInput, SnapshotExportView, 'Users, groups and memberships of a snapshot (or of now) as CSV files (Excel-safe) or one JSON file.'),
  // ---- Mass-deprovisioning breaker (issue 14)

  'breaker.get': method(empty, BreakerView, 'The breaker: its settings, whether it tripped, how many operations it holds, and the window now.'),
  'breaker.saveSettings': method(BreakerSettings, BreakerView, 'Saves the limit on deactivations and deletes within a window (count, percentage, or both), or turns the breaker off.'),
  'breaker.held': method(empty, z.object({ items: z.array(HeldOperationView) }), 'The deactivations and deletes held by the breaker, oldest first.'),
  'breaker.approve': method(
    HeldSelection,
    ApproveResult,
    'Takes a snapshot, then applies the chosen held operations (all when ids is null) in one transaction; ones whose record changed since are skipped.',
  ),
  'breaker.reject': method(HeldSelection, RejectResult, 'Discards the chosen held operations (all when ids is null); Entra re-sends them if it still means them.'),

  // ---- Authentication: OAuth 2.0 client credentials and workload identity federation (issue 16)

  'auth.status': method(empty, AuthStatus, "The three ways Entra can sign in, the recommended one, the OAuth clients, the federation trust, its last attempt, and Entra's form fields for each."),
  'auth.createClient': method(CreateClientInput, IssuedClientView, 'Creates an OAuth client; its secret is shown once, stored only as a hash.'),
  'auth.rotateClient': method(RotateClientInput, IssuedClientView, "A new secret for a client, shown once; the earlier one keeps working for 7 days (or until its own end)."),
  'auth.revokeClient': method(z.object({ clientId: z.string().min(1).max(100) }).strict(), OAuthClientView, 'Revokes a client: its secrets and live access tokens stop working at once.'),
  'auth.configureFederation': method(ConfigureFederationInput, FederationView, "Trusts Entra's provisioning service for workload identity federation: tenant, cloud, subject and audience."),
  'auth.disableFederation': method(empty, z.object({ disabled: z.boolean() }), 'Stops trusting federation assertions; access tokens issued through it stop working.'),
  'auth.updateSettings': method(AuthSettingsInput, AuthStatus, 'How long access tokens from the token endpoint live.'),
  // ---- Scheduled exports: users, groups and memberships as files for systems that import them (issue 15)

  'exports.list': method(empty, ExportList, 'Export schedules with their last run and next time, and the columns a CSV may hold.'),
  'exports.save': method(
    ExportScheduleInput,
    ExportScheduleView,
    'Adds or replaces an export schedule; the folder is created when missing and must be writable (checked now).',
  ),
  'exports.remove': method(byId, z.object({ removed: z.boolean() }), 'Removes an export schedule (the files it wrote stay).'),
  'exports.runNow': method(byId, ExportRun, 'Runs an export now and answers when it is done; progress arrives as exports.changed events.'),
  'exports.runs': method(byId, z.object({ items: z.array(ExportRun) }), "A schedule's last runs, newest first."),

  // ---- Delivery to the on-premises system: webhooks and read-only credentials (issue 15)

  'delivery.view': method(empty, DeliveryView, 'Webhook subscriptions with their health, the read-only credentials, and where the change outbox stands.'),
  'delivery.subscribe': method(
    SubscribeInput,
    z.object({ subscription: SubscriptionView, secret: z.string() }),
    'Makes a webhook subscription starting at the newest change; the signing secret (generated when not given) is shown this once.',
  ),
  'delivery.pause': method(SubscriptionIdInput, SubscriptionView, 'Stops delivering to a subscription; changes wait in the outbox.'),
  'delivery.resume': method(SubscriptionIdInput, SubscriptionView, 'Resumes a paused subscription where it stopped.'),
  'delivery.remove': method(SubscriptionIdInput, z.object({ removed: z.boolean() }), 'Removes a subscription and its delivery log.'),
  'delivery.replay': method(ReplayInput, SubscriptionView, 'Delivers again every change from a sequence number on, in order, and resumes the subscription.'),
  'delivery.log': method(DeliveryLogInput, z.object({ items: z.array(DeliveryAttemptView) }), "A subscription's delivery log, newest first."),
  'delivery.sendTest': method(SubscriptionIdInput, DeliveryAttemptView, 'Sends a signed test event (no change) at once and says what the receiver answered.'),
  'delivery.issueCredential': method(
    IssueCredentialInput,
    z.object({ credential: z.string(), info: ReadCredentialView }),
    'Issues a read-only credential (SCIM GET and the change feed); shown this once.',
  ),
  'delivery.revokeCredential': method(RevokeCredentialInput, z.object({ revoked: z.boolean() }), 'Revokes a read-only credential at once.'),
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
  /** A webhook subscription was delivered to, failed, or was paused (`paused` names it then, with the error). */
  'delivery.changed': z.object({ paused: z.object({ id: z.string(), url: z.string(), error: z.string() }).nullable() }),
  /** The tunnel's state changed, or a check from outside finished. */
  'reach.changed': z.object({ tunnel: TunnelStateView }),
  /** The breaker tripped, held an operation, or held operations were approved or rejected. */
  'breaker.changed': z.object({ held: z.number().int(), tripped: z.boolean() }),
  /** An export schedule changed, started, progressed or finished a run. */
  'exports.changed': z.object({ schedule: ExportScheduleView }),
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
