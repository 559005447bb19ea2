import type { EndpointSettings, ExtensionSchema, MethodOutput, Retention } from '../../shared/admin/contract';
import { call } from '../api/client';
import { idle, loadInto, ready, type Loadable } from './loadable';
import type { SliceCreator } from './slice-creator';

export interface SettingsSlice {
  readonly settings: Loadable<MethodOutput<'settings.get'>>;
  readonly extensions: Loadable<MethodOutput<'extensions.list'>['items']>;
  loadSettings(): Promise<void>;
  loadExtensions(): Promise<void>;
  /** Each of these throws AdminCallError (with field issues for bad input) and stores the new view on success. */
  updateEndpoint(endpoint: EndpointSettings): Promise<MethodOutput<'settings.updateEndpoint'>>;
  updateRetention(retention: Retention): Promise<void>;
  setCertificate(pfxBase64: string, passphrase: string): Promise<void>;
  clearCertificate(): Promise<void>;
  saveExtension(extension: ExtensionSchema): Promise<void>;
  deleteExtension(urn: string): Promise<void>;
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = (set, get) => ({
  settings: idle(),
  extensions: idle(),
  async loadSettings() {
    await loadInto(() => get().settings, (settings) => set({ settings }), () => call('settings.get', {}));
  },
  async loadExtensions() {
    await loadInto(() => get().extensions, (extensions) => set({ extensions }), async () => (await call('extensions.list', {})).items);
  },
  async updateEndpoint(endpoint) {
    const view = await call('settings.updateEndpoint', endpoint);
    set({ settings: ready(view) });
    return view;
  },
  async updateRetention(retention) {
    set({ settings: ready(await call('settings.updateRetention', retention)) });
  },
  async setCertificate(pfxBase64, passphrase) {
    set({ settings: ready(await call('settings.setCertificate', { pfxBase64, passphrase })) });
  },
  async clearCertificate() {
    set({ settings: ready(await call('settings.clearCertificate', {})) });
  },
  async saveExtension(extension) {
    set({ extensions: ready((await call('extensions.save', extension)).items) });
  },
  async deleteExtension(urn) {
    set({ extensions: ready((await call('extensions.delete', { urn })).items) });
  },
});
