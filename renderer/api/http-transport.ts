import {
  ERROR_CODES,
  EVENT_NAMES,
  type AdminError,
  type AdminResult,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../shared/admin/contract';
import type { RendererTransport, SessionInfo } from './transport';

type AnyListener = (payload: unknown) => void;

const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 30_000;

function failure(code: AdminError['code'], message: string): { ok: false; error: AdminError } {
  return { ok: false, error: { code, message } };
}

function isAdminError(value: unknown): value is AdminError {
  if (typeof value !== 'object' || value === null) return false;
  const error = value as { code?: unknown; message?: unknown };
  return typeof error.message === 'string' && (ERROR_CODES as ReadonlyArray<unknown>).includes(error.code);
}

/** Reads an AdminResult from a response body, or says why it is not one. */
function toResult(status: number, body: unknown): AdminResult<unknown> {
  if (typeof body === 'object' && body !== null && 'ok' in body) {
    const result = body as { ok: unknown; value?: unknown; error?: unknown };
    if (result.ok === true) return { ok: true, value: result.value };
    if (result.ok === false && isAdminError(result.error)) return { ok: false, error: result.error };
  }
  if (status === 401) return failure('unauthorized', 'Your admin session has ended. Open a new login link.');
  if (status === 403) return failure('forbidden', 'ScimDesk refused this request.');
  return failure('internal', `ScimDesk answered HTTP ${status} without a readable result.`);
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

const UNREACHABLE = 'Cannot reach ScimDesk. Is it still running? Check the window or the console it was started from.';

/**
 * The serve-mode transport: the admin contract over loopback HTTP under the
 * page's own `api/` path (the page is served at /admin/), cookie session,
 * CSRF header on every call, Server-Sent Events for the contract's events.
 * Every path is relative to the page, so the same build works behind any prefix.
 */
export function createHttpTransport(baseUri: string): RendererTransport {
  const url = (path: string) => new URL(path, baseUri).toString();
  let csrfToken: string | null = null;

  const listeners = new Map<EventName, Set<AnyListener>>();
  const reconnectListeners = new Set<() => void>();
  let source: EventSource | null = null;
  let hadError = false;
  let retryDelay = RETRY_FIRST_MS;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  async function connect(): Promise<AdminResult<SessionInfo>> {
    let response: Response;
    try {
      response = await fetch(url('api/session'), { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    } catch {
      return failure('unavailable', UNREACHABLE);
    }
    const body = await readJson(response);
    if (response.ok && typeof body === 'object' && body !== null && typeof (body as { csrfToken?: unknown }).csrfToken === 'string') {
      const session = body as { csrfToken: string; version?: unknown };
      csrfToken = session.csrfToken;
      // A session that was missing a moment ago may now exist: reopen the event stream at once.
      if (!source && listeners.size > 0) {
        retryDelay = RETRY_FIRST_MS;
        openEvents();
      }
      return { ok: true, value: { version: typeof session.version === 'string' ? session.version : null } };
    }
    csrfToken = null;
    const result = toResult(response.status, body);
    return result.ok ? failure('internal', 'ScimDesk answered the session request without a CSRF token.') : result;
  }

  async function post(method: MethodName, input: unknown): Promise<{ status: number; result: AdminResult<unknown> }> {
    let response: Response;
    try {
      response = await fetch(url(`api/call/${encodeURIComponent(method)}`), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrfToken ?? '' },
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      return { status: 0, result: failure('unavailable', UNREACHABLE) };
    }
    return { status: response.status, result: toResult(response.status, await readJson(response)) };
  }

  async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<AdminResult<MethodOutput<M>>> {
    if (csrfToken === null) {
      const session = await connect();
      if (!session.ok) return session;
    }
    const first = await post(method, input);
    let result = first.result;
    // A stale CSRF token (a new login replaced the session): read the session again and retry once.
    if (first.status === 403) {
      const previous = csrfToken;
      const session = await connect();
      if (session.ok && csrfToken !== previous) result = (await post(method, input)).result;
    }
    return result as AdminResult<MethodOutput<M>>;
  }

  function dispatch(event: EventName, data: string): void {
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      console.warn(`ScimDesk: ignored an unreadable "${event}" event`);
      return;
    }
    for (const listener of listeners.get(event) ?? []) listener(payload);
  }

  function scheduleRetry(): void {
    if (retryTimer !== null) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (!source && listeners.size > 0) openEvents();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  function openEvents(): void {
    if (retryTimer !== null) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    const next = new EventSource(url('api/events'));
    source = next;
    for (const name of EVENT_NAMES) next.addEventListener(name, (event) => dispatch(name, (event as MessageEvent<string>).data));
    next.addEventListener('open', () => {
      retryDelay = RETRY_FIRST_MS;
      if (hadError) {
        hadError = false;
        // Events may have been missed while the stream was down.
        for (const listener of reconnectListeners) listener();
      }
    });
    next.addEventListener('error', () => {
      hadError = true;
      // EventSource retries a dropped stream itself, but gives up on an HTTP error (401 after the session ended).
      if (next.readyState === EventSource.CLOSED) {
        if (source === next) source = null;
        scheduleRetry();
      }
    });
  }

  function subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener as AnyListener);
    if (!source && retryTimer === null) openEvents();
    return () => {
      set.delete(listener as AnyListener);
      if (set.size === 0) listeners.delete(event);
      if (listeners.size === 0 && source) {
        source.close();
        source = null;
      }
    };
  }

  return {
    call,
    subscribe,
    connect,
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
  };
}
