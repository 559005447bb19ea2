import type { MethodInput, MethodOutput } from '../../shared/admin/contract';
import { call } from '../api/client';
import { idle, loadInto, ready, type Loadable } from './loadable';
import type { OverviewSlice } from './overview-slice';
import type { SettingsSlice } from './settings-slice';
import type { SliceCreator } from './slice-creator';

export interface ReachSlice {
  readonly reach: Loadable<MethodOutput<'reach.get'>>;
  /** A check from outside is running (the button and the Overview's both show it). */
  readonly reachChecking: boolean;
  loadReach(): Promise<void>;
  /** Each of these throws AdminCallError (with field issues for bad input) and stores the new view on success. */
  configureReach(input: MethodInput<'reach.configure'>): Promise<MethodOutput<'reach.configure'>>;
  reconnectReach(): Promise<void>;
  /** Runs the check from outside; the view and the Overview are read again after it. */
  checkReach(input: MethodInput<'reach.check'>): Promise<MethodOutput<'reach.check'>>;
  /** Creates a self-signed certificate for testing and serves HTTPS with it (the Settings view is replaced). */
  createTestCertificate(input: MethodInput<'settings.createTestCertificate'>): Promise<void>;
}

export const createReachSlice: SliceCreator<ReachSlice, Pick<OverviewSlice, 'overview' | 'loadOverview'> & Pick<SettingsSlice, 'settings'>> = (set, get) => ({
  reach: idle(),
  reachChecking: false,
  async loadReach() {
    await loadInto(() => get().reach, (reach) => set({ reach }), () => call('reach.get', {}));
  },
  async configureReach(input) {
    const view = await call('reach.configure', input);
    set({ reach: ready(view) });
    return view;
  },
  async reconnectReach() {
    set({ reach: ready(await call('reach.reconnect', {})) });
  },
  async checkReach(input) {
    set({ reachChecking: true });
    try {
      const result = await call('reach.check', input);
      const state = get();
      if (state.reach.status !== 'idle') await state.loadReach();
      if (state.overview.status !== 'idle') await state.loadOverview();
      return result;
    } finally {
      set({ reachChecking: false });
    }
  },
  async createTestCertificate(input) {
    set({ settings: ready(await call('settings.createTestCertificate', input)) });
    if (get().reach.status !== 'idle') await get().loadReach();
  },
});
