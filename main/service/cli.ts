import { fileURLToPath } from 'node:url';
import { runCli, type CliCommand, type CliHost } from './run-cli';

/**
 * The headless commands in a checkout: `npm run serve|token|admin-link -- …` (see run-cli.ts).
 * The installed app runs the same commands as `ScimDesk.exe --serve …` (packaged-cli.ts).
 */
const npmHost: CliHost = {
  spell: (command: CliCommand, args?: string) => (args ? `npm run ${command} -- ${args}` : `npm run ${command}`),
  // The admin UI that `npm run build:renderer` builds, at the repository root.
  rendererDir: fileURLToPath(new URL('../../dist/renderer', import.meta.url)),
  rendererMissing: 'The admin UI is not built yet: run `npm run build:renderer`.',
  exit: (code) => process.exit(code),
  moreUsage: ['npm run reach -- check [--data-dir D] [--url URL] [--from internet|network] [--token-stdin]'],
};

// Node ends by itself once a command is done; the service keeps it alive until a signal.
await runCli(process.argv.slice(2), npmHost);
