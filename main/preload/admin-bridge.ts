import {
  EVENT_NAMES,
  METHOD_NAMES,
  type AdminResult,
  type AdminTransport,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../shared/admin/contract';
import { ADMIN_EVENT_CHANNEL, adminCallChannel } from '../../shared/admin/ipc-channels';

/** What the bridge uses of Electron's ipcRenderer (the preload passes the real one). */
export interface IpcRendererPort {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * The admin contract as the renderer sees it in Electron's window: `call(method, input)` for each
 * method of the contract and `subscribe(event, listener)` for each event, built from the contract's
 * lists so nothing else crosses the bridge. The page never gets ipcRenderer or any other Electron or
 * Node API (Electron's security checklist, "Do not expose Electron APIs to untrusted web content").
 * A name outside the contract is refused here, before any IPC; the main process validates the input
 * and the sender again, since a compromised page could reach IPC some other way.
 */
export function createAdminBridge(ipc: IpcRendererPort): AdminTransport {
  const methods = new Set<string>(METHOD_NAMES);
  const events = new Set<string>(EVENT_NAMES);
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  ipc.on(ADMIN_EVENT_CHANNEL, (_event, name, payload) => {
    if (typeof name !== 'string' || !events.has(name)) return;
    for (const listener of listeners.get(name) ?? []) {
      try {
        listener(payload);
      } catch {
        // One broken listener must not keep the event from the others.
      }
    }
  });

  const bridge: AdminTransport = {
    call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<AdminResult<MethodOutput<M>>> {
      if (typeof method !== 'string' || !methods.has(method)) {
        return Promise.resolve({ ok: false, error: { code: 'notFound', message: `No admin method "${String(method)}"` } });
      }
      return ipc.invoke(adminCallChannel(method), input) as Promise<AdminResult<MethodOutput<M>>>;
    },
    subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      if (typeof event !== 'string' || !events.has(event) || typeof listener !== 'function') return () => undefined;
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const held = listener as (payload: unknown) => void;
      set.add(held);
      return () => {
        set.delete(held);
      };
    },
  };
  return Object.freeze(bridge);
}
