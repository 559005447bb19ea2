import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore, DATABASE_FILE, DEFAULT_PORT, type Core } from '../core/create-core';
import { issueLoginCode, LOGIN_CODE_TTL_MINUTES } from '../http/admin-access';
import { adminLoginUrl, createAdminApp } from '../http/create-admin-app';
import { closeServer, describeListenError, listenOn } from '../lib/listen';
import { defaultDataDir } from './default-data-dir';
import { openDataFolder } from './open-data-folder';
import { adminUiActor, cliActor } from './os-account';
import { runGraphCli } from './graph-command';
import { runReachCli } from './reach-command';
import { runDeliveryCli } from './delivery-command';
import { runSnapshotCli } from './snapshot-cli';
import { describeStartupProblem } from './startup-problems';
import { runSupportBundleCli } from './support-bundle-command';
import { runTokenClient } from './token-client-cli';
import { UsageError } from './usage-error';

/** The commands of the headless host. */
export type CliCommand = 'serve' | 'token' | 'admin-link' | 'diagnose' | 'snapshot' | 'support-bundle' | 'reach' | 'graph' | 'delivery';

/**
 * Where the headless commands run: `npm run serve` in a checkout, `ScimDesk.exe --serve` in the
 * installed app. Both print the same lines and exit with the same codes; a host only says how its
 * admin types a command (the usage text and every hint name a command that works there) and where
 * its built admin UI is.
 */
export interface CliHost {
  /** How the admin types `command` with `args` on this host, e.g. `npm run token -- rotate`. */
  spell(command: CliCommand, args?: string): string;
  /** The built admin UI (`dist/renderer`). */
  readonly rendererDir: string;
  /** The line printed when that folder has no admin UI, saying how to get one on this host. */
  readonly rendererMissing: string;
  /**
   * Ends the process with `code`, after a failure or once `serve` has stopped. Node's
   * process.exit in a checkout; the installed app must also let what was printed reach a pipe
   * first, and quit Electron, which keeps running after the script's work is done.
   */
  exit(code: number): void;
}

/** What a command left running: the service (`serve`), or nothing (it printed its answer). */
export type CliOutcome = 'serving' | 'done';

/** The usage text, in the host's spelling. */
function usage(host: CliHost): string {
  return `ScimDesk headless service

Usage:
  ${host.spell('serve', `[--data-dir D] [--host 127.0.0.1] [--port ${DEFAULT_PORT}] [--public-url URL] [--admin-port N] [--start-empty]`)}
  ${host.spell('admin-link', '[--data-dir D]')}
  ${host.spell('token', 'rotate [--lifetime-days N] [--data-dir D]')}
  ${host.spell('token', 'revoke [--data-dir D]')}
  ${host.spell('token', 'status [--data-dir D]')}
  ${host.spell('token', 'client create|list|rotate ID|revoke ID [--lifetime-days N] [--data-dir D]')}
  ${host.spell('diagnose', '[--data-dir D] [--json]')}
  ${host.spell('snapshot', 'list|take|restore ID|export ID|now --format csv|json --out DIR [--data-dir D]')}
  ${host.spell('support-bundle', '[--data-dir D] [--out FILE] [--cycles N]')}
  ${host.spell('reach', 'check [--data-dir D] [--url URL] [--from internet|network] [--token-stdin]')}
  ${host.spell('graph', 'connect|test|compare|fix|jobs|restart|snapshots ... [--data-dir D]')}
  ${host.spell('delivery', 'subscribe|list|log|replay|pause|resume|remove|feed ... [--data-dir D]')}

Each command's --help says more (e.g. \`${host.spell('delivery', '--help')}\`).

--start-empty: only when the database is not a valid ScimDesk database (empty, damaged, another
program's): move it aside (never deleted) and start with an empty directory.

The admin UI listens on 127.0.0.1 only, on --admin-port (default: the SCIM port + 1; 0 picks a free port).
\`serve\` prints a one-time login link; \`admin-link\` prints a new one for the running service.

The data folder defaults to ${defaultDataDir()}
(environment: SCIMDESK_DATA_DIR, SCIMDESK_HOST, SCIMDESK_PORT, SCIMDESK_PUBLIC_URL, SCIMDESK_ADMIN_PORT).`;
}

/** Where the running service records its admin port, for `admin-link`. */
const ADMIN_PORT_SETTING = 'admin.port';

/** A command that cannot be done as things are (not a usage mistake): said without the usage text. */
class CommandError extends Error {}

interface CommonArgs {
  dataDir: string;
  host: CliHost;
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
      'admin-port': { type: 'string' },
      'start-empty': { type: 'boolean' },
      json: { type: 'boolean' },
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

/** Starts the admin app (the admin contract over HTTP, and the built UI) on 127.0.0.1 only, whatever --host says. */
async function listenAdmin(core: Core, port: number, rendererDir: string): Promise<Server> {
  const app = createAdminApp({
    sessions: core.store,
    events: core.events,
    now: core.now,
    dispatch: core.admin.dispatch,
    rendererDir,
    logger: core.logger,
    actor: adminUiActor(),
  });
  const server = createServer(app.callback());
  await listenOn(server, port, '127.0.0.1');
  return server;
}

/** How to run `admin-link` for this data folder. */
function adminLinkCommand(common: CommonArgs): string {
  return common.dataDir === defaultDataDir() ? common.host.spell('admin-link') : common.host.spell('admin-link', `--data-dir ${JSON.stringify(common.dataDir)}`);
}

async function serve(values: ReturnType<typeof parse>['values'], common: CommonArgs): Promise<void> {
  // Only what was asked for overrides the saved endpoint (an address/port the admin changed in the UI survives a restart).
  const host = values.host ?? process.env['SCIMDESK_HOST'];
  const portArg = values.port ?? process.env['SCIMDESK_PORT'];
  const port = portArg === undefined || portArg === '' ? undefined : integer(portArg, 'port', DEFAULT_PORT, 0, 65535);
  const adminPortArg = values['admin-port'] ?? process.env['SCIMDESK_ADMIN_PORT'];
  const adminPortFlag = adminPortArg === undefined || adminPortArg === '' ? undefined : integer(adminPortArg, 'admin-port', 0, 0, 65535);
  const publicUrl = values['public-url'] ?? process.env['SCIMDESK_PUBLIC_URL'];
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/i.test(publicUrl)) throw new UsageError(`--public-url must be an http(s) URL, got "${publicUrl}"`);
  const core = await createCore({
    dataDir: common.dataDir,
    hostKind: 'service',
    ...(values['start-empty'] ? { invalidDatabase: 'setAside' as const } : {}),
    ...(host !== undefined ? { host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(publicUrl ? { publicUrl } : {}),
  });
  const wanted = await core.endpoint.settings();
  let started;
  try {
    started = await core.start();
  } catch (error) {
    await core.stop().catch(() => undefined);
    const failure = describeListenError(error, wanted.host, wanted.port);
    if (!failure) throw error;
    const hint = {
      inUse: 'Is another ScimDesk running? Choose another with --port.',
      noAddress: 'Use --host 127.0.0.1, 0.0.0.0 or one of its own addresses.',
      forbidden: 'Choose a port above 1023 with --port.',
    }[failure.problem];
    throw new UsageError(`${failure.message}. ${hint}`);
  }
  const adminPort = adminPortFlag ?? (wanted.port === 0 || started.port >= 65535 ? 0 : started.port + 1);
  let admin: Server;
  try {
    admin = await listenAdmin(core, adminPort, common.host.rendererDir).catch((error: unknown) => {
      // The default port is a convenience: when it is taken, any free port does (the link says which).
      if (adminPortFlag === undefined && adminPort !== 0 && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') return listenAdmin(core, 0, common.host.rendererDir);
      throw error;
    });
  } catch (error) {
    await core.stop().catch(() => undefined);
    const failure = describeListenError(error, '127.0.0.1', adminPort);
    if (!failure) throw error;
    throw new UsageError(`Admin UI: ${failure.message}. Choose another port with --admin-port (0 picks a free one).`);
  }
  const boundAdminPort = (admin.address() as AddressInfo).port;
  await core.store.setSetting(ADMIN_PORT_SETTING, boundAdminPort);
  const loginCode = await issueLoginCode(core.store, core.now());

  const lines = [`ScimDesk headless service`, `Data folder: ${common.dataDir}`];
  if (core.setAside.length > 0) lines.push(`The invalid database was moved aside (nothing deleted): ${core.setAside.join(', ')}. Starting with an empty directory.`);
  if (core.dataFolder.tightened.length > 0) lines.push(`Made owner-only (others could read them): ${core.dataFolder.tightened.join(', ')}`);
  for (const warning of core.dataFolder.warnings) lines.push(`Note: ${warning}`);
  lines.push(`SCIM endpoint: ${started.scimUrl}`);
  if (started.firstToken) {
    lines.push(`Secret token (shown once): ${started.firstToken.token}`);
    lines.push('  Paste the endpoint as the Tenant URL and this token as the Secret Token in Entra; it will not be shown again.');
  } else {
    const current = await core.tokens.current();
    const rotate = common.host.spell('token', 'rotate');
    lines.push(current ? `Secret token: ${current.hint} (set; \`${rotate}\` makes a new one)` : `Secret token: none active; run \`${rotate}\``);
  }
  lines.push(`Admin UI: ${adminLoginUrl(boundAdminPort, loginCode)}`);
  lines.push(`  This login link works once, within ${LOGIN_CODE_TTL_MINUTES} minutes; \`${adminLinkCommand(common)}\` prints a new one.`);
  if (!existsSync(join(common.host.rendererDir, 'index.html'))) lines.push(`  ${common.host.rendererMissing}`);
  const listeningHost = core.endpoint.state()?.host ?? wanted.host;
  if (listeningHost !== '127.0.0.1' && listeningHost !== '::1' && listeningHost !== 'localhost') {
    lines.push(`Note: listening on ${listeningHost}, reachable from other machines. Use HTTPS (a reverse proxy or tunnel) before Entra sends real data.`);
  }
  const tunnel = core.admin.reach.tunnelState();
  if (tunnel.provider) lines.push(`Tunnel: ${tunnel.provider} ${tunnel.status}${tunnel.publicUrl ? ` at ${tunnel.publicUrl}` : ''} (Settings → Reachability)`);
  lines.push('Press Ctrl+C to stop.');
  // The tunnel connects in the background: say when it is online (the Tenant URL then follows it), drops or fails.
  let lastStatus = tunnel.status;
  core.events.subscribe('reach.changed', ({ tunnel: next }) => {
    if (next.status === lastStatus || next.status === 'starting') return;
    lastStatus = next.status;
    if (next.status === 'online') console.log(`Tunnel online: Tenant URL ${next.publicUrl ?? ''}/scim/v2`);
    else if (next.status === 'reconnecting') console.log(`Tunnel reconnecting: ${next.reason ?? ''}`);
    else if (next.status === 'failed') console.log(`Tunnel failed: ${next.reason ?? ''}`);
  });
  // The handlers go in before the line that invites Ctrl+C: a signal sent at once must find them.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received: stopping ScimDesk…`);
    closeServer(admin)
      .then(() => core.store.setSetting(ADMIN_PORT_SETTING, null))
      .catch((error: unknown) => console.error('Stopping the admin UI failed:', error))
      .then(() => core.stop())
      .then(() => {
        console.log('Stopped.');
        common.host.exit(0);
      })
      .catch((error: unknown) => {
        console.error('Stop failed:', error);
        common.host.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  console.log(lines.join('\n'));
}

/** Whether the admin app of a running ScimDesk answers on this port (a 401 from /admin/api/session is its signature). */
async function adminAnswers(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/admin/api/session`, { signal: AbortSignal.timeout(3000) });
    const body = (await response.json().catch(() => undefined)) as { error?: { code?: unknown } } | undefined;
    return response.status === 401 && body?.error?.code === 'unauthorized';
  } catch {
    return false;
  }
}

/** Prints a fresh one-time login link for the service running on this data folder, issued through the shared database. */
async function adminLink(common: CommonArgs): Promise<void> {
  if (!existsSync(join(common.dataDir, DATABASE_FILE))) {
    throw new CommandError(`No ScimDesk data in ${common.dataDir}. Start the service with \`${common.host.spell('serve')}\`, or pass --data-dir.`);
  }
  const core = await openDataFolder(common.dataDir);
  try {
    const port = await core.store.getSetting<number | null>(ADMIN_PORT_SETTING);
    if (typeof port !== 'number' || !(await adminAnswers(port))) {
      throw new CommandError(`The ScimDesk service for ${common.dataDir} is not running (or its admin UI does not answer). Start it with \`${common.host.spell('serve')}\`: it prints a login link.`);
    }
    const code = await issueLoginCode(core.store, core.now());
    console.log(`Admin UI: ${adminLoginUrl(port, code)}`);
    console.log(`  This login link works once, within ${LOGIN_CODE_TTL_MINUTES} minutes.`);
  } finally {
    await core.stop();
  }
}

async function token(action: string | undefined, values: ReturnType<typeof parse>['values'], common: CommonArgs, rest: ReadonlyArray<string> = []): Promise<void> {
  if (!['rotate', 'revoke', 'status', 'client'].includes(action ?? '')) throw new UsageError('token needs one of: rotate, revoke, status, client');
  // OAuth 2.0 clients for Entra's client credentials (issue 16).
  if (action === 'client') {
    const core = await openDataFolder(common.dataDir);
    try {
      const lifetimeDays = values['lifetime-days'] === undefined ? undefined : integer(values['lifetime-days'], 'lifetime-days', 730, 1, 3650);
      return await runTokenClient(core, { action: rest[0], clientId: rest[1], lifetimeDays }, (message) => new UsageError(message));
    } finally {
      await core.stop();
    }
  }
  if (action !== 'rotate' && !existsSync(join(common.dataDir, DATABASE_FILE))) {
    throw new UsageError(`No ScimDesk data in ${common.dataDir}. Start the service once, or pass --data-dir.`);
  }
  // Through the admin handlers, as the Authentication screen does (and audited as this OS account).
  const core = await openDataFolder(common.dataDir);
  const context = { actor: cliActor() };
  try {
    const handlers = core.admin.handlers;
    if (action === 'rotate') {
      const lifetime = integer(values['lifetime-days'], 'lifetime-days', 0, 0, 3650);
      const issued = await handlers['token.generate']({ lifetimeDays: lifetime }, context);
      console.log(`Secret token (shown once): ${issued.token}`);
      console.log(`Expires: ${issued.info.expires ?? 'never'}`);
      console.log('Every earlier token stopped working now. Paste this one as the Secret Token in Entra.');
    } else if (action === 'revoke') {
      const { revoked: count } = await handlers['token.revoke']({}, context);
      console.log(count > 0 ? `Revoked ${count} token(s). SCIM requests now get 401 until you run \`${common.host.spell('token', 'rotate')}\`.` : 'No active token to revoke.');
    } else {
      const { current } = await handlers['token.status']({}, context);
      if (!current) console.log(`Secret token: none active (run \`${common.host.spell('token', 'rotate')}\`).`);
      else {
        console.log(`Secret token: ${current.hint}`);
        console.log(`Created: ${current.created}`);
        console.log(`Expires: ${current.expires ?? 'never'}`);
        console.log(`Last used: ${current.lastUsed ?? 'never'}`);
      }
    }
  } finally {
    await core.stop();
  }
}

/** Exit code of `diagnose` when a diagnostic of severity error is found, so a scheduled check can alert. */
const DIAGNOSE_ERRORS_EXIT = 3;

/**
 * The mapping diagnostics of a data folder, as the Mappings screen shows them: one block per finding
 * (code, severity, attribute, count, a sample, the fix), or JSON. Reads the database beside a running
 * service or without one. Says whether an error was found.
 */
async function diagnose(values: ReturnType<typeof parse>['values'], common: CommonArgs): Promise<boolean> {
  if (!existsSync(join(common.dataDir, DATABASE_FILE))) {
    throw new CommandError(`No ScimDesk data in ${common.dataDir}. Pass --data-dir.`);
  }
  const core = await openDataFolder(common.dataDir);
  try {
    const { diagnostics, read } = await core.admin.mapping.diagnostics();
    if (values.json) {
      console.log(JSON.stringify({ dataDir: common.dataDir, read, diagnostics }, null, 2));
    } else {
      console.log(`Read ${read.users} user(s), ${read.groups} group(s) and ${read.logRows} sync-log row(s) in ${read.ms} ms.`);
      if (diagnostics.length === 0) console.log('No findings.');
      for (const d of diagnostics) {
        console.log('');
        console.log(`${d.severity.toUpperCase()} ${d.code}${d.resourceType ? ` [${d.resourceType}]` : ''}${d.attribute ? ` ${d.attribute}` : ''} (${d.count})`);
        console.log(`  ${d.message}`);
        for (const record of d.sample.slice(0, 5)) {
          console.log(`  - ${record.name}${record.value !== null ? `: ${record.value}` : ''}${record.id ? ` (id ${record.id})` : ''}${record.seq !== null ? ` (sync log #${record.seq})` : ''}`);
        }
        console.log(`  Fix: ${d.fix}`);
      }
    }
    return diagnostics.some((d) => d.severity === 'error');
  } finally {
    await core.stop();
  }
}

/**
 * The commands with their own flags, usage text and exit codes, each in its own module: the runner
 * gets the arguments after the command and the host's spelling of it, and returns the exit code.
 */
const OWN_COMMANDS: Partial<Record<CliCommand, (args: readonly string[], spell: (args: string) => string, host: CliHost) => Promise<number>>> = {
  snapshot: runSnapshotCli,
  'support-bundle': runSupportBundleCli,
  reach: runReachCli,
  graph: (args, spell, host) => runGraphCli(args, spell, (serveArgs) => host.spell('serve', serveArgs)),
  delivery: runDeliveryCli,
};

async function main(argv: readonly string[], host: CliHost): Promise<CliOutcome> {
  const first = argv[0] as CliCommand;
  const own = Object.hasOwn(OWN_COMMANDS, first) ? OWN_COMMANDS[first] : undefined;
  if (own) {
    const code = await own(argv.slice(1), (args) => host.spell(first, args), host);
    // Snapshot's commands end by themselves; the others were scripts that ended with process.exit,
    // and keep ending so (a keep-alive socket or a library's timer must not keep them running).
    if (code === 0 && first === 'snapshot') return 'done';
    host.exit(code);
    return new Promise<never>(() => undefined);
  }
  const { values, positionals } = parse([...argv]);
  const [command, action] = positionals;
  if (values.help || command === undefined || command === 'help') {
    console.log(usage(host));
    return 'done';
  }
  const common: CommonArgs = { dataDir: values['data-dir'] ?? process.env['SCIMDESK_DATA_DIR'] ?? defaultDataDir(), host };
  if (command === 'serve') {
    await serve(values, common);
    return 'serving';
  }
  if (command === 'token') await token(action, values, common, positionals.slice(2));
  else if (command === 'admin-link') await adminLink(common);
  else if (command === 'diagnose') {
    if (await diagnose(values, common)) {
      common.host.exit(DIAGNOSE_ERRORS_EXIT);
      return new Promise<never>(() => undefined);
    }
  } else throw new UsageError(`Unknown command "${command}"`);
  return 'done';
}

/** `--data-dir "D" ` as it was given, to repeat in a suggested command. */
function dataDirFlag(argv: ReadonlyArray<string>): string {
  const at = argv.findIndex((arg) => arg === '--data-dir' || arg.startsWith('--data-dir='));
  if (at < 0) return '';
  const value = argv[at]!.includes('=') ? argv[at]!.slice('--data-dir='.length) : argv[at + 1];
  return value ? `--data-dir ${JSON.stringify(value)} ` : '';
}

/**
 * Runs one headless command (`serve`, `token <action>`, `admin-link`, `diagnose`, and those with
 * their own module: `snapshot`, `support-bundle`, `reach`, `graph`, `delivery`) with its flags, as
 * the admin typed it on `host`. Resolves with 'serving' once the service listens and has printed its
 * lines (it runs until SIGINT/SIGTERM, then ends the process through `host.exit`), or with 'done'
 * when a command has printed its answer. A mistake in the arguments ends the process with 2 and
 * the usage text, any other failure with 1.
 */
export async function runCli(argv: readonly string[], host: CliHost): Promise<CliOutcome> {
  try {
    return await main(argv, host);
  } catch (error: unknown) {
    if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`Error: ${(error as Error).message}\n\n${usage(host)}`);
      host.exit(2);
    } else if (error instanceof CommandError) {
      console.error(`Error: ${error.message}`);
      host.exit(1);
    } else {
      const [command] = argv.filter((arg) => !arg.startsWith('-'));
      const problem = describeStartupProblem(error, command === 'serve' ? host.spell('serve', `${dataDirFlag(argv)}--start-empty`) : undefined, (id) =>
        host.spell('snapshot', `restore ${id} ${dataDirFlag(argv)}`.trimEnd()),
      );
      if (problem) console.error(`${command === 'serve' ? 'ScimDesk cannot start.' : 'ScimDesk cannot open its data folder.'}\n${problem}`);
      else console.error('ScimDesk failed:', error instanceof Error ? error.message : error);
      host.exit(1);
    }
    // host.exit ends the process (the installed app's, once its output is written): nothing runs past it.
    return new Promise<never>(() => undefined);
  }
}
