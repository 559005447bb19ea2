import { cliActor } from '../os-account';
import { parseArgs } from 'node:util';
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/admin/contract';
import type { Core } from '../../core/create-core';
import { callAdmin } from '../../admin/dispatch';
import { defaultDataDir } from '../default-data-dir';

/** What every `graph` command shares: exit codes, errors, argument parsing, the admin call and the host's spelling. */

export const EXIT = { ok: 0, failed: 1, usage: 2, cannotCompare: 3, refused: 4, failOn: 5 } as const;

/** Report rows read per call (the contract's page limit). */
export const ROWS_PAGE = 500;

/**
 * One admin call, as the Compare & Fix screen makes it: the same handlers, the input checked against
 * the contract, the audit trail naming this OS account. Errors keep their types, for this command's
 * own wording and exit codes.
 */
export function call<M extends MethodName>(core: Core, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  return callAdmin(core.admin.handlers, method, input, { actor: cliActor() });
}

export { UsageError } from '../usage-error';
/** A command that cannot be done as things are: said without the usage text. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

export type Values = ReturnType<typeof parse>['values'];

export function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      'tenant-id': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret-stdin': { type: 'boolean' },
      'certificate-file': { type: 'string' },
      'certificate-password-stdin': { type: 'boolean' },
      cloud: { type: 'string' },
      'authority-host': { type: 'string' },
      'graph-url': { type: 'string' },
      'graph-resource': { type: 'string' },
      'app-id': { type: 'string' },
      snapshot: { type: 'string' },
      csv: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      'fail-on': { type: 'string' },
      plan: { type: 'string' },
      'plan-out': { type: 'string' },
      'dry-run': { type: 'boolean' },
      apply: { type: 'boolean' },
      approve: { type: 'string', multiple: true },
      undo: { type: 'string' },
      list: { type: 'boolean' },
      'job-id': { type: 'string' },
      scope: { type: 'string' },
      insist: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** Options each command accepts besides --data-dir and --help: anything else is a usage error, not silently ignored. */
export const COMMAND_OPTIONS: Readonly<Record<string, ReadonlyArray<keyof Values>>> = {
  connect: ['tenant-id', 'client-id', 'client-secret-stdin', 'certificate-file', 'certificate-password-stdin', 'cloud', 'authority-host', 'graph-url', 'graph-resource', 'app-id'],
  test: ['json'],
  compare: ['snapshot', 'csv', 'json', 'out', 'fail-on'],
  fix: ['plan', 'plan-out', 'dry-run', 'apply', 'approve', 'undo', 'list'],
  jobs: ['json'],
  restart: ['job-id', 'scope', 'insist'],
  snapshots: [],
};

/** A list option (`--approve a,b --approve c`) as its items. */
export function list(raw: string | ReadonlyArray<string> | undefined): string[] {
  if (raw === undefined) return [];
  const parts = typeof raw === 'string' ? [raw] : raw;
  return parts.flatMap((part) => part.split(',')).map((item) => item.trim()).filter((item) => item !== '');
}

/** How the host spells `graph <args>` (`npm run graph -- …`, `ScimDesk.exe --graph …`). */
export type SpellGraph = (args: string) => string;

/** How this command is run again for the same data folder on this host (in hints). */
export function again(spell: SpellGraph, command: string, dataDir: string): string {
  const folder = dataDir === defaultDataDir() ? '' : ` --data-dir ${JSON.stringify(dataDir)}`;
  return spell(`${command}${folder}`);
}
