import type { BreakerSettings, MethodOutput } from '../../shared/admin/contract';
import { call } from '../api/client';
import { createLatest, idle, loadInto, type Loadable } from './loadable';
import type { SliceCreator } from './slice-creator';

export interface BreakerSlice {
  readonly breaker: Loadable<MethodOutput<'breaker.get'>>;
  readonly heldOperations: Loadable<MethodOutput<'breaker.held'>['items']>;
  loadBreaker(): Promise<void>;
  loadHeldOperations(): Promise<void>;
  /** Saves the limit and window (or turns the breaker off); throws AdminCallError. */
  saveBreakerSettings(settings: BreakerSettings): Promise<void>;
  /** Approves the chosen held operations (all for null) after a snapshot; throws AdminCallError (nothing applied then). */
  approveHeld(ids: ReadonlyArray<number> | null): Promise<MethodOutput<'breaker.approve'>>;
  /** Rejects the chosen held operations (all for null); throws AdminCallError. */
  rejectHeld(ids: ReadonlyArray<number> | null): Promise<MethodOutput<'breaker.reject'>>;
}

const latestView = createLatest();
const latestHeld = createLatest();

export const createBreakerSlice: SliceCreator<BreakerSlice> = (set, get) => ({
  breaker: idle(),
  heldOperations: idle(),
  async loadBreaker() {
    await loadInto(() => get().breaker, (breaker) => set({ breaker }), () => call('breaker.get', {}), latestView);
  },
  async loadHeldOperations() {
    await loadInto(() => get().heldOperations, (heldOperations) => set({ heldOperations }), async () => (await call('breaker.held', {})).items, latestHeld);
  },
  async saveBreakerSettings(settings) {
    await call('breaker.saveSettings', settings);
    await get().loadBreaker();
  },
  async approveHeld(ids) {
    const result = await call('breaker.approve', { ids: ids === null ? null : [...ids] });
    await Promise.all([get().loadBreaker(), get().loadHeldOperations()]);
    return result;
  },
  async rejectHeld(ids) {
    const result = await call('breaker.reject', { ids: ids === null ? null : [...ids] });
    await Promise.all([get().loadBreaker(), get().loadHeldOperations()]);
    return result;
  },
});
