import { z } from 'zod';
import { isoTime } from './admin-shapes';

/**
 * The Authentication area's shapes (issue 16): the three ways Entra's provisioning service can sign in
 * to ScimDesk. The Secret Token keeps its own methods (`token.*`); these cover OAuth 2.0 client
 * credentials and workload identity federation, and what Entra's "Admin Credentials" form asks for.
 */

export const AuthMethodId = z.enum(['federation', 'clientCredentials', 'secretToken']);
export type AuthMethodId = z.infer<typeof AuthMethodId>;

export const ClientSecretView = z.object({
  id: z.string(),
  hint: z.string(),
  created: isoTime,
  expires: isoTime,
  revoked: isoTime.nullable(),
  active: z.boolean(),
});
export type ClientSecretView = z.infer<typeof ClientSecretView>;

export const OAuthClientView = z.object({
  clientId: z.string(),
  name: z.string(),
  created: isoTime,
  revoked: isoTime.nullable(),
  /** When the client last got an access token. */
  lastUsed: isoTime.nullable(),
  /** The end of its latest active secret; null when none is active. */
  expires: isoTime.nullable(),
  /** Its latest secret ends within 30 days: rotate it. */
  expiresSoon: z.boolean(),
  secrets: z.array(ClientSecretView),
});
export type OAuthClientView = z.infer<typeof OAuthClientView>;

/** The clouds of the Graph connection: the sign-in host federation trusts ("custom" for sovereign setups and tests). */
export const FederationCloud = z.enum(['global', 'usgov', 'china', 'custom']);

export const FederationView = z.object({
  /** The Client ID to paste into Entra; Entra sends it as `client_id`. */
  clientId: z.string(),
  tenantId: z.string(),
  cloud: FederationCloud,
  authorityHost: z.string(),
  subject: z.string(),
  audience: z.string(),
  enabled: z.boolean(),
  /** The `iss` every assertion must carry: <authority>/<tenant>/v2.0. */
  issuer: z.string(),
  jwksUrl: z.string(),
  updated: isoTime,
});
export type FederationView = z.infer<typeof FederationView>;

export const PresentedAssertionView = z.object({
  kid: z.string().nullable(),
  alg: z.string().nullable(),
  iss: z.string().nullable(),
  sub: z.string().nullable(),
  aud: z.string().nullable(),
  tid: z.string().nullable(),
  iat: z.number().nullable(),
  nbf: z.number().nullable(),
  exp: z.number().nullable(),
});

/** What the last federation attempt presented (claims, never the token) and which check failed. */
export const FederationAttemptView = z.object({
  at: isoTime,
  ok: z.boolean(),
  check: z.string().nullable(),
  reason: z.string().nullable(),
  presented: PresentedAssertionView.nullable(),
});
export type FederationAttemptView = z.infer<typeof FederationAttemptView>;

/** One field of Entra's Provisioning → Admin Credentials form, with the value to enter. */
export const EntraField = z.object({ label: z.string(), value: z.string(), secret: z.boolean() });
export type EntraField = z.infer<typeof EntraField>;

export const AuthStatus = z.object({
  /** Microsoft's current guidance: workload identity federation, no shared secret. */
  recommended: AuthMethodId,
  tenantUrl: z.string(),
  tokenEndpoint: z.string(),
  scope: z.string(),
  accessTokenSeconds: z.number().int(),
  clients: z.array(OAuthClientView),
  federation: FederationView.nullable(),
  lastFederationAttempt: FederationAttemptView.nullable(),
  /** The Graph connection's tenant and cloud, to fill the federation form. */
  graphTenant: z.object({ tenantId: z.string(), cloud: FederationCloud, authorityHost: z.string() }).nullable(),
  /** Entra's form, per method, with the values to paste. */
  entraForm: z.object({ federation: z.array(EntraField), clientCredentials: z.array(EntraField), secretToken: z.array(EntraField) }),
});
export type AuthStatus = z.infer<typeof AuthStatus>;

const lifetimeDays = z.number().int('Whole days only').min(1, 'At least 1 day').max(3650, 'At most 3650 days');

export const CreateClientInput = z.object({ name: z.string().trim().max(100).optional(), lifetimeDays: lifetimeDays.optional() }).strict();
export const RotateClientInput = z.object({ clientId: z.string().min(1).max(100), lifetimeDays: lifetimeDays.optional() }).strict();
export const IssuedClientView = z.object({ client: OAuthClientView, secret: z.string(), tokenEndpoint: z.string() });

export const ConfigureFederationInput = z
  .object({
    /** The Directory (tenant) ID, a GUID; empty: the Graph connection's. */
    tenantId: z.string().trim().max(100),
    cloud: FederationCloud,
    /** Custom cloud only: the sign-in host, e.g. https://login.example.net */
    authorityHost: z.string().trim().max(300).optional(),
    subject: z.string().trim().min(1, 'Paste the Subject (sub) Entra shows').max(300),
    audience: z.string().trim().min(1, 'Paste the Audience (aud) Entra shows').max(300),
  })
  .strict();

export const AuthSettingsInput = z
  .object({ accessTokenSeconds: z.number().int().min(60, 'At least 60 seconds').max(21_600, 'At most 6 hours (Microsoft suggests 1 to 6)') })
  .strict();

/** Where Entra's "OAuth token endpoint" / "Token URL" points: beside the SCIM path, on the Tenant URL's origin. */
export function tokenEndpointOf(tenantUrl: string): string {
  return `${tenantUrl.replace(/\/+$/, '').replace(/\/scim(\/v2)?$/i, '')}/oauth2/token`;
}
