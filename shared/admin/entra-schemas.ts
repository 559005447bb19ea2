import { z } from 'zod';
import { guidString, isGuid } from '../guid';
import { checkGraphResource } from './graph-resource';
import { FixPlan } from './fix-plan-schemas';
import { CompareReport, ReportKind } from './report-schemas';

/**
 * The admin contract's shapes for Compare & Fix with Microsoft Graph: the
 * connection (never its secrets), the connection test, snapshots, the
 * comparison report, fix plans and the Entra-side job actions.
 */

const isoTime = z.string();
const guid = guidString('Use the GUID shown in the Entra admin center, such as 0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef');

export const GraphCloud = z.enum(['global', 'usgov', 'china', 'custom']);
export type GraphCloud = z.infer<typeof GraphCloud>;

const httpsOrigin = (label: string) =>
  z
    .string()
    .trim()
    .regex(/^https:\/\/[^\s/?#]+\/?$/i, `${label} is an https address such as https://login.example.net`);

/** A custom cloud's token resource: an absolute https URL; null or absent for the default. */
const graphResource = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const checked = checkGraphResource(value);
    if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.problem });
  });

/** What the admin enters to connect; secrets are write-only and kept when left out. */
export const GraphConnectInput = z
  .object({
    tenantId: z
      .string()
      .trim()
      .min(1, 'Directory (tenant) ID is required')
      .refine((value) => isGuid(value) || /^[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/.test(value), 'Directory (tenant) ID is a GUID or a domain such as contoso.onmicrosoft.com'),
    clientId: guid,
    cloud: GraphCloud,
    authorityHost: httpsOrigin('The sign-in host').optional(),
    graphBaseUrl: httpsOrigin('The Graph address').optional(),
    /** Custom cloud only: the resource tokens are asked for (default: Graph's own, see graph-resource.ts). */
    graphResource: graphResource.nullable().optional(),
    /** The enterprise application that provisions into ScimDesk: its Application ID or object ID. */
    appId: z.union([guid, z.literal('')]).optional(),
    auth: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('secret'), clientSecret: z.string().min(1).max(1024).optional() }).strict(),
      z
        .object({
          kind: z.literal('certificate'),
          format: z.enum(['pem', 'pfx']),
          /** PEM text (certificate + private key), or the PFX file as base64. */
          certificate: z.string().min(1).max(200_000).optional(),
          password: z.string().max(1024).optional(),
        })
        .strict(),
    ]),
  })
  .strict()
  .refine((input) => input.cloud !== 'custom' || (input.authorityHost && input.graphBaseUrl), {
    message: 'A custom cloud needs the sign-in host and the Graph address',
    path: ['cloud'],
  });
export type GraphConnectInput = z.infer<typeof GraphConnectInput>;

export const GraphSettingsView = z.object({
  connection: z
    .object({
      tenantId: z.string(),
      clientId: z.string(),
      cloud: GraphCloud,
      authorityHost: z.string().nullable(),
      graphBaseUrl: z.string().nullable(),
      /** The token resource the admin set for a custom cloud; null: the default for its Graph URL. */
      graphResource: z.string().nullable(),
      appId: z.string().nullable(),
      auth: z.enum(['secret', 'certificate']),
      certificateFormat: z.enum(['pem', 'pfx']).nullable(),
    })
    .nullable(),
  /** Whether the credential is stored (its value never leaves the secret store). */
  secretStored: z.boolean(),
  /** Whether a certificate password is stored (certificate authentication only). */
  certificatePasswordStored: z.boolean(),
  secretStore: z.string(),
  clouds: z.array(z.object({ id: GraphCloud, label: z.string(), authorityHost: z.string().nullable(), graphBaseUrl: z.string().nullable() })),
});
export type GraphSettingsView = z.infer<typeof GraphSettingsView>;

export const PermissionCheck = z.object({
  permission: z.string(),
  neededFor: z.string(),
  feature: z.string(),
  grantedBy: z.string().nullable(),
  probe: z.enum(['accepted', 'denied', 'notRun', 'error']),
  status: z.enum(['granted', 'missing', 'refused', 'unconfirmed']),
  consentStep: z.string().nullable(),
  detail: z.string().nullable(),
});

export const ConnectionReport = z.object({
  testedAt: isoTime,
  token: z.object({
    ok: z.boolean(),
    expiresOn: z.string().nullable(),
    roles: z.array(z.string()),
    appDisplayName: z.string().nullable(),
    /** When not ok: what went wrong and what to do, in plain words. */
    problem: z.string().nullable(),
    advice: z.string().nullable(),
    code: z.string().nullable(),
  }),
  certificate: z.object({ subject: z.string(), thumbprint: z.string(), notAfter: z.string() }).nullable(),
  permissions: z.array(PermissionCheck),
  enterpriseApp: z
    .object({ found: z.boolean(), id: z.string().nullable(), appId: z.string().nullable(), displayName: z.string().nullable(), jobs: z.number().nullable(), detail: z.string().nullable() })
    .nullable(),
  canCompare: z.boolean(),
  canManageJobs: z.boolean(),
  canReadLogs: z.boolean(),
});
export type ConnectionReport = z.infer<typeof ConnectionReport>;

export const AppSummary = z.object({ id: z.string(), appId: z.string(), displayName: z.string() });

export const SnapshotSummary = z.object({
  id: z.string(),
  fetchedAt: isoTime,
  source: z.enum(['graph', 'csv']),
  label: z.string(),
  users: z.number().int(),
  groups: z.number().int(),
  scopeKnown: z.boolean(),
});
export type SnapshotSummary = z.infer<typeof SnapshotSummary>;

/** The report's row and categories are defined in report-schemas.ts; the contract takes them from here with the rest. */
export { Category, CategoryCounts, ReportRow } from './report-schemas';

/** A comparison's header (CompareReport without its rows), under the id the admin API keeps it by. */
export const ReportSummary = CompareReport.omit({ rows: true }).extend({
  id: z.string(),
  snapshotId: z.string(),
  /** Rows whose category changed since the previous comparison (whatever its source), when there is one. */
  changedSincePrevious: z.number().int().nullable(),
});
export type ReportSummary = z.infer<typeof ReportSummary>;

/** A fix plan as the admin API shows it: under the report it was built from. */
export const FixPlanView = FixPlan.omit({ reportGeneratedAt: true }).extend({ reportId: z.string() });
export type FixPlanView = z.infer<typeof FixPlanView>;

export const FixBatchView = z.object({
  id: z.string(),
  created: isoTime,
  actor: z.string(),
  summary: z.string(),
  undone: isoTime.nullable(),
  undoneBy: z.string().nullable(),
  changes: z.array(z.object({ resourceType: ReportKind, resourceId: z.string(), name: z.string(), before: z.string().nullable(), after: z.string().nullable(), reason: z.string() })),
});
export type FixBatchView = z.infer<typeof FixBatchView>;

export const ProvisioningJob = z.object({
  id: z.string(),
  templateId: z.string(),
  status: z.string().nullable(),
  scheduleState: z.string().nullable(),
  interval: z.string().nullable(),
  lastRun: z.object({ state: z.string().nullable(), began: z.string().nullable(), ended: z.string().nullable(), error: z.string().nullable() }).nullable(),
  quarantine: z.object({ reason: z.string().nullable(), since: z.string().nullable(), nextAttempt: z.string().nullable(), error: z.string().nullable() }).nullable(),
});

export const ErrorExplanation = z.object({ code: z.string(), meaning: z.string(), fix: z.string(), retriedByEntra: z.boolean() }).nullable();

export const ProvisioningLogEntry = z.object({
  id: z.string(),
  at: isoTime,
  action: z.string().nullable(),
  status: z.string().nullable(),
  errorCode: z.string().nullable(),
  reason: z.string().nullable(),
  recommendedAction: z.string().nullable(),
  explanation: ErrorExplanation,
  sourceId: z.string().nullable(),
  sourceName: z.string().nullable(),
  targetId: z.string().nullable(),
  targetName: z.string().nullable(),
});

/** Reset scopes of a provisioning job restart (Graph synchronizationJobRestartScope). */
export const ResetScope = z.enum(['None', 'Escrows', 'Watermark', 'QuarantineState', 'Full', 'ConnectorDataStore', 'ForceDeletes']);
