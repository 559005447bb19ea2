import { URN } from '../../shared/scim/urns';
import { ScimError, type ScimType } from '../scim/scim-error';
import {
  StoreInputError,
  StoreNotFoundError,
  StoreQueryError,
  StoreUniquenessError,
  StoreUnavailableError,
  StoreVersionError,
  type StoreInputProblem,
} from '../store/store-errors';

const INPUT_SCIM_TYPE: Readonly<Record<StoreInputProblem, ScimType>> = {
  nameRequired: 'invalidValue',
  selfMembership: 'invalidValue',
  notAGroup: 'invalidPath',
};

/**
 * The one place store errors become SCIM errors (RFC 7644 §3.12), the store's words as `detail`:
 * a value another record holds is 409 `uniqueness`, a record that is not there 404, a version
 * If-Match does not name 412, a query the store cannot run 400 `invalidFilter`, input it refuses
 * 400 with its scimType, a disk that is full, read-only or locked 503 with Retry-After. Anything else (a conflict no SCIM request can cause, a fault) is not the
 * client's fault and stays as it is (a 500).
 */
export function storeErrorToScim(error: unknown): ScimError | undefined {
  if (error instanceof StoreUniquenessError) return new ScimError(409, 'uniqueness', error.message);
  if (error instanceof StoreNotFoundError) return ScimError.notFound(error.message);
  if (error instanceof StoreVersionError) return new ScimError(412, undefined, error.message);
  if (error instanceof StoreQueryError) return ScimError.badRequest('invalidFilter', error.message);
  if (error instanceof StoreInputError) return ScimError.badRequest(INPUT_SCIM_TYPE[error.problem], error.message);
  if (error instanceof StoreUnavailableError) return ScimError.unavailable(error.message, error.retryAfterSeconds);
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
