import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { SettingsStore, TokenStore } from '../store/directory-store';
import { hashToken } from './scim-token';

/**
 * OAuth 2.0 clients (RFC 6749 §4.4, client credentials) that Entra's provisioning service signs in as.
 *
 * Kept as settings (one JSON list), not a table of their own: an installation has a handful of clients,
 * and the last-used times live under a second key that only the service writes, so the CLI creating or
 * revoking a client beside a running service never races with the service's once-a-minute touch.
 * Secrets are 256 random bits, stored as an HMAC-SHA-256 under the Secret Token's installation key
 * (like the Secret Token: a slow password hash would cost ~250 ms per wrong guess).
 */

/** Recognisable secrets, like the Secret Token's `scimdesk_`: secret scanners can tell them apart. */
export const CLIENT_SECRET_PREFIX = 'scimdesk_cs_';
const CLIENTS_SETTING = 'auth.oauthClients';
const LAST_USED_SETTING = 'auth.oauthClientsLastUsed';
/** Microsoft suggests client secrets of 1 to 3 years; two is the default. */
export const DEFAULT_SECRET_LIFETIME_DAYS = 730;
export const MAX_SECRET_LIFETIME_DAYS = 3650;
/** The Overview and the Authentication screen warn this long before a secret ends. */
export const SECRET_WARNING_DAYS = 30;
/** After a rotation the earlier secret keeps working this long, time to paste the new one into Entra. */
export const ROTATION_OVERLAP_MS = 7 * 86_400_000;
/** Like the Secret Token's hashes: a change made by the CLI reaches a running service within this time. */
const CACHE_MS = 1000;
const TOUCH_INTERVAL_MS = 60_000;

export interface ClientSecretRecord {
  readonly id: string;
  /** HMAC-SHA-256 of the secret, base64. */
  readonly hash: string;
  /** The prefix and the last four characters, for the admin's eyes. */
  readonly hint: string;
  readonly created: string;
  readonly expires: string;
  readonly revoked: string | null;
}

export interface OAuthClientRecord {
  readonly clientId: string;
  readonly name: string;
  readonly created: string;
  readonly revoked: string | null;
  /** Newest first; more than one active only during a rotation's overlap. */
  readonly secrets: ReadonlyArray<ClientSecretRecord>;
}

export interface IssuedClientSecret {
  readonly client: OAuthClientRecord;
  /** The clear secret: shown once, never stored. */
  readonly secret: string;
}

export type ClientCheck =
  | { readonly ok: true; readonly clientId: string; readonly secretId: string }
  | { readonly ok: false; readonly reason: 'unknownClient' | 'revoked' | 'wrongSecret' | 'expired' };

export class OAuthClientError extends Error {
  constructor(
    readonly code: 'notFound' | 'invalidInput',
    message: string,
  ) {
    super(message);
    this.name = 'OAuthClientError';
  }
}

/** Whether a secret is usable at `now` (not revoked, not past its end). */
export function isSecretActive(secret: ClientSecretRecord, now: Date): boolean {
  return secret.revoked === null && secret.expires > now.toISOString();
}

/** The client's active secret that ends last; undefined when none is active. */
export function latestSecret(client: OAuthClientRecord, now: Date): ClientSecretRecord | undefined {
  return client.secrets.filter((s) => isSecretActive(s, now)).sort((a, b) => (a.expires < b.expires ? 1 : -1))[0];
}

/** Issues, checks, rotates and revokes the OAuth clients and their secrets. */
export class OAuthClients {
  private key: Buffer | undefined;
  private cache: { readonly clients: ReadonlyArray<OAuthClientRecord>; readonly at: number } | undefined;
  private lastUsed: Record<string, string> | undefined;
  private readonly lastTouch = new Map<string, number>();

  constructor(
    private readonly store: Pick<SettingsStore, 'getSetting' | 'setSetting'> & Pick<TokenStore, 'tokenHashKey'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(): Promise<ReadonlyArray<OAuthClientRecord>> {
    return (await this.store.getSetting<OAuthClientRecord[]>(CLIENTS_SETTING)) ?? [];
  }

  /** When each client last got an access token (the service's own record). */
  async lastUsedTimes(): Promise<Readonly<Record<string, string>>> {
    return (await this.store.getSetting<Record<string, string>>(LAST_USED_SETTING)) ?? {};
  }

  async create(name: string, lifetimeDays = DEFAULT_SECRET_LIFETIME_DAYS): Promise<IssuedClientSecret> {
    const now = this.now();
    const { record, secret } = await this.newSecret(now, lifetimeDays);
    const client: OAuthClientRecord = { clientId: randomUUID(), name: name.trim() || 'Entra provisioning', created: now.toISOString(), revoked: null, secrets: [record] };
    await this.save([client, ...(await this.list())]);
    return { client, secret };
  }

  /**
   * A new secret for a client; the earlier ones keep working for the overlap (or until their own end,
   * if sooner), so Entra keeps provisioning while the admin pastes the new one.
   */
  async rotate(clientId: string, lifetimeDays = DEFAULT_SECRET_LIFETIME_DAYS): Promise<IssuedClientSecret> {
    const now = this.now();
    const clients = await this.list();
    const client = this.activeClient(clients, clientId);
    const { record, secret } = await this.newSecret(now, lifetimeDays);
    const overlapEnd = new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString();
    const updated: OAuthClientRecord = {
      ...client,
      secrets: [record, ...client.secrets.map((s) => (isSecretActive(s, now) && s.expires > overlapEnd ? { ...s, expires: overlapEnd } : s))],
    };
    await this.save(clients.map((c) => (c.clientId === clientId ? updated : c)));
    return { client: updated, secret };
  }

  /** Revokes a client: its secrets and every access token issued to it stop working at once. */
  async revoke(clientId: string): Promise<OAuthClientRecord> {
    const time = this.now().toISOString();
    const clients = await this.list();
    const client = clients.find((c) => c.clientId === clientId);
    if (!client) throw new OAuthClientError('notFound', `No OAuth client ${clientId}`);
    const updated: OAuthClientRecord = client.revoked ? client : { ...client, revoked: time, secrets: client.secrets.map((s) => (s.revoked ? s : { ...s, revoked: time })) };
    await this.save(clients.map((c) => (c.clientId === clientId ? updated : c)));
    return updated;
  }

  /** Checks a presented client id and secret, in constant time against each of the client's secrets. */
  async verify(clientId: string, secret: string): Promise<ClientCheck> {
    const key = (this.key ??= await this.store.tokenHashKey());
    const client = (await this.fresh()).find((c) => c.clientId === clientId);
    if (!client) return { ok: false, reason: 'unknownClient' };
    if (client.revoked) return { ok: false, reason: 'revoked' };
    const hash = hashToken(key, secret);
    let match: ClientSecretRecord | undefined;
    for (const candidate of client.secrets) {
      const stored = Buffer.from(candidate.hash, 'base64');
      if (stored.length === hash.length && timingSafeEqual(stored, hash)) match = candidate;
    }
    if (!match || match.revoked) return { ok: false, reason: 'wrongSecret' };
    if (!isSecretActive(match, this.now())) return { ok: false, reason: 'expired' };
    return { ok: true, clientId, secretId: match.id };
  }

  /**
   * Whether a client may still use its access tokens, from memory when the list is fresh (the hot path
   * of every SCIM request); undefined when the list must be read again (`isActive` does that).
   */
  isActiveCached(clientId: string): boolean | undefined {
    if (!this.cache || performance.now() - this.cache.at > CACHE_MS) return undefined;
    return this.cache.clients.some((c) => c.clientId === clientId && c.revoked === null);
  }

  async isActive(clientId: string): Promise<boolean> {
    return (await this.fresh()).some((c) => c.clientId === clientId && c.revoked === null);
  }

  /** Notes that a client got an access token; written at most once a minute per client. */
  async touch(clientId: string): Promise<void> {
    const now = this.now();
    if (now.getTime() - (this.lastTouch.get(clientId) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.lastTouch.set(clientId, now.getTime());
    this.lastUsed ??= await this.lastUsedTimes();
    this.lastUsed = { ...this.lastUsed, [clientId]: now.toISOString() };
    await this.store.setSetting(LAST_USED_SETTING, this.lastUsed);
  }

  private activeClient(clients: ReadonlyArray<OAuthClientRecord>, clientId: string): OAuthClientRecord {
    const client = clients.find((c) => c.clientId === clientId);
    if (!client) throw new OAuthClientError('notFound', `No OAuth client ${clientId}`);
    if (client.revoked) throw new OAuthClientError('invalidInput', `The OAuth client ${clientId} was revoked; create a new one`);
    return client;
  }

  private async newSecret(now: Date, lifetimeDays: number): Promise<{ record: ClientSecretRecord; secret: string }> {
    if (!Number.isInteger(lifetimeDays) || lifetimeDays < 1 || lifetimeDays > MAX_SECRET_LIFETIME_DAYS) {
      throw new OAuthClientError('invalidInput', `A client secret's lifetime is 1 to ${MAX_SECRET_LIFETIME_DAYS} days (Microsoft suggests 1 to 3 years)`);
    }
    const key = (this.key ??= await this.store.tokenHashKey());
    const secret = CLIENT_SECRET_PREFIX + randomBytes(32).toString('base64url');
    return {
      secret,
      record: {
        id: randomBytes(6).toString('hex'),
        hash: hashToken(key, secret).toString('base64'),
        hint: `${CLIENT_SECRET_PREFIX}••••${secret.slice(-4)}`,
        created: now.toISOString(),
        expires: new Date(now.getTime() + lifetimeDays * 86_400_000).toISOString(),
        revoked: null,
      },
    };
  }

  private async save(clients: ReadonlyArray<OAuthClientRecord>): Promise<void> {
    await this.store.setSetting(CLIENTS_SETTING, clients);
    this.cache = { clients, at: performance.now() };
  }

  private async fresh(): Promise<ReadonlyArray<OAuthClientRecord>> {
    if (this.cache && performance.now() - this.cache.at <= CACHE_MS) return this.cache.clients;
    const clients = await this.list();
    this.cache = { clients, at: performance.now() };
    return clients;
  }
}
