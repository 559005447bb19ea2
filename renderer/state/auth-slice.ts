import type { MethodInput, MethodOutput } from '../../shared/admin/contract';
import { call } from '../api/client';
import { idle, loadInto, ready, type Loadable } from './loadable';
import type { SliceCreator } from './slice-creator';

/** The Authentication screen's OAuth side (issue 16): clients, the federation trust, Entra's form fields. */
export interface AuthSlice {
  readonly auth: Loadable<MethodOutput<'auth.status'>>;
  loadAuth(): Promise<void>;
  /** Creates a client; its secret is returned to the caller only (shown once), never kept in the store. */
  createClient(lifetimeDays: number): Promise<MethodOutput<'auth.createClient'>>;
  rotateClient(clientId: string): Promise<MethodOutput<'auth.rotateClient'>>;
  revokeClient(clientId: string): Promise<void>;
  configureFederation(input: MethodInput<'auth.configureFederation'>): Promise<void>;
  disableFederation(): Promise<void>;
}

export const createAuthSlice: SliceCreator<AuthSlice> = (set, get) => ({
  auth: idle(),
  async loadAuth() {
    await loadInto(() => get().auth, (auth) => set({ auth }), () => call('auth.status', {}));
  },
  async createClient(lifetimeDays) {
    const issued = await call('auth.createClient', { lifetimeDays });
    await get().loadAuth();
    return issued;
  },
  async rotateClient(clientId) {
    const issued = await call('auth.rotateClient', { clientId });
    await get().loadAuth();
    return issued;
  },
  async revokeClient(clientId) {
    await call('auth.revokeClient', { clientId });
    await get().loadAuth();
  },
  async configureFederation(input) {
    await call('auth.configureFederation', input);
    set({ auth: ready(await call('auth.status', {})) });
  },
  async disableFederation() {
    await call('auth.disableFederation', {});
    await get().loadAuth();
  },
});
