import type {
  AdminError,
  AdminErrorCode,
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
} from '../../shared/admin/contract';
import { pickTransport } from './pick-transport';
import type { RendererTransport, SessionInfo } from './transport';

/** A failed admin call: the contract's error code, its message and, for bad input, which field is wrong. */
export class AdminCallError extends Error {
  readonly code: AdminErrorCode;
  readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }>;

  constructor(error: AdminError) {
    super(error.message);
    this.name = 'AdminCallError';
    this.code = error.code;
    this.issues = error.issues ?? [];
  }

  /** The message about one input field (`name`, `onDelete.days`, `attributes.0.name`), if any. */
  issueAt(path: string): string | undefined {
    return this.issues.find((issue) => issue.path === path)?.message;
  }
}

/** Anything thrown, as an AdminCallError (a rejected IPC promise, a bug), so views show one kind of error. */
export function toAdminCallError(error: unknown): AdminCallError {
  if (error instanceof AdminCallError) return error;
  return new AdminCallError({ code: 'internal', message: error instanceof Error ? error.message : String(error) });
}

/** The one transport, chosen at the first call (not at import, so nothing knocks on the API before there is a session). */
let transport: RendererTransport | null = null;
const signedOutListeners = new Set<() => void>();
const reconnectListeners = new Set<() => void>();
const eventListeners = new Map<EventName, Set<(payload: never) => void>>();

function current(): RendererTransport {
  return transport ?? attach(pickTransport());
}

function forward<E extends EventName>(target: RendererTransport, event: E): void {
  target.subscribe(event, (payload: EventPayload<E>) => {
    for (const listener of eventListeners.get(event) ?? []) (listener as (payload: EventPayload<E>) => void)(payload);
  });
}

function attach(next: RendererTransport): RendererTransport {
  transport = next;
  for (const event of eventListeners.keys()) forward(next, event);
  next.onReconnect?.(() => {
    for (const listener of reconnectListeners) listener();
  });
  return next;
}

function raise(error: AdminError): never {
  if (error.code === 'unauthorized') for (const listener of signedOutListeners) listener();
  throw new AdminCallError(error);
}

/**
 * Calls one admin method and returns its output, or throws an AdminCallError
 * carrying the contract's error. Input and output types come from the
 * contract; the server validates, the client does not.
 */
export async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  let result;
  try {
    result = await current().call(method, input);
  } catch (error) {
    throw toAdminCallError(error);
  }
  if (result.ok) return result.value;
  return raise(result.error);
}

/** Checks that there is an admin session (HTTP); the Electron bridge always has one. Throws AdminCallError. */
export async function connect(): Promise<SessionInfo> {
  const target = current();
  if (!target.connect) return { version: null };
  const result = await target.connect();
  if (result.ok) return result.value;
  return raise(result.error);
}

/**
 * Listens to one contract event; returns the unsubscribe function. Listening
 * starts no connection by itself: the stream opens with the first call (the
 * session check), so nothing knocks on the API before there is a session.
 */
export function subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  let set = eventListeners.get(event);
  if (!set) {
    eventListeners.set(event, (set = new Set()));
    // Without a transport yet, the first call or connect attaches one and forwards every event then.
    if (transport) forward(transport, event);
  }
  set.add(listener as (payload: never) => void);
  return () => set.delete(listener as (payload: never) => void);
}

/** Called when a call answers `unauthorized`: the admin session ended. */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

/** Called when the event stream came back after a drop; whatever was missed should be read again. */
export function onEventsReconnected(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}
