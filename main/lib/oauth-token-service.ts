import type { SettingsStore } from '../store/directory-store';
import { AccessTokens, DEFAULT_ACCESS_TOKEN_SECONDS, MAX_ACCESS_TOKEN_SECONDS, MIN_ACCESS_TOKEN_SECONDS, type AccessTokenCheck, type AccessTokenMethod } from './access-tokens';
import type { FederationCheck, FederationTrust, FederationVerifier, PresentedAssertion } from './federation';
import type { OAuthClients } from './oauth-clients';

/**
 * The token endpoint's decisions (RFC 6749 §4.4 and RFC 7523), without HTTP: which grant a request
 * makes, whether its client proves who it is, and the access token it gets. The HTTP route parses the
 * request and writes the answer; the SCIM app asks `checkCached`/`check` about each access token.
 */

export const FEDERATION_SETTING = 'auth.federation';
export const ACCESS_TOKEN_SECONDS_SETTING = 'auth.accessTokenSeconds';
export const CLIENT_CREDENTIALS_GRANT = 'client_credentials';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** ScimDesk has one scope, everything SCIM; Entra's form asks for one, and any it sends is answered with this (RFC 6749 §3.3). */
export const SCIM_SCOPE = 'scim';
/** How long a cached federation setting is trusted (a change made by another process applies within it). */
const CACHE_MS = 1000;

/** The saved workload identity federation trust: what Entra's portal shows, and the client id ScimDesk gave Entra. */
export interface FederationSettings extends FederationTrust {
  /** The Client ID Entra sends as `client_id`: ScimDesk's name for this trust. */
  readonly clientId: string;
  readonly cloud: 'global' | 'usgov' | 'china' | 'custom';
  readonly enabled: boolean;
  readonly updated: string;
}

/** A token request as the route read it; secrets are only in `secret` and `assertion`, never logged. */
export interface TokenRequest {
  readonly grantType: string | undefined;
  readonly clientId: string | undefined;
  readonly secret: string | undefined;
  /** How the client secret came: the Basic header, the body, both (Entra's "How credentials are sent"). */
  readonly sentAs: 'basic' | 'post' | 'both' | null;
  /** Both ways came and they disagree. */
  readonly conflicting: boolean;
  readonly assertionType: string | undefined;
  /** RFC 7523 §2.2 `client_assertion`, or §2.1 `assertion`. */
  readonly assertion: string | undefined;
  readonly scope: string | undefined;
}

export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope';

export type TokenOutcome =
  | {
      readonly ok: true;
      readonly method: AccessTokenMethod;
      readonly clientId: string;
      readonly accessToken: string;
      readonly expiresIn: number;
      readonly scope: string;
      readonly presented: PresentedAssertion | null;
    }
  | {
      readonly ok: false;
      readonly status: 400 | 401;
      readonly error: OAuthErrorCode;
      readonly description: string;
      /** Which check failed: a claim name for assertions, `secret`, `client`, `grant`… */
      readonly check: FederationCheck | 'request' | 'grant' | 'client' | 'secret' | 'expired' | 'revoked' | 'notConfigured';
      readonly method: AccessTokenMethod | null;
      readonly clientId: string | null;
      readonly presented: PresentedAssertion | null;
    };

/** The last federation attempt, for the Authentication screen: claims and the failed check, never the token. */
export interface FederationAttempt {
  readonly at: string;
  readonly ok: boolean;
  readonly check: string | null;
  readonly reason: string | null;
  readonly presented: PresentedAssertion | null;
}

export class OAuthTokenService {
  private federationCache: { readonly value: FederationSettings | undefined; readonly at: number } | undefined;
  private lifetimeCache: { readonly value: number; readonly at: number } | undefined;
  private lastAttempt: FederationAttempt | undefined;

  constructor(
    private readonly deps: {
      readonly clients: OAuthClients;
      readonly accessTokens: AccessTokens;
      readonly federation: FederationVerifier;
      readonly settings: Pick<SettingsStore, 'getSetting'>;
      readonly now: () => Date;
    },
  ) {}

  /** The last workload identity federation attempt since the service started. */
  lastFederationAttempt(): FederationAttempt | undefined {
    return this.lastAttempt;
  }

  /** Forgets cached settings (after the admin changed them in this process). */
  settingsChanged(): void {
    this.federationCache = undefined;
    this.lifetimeCache = undefined;
  }

  async exchange(request: TokenRequest): Promise<TokenOutcome> {
    const refuse = (
      status: 400 | 401,
      error: OAuthErrorCode,
      description: string,
      check: Extract<TokenOutcome, { ok: false }>['check'],
      method: AccessTokenMethod | null,
      presented: PresentedAssertion | null = null,
    ): TokenOutcome => ({ ok: false, status, error, description, check, method, clientId: request.clientId ?? null, presented });

    if (request.grantType === undefined) return refuse(400, 'invalid_request', 'grant_type is missing', 'request', null);
    const assertionGrant = request.grantType === JWT_BEARER_GRANT;
    const clientAssertion = request.grantType === CLIENT_CREDENTIALS_GRANT && request.assertionType !== undefined;
    if (!assertionGrant && request.grantType !== CLIENT_CREDENTIALS_GRANT) {
      return refuse(400, 'unsupported_grant_type', `grant_type ${request.grantType.slice(0, 100)} is not supported: use client_credentials (or ${JWT_BEARER_GRANT})`, 'grant', null);
    }
    if (assertionGrant || clientAssertion) {
      if (clientAssertion && request.assertionType !== JWT_BEARER_ASSERTION_TYPE) {
        return refuse(401, 'invalid_client', `client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`, 'request', 'federation');
      }
      return this.federate(request, assertionGrant ? 400 : 401, assertionGrant ? 'invalid_grant' : 'invalid_client');
    }
    // Client credentials with a secret.
    if (request.conflicting) return refuse(400, 'invalid_request', 'The client was authenticated both in the Authorization header and in the body, with different values', 'request', 'clientCredentials');
    if (!request.clientId || request.secret === undefined) {
      return refuse(401, 'invalid_client', 'No client authentication: send client_id and client_secret in the Authorization header (Basic) or in the body', 'client', 'clientCredentials');
    }
    const check = await this.deps.clients.verify(request.clientId, request.secret);
    if (!check.ok) {
      const [what, description] =
        check.reason === 'unknownClient'
          ? (['client', 'Unknown client_id'] as const)
          : check.reason === 'revoked'
            ? (['revoked', 'This client was revoked'] as const)
            : check.reason === 'expired'
              ? (['expired', 'The client secret has expired: rotate it in ScimDesk and paste the new one into Entra'] as const)
              : (['secret', 'The client secret is wrong'] as const);
      return refuse(401, 'invalid_client', description, what, 'clientCredentials');
    }
    await this.deps.clients.touch(check.clientId).catch(() => undefined);
    return this.issue(check.clientId, 'clientCredentials', null);
  }

  /** Checks an access token a SCIM request presents, from memory; undefined when something must be read first. */
  checkCached(presented: string): AccessTokenCheck | undefined {
    return this.deps.accessTokens.checkCached(presented, (claims) => {
      if (claims.method === 'clientCredentials') return this.deps.clients.isActiveCached(claims.clientId);
      const federation = this.freshFederation();
      if (federation === null) return undefined;
      return federation !== undefined && federation.enabled && federation.clientId === claims.clientId;
    });
  }

  async check(presented: string): Promise<AccessTokenCheck> {
    return this.deps.accessTokens.check(presented, async (claims) => {
      if (claims.method === 'clientCredentials') return this.deps.clients.isActive(claims.clientId);
      const federation = await this.federationSettings();
      return federation !== undefined && federation.enabled && federation.clientId === claims.clientId;
    });
  }

  async federationSettings(): Promise<FederationSettings | undefined> {
    const fresh = this.freshFederation();
    if (fresh !== null) return fresh;
    const value = await this.deps.settings.getSetting<FederationSettings>(FEDERATION_SETTING);
    this.federationCache = { value, at: performance.now() };
    return value;
  }

  async accessTokenSeconds(): Promise<number> {
    if (this.lifetimeCache && performance.now() - this.lifetimeCache.at <= CACHE_MS) return this.lifetimeCache.value;
    const saved = await this.deps.settings.getSetting<number>(ACCESS_TOKEN_SECONDS_SETTING);
    const value = typeof saved === 'number' && saved >= MIN_ACCESS_TOKEN_SECONDS && saved <= MAX_ACCESS_TOKEN_SECONDS ? saved : DEFAULT_ACCESS_TOKEN_SECONDS;
    this.lifetimeCache = { value, at: performance.now() };
    return value;
  }

  /** null: not cached (read it); undefined: cached as not configured. */
  private freshFederation(): FederationSettings | undefined | null {
    return this.federationCache && performance.now() - this.federationCache.at <= CACHE_MS ? this.federationCache.value : null;
  }

  private async federate(request: TokenRequest, status: 400 | 401, error: 'invalid_grant' | 'invalid_client'): Promise<TokenOutcome> {
    const settings = await this.federationSettings();
    const refuse = (check: Extract<TokenOutcome, { ok: false }>['check'], description: string, presented: PresentedAssertion | null = null): TokenOutcome => {
      this.lastAttempt = { at: this.deps.now().toISOString(), ok: false, check, reason: description, presented };
      // The failed check first, so Entra's provisioning log and the sync log say which claim at a glance.
      return { ok: false, status, error, description: `${check}: ${description}`, check, method: 'federation', clientId: request.clientId ?? null, presented };
    };
    if (!settings || !settings.enabled) return refuse('notConfigured', 'Workload identity federation is not set up in ScimDesk');
    if (!request.assertion) return refuse('request', 'No assertion: send client_assertion (or assertion with the jwt-bearer grant)');
    // RFC 7523 §3: client_id, when sent, must be the client the assertion is for.
    if (request.clientId !== undefined && request.clientId !== settings.clientId) return refuse('client', 'Unknown client_id for workload identity federation');
    const result = await this.deps.federation.verify(settings, request.assertion);
    if (!result.ok) return refuse(result.check, result.reason, result.presented);
    this.lastAttempt = { at: this.deps.now().toISOString(), ok: true, check: null, reason: null, presented: result.presented };
    return this.issue(settings.clientId, 'federation', result.presented);
  }

  private async issue(clientId: string, method: AccessTokenMethod, presented: PresentedAssertion | null): Promise<TokenOutcome> {
    const lifetime = await this.accessTokenSeconds();
    const { token } = await this.deps.accessTokens.issue(clientId, method, lifetime);
    return { ok: true, method, clientId, accessToken: token, expiresIn: lifetime, scope: SCIM_SCOPE, presented };
  }
}
