/** What a password becomes wherever ScimDesk keeps a request. */
export const REDACTED = '[redacted]';

/** `password`, `urn:…:User:password`, `password.x`: any name that reaches the password attribute. */
const isPasswordName = (name: string) => /(^|:)password($|\.)/i.test(name);

/**
 * A copy of a SCIM request body with every password replaced: as an attribute, as a path-less PATCH
 * key, or as the value of a PATCH op whose path is `password`. ScimDesk never stores passwords
 * (RFC 7643 §4.1.1: writeOnly), so neither the sync log nor an operation held for an administrator
 * keeps one; a request replayed from such a copy writes what the original wrote, since the password
 * is discarded either way. Bounded at `maxDepth` (the default is deeper than any body the request reader
 * lets through): it runs where a stack overflow would turn a
 * committed write's answer into an error, and what it meets below is cut, not walked.
 */
export function redactPasswords(value: unknown, maxDepth = 64, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxDepth) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((item) => redactPasswords(item, maxDepth, depth + 1));
  const record = value as Record<string, unknown>;
  const pathKey = Object.keys(record).find((key) => key.toLowerCase() === 'path');
  const targetsPassword = pathKey !== undefined && typeof record[pathKey] === 'string' && isPasswordName(record[pathKey]);
  return Object.fromEntries(
    Object.entries(record).map(([key, inner]) =>
      isPasswordName(key) || (targetsPassword && key.toLowerCase() === 'value') ? [key, REDACTED] : [key, redactPasswords(inner, maxDepth, depth + 1)],
    ),
  );
}
