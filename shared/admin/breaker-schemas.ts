import { z } from 'zod';
import { isoTime } from './admin-shapes';

/**
 * The mass-deprovisioning breaker (issue 14): per directory, a limit on the deactivations and deletes
 * Entra may apply within a window; past it, further ones are held for an administrator.
 */

/**
 * The window the limit counts in: the last `minutes` (sliding), or Entra's current cycle, which begins at
 * the first request after `silenceMinutes` without any (Entra's cycles are bursts about 40 minutes apart).
 */
export const BreakerWindow = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('minutes'), minutes: z.number().int().min(1).max(10_080) }).strict(),
  z.object({ mode: z.literal('cycle'), silenceMinutes: z.number().int().min(1).max(1_440) }).strict(),
]);
export type BreakerWindow = z.infer<typeof BreakerWindow>;

export const BreakerSettings = z
  .object({
    enabled: z.boolean(),
    /** Most deactivations and deletes applied within the window; null: no count limit. */
    maxCount: z.number().int().min(1).max(1_000_000).nullable(),
    /** Most, as a percentage of the directory's users and groups; null: no percentage limit. */
    maxPercent: z.number().min(0.1).max(100).nullable(),
    window: BreakerWindow,
  })
  .strict()
  .refine((settings) => settings.maxCount !== null || settings.maxPercent !== null, {
    message: 'Set a count, a percentage, or both (turn the breaker off instead to have neither)',
    path: ['maxCount'],
  });
export type BreakerSettings = z.infer<typeof BreakerSettings>;

/**
 * On by default: 20 deactivations and deletes, or 10 % of the directory, within 60 minutes, whichever is
 * reached first. An hour covers one incremental cycle of Entra's (about 40 minutes) with room to spare; 20
 * is above what ordinary leavers produce in an hour for a directory of some thousands, and far below what a
 * scoping mistake sends (every user of a removed group or app assignment at once). Entra's own
 * accidental-deletions prevention, off by default, counts per cycle with a suggested 500: ScimDesk's
 * system is the one that loses access, so it stops earlier.
 */
export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = { enabled: true, maxCount: 20, maxPercent: 10, window: { mode: 'minutes', minutes: 60 } };

/**
 * The percentage never allows fewer than this: 10 % of a pilot directory of 30 would hold the fourth
 * deactivation of an afternoon.
 */
export const PERCENT_FLOOR = 5;

/** The limit in force for a directory of `records` users and groups: the lower of the two, and which one it is. */
export function breakerLimit(settings: Pick<BreakerSettings, 'maxCount' | 'maxPercent'>, records: number): { readonly limit: number; readonly by: 'count' | 'percent' } | null {
  const byPercent = settings.maxPercent === null ? null : Math.max(PERCENT_FLOOR, Math.floor((records * settings.maxPercent) / 100));
  if (settings.maxCount === null && byPercent === null) return null;
  if (byPercent === null || (settings.maxCount !== null && settings.maxCount <= byPercent)) return { limit: settings.maxCount!, by: 'count' };
  return { limit: byPercent, by: 'percent' };
}

/** Whether one more deprovisioning, after `applied` in the window, passes the limit: that one is held. */
export function tripsBreaker(settings: BreakerSettings, applied: number, records: number): boolean {
  if (!settings.enabled) return false;
  const limit = breakerLimit(settings, records);
  return limit !== null && applied + 1 > limit.limit;
}

/** One held operation, as the held list shows it. */
export const HeldOperationView = z.object({
  id: z.number().int(),
  resourceType: z.enum(['User', 'Group']),
  resourceId: z.string(),
  userName: z.string().nullable(),
  displayName: z.string().nullable(),
  externalId: z.string().nullable(),
  action: z.enum(['deactivate', 'delete']),
  method: z.enum(['PATCH', 'PUT', 'DELETE']),
  /** What it would do: the normalised PATCH operations (op, path, value), or one line for PUT and DELETE. */
  changes: z.array(z.object({ op: z.string(), path: z.string().optional(), value: z.unknown().optional() })),
  reason: z.string(),
  /** When Entra first sent it, and last (a retry). */
  firstReceived: isoTime,
  lastReceived: isoTime,
  /** How many times Entra sent it again. */
  retries: z.number().int(),
});
export type HeldOperationView = z.infer<typeof HeldOperationView>;

export const BreakerView = z.object({
  settings: BreakerSettings,
  /** Since when further deactivations and deletes are held, and why; null while they flow. */
  tripped: z.object({ since: isoTime, reason: z.string() }).nullable(),
  held: z.number().int(),
  /** Deprovisioning applied in the window now, against the limit for the directory's size. */
  window: z.object({ since: isoTime, applied: z.number().int(), records: z.number().int(), limit: z.number().int().nullable(), by: z.enum(['count', 'percent']).nullable() }),
  /** What Entra is answered for a held operation: 503 with this Retry-After. */
  retryAfterSeconds: z.number().int(),
});
export type BreakerView = z.infer<typeof BreakerView>;

/** Which held operations an admin approves or rejects: null for all of them. */
export const HeldSelection = z.object({ ids: z.array(z.number().int().positive()).min(1).max(100_000).nullable() }).strict();

export const ApproveResult = z.object({
  applied: z.number().int(),
  /** Held operations not applied because the record changed or went since Entra sent them (they are gone from the list too). */
  skipped: z.array(z.object({ id: z.number().int(), reason: z.string() })),
  breaker: BreakerView,
});

export const RejectResult = z.object({ rejected: z.number().int(), breaker: BreakerView });
