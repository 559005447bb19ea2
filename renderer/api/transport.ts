import type { AdminResult, AdminTransport } from '../../shared/admin/contract';
import { createHttpTransport } from './http-transport';

/** What the renderer learns when it connects: the app version, when the transport knows it. */
export interface SessionInfo {
  readonly version: string | null;
}

/**
 * The contract's AdminTransport plus two optional hooks that only a network
 * transport needs: `connect` (is there an admin session?) and `onReconnect`
 * (the event stream came back; events may have been missed). The Electron
 * bridge has neither: its window is its session and IPC does not drop.
 */
export interface RendererTransport extends AdminTransport {
  connect?(): Promise<AdminResult<SessionInfo>>;
  onReconnect?(listener: () => void): () => void;
}

/**
 * Picks the transport once, at start: the Electron preload bridge when the
 * page runs inside ScimDesk's window (`window.scimdesk`), loopback HTTP to the
 * server that served the page otherwise. Nothing else in the renderer knows
 * which one it got.
 */
export function pickTransport(): RendererTransport {
  const bridge = typeof window !== 'undefined' ? window.scimdesk : undefined;
  if (bridge) return bridge;
  return createHttpTransport(document.baseURI);
}
