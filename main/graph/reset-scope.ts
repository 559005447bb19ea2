/**
 * The `resetScope` values of Graph's synchronizationJob restart action
 * (synchronizationJobRestartCriteria), and which of them ScimDesk refuses to
 * send unless the admin insists.
 */

/** Graph's synchronizationJobRestartScope flags (sent comma-separated). */
export const RESET_SCOPES = ['None', 'ConnectorDataStore', 'Escrows', 'Watermark', 'QuarantineState', 'Full', 'ForceDeletes'] as const;
export type ResetScope = (typeof RESET_SCOPES)[number];

/**
 * Scopes that wipe the connector data store: Microsoft's reference says of
 * `ConnectorDataStore` "Clears the underlying cache for all users. DO NOT USE.
 * Contact Microsoft Support for guidance", and `Full` means all of the options,
 * so it includes it. That cache is where Entra keeps the target identifier it
 * saved for each object (the SCIM `id` ScimDesk returned), so clearing it makes
 * Entra match every user and group again from scratch: it is the only restart
 * that forgets a wrongly saved identifier, and also the one that can duplicate or
 * orphan records if matching is not right first. Refused unless `{ insist: true }`.
 */
export const WIPING_RESET_SCOPES: ReadonlyArray<ResetScope> = ['ConnectorDataStore', 'Full'];

/**
 * `ForceDeletes` deletes the users held back by accidental-deletion prevention
 * once the deletion threshold is exceeded: in ScimDesk that means deprovisioning
 * them all at once. Also refused unless `{ insist: true }`.
 */
export const DELETING_RESET_SCOPES: ReadonlyArray<ResetScope> = ['ForceDeletes'];

/**
 * What the admin center's "Restart provisioning" does (Microsoft: leaving the
 * scope empty "is similar to setting the resetScope to include QuarantineState,
 * Watermark, and Escrows"): re-evaluate every object, retry nothing old, lift
 * quarantine, keep the saved identifiers.
 */
export const RECOMMENDED_RESET_SCOPE: ReadonlyArray<ResetScope> = ['Watermark', 'Escrows', 'QuarantineState'];

/** Plain words for each scope, for the confirmation dialog. */
export const RESET_SCOPE_MEANING: Readonly<Record<ResetScope, string>> = {
  None: 'Starts a paused or quarantined job (Microsoft says: use Start instead).',
  ConnectorDataStore: 'Forgets every identifier Entra saved for ScimDesk records, so all users and groups are matched again from scratch.',
  Escrows: 'Drops the failed operations Entra was going to retry.',
  Watermark: 'Makes the next cycle evaluate every user and group again, not only changes.',
  QuarantineState: 'Lifts the quarantine for now.',
  Full: 'All of the above, including forgetting every saved identifier.',
  ForceDeletes: 'Deletes the users that accidental-deletion prevention was holding back.',
};

export class ResetScopeRefusedError extends Error {
  constructor(
    message: string,
    readonly scopes: ReadonlyArray<ResetScope>,
  ) {
    super(message);
    this.name = 'ResetScopeRefusedError';
  }
}

/** Checks and joins scopes for the restart body; throws on unknown scopes and on refused ones without insist. */
export function toResetScope(scopes: ReadonlyArray<string>, options: { readonly insist?: boolean } = {}): string {
  if (scopes.length === 0) throw new ResetScopeRefusedError('Choose at least one reset scope (the admin center\'s Restart is Watermark, Escrows and QuarantineState).', []);
  const unknown = scopes.filter((s) => !(RESET_SCOPES as ReadonlyArray<string>).includes(s));
  if (unknown.length > 0) throw new ResetScopeRefusedError(`Unknown reset scope: ${unknown.join(', ')}. Known: ${RESET_SCOPES.join(', ')}.`, []);
  const chosen = [...new Set(scopes as ReadonlyArray<ResetScope>)];
  if (!options.insist) {
    const wiping = chosen.filter((s) => WIPING_RESET_SCOPES.includes(s));
    if (wiping.length > 0) {
      throw new ResetScopeRefusedError(
        `${wiping.join(' and ')} wipes Entra's connector data store: every saved identifier is forgotten and all objects are matched again. Microsoft advises contacting support first. Confirm to insist.`,
        wiping,
      );
    }
    const deleting = chosen.filter((s) => DELETING_RESET_SCOPES.includes(s));
    if (deleting.length > 0) {
      throw new ResetScopeRefusedError('ForceDeletes deletes every user held back by accidental-deletion prevention. Confirm to insist.', deleting);
    }
  }
  return chosen.join(',');
}
