import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATABASE_FILE } from '../core/create-core';
import type { CheckFrom, OutsideCheckResult } from '../tunnel/outside-check';
import { defaultDataDir } from './default-data-dir';
import { openDataFolder } from './open-data-folder';
import { cliActor } from './os-account';
import { UsageError, withUsage } from './usage-error';

/** How the host spells `reach <args>` (`npm run reach -- …`, `ScimDesk.exe --reach …`). */
export type SpellReach = (args: string) => string;

export function reachUsage(spell: SpellReach): string {
  return `ScimDesk reachability

Usage:
  ${spell('check [--data-dir D] [--url URL] [--from internet|network] [--token-stdin]')}

check   Calls the Tenant URL the way Entra's Test Connection does (a query for a random userName, with
        the token, no User-Agent) and reports the name (DNS), the connection, the certificate (chain,
        expiry, name), the token and the answer, each with its fix. Exit code 0 when Entra would get
        through, 1 when it would not, 2 for a usage mistake.
        --url    the URL to check (default: the Tenant URL the running service gives Entra; without a
                 running service, the tunnel's last public URL, the saved public URL or the local listener)
        --from   internet (default): as Entra's cloud calls; network: as Microsoft's on-premises
                 provisioning agent calls, from inside your network (private addresses are fine)
        The probe carries ScimDesk's own check key (it opens nothing but this query). To check the
        Secret Token Entra has instead, give it in SCIMDESK_TOKEN or on standard input with --token-stdin.

The data folder defaults to ${defaultDataDir()} (environment: SCIMDESK_DATA_DIR).`;
}


const MARK: Record<OutsideCheckResult['steps'][number]['status'], string> = { pass: '✔', warn: '!', fail: '✖', skipped: '–' };

/** The check as lines an admin reads top to bottom: each step, its finding, and the fix under a problem. */
function formatCheck(result: OutsideCheckResult, source: string | undefined): string {
  const width = Math.max(...result.steps.map((step) => step.title.length));
  const lines = [
    `Checking ${result.url}${source ? ` (${source})` : ''}`,
    `  as Entra's Test Connection calls it, from ${result.from === 'internet' ? 'the internet' : 'inside the network'}, with ${result.credential === 'token' ? 'the Secret Token you gave' : "ScimDesk's check key"}:`,
    `  ${result.request}`,
    '',
  ];
  for (const step of result.steps) {
    lines.push(`${MARK[step.status]} ${step.title.padEnd(width)}  ${step.summary}`);
    if (step.fix && (step.status === 'fail' || step.status === 'warn')) lines.push(`  ${' '.repeat(width)}  Fix: ${step.fix}`);
  }
  const failed = result.steps.find((step) => step.status === 'fail');
  lines.push('');
  lines.push(failed ? `Entra could not get through: ${failed.title} failed.` : `Entra would get through (${result.durationMs} ms).`);
  return lines.join('\n');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

async function check(values: { 'data-dir'?: string; url?: string; from?: string; 'token-stdin'?: boolean }): Promise<number> {
  const dataDir = values['data-dir'] ?? process.env['SCIMDESK_DATA_DIR'] ?? defaultDataDir();
  const from = (values.from ?? 'internet') as CheckFrom;
  if (from !== 'internet' && from !== 'network') throw new UsageError(`--from must be internet or network, got "${values.from}"`);
  if (values.url !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/i.test(values.url)) throw new UsageError(`--url must be an http(s) URL, got "${values.url}"`);
  if (!existsSync(join(dataDir, DATABASE_FILE))) throw new UsageError(`No ScimDesk data in ${dataDir}. Start the service once, or pass --data-dir.`);
  const token = values['token-stdin'] ? await readStdin() : process.env['SCIMDESK_TOKEN'];
  if (values['token-stdin'] && !token) throw new UsageError('--token-stdin: standard input was empty');
  // The same data folder as the service (running or not): its check key, its settings, and the place the outcome is recorded.
  const core = await openDataFolder(dataDir);
  try {
    const source = values.url ? undefined : (await core.admin.reach.defaultCheckUrl()).source;
    const result = await core.admin.handlers['reach.check'](
      { ...(values.url ? { url: values.url } : {}), ...(token ? { token } : {}), from },
      { actor: cliActor() },
    );
    console.log(formatCheck(result, source));
    return result.passed ? 0 : 1;
  } finally {
    await core.stop();
  }
}

async function main(argv: readonly string[], spell: SpellReach): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      url: { type: 'string' },
      from: { type: 'string' },
      'token-stdin': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command] = positionals;
  if (values.help || command === undefined || command === 'help') {
    console.log(reachUsage(spell));
    return 0;
  }
  if (command === 'check') return check(values);
  throw new UsageError(`Unknown command "${command}"`);
}

/**
 * `reach check`: the check from outside, from the command line. Returns the exit code: 0 Entra would
 * get through, 1 it would not, 2 a usage mistake (said with the usage text). Any other failure is
 * thrown, for the host to word it.
 */
export async function runReachCli(argv: readonly string[], spell: SpellReach): Promise<number> {
  return withUsage(() => main(argv, spell), () => reachUsage(spell));
}
