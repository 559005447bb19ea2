import { checkGraphResource, defaultGraphResource } from '../../shared/admin/graph-resource';
import { isGuid } from '../../shared/guid';

/**
 * How ScimDesk reaches Microsoft Graph: which cloud, which tenant and app
 * registration, which kind of credential. Secrets and certificate bytes are not
 * here: they live in the SecretStore under the names below.
 */

/** National clouds Graph runs in, plus "custom" (sovereign setups, and the tests' fake tenant). */
export type GraphCloud = 'global' | 'usgov' | 'china' | 'custom';

export type GraphAuth = { readonly kind: 'secret' } | { readonly kind: 'certificate'; readonly format: 'pem' | 'pfx' };

export interface GraphConnection {
  /** Directory (tenant) ID, a GUID, or a verified domain such as contoso.onmicrosoft.com. */
  readonly tenantId: string;
  /** Application (client) ID of the app registration ScimDesk signs in as. */
  readonly clientId: string;
  readonly auth: GraphAuth;
  readonly cloud: GraphCloud;
  /** Custom cloud only: the sign-in (authority) host, e.g. https://login.example.net */
  readonly authorityHost?: string;
  /** Custom cloud only: the Graph base URL without version, e.g. https://graph.example.net */
  readonly graphBaseUrl?: string;
  /**
   * Custom cloud only: the resource tokens are asked for. Absent (as in connections
   * saved before it existed): Graph's own, see defaultGraphResource.
   */
  readonly graphResource?: string;
  /** The enterprise application (service principal) provisioning into ScimDesk: its appId or object id. */
  readonly appId?: string;
}

/** Names under which a connection's secrets are kept in the SecretStore. */
export const GRAPH_SECRET_NAMES = {
  /** The client secret's value (not its Secret ID). */
  clientSecret: 'graph.clientSecret',
  /** PEM text (certificate and private key), or a PFX file as base64. */
  certificate: 'graph.certificate',
  /** The PFX password, or the passphrase of an encrypted PEM key. May be absent. */
  certificatePassword: 'graph.certificatePassword',
} as const;

/** Where a connection signs in and which Graph it calls. */
export interface GraphEndpoints {
  readonly cloud: GraphCloud;
  /** https origin of the sign-in service, without tenant. */
  readonly authorityHost: string;
  /** https origin of Graph, without version. */
  readonly graphBaseUrl: string;
  /** The resource tokens are for: Graph's own, whatever address Graph is reached at. */
  readonly resource: string;
  /** The app-only scope: `<resource>/.default`. */
  readonly scope: string;
  /** Whether MSAL must skip its public instance discovery (any non-default authority host). */
  readonly disableInstanceDiscovery: boolean;
  /** Graph host names the Graph client must attach the token to (custom clouds only; hostname only). */
  readonly customHosts: ReadonlyArray<string>;
}

/** The public clouds' endpoints, from Microsoft's national cloud deployments table. */
export const CLOUD_ENDPOINTS: Readonly<Record<Exclude<GraphCloud, 'custom'>, { readonly authorityHost: string; readonly graphBaseUrl: string; readonly label: string }>> = {
  global: { authorityHost: 'https://login.microsoftonline.com', graphBaseUrl: 'https://graph.microsoft.com', label: 'Global (Microsoft Entra ID)' },
  usgov: { authorityHost: 'https://login.microsoftonline.us', graphBaseUrl: 'https://graph.microsoft.us', label: 'US Government (GCC High)' },
  china: { authorityHost: 'https://login.chinacloudapi.cn', graphBaseUrl: 'https://microsoftgraph.chinacloudapi.cn', label: 'China (operated by 21Vianet)' },
};

export class GraphConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphConfigError';
  }
}

const DOMAIN = /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** An https origin (scheme, host, port) from an admin-typed URL; throws GraphConfigError otherwise. */
function toHttpsOrigin(value: string | undefined, what: string): string {
  if (!value || !value.trim()) throw new GraphConfigError(`A custom cloud needs the ${what}.`);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new GraphConfigError(`The ${what} "${value}" is not a URL.`);
  }
  // MSAL accepts only https authorities, and the Graph client attaches the token to https URLs only.
  if (url.protocol !== 'https:') throw new GraphConfigError(`The ${what} must start with https:// (got ${url.protocol}//).`);
  if (url.username || url.password || url.search || url.hash) throw new GraphConfigError(`The ${what} must be a plain https address, without credentials, query or fragment.`);
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new GraphConfigError(`The ${what} must be the host only (e.g. ${url.origin}), without a path such as ${url.pathname}.`);
  }
  return url.origin;
}

/**
 * Checks a connection and returns its endpoints. Custom clouds need
 * `disableInstanceDiscovery` (else MSAL asks the public discovery host about the
 * authority first and fails with a misleading endpoints_resolution_error) and
 * their Graph hostname in `customHosts` (else the Graph client sends requests
 * without a token).
 */
export function resolveGraphEndpoints(connection: GraphConnection): GraphEndpoints {
  const tenant = connection.tenantId.trim();
  if (!isGuid(tenant) && !DOMAIN.test(tenant)) {
    throw new GraphConfigError(`The tenant ID "${connection.tenantId}" is neither a GUID (Directory (tenant) ID) nor a domain such as contoso.onmicrosoft.com.`);
  }
  if (!isGuid(connection.clientId.trim())) {
    throw new GraphConfigError(`The client ID "${connection.clientId}" is not a GUID: copy the Application (client) ID from the app registration's Overview page.`);
  }
  let authorityHost: string;
  let graphBaseUrl: string;
  let resource: string;
  if (connection.cloud === 'custom') {
    authorityHost = toHttpsOrigin(connection.authorityHost, 'authority (sign-in) host');
    graphBaseUrl = toHttpsOrigin(connection.graphBaseUrl, 'Graph URL');
    // A proxy or private endpoint in front of Graph still needs a token for Graph itself.
    if (!connection.graphResource?.trim()) {
      resource = defaultGraphResource(graphBaseUrl);
    } else {
      const checked = checkGraphResource(connection.graphResource);
      if (!checked.ok) throw new GraphConfigError(`${checked.problem}.`);
      resource = checked.resource;
    }
  } else {
    const known = CLOUD_ENDPOINTS[connection.cloud];
    if (!known) throw new GraphConfigError(`Unknown cloud "${String(connection.cloud)}".`);
    authorityHost = known.authorityHost;
    graphBaseUrl = known.graphBaseUrl;
    resource = known.graphBaseUrl;
  }
  const isCustom = connection.cloud === 'custom';
  return {
    cloud: connection.cloud,
    authorityHost,
    graphBaseUrl,
    resource,
    scope: `${resource}/.default`,
    disableInstanceDiscovery: authorityHost !== CLOUD_ENDPOINTS.global.authorityHost,
    customHosts: isCustom ? [new URL(graphBaseUrl).hostname] : [],
  };
}
