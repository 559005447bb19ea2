import type { SecretStore } from '../lib/secret-store';
import type { DeliveryStore } from '../store/directory-store';

/** The secret store's entry of a subscription's signing secret. */
export function webhookSecretName(subscriptionId: string): string {
  return `webhook:${subscriptionId}`;
}

/** How long the worker trusts a secret it read: a secret changed in the store by hand is used within this time. */
const CACHE_MS = 60_000;

export interface SubscriptionSecretsDeps {
  readonly secrets: Pick<SecretStore, 'get' | 'set' | 'delete' | 'description'>;
  readonly store: Pick<DeliveryStore, 'legacySubscriptionSecrets' | 'blankLegacySubscriptionSecret'>;
  readonly now?: () => number;
}

/**
 * The webhook signing secrets, one secret-store entry per subscription (DESIGN: secrets are never kept in
 * clear text, and the database is copied into every snapshot). The database keeps only the hint.
 * Reads are cached for a minute and dropped after a failed delivery, so a secret changed in the store is
 * picked up; the CLI writes through the same store (the choice is recorded per data folder), so the
 * service finds what it wrote.
 */
export class SubscriptionSecrets {
  private readonly cache = new Map<string, { readonly secret: string; readonly until: number }>();
  private readonly now: () => number;

  constructor(private readonly deps: SubscriptionSecretsDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Where the secrets are, in the admin's words (named in the reason of a subscription paused for a missing one). */
  get description(): string {
    return this.deps.secrets.description;
  }

  async save(subscriptionId: string, secret: string): Promise<void> {
    await this.deps.secrets.set(webhookSecretName(subscriptionId), secret);
    this.cache.set(subscriptionId, { secret, until: this.now() + CACHE_MS });
  }

  /** The secret to sign with; undefined when the store does not have it (never a reason to send unsigned). */
  async read(subscriptionId: string): Promise<string | undefined> {
    const cached = this.cache.get(subscriptionId);
    if (cached && cached.until > this.now()) return cached.secret;
    const secret = await this.deps.secrets.get(webhookSecretName(subscriptionId));
    if (secret === undefined) this.cache.delete(subscriptionId);
    else this.cache.set(subscriptionId, { secret, until: this.now() + CACHE_MS });
    return secret;
  }

  /** Drops the cached secret: the next read asks the store (after a failed delivery: the receiver may hold a new one). */
  forget(subscriptionId: string): void {
    this.cache.delete(subscriptionId);
  }

  async remove(subscriptionId: string): Promise<void> {
    this.cache.delete(subscriptionId);
    await this.deps.secrets.delete(webhookSecretName(subscriptionId));
  }

  /**
   * Moves every secret an older ScimDesk left in clear text in the database into the secret store, then
   * blanks it there. The store is written (and read back) first, so a process that dies in between leaves
   * the secret in both places and the next start finishes the move; running it again changes nothing.
   * Returns how many were moved.
   */
  async moveLegacy(): Promise<number> {
    let moved = 0;
    for (const { id, secret } of await this.deps.store.legacySubscriptionSecrets()) {
      const name = webhookSecretName(id);
      await this.deps.secrets.set(name, secret);
      if ((await this.deps.secrets.get(name)) !== secret) throw new Error(`The secret store did not keep the signing secret of ${id}; it stays in the database for now`);
      if (await this.deps.store.blankLegacySubscriptionSecret(id, secret)) moved++;
    }
    return moved;
  }
}
