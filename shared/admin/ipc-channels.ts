import type { MethodName } from './contract';

/**
 * How the admin contract travels over Electron's IPC, named once for both ends: the preload invokes one
 * channel per contract method and the main process handles exactly those, both derived from the
 * contract's method list, so a method cannot exist on one side only.
 */

/** The window property the preload's bridge is exposed as (`window.scimdesk`). */
export const BRIDGE_KEY = 'scimdesk';

/** The IPC channel of one admin method. */
export function adminCallChannel(method: MethodName): string {
  return `scimdesk:call:${method}`;
}

/** The channel the main process sends the contract's events on, as (event name, payload). */
export const ADMIN_EVENT_CHANNEL = 'scimdesk:event';
