import type { DirectoryChange } from '../../shared/admin/change-types';
import type { SubscriptionRecord } from '../store/directory-store';

const UPDATES = new Set(['user.updated', 'user.deactivated', 'user.reactivated', 'group.updated', 'group.renamed']);

/**
 * Whether a subscription receives a change: its event types (all when none are named), its resource
 * types, and for updates the attributes it watches (an update that touched none of them is skipped).
 */
export function wantsChange(subscription: Pick<SubscriptionRecord, 'events' | 'filter'>, change: DirectoryChange): boolean {
  if (subscription.events !== null && !subscription.events.includes(change.type)) return false;
  const filter = subscription.filter;
  if (!filter) return true;
  if (filter.resourceTypes && filter.resourceTypes.length > 0 && !filter.resourceTypes.includes(change.resourceType)) return false;
  if (filter.attributes && filter.attributes.length > 0 && UPDATES.has(change.type)) {
    const changed = Object.keys((change.data['attributes'] ?? {}) as Record<string, unknown>).map((name) => name.toLowerCase());
    return filter.attributes.some((name) => changed.includes(name.toLowerCase()));
  }
  return true;
}
