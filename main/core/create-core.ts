import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { EndpointSettings, SeenFrom as ContractSeenFrom } from '../../shared/admin/contract';
import { createScimApp } from '../http/create-scim-app';
import { closeServer, listenOn } from '../http/listen';
import type { ResourceKind } from '../scim/schema/attribute-def';
import { buildResourceSchemas, type ResourceSchema } from '../scim/schema/resource-schema';
import { ScimService } from '../scim/scim-service';
import type { DirectoryStore, SyncLogEntry, SyncLogQuery } from '../store/directory-store';
import { createSqliteStore } from '../store/sqlite-store';
import { toSyncLogEntry } from './admin-views';
import { inspectPfx, type CertificateSummary } from './certificate';
import { EntraWorkbench } from './entra-workbench';
import { AdminEventBus } from './event-bus';
import { createFileLogger } from './file-logger';
import { TokenService, type IssuedToken } from './scim-token';
import { chooseSecretStore, type SecretStore } from './secret-store';
import { DEFAULT_SYNC_LOG_RETENTION, SyncLogWriter, type SyncLogRetention } from './sync-log-writer';

export interface CoreOptions {
  /** Folder for the database, the certificate and the log files; created if missing. */
  readonly dataDir: string;
  /** Overrides of the saved endpoint settings (command-line flags, tests); saved settings or defaults otherwise. */
  readonly host?: string;
  readonly port?: number;
  readonly publicUrl?: string;
  /** Rotating JSON log files in `<dataDir>/logs`; off for tests that need no files. */
  readonly fileLogs?: boolean;
  readonly bodyLimitBytes?: number;
  readonly now?: () => Date;
  /** How often retention runs (purge of kept deletions, sync-log pruning). */
  readonly maintenanceIntervalMs?: number;
  readonly secrets?: SecretStore;
  /**
   * Run WAL checkpoints on a worker thread (default). Short-lived commands that open the data folder
   * beside a running service turn it off: the service's own checkpoints cover the file.
   */
  readonly checkpointWorker?: boolean;
}

/** Where the SCIM endpoint listens now. */
export interface EndpointState {
  /** The SCIM base URL to paste into Entra as the Tenant URL. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly https: boolean;
}

export interface StartedCore {
  readonly scimUrl: string;
  readonly port: number;
  /** A token generated on this start because none existed: print it once, it is never shown again. */
  readonly firstToken: IssuedToken | undefined;
}

export interface Core {
  readonly store: DirectoryStore;
  readonly service: ScimService;
  readonly tokens: TokenService;
  readonly syncLog: SyncLogWriter;
  readonly events: AdminEventBus;
  readonly secrets: SecretStore;
  readonly logger: Logger;
  readonly dataDir: string;
  readonly now: () => Date;
  /** What the sync log has shown of Entra's setup steps, and from which client. */
  setupSeen(): Readonly<SetupSeen>;
  /** Compare & Fix with Microsoft Graph (one per core, so both transports and the CLI share its state). */
  readonly entra: EntraWorkbench;
  /** Current User and Group schemas, with the admin's extensions. */
  schemas(): Record<ResourceKind, ResourceSchema>;
  /** Re-reads the extension schemas after the admin changed them. */
  reloadSchemas(): Promise<void>;
  start(): Promise<StartedCore>;
  stop(): Promise<void>;
  endpoint(): EndpointState | undefined;
  endpointSettings(): Promise<EndpointSettings>;
  /** Saves the settings and moves the listener; the old one keeps serving if the new address fails. */
  reconfigureEndpoint(settings: EndpointSettings): Promise<EndpointState>;
  /**
   * When a check from outside last reached the SCIM endpoint through this public URL; null until one
   * passed. Nothing sets it yet but recordPublicUrlCheck, the seam for the reachability self-test:
   * until then the Overview says the public URL is unverified rather than trusting that it works.
   */
  publicUrlVerifiedAt(url: string): Promise<string | null>;
  /** Records that a check from outside reached the endpoint through `url` at `at` (the reachability self-test calls it). */
  recordPublicUrlCheck(url: string, at: Date): Promise<void>;
  certificate(): Promise<CertificateSummary | null>;
  /** Checks the PFX, stores it (passphrase in the secret store) and switches the endpoint to HTTPS. */
  setCertificate(pfx: Buffer, passphrase: string): Promise<CertificateSummary>;
  clearCertificate(): Promise<void>;
}

/**
 * Who a setup step was seen from: `entra` (the request carried Entra's ADSCIMVersion header),
 * `other` (a client without it: a curl, a script, another product), or `unknown` (seen before
 * ScimDesk recorded the header, so it cannot say).
 */
export type SeenFrom = ContractSeenFrom;

/** What the sync log has shown of Entra's setup steps. Only Entra's requests tick a step. */
export interface SetupSeen {
  readonly version: 2;
  /** A request the token let in. */
  connected: SeenFrom | null;
  /** A query answered 200 (Test Connection is one). */
  testConnection: SeenFrom | null;
  /** The schemas read (Entra does it when the admin saves). */
  schemaDiscovery: SeenFrom | null;
  /** A user or group created. */
  provisioned: SeenFrom | null;
}

/** The stronger of two sightings: Entra's, then one that may have been Entra's, then another client's. */
function strongest(a: SeenFrom | null, b: SeenFrom | null): SeenFrom | null {
  for (const from of ['entra', 'unknown', 'other'] as const) if (a === from || b === from) return from;
  return null;
}

const SETUP_STEPS = ['connected', 'testConnection', 'schemaDiscovery', 'provisioned'] as const;

/** Which setup steps one request shows, and from whom. */
function setupFactsOf(entry: Pick<SyncLogEntry, 'operation' | 'status'>, from: SeenFrom): Partial<Record<(typeof SETUP_STEPS)[number], SeenFrom>> {
  const facts: Partial<Record<(typeof SETUP_STEPS)[number], SeenFrom>> = {};
  if (entry.status !== 401 && entry.status !== 403) facts.connected = from;
  if (entry.operation === 'list' && entry.status === 200) facts.testConnection = from;
  if (entry.operation === 'discovery' && entry.status === 200) facts.schemaDiscovery = from;
  if (entry.operation === 'create' && entry.status === 201) facts.provisioned = from;
  return facts;
}

/**
 * The checklist state of a data folder. A folder from before the client was recorded kept two flags
 * (`testConnection`, `schemaDiscovery`) set by any client: they become `unknown`, shown as seen
 * but not ticked, until Entra's next request confirms them. A folder without the setting reads
 * its sync log once: rows with the header are Entra's; rows without could be anyone's.
 */
async function initialSetupSeen(store: DirectoryStore): Promise<SetupSeen> {
  const saved = await store.getSetting<Partial<SetupSeen> & { testConnection?: unknown; schemaDiscovery?: unknown }>('setup.seen');
  if (saved && saved.version === 2) return { ...(saved as SetupSeen) };
  const unknownIf = (flag: unknown): SeenFrom | null => (flag === true ? 'unknown' : null);
  if (saved) {
    const tokens = await store.listTokens();
    const records = (await store.countResources('User')) + (await store.countResources('Group'));
    return {
      version: 2,
      connected: tokens.some((token) => token.lastUsed !== null) ? 'unknown' : null,
      testConnection: unknownIf(saved.testConnection),
      schemaDiscovery: unknownIf(saved.schemaDiscovery),
      provisioned: records > 0 ? 'unknown' : null,
    };
  }
  const seen: SetupSeen = { version: 2, connected: null, testConnection: null, schemaDiscovery: null, provisioned: null };
  const sightings = async (query: Omit<SyncLogQuery, 'limit'>) => {
    const [entra] = await store.querySyncLog({ ...query, client: 'entra', limit: 1 });
    if (entra) return 'entra';
    const [any] = await store.querySyncLog({ ...query, client: 'other', limit: 1 });
    return any ? 'unknown' : null;
  };
  seen.testConnection = await sightings({ operation: 'list', status: 200 });
  seen.schemaDiscovery = await sightings({ operation: 'discovery', status: 200 });
  seen.provisioned = await sightings({ operation: 'create', status: 201 });
  seen.connected = strongest(strongest(seen.testConnection, seen.schemaDiscovery), seen.provisioned);
  return seen;
}

export const DATABASE_FILE = 'scimdesk.db';
export const DEFAULT_PORT = 8631;
export const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_DIRECTORY_NAME = 'ScimDesk directory';
const CERTIFICATE_FILE = 'certificate.pfx';
const PASSPHRASE_SECRET = 'endpoint.certificatePassphrase';
/** The last passed check from outside through the public URL: { url, at }. */
const PUBLIC_URL_CHECK = 'endpoint.publicUrlVerified';

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Wires the headless core: store, schemas, token service, sync log, SCIM app
 * and its listener. The Electron main process, the `serve` command and the
 * tests all start it the same way; it reads no environment and imports no
 * Electron.
 */
export async function createCore(options: CoreOptions): Promise<Core> {
  mkdirSync(options.dataDir, { recursive: true });
  const now = options.now ?? (() => new Date());
  const files = options.fileLogs === false ? undefined : await createFileLogger(join(options.dataDir, 'logs'));
  const logger = files?.logger ?? pino({ enabled: false });
  const store = createSqliteStore(join(options.dataDir, DATABASE_FILE), { checkpointWorker: options.checkpointWorker ?? true });
  const secrets = options.secrets ?? (await chooseSecretStore(options.dataDir));
  const events = new AdminEventBus();
  let schemas = buildResourceSchemas(await store.listExtensions());
  const service = new ScimService({ store, schemas: () => schemas, now });
  const tokens = new TokenService(store, now);
  const syncLog = new SyncLogWriter(store, logger);
  let publicUrl: string | undefined;
  const app = createScimApp({
    service,
    tokens,
    syncLog,
    logger,
    ...(options.bodyLimitBytes !== undefined ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    publicUrl: () => publicUrl,
    now,
  });
  const certificateFile = join(options.dataDir, CERTIFICATE_FILE);
  let server: Server | undefined;
  let state: EndpointState | undefined;
  let maintenance: NodeJS.Timeout | undefined;

  // Setup-checklist facts only ever get stronger (nothing, another client, then Entra): kept as a setting,
  // set when the sync log first shows them, so the Overview never searches the log for them.
  const seen = await initialSetupSeen(store);
  syncLog.subscribe((entries) => {
    let changed = false;
    for (const entry of entries) {
      const facts = setupFactsOf(entry, entry.adscimVersion !== null ? 'entra' : 'other');
      for (const step of SETUP_STEPS) {
        const next = strongest(seen[step], facts[step] ?? null);
        if (next !== seen[step]) {
          seen[step] = next;
          changed = true;
        }
      }
    }
    if (changed) void store.setSetting('setup.seen', seen).catch((err: unknown) => logger.error({ err }, 'could not save the setup state'));
  });
  syncLog.subscribe((entries) => {
    events.emit('syncLog.appended', { items: entries.map(toSyncLogEntry) });
    // Reads count too: Test Connection and schema discovery are GETs that tick the setup checklist.
    events.emit('overview.changed', {});
  });

  // Start-up overrides (flags, tests) apply until the admin moves the endpoint; then the saved settings rule.
  let overrides: Partial<EndpointSettings> = {
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
  };
  const savedEndpoint = async (): Promise<EndpointSettings> => {
    const saved = await store.getSetting<EndpointSettings>('endpoint');
    return {
      host: overrides.host ?? saved?.host ?? DEFAULT_HOST,
      port: overrides.port ?? saved?.port ?? DEFAULT_PORT,
      publicUrl: overrides.publicUrl ?? saved?.publicUrl ?? '',
    };
  };

  const tlsOptions = async (): Promise<{ pfx: Buffer; passphrase: string } | undefined> => {
    if (!existsSync(certificateFile)) return undefined;
    return { pfx: readFileSync(certificateFile), passphrase: (await secrets.get(PASSPHRASE_SECRET)) ?? '' };
  };

  const listen = async (settings: EndpointSettings): Promise<{ server: Server; state: EndpointState }> => {
    const tls = await tlsOptions();
    const next = tls ? createHttpsServer(tls, app.callback()) : createHttpServer(app.callback());
    // Entra keeps connections open between requests; outlive its idle time rather than reset them.
    next.keepAliveTimeout = 65_000;
    await listenOn(next, settings.port, settings.host);
    const port = (next.address() as AddressInfo).port;
    const url = settings.publicUrl
      ? `${settings.publicUrl.replace(/\/+$/, '')}/scim/v2`
      : `${tls ? 'https' : 'http'}://${urlHost(settings.host)}:${port}/scim/v2`;
    return { server: next, state: { url, host: settings.host, port, https: tls !== undefined } };
  };

  const close = async (target: Server | undefined) => {
    if (target) await closeServer(target);
  };

  /** Moves the listener; binding the same host:port twice fails, so that case closes first and reopens the old one on failure. */
  const relisten = async (settings: EndpointSettings): Promise<EndpointState> => {
    const previous = server;
    const previousSettings: EndpointSettings | undefined = state && { host: state.host, port: state.port, publicUrl: publicUrl ?? '' };
    const samePort = previous !== undefined && state !== undefined && state.port === settings.port;
    if (samePort) await close(previous);
    try {
      const started = await listen(settings);
      if (!samePort) await close(previous);
      server = started.server;
      state = started.state;
      publicUrl = settings.publicUrl || undefined;
      events.emit('overview.changed', {});
      logger.info({ url: state.url }, 'SCIM endpoint listening');
      return state;
    } catch (error) {
      if (samePort && previousSettings) {
        try {
          const restored = await listen(previousSettings);
          server = restored.server;
          state = restored.state;
        } catch (restoreError) {
          // Neither address could be had: the endpoint is down; report the first failure, log the second.
          logger.error({ err: restoreError }, 'could not reopen the previous SCIM address');
          server = undefined;
          state = undefined;
        }
      }
      throw error;
    }
  };

  const runMaintenance = async () => {
    const retention = (await store.getSetting<SyncLogRetention>('syncLog.retention')) ?? DEFAULT_SYNC_LOG_RETENTION;
    const pruned = await syncLog.prune(retention, now());
    const purged = await store.purgeDeletedResources(now());
    if (pruned + purged > 0) logger.info({ pruned, purged }, 'retention applied');
  };

  let entra: EntraWorkbench | undefined;
  const core: Core = {
    store,
    service,
    tokens,
    syncLog,
    events,
    secrets,
    logger,
    dataDir: options.dataDir,
    now,
    setupSeen: () => seen,
    get entra() {
      entra ??= new EntraWorkbench(core);
      return entra;
    },
    schemas: () => schemas,
    async reloadSchemas() {
      schemas = buildResourceSchemas(await store.listExtensions());
    },
    async start() {
      if (!(await store.getDirectory())) {
        await store.saveDirectory(
          { name: DEFAULT_DIRECTORY_NAME, description: '', onInactive: 'suspend', onDelete: { mode: 'hard' }, duplicateExternalIds: 'refuse' },
          now(),
        );
      }
      const firstToken = (await store.listTokens()).length === 0 ? await tokens.rotate(0) : undefined;
      await runMaintenance();
      const started = await relisten(await savedEndpoint());
      maintenance = setInterval(
        () => void runMaintenance().catch((err: unknown) => logger.error({ err }, 'retention failed')),
        options.maintenanceIntervalMs ?? 3_600_000,
      );
      maintenance.unref();
      return { scimUrl: started.url, port: started.port, firstToken };
    },
    async stop() {
      if (maintenance) clearInterval(maintenance);
      entra?.cancelAll();
      await close(server);
      server = undefined;
      state = undefined;
      await syncLog.flush();
      await store.close();
      await files?.close();
    },
    endpoint: () => state,
    endpointSettings: savedEndpoint,
    async reconfigureEndpoint(settings) {
      const moved = await relisten(settings);
      await store.setSetting('endpoint', settings);
      overrides = {};
      return moved;
    },
    async publicUrlVerifiedAt(url) {
      const check = await store.getSetting<{ url: string; at: string }>(PUBLIC_URL_CHECK);
      // A check vouches for the URL it reached, not for one typed in since.
      return check && check.url === url ? check.at : null;
    },
    async recordPublicUrlCheck(url, at) {
      await store.setSetting(PUBLIC_URL_CHECK, { url, at: at.toISOString() });
      events.emit('overview.changed', {});
    },
    async certificate() {
      return (await store.getSetting<CertificateSummary>('endpoint.certificate')) ?? null;
    },
    async setCertificate(pfx, passphrase) {
      const summary = await inspectPfx(pfx, passphrase);
      writeFileSync(certificateFile, pfx, { mode: 0o600 });
      await secrets.set(PASSPHRASE_SECRET, passphrase);
      await store.setSetting('endpoint.certificate', summary);
      if (server) await relisten(await currentSettings());
      return summary;
    },
    async clearCertificate() {
      rmSync(certificateFile, { force: true });
      await secrets.delete(PASSPHRASE_SECRET);
      await store.setSetting('endpoint.certificate', null);
      if (server) await relisten(await currentSettings());
    },
  };
  return core;

  async function currentSettings(): Promise<EndpointSettings> {
    return state ? { host: state.host, port: state.port, publicUrl: publicUrl ?? '' } : savedEndpoint();
  }
}
