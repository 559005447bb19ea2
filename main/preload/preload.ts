import { BRIDGE_KEY } from '../../shared/admin/ipc-channels';
import { createAdminBridge, type IpcRendererPort } from './admin-bridge';

/** What the preload uses of Electron: the bridge to the page, and IPC to the main process. */
interface PreloadElectron {
  readonly contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  readonly ipcRenderer: IpcRendererPort;
}

// A sandboxed preload runs as CommonJS with a require() that knows only Electron's own modules, so the
// build bundles everything else into preload.cjs and leaves this one call as it is.
const { contextBridge, ipcRenderer } = require('electron') as PreloadElectron;

contextBridge.exposeInMainWorld(BRIDGE_KEY, createAdminBridge(ipcRenderer));
