import { EVENT_NAMES, METHOD_NAMES, type AdminResult, type EventName, type EventPayload } from '../../shared/admin/contract';
import { ADMIN_EVENT_CHANNEL, adminCallChannel } from '../../shared/admin/ipc-channels';
import type { IpcInvokeEvent, IpcMainPort } from './electron-api';

/** Runs one admin call as a transport receives it: the admin layer's dispatcher (validation, handler, error codes). */
export type AdminDispatch = (
  method: string,
  input: unknown,
  context: { readonly actor: string },
  onInternalError?: (error: unknown) => void,
) => Promise<AdminResult<unknown>>;

export interface AdminIpcOptions {
  readonly ipcMain: IpcMainPort;
  readonly dispatch: AdminDispatch;
  /**
   * Who the audit trail names: the OS account running the app, as serve mode names the account that
   * runs the service (`admin-ui:<account>`). The window is that account's own session: there is no
   * login and no CSRF token over IPC, which is why the sender check below matters.
   */
  readonly actor: string;
  /** Whether the message comes from the app's own window, main frame and origin (window-security.ts). */
  readonly isAppSender: (event: IpcInvokeEvent) => boolean;
  readonly onInternalError?: (method: string, error: unknown) => void;
  readonly onRefused?: (method: string, frameUrl: string | null) => void;
}

const REFUSED: AdminResult<never> = {
  ok: false,
  error: { code: 'forbidden', message: "ScimDesk answers admin calls from its own window's pages only." },
};

/**
 * The main-process end of the IPC transport: one handler per method of the contract (the same list
 * the preload builds its bridge from). Each checks the sender first, then hands the call to the
 * dispatcher, which validates the input with the contract's zod schema, exactly as the HTTP transport
 * does; the answer is always an AdminResult, never an exception (Electron drops custom error fields).
 * Returns the function that removes the handlers.
 */
export function registerAdminIpc(options: AdminIpcOptions): () => void {
  for (const method of METHOD_NAMES) {
    options.ipcMain.handle(adminCallChannel(method), async (event, input: unknown) => {
      if (!options.isAppSender(event)) {
        options.onRefused?.(method, event.senderFrame?.url ?? null);
        return REFUSED;
      }
      return options.dispatch(method, input, { actor: options.actor }, (error) => options.onInternalError?.(method, error));
    });
  }
  return () => {
    for (const method of METHOD_NAMES) options.ipcMain.removeHandler(adminCallChannel(method));
  };
}

/** Where the core's events come from: the admin event bus. */
export interface EventSource {
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/**
 * Sends every event of the contract to the window's page, as (event name, payload) on one channel:
 * the preload hands each to the page's listeners for that name. Returns the unsubscribe function.
 */
export function forwardAdminEvents(events: EventSource, send: (channel: string, name: EventName, payload: unknown) => void): () => void {
  const unsubscribes = EVENT_NAMES.map((name) => events.subscribe(name, (payload) => send(ADMIN_EVENT_CHANNEL, name, payload)));
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}
