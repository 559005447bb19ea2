import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { DeliveryStore, ReadCredentialRecord, TokenStore } from '../store/directory-store';
import { hashToken } from './scim-token';

/**
 * Prefix of a read-only credential: its own kind, told apart at a glance from the Secret Token
 * (`scimdesk_`) that writes, and never accepted where that one is needed.
 */
export const READ_CREDENTIAL_PREFIX = 'scimdeskread_';

export interface IssuedReadCredential {
  /** The clear credential: shown once, never stored. */
  readonly credential: string;
  readonly record: ReadCredentialRecord;
}

/** How long the active hashes are trusted (a credential revoked by the CLI in another process stops within this). */
const ACTIVE_CACHE_MS = 1000;
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Read-only credentials for the systems that read the directory (SCIM GET and the change feed):
 * stored as keyed hashes like the Secret Token (the same per-installation key), listed by hint,
 * revocable one by one.
 */
export class ReadCredentialService {
  private key: Buffer | undefined;
  private active: { readonly hashes: ReadonlyArray<{ readonly id: number; readonly hash: Buffer }>; readonly at: number } | undefined;
  private readonly lastTouch = new Map<number, number>();

  constructor(
    private readonly store: Pick<DeliveryStore, 'addReadCredential' | 'listReadCredentials' | 'revokeReadCredential' | 'activeReadCredentialHashes' | 'touchReadCredential'> &
      Pick<TokenStore, 'tokenHashKey'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async issue(name: string): Promise<IssuedReadCredential> {
    const credential = READ_CREDENTIAL_PREFIX + randomBytes(32).toString('base64url');
    const record = await this.store.addReadCredential(name, hashToken(await this.hashKey(), credential), `${READ_CREDENTIAL_PREFIX}••••••••${credential.slice(-4)}`, this.now());
    this.active = undefined;
    return { credential, record };
  }

  list(): Promise<ReadonlyArray<ReadCredentialRecord>> {
    return this.store.listReadCredentials();
  }

  async revoke(id: number): Promise<boolean> {
    const revoked = await this.store.revokeReadCredential(id, this.now());
    this.active = undefined;
    return revoked;
  }

  /** The credential's id when `presented` is an active read-only credential; undefined otherwise (in constant time over the candidates). */
  async verify(presented: string | undefined): Promise<number | undefined> {
    if (presented === undefined || !presented.startsWith(READ_CREDENTIAL_PREFIX)) return undefined;
    const hash = hashToken(await this.hashKey(), presented);
    let match: number | undefined;
    for (const candidate of await this.activeHashes()) {
      if (candidate.hash.length === hash.length && timingSafeEqual(candidate.hash, hash)) match = candidate.id;
    }
    if (match !== undefined) await this.touch(match);
    return match;
  }

  /** A feed read after `seq`: the consumer has what came before, so retention may let it go. */
  async acknowledge(id: number, seq: number): Promise<void> {
    await this.store.touchReadCredential(id, this.now(), seq).catch(() => undefined);
  }

  private async touch(id: number): Promise<void> {
    const now = this.now();
    if (now.getTime() - (this.lastTouch.get(id) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.lastTouch.set(id, now.getTime());
    // Best effort, as for the Secret Token: reads keep working on a full or read-only disk.
    await this.store.touchReadCredential(id, now).catch(() => undefined);
  }

  private async activeHashes(): Promise<ReadonlyArray<{ readonly id: number; readonly hash: Buffer }>> {
    if (this.active && performance.now() - this.active.at <= ACTIVE_CACHE_MS) return this.active.hashes;
    const at = performance.now();
    const hashes = await this.store.activeReadCredentialHashes();
    this.active = { hashes, at };
    return hashes;
  }

  private async hashKey(): Promise<Buffer> {
    this.key ??= await this.store.tokenHashKey();
    return this.key;
  }
}
