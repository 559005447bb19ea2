/**
 * The `scimType` values of RFC 7644 §3.12 table 9, plus the ones the protocol
 * uses outside that table (`invalidVers` for ETags is not used here).
 */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/**
 * The one error type of the protocol layer: everything the SCIM code rejects
 * is thrown as a ScimError and rendered as an RFC 7644 §3.12 error body.
 */
export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;
  /** Seconds a client should wait before repeating the request (the Retry-After header), for 429 and 503. */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, scimType: ScimType | undefined, detail: string, retryAfterSeconds?: number) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = scimType;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  get detail(): string {
    return this.message;
  }

  static badRequest(scimType: ScimType, detail: string): ScimError {
    return new ScimError(400, scimType, detail);
  }

  static notFound(detail: string): ScimError {
    return new ScimError(404, undefined, detail);
  }

  /** 503: the service cannot do it now (a full disk, a lock); the same request may succeed later. */
  static unavailable(detail: string, retryAfterSeconds: number): ScimError {
    return new ScimError(503, undefined, detail, retryAfterSeconds);
  }
}

/** True for a ScimError, including one from another copy of this module. */
export function isScimError(error: unknown): error is ScimError {
  return error instanceof ScimError || (error instanceof Error && error.name === 'ScimError' && 'status' in error);
}
