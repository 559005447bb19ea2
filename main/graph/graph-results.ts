/**
 * What the Graph layer hands to the rest of the app: results in plain shapes, never Graph's wire
 * types (graph-types.ts), so callers above main/graph depend on these alone.
 */
import type { CertificateInfo } from './certificate-pem';
import type { EntraErrorExplanation } from './entra-error-codes';
import type { GraphCloud } from './graph-config';
import type { TokenFailure } from './graph-errors';
import type { GraphPermission, GraphPermissionName } from './graph-permissions';
import type { GraphGroup, GraphUser } from './graph-types';

export interface PermissionCheck {
  readonly permission: GraphPermissionName;
  readonly neededFor: string;
  readonly feature: GraphPermission['feature'];
  /** The role in the token that grants it (itself or a higher one), or null. */
  readonly grantedBy: string | null;
  /** What a harmless request needing it returned: accepted, denied (403), not run, or failed otherwise. */
  readonly probe: 'accepted' | 'denied' | 'notRun' | 'error';
  /**
   * granted: in the token and accepted; missing: not granted (needs consent);
   * refused: in the token but Graph still said 403 (e.g. a licence the tenant lacks);
   * unconfirmed: in the token, probe failed for another reason.
   */
  readonly status: 'granted' | 'missing' | 'refused' | 'unconfirmed';
  /** The exact admin-consent step when not granted. */
  readonly consentStep: string | null;
  readonly detail: string | null;
}

export interface ConnectionReport {
  readonly tenantId: string;
  readonly cloud: GraphCloud;
  readonly authorityHost: string;
  readonly graphBaseUrl: string;
  readonly token:
    | { readonly ok: true; readonly expiresOn: string; readonly roles: ReadonlyArray<string>; readonly tokenTenantId: string | null; readonly appDisplayName: string | null }
    | ({ readonly ok: false } & TokenFailure);
  readonly certificate: CertificateInfo | null;
  readonly permissions: ReadonlyArray<PermissionCheck>;
  /** The configured enterprise application, when `appId` is set. */
  readonly enterpriseApp: { readonly found: true; readonly servicePrincipal: ServicePrincipalSummary; readonly jobs: number | null } | { readonly found: false; readonly appId: string; readonly detail: string } | null;
  /** Token acquired and every permission Compare needs granted. */
  readonly canCompare: boolean;
  readonly canManageJobs: boolean;
  readonly canReadLogs: boolean;
}

export interface ServicePrincipalSummary {
  readonly id: string;
  readonly appId: string;
  readonly displayName: string;
  readonly servicePrincipalType: string | null;
}

export type FetchPhase = 'users' | 'groups' | 'assignments' | 'members' | 'done';

export interface FetchProgress {
  readonly phase: FetchPhase;
  /** Objects fetched so far, all phases together. */
  readonly objects: number;
  /** Pages fetched so far. */
  readonly pages: number;
  /** Times Graph throttled (429/503/504) and the client waited before retrying. */
  readonly throttles: number;
  /** Objects in the current phase as Graph counted them (`@odata.count`), when known. */
  readonly phaseTotal: number | null;
  readonly phaseObjects: number;
}

export interface FetchSnapshotOptions {
  /** The enterprise application whose assignments are the scope; none → scope null. */
  readonly servicePrincipalId?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FetchProgress) => void;
}

/**
 * How the caller keeps each Graph object: mapped as its page arrives, so a tenant of 100,000 users is
 * held once, in the caller's own shape (Graph wire types stay in this folder).
 */
export interface DirectoryMappers<U, G> {
  readonly user: (user: GraphUser) => U;
  readonly group: (group: GraphGroup) => G;
}

/** Users, groups and the application's scope as read from Graph, each object in the caller's shape. */
export interface DirectoryRead<U, G> {
  readonly fetchedAt: string;
  readonly source: 'graph';
  readonly tenantId: string;
  readonly users: ReadonlyArray<U>;
  readonly groups: ReadonlyArray<G>;
  /** null without an enterprise application (the scope is then unknown). */
  readonly scope: { readonly userIds: ReadonlyArray<string>; readonly groupIds: ReadonlyArray<string> } | null;
}

export interface ProvisioningJob {
  readonly id: string;
  readonly templateId: string;
  readonly status: string | null;
  readonly scheduleState: string | null;
  readonly interval: string | null;
  readonly lastRun: { readonly state: string | null; readonly began: string | null; readonly ended: string | null; readonly error: string | null } | null;
  readonly quarantine: { readonly reason: string | null; readonly since: string | null; readonly nextAttempt: string | null; readonly error: string | null } | null;
}

export interface OnDemandResult {
  readonly status: string;
  readonly errorCode: string | null;
  readonly reason: string | null;
  readonly explanation: EntraErrorExplanation | null;
  readonly steps: ReadonlyArray<{ readonly name: string; readonly status: string; readonly description: string }>;
  readonly targetId: string | null;
}

export interface ProvisioningLogEntry {
  readonly id: string;
  readonly at: string;
  readonly action: string | null;
  readonly status: string | null;
  readonly errorCode: string | null;
  readonly reason: string | null;
  readonly recommendedAction: string | null;
  readonly explanation: EntraErrorExplanation | null;
  readonly sourceId: string | null;
  readonly sourceName: string | null;
  readonly targetId: string | null;
  readonly targetName: string | null;
  readonly jobId: string | null;
  readonly cycleId: string | null;
  readonly changeId: string | null;
  readonly durationMs: number | null;
}

/** One Graph request as the optional log sees it: method, path and status only, never bodies or tokens. */
export interface GraphLogEvent {
  readonly method: string;
  readonly path: string;
  readonly status: number | 'error';
  readonly durationMs: number;
}

export interface GraphServiceOptions {
  readonly log?: (event: GraphLogEvent) => void;
  readonly now?: () => Date;
}

// ---- the service ------------------------------------------------------------
