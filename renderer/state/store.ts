import { create } from 'zustand';
import { onEventsReconnected, onSignedOut, subscribe } from '../api/client';
import { createBreakerSlice, type BreakerSlice } from './breaker-slice';
import { createAuthSlice, type AuthSlice } from './auth-slice';
import { createCompareSlice, type CompareSlice } from './compare-slice';
import { createDeliverySlice, type DeliverySlice } from './delivery-slice';
import { createDirectorySlice, type DirectorySlice } from './directory-slice';
import { createEntraSlice, type EntraSlice } from './entra-slice';
import { createFixSlice, type FixSlice } from './fix-slice';
import { createGraphSlice, type GraphSlice } from './graph-slice';
import { createGroupsSlice, type GroupsSlice } from './groups-slice';
import { createMappingSlice, type MappingSlice } from './mapping-slice';
import { createNavSlice, type NavSlice } from './nav-slice';
import { createOverviewSlice, type OverviewSlice } from './overview-slice';
import { createReachSlice, type ReachSlice } from './reach-slice';
import { createSessionSlice, type SessionSlice } from './session-slice';
import { createSettingsSlice, type SettingsSlice } from './settings-slice';
import { syncLogFilterFromHash } from './sync-log-link';
import { createSupportSlice, type SupportSlice } from './support-slice';
import { createSyncLogSlice, type SyncLogSlice } from './sync-log-slice';
import { createUsersSlice, type UsersSlice } from './users-slice';

/** The whole renderer state: one store, one slice per concern, each slice's actions beside its state. */
type AppState = SessionSlice &
  NavSlice &
  OverviewSlice &
  DirectorySlice &
  UsersSlice &
  GroupsSlice &
  SyncLogSlice &
  SettingsSlice &
  GraphSlice &
  CompareSlice &
  FixSlice &
  EntraSlice &
  ReachSlice &
  MappingSlice &
  SupportSlice &
  BreakerSlice &
  AuthSlice &
  DeliverySlice;

export const useAppStore = create<AppState>()((...args) => ({
  ...createSessionSlice(...args),
  ...createNavSlice(...args),
  ...createOverviewSlice(...args),
  ...createDirectorySlice(...args),
  ...createUsersSlice(...args),
  ...createGroupsSlice(...args),
  ...createSyncLogSlice(...args),
  ...createSettingsSlice(...args),
  ...createGraphSlice(...args),
  ...createCompareSlice(...args),
  ...createFixSlice(...args),
  ...createEntraSlice(...args),
  ...createReachSlice(...args),
  ...createMappingSlice(...args),
  ...createSupportSlice(...args),
  ...createBreakerSlice(...args),
  ...createAuthSlice(...args),
  ...createDeliverySlice(...args),
}));

// ------------------------------------------------------------ events, subscribed once

const OVERVIEW_REFRESH_MS = 2_000;
let overviewTimer: ReturnType<typeof setTimeout> | null = null;

/**
 * Entra may send 25 requests a second; the Overview (and the token's "last used") refresh at most every
 * 2 s, and only once they were shown.
 */
function refreshOverviewSoon(): void {
  const state = useAppStore.getState();
  if (overviewTimer !== null || (state.overview.status === 'idle' && state.token.status === 'idle')) return;
  overviewTimer = setTimeout(() => {
    overviewTimer = null;
    const current = useAppStore.getState();
    if (current.overview.status !== 'idle') void current.loadOverview();
    if (current.token.status !== 'idle') void current.loadTokenStatus();
  }, OVERVIEW_REFRESH_MS);
}

subscribe('syncLog.appended', ({ items }) => useAppStore.getState().receiveSyncLogEntries(items));
subscribe('overview.changed', () => refreshOverviewSoon());
subscribe('job.progress', (progress) => useAppStore.getState().receiveJobProgress(progress));
subscribe('breaker.changed', () => {
  // The breaker tripped, held one more, or held operations were settled: what is shown reads again.
  const state = useAppStore.getState();
  if (state.breaker.status !== 'idle') void state.loadBreaker();
  if (state.heldOperations.status !== 'idle') void state.loadHeldOperations();
});
subscribe('reach.changed', () => {
  // The tunnel came online, dropped or failed, or a check finished: the panel reads its view again, the Overview soon.
  const state = useAppStore.getState();
  if (state.reach.status !== 'idle') void state.loadReach();
  refreshOverviewSoon();
});
let deliveryTimer: ReturnType<typeof setTimeout> | null = null;
subscribe('delivery.changed', () => {
  // A delivery went through or failed, or a subscription was paused: the Delivery screen follows (at most
  // once a second: a receiver catching up takes a batch every few milliseconds), the Overview soon.
  refreshOverviewSoon();
  if (deliveryTimer !== null) return;
  deliveryTimer = setTimeout(() => {
    deliveryTimer = null;
    const state = useAppStore.getState();
    if (state.delivery.status !== 'idle') void state.loadDelivery();
  }, 1000);
});
onSignedOut(() => useAppStore.getState().sessionEnded());
onEventsReconnected(() => {
  const state = useAppStore.getState();
  refreshOverviewSoon();
  if (state.syncLog.status !== 'idle' && state.syncLog.liveTail) void state.loadSyncLog();
  if (state.reach.status !== 'idle') void state.loadReach();
  // A fetch's last progress event may have been missed: the snapshot list shows whether it saved one.
  if (state.snapshots.status !== 'idle') void state.loadSnapshots();
});
/**
 * Follows the URL hash: a screen (`#/users`), or a link to the Sync log with its filters (the desktop app's
 * error notification opens `#/sync-log?outcome=error&client=entra&range=day`). The filters are applied,
 * then the hash is left as the plain screen name, so later filter changes are not undone by a reload.
 */
function followHash(): void {
  const state = useAppStore.getState();
  const filter = syncLogFilterFromHash(window.location.hash);
  if (!filter) return state.syncViewFromHash();
  const shown = state.view === 'sync-log';
  state.showSyncLog(filter);
  if (shown) void state.loadSyncLog();
  window.history.replaceState(null, '', '#/sync-log');
}

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', followHash);
  if (syncLogFilterFromHash(window.location.hash)) followHash();
}
