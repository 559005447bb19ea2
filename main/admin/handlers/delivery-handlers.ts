import type { MethodName } from '../../../shared/admin/contract';
import type { DeliveryWorker } from '../../delivery/delivery-worker';
import { DeliveryError, type SubscriptionService } from '../../delivery/subscriptions';
import type { AdminEventBus } from '../../lib/event-bus';
import type { ReadCredentialService } from '../../lib/read-credentials';
import type { DeliveryStore } from '../../store/directory-store';
import { AdminApiError } from '../admin-error';
import type { Audit, Handlers } from './handler-types';

export interface DeliveryHandlerDeps {
  readonly subscriptions: SubscriptionService;
  readonly worker: Pick<DeliveryWorker, 'sendTest' | 'wake'>;
  readonly credentials: Pick<ReadCredentialService, 'issue' | 'list' | 'revoke'>;
  readonly outbox: Pick<DeliveryStore, 'outboxBounds'>;
  /** The change feed's URL on the SCIM listener (undefined while it does not listen). */
  readonly feedUrl: () => string | undefined;
  readonly events: Pick<AdminEventBus, 'emit'>;
  readonly audit: Audit;
}

type DeliveryMethod = Extract<MethodName, `delivery.${string}`>;

/** The subscription service's refusals as the contract's error codes. */
async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DeliveryError) throw new AdminApiError(error.kind === 'notFound' ? 'notFound' : 'invalidInput', error.message);
    throw error;
  }
}

/** The Delivery screen: webhook subscriptions (made, paused, resumed, replayed, removed, tested) and read-only credentials. */
export function createDeliveryHandlers(deps: DeliveryHandlerDeps): Handlers<DeliveryMethod> {
  const { subscriptions, credentials, audit, events } = deps;
  const changed = () => events.emit('delivery.changed', { paused: null });
  return {
    async 'delivery.view'() {
      const [list, creds, bounds] = await Promise.all([subscriptions.list(), credentials.list(), deps.outbox.outboxBounds()]);
      return {
        subscriptions: list.map((s) => ({ ...s, events: s.events ? [...s.events] : null, filter: s.filter ? { ...s.filter } as never : null })),
        credentials: [...creds],
        outbox: bounds,
        feedUrl: deps.feedUrl() ?? null,
      };
    },
    async 'delivery.subscribe'(input, context) {
      const made = await mapped(() =>
        subscriptions.subscribe({
          url: input.url,
          secret: input.secret,
          pauseAfter: input.pauseAfter,
          events: input.events,
          filter: { ...(input.resourceTypes ? { resourceTypes: input.resourceTypes } : {}), ...(input.attributes ? { attributes: input.attributes } : {}) },
        }),
      );
      // The audit names the receiver, never the secret.
      await audit(context, 'subscribeWebhook', `Webhook subscription ${made.subscription.id} to ${made.subscription.url}`, { after: { url: made.subscription.url, events: made.subscription.events, pauseAfter: made.subscription.pauseAfter } });
      changed();
      return { subscription: { ...made.subscription, events: made.subscription.events ? [...made.subscription.events] : null, filter: made.subscription.filter as never }, secret: made.secret };
    },
    async 'delivery.pause'(input, context) {
      const view = await mapped(() => subscriptions.pause(input.id));
      await audit(context, 'pauseWebhook', `Webhook subscription ${input.id} paused`);
      changed();
      return view as never;
    },
    async 'delivery.resume'(input, context) {
      const view = await mapped(() => subscriptions.resume(input.id));
      await audit(context, 'resumeWebhook', `Webhook subscription ${input.id} resumed`);
      deps.worker.wake();
      changed();
      return view as never;
    },
    async 'delivery.remove'(input, context) {
      await mapped(() => subscriptions.remove(input.id));
      await audit(context, 'removeWebhook', `Webhook subscription ${input.id} removed`);
      changed();
      return { removed: true };
    },
    async 'delivery.replay'(input, context) {
      const view = await mapped(() => subscriptions.replay(input.id, input.fromSeq));
      await audit(context, 'replayWebhook', `Webhook subscription ${input.id} replays from change ${input.fromSeq}`);
      deps.worker.wake();
      changed();
      return view as never;
    },
    async 'delivery.log'(input) {
      return { items: [...(await mapped(() => subscriptions.log(input.id, input.limit)))] };
    },
    async 'delivery.sendTest'(input) {
      const record = await mapped(() => subscriptions.record(input.id));
      return deps.worker.sendTest(record);
    },
    async 'delivery.issueCredential'(input, context) {
      const issued = await credentials.issue(input.name);
      await audit(context, 'issueReadCredential', `Read-only credential "${input.name}" issued (${issued.record.hint})`);
      changed();
      return { credential: issued.credential, info: issued.record };
    },
    async 'delivery.revokeCredential'(input, context) {
      const revoked = await credentials.revoke(input.id);
      if (revoked) await audit(context, 'revokeReadCredential', `Read-only credential ${input.id} revoked`);
      changed();
      return { revoked };
    },
  };
}
