import { URN } from '../../shared/scim/urns';

/** RFC 7644 §3.12 error body; `status` is a string there, and Entra reads it that way. */
export function scimErrorBody(status: number, scimType: string | undefined, detail: string): Record<string, unknown> {
  return {
    schemas: [URN.error],
    status: String(status),
    ...(scimType ? { scimType } : {}),
    detail,
  };
}
