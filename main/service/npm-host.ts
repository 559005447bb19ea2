import { fileURLToPath } from 'node:url';
import type { CliCommand, CliHost } from './run-cli';

/**
 * The headless commands in a checkout: `npm run serve|token|…|support-bundle -- …` (see run-cli.ts).
 * Each npm script's entry runs its command through this one host, so it prints what the installed
 * app (`ScimDesk.exe --serve …`, packaged-cli.ts) prints but for the spelling of commands.
 */
export const npmHost: CliHost = {
  spell: (command: CliCommand, args?: string) => (args ? `npm run ${command} -- ${args}` : `npm run ${command}`),
  // The admin UI that `npm run build:renderer` builds, at the repository root.
  rendererDir: fileURLToPath(new URL('../../dist/renderer', import.meta.url)),
  rendererMissing: 'The admin UI is not built yet: run `npm run build:renderer`.',
  exit: (code) => process.exit(code),
};
