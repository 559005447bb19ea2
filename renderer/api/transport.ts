import type { AdminResult, AdminTransport } from '../../shared/admin/contract';

/** What the renderer learns when it connects: the app version, when the transport knows it. */
export interface SessionInfo {
  readonly version: string | null;
}

/**
 * The contract's AdminTransport plus two optional hooks that only a network
 * transport needs: `connect` (is there an admin session?) and `onReconnect`
 * (the event stream came back; events may have been missed). The Electron
 * bridge has neither: its window is its session and IPC does not drop.
 * Each transport lives in a file of its own that imports this one;
 * pick-transport.ts chooses between them.
 */
export interface RendererTransport extends AdminTransport {
  connect?(): Promise<AdminResult<SessionInfo>>;
  onReconnect?(listener: () => void): () => void;
}
