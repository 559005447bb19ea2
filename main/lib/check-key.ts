import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SettingsStore } from '../store/directory-store';
import type { SecretStore } from './secret-store';

/** Recognisable, and never a SCIM token: the SCIM app looks at a key only when it has this prefix. */
export const CHECK_KEY_PREFIX = 'scimdesk_check_';
const SECRET_NAME = 'reach.checkKey';
const HASH_SETTING = 'reach.checkKeyHash';
/** Like the token hashes: a key made by the CLI applies to a running service within this time. */
const CACHE_MS = 1000;

/**
 * The userName the check from outside asks for: a random GUID after a fixed prefix, so a probe can
 * never name a real user and the sync log shows what it was.
 */
export const CHECK_USERNAME = /^scimdesk-check-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const hashOf = (key: string) => createHash('sha256').update(key, 'utf8').digest();

/**
 * ScimDesk's own credential for the check from outside, so the button, the CLI and the check after
 * every tunnel start can call the public URL as Entra does without the Secret Token, which is stored
 * only as a hash and shown once. The key is 256 random bits kept in the secret store (the CLI of the
 * same data folder reads it there); the service knows only its hash (a setting, shared through the
 * database). It opens exactly one request: Entra's Test Connection query for a `scimdesk-check-<GUID>`
 * userName, which no user has, so it can read nothing.
 */
export class CheckKey {
  private cached: { readonly hash: Buffer | undefined; readonly at: number } | undefined;

  constructor(
    private readonly settings: Pick<SettingsStore, 'getSetting' | 'setSetting'>,
    private readonly secrets: Pick<SecretStore, 'get' | 'set'>,
  ) {}

  /** The key, made on first use. */
  async ensure(): Promise<string> {
    const saved = await this.secrets.get(SECRET_NAME);
    const hash = await this.settings.getSetting<string>(HASH_SETTING);
    if (saved && hash === hashOf(saved).toString('hex')) return saved;
    const key = CHECK_KEY_PREFIX + randomBytes(32).toString('base64url');
    await this.secrets.set(SECRET_NAME, key);
    await this.settings.setSetting(HASH_SETTING, hashOf(key).toString('hex'));
    this.cached = undefined;
    return key;
  }

  /** Whether `presented` is the key (compared in constant time against its hash). */
  async verify(presented: string): Promise<boolean> {
    if (!presented.startsWith(CHECK_KEY_PREFIX)) return false;
    if (!this.cached || performance.now() - this.cached.at > CACHE_MS) {
      const hex = await this.settings.getSetting<string>(HASH_SETTING);
      this.cached = { hash: hex ? Buffer.from(hex, 'hex') : undefined, at: performance.now() };
    }
    const expected = this.cached.hash;
    const actual = hashOf(presented);
    return expected !== undefined && expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
