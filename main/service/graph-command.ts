import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DATABASE_FILE } from '../core/create-core';
import { AdminApiError } from '../admin/admin-error';
import { CertificateMaterialError } from '../graph/certificate-pem';
import { MissingSecretError } from '../graph/create-graph-client';
import { GraphConfigError } from '../graph/graph-config';
import { explainTokenError, GraphRequestError, isAbortError } from '../graph/graph-errors';
import { defaultDataDir } from './default-data-dir';
import { openDataFolder } from './open-data-folder';
import { fix } from './graph-cli/fix';
import { COMMAND_OPTIONS, CommandError, EXIT, UsageError, type SpellGraph, type Values, again, parse } from './graph-cli/cli-support';
import { connect, testConnection } from './graph-cli/connect';
import { jobs, restart, snapshots } from './graph-cli/entra';
import { compare } from './graph-cli/compare';
import { isUsageMistake } from './usage-error';

/**
 * `graph <command>` (`npm run graph -- …`, `ScimDesk.exe --graph …`): Compare & Fix from the command line (issue 6,
 * "Scripting"), for support engineers and scheduled checks. It opens the core on
 * the data folder without starting its listener, so it works the same whether
 * the service runs or not: the database is shared through SQLite WAL, the Graph
 * secret through the secret store. Secrets are read from stdin only, never from
 * the command line, and never printed.
 */

/** The example that writes the report to standard output: through npm, -s keeps npm's banner off it. */
function quietJson(spell: SpellGraph): string {
  const line = `${spell('compare --data-dir D --json')} > report.json`;
  return line.startsWith('npm run graph') ? `${line.replace('npm run graph', 'npm run -s graph')}     (-s: without npm's banner on stdout)` : line;
}

export function graphUsage(spell: SpellGraph): string {
  return `ScimDesk: Compare & Fix with Microsoft Graph from the command line

Usage: ${spell('<command> [--data-dir D] [options]')}

Commands:
  connect  --tenant-id T --client-id C (--client-secret-stdin | --certificate-file F [--certificate-password-stdin])
           [--cloud global|usgov|china|custom] [--authority-host URL --graph-url URL [--graph-resource URL]] [--app-id A]
           Saves the connection; the secret (or PFX password) is read from stdin and kept in the secret store.
           --graph-resource: the resource tokens are asked for, when --graph-url is a proxy or private endpoint
           (default: https://graph.microsoft.com, or the Graph URL itself when it is a national cloud's Graph host).
           Without a credential option the stored one is kept.
  test     [--json]                      Signs in and checks each permission. Exit 0 when Compare can run, 3 when not.
  compare  [--snapshot ID | --csv FILE] [--json] [--out FILE] [--fail-on CATEGORY,...]
           Fetches a fresh snapshot from Graph (progress on stderr) unless --snapshot or --csv is given,
           compares it with the local records and prints the counts; --json prints the whole report,
           --out writes it to a file (the plan file of \`fix\`). --fail-on exits 5 when any of those
           categories has a record (for scheduled checks).
  fix      --plan F (--dry-run | --apply) [--approve ID,ID...] [--plan-out P]
           Builds the fix plan from a report written by \`compare --out\` (or a file written by --plan-out)
           and prints every change, refusal and approval needed; --dry-run writes nothing, --apply applies
           it in one transaction with an audit entry per record. Exit 4 when records changed since the report.
  fix      --undo BATCH_ID               Reverts a whole applied batch (exit 4 if a record changed since).
  fix      --list                        Applied batches, newest first.
  jobs                                   The enterprise application's provisioning jobs.
  restart  --job-id J --scope Watermark[,Escrows,...] [--insist]
           Restarts Entra's provisioning job. ConnectorDataStore, Full and ForceDeletes are refused without --insist.
  snapshots                              Snapshots kept in the data folder, newest first.
  help                                   This text.

Examples:
  printf '%s' "$SECRET" | ${spell('connect --data-dir D --tenant-id contoso.onmicrosoft.com')} \\
      --client-id 0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef --client-secret-stdin --app-id 5f1c3a7e-64d0-4a8e-9b2f-0c9d2b7e41aa
  ${spell('test --data-dir D')}
  ${spell('compare --data-dir D --out report.json')}
  ${quietJson(spell)}
  ${spell('fix --data-dir D --plan report.json --dry-run')}
  ${spell('fix --data-dir D --plan report.json --apply --approve 4f1d...,9c2e...')}
  ${spell('fix --data-dir D --undo 7b3e2d0a-...')}
  ${spell('restart --data-dir D --job-id scim.0123... --scope Watermark,Escrows,QuarantineState')}

Exit codes: 0 done, 1 failed, 2 bad arguments or input file, 3 Compare cannot run (test),
4 refused (records changed since the report, or a restart scope that needs --insist), 5 --fail-on matched.
The data folder defaults to ${defaultDataDir()} (environment: SCIMDESK_DATA_DIR).`;
}

/** Plain words for what the Graph layer throws (sign-in failures with their AADSTS advice, Graph's answers). */
function explainGraphFailure(error: unknown, dataDir: string, spell: SpellGraph): string | undefined {
  if (error instanceof GraphConfigError || error instanceof MissingSecretError) return `${error.message}\nFix the connection with \`${again(spell, 'connect', dataDir)} ...\`.`;
  if (error instanceof CertificateMaterialError) return `The stored certificate cannot be used: ${error.message}`;
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  const signIn = /AADSTS\d+|AuthenticationError|CredentialUnavailableError|endpoints_resolution_error/.test(text);
  if (signIn) {
    const failure = explainTokenError(error);
    return `Signing in to Microsoft Entra failed${failure.code ? ` (${failure.code})` : ''}: ${failure.problem}\n  ${failure.message}\nWhat to do: ${failure.advice}`;
  }
  if (error instanceof GraphRequestError) {
    const answer = `Microsoft Graph answered ${error.status} ${error.code}: ${error.message}${error.requestId ? ` (request-id ${error.requestId})` : ''}`;
    if (error.isPermissionDenied) return `${answer}\nA permission is missing or was not consented: \`${again(spell, 'test', dataDir)}\` names it and the admin-consent step that grants it.`;
    if (error.status === 404) return `${answer}\nCheck the id given, and the enterprise application (--app-id) of the connection.`;
    if (error.status === 429 || error.status >= 500) return `${answer}\nMicrosoft Graph is busy or unavailable (ScimDesk already retried as it asked); try again in a few minutes.`;
    return answer;
  }
  const tokenFailure = explainTokenError(error);
  if (tokenFailure.code === 'network' || tokenFailure.code === 'tls') return `${tokenFailure.problem} ${tokenFailure.message}\nWhat to do: ${tokenFailure.advice}`;
  return undefined;
}



async function main(argv: readonly string[], spell: SpellGraph, spellServe: (args: string) => string): Promise<number> {
  const { values, positionals } = parse([...argv]);
  const [command, extra] = positionals;
  if (values.help || command === undefined || command === 'help') {
    console.log(graphUsage(spell));
    return EXIT.ok;
  }
  const allowed = COMMAND_OPTIONS[command];
  if (!allowed) throw new UsageError(`Unknown command "${command}"`);
  if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}"`);
  const stray = (Object.keys(values) as Array<keyof Values>).filter((name) => name !== 'data-dir' && name !== 'help' && !allowed.includes(name));
  if (stray.length > 0) throw new UsageError(`${command} does not take ${stray.map((name) => `--${name}`).join(', ')}`);

  const dataDir = resolve(values['data-dir'] ?? process.env['SCIMDESK_DATA_DIR'] ?? defaultDataDir());
  if (!existsSync(join(dataDir, DATABASE_FILE))) {
    throw new CommandError(`No ScimDesk data in ${dataDir}. Start the service once (\`${spellServe(`--data-dir ${JSON.stringify(dataDir)}`)}\`), or pass the right --data-dir.`);
  }
  // The core without its listener: the store, the secret store and Compare & Fix, beside a running service if there is one.
  const core = await openDataFolder(dataDir);
  try {
    switch (command) {
      case 'connect':
        return await connect(core, values, dataDir, spell);
      case 'test':
        return await testConnection(core, values);
      case 'compare':
        return await compare(core, values, dataDir, spell);
      case 'fix':
        return await fix(core, values, dataDir, spell);
      case 'jobs':
        return await jobs(core, values);
      case 'restart':
        return await restart(core, values, dataDir, spell);
      case 'snapshots':
        return await snapshots(core, spell);
      default:
        throw new UsageError(`Unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof CommandError) throw error;
    if (error instanceof AdminApiError) {
      const code = error.code === 'conflict' || error.code === 'forbidden' ? EXIT.refused : error.code === 'invalidInput' ? EXIT.usage : EXIT.failed;
      const hint = error.reason === 'notConnected' ? `\n  ${again(spell, 'connect', dataDir)} --tenant-id T --client-id C --client-secret-stdin` : '';
      throw new CommandError(`${error.message}${hint}`, code);
    }
    if (isAbortError(error)) throw new CommandError('Cancelled: nothing was saved.');
    const explained = explainGraphFailure(error, dataDir, spell);
    if (explained) throw new CommandError(explained);
    throw error;
  } finally {
    await core.stop();
  }
}

/**
 * Runs one Compare & Fix command. Returns the exit code (EXIT): a usage mistake is said with the usage
 * text, a command that cannot be done without it; any other failure is thrown, for the host to word it.
 * `spellServe` names the host's serve command in hints.
 */
export async function runGraphCli(argv: readonly string[], spell: SpellGraph, spellServe: (args: string) => string): Promise<number> {
  // `graph fix --list | head`: a closed pipe ends the output, not the command with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  try {
    return await main(argv, spell, spellServe);
  } catch (error) {
    if (isUsageMistake(error)) {
      console.error(`Error: ${(error as Error).message}\n\n${graphUsage(spell)}`);
      return EXIT.usage;
    }
    if (error instanceof CommandError) {
      console.error(`Error: ${error.message}`);
      return error.exitCode;
    }
    throw error;
  }
}
