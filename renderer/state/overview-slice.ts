import type { MethodOutput } from '../../shared/admin/contract';
import { call } from '../api/client';
import { createLatest, idle, loadInto, type Loadable } from './loadable';
import type { SliceCreator } from './slice-creator';

export interface OverviewSlice {
  readonly overview: Loadable<MethodOutput<'overview.get'>>;
  loadOverview(): Promise<void>;
}

const latest = createLatest();

export const createOverviewSlice: SliceCreator<OverviewSlice> = (set, get) => ({
  overview: idle(),
  async loadOverview() {
    await loadInto(() => get().overview, (overview) => set({ overview }), () => call('overview.get', {}), latest);
  },
});
