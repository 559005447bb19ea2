import { z } from 'zod';

/**
 * The support bundle as the admin contract carries it (issue 14): a redacted zip, base64 in the
 * answer as the other exports carry their CSV, so both transports (loopback HTTP and Electron IPC)
 * carry it the same way and the page saves it through the browser's download.
 */

export const SUPPORT_BUNDLE_MAX_CYCLES = 20;

export const SupportBundleInput = z
  .object({
    /** How many of the last provisioning cycles of the sync log go in (hours, when the log shows no cycle). */
    cycles: z.number().int('Whole cycles only').min(1, 'At least 1 cycle').max(SUPPORT_BUNDLE_MAX_CYCLES, `At most ${SUPPORT_BUNDLE_MAX_CYCLES} cycles`).default(3),
    /** Chosen by the caller, so the job.progress events it follows are recognisable before the answer arrives. */
    jobId: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

export const SupportBundleFile = z.object({ name: z.string(), what: z.string(), bytes: z.number().int() });
export type SupportBundleFile = z.infer<typeof SupportBundleFile>;

export const SupportBundleOutput = z.object({
  fileName: z.string(),
  /** The zip, base64. */
  zipBase64: z.string(),
  bytes: z.number().int(),
  files: z.array(SupportBundleFile),
  /** Sync-log entries inside, and how many provisioning cycles they cover (0: the last hours instead). */
  entries: z.number().int(),
  cycles: z.number().int(),
});
export type SupportBundleOutput = z.infer<typeof SupportBundleOutput>;
