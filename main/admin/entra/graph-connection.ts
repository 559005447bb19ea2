import type { Logger } from 'pino';
import type { ConnectionReport, GraphConnectInput, GraphSettingsView } from '../../../shared/admin/entra-schemas';
import { CLOUD_ENDPOINTS, GRAPH_SECRET_NAMES, type GraphConnection } from '../../graph/graph-config';
import type { ServicePrincipalSummary } from '../../graph/graph-results';
import { GraphService, testGraphConnection } from '../../graph/graph-service';
import type { SecretStore } from '../../lib/secret-store';
import type { SettingsStore } from '../../store/directory-store';
import { AdminApiError } from '../admin-error';

const CONNECTION_SETTING = 'graph.connection';

export interface GraphConnectionDeps {
  readonly settings: SettingsStore;
  readonly secrets: SecretStore;
  readonly now: () => Date;
  readonly logger: Logger;
}

/**
 * The saved Microsoft Graph connection (its secrets in the secret store, never in the database), and
 * the signed-in Graph service and enterprise application every other Entra part works through. One
 * per core, so a sign-in is shared by both transports' calls.
 */
export class GraphConnectionService {
  private graph: { key: string; service: Promise<GraphService> } | undefined;
  private servicePrincipal: { appId: string; sp: ServicePrincipalSummary } | undefined;

  constructor(private readonly deps: GraphConnectionDeps) {}

  async connection(): Promise<GraphConnection | undefined> {
    return (await this.deps.settings.getSetting<GraphConnection>(CONNECTION_SETTING)) ?? undefined;
  }

  async settings(): Promise<GraphSettingsView> {
    const { secrets } = this.deps;
    const connection = await this.connection();
    const secretName = connection?.auth.kind === 'certificate' ? GRAPH_SECRET_NAMES.certificate : GRAPH_SECRET_NAMES.clientSecret;
    return {
      connection: connection
        ? {
            tenantId: connection.tenantId,
            clientId: connection.clientId,
            cloud: connection.cloud,
            authorityHost: connection.authorityHost ?? null,
            graphBaseUrl: connection.graphBaseUrl ?? null,
            graphResource: connection.graphResource ?? null,
            appId: connection.appId ?? null,
            auth: connection.auth.kind,
            certificateFormat: connection.auth.kind === 'certificate' ? connection.auth.format : null,
          }
        : null,
      secretStored: connection !== undefined && (await secrets.get(secretName)) !== undefined,
      certificatePasswordStored: connection?.auth.kind === 'certificate' && (await secrets.get(GRAPH_SECRET_NAMES.certificatePassword)) !== undefined,
      secretStore: secrets.description,
      clouds: [
        ...Object.entries(CLOUD_ENDPOINTS).map(([id, cloud]) => ({
          id: id as 'global' | 'usgov' | 'china',
          label: cloud.label,
          authorityHost: cloud.authorityHost,
          graphBaseUrl: cloud.graphBaseUrl,
        })),
        { id: 'custom' as const, label: 'Custom (sovereign cloud or test tenant)', authorityHost: null, graphBaseUrl: null },
      ],
    };
  }

  async connect(input: GraphConnectInput): Promise<GraphSettingsView> {
    const connection: GraphConnection = {
      tenantId: input.tenantId,
      clientId: input.clientId,
      cloud: input.cloud,
      auth: input.auth.kind === 'secret' ? { kind: 'secret' } : { kind: 'certificate', format: input.auth.format },
      ...(input.cloud === 'custom' && input.authorityHost ? { authorityHost: input.authorityHost.replace(/\/+$/, '') } : {}),
      ...(input.cloud === 'custom' && input.graphBaseUrl ? { graphBaseUrl: input.graphBaseUrl.replace(/\/+$/, '') } : {}),
      // Absent means "Graph's own resource" (the default), as in connections saved before the field existed.
      ...(input.cloud === 'custom' && input.graphResource ? { graphResource: input.graphResource.replace(/\/+$/, '') } : {}),
      ...(input.appId ? { appId: input.appId } : {}),
    };
    const { secrets } = this.deps;
    if (input.auth.kind === 'secret') {
      if (input.auth.clientSecret !== undefined) await secrets.set(GRAPH_SECRET_NAMES.clientSecret, input.auth.clientSecret);
      else if ((await secrets.get(GRAPH_SECRET_NAMES.clientSecret)) === undefined) {
        throw new AdminApiError('invalidInput', 'Enter the client secret value (not its Secret ID)');
      }
      await secrets.delete(GRAPH_SECRET_NAMES.certificate);
      await secrets.delete(GRAPH_SECRET_NAMES.certificatePassword);
    } else {
      if (input.auth.certificate !== undefined) await secrets.set(GRAPH_SECRET_NAMES.certificate, input.auth.certificate);
      else if ((await secrets.get(GRAPH_SECRET_NAMES.certificate)) === undefined) {
        throw new AdminApiError('invalidInput', 'Choose the certificate (PEM with its private key, or a .pfx file)');
      }
      if (input.auth.password !== undefined) await secrets.set(GRAPH_SECRET_NAMES.certificatePassword, input.auth.password);
      await secrets.delete(GRAPH_SECRET_NAMES.clientSecret);
    }
    await this.deps.settings.setSetting(CONNECTION_SETTING, connection);
    this.forget();
    return this.settings();
  }

  async disconnect(): Promise<GraphSettingsView> {
    for (const name of Object.values(GRAPH_SECRET_NAMES)) await this.deps.secrets.delete(name);
    await this.deps.settings.setSetting(CONNECTION_SETTING, null);
    this.forget();
    return this.settings();
  }

  async test(): Promise<ConnectionReport> {
    const connection = await this.requireConnection();
    const report = await testGraphConnection(connection, this.deps.secrets, this.graphOptions());
    const token = report.token;
    const app = report.enterpriseApp;
    return {
      testedAt: this.deps.now().toISOString(),
      token: token.ok
        ? { ok: true, expiresOn: token.expiresOn, roles: [...token.roles], appDisplayName: token.appDisplayName, problem: null, advice: null, code: null }
        : { ok: false, expiresOn: null, roles: [], appDisplayName: null, problem: token.problem, advice: token.advice, code: token.code },
      certificate: report.certificate ? { subject: report.certificate.subject, thumbprint: report.certificate.thumbprint, notAfter: report.certificate.notAfter } : null,
      permissions: report.permissions.map((p) => ({ ...p, permission: p.permission, feature: String(p.feature) })),
      enterpriseApp: app
        ? app.found
          ? { found: true, id: app.servicePrincipal.id, appId: app.servicePrincipal.appId, displayName: app.servicePrincipal.displayName, jobs: app.jobs, detail: null }
          : { found: false, id: null, appId: app.appId, displayName: null, jobs: null, detail: app.detail }
        : null,
      canCompare: report.canCompare,
      canManageJobs: report.canManageJobs,
      canReadLogs: report.canReadLogs,
    };
  }

  async findApps(query: string): Promise<Array<{ id: string; appId: string; displayName: string }>> {
    const service = await this.service();
    return (await service.findServicePrincipals(query)).map((sp) => ({ id: sp.id, appId: sp.appId, displayName: sp.displayName }));
  }

  async requireConnection(): Promise<GraphConnection> {
    const connection = await this.connection();
    if (!connection) throw new AdminApiError('unavailable', 'Connect to Microsoft Graph first (tenant ID, client ID and a secret or certificate)', 'notConnected');
    return connection;
  }

  /** The signed-in Graph service for the saved connection (or for `known`, when the caller has just read it). */
  async service(known?: GraphConnection): Promise<GraphService> {
    const connection = known ?? (await this.requireConnection());
    const key = JSON.stringify(connection);
    if (!this.graph || this.graph.key !== key) {
      const service = GraphService.connect(connection, this.deps.secrets, this.graphOptions());
      this.graph = { key, service };
      // A failed sign-in is not cached; a newer connection's service is left alone.
      service.catch(() => {
        if (this.graph?.service === service) this.graph = undefined;
      });
    }
    return this.graph.service;
  }

  /** The enterprise application and the Graph service to act on it, from one read of the connection. */
  async application(): Promise<{ sp: ServicePrincipalSummary; service: GraphService }> {
    const connection = await this.requireConnection();
    const sp = await this.requireServicePrincipal(connection);
    return { sp, service: await this.service(connection) };
  }

  async requireServicePrincipal(known?: GraphConnection): Promise<ServicePrincipalSummary> {
    const connection = known ?? (await this.requireConnection());
    if (!connection.appId) throw new AdminApiError('unavailable', 'Choose the enterprise application that provisions into ScimDesk (its Application ID) in the Graph connection');
    if (this.servicePrincipal?.appId === connection.appId) return this.servicePrincipal.sp;
    const sp = await (await this.service(connection)).resolveServicePrincipal(connection.appId);
    if (!sp) throw new AdminApiError('notFound', `No enterprise application with Application ID or object ID ${connection.appId} in this tenant`);
    this.servicePrincipal = { appId: connection.appId, sp };
    return sp;
  }

  private forget(): void {
    this.graph = undefined;
    this.servicePrincipal = undefined;
  }

  private graphOptions() {
    return {
      now: this.deps.now,
      log: (event: { method: string; path: string; status: number | 'error'; durationMs: number }) => this.deps.logger.debug(event, 'graph request'),
    };
  }
}
