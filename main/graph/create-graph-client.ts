import { ClientCertificateCredential, ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import type { SecretStore } from '../lib/secret-store';
import { CertificateMaterialError, pemToClientCertificate, pfxToClientCertificate, type CertificateInfo } from './certificate-pem';
import { GRAPH_SECRET_NAMES, resolveGraphEndpoints, type GraphConnection, type GraphEndpoints } from './graph-config';

/** A ready Graph client, the credential behind it and where it points. */
export interface GraphClientBundle {
  readonly client: Client;
  readonly credential: TokenCredential;
  readonly endpoints: GraphEndpoints;
  /** The certificate in use, for certificate auth. */
  readonly certificate: CertificateInfo | null;
}

export class MissingSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingSecretError';
  }
}

/**
 * Builds the credential for a connection from the SecretStore: the client
 * secret, or the certificate (PEM with key, or PFX converted to PEM in memory).
 * Non-default authority hosts get `disableInstanceDiscovery: true`.
 */
export async function createGraphCredential(
  connection: GraphConnection,
  secrets: SecretStore,
  endpoints: GraphEndpoints = resolveGraphEndpoints(connection),
): Promise<{ credential: TokenCredential; certificate: CertificateInfo | null }> {
  const options = {
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: endpoints.disableInstanceDiscovery,
  };
  const tenantId = connection.tenantId.trim();
  const clientId = connection.clientId.trim();
  if (connection.auth.kind === 'secret') {
    const secret = await secrets.get(GRAPH_SECRET_NAMES.clientSecret);
    if (!secret) throw new MissingSecretError(`No client secret is saved (${secrets.description}). Enter the secret's Value from App registrations → Certificates & secrets.`);
    return { credential: new ClientSecretCredential(tenantId, clientId, secret, options), certificate: null };
  }
  const stored = await secrets.get(GRAPH_SECRET_NAMES.certificate);
  if (!stored) throw new MissingSecretError(`No certificate is saved (${secrets.description}).`);
  const password = await secrets.get(GRAPH_SECRET_NAMES.certificatePassword);
  let material;
  if (connection.auth.format === 'pfx') {
    material = pfxToClientCertificate(Buffer.from(stored, 'base64'), password ?? '');
  } else {
    material = pemToClientCertificate(stored, password);
  }
  return { credential: new ClientCertificateCredential(tenantId, clientId, { certificate: material.pem }, options), certificate: material.info };
}

/**
 * The Graph client ScimDesk uses: the real @microsoft/microsoft-graph-client with
 * a TokenCredentialAuthenticationProvider (scope `<Graph's resource>/.default`, which
 * for a custom cloud need not be its Graph URL: see graph-config.ts), its
 * default middleware (auth, retry on 429/503/504 honouring Retry-After,
 * redirects), `baseUrl` of the cloud, and for custom clouds the Graph hostname in
 * `customHosts`: the client attaches the token only to Microsoft's Graph hosts
 * and those, and only over https.
 */
export async function createGraphClient(connection: GraphConnection, secrets: SecretStore): Promise<GraphClientBundle> {
  const endpoints = resolveGraphEndpoints(connection);
  const { credential, certificate } = await createGraphCredential(connection, secrets, endpoints);
  return { client: graphClientFor(credential, endpoints), credential, endpoints, certificate };
}

/** A Graph client over an existing credential (tests and callers that build their own). */
export function graphClientFor(credential: TokenCredential, endpoints: GraphEndpoints): Client {
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [endpoints.scope] });
  return Client.initWithMiddleware({
    authProvider,
    baseUrl: `${endpoints.graphBaseUrl}/`,
    defaultVersion: 'v1.0',
    ...(endpoints.customHosts.length > 0 ? { customHosts: new Set(endpoints.customHosts) } : {}),
  });
}

export { CertificateMaterialError };
