import { createHttpTransport } from './http-transport';
import { createIpcTransport } from './ipc-transport';
import type { RendererTransport } from './transport';

/**
 * Picks the transport once, at start: the Electron preload bridge when the
 * page runs inside ScimDesk's window (`window.scimdesk`), loopback HTTP to the
 * server that served the page otherwise. Nothing else in the renderer knows
 * which one it got; another transport is one more file and one more line here.
 */
export function pickTransport(): RendererTransport {
  const bridge = typeof window !== 'undefined' ? window.scimdesk : undefined;
  if (bridge) return createIpcTransport(bridge);
  return createHttpTransport(document.baseURI);
}
