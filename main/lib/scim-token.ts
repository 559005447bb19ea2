import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TokenRecord, TokenStore } from '../store/directory-store';

/** Recognisable prefix: secret scanners and admins can tell a ScimDesk token at a glance. */
export const TOKEN_PREFIX = 'scimdesk_';

/** A new secret token: the prefix and 256 random bits, base64url. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * Keyed hash of a token. The token is 256 random bits, so a fast HMAC is as
 * safe as a slow password hash and keeps every request cheap (a bcrypt per
 * request turns each wrong token into ~250 ms of CPU).
 */
export function hashToken(key: Buffer, token: string): Buffer {
  return createHmac('sha256', key).update(token, 'utf8').digest();
}

/** What the UI and CLI show instead of the token: the prefix and the last four characters. */
export function tokenHint(token: string): string {
  return `${TOKEN_PREFIX}••••••••${token.slice(-4)}`;
}

/** The newest token of a list (newest first) that is neither revoked nor expired. */
export function currentToken(records: ReadonlyArray<TokenRecord>, now: Date): TokenRecord | undefined {
  const time = now.toISOString();
  return records.find((t) => t.revoked === null && (t.expires === null || t.expires > time));
}

export type TokenCheck =
  | { readonly ok: true; readonly tokenId: number }
  | { readonly ok: false; readonly reason: 'missing' | 'invalid' | 'expired' };

export interface IssuedToken {
  /** The clear token: shown once, never stored. */
  readonly token: string;
  readonly record: TokenRecord;
}

/** How often a token's last-used time is written: once a minute is precise enough and spares a write per request. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * How long the active hashes are trusted before the store is asked again. A
 * change made through this service applies at once; one made by the CLI in
 * another process applies within this time. Re-reading on every request costs
 * a database read transaction per SCIM call.
 */
const ACTIVE_CACHE_MS = 1000;

type ActiveHashes = ReadonlyArray<{ readonly id: number; readonly hash: Buffer; readonly expires: string | null }>;

/** Issues, checks and revokes the SCIM bearer token. */
export class TokenService {
  private key: Buffer | undefined;
  private readonly lastTouch = new Map<number, number>();
  private active: { readonly hashes: ActiveHashes; readonly loadedAt: number } | undefined;

  constructor(
    private readonly store: TokenStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Generates a token and revokes every other one at once. `lifetimeDays` 0 means it never expires. */
  rotate(lifetimeDays = 0): Promise<IssuedToken> {
    return this.issue(lifetimeDays, (hash, hint, expires, now) => this.store.replaceToken(hash, hint, expires, now));
  }

  /** Generates a token that works beside the current one, for a rotation without downtime. */
  issueAdditional(lifetimeDays = 0): Promise<IssuedToken> {
    return this.issue(lifetimeDays, (hash, hint, expires, now) => this.store.addToken(hash, hint, expires, now));
  }

  private async issue(
    lifetimeDays: number,
    save: (hash: Buffer, hint: string, expires: Date | null, now: Date) => Promise<TokenRecord>,
  ): Promise<IssuedToken> {
    const token = generateToken();
    const now = this.now();
    const record = await save(hashToken(await this.hashKey(), token), tokenHint(token), expiry(now, lifetimeDays), now);
    this.active = undefined;
    return { token, record };
  }

  /** Revokes every active token (or all but one); SCIM requests fail with 401 until a new one is generated. */
  async revoke(exceptId?: number): Promise<number> {
    const revoked = await this.store.revokeTokens(this.now(), exceptId);
    this.active = undefined;
    return revoked;
  }

  /** Revokes one token (e.g. a new one whose rotation could not be finished). */
  async revokeOne(id: number): Promise<boolean> {
    const revoked = await this.store.revokeToken(id, this.now());
    this.active = undefined;
    return revoked;
  }

  /** Every other active token stops working at `at`: the overlap of a rotation without downtime. */
  async retireOthers(keepId: number, at: Date): Promise<number> {
    const changed = await this.store.expireTokens(keepId, at);
    this.active = undefined;
    return changed;
  }

  async list(): Promise<ReadonlyArray<TokenRecord>> {
    return this.store.listTokens();
  }

  /** The newest token that is neither revoked nor expired. */
  async current(): Promise<TokenRecord | undefined> {
    return currentToken(await this.store.listTokens(), this.now());
  }

  /** Checks a presented bearer token in constant time against every active hash. */
  async verify(presented: string | undefined): Promise<TokenCheck> {
    if (presented === undefined || presented === '') return { ok: false, reason: 'missing' };
    const key = await this.hashKey();
    const hashes = await this.activeHashes();
    const now = this.now();
    const check = this.check(key, hashes, presented, now);
    if (check.ok && this.touchDue(check.tokenId, now)) {
      this.lastTouch.set(check.tokenId, now.getTime());
      // Best effort: the last-used time is for the admin's eyes, and reads must keep working on a full or read-only disk.
      await this.store.touchToken(check.tokenId, now).catch(() => undefined);
    }
    return check;
  }

  /**
   * The same check without waiting, when everything it needs is in memory (the key, fresh active
   * hashes, no last-used write due); undefined otherwise, and then `verify` does the work. Every
   * SCIM request runs this: the promises of the general path cost more than the check itself.
   */
  verifyCached(presented: string | undefined): TokenCheck | undefined {
    if (presented === undefined || presented === '') return { ok: false, reason: 'missing' };
    const hashes = this.freshActive();
    if (!this.key || !hashes) return undefined;
    const now = this.now();
    const check = this.check(this.key, hashes, presented, now);
    return check.ok && this.touchDue(check.tokenId, now) ? undefined : check;
  }

  private check(key: Buffer, hashes: ActiveHashes, presented: string, now: Date): TokenCheck {
    const hash = hashToken(key, presented);
    let match: { id: number; expires: string | null } | undefined;
    for (const candidate of hashes) {
      // Compare against every candidate, without stopping early, so timing says nothing about which matched.
      if (candidate.hash.length === hash.length && timingSafeEqual(candidate.hash, hash)) match = candidate;
    }
    if (!match) return { ok: false, reason: 'invalid' };
    if (match.expires !== null && match.expires <= now.toISOString()) return { ok: false, reason: 'expired' };
    return { ok: true, tokenId: match.id };
  }

  private touchDue(tokenId: number, now: Date): boolean {
    return now.getTime() - (this.lastTouch.get(tokenId) ?? 0) >= TOUCH_INTERVAL_MS;
  }

  private freshActive(): ActiveHashes | undefined {
    return this.active && performance.now() - this.active.loadedAt <= ACTIVE_CACHE_MS ? this.active.hashes : undefined;
  }

  private async activeHashes(): Promise<ActiveHashes> {
    const cached = this.freshActive();
    if (cached) return cached;
    const loadedAt = performance.now();
    const hashes = await this.store.activeTokenHashes();
    this.active = { hashes, loadedAt };
    return hashes;
  }

  private async hashKey(): Promise<Buffer> {
    this.key ??= await this.store.tokenHashKey();
    return this.key;
  }
}

function expiry(now: Date, lifetimeDays: number): Date | null {
  if (!Number.isFinite(lifetimeDays) || lifetimeDays < 0) throw new RangeError('Token lifetime must be 0 (never expires) or a number of days');
  return lifetimeDays === 0 ? null : new Date(now.getTime() + lifetimeDays * 86_400_000);
}
