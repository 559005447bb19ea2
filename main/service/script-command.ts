import type { CliHost } from './run-cli';

/** Thrown where a script called process.exit, so that nothing of it runs past that call. */
class ScriptExited extends Error {}

/**
 * Runs a command whose module is still written as a script, inside a host: the module reads its
 * arguments from process.argv when it is first imported, and ends with process.exit(code).
 * `delivery-cli.ts` is one (its npm script runs it directly). The host's exit replaces process.exit
 * for it, because the installed app must let what was printed reach a pipe before it quits; the
 * script's first exit wins and nothing of it runs past it. Its usage text keeps the npm spelling
 * until it exports a runner that takes the host's spelling, as runSnapshotCli does. Never resolves:
 * the host's exit ends the process.
 */
export async function runScriptCommand(load: () => Promise<unknown>, args: readonly string[], host: CliHost): Promise<never> {
  const realExit = process.exit;
  process.on('unhandledRejection', (reason) => {
    if (!(reason instanceof ScriptExited)) throw reason;
  });
  let exited = false;
  process.exit = ((code?: number | string | null) => {
    if (!exited) {
      exited = true;
      // The npm host's exit is process.exit itself: it must reach the real one.
      process.exit = realExit;
      host.exit(typeof code === 'number' ? code : Number(code ?? process.exitCode ?? 0) || 0);
    }
    throw new ScriptExited();
  }) as typeof process.exit;
  const argv = process.argv;
  process.argv = [argv[0]!, argv[1] ?? '', ...args];
  try {
    await load();
  } finally {
    process.argv = argv;
  }
  return new Promise<never>(() => undefined);
}
