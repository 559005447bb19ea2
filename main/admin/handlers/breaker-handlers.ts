import { plural } from '../../../shared/plural';
import type { DeprovisionBreaker } from '../breaker';
import type { Audit, Handlers } from './handler-types';

export interface BreakerHandlerDeps {
  readonly breaker: Pick<DeprovisionBreaker, 'view' | 'held' | 'saveSettings' | 'current' | 'approve' | 'reject'>;
  readonly audit: Audit;
}

/** Who a held operation was about, for the audit trail. */
const subject = (held: { readonly action: string; readonly resourceType: string; readonly resourceId: string; readonly userName: string | null; readonly displayName: string | null }) => ({
  action: held.action,
  resourceType: held.resourceType,
  resourceId: held.resourceId,
  name: held.userName ?? held.displayName,
});

/** The mass-deprovisioning breaker: its settings and the held list, approved or rejected (audited). */
export function createBreakerHandlers(deps: BreakerHandlerDeps): Handlers<'breaker.get' | 'breaker.saveSettings' | 'breaker.held' | 'breaker.approve' | 'breaker.reject'> {
  const { breaker, audit } = deps;
  return {
    'breaker.get': () => breaker.view(),
    async 'breaker.saveSettings'(input, context) {
      const before = breaker.current();
      await breaker.saveSettings(input);
      await audit(context, 'saveBreakerSettings', input.enabled ? 'Mass-deprovisioning breaker settings saved' : 'Mass-deprovisioning breaker turned off', { before, after: input });
      return breaker.view();
    },
    async 'breaker.held'() {
      return { items: await breaker.held() };
    },
    async 'breaker.approve'(input, context) {
      const { outcomes, records } = await breaker.approve(input.ids);
      const skipped = outcomes.flatMap((outcome) => (outcome.applied ? [] : [{ id: outcome.id, reason: outcome.reason }]));
      const applied = outcomes.length - skipped.length;
      await audit(context, 'approveHeldOperations', `Approved ${plural(records.length, 'held deactivation or delete', 'held deactivations and deletes')} after a snapshot: ${applied} applied, ${skipped.length} skipped (changed or gone since)`, {
        after: records.map((held) => ({ ...subject(held), applied: !skipped.some((skip) => skip.id === held.id) })),
      });
      return { applied, skipped, breaker: await breaker.view() };
    },
    async 'breaker.reject'(input, context) {
      const rejected = await breaker.reject(input.ids);
      await audit(context, 'rejectHeldOperations', `Rejected ${plural(rejected.length, 'held deactivation or delete', 'held deactivations and deletes')}: nothing was changed`, { before: rejected.map(subject) });
      return { rejected: rejected.length, breaker: await breaker.view() };
    },
  };
}
