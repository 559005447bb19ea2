import { randomUUID } from 'node:crypto';
import type { SubscriptionRecord, SyncLogEntry } from '../store/directory-store';
import type { PauseCause } from './delivery-worker';

/**
 * The sync-log entry of a subscription paused after failing: beside the requests, like the tunnel's
 * reachability entries, and like them not counted as a request (operation `delivery`).
 */
export function pausedSyncLogEntry(subscription: SubscriptionRecord, error: string, time: Date, cause: PauseCause = 'failures'): SyncLogEntry {
  return {
    time: time.toISOString(),
    requestId: randomUUID(),
    method: 'POST',
    path: subscription.url,
    operation: 'delivery',
    resourceType: null,
    resourceId: null,
    userName: null,
    externalId: null,
    displayName: null,
    status: 503,
    durationMs: 0,
    scimType: null,
    error:
      cause === 'failures'
        ? `Webhook subscription ${subscription.id} paused after ${subscription.failures} failed deliveries: ${error}`
        : `Webhook subscription ${subscription.id} ${error.charAt(0).toLowerCase()}${error.slice(1)}`,
    client: 'ScimDesk webhook delivery',
    adscimVersion: null,
    detail: JSON.stringify({ subscription: subscription.id, url: subscription.url, deliveredSeq: subscription.deliveredSeq, error }),
  };
}
