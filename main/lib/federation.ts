import { get as httpsGet } from 'node:https';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet } from 'jose';

/**
 * Workload identity federation: Entra's provisioning service proves who it is with a JWT that Entra
 * signed, and ScimDesk checks it against the tenant's published keys. No shared secret exists.
 *
 * What Entra sends (Microsoft's guide "Workload Identity Federation for SCIM Provisioning" in the
 * AzureAD/SCIMReferenceCode repository, June 2026): RFC 7523 §2.2 client authentication,
 * `grant_type=client_credentials&client_id=<ScimDesk's client id>&client_assertion_type=
 * urn:ietf:params:oauth:client-assertion-type:jwt-bearer&client_assertion=<JWT>&scope=…`, the JWT with
 * `iss` https://login.microsoftonline.com/<tenant>/v2.0, `sub` the object id of the provisioning
 * service's workload identity ("Sync Fabric Workload Identity 1P app"), `aud` api://<workload identity
 * app id>, `tid`, `iat`, `nbf`, `exp` (about an hour). The RFC 7523 §2.1 grant
 * (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>`) carries the same JWT and
 * is accepted too. The keys: the JWKS named by the tenant's OIDC metadata
 * (<authority>/<tenant>/v2.0/.well-known/openid-configuration), cached by `kid`, fetched again for an
 * unknown `kid` (keys rotate without notice), and the cached ones used while the JWKS cannot be reached.
 */

export interface FederationTrust {
  /** The tenant (a GUID, or a verified domain) whose provisioning service may sign in. */
  readonly tenantId: string;
  /** The sign-in host of the tenant's cloud (https origin), as the Graph connection maps clouds. */
  readonly authorityHost: string;
  /** The expected `sub`: the provisioning service's workload identity. */
  readonly subject: string;
  /** The expected `aud`, as Entra's portal shows it. */
  readonly audience: string;
}

/** Which check an assertion failed: a claim name, or the step before the claims. */
export type FederationCheck = 'format' | 'metadata' | 'jwks' | 'kid' | 'alg' | 'signature' | 'iss' | 'aud' | 'sub' | 'tid' | 'exp' | 'nbf' | 'iat';

/** What an assertion presented, for the sync log and the Authentication screen: claims and key id, never the token. */
export interface PresentedAssertion {
  readonly kid: string | null;
  readonly alg: string | null;
  readonly iss: string | null;
  readonly sub: string | null;
  readonly aud: string | null;
  readonly tid: string | null;
  readonly iat: number | null;
  readonly nbf: number | null;
  readonly exp: number | null;
}

export type FederationResult =
  | { readonly ok: true; readonly presented: PresentedAssertion }
  | { readonly ok: false; readonly check: FederationCheck; readonly reason: string; readonly presented: PresentedAssertion | null };

export interface FederationVerifierOptions {
  readonly now?: () => Date;
  /** Fetches a JSON document over https (the default uses node:https, trusting the system's CAs). */
  readonly fetchJson?: (url: string) => Promise<unknown>;
  /** Tolerated clock difference for exp, nbf and iat (default 5 minutes, Microsoft's own default). */
  readonly clockSkewSeconds?: number;
  /** Cached keys are fetched again after this (default 1 hour)… */
  readonly refreshAfterMs?: number;
  /** …and used, while the JWKS cannot be reached, until this age (default 24 hours). */
  readonly maxAgeMs?: number;
  /** An unknown `kid` fetches the keys at most this often (default 30 s), so forged kids cannot hammer the tenant. */
  readonly unknownKidCooldownMs?: number;
}

interface CachedKeys {
  readonly issuer: string;
  readonly jwks: JSONWebKeySet;
  readonly fetchedAt: number;
}

const FETCH_TIMEOUT_MS = 10_000;
const MAX_DOCUMENT_BYTES = 512 * 1024;

/** The issuer Entra's v2 tokens carry for a tenant in a cloud. */
export function expectedIssuer(trust: Pick<FederationTrust, 'authorityHost' | 'tenantId'>): string {
  return `${trust.authorityHost.replace(/\/+$/, '')}/${trust.tenantId}/v2.0`;
}

/**
 * The audience as an admin may copy it: Entra's portal shows `api://<app id>/.default` (a scope) while
 * the token carries `api://<app id>`; both are accepted for either.
 */
function audiences(configured: string): string[] {
  const trimmed = configured.trim();
  const bare = trimmed.replace(/\/\.default$/i, '');
  return bare === trimmed ? [trimmed] : [bare, trimmed];
}

function defaultFetchJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = httpsGet(url, { timeout: FETCH_TIMEOUT_MS, headers: { accept: 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_DOCUMENT_BYTES) request.destroy(new Error(`${url} answered more than ${MAX_DOCUMENT_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        if (response.statusCode !== 200) return reject(new Error(`${url} answered HTTP ${response.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
        } catch {
          reject(new Error(`${url} did not answer JSON`));
        }
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${url} did not answer within ${FETCH_TIMEOUT_MS / 1000} s`)));
    request.on('error', reject);
  });
}

function presentedOf(assertion: string): PresentedAssertion | null {
  try {
    const header = decodeProtectedHeader(assertion);
    const claims = decodeJwt(assertion);
    const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 300) : null);
    const number = (value: unknown) => (typeof value === 'number' ? value : null);
    return {
      kid: text(header.kid),
      alg: text(header.alg),
      iss: text(claims.iss),
      sub: text(claims.sub),
      aud: Array.isArray(claims.aud) ? text(claims.aud.join(' ')) : text(claims.aud),
      tid: text(claims['tid']),
      iat: number(claims.iat),
      nbf: number(claims.nbf),
      exp: number(claims.exp),
    };
  } catch {
    return null;
  }
}

/** Checks Entra's assertions for one trust at a time; keys are cached per tenant metadata URL. */
export class FederationVerifier {
  private readonly cache = new Map<string, CachedKeys>();
  private readonly lastFetchAttempt = new Map<string, number>();
  private readonly now: () => Date;
  private readonly fetchJson: (url: string) => Promise<unknown>;
  private readonly skew: number;
  private readonly refreshAfterMs: number;
  private readonly maxAgeMs: number;
  private readonly cooldownMs: number;

  constructor(options: FederationVerifierOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.fetchJson = options.fetchJson ?? defaultFetchJson;
    this.skew = options.clockSkewSeconds ?? 300;
    this.refreshAfterMs = options.refreshAfterMs ?? 3_600_000;
    this.maxAgeMs = options.maxAgeMs ?? 86_400_000;
    this.cooldownMs = options.unknownKidCooldownMs ?? 30_000;
  }

  async verify(trust: FederationTrust, assertion: string): Promise<FederationResult> {
    const presented = presentedOf(assertion);
    if (!presented) return { ok: false, check: 'format', reason: 'The assertion is not a signed JWT (three base64url parts)', presented: null };
    const fail = (check: FederationCheck, reason: string): FederationResult => ({ ok: false, check, reason, presented });
    if (presented.alg !== 'RS256') return fail('alg', `Entra signs with RS256; the assertion says ${presented.alg ?? 'nothing'}`);
    const issuer = expectedIssuer(trust);
    // Before any network: a wrong issuer or tenant needs no keys to be refused.
    if (presented.iss !== issuer) return fail('iss', `Expected issuer ${issuer}, got ${presented.iss ?? 'none'}`);

    let keys: CachedKeys;
    try {
      keys = await this.keys(trust, presented.kid);
    } catch (error) {
      return fail('jwks', `The tenant's signing keys could not be read, and none is cached: ${(error as Error).message}`);
    }
    if (presented.kid === null || !keys.jwks.keys.some((key) => key.kid === presented.kid)) {
      return fail('kid', `No signing key with kid ${presented.kid ?? '(none)'} in the tenant's JWKS: the assertion was not signed by this tenant`);
    }
    try {
      await jwtVerify(assertion, createLocalJWKSet(keys.jwks), {
        algorithms: ['RS256'],
        issuer,
        audience: audiences(trust.audience),
        subject: trust.subject.trim(),
        clockTolerance: this.skew,
        currentDate: this.now(),
        requiredClaims: ['exp', 'iat', 'sub', 'aud', 'iss'],
      });
    } catch (error) {
      return this.explain(error, trust, presented);
    }
    const tenant = trust.tenantId.trim().toLowerCase();
    // Microsoft's guide: check tid too, so a token of another tenant can never pass (a GUID tenant id only; a domain has no tid to compare).
    if (/^[0-9a-f-]{36}$/.test(tenant) && presented.tid !== null && presented.tid.toLowerCase() !== tenant) return fail('tid', `Expected tenant ${tenant}, got ${presented.tid}`);
    return { ok: true, presented };
  }

  private explain(error: unknown, trust: FederationTrust, presented: PresentedAssertion): FederationResult {
    const fail = (check: FederationCheck, reason: string): FederationResult => ({ ok: false, check, reason, presented });
    if (error instanceof errors.JWTExpired) return fail('exp', `Expired at ${iso(presented.exp)} (clock skew allowed: ${this.skew} s)`);
    if (error instanceof errors.JWTClaimValidationFailed) {
      const claim = error.claim;
      if (claim === 'aud') return fail('aud', `Expected audience ${audiences(trust.audience).join(' or ')}, got ${presented.aud ?? 'none'}`);
      if (claim === 'sub') return fail('sub', `Expected subject ${trust.subject.trim()} (the provisioning service's workload identity), got ${presented.sub ?? 'none'}`);
      if (claim === 'nbf') return fail('nbf', `Not valid before ${iso(presented.nbf)}`);
      if (claim === 'iss') return fail('iss', `Expected issuer ${expectedIssuer(trust)}, got ${presented.iss ?? 'none'}`);
      if (claim === 'iat') return fail('iat', `Issued at ${iso(presented.iat)}, in the future`);
      if (claim === 'exp') return fail('exp', 'No expiry (exp) claim');
      return fail('format', `${claim}: ${error.reason}`);
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) return fail('signature', 'The signature does not match the key the kid names');
    if (error instanceof errors.JWKSNoMatchingKey) return fail('kid', `No usable key with kid ${presented.kid ?? '(none)'}`);
    if (error instanceof errors.JOSEAlgNotAllowed) return fail('alg', `Algorithm ${presented.alg ?? '?'} is not allowed`);
    return fail('format', error instanceof Error ? error.message : String(error));
  }

  /**
   * The tenant's keys: cached, fetched again when older than an hour or when the assertion names a kid
   * the cache does not hold (a rotation); a failed fetch keeps the cached keys until they are a day old.
   */
  private async keys(trust: FederationTrust, kid: string | null): Promise<CachedKeys> {
    const metadataUrl = `${expectedIssuer(trust)}/.well-known/openid-configuration`;
    const cached = this.cache.get(metadataUrl);
    const at = this.now().getTime();
    const knowsKid = cached !== undefined && kid !== null && cached.jwks.keys.some((key) => key.kid === kid);
    const stale = cached === undefined || at - cached.fetchedAt > this.refreshAfterMs;
    const mayRefetch = at - (this.lastFetchAttempt.get(metadataUrl) ?? -Infinity) >= this.cooldownMs;
    if (cached && !stale && (knowsKid || !mayRefetch)) return cached;
    this.lastFetchAttempt.set(metadataUrl, at);
    try {
      const fetched = await this.fetchKeys(metadataUrl, expectedIssuer(trust));
      this.cache.set(metadataUrl, fetched);
      return fetched;
    } catch (error) {
      if (cached && at - cached.fetchedAt <= this.maxAgeMs) return cached;
      if (cached) this.cache.delete(metadataUrl);
      throw error;
    }
  }

  private async fetchKeys(metadataUrl: string, issuer: string): Promise<CachedKeys> {
    const metadata = (await this.fetchJson(metadataUrl)) as { issuer?: unknown; jwks_uri?: unknown };
    // The metadata must speak for the issuer it is asked about; its JWKS must be https.
    if (metadata.issuer !== issuer) throw new Error(`the OIDC metadata names issuer ${String(metadata.issuer)}, not ${issuer}`);
    if (typeof metadata.jwks_uri !== 'string' || !metadata.jwks_uri.startsWith('https://')) throw new Error('the OIDC metadata has no https jwks_uri');
    const jwks = (await this.fetchJson(metadata.jwks_uri)) as JSONWebKeySet;
    if (!jwks || !Array.isArray(jwks.keys)) throw new Error(`${metadata.jwks_uri} is not a JWKS`);
    return { issuer, jwks: { keys: jwks.keys.filter((key) => key.kty === 'RSA') }, fetchedAt: this.now().getTime() };
  }
}

function iso(seconds: number | null): string {
  return seconds === null ? 'unknown' : new Date(seconds * 1000).toISOString();
}
