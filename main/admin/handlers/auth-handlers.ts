import { randomUUID } from 'node:crypto';
import { tokenEndpointOf, type AuthStatus, type EntraField, type FederationView, type OAuthClientView } from '../../../shared/admin/auth-schemas';
import { isGuid } from '../../../shared/guid';
import { CLOUD_ENDPOINTS, type GraphConnection } from '../../graph/graph-config';
import { DEFAULT_ACCESS_TOKEN_SECONDS } from '../../lib/access-tokens';
import type { AdminEventBus } from '../../lib/event-bus';
import { expectedIssuer } from '../../lib/federation';
import { isSecretActive, latestSecret, OAuthClientError, SECRET_WARNING_DAYS, type OAuthClientRecord, type OAuthClients } from '../../lib/oauth-clients';
import { ACCESS_TOKEN_SECONDS_SETTING, FEDERATION_SETTING, SCIM_SCOPE, type FederationSettings, type OAuthTokenService } from '../../lib/oauth-token-service';
import type { SettingsStore } from '../../store/directory-store';
import { AdminApiError } from '../admin-error';
import type { Audit, Handlers } from './handler-types';

export interface AuthDeps {
  readonly clients: OAuthClients;
  readonly tokens: Pick<OAuthTokenService, 'lastFederationAttempt' | 'settingsChanged' | 'federationSettings' | 'accessTokenSeconds'>;
  readonly settings: Pick<SettingsStore, 'getSetting' | 'setSetting'>;
  /** The Tenant URL Entra is given (the public one when there is one). */
  readonly tenantUrl: () => Promise<string>;
  /** The Graph connection, whose tenant and cloud the federation form starts from. */
  readonly graphConnection: () => Promise<Pick<GraphConnection, 'tenantId' | 'cloud' | 'authorityHost'> | undefined>;
  readonly events: Pick<AdminEventBus, 'emit'>;
  readonly audit: Audit;
  readonly now: () => Date;
}

type AuthMethods = 'auth.status' | 'auth.createClient' | 'auth.rotateClient' | 'auth.revokeClient' | 'auth.configureFederation' | 'auth.disableFederation' | 'auth.updateSettings';


/** The sign-in host of a cloud, as the Graph connection maps it; a custom one must be a plain https origin. */
function authorityOf(cloud: FederationSettings['cloud'], custom: string | undefined): string {
  if (cloud !== 'custom') return CLOUD_ENDPOINTS[cloud].authorityHost;
  let url: URL;
  try {
    url = new URL(custom ?? '');
  } catch {
    throw new AdminApiError('invalidInput', 'A custom cloud needs its sign-in (authority) host, e.g. https://login.example.net');
  }
  if (url.protocol !== 'https:' || (url.pathname !== '/' && url.pathname !== '') || url.search || url.username) {
    throw new AdminApiError('invalidInput', 'The authority host must be a plain https address such as https://login.example.net');
  }
  return url.origin;
}

function toClientView(client: OAuthClientRecord, lastUsed: string | undefined, now: Date): OAuthClientView {
  const latest = client.revoked ? undefined : latestSecret(client, now);
  return {
    clientId: client.clientId,
    name: client.name,
    created: client.created,
    revoked: client.revoked,
    lastUsed: lastUsed ?? null,
    expires: latest?.expires ?? null,
    expiresSoon: latest !== undefined && new Date(latest.expires).getTime() - now.getTime() < SECRET_WARNING_DAYS * 86_400_000,
    secrets: client.secrets.map(({ id, hint, created, expires, revoked }) => ({ id, hint, created, expires, revoked, active: client.revoked === null && isSecretActive({ id, hint, created, expires, revoked, hash: '' }, now) })),
  };
}

function toFederationView(settings: FederationSettings): FederationView {
  const issuer = expectedIssuer(settings);
  return {
    clientId: settings.clientId,
    tenantId: settings.tenantId,
    cloud: settings.cloud,
    authorityHost: settings.authorityHost,
    subject: settings.subject,
    audience: settings.audience,
    enabled: settings.enabled,
    issuer,
    jwksUrl: `${settings.authorityHost}/${settings.tenantId}/discovery/v2.0/keys`,
    updated: settings.updated,
  };
}

/** Entra's Admin Credentials form, field by field, for each method. */
function entraForm(tenantUrl: string, tokenEndpoint: string, clients: ReadonlyArray<OAuthClientView>, federation: FederationSettings | undefined): AuthStatus['entraForm'] {
  const field = (label: string, value: string, secret = false): EntraField => ({ label, value, secret });
  const client = clients.find((c) => c.revoked === null && c.expires !== null);
  return {
    federation: [
      field('Authentication Method', 'Workload identity federation'),
      field('Tenant URL', tenantUrl),
      field('Token URL', tokenEndpoint),
      field('Client ID', federation?.enabled ? federation.clientId : 'set up federation in ScimDesk first'),
    ],
    clientCredentials: [
      field('Authentication Method', 'OAuth 2.0 client credentials'),
      field('Tenant URL', tenantUrl),
      field('OAuth token endpoint', tokenEndpoint),
      field('Client ID', client?.clientId ?? 'create a client in ScimDesk first'),
      field('Client Secret', 'shown once when the client is created or its secret rotated', true),
      field('How credentials are sent', 'either: in the header (client_secret_basic), in the body (client_secret_post), or both'),
      field('Scope', SCIM_SCOPE),
    ],
    secretToken: [field('Authentication Method', 'Bearer token (existing apps only)'), field('Tenant URL', tenantUrl), field('Secret Token', 'shown once when generated', true)],
  };
}

/** The Authentication area: OAuth clients, the federation trust, and what Entra's form asks for. */
export function createAuthHandlers(deps: AuthDeps): Handlers<AuthMethods> {
  const { clients, now } = deps;
  const guard = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof OAuthClientError) throw new AdminApiError(error.code, error.message);
      throw error;
    }
  };
  const clientViews = async () => {
    const [list, lastUsed] = await Promise.all([clients.list(), clients.lastUsedTimes()]);
    return list.map((client) => toClientView(client, lastUsed[client.clientId], now()));
  };
  const changed = () => deps.events.emit('overview.changed', {});

  const status = async (): Promise<AuthStatus> => {
    const tenantUrl = await deps.tenantUrl();
    const tokenEndpoint = tokenEndpointOf(tenantUrl);
    const [views, federation, seconds, graph] = await Promise.all([clientViews(), deps.tokens.federationSettings(), deps.tokens.accessTokenSeconds(), deps.graphConnection().catch(() => undefined)]);
    const attempt = deps.tokens.lastFederationAttempt();
    let graphTenant: AuthStatus['graphTenant'] = null;
    if (graph && isGuid(graph.tenantId)) {
      try {
        graphTenant = { tenantId: graph.tenantId, cloud: graph.cloud, authorityHost: authorityOf(graph.cloud, graph.authorityHost) };
      } catch {
        graphTenant = null;
      }
    }
    return {
      recommended: 'federation',
      tenantUrl,
      tokenEndpoint,
      scope: SCIM_SCOPE,
      accessTokenSeconds: seconds,
      clients: views,
      federation: federation ? toFederationView(federation) : null,
      lastFederationAttempt: attempt ?? null,
      graphTenant,
      entraForm: entraForm(tenantUrl, tokenEndpoint, views, federation),
    };
  };

  return {
    'auth.status': status,

    async 'auth.createClient'(input, context) {
      return guard(async () => {
        const issued = await clients.create(input.name ?? 'Entra provisioning', input.lifetimeDays);
        await deps.audit(context, 'createOAuthClient', `OAuth client ${issued.client.clientId} created (secret ${issued.client.secrets[0]!.hint}, ends ${issued.client.secrets[0]!.expires})`);
        changed();
        return { client: toClientView(issued.client, undefined, now()), secret: issued.secret, tokenEndpoint: tokenEndpointOf(await deps.tenantUrl()) };
      });
    },

    async 'auth.rotateClient'(input, context) {
      return guard(async () => {
        const issued = await clients.rotate(input.clientId, input.lifetimeDays);
        await deps.audit(context, 'rotateOAuthClient', `OAuth client ${input.clientId}: new secret ${issued.client.secrets[0]!.hint}; the earlier one keeps working for 7 days at most`);
        changed();
        return { client: toClientView(issued.client, undefined, now()), secret: issued.secret, tokenEndpoint: tokenEndpointOf(await deps.tenantUrl()) };
      });
    },

    async 'auth.revokeClient'(input, context) {
      return guard(async () => {
        const revoked = await clients.revoke(input.clientId);
        await deps.audit(context, 'revokeOAuthClient', `OAuth client ${input.clientId} revoked: its secrets and access tokens stopped working`);
        changed();
        return toClientView(revoked, undefined, now());
      });
    },

    async 'auth.configureFederation'(input, context) {
      const graph = input.tenantId === '' ? await deps.graphConnection() : undefined;
      const tenantId = (input.tenantId || graph?.tenantId || '').trim().toLowerCase();
      // Entra's v2 issuer names the tenant by its GUID, never by a domain: a domain could never match.
      if (!isGuid(tenantId)) throw new AdminApiError('invalidInput', 'The tenant ID must be the Directory (tenant) ID, a GUID (the issuer Entra signs with names it)');
      const cloud = input.tenantId === '' && graph ? graph.cloud : input.cloud;
      const authorityHost = authorityOf(cloud, input.tenantId === '' && graph ? graph.authorityHost : input.authorityHost);
      const previous = await deps.tokens.federationSettings();
      const settings: FederationSettings = {
        // Kept across edits, so Entra's saved Client ID stays right; a new one only when none existed.
        clientId: previous?.clientId ?? randomUUID(),
        tenantId,
        cloud,
        authorityHost,
        subject: input.subject,
        audience: input.audience,
        enabled: true,
        updated: now().toISOString(),
      };
      await deps.settings.setSetting(FEDERATION_SETTING, settings);
      deps.tokens.settingsChanged();
      await deps.audit(context, 'configureFederation', `Workload identity federation trusts ${expectedIssuer(settings)}, subject ${settings.subject}, audience ${settings.audience}`);
      changed();
      return toFederationView(settings);
    },

    async 'auth.disableFederation'(_input, context) {
      const previous = await deps.tokens.federationSettings();
      if (!previous?.enabled) return { disabled: false };
      await deps.settings.setSetting(FEDERATION_SETTING, { ...previous, enabled: false, updated: now().toISOString() });
      deps.tokens.settingsChanged();
      await deps.audit(context, 'disableFederation', 'Workload identity federation turned off: its access tokens stopped working');
      changed();
      return { disabled: true };
    },

    async 'auth.updateSettings'(input, context) {
      await deps.settings.setSetting(ACCESS_TOKEN_SECONDS_SETTING, input.accessTokenSeconds);
      deps.tokens.settingsChanged();
      await deps.audit(context, 'updateAuthSettings', `Access tokens now live ${input.accessTokenSeconds} s (default ${DEFAULT_ACCESS_TOKEN_SECONDS})`);
      return status();
    },
  };
}
