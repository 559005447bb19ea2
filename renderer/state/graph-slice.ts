import type { EventPayload, MethodInput, MethodOutput } from '../../shared/admin/contract';
import { call, toAdminCallError, type AdminCallError } from '../api/client';
import type { EntraSlice } from './entra-slice';
import { failed, idle, loadInto, loading, ready, type Loadable } from './loadable';
import type { SliceCreator } from './slice-creator';

export type GraphSettings = MethodOutput<'graph.get'>;
export type ConnectionTest = MethodOutput<'graph.test'>;
export type Snapshot = MethodOutput<'graph.snapshots'>['items'][number];
type JobProgress = EventPayload<'job.progress'>;

/** Where the one Graph fetch the screen follows stands; its progress arrives as `job.progress` events. */
export interface FetchJob {
  /** `starting`: graph.fetch was called and has not answered yet (events may already arrive). */
  readonly status: 'idle' | 'starting' | 'running' | 'done' | 'failed' | 'cancelled';
  readonly jobId: string | null;
  /** The newest progress event of this job. */
  readonly progress: JobProgress | null;
  /** graph.fetch or graph.cancel refused (not connected, a fetch already running...). */
  readonly error: AdminCallError | null;
  readonly cancelling: boolean;
  /** The snapshot the finished fetch saved. */
  readonly snapshotId: string | null;
}

export interface GraphSlice {
  readonly graph: Loadable<GraphSettings>;
  readonly graphTest: Loadable<ConnectionTest>;
  readonly snapshots: Loadable<ReadonlyArray<Snapshot>>;
  /** How many snapshots ScimDesk keeps (from graph.snapshots). */
  readonly snapshotsKept: number | null;
  readonly fetchJob: FetchJob;
  /** The snapshot the Compare button compares (the newest unless the admin picks another). */
  readonly chosenSnapshotId: string | null;
  loadGraph(): Promise<void>;
  /** Saves the connection (secrets go to the secret store); throws AdminCallError with field issues. */
  saveGraphConnection(input: MethodInput<'graph.connect'>): Promise<GraphSettings>;
  /** Forgets the connection and its secret; throws AdminCallError. */
  disconnectGraph(): Promise<void>;
  testGraph(): Promise<void>;
  /** Enterprise applications by name or Application ID; throws AdminCallError. */
  findApps(query: string): Promise<MethodOutput<'graph.findApps'>['items']>;
  loadSnapshots(): Promise<void>;
  chooseSnapshot(id: string | null): void;
  startFetch(): Promise<void>;
  cancelFetch(): Promise<void>;
  /** A `job.progress` event (every job; this slice follows Graph fetches). */
  receiveJobProgress(progress: JobProgress): void;
  /** Imports the admin center's users CSV as a snapshot; throws AdminCallError (naming line and column). */
  importCsv(csv: string, fileName: string): Promise<Snapshot>;
}

const initialFetchJob: FetchJob = { status: 'idle', jobId: null, progress: null, error: null, cancelling: false, snapshotId: null };

/** A fetch that is starting or running (one at a time). */
export const isActive = (job: FetchJob) => job.status === 'starting' || job.status === 'running';

export const createGraphSlice: SliceCreator<GraphSlice, Pick<EntraSlice, 'resetEntra'>> = (set, get) => {
  const updateFetch = (patch: Partial<FetchJob>) => set((state) => ({ fetchJob: { ...state.fetchJob, ...patch } }));
  return {
    graph: idle(),
    graphTest: idle(),
    snapshots: idle(),
    snapshotsKept: null,
    fetchJob: initialFetchJob,
    chosenSnapshotId: null,
    async loadGraph() {
      await loadInto(() => get().graph, (graph) => set({ graph }), () => call('graph.get', {}));
    },
    async saveGraphConnection(input) {
      const view = await call('graph.connect', input);
      // A new connection makes the last test, and what was read through the old one, meaningless.
      set({ graph: ready(view), graphTest: idle() });
      get().resetEntra();
      return view;
    },
    async disconnectGraph() {
      const view = await call('graph.disconnect', {});
      set({ graph: ready(view), graphTest: idle() });
      get().resetEntra();
    },
    async testGraph() {
      await loadInto(() => get().graphTest, (graphTest) => set({ graphTest }), () => call('graph.test', {}));
    },
    async findApps(query) {
      return (await call('graph.findApps', { query })).items;
    },
    async loadSnapshots() {
      set({ snapshots: loading(get().snapshots) });
      try {
        const { items, kept } = await call('graph.snapshots', {});
        const chosen = get().chosenSnapshotId;
        set({ snapshots: ready(items), snapshotsKept: kept, chosenSnapshotId: chosen !== null && items.some((s) => s.id === chosen) ? chosen : (items[0]?.id ?? null) });
      } catch (error) {
        set({ snapshots: failed(get().snapshots, error) });
      }
    },
    chooseSnapshot(id) {
      set({ chosenSnapshotId: id });
    },
    async startFetch() {
      if (isActive(get().fetchJob)) return;
      set({ fetchJob: { ...initialFetchJob, status: 'starting' } });
      try {
        const { jobId } = await call('graph.fetch', {});
        // The first events may have landed already (the job starts before the call answers).
        const job = get().fetchJob;
        if (job.jobId === null || job.jobId === jobId) updateFetch({ jobId, status: job.status === 'starting' ? 'running' : job.status });
      } catch (error) {
        updateFetch({ status: 'failed', error: toAdminCallError(error) });
      }
    },
    async cancelFetch() {
      const { jobId } = get().fetchJob;
      if (jobId === null) return;
      updateFetch({ cancelling: true });
      try {
        const { cancelled } = await call('graph.cancel', { jobId });
        // Not cancelled: the job had already ended (its last event was missed): say so rather than spin.
        if (!cancelled && isActive(get().fetchJob)) updateFetch({ status: 'cancelled', cancelling: false });
      } catch (error) {
        updateFetch({ cancelling: false, error: toAdminCallError(error) });
      }
    },
    receiveJobProgress(progress) {
      if (progress.kind !== 'graph.fetch') return;
      const job = get().fetchJob;
      // Follow our job; or adopt one started elsewhere (another window, the CLI) when ours is not running.
      if (job.jobId !== null && job.jobId !== progress.jobId && isActive(job)) return;
      if (job.jobId === progress.jobId && !isActive(job) && job.status !== 'idle') return;
      if (!progress.finished) {
        updateFetch({ jobId: progress.jobId, progress, status: 'running', error: null, snapshotId: null });
        return;
      }
      const status = progress.cancelled ? 'cancelled' : progress.error !== null ? 'failed' : 'done';
      updateFetch({ jobId: progress.jobId, progress, status, cancelling: false, snapshotId: progress.resultId });
      if (status === 'done' && progress.resultId !== null) set({ chosenSnapshotId: progress.resultId });
      void get().loadSnapshots();
    },
    async importCsv(csv, fileName) {
      const snapshot = await call('graph.importCsv', { csv, fileName });
      set({ chosenSnapshotId: snapshot.id });
      await get().loadSnapshots();
      return snapshot;
    },
  };
};
