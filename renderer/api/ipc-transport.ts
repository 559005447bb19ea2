import { ERROR_CODES, type AdminError, type AdminResult, type AdminTransport, type MethodInput, type MethodName, type MethodOutput } from '../../shared/admin/contract';
import type { RendererTransport } from './transport';

function failure(code: AdminError['code'], message: string): { ok: false; error: AdminError } {
  return { ok: false, error: { code, message } };
}

/** Whether a value that came over the bridge is an AdminResult (the main process always sends one). */
function isResult(value: unknown): value is AdminResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const result = value as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (result.ok === true) return 'value' in result;
  return result.ok === false && typeof result.error?.message === 'string' && (ERROR_CODES as ReadonlyArray<unknown>).includes(result.error.code);
}

/**
 * The desktop transport: the admin contract over the preload's bridge (Electron IPC). The window is
 * its session, so it needs neither `connect` nor a reconnect signal; what can still go wrong is the
 * IPC call itself (the main process is stopping), which becomes an `unavailable` result like a
 * dropped connection in serve mode, so the screens show one kind of error whatever the transport.
 */
export function createIpcTransport(bridge: AdminTransport): RendererTransport {
  return {
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<AdminResult<MethodOutput<M>>> {
      let result: unknown;
      try {
        result = await bridge.call(method, input);
      } catch (error) {
        return failure('unavailable', `Cannot reach ScimDesk's service from this window: ${error instanceof Error ? error.message : String(error)}`);
      }
      return (isResult(result) ? result : failure('internal', 'ScimDesk answered without a readable result.')) as AdminResult<MethodOutput<M>>;
    },
    subscribe(event, listener) {
      return bridge.subscribe(event, listener);
    },
  };
}
