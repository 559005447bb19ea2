import { runCli, type CliCommand, type CliHost } from './run-cli';

/** The installed app's switches for the headless commands, and the command each stands for. */
const COMMAND_SWITCHES: Readonly<Record<string, CliCommand>> = {
  '--serve': 'serve',
  '--admin-link': 'admin-link',
  '--token': 'token',
  '--diagnose': 'diagnose',
  '--snapshot': 'snapshot',
  '--support-bundle': 'support-bundle',
  '--reach': 'reach',
  '--graph': 'graph',
  '--delivery': 'delivery',
};

/**
 * The headless command an installed app's arguments ask for, as the argument list `npm run`
 * would pass (`ScimDesk.exe --serve --port 9000` → `serve --port 9000`), or undefined when they
 * ask for none and the window should open. `args` are the arguments after the executable (after
 * the script too when Electron runs unpackaged). The switch may stand anywhere among the flags, so
 * `--data-dir D --serve` means the same as `--serve --data-dir D`.
 */
export function packagedCliArgs(args: readonly string[]): string[] | undefined {
  const at = args.findIndex((arg) => Object.hasOwn(COMMAND_SWITCHES, arg));
  if (at < 0) return undefined;
  return [COMMAND_SWITCHES[args[at]!]!, ...args.slice(0, at), ...args.slice(at + 1)];
}

/** What the installed app tells the headless commands about itself. */
export interface PackagedCliOptions {
  /** The executable's file name as the admin types it (`ScimDesk.exe`), for the usage text and the hints. */
  readonly executable: string;
  /** The packaged admin UI: `dist/renderer` inside the app (`app.getAppPath()`). */
  readonly rendererDir: string;
  /** Quits the app with this exit code (Electron's `app.exit`): its main process does not end by itself. */
  readonly exit: (code: number) => void;
}

/** Resolves once everything written to `stream` so far has been handed to the OS (a pipe on Windows is written asynchronously). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/** The host the installed app is: `ScimDesk.exe --token rotate` where a checkout says `npm run token -- rotate`. */
export function packagedHost(options: PackagedCliOptions): CliHost {
  return {
    spell: (command, args) => `${options.executable} --${command}${args ? ` ${args}` : ''}`,
    rendererDir: options.rendererDir,
    rendererMissing: `The admin UI is missing from this installation (${options.rendererDir}): reinstall ScimDesk.`,
    exit: (code) => {
      void Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => options.exit(code));
    },
  };
}

/**
 * Runs the headless command `packagedCliArgs` found exactly as `npm run serve|token|admin-link|…`
 * does (the same code, flags, output lines and exit codes), naming the installed executable in
 * its hints. With `serve` it resolves once the service listens, and the service runs until
 * SIGINT/SIGTERM; every other command quits the app through `options.exit` once its answer is
 * written, as does a failure. The Electron shell opens no window, tray or single-instance lock
 * for these commands.
 */
export async function runPackagedCli(cliArgs: readonly string[], options: PackagedCliOptions): Promise<void> {
  const host = packagedHost(options);
  if ((await runCli(cliArgs, host)) === 'done') host.exit(0);
}
