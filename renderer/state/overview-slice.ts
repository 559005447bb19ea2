import type { MethodOutput } from '../../shared/admin/contract';
import { call } from '../api/client';
import { createLatest, failed, idle, loading, ready, type Loadable } from './loadable';
import type { SliceCreator } from './store';

export interface OverviewSlice {
  readonly overview: Loadable<MethodOutput<'overview.get'>>;
  loadOverview(): Promise<void>;
}

const latest = createLatest();

export const createOverviewSlice: SliceCreator<OverviewSlice> = (set, get) => ({
  overview: idle(),
  async loadOverview() {
    const ticket = latest.next();
    set({ overview: loading(get().overview) });
    try {
      const data = await call('overview.get', {});
      if (latest.isLatest(ticket)) set({ overview: ready(data) });
    } catch (error) {
      if (latest.isLatest(ticket)) set({ overview: failed(get().overview, error) });
    }
  },
});
