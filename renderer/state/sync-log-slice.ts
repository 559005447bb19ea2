import type { MethodOutput, SyncLogEntry, SyncLogFilter } from '../../shared/admin/contract';
import { call, toAdminCallError, type AdminCallError } from '../api/client';
import { createLatest, idle, loadInto, type Loadable } from './loadable';
import type { NavSlice } from './nav-slice';
import type { SliceCreator } from './slice-creator';

export type TimeRange = 'hour' | 'day' | 'week' | 'all';
export type SyncOperation = NonNullable<SyncLogFilter['operation']>;
/** The contract's outcomes, plus `error` (client or server error) for "errors in the last 24 h". */
export type SyncOutcome = NonNullable<SyncLogFilter['outcome']>;

/** The filters as the Sync log screen shows them; turned into the contract's SyncLogFilter when loading. */
export type SyncClient = NonNullable<SyncLogFilter['client']>;

export interface SyncLogView {
  readonly range: TimeRange;
  readonly operation: SyncOperation | 'all';
  readonly outcome: SyncOutcome | 'all';
  /** `entra`: requests with Entra's ADSCIMVersion header; `other`: every other client. */
  readonly client: SyncClient | 'all';
  readonly text: string;
}

const RANGE_MS: Record<Exclude<TimeRange, 'all'>, number> = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };
const PAGE_SIZE = 100;
/** The live tail keeps at most this many rows on screen; older ones stay reachable through "Load more". */
const MAX_ROWS_WHILE_TAILING = 1000;

interface SyncLogState {
  readonly filter: SyncLogView;
  readonly status: 'idle' | 'loading' | 'loadingMore' | 'ready' | 'error';
  readonly error: AdminCallError | null;
  readonly items: ReadonlyArray<SyncLogEntry>;
  readonly nextBeforeSeq: number | null;
  /** New entries appear at the top as Entra sends requests. */
  readonly liveTail: boolean;
  /** Matching entries that arrived while the live tail was off. */
  readonly unseen: number;
  readonly selectedSeq: number | null;
  readonly entry: Loadable<MethodOutput<'syncLog.entry'>>;
}

export interface SyncLogSlice {
  readonly syncLog: SyncLogState;
  loadSyncLog(): Promise<void>;
  loadMoreSyncLog(): Promise<void>;
  setSyncLogFilter(patch: Partial<SyncLogView>): Promise<void>;
  /** Opens the Sync log screen with these filters (the Overview's "errors in the last 24 h" link). */
  showSyncLog(filter: Partial<SyncLogView>): void;
  setLiveTail(on: boolean): void;
  /** New entries from the `syncLog.appended` event. */
  receiveSyncLogEntries(items: ReadonlyArray<SyncLogEntry>): void;
  selectSyncLogEntry(seq: number | null): Promise<void>;
  exportSyncLogCsv(): Promise<MethodOutput<'syncLog.exportCsv'>>;
}

export const initialSyncLogFilter: SyncLogView = { range: 'day', operation: 'all', outcome: 'all', client: 'all', text: '' };

const initialSyncLog: SyncLogState = {
  filter: initialSyncLogFilter,
  status: 'idle',
  error: null,
  items: [],
  nextBeforeSeq: null,
  liveTail: true,
  unseen: 0,
  selectedSeq: null,
  entry: idle(),
};

/** The contract filter for a view. */
function toContractFilter(view: SyncLogView, now: Date): SyncLogFilter {
  const text = view.text.trim();
  return {
    ...(view.range !== 'all' ? { since: new Date(now.getTime() - RANGE_MS[view.range]).toISOString() } : {}),
    ...(view.operation !== 'all' ? { operation: view.operation } : {}),
    ...(text ? { text } : {}),
    ...(view.outcome !== 'all' ? { outcome: view.outcome } : {}),
    ...(view.client !== 'all' ? { client: view.client } : {}),
  };
}

/** Whether an entry came from Entra's provisioning service: its requests carry the ADSCIMVersion header. */
export function isFromEntra(entry: Pick<SyncLogEntry, 'adscimVersion'>): boolean {
  return entry.adscimVersion !== null;
}

function outcomeOf(status: number): Exclude<SyncOutcome, 'error'> {
  return status >= 500 ? 'serverError' : status >= 400 ? 'clientError' : 'success';
}

/** Whether a live entry belongs in the list as filtered (the store's own text match is close to this). */
function matchesView(entry: SyncLogEntry, view: SyncLogView): boolean {
  if (view.operation !== 'all' && entry.operation !== view.operation) return false;
  const outcome = outcomeOf(entry.status);
  if (view.outcome === 'error' ? outcome === 'success' : view.outcome !== 'all' && outcome !== view.outcome) return false;
  if (view.client !== 'all' && isFromEntra(entry) !== (view.client === 'entra')) return false;
  const text = view.text.trim().toLowerCase();
  if (text) {
    const fields = [entry.userName, entry.externalId, entry.displayName, entry.resourceId];
    if (!fields.some((field) => field?.toLowerCase().includes(text))) return false;
  }
  return true;
}

function queryPage(filter: SyncLogFilter, beforeSeq: number | null): Promise<MethodOutput<'syncLog.query'>> {
  return call('syncLog.query', { ...filter, ...(beforeSeq !== null ? { beforeSeq } : {}), limit: PAGE_SIZE });
}

const latestPage = createLatest();
const latestEntry = createLatest();
/** Entries that arrived while a page was loading; merged when it lands. */
let arrivedWhileLoading: SyncLogEntry[] = [];

export const createSyncLogSlice: SliceCreator<SyncLogSlice, Pick<NavSlice, 'navigate'>> = (set, get) => {
  const update = (patch: Partial<SyncLogState>) => set((state) => ({ syncLog: { ...state.syncLog, ...patch } }));

  /** Incoming entries newer than the list's top that match its filter, newest first. */
  const freshEntries = (items: ReadonlyArray<SyncLogEntry>, incoming: ReadonlyArray<SyncLogEntry>, filter: SyncLogView) => {
    const top = items[0]?.seq ?? -Infinity;
    return incoming.filter((entry) => entry.seq > top && matchesView(entry, filter)).sort((a, b) => b.seq - a.seq);
  };

  return {
    syncLog: initialSyncLog,
    async loadSyncLog() {
      const ticket = latestPage.next();
      arrivedWhileLoading = [];
      update({ status: 'loading', error: null, unseen: 0 });
      try {
        const page = await queryPage(toContractFilter(get().syncLog.filter, new Date()), null);
        if (!latestPage.isLatest(ticket)) return;
        const late = freshEntries(page.items, arrivedWhileLoading, get().syncLog.filter);
        arrivedWhileLoading = [];
        update({ status: 'ready', items: [...late, ...page.items], nextBeforeSeq: page.nextBeforeSeq });
      } catch (error) {
        if (latestPage.isLatest(ticket)) update({ status: 'error', error: toAdminCallError(error) });
      }
    },
    async loadMoreSyncLog() {
      const { nextBeforeSeq, filter, status } = get().syncLog;
      if (nextBeforeSeq === null || status === 'loading' || status === 'loadingMore') return;
      const ticket = latestPage.next();
      update({ status: 'loadingMore', error: null });
      try {
        const page = await queryPage(toContractFilter(filter, new Date()), nextBeforeSeq);
        if (!latestPage.isLatest(ticket)) return;
        const known = new Set(get().syncLog.items.map((entry) => entry.seq));
        update({
          status: 'ready',
          items: [...get().syncLog.items, ...page.items.filter((entry) => !known.has(entry.seq))],
          nextBeforeSeq: page.nextBeforeSeq,
        });
      } catch (error) {
        if (latestPage.isLatest(ticket)) update({ status: 'error', error: toAdminCallError(error) });
      }
    },
    async setSyncLogFilter(patch) {
      update({ filter: { ...get().syncLog.filter, ...patch } });
      await get().loadSyncLog();
    },
    showSyncLog(filter) {
      update({ filter: { ...initialSyncLogFilter, ...filter }, selectedSeq: null, entry: idle() });
      get().navigate('sync-log');
    },
    setLiveTail(on) {
      const wasBehind = get().syncLog.unseen > 0;
      update({ liveTail: on });
      if (on && wasBehind) void get().loadSyncLog();
    },
    receiveSyncLogEntries(incoming) {
      const state = get().syncLog;
      if (state.status === 'idle') return;
      if (state.status === 'loading') {
        arrivedWhileLoading.push(...incoming);
        return;
      }
      const fresh = freshEntries(state.items, incoming, state.filter);
      if (fresh.length === 0) return;
      if (!state.liveTail) {
        update({ unseen: state.unseen + fresh.length });
        return;
      }
      let items = [...fresh, ...state.items];
      let nextBeforeSeq = state.nextBeforeSeq;
      if (items.length > MAX_ROWS_WHILE_TAILING) {
        items = items.slice(0, MAX_ROWS_WHILE_TAILING);
        nextBeforeSeq = items[items.length - 1]?.seq ?? nextBeforeSeq;
      }
      update({ items, nextBeforeSeq });
    },
    async selectSyncLogEntry(seq) {
      update({ selectedSeq: seq, entry: idle() });
      if (seq === null) return;
      await loadInto(() => get().syncLog.entry, (entry) => update({ entry }), () => call('syncLog.entry', { seq }), latestEntry);
    },
    exportSyncLogCsv() {
      return call('syncLog.exportCsv', toContractFilter(get().syncLog.filter, new Date()));
    },
  };
};
