import { join } from 'node:path';
import { testCliCurrent, TEST_CLI_DIR } from '../../scripts/ensure-test-cli.mjs';

const ROOT = join(import.meta.dirname, '..', '..');

/** A command under main/service/ that tests start as a process. */
export type CliEntry = 'cli' | 'graph-cli' | 'delivery-cli' | 'reach-cli' | 'support-bundle-cli' | 'start';

let bundled: boolean | undefined;

/**
 * Node's arguments that start a headless command (before the command's own): its test bundle when
 * that is current (npm test builds it: scripts/ensure-test-cli.mjs), else its source through tsx, as
 * `npm run` starts it. Both run the same sources; SCIMDESK_TEST_TSX=1 forces tsx.
 */
export function cliCommand(entry: CliEntry): string[] {
  bundled ??= process.env['SCIMDESK_TEST_TSX'] !== '1' && testCliCurrent(ROOT);
  return bundled ? [join(ROOT, TEST_CLI_DIR, 'service', `${entry}.js`)] : ['--import', 'tsx', join(ROOT, 'main', 'service', `${entry}.ts`)];
}
