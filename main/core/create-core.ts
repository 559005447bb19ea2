import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { EndpointSettings } from '../../shared/admin/contract';
import { createScimApp } from '../http/create-scim-app';
import { closeServer, listenOn } from '../http/listen';
import type { ResourceKind } from '../scim/schema/attribute-def';
import { buildResourceSchemas, type ResourceSchema } from '../scim/schema/resource-schema';
import { ScimService } from '../scim/scim-service';
import type { DirectoryStore } from '../store/directory-store';
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
  /** What the sync log has shown of Entra's setup steps (Test Connection, Save's schema discovery). */
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
  certificate(): Promise<CertificateSummary | null>;
  /** Checks the PFX, stores it (passphrase in the secret store) and switches the endpoint to HTTPS. */
  setCertificate(pfx: Buffer, passphrase: string): Promise<CertificateSummary>;
  clearCertificate(): Promise<void>;
}

export interface SetupSeen {
  testConnection: boolean;
  schemaDiscovery: boolean;
}

/** For a data folder from before the setting existed: what its sync log already shows, read once. */
async function initialSetupSeen(store: DirectoryStore): Promise<SetupSeen> {
  const [probes, discovery] = await Promise.all([
    store.querySyncLog({ operation: 'list', outcome: 'success', limit: 1 }),
    store.querySyncLog({ operation: 'discovery', outcome: 'success', limit: 1 }),
  ]);
  return { testConnection: probes.length > 0, schemaDiscovery: discovery.length > 0 };
}

export const DATABASE_FILE = 'scimdesk.db';
export const DEFAULT_PORT = 8631;
export const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_DIRECTORY_NAME = 'ScimDesk directory';
const CERTIFICATE_FILE = 'certificate.pfx';
const PASSPHRASE_SECRET = 'endpoint.certificatePassphrase';

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

  // Setup-checklist facts only ever turn true: kept as a setting, set once when the sync log first shows them,
  // so the Overview never searches the log for them.
  const seen = (await store.getSetting<SetupSeen>('setup.seen')) ?? (await initialSetupSeen(store));
  syncLog.subscribe((entries) => {
    const testConnection = seen.testConnection || entries.some((e) => e.operation === 'list' && e.status === 200);
    const schemaDiscovery = seen.schemaDiscovery || entries.some((e) => e.operation === 'discovery' && e.status === 200);
    if (testConnection !== seen.testConnection || schemaDiscovery !== seen.schemaDiscovery) {
      seen.testConnection = testConnection;
      seen.schemaDiscovery = schemaDiscovery;
      void store.setSetting('setup.seen', seen).catch((err: unknown) => logger.error({ err }, 'could not save the setup state'));
    }
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
