import type { MethodOutput } from '../../shared/admin/contract';
import { call, subscribe, toAdminCallError, type AdminCallError } from '../api/client';
import type { SliceCreator } from './slice-creator';

/** The support bundle being built (one at a time), its progress from the job.progress events, and the outcome. */
export interface SupportBundleJob {
  readonly status: 'idle' | 'running' | 'done' | 'failed';
  readonly progress: { readonly done: number; readonly total: number; readonly message: string } | null;
  readonly result: Omit<MethodOutput<'support.bundle'>, 'zipBase64'> | null;
  readonly error: AdminCallError | null;
}

export interface SupportSlice {
  readonly supportBundle: SupportBundleJob;
  /** Builds the redacted zip of the last `cycles` provisioning cycles; resolves with it (the view saves it), or throws AdminCallError. */
  buildSupportBundle(cycles: number): Promise<MethodOutput<'support.bundle'>>;
}

const idleJob: SupportBundleJob = { status: 'idle', progress: null, result: null, error: null };

export const createSupportSlice: SliceCreator<SupportSlice> = (set) => ({
  supportBundle: idleJob,
  async buildSupportBundle(cycles) {
    // The id is ours, so the progress events of this bundle are known before its answer arrives.
    const jobId = crypto.randomUUID();
    set({ supportBundle: { ...idleJob, status: 'running', progress: { done: 0, total: 1, message: 'Starting…' } } });
    const stop = subscribe('job.progress', (event) => {
      if (event.jobId !== jobId || event.finished) return;
      set((state) => (state.supportBundle.status === 'running' ? { supportBundle: { ...state.supportBundle, progress: { done: event.done, total: event.total ?? 1, message: event.message } } } : state));
    });
    try {
      const bundle = await call('support.bundle', { cycles, jobId });
      const { zipBase64: _zip, ...result } = bundle;
      set({ supportBundle: { status: 'done', progress: null, result, error: null } });
      return bundle;
    } catch (error) {
      const failure = toAdminCallError(error);
      set({ supportBundle: { status: 'failed', progress: null, result: null, error: failure } });
      throw failure;
    } finally {
      stop();
    }
  },
});
