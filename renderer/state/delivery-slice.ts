import type { DeliveryAttemptView, MethodInput, MethodOutput } from '../../shared/admin/contract';
import { call } from '../api/client';
import { idle, loadInto, ready, type Loadable } from './loadable';
import type { SliceCreator } from './slice-creator';

export interface DeliverySlice {
  readonly delivery: Loadable<MethodOutput<'delivery.view'>>;
  /** The delivery log of the subscription whose log is open (newest first). */
  readonly deliveryLog: Loadable<{ readonly id: string; readonly items: ReadonlyArray<DeliveryAttemptView> }>;
  loadDelivery(): Promise<void>;
  loadDeliveryLog(id: string): Promise<void>;
  /** Each of these throws AdminCallError and reads the view again on success. */
  subscribeWebhook(input: MethodInput<'delivery.subscribe'>): Promise<MethodOutput<'delivery.subscribe'>>;
  changeSubscription(action: 'pause' | 'resume' | 'remove', id: string): Promise<void>;
  replaySubscription(id: string, fromSeq: number): Promise<void>;
  sendTestEvent(id: string): Promise<DeliveryAttemptView>;
  issueReadCredential(name: string): Promise<MethodOutput<'delivery.issueCredential'>>;
  revokeReadCredential(id: number): Promise<void>;
}

export const createDeliverySlice: SliceCreator<DeliverySlice> = (set, get) => {
  const refresh = async () => {
    await get().loadDelivery();
    const log = get().deliveryLog.data;
    if (log) await get().loadDeliveryLog(log.id).catch(() => undefined);
  };
  return {
    delivery: idle(),
    deliveryLog: idle(),
    async loadDelivery() {
      await loadInto(() => get().delivery, (delivery) => set({ delivery }), () => call('delivery.view', {}));
    },
    async loadDeliveryLog(id) {
      await loadInto(() => get().deliveryLog, (deliveryLog) => set({ deliveryLog }), async () => ({ id, items: (await call('delivery.log', { id, limit: 50 })).items }));
    },
    async subscribeWebhook(input) {
      const made = await call('delivery.subscribe', input);
      await get().loadDelivery();
      return made;
    },
    async changeSubscription(action, id) {
      if (action === 'remove') {
        await call('delivery.remove', { id });
        if (get().deliveryLog.data?.id === id) set({ deliveryLog: idle() });
      } else await call(action === 'pause' ? 'delivery.pause' : 'delivery.resume', { id });
      await refresh();
    },
    async replaySubscription(id, fromSeq) {
      await call('delivery.replay', { id, fromSeq });
      await refresh();
    },
    async sendTestEvent(id) {
      const attempt = await call('delivery.sendTest', { id });
      await refresh();
      return attempt;
    },
    async issueReadCredential(name) {
      const issued = await call('delivery.issueCredential', { name });
      await get().loadDelivery();
      return issued;
    },
    async revokeReadCredential(id) {
      await call('delivery.revokeCredential', { id });
      set({ delivery: ready({ ...get().delivery.data!, credentials: get().delivery.data!.credentials.map((c) => (c.id === id ? { ...c, revoked: new Date().toISOString() } : c)) }) });
      await get().loadDelivery();
    },
  };
};
