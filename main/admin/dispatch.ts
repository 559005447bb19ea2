import { adminMethods, type AdminErrorCode, type AdminResult, type MethodName, type MethodOutput, type ParsedInput } from '../../shared/admin/contract';
import { CertificateMaterialError } from '../graph/certificate-pem';
import { MissingSecretError } from '../graph/create-graph-client';
import { GraphConfigError } from '../graph/graph-config';
import { GraphRequestError } from '../graph/graph-errors';
import { CertificateError } from '../lib/certificate';
import { isScimError } from '../scim/scim-error';
import { StoreConflictError, StoreError, StoreNotFoundError, StoreUnavailableError } from '../store/store-errors';
import { AdminApiError } from './admin-error';

/** Who made an admin call, for the audit trail. */
export interface AdminCallContext {
  readonly actor: string;
}

/** Every method of the contract, implemented once; both transports and the CLI call these. */
export type AdminHandlers = {
  readonly [M in MethodName]: (input: ParsedInput<M>, context: AdminCallContext) => Promise<MethodOutput<M>>;
};

/** What an admin caller is told of one kind of error: its code, and the message shown. */
type ErrorAnswer = { readonly code: AdminErrorCode; readonly message: string };

/**
 * The errors the layers below throw, as the contract's codes: one table, read top to bottom, so a
 * new error type is one row here and not a branch in each handler. Anything not listed is an
 * internal error, logged and answered without its details.
 */
const ERROR_TABLE: ReadonlyArray<(error: unknown) => ErrorAnswer | undefined> = [
  (error) => (error instanceof AdminApiError ? { code: error.code, message: error.message } : undefined),
  (error) => (error instanceof StoreConflictError ? { code: 'conflict', message: error.message } : undefined),
  // The store's other refusals: a missing record is notFound; a stale version, a query or input it refuses, invalidInput.
  (error) => (error instanceof StoreNotFoundError ? { code: 'notFound', message: error.message } : undefined),
  // A full, read-only or locked disk: the call may succeed later unchanged.
  (error) => (error instanceof StoreUnavailableError ? { code: 'unavailable', message: error.message } : undefined),
  (error) => (error instanceof StoreError ? { code: 'invalidInput', message: error.message } : undefined),
  (error) =>
    error instanceof CertificateError || error instanceof GraphConfigError || error instanceof MissingSecretError || error instanceof CertificateMaterialError
      ? { code: 'invalidInput', message: error.message }
      : undefined,
  (error) => (error instanceof GraphRequestError ? { code: 'unavailable', message: `Microsoft Graph answered: ${error.message}` } : undefined),
  (error) => {
    if (!isScimError(error)) return undefined;
    const code: AdminErrorCode = error.status === 404 ? 'notFound' : error.status === 409 ? 'conflict' : error.status < 500 ? 'invalidInput' : 'internal';
    return { code, message: error.detail };
  },
];

/** The table's answer for an error, or undefined for an internal one. */
export function toAdminError(error: unknown): ErrorAnswer | undefined {
  for (const row of ERROR_TABLE) {
    const answer = row(error);
    if (answer) return answer;
  }
  return undefined;
}

function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(adminMethods, name);
}

/** Input the contract refuses: each field and what is wrong with it. */
export class AdminInputError extends AdminApiError {
  constructor(readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }>) {
    super('invalidInput', issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; '));
    this.name = 'AdminInputError';
  }
}

/**
 * One admin call: the input validated against the contract (AdminInputError when it is refused),
 * then the handler. Errors keep their types, for callers that word them themselves (the CLI).
 */
export async function callAdmin<M extends MethodName>(handlers: AdminHandlers, method: M, input: unknown, context: AdminCallContext): Promise<MethodOutput<M>> {
  const parsed = adminMethods[method].input.safeParse(input ?? {});
  if (!parsed.success) throw new AdminInputError(parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
  const handler = handlers[method] as (input: unknown, context: AdminCallContext) => Promise<MethodOutput<M>>;
  return handler(parsed.data, context);
}

/**
 * Runs one call as a transport receives it and turns every outcome into an AdminResult: bad input
 * names each field and what is wrong, and no exception crosses the transport.
 */
export async function dispatchAdminCall(
  handlers: AdminHandlers,
  method: string,
  input: unknown,
  context: AdminCallContext,
  onInternalError?: (error: unknown) => void,
): Promise<AdminResult<unknown>> {
  if (!isMethodName(method)) return { ok: false, error: { code: 'notFound', message: `No admin method "${method}"` } };
  try {
    return { ok: true, value: await callAdmin(handlers, method, input, context) };
  } catch (error) {
    if (error instanceof AdminInputError) return { ok: false, error: { code: 'invalidInput', message: error.message, issues: [...error.issues] } };
    const answer = toAdminError(error);
    if (answer) return { ok: false, error: answer };
    onInternalError?.(error);
    return { ok: false, error: { code: 'internal', message: 'Something went wrong inside ScimDesk; the log file has the details' } };
  }
}
