import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATABASE_FILE, type Core } from '../core/create-core';
import { DeliveryError, MAX_PAUSE_AFTER } from '../delivery/subscriptions';
import { defaultDataDir } from './default-data-dir';
import { openDataFolder } from './open-data-folder';
import { UsageError, withUsage } from './usage-error';

/** How the host spells `delivery <args>` (`npm run delivery -- …`, `ScimDesk.exe --delivery …`). */
export type SpellDelivery = (args: string) => string;

export function deliveryUsage(spell: SpellDelivery): string {
  return `ScimDesk delivery: webhook subscriptions and the change feed, for scripts and support engineers

Usage:
  ${spell('subscribe --url URL [--secret-stdin] [--pause-after N] [--events T,T] [--resource-types User,Group] [--attributes A,A] [--json]')}
  ${spell('list [--json]')}
  ${spell('log ID [--limit N] [--json]')}
  ${spell('replay ID --from SEQ')}
  ${spell('pause ID | resume ID | remove ID')}
  ${spell('feed --after SEQ [--limit N]')}
  (every command takes --data-dir D)

subscribe  Makes a subscription starting at the newest change and prints its id. The signing secret
           (whsec_…) is read from standard input with --secret-stdin, or generated and printed once
           on standard error (with --json both go to standard output as one JSON object). The secret
           is kept in the secret store of the data folder (the OS credential store, or an owner-only
           file), never in the database. --pause-after N: failed attempts in a row (1 to 1000,
           default 12) after which the subscription is paused; set when subscribing only.
list       Every subscription with its health (caught up, behind by N, retrying, paused and why) and
           after how many failed attempts in a row it pauses.
log        The delivery log of one subscription, newest first: outcome, response code, latency, error.
replay     Delivers again every change from SEQ on, in order, and resumes the subscription.
feed       Prints the changes after SEQ as NDJSON (one JSON object per line), oldest first.

Works whether the service runs or not: everything is in the database, and a running service's worker
picks up what this changed within a second.

The data folder defaults to ${defaultDataDir()} (environment: SCIMDESK_DATA_DIR).`;
}


async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((item) => item.trim()).filter(Boolean);
}

function integer(value: string | undefined, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(max === Number.MAX_SAFE_INTEGER ? `--${name} must be a whole number of at least ${min}` : `--${name} must be a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

function describe(view: Awaited<ReturnType<Core['delivery']['subscriptions']['get']>>): string {
  const health =
    view.health === 'paused'
      ? `paused: ${view.pauseReason ?? ''}`
      : view.health === 'retrying'
        ? `retrying (${view.failures} failed): ${view.lastError ?? ''}`
        : view.health === 'behind'
          ? `behind by ${view.behind}`
          : 'caught up';
  return `${view.id}  ${view.url}  delivered through ${view.deliveredSeq}  pauses after ${view.pauseAfter} failures  ${health}`;
}

async function main(argv: readonly string[], spell: SpellDelivery): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      url: { type: 'string' },
      'secret-stdin': { type: 'boolean' },
      'pause-after': { type: 'string' },
      events: { type: 'string' },
      'resource-types': { type: 'string' },
      attributes: { type: 'string' },
      from: { type: 'string' },
      after: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, id] = positionals;
  if (values.help || command === undefined || command === 'help') {
    console.log(deliveryUsage(spell));
    return 0;
  }
  const known = ['subscribe', 'list', 'log', 'replay', 'pause', 'resume', 'remove', 'feed'];
  if (!known.includes(command)) throw new UsageError(`Unknown command "${command}"`);
  if (['log', 'replay', 'pause', 'resume', 'remove'].includes(command) && id === undefined) throw new UsageError(`${command} needs a subscription id (see list)`);
  const dataDir = values['data-dir'] ?? process.env['SCIMDESK_DATA_DIR'] ?? defaultDataDir();
  if (!existsSync(join(dataDir, DATABASE_FILE))) throw new UsageError(`No ScimDesk data in ${dataDir}. Start the service once, or pass --data-dir.`);
  const secret = command === 'subscribe' && values['secret-stdin'] ? await readStdin() : undefined;
  const core = await openDataFolder(dataDir);
  try {
    const subscriptions = core.delivery.subscriptions;
    switch (command) {
      case 'subscribe': {
        if (!values.url) throw new UsageError('subscribe needs --url');
        const resourceTypes = list(values['resource-types']);
        if (resourceTypes?.some((type) => type !== 'User' && type !== 'Group')) throw new UsageError('--resource-types takes User, Group or both');
        const attributes = list(values.attributes);
        const pauseAfter = values['pause-after'] === undefined ? undefined : integer(values['pause-after'], 'pause-after', 1, MAX_PAUSE_AFTER);
        const made = await subscriptions.subscribe({
          url: values.url,
          secret,
          pauseAfter,
          events: list(values.events),
          filter: { ...(resourceTypes ? { resourceTypes: resourceTypes as Array<'User' | 'Group'> } : {}), ...(attributes ? { attributes } : {}) },
        });
        if (values.json) console.log(JSON.stringify({ id: made.subscription.id, secret: secret === undefined ? made.secret : undefined }));
        else {
          console.log(made.subscription.id);
          if (secret === undefined) console.error(`Signing secret (shown once; give it to the receiver): ${made.secret}`);
        }
        return 0;
      }
      case 'list': {
        const all = await subscriptions.list();
        if (values.json) console.log(JSON.stringify(all, null, 2));
        else if (all.length === 0) console.log('No subscriptions.');
        else for (const view of all) console.log(describe(view));
        return 0;
      }
      case 'log': {
        const entries = await subscriptions.log(id!, values.limit === undefined ? 50 : integer(values.limit, 'limit', 1));
        if (values.json) console.log(JSON.stringify(entries, null, 2));
        for (const e of values.json ? [] : entries) {
          const range = e.fromSeq === null ? 'test event' : `changes ${e.fromSeq}–${e.toSeq} (${e.count} sent)`;
          console.log(`${e.time}  ${e.outcome.padEnd(9)}  ${String(e.responseCode ?? '—').padEnd(3)}  ${String(e.latencyMs).padStart(7)} ms  ${range}${e.error ? `  ${e.error}` : ''}`);
        }
        return 0;
      }
      case 'replay': {
        const view = await subscriptions.replay(id!, integer(values.from, 'from', 1));
        console.log(`${view.id} replays from change ${view.deliveredSeq + 1}`);
        return 0;
      }
      case 'pause':
        console.log(describe(await subscriptions.pause(id!)));
        return 0;
      case 'resume':
        console.log(describe(await subscriptions.resume(id!)));
        return 0;
      case 'remove':
        await subscriptions.remove(id!);
        console.log(`${id} removed`);
        return 0;
      case 'feed': {
        let after = integer(values.after, 'after', 0);
        const limit = values.limit === undefined ? Number.MAX_SAFE_INTEGER : integer(values.limit, 'limit', 1);
        const bounds = await core.store.outboxBounds();
        if (after < bounds.oldest - 1) {
          throw new DeliveryError('invalid', `Changes after ${after} are no longer kept (the oldest kept is ${bounds.oldest}): resynchronise from a full read, then read after ${bounds.head}`);
        }
        for (let printed = 0; printed < limit; ) {
          const page = await core.store.readChanges(after, Math.min(1000, limit - printed));
          if (page.length === 0) break;
          process.stdout.write(page.map((change) => JSON.stringify(change) + '\n').join(''));
          printed += page.length;
          after = page[page.length - 1]!.seq;
        }
        return 0;
      }
    }
    return 2;
  } finally {
    await core.stop();
  }
}

/**
 * `delivery <args>` in any host (`npm run delivery -- …`, `ScimDesk.exe --delivery …`): 0 done, 1 a
 * refusal (DeliveryError, said in one line), 2 a usage mistake (with the usage in the host's spelling).
 */
export async function runDeliveryCli(argv: readonly string[], spell: SpellDelivery): Promise<number> {
  try {
    return await withUsage(() => main(argv, spell), () => deliveryUsage(spell));
  } catch (error) {
    if (!(error instanceof DeliveryError)) throw error;
    console.error(`Error: ${error.message}`);
    return 1;
  }
}
