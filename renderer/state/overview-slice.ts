import type { MethodOutput } from '../../shared/admin/contract';
import { call } from '../api/client';
import { createLatest, idle, loadInto, type Loadable } from './loadable';
import type { SliceCreator } from './slice-creator';

export interface OverviewSlice {
  readonly overview: Loadable<MethodOutput<'overview.get'>>;
  loadOverview(): Promise<void>;
  /** Pauses provisioning (SCIM answers 503 until resumed), then shows the Overview again; throws AdminCallError. */
  pauseProvisioning(): Promise<void>;
  /** Resumes provisioning, then shows the Overview again; throws AdminCallError. */
  resumeProvisioning(): Promise<void>;
}

const latest = createLatest();

export const createOverviewSlice: SliceCreator<OverviewSlice> = (set, get) => ({
  overview: idle(),
  async loadOverview() {
    await loadInto(() => get().overview, (overview) => set({ overview }), () => call('overview.get', {}), latest);
  },
  async pauseProvisioning() {
    await call('provisioning.pause', {});
    await get().loadOverview();
  },
  async resumeProvisioning() {
    await call('provisioning.resume', {});
    await get().loadOverview();
  },
});
