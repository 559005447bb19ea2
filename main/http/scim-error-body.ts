import { URN } from '../../shared/scim/urns';
import { ScimError } from '../scim/scim-error';
import { StoreUniquenessError } from '../store/store-errors';

/**
 * The one place store errors become SCIM errors (RFC 7644 §3.12): a value another record holds
 * is 409 `uniqueness`. Anything else is not the client's fault and stays as it is (a 500).
 */
export function storeErrorToScim(error: unknown): ScimError | undefined {
  if (error instanceof StoreUniquenessError) return new ScimError(409, 'uniqueness', error.message);
  return undefined;
}

/** RFC 7644 §3.12 error body; `status` is a string there, and Entra reads it that way. */
export function scimErrorBody(status: number, scimType: string | undefined, detail: string): Record<string, unknown> {
  return {
    schemas: [URN.error],
    status: String(status),
    ...(scimType ? { scimType } : {}),
    detail,
  };
}
