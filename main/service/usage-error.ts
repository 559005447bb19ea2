/** A usage mistake in a headless command: said with the command's usage text, exit code 2. */
export class UsageError extends Error {}

/** Whether `error` is a usage mistake: a UsageError, or one node:util's parseArgs throws (an unknown option, a missing value…). */
export function isUsageMistake(error: unknown): boolean {
  if (error instanceof UsageError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/**
 * Runs a command's body and returns its exit code; a usage mistake is written with the usage text (in
 * the host's spelling) and answered with 2. Anything else is thrown, for the caller or the host to word.
 */
export async function withUsage(run: () => Promise<number>, usage: () => string): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!isUsageMistake(error)) throw error;
    console.error(`Error: ${(error as Error).message}\n\n${usage()}`);
    return 2;
  }
}
