import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecretStore } from './secret-store';

/**
 * The short-lived access tokens ScimDesk's token endpoint issues (client credentials and workload
 * identity federation alike) and every SCIM request presents.
 *
 * Self-contained and signed (HMAC-SHA-256 under a key kept in the secret store), so a request is
 * checked without a database read: the signature, the end, and whether the client it names is still
 * allowed, which the caller answers from a list cached for a second. Revoking a client therefore ends
 * its live tokens within that second. Not a JWT on purpose: only ScimDesk reads them, they are opaque
 * to Entra (RFC 6749 §1.4), and a synchronous HMAC check keeps the hot path free of promises.
 * They survive a restart (the key is kept); a lost key (another OS account, a wiped keychain) only
 * makes Entra ask for a new token.
 */

export const ACCESS_TOKEN_PREFIX = 'scimdesk_at_';
const KEY_NAME = 'auth.accessTokenKey';
/** One hour, as Microsoft's guide suggests (1 to 6 hours); Entra asks for a new one when it ends. */
export const DEFAULT_ACCESS_TOKEN_SECONDS = 3600;
export const MIN_ACCESS_TOKEN_SECONDS = 60;
export const MAX_ACCESS_TOKEN_SECONDS = 6 * 3600;

/** How a token's holder signed in: client credentials (a secret) or workload identity federation (an Entra-signed JWT). */
export type AccessTokenMethod = 'clientCredentials' | 'federation';

export interface AccessTokenClaims {
  /** The OAuth client id the token was issued to. */
  readonly clientId: string;
  readonly method: AccessTokenMethod;
  /** Seconds since the epoch. */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export type AccessTokenCheck =
  | { readonly ok: true; readonly claims: AccessTokenClaims }
  | { readonly ok: false; readonly reason: 'invalid' | 'expired' | 'revoked' };

interface Payload {
  readonly c: string;
  readonly m: 'cc' | 'wif';
  readonly i: number;
  readonly e: number;
  /** Random, so two tokens issued in one second differ. */
  readonly n: string;
}

/** Signs and checks access tokens; the key is read once from the secret store (made on first use). */
export class AccessTokens {
  private key: Buffer | undefined;

  constructor(
    private readonly secrets: Pick<SecretStore, 'get' | 'set'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Loads (or makes) the signing key; `checkCached` can answer only after this. */
  async ready(): Promise<void> {
    if (this.key) return;
    const saved = await this.secrets.get(KEY_NAME);
    if (saved) this.key = Buffer.from(saved, 'base64');
    else {
      const key = randomBytes(32);
      await this.secrets.set(KEY_NAME, key.toString('base64'));
      this.key = key;
    }
  }

  async issue(clientId: string, method: AccessTokenMethod, lifetimeSeconds: number): Promise<{ readonly token: string; readonly claims: AccessTokenClaims }> {
    await this.ready();
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const payload: Payload = { c: clientId, m: method === 'federation' ? 'wif' : 'cc', i: issuedAt, e: issuedAt + lifetimeSeconds, n: randomBytes(6).toString('base64url') };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return { token: `${ACCESS_TOKEN_PREFIX}${body}.${this.sign(body)}`, claims: { clientId, method, issuedAt, expiresAt: payload.e } };
  }

  /**
   * Checks a presented token: signature and end here, the client's standing by `isAllowed`. Undefined
   * when the key is not loaded yet or `isAllowed` cannot answer from memory (then call `check`).
   */
  checkCached(presented: string, isAllowed: (claims: AccessTokenClaims) => boolean | undefined): AccessTokenCheck | undefined {
    if (!this.key) return undefined;
    const claims = this.read(presented);
    if (!claims) return { ok: false, reason: 'invalid' };
    if (claims.expiresAt <= this.now().getTime() / 1000) return { ok: false, reason: 'expired' };
    const allowed = isAllowed(claims);
    if (allowed === undefined) return undefined;
    return allowed ? { ok: true, claims } : { ok: false, reason: 'revoked' };
  }

  async check(presented: string, isAllowed: (claims: AccessTokenClaims) => Promise<boolean>): Promise<AccessTokenCheck> {
    await this.ready();
    const claims = this.read(presented);
    if (!claims) return { ok: false, reason: 'invalid' };
    if (claims.expiresAt <= this.now().getTime() / 1000) return { ok: false, reason: 'expired' };
    return (await isAllowed(claims)) ? { ok: true, claims } : { ok: false, reason: 'revoked' };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key!).update(body, 'utf8').digest('base64url');
  }

  private read(presented: string): AccessTokenClaims | undefined {
    if (!presented.startsWith(ACCESS_TOKEN_PREFIX)) return undefined;
    const [body, signature, extra] = presented.slice(ACCESS_TOKEN_PREFIX.length).split('.');
    if (!body || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(body), 'base64url');
    const actual = Buffer.from(signature, 'base64url');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    try {
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Payload>;
      if (typeof payload.c !== 'string' || typeof payload.e !== 'number' || typeof payload.i !== 'number' || (payload.m !== 'cc' && payload.m !== 'wif')) return undefined;
      return { clientId: payload.c, method: payload.m === 'wif' ? 'federation' : 'clientCredentials', issuedAt: payload.i, expiresAt: payload.e };
    } catch {
      return undefined;
    }
  }
}
