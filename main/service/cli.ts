import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore, DATABASE_FILE, DEFAULT_PORT } from '../core/create-core';
import { TokenService } from '../core/scim-token';
import { createSqliteStore } from '../store/sqlite-store';
import { defaultDataDir } from './default-data-dir';

const USAGE = `ScimDesk headless service

Usage:
  npm run serve -- [--data-dir D] [--host 127.0.0.1] [--port ${DEFAULT_PORT}] [--public-url URL]
  npm run token -- rotate [--lifetime-days N] [--data-dir D]
  npm run token -- revoke [--data-dir D]
  npm run token -- status [--data-dir D]

The data folder defaults to ${defaultDataDir()}
(environment: SCIMDESK_DATA_DIR, SCIMDESK_HOST, SCIMDESK_PORT, SCIMDESK_PUBLIC_URL).`;

class UsageError extends Error {}

interface CommonArgs {
  dataDir: string;
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'public-url': { type: 'string' },
      'lifetime-days': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  return { values, positionals };
}

function integer(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

async function serve(values: ReturnType<typeof parse>['values'], common: CommonArgs): Promise<void> {
  const host = values.host ?? process.env['SCIMDESK_HOST'] ?? '127.0.0.1';
  const port = integer(values.port ?? process.env['SCIMDESK_PORT'], 'port', DEFAULT_PORT, 0, 65535);
  const publicUrl = values['public-url'] ?? process.env['SCIMDESK_PUBLIC_URL'];
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/i.test(publicUrl)) throw new UsageError(`--public-url must be an http(s) URL, got "${publicUrl}"`);
  const core = await createCore({ dataDir: common.dataDir, host, port, ...(publicUrl ? { publicUrl } : {}) });
  let started;
  try {
    started = await core.start();
  } catch (error) {
    await core.stop().catch(() => undefined);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(`Port ${port} on ${host} is already in use. Is another ScimDesk running? Choose another with --port.`);
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') {
      throw new UsageError(`This machine has no address ${host}. Use --host 127.0.0.1, 0.0.0.0 or one of its own addresses.`);
    }
    throw error;
  }
  const lines = [`ScimDesk headless service`, `Data folder: ${common.dataDir}`, `SCIM endpoint: ${started.scimUrl}`];
  if (started.firstToken) {
    lines.push(`Secret token (shown once): ${started.firstToken.token}`);
    lines.push('  Paste the endpoint as the Tenant URL and this token as the Secret Token in Entra; it will not be shown again.');
  } else {
    const current = await core.tokens.current();
    lines.push(current ? `Secret token: ${current.hint} (set; \`npm run token -- rotate\` makes a new one)` : 'Secret token: none active; run `npm run token -- rotate`');
  }
  if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost') {
    lines.push(`Note: listening on ${host}, reachable from other machines. Use HTTPS (a reverse proxy or tunnel) before Entra sends real data.`);
  }
  lines.push('Press Ctrl+C to stop.');
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received: stopping ScimDesk…`);
    core
      .stop()
      .then(() => {
        console.log('Stopped.');
        process.exit(0);
      })
      .catch((error: unknown) => {
        console.error('Stop failed:', error);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function token(action: string | undefined, values: ReturnType<typeof parse>['values'], common: CommonArgs): Promise<void> {
  if (!['rotate', 'revoke', 'status'].includes(action ?? '')) throw new UsageError('token needs one of: rotate, revoke, status');
  if (action !== 'rotate' && !existsSync(join(common.dataDir, DATABASE_FILE))) {
    throw new UsageError(`No ScimDesk data in ${common.dataDir}. Start the service once, or pass --data-dir.`);
  }
  // The database is shared with a running service (WAL, busy timeout); it checks tokens on every request.
  const store = createSqliteStore(join(common.dataDir, DATABASE_FILE));
  try {
    const tokens = new TokenService(store);
    if (action === 'rotate') {
      const lifetime = integer(values['lifetime-days'], 'lifetime-days', 0, 0, 3650);
      const issued = await tokens.rotate(lifetime);
      console.log(`Secret token (shown once): ${issued.token}`);
      console.log(`Expires: ${issued.record.expires ?? 'never'}`);
      console.log('Every earlier token stopped working now. Paste this one as the Secret Token in Entra.');
    } else if (action === 'revoke') {
      const count = await tokens.revoke();
      console.log(count > 0 ? `Revoked ${count} token(s). SCIM requests now get 401 until you run \`npm run token -- rotate\`.` : 'No active token to revoke.');
    } else {
      const current = await tokens.current();
      if (!current) console.log('Secret token: none active (run `npm run token -- rotate`).');
      else {
        console.log(`Secret token: ${current.hint}`);
        console.log(`Created: ${current.created}`);
        console.log(`Expires: ${current.expires ?? 'never'}`);
        console.log(`Last used: ${current.lastUsed ?? 'never'}`);
      }
    }
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv);
  const [command, action] = positionals;
  if (values.help || command === undefined || command === 'help') {
    console.log(USAGE);
    return;
  }
  const common: CommonArgs = { dataDir: values['data-dir'] ?? process.env['SCIMDESK_DATA_DIR'] ?? defaultDataDir() };
  if (command === 'serve') return serve(values, common);
  if (command === 'token') return token(action, values, common);
  throw new UsageError(`Unknown command "${command}"`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    console.error(`Error: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error('ScimDesk failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
