import type { MethodInput, MethodOutput } from '../../shared/admin/contract';
import { call } from '../api/client';
import { createLatest, idle, loadInto, loading, ready, type Loadable } from './loadable';
import type { SliceCreator } from './slice-creator';

type ProvisioningJobs = MethodOutput<'entra.jobs'>;
export type ProvisioningJob = ProvisioningJobs['items'][number];
export type OnDemandResult = MethodOutput<'entra.provisionOnDemand'>;
export type ProvisioningLogs = MethodOutput<'entra.provisioningLogs'>;
type RotationResult = MethodOutput<'entra.rotateToken'>;
export type ResetScopeName = MethodInput<'entra.restartJob'>['resetScope'][number];

/** The tabs of the Entra provisioning section. */
export type EntraTab = 'jobs' | 'onDemand' | 'logs' | 'rotate';

/** Whose provisioning logs are shown: the whole application, or one user (by Entra objectId or local id). */
interface LogsQuery {
  readonly userObjectId: string;
  readonly localUserId: string | null;
  /** Who the local id is, for the heading ("alice@contoso.com"). */
  readonly label: string | null;
}

interface EntraState {
  readonly tab: EntraTab;
  readonly jobs: Loadable<ProvisioningJobs>;
  /** The user to provision on demand (typed, or taken from a report row). */
  readonly onDemandObjectId: string;
  readonly onDemand: Loadable<OnDemandResult>;
  readonly logsQuery: LogsQuery;
  readonly logs: Loadable<ProvisioningLogs>;
  readonly rotation: RotationResult | null;
}

export interface EntraSlice {
  readonly entra: EntraState;
  showEntraTab(tab: EntraTab): void;
  loadProvisioningJobs(): Promise<void>;
  /** Restarts a job; throws AdminCallError (forbidden for the wiping scopes without insist). */
  restartProvisioningJob(jobId: string, resetScope: ReadonlyArray<ResetScopeName>, insist: boolean): Promise<MethodOutput<'entra.restartJob'>>;
  setOnDemandObjectId(objectId: string): void;
  /** Provisions one user now and keeps the step-by-step result; throws AdminCallError. */
  provisionOnDemand(jobId: string, userObjectId: string): Promise<OnDemandResult>;
  setLogsQuery(query: LogsQuery): void;
  loadProvisioningLogs(): Promise<void>;
  /** Opens a tab with a user from the comparison report already filled in. */
  showUserInEntra(tab: 'onDemand' | 'logs', user: { readonly objectId: string | null; readonly localId: string | null; readonly name: string }): void;
  /** Rotates the SCIM token through Graph; throws AdminCallError. */
  rotateTokenViaGraph(overlapMinutes: number, lifetimeDays: number): Promise<RotationResult>;
  /** Forgets what was read from Entra (the connection or its enterprise application changed). */
  resetEntra(): void;
}

const initialLogsQuery: LogsQuery = { userObjectId: '', localUserId: null, label: null };

const initialEntra: EntraState = {
  tab: 'jobs',
  jobs: idle(),
  onDemandObjectId: '',
  onDemand: idle(),
  logsQuery: initialLogsQuery,
  logs: idle(),
  rotation: null,
};

const latestLogs = createLatest();

export const createEntraSlice: SliceCreator<EntraSlice> = (set, get) => {
  const update = (patch: Partial<EntraState>) => set((state) => ({ entra: { ...state.entra, ...patch } }));
  return {
    entra: initialEntra,
    showEntraTab(tab) {
      update({ tab });
    },
    async loadProvisioningJobs() {
      await loadInto(() => get().entra.jobs, (jobs) => update({ jobs }), () => call('entra.jobs', {}));
    },
    async restartProvisioningJob(jobId, resetScope, insist) {
      const result = await call('entra.restartJob', { jobId, resetScope: [...resetScope], insist });
      void get().loadProvisioningJobs();
      return result;
    },
    setOnDemandObjectId(objectId) {
      update({ onDemandObjectId: objectId });
    },
    async provisionOnDemand(jobId, userObjectId) {
      update({ onDemand: loading(idle()) });
      try {
        const result = await call('entra.provisionOnDemand', { jobId, userObjectId });
        update({ onDemand: ready(result) });
        return result;
      } catch (error) {
        update({ onDemand: idle() });
        throw error;
      }
    },
    setLogsQuery(query) {
      update({ logsQuery: query });
    },
    async loadProvisioningLogs() {
      const query = get().entra.logsQuery;
      const objectId = query.userObjectId.trim();
      const read = () =>
        call('entra.provisioningLogs', {
          ...(objectId ? { userObjectId: objectId } : {}),
          ...(query.localUserId !== null ? { localUserId: query.localUserId } : {}),
          top: 50,
        });
      await loadInto(() => get().entra.logs, (logs) => update({ logs }), read, latestLogs);
    },
    showUserInEntra(tab, user) {
      if (tab === 'onDemand') {
        update({ tab, onDemandObjectId: user.objectId ?? '', onDemand: idle() });
        return;
      }
      update({ tab, logsQuery: { userObjectId: user.objectId ?? '', localUserId: user.localId, label: user.name } });
      void get().loadProvisioningLogs();
    },
    resetEntra() {
      update({ jobs: idle(), onDemand: idle(), logs: idle(), rotation: null });
    },
    async rotateTokenViaGraph(overlapMinutes, lifetimeDays) {
      const result = await call('entra.rotateToken', { overlapMinutes, lifetimeDays });
      update({ rotation: result });
      return result;
    },
  };
};
