import type { AdminErrorCode } from '../../shared/admin/contract';

/**
 * An admin call that cannot be done as things are, with the contract's error code: every part of
 * the admin layer throws this one type, and the dispatcher answers it as it is.
 */
export class AdminApiError extends Error {
  constructor(
    readonly code: AdminErrorCode,
    message: string,
    /** Set when the fix is known: no Graph connection saved yet (the CLI then prints the connect command). */
    readonly reason?: 'notConnected',
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}
