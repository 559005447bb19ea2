/**
 * Checks that Electron's own type definitions satisfy the part of its API the desktop host and the
 * preload describe for themselves (main/app/electron-api.ts, main/preload). Type-checked only where the
 * optional `electron` package is installed (scripts/typecheck-electron.mjs); nothing runs this file.
 */
import type * as Electron from 'electron';
import type { ElectronMain } from '../main/app/electron-api';
import type { IpcRendererPort } from '../main/preload/admin-bridge';

type RealElectron = typeof Electron;

export function mainProcessApi(real: RealElectron): ElectronMain<Electron.NativeImage, Electron.Menu> {
  return real;
}

export function preloadApi(real: RealElectron): { contextBridge: { exposeInMainWorld(key: string, api: unknown): void }; ipcRenderer: IpcRendererPort } {
  return { contextBridge: real.contextBridge, ipcRenderer: real.ipcRenderer };
}
