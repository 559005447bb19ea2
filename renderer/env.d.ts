/// <reference types="vite/client" />
import type { AdminTransport } from '../shared/admin/contract';

declare global {
  interface Window {
    /** The Electron preload bridge (absent in a browser: the renderer then uses loopback HTTP). */
    readonly scimdesk?: AdminTransport;
  }
}
