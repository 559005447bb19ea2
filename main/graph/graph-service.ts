import type { AccessToken, TokenCredential } from '@azure/identity';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { SecretStore } from '../lib/secret-store';
import { isGuid } from '../../shared/guid';
import { createGraphClient, type GraphClientBundle } from './create-graph-client';
import { resolveGraphEndpoints, type GraphCloud, type GraphConnection } from './graph-config';
import { abortError, explainTokenError, GraphRequestError } from './graph-errors';
import { graphCall, graphPages, odataString, q, type GraphCallOptions } from './graph-paging';
import { consentStep, GRAPH_PERMISSIONS, grantingRole, type GraphPermission, type GraphPermissionName } from './graph-permissions';
import type {
  GraphAppRoleAssignment,
  GraphCollection,
  GraphDirectoryObject,
  GraphGroup,
  GraphProvisioningObjectSummary,
  GraphProvisionOnDemandBody,
  GraphServicePrincipal,
  GraphStringKeyStringValuePair,
  GraphSynchronizationJob,
  GraphSynchronizationSchema,
  GraphSynchronizationSecretsBody,
  GraphUser,
} from './graph-types';
import type {
  ConnectionReport,
  DirectoryMappers,
  DirectoryRead,
  FetchPhase,
  FetchSnapshotOptions,
  GraphLogEvent,
  GraphServiceOptions,
  OnDemandResult,
  PermissionCheck,
  ProvisioningJob,
  ProvisioningLogEntry,
  ServicePrincipalSummary,
} from './graph-results';
import { toResetScope, type ResetScope } from './reset-scope';
import { decodeClaims, toOnDemandResult, toProvisioningJob, toProvisioningLogEntry, toServicePrincipalSummary } from './to-graph-results';

/** `$select` for users: exactly what the comparison reads. */
export const USER_SELECT = 'id,userPrincipalName,mail,mailNickname,displayName,accountEnabled,employeeId';
export const GROUP_SELECT = 'id,displayName,mailNickname,mail';
const SP_SELECT = 'id,appId,displayName,servicePrincipalType,tags';
/** Graph's largest page for directory objects. */
export const PAGE_SIZE = 999;
const NO_SUCH_OBJECT = '00000000-0000-0000-0000-000000000000';
/** `$count=true` is an advanced query: Graph wants this header on every page, nextLinks included. */
const COUNT_HEADERS = { ConsistencyLevel: 'eventual' } as const;

/**
 * Everything ScimDesk does with Microsoft Graph, app-only: test the connection,
 * find the enterprise application, fetch a snapshot for Compare, act on the
 * provisioning job, read provisioning logs and push a new SCIM token.
 */
export class GraphService {
  private readonly client: Client;
  private readonly credential: TokenCredential;
  private readonly log: (event: GraphLogEvent) => void;
  private readonly now: () => Date;

  constructor(
    readonly connection: GraphConnection,
    private readonly bundle: GraphClientBundle,
    options: GraphServiceOptions = {},
  ) {
    this.client = bundle.client;
    this.credential = bundle.credential;
    this.log = options.log ?? (() => {});
    this.now = options.now ?? (() => new Date());
  }

  /** Builds the client from the connection and its secrets (throws when a secret is missing or a certificate unreadable). */
  static async connect(connection: GraphConnection, secrets: SecretStore, options: GraphServiceOptions = {}): Promise<GraphService> {
    return new GraphService(connection, await createGraphClient(connection, secrets), options);
  }

  // -- Test connection --

  /**
   * Token first (with the AADSTS code explained), then each permission on its
   * own: read from the token's `roles`, confirmed by a harmless request that
   * needs it, each missing one with its admin-consent step.
   */
  async testConnection(): Promise<ConnectionReport> {
    const endpoints = this.bundle.endpoints;
    const base = {
      tenantId: this.connection.tenantId,
      cloud: endpoints.cloud,
      authorityHost: endpoints.authorityHost,
      graphBaseUrl: endpoints.graphBaseUrl,
      certificate: this.bundle.certificate,
    };
    let token: AccessToken | null;
    try {
      token = await this.credential.getToken(endpoints.scope);
    } catch (error) {
      return { ...base, token: { ok: false, ...explainTokenError(error) }, permissions: [], enterpriseApp: null, canCompare: false, canManageJobs: false, canReadLogs: false };
    }
    if (!token) {
      const failure = explainTokenError(new Error('The credential returned no token.'));
      return { ...base, token: { ok: false, ...failure }, permissions: [], enterpriseApp: null, canCompare: false, canManageJobs: false, canReadLogs: false };
    }
    const claims = decodeClaims(token.token);
    const roles = Array.isArray(claims.roles) ? claims.roles.map(String) : [];
    const tokenTenantId = typeof claims.tid === 'string' ? claims.tid : null;

    // The app's own service principal gives its display name for the consent steps.
    const own = await this.probe(`/servicePrincipals?$filter=${q(`appId eq ${odataString(this.connection.clientId)}`)}&$select=${SP_SELECT}&$top=1`);
    const ownSp = own.ok ? (own.body as GraphCollection<GraphServicePrincipal>).value[0] : undefined;
    const appDisplayName = ownSp?.displayName ?? (typeof claims.app_displayname === 'string' ? claims.app_displayname : null);
    const appName = appDisplayName ?? `the app registration with client ID ${this.connection.clientId}`;
    const tenantName = this.connection.tenantId;

    // The configured enterprise application (scope, jobs), when there is one.
    let enterpriseApp: ConnectionReport['enterpriseApp'] = null;
    let enterpriseSp: ServicePrincipalSummary | null = null;
    if (this.connection.appId) {
      try {
        enterpriseSp = await this.resolveServicePrincipal(this.connection.appId);
        enterpriseApp = enterpriseSp
          ? { found: true, servicePrincipal: enterpriseSp, jobs: null }
          : { found: false, appId: this.connection.appId, detail: 'No enterprise application with this application ID or object ID exists in the tenant.' };
      } catch (error) {
        enterpriseApp = { found: false, appId: this.connection.appId, detail: error instanceof Error ? error.message : String(error) };
      }
    }

    const groups = await this.probe(`/groups?$select=id&$top=1`);
    const firstGroupId = groups.ok ? (groups.body as GraphCollection<GraphGroup>).value[0]?.id : undefined;
    const jobs = await this.probe(`/servicePrincipals/${enterpriseSp?.id ?? NO_SUCH_OBJECT}/synchronization/jobs`);
    if (enterpriseApp?.found && jobs.ok) {
      enterpriseApp = { ...enterpriseApp, jobs: (jobs.body as GraphCollection<GraphSynchronizationJob>).value.length };
    }
    const probes: Record<GraphPermissionName, ProbeResult> = {
      'User.Read.All': await this.probe(`/users?$select=id&$top=1`),
      'Group.Read.All': groups,
      'GroupMember.Read.All': await this.probe(`/groups/${firstGroupId ?? NO_SUCH_OBJECT}/transitiveMembers?$select=id&$top=1`),
      'Application.Read.All': own,
      // Listing jobs needs Synchronization.Read.All or ReadWrite.All; ScimDesk cannot probe a write harmlessly.
      'Synchronization.ReadWrite.All': jobs,
      'AuditLog.Read.All': await this.probe(`/auditLogs/provisioning?$top=1`),
    };

    const permissions = GRAPH_PERMISSIONS.map((permission): PermissionCheck => {
      const grantedBy = grantingRole(permission, roles);
      const result = probes[permission.name];
      // A 404 on a probe of an object that does not exist still passed the permission check.
      const probe: PermissionCheck['probe'] = result.ok || result.status === 404 ? 'accepted' : result.status === 403 ? 'denied' : 'error';
      let status: PermissionCheck['status'];
      let detail: string | null = null;
      if (probe === 'accepted') {
        status = 'granted';
        if (!grantedBy) detail = `Graph accepted the request although the token has no ${permission.name} role.`;
      } else if (probe === 'denied') {
        status = grantedBy ? 'refused' : 'missing';
        if (grantedBy) {
          detail =
            permission.name === 'AuditLog.Read.All'
              ? `The token has ${grantedBy} but Graph refused: provisioning logs also need a Microsoft Entra ID P1 or P2 licence in the tenant, and Microsoft documents Directory.Read.All alongside AuditLog.Read.All. Graph said: ${result.message}`
              : `The token has ${grantedBy} but Graph refused: ${result.message}`;
        }
      } else {
        status = grantedBy ? 'unconfirmed' : 'missing';
        detail = `The check request failed: ${result.message}`;
      }
      return {
        permission: permission.name,
        neededFor: permission.neededFor,
        feature: permission.feature,
        grantedBy,
        probe,
        status,
        consentStep: status === 'granted' || status === 'unconfirmed' ? null : consentStep(permission.name, appName, tenantName),
        detail,
      };
    });
    const ok = (feature: GraphPermission['feature']) => permissions.filter((p) => p.feature === feature).every((p) => p.status === 'granted' || p.status === 'unconfirmed');
    return {
      ...base,
      token: { ok: true, expiresOn: new Date(token.expiresOnTimestamp).toISOString(), roles, tokenTenantId, appDisplayName },
      permissions,
      enterpriseApp,
      canCompare: ok('compare'),
      canManageJobs: ok('jobs'),
      canReadLogs: ok('logs'),
    };
  }

  // -- Enterprise application --

  /** Enterprise applications by application ID, object ID, or display name (prefix, case-insensitive). */
  async findServicePrincipals(query: string, options: GraphCallOptions = {}): Promise<ServicePrincipalSummary[]> {
    const text = query.trim();
    if (!text) return [];
    if (isGuid(text)) {
      const found = await this.resolveServicePrincipal(text, options);
      return found ? [found] : [];
    }
    const filter = `startswith(displayName,${odataString(text)})`;
    const page = await this.get<GraphCollection<GraphServicePrincipal>>(`/servicePrincipals?$filter=${q(filter)}&$select=${SP_SELECT}&$top=50`, options);
    return page.value.map(toServicePrincipalSummary);
  }

  /** The service principal whose appId (or object id) this is, or null. */
  async resolveServicePrincipal(appIdOrId: string, options: GraphCallOptions = {}): Promise<ServicePrincipalSummary | null> {
    const page = await this.get<GraphCollection<GraphServicePrincipal>>(`/servicePrincipals?$filter=${q(`appId eq ${odataString(appIdOrId)}`)}&$select=${SP_SELECT}&$top=1`, options);
    const byAppId = page.value[0];
    if (byAppId) return toServicePrincipalSummary(byAppId);
    try {
      return toServicePrincipalSummary(await this.get<GraphServicePrincipal>(`/servicePrincipals/${q(appIdOrId)}?$select=${SP_SELECT}`, options));
    } catch (error) {
      if (error instanceof GraphRequestError && error.status === 404) return null;
      throw error;
    }
  }

  // -- Snapshot for Compare --

  /**
   * Users and groups (`$select`, `$top=999`, every `@odata.nextLink`), and with an
   * enterprise application its assignments as the scope: assigned users, plus the
   * direct user members of assigned groups (Entra does not follow nested groups). Throttling is waited out by the
   * Graph client's retry handler and counted; `signal` stops at the next page
   * (or the current one) and rejects with an AbortError.
   */
  async fetchSnapshot<U, G>(map: DirectoryMappers<U, G>, options: FetchSnapshotOptions = {}): Promise<DirectoryRead<U, G>> {
    const { signal, onProgress } = options;
    let objects = 0;
    let pages = 0;
    let throttles = 0;
    let phase: FetchPhase = 'users';
    let phaseTotal: number | null = null;
    let phaseObjects = 0;
    const report = () => onProgress?.({ phase, objects, pages, throttles, phaseTotal, phaseObjects });
    const call: GraphCallOptions = {
      ...(signal ? { signal } : {}),
      onThrottle: () => {
        throttles += 1;
        report();
      },
    };
    const counted: GraphCallOptions = { ...call, headers: COUNT_HEADERS };
    const startPhase = (next: FetchPhase) => {
      phase = next;
      phaseTotal = null;
      phaseObjects = 0;
      report();
    };
    const tookPage = <T>(page: GraphCollection<T>) => {
      pages += 1;
      objects += page.value.length;
      phaseObjects += page.value.length;
      if (typeof page['@odata.count'] === 'number') phaseTotal = page['@odata.count'];
      report();
    };

    startPhase('users');
    const users: U[] = [];
    for await (const page of graphPages<GraphUser>(this.client, `/users?$select=${USER_SELECT}&$top=${PAGE_SIZE}&$count=true`, counted)) {
      for (const user of page.value) users.push(map.user(user));
      tookPage(page);
    }

    startPhase('groups');
    const groups: G[] = [];
    for await (const page of graphPages<GraphGroup>(this.client, `/groups?$select=${GROUP_SELECT}&$top=${PAGE_SIZE}&$count=true`, counted)) {
      for (const group of page.value) groups.push(map.group(group));
      tookPage(page);
    }

    let scope: DirectoryRead<U, G>['scope'] = null;
    if (options.servicePrincipalId) {
      startPhase('assignments');
      const userIds = new Set<string>();
      const groupIds: string[] = [];
      for await (const page of graphPages<GraphAppRoleAssignment>(this.client, `/servicePrincipals/${q(options.servicePrincipalId)}/appRoleAssignedTo?$top=${PAGE_SIZE}`, call)) {
        for (const assignment of page.value) {
          if (assignment.principalType === 'User') userIds.add(assignment.principalId);
          else if (assignment.principalType === 'Group' && !groupIds.includes(assignment.principalId)) groupIds.push(assignment.principalId);
        }
        tookPage(page);
      }
      startPhase('members');
      // Entra's provisioning scope takes the DIRECT members of an assigned group: group-based assignment
      // does not extend to nested groups, so their members are never provisioned through it.
      for (const groupId of groupIds) {
        const path = `/groups/${q(groupId)}/members/microsoft.graph.user?$select=id&$top=${PAGE_SIZE}`;
        for await (const page of graphPages<GraphDirectoryObject>(this.client, path, call)) {
          for (const member of page.value) userIds.add(member.id);
          tookPage(page);
        }
      }
      scope = { userIds: [...userIds], groupIds };
    }
    if (signal?.aborted) throw abortError();
    startPhase('done');
    return {
      fetchedAt: this.now().toISOString(),
      source: 'graph',
      tenantId: this.connection.tenantId,
      users,
      groups,
      scope,
    };
  }

  // -- Provisioning job --

  async listJobs(servicePrincipalId: string, options: GraphCallOptions = {}): Promise<ProvisioningJob[]> {
    const page = await this.get<GraphCollection<GraphSynchronizationJob>>(`/servicePrincipals/${q(servicePrincipalId)}/synchronization/jobs`, options);
    return page.value.map(toProvisioningJob);
  }

  /** The job's synchronization rule ids (provisionOnDemand needs one; a SCIM app has one outbound user rule). */
  async listRuleIds(servicePrincipalId: string, jobId: string, options: GraphCallOptions = {}): Promise<string[]> {
    const schema = await this.get<GraphSynchronizationSchema>(`/servicePrincipals/${q(servicePrincipalId)}/synchronization/jobs/${q(jobId)}/schema`, options);
    return schema.synchronizationRules.map((rule) => rule.id);
  }

  /**
   * The job's whole synchronization schema (object mappings, attribute mappings with their source
   * expressions, matching precedence, scoping filters), handed to the caller's reader: its wire
   * shape stays here, the reader keeps what it needs.
   */
  async readSynchronizationSchema<T>(servicePrincipalId: string, jobId: string, read: (schema: unknown) => T, options: GraphCallOptions = {}): Promise<T> {
    return read(await this.get<unknown>(`/servicePrincipals/${q(servicePrincipalId)}/synchronization/jobs/${q(jobId)}/schema`, options));
  }

  /**
   * Restarts the provisioning job with Graph's reset scopes. Scopes that wipe the
   * connector data store (and ForceDeletes) are refused with a
   * ResetScopeRefusedError unless `{ insist: true }`.
   */
  async restartJob(servicePrincipalId: string, jobId: string, resetScope: ReadonlyArray<ResetScope | string>, options: { readonly insist?: boolean } & GraphCallOptions = {}): Promise<{ readonly resetScope: string }> {
    const scope = toResetScope(resetScope, options);
    await this.send('POST', `/servicePrincipals/${q(servicePrincipalId)}/synchronization/jobs/${q(jobId)}/restart`, { criteria: { resetScope: scope } }, options);
    return { resetScope: scope };
  }

  /** Provisions one user now (Entra's rate limit: 5 requests per 10 seconds). */
  async provisionOnDemand(servicePrincipalId: string, jobId: string, ruleId: string, userObjectId: string, options: GraphCallOptions = {}): Promise<OnDemandResult> {
    const body: GraphProvisionOnDemandBody = { parameters: [{ ruleId, subjects: [{ objectId: userObjectId, objectTypeName: 'User' }] }] };
    const answer = await this.send<GraphStringKeyStringValuePair>('POST', `/servicePrincipals/${q(servicePrincipalId)}/synchronization/jobs/${q(jobId)}/provisionOnDemand`, body, options);
    return toOnDemandResult(answer);
  }

  /** Entra's provisioning logs for an enterprise application, newest first, optionally for one user. */
  async provisioningLogs(query: { readonly servicePrincipalId: string; readonly userObjectId?: string; readonly top?: number } & GraphCallOptions): Promise<ProvisioningLogEntry[]> {
    const clauses = [`servicePrincipal/id eq ${odataString(query.servicePrincipalId)}`];
    if (query.userObjectId) clauses.push(`sourceIdentity/id eq ${odataString(query.userObjectId)}`);
    const top = Math.max(1, Math.min(query.top ?? 50, 500));
    const page = await this.get<GraphCollection<GraphProvisioningObjectSummary>>(`/auditLogs/provisioning?$filter=${q(clauses.join(' and '))}&$top=${top}`, query);
    return page.value.map(toProvisioningLogEntry);
  }

  /**
   * Writes ScimDesk's Tenant URL and a SCIM token into the enterprise
   * application's provisioning credentials (synchronization secrets BaseAddress
   * and SecretToken). The token goes only into the request body: it is never
   * logged, and errors never echo it. Graph replaces the saved credentials with
   * these two keys.
   */
  async pushScimToken(servicePrincipalId: string, tenantUrl: string, secretToken: string, options: GraphCallOptions = {}): Promise<void> {
    let url: URL;
    try {
      url = new URL(tenantUrl);
    } catch {
      throw new Error('The Tenant URL is not a URL.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('The Tenant URL must be an http(s) address.');
    if (!secretToken) throw new Error('The SCIM token is empty.');
    const body: GraphSynchronizationSecretsBody = {
      value: [
        { key: 'BaseAddress', value: tenantUrl },
        { key: 'SecretToken', value: secretToken },
      ],
    };
    await this.send('PUT', `/servicePrincipals/${q(servicePrincipalId)}/synchronization/secrets`, body, options);
  }

  // -- plumbing --

  private async get<T>(path: string, options: GraphCallOptions): Promise<T> {
    return this.timed('GET', path, () => graphCall(this.client, path, options, (request) => request.get() as Promise<T>));
  }

  private async send<T = unknown>(method: 'POST' | 'PUT', path: string, body: unknown, options: GraphCallOptions): Promise<T> {
    return this.timed(method, path, () =>
      graphCall(this.client, path, options, (request) => (method === 'POST' ? request.post(body) : request.put(body)) as Promise<T>),
    );
  }

  private async timed<T>(method: string, path: string, run: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      const result = await run();
      this.log({ method, path: path.split('?')[0]!, status: 200, durationMs: Date.now() - started });
      return result;
    } catch (error) {
      this.log({ method, path: path.split('?')[0]!, status: error instanceof GraphRequestError ? error.status : 'error', durationMs: Date.now() - started });
      throw error;
    }
  }

  private async probe(path: string): Promise<ProbeResult> {
    try {
      return { ok: true, status: 200, body: await this.get<unknown>(path, {}), message: '' };
    } catch (error) {
      if (error instanceof GraphRequestError) return { ok: false, status: error.status, body: null, message: `${error.code}: ${error.message}` };
      return { ok: false, status: 0, body: null, message: error instanceof Error ? error.message : String(error) };
    }
  }
}

interface ProbeResult {
  readonly ok: boolean;
  readonly status: number;
  readonly body: unknown;
  readonly message: string;
}

/**
 * Test connection for a saved connection, including the failures that happen
 * before any request (missing secret, unreadable certificate, bad tenant ID):
 * those come back as a failed token step, never as an exception.
 */
export async function testGraphConnection(connection: GraphConnection, secrets: SecretStore, options: GraphServiceOptions = {}): Promise<ConnectionReport> {
  let service: GraphService;
  try {
    service = await GraphService.connect(connection, secrets, options);
  } catch (error) {
    let endpoints: { cloud: GraphCloud; authorityHost: string; graphBaseUrl: string };
    try {
      endpoints = resolveGraphEndpoints(connection);
    } catch {
      endpoints = { cloud: connection.cloud, authorityHost: connection.authorityHost ?? '', graphBaseUrl: connection.graphBaseUrl ?? '' };
    }
    const message = error instanceof Error ? error.message : String(error);
    return {
      tenantId: connection.tenantId,
      cloud: endpoints.cloud,
      authorityHost: endpoints.authorityHost,
      graphBaseUrl: endpoints.graphBaseUrl,
      token: { ok: false, code: error instanceof Error ? error.name : null, message, problem: 'The connection settings are incomplete or invalid.', advice: message },
      certificate: null,
      permissions: [],
      enterpriseApp: null,
      canCompare: false,
      canManageJobs: false,
      canReadLogs: false,
    };
  }
  return service.testConnection();
}
