import type { EventName, EventPayload } from '../../shared/admin/contract';

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

/**
 * The admin events of the contract, emitted by the core and carried to the UI
 * by whichever transport is in use (SSE in serve mode, IPC in Electron).
 */
export class AdminEventBus {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as Listener<E>)(payload);
      } catch {
        // A broken subscriber (a closed SSE stream) must not stop the others.
      }
    }
  }

  subscribe<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }
}
