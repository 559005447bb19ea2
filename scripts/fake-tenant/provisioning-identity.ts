import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/**
 * The fake tenant's side of workload identity federation (Microsoft's "Workload Identity Federation for
 * SCIM Provisioning" guide): the tenant's RS256 signing keys, published as a JWKS and rotated on demand,
 * and the assertions Entra's provisioning service presents to a target's token endpoint: `iss`
 * <authority>/<tenant>/v2.0, `sub` the provisioning service's workload identity (an object id), `aud`
 * api://<workload identity app id>, `tid`, `iat`, `nbf`, `exp` one hour on, `appid`, `oid`, `ver` 2.0.
 */

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export interface AssertionOverrides {
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string;
  readonly tid?: string;
  /** Seconds since the epoch. */
  readonly iat?: number;
  readonly nbf?: number;
  readonly exp?: number;
  /** Sign with a key the tenant never published (a forged assertion). */
  readonly unknownKey?: boolean;
  /** Sign with this published key (default: the newest). */
  readonly kid?: string;
  /** The clock the claims count from (default: now). */
  readonly now?: Date;
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID().replace(/-/g, '').slice(0, 27);
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256', kty: 'RSA' } };
}

export class ProvisioningIdentity {
  /** The provisioning service's workload identity: the expected `sub`. */
  readonly subject = randomUUID();
  /** The workload identity app's id: `aud` is api://<appId>. */
  readonly appId = randomUUID();
  readonly objectId = randomUUID();
  /** While true, the JWKS route answers 503 (Entra's key endpoint unreachable). */
  keysDown = false;
  private published: SigningKey[] = [];
  private forger: SigningKey | undefined;

  constructor(
    private readonly issuer: () => string,
    private readonly tenantId: () => string,
  ) {}

  /** The audience as the token carries it (Entra's portal shows it with `/.default`). */
  get audience(): string {
    return `api://${this.appId}`;
  }

  async ready(): Promise<void> {
    if (this.published.length === 0) this.published.push(await newKey());
    this.forger ??= await newKey();
  }

  /** The JWKS document, newest key first. */
  jwks(): { keys: JWK[] } {
    return { keys: [...this.published].reverse().map((key) => key.publicJwk) };
  }

  /** The key the next assertions are signed with. */
  get currentKid(): string {
    return this.published[this.published.length - 1]!.kid;
  }

  /** A new signing key; `retireOld` drops the earlier ones from the JWKS (as after a completed rotation). Returns the new kid. */
  async rotateKeys(options: { readonly retireOld?: boolean } = {}): Promise<string> {
    await this.ready();
    const key = await newKey();
    this.published = options.retireOld ? [key] : [...this.published, key];
    return key.kid;
  }

  /** An assertion as Entra's provisioning service presents it, with claims overridden for the failure cases. */
  async assertion(overrides: AssertionOverrides = {}): Promise<string> {
    await this.ready();
    const key = overrides.unknownKey ? this.forger! : (this.published.find((k) => k.kid === (overrides.kid ?? this.currentKid)) ?? this.published[this.published.length - 1]!);
    const now = Math.floor((overrides.now ?? new Date()).getTime() / 1000);
    const iss = overrides.iss ?? this.issuer();
    return new SignJWT({
      tid: overrides.tid ?? this.tenantId(),
      appid: this.appId,
      appidacr: '2',
      idp: iss,
      oid: this.objectId,
      ver: '2.0',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .setIssuer(iss)
      .setSubject(overrides.sub ?? this.subject)
      .setAudience(overrides.aud ?? this.audience)
      .setIssuedAt(overrides.iat ?? now)
      .setNotBefore(overrides.nbf ?? now)
      .setExpirationTime(overrides.exp ?? now + 3900)
      .sign(key.privateKey);
  }
}
