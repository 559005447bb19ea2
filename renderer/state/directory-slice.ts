import type { DirectorySettings, MethodOutput } from '../../shared/admin/contract';
import { call } from '../api/client';
import { idle, loadInto, ready, type Loadable } from './loadable';
import type { SliceCreator } from './slice-creator';

export interface DirectorySlice {
  readonly directory: Loadable<MethodOutput<'directory.get'>>;
  readonly token: Loadable<MethodOutput<'token.status'>>;
  loadDirectory(): Promise<void>;
  /** Saves name, description and deprovision policy; throws AdminCallError with field issues. */
  saveDirectory(settings: DirectorySettings): Promise<void>;
  loadTokenStatus(): Promise<void>;
  /**
   * Generates a new Secret Token (every earlier one stops working at once).
   * The token itself is returned to the caller only, never kept in the store:
   * it is shown once and then forgotten.
   */
  generateToken(lifetimeDays: number): Promise<MethodOutput<'token.generate'>>;
  revokeToken(): Promise<MethodOutput<'token.revoke'>>;
}

export const createDirectorySlice: SliceCreator<DirectorySlice> = (set, get) => ({
  directory: idle(),
  token: idle(),
  async loadDirectory() {
    await loadInto(() => get().directory, (directory) => set({ directory }), () => call('directory.get', {}));
  },
  async saveDirectory(settings) {
    const saved = await call('directory.update', settings);
    set({ directory: ready(saved) });
  },
  async loadTokenStatus() {
    await loadInto(() => get().token, (token) => set({ token }), () => call('token.status', {}));
  },
  async generateToken(lifetimeDays) {
    const issued = await call('token.generate', { lifetimeDays });
    await get().loadTokenStatus();
    return issued;
  },
  async revokeToken() {
    const result = await call('token.revoke', {});
    await get().loadTokenStatus();
    return result;
  },
});
