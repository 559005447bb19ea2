import { z } from 'zod';

/**
 * True for the 8-4-4-4-12 hex form Entra uses for objectIds (and tenant, client and
 * application IDs), in either letter case.
 *
 * The project's one GUID check: the comparison calls it once per local record, so it
 * reads characters instead of running a regex; the admin contract's GUID fields, the
 * Graph configuration, the CSV import and the renderer all use it, so they agree on
 * what a GUID is.
 */
export function isGuid(value: string): boolean {
  if (value.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) {
      return false;
    }
  }
  return true;
}

/** A string that must be a GUID (isGuid); `message` says what to enter instead. */
export function guidString(message: string) {
  return z.string().refine(isGuid, message);
}
