import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { EndpointSettings } from '../../shared/admin/contract';
import { toSyncLogEntry } from '../admin/admin-views';
import { DeprovisionBreaker } from '../admin/breaker';
import { createAdminLayer, type AdminLayer } from '../admin/create-admin-layer';
import { SetupTracker, type SetupSeen } from '../admin/setup-seen';
import { createScimApp } from '../http/create-scim-app';
import { AuthThrottle } from '../http/auth-throttle';
import { createOAuthTokenApp, withTokenEndpoint } from '../http/oauth-token-route';
import { AccessTokens } from '../lib/access-tokens';
import { FederationVerifier } from '../lib/federation';
import { OAuthClients } from '../lib/oauth-clients';
import { OAuthTokenService } from '../lib/oauth-token-service';
import { ScimEndpoint } from '../http/scim-endpoint';
import { CheckKey } from '../lib/check-key';
import { DeliveryWorker, type DeliveryTuning } from '../delivery/delivery-worker';
import { pausedSyncLogEntry } from '../delivery/paused-entry';
import { SubscriptionSecrets } from '../delivery/subscription-secrets';
import { SubscriptionService } from '../delivery/subscriptions';
import { createWebhookSender, type SendWebhook } from '../delivery/webhook-sender';
import { ReadCredentialService } from '../lib/read-credentials';
import { DEFAULT_OUTBOX_RETENTION, type OutboxRetention } from '../store/outbox';
import { AdminEventBus } from '../lib/event-bus';
import { PAUSE_RETRY_AFTER_SECONDS, ProvisioningPause } from '../lib/provisioning-pause';
import { prepareDataFolder, type PreparedDataFolder } from '../lib/data-folder';
import { createFileLogger, type LogFileHealth } from '../lib/file-logger';
import { measureStorage } from '../lib/storage-status';
import { TokenService, type IssuedToken } from '../lib/scim-token';
import { chooseSecretStore, type SecretStore } from '../lib/secret-store';
import { DEFAULT_SYNC_LOG_RETENTION, SyncLogWriter, type SyncLogRetention } from '../lib/sync-log-writer';
import type { ResourceDoc } from '../scim/resource/resource-doc';
import type { ResourceKind } from '../scim/schema/attribute-def';
import { buildResourceSchemas, type ResourceSchema } from '../scim/schema/resource-schema';
import { ScimService } from '../scim/scim-service';
import { toCustomExtension } from '../admin/handlers/settings-handlers';
import { MappingService, type MappingSources } from '../mapping/mapping-service';
import type { DirectoryStore, DirectoryStoreFactory } from '../store/directory-store';
import { createSqliteStore, sqliteStoreFactory } from '../store/sqlite-store';
import { defaultTunnelProviders, type TunnelProviders } from '../tunnel/providers';
import type { Backoff } from '../tunnel/tunnel-runner';
import { setAsideDatabase } from '../store/open-database';
import { DEFAULT_SNAPSHOT_RETENTION, SNAPSHOT_FOLDER, SnapshotService, type SnapshotRetention } from '../admin/recovery/snapshot-service';
import { openSnapshotReader } from '../store/snapshot-file';
import { blankSnapshotSecrets } from '../store/snapshot-secrets';
import { ExportService } from '../exports/export-service';
import { StoreOpenError } from '../store/store-errors';
import { claimRunMarker, type HostKind, type RunMarkerClaim } from '../lib/run-marker';

export { DEFAULT_HOST, DEFAULT_PORT, type EndpointState } from '../http/scim-endpoint';
export { accountName, DataFolderError } from '../lib/data-folder';
export { databaseCompanions, type DatabaseCompanion } from '../store/open-database';
export { StoreOpenError } from '../store/store-errors';
export type { SeenFrom, SetupSeen } from '../admin/setup-seen';
export { listSnapshots, SNAPSHOT_FOLDER, type SnapshotInfo } from '../admin/recovery/snapshot-service';

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
  /** How often the mapping diagnostics read the records written since (default one minute). */
  readonly mappingCatchUpMs?: number;
  readonly secrets?: SecretStore;
  /** Opens the directory store: SQLite in the data folder when not given; a server deployment passes its own. */
  readonly store?: DirectoryStoreFactory;
  /**
   * A database file that is not a valid ScimDesk database (empty, another format, damaged): `stop`
   * (the default) throws StoreOpenError and changes nothing; `setAside` moves it and its -wal/-shm
   * files to `scimdesk.db.invalid-<time>…` (never deleting them) and starts with an empty database.
   * Only an explicit choice of the administrator (`serve --start-empty`) passes `setAside`.
   */
  readonly invalidDatabase?: 'stop' | 'setAside';
  /**
   * Run WAL checkpoints on a worker thread (default). Short-lived commands that open the data folder
   * beside a running service turn it off: the service's own checkpoints cover the file.
   */
  readonly checkpointWorker?: boolean;
  /**
   * The better-sqlite3 addon to load instead of the installed one: the Electron host passes a build for
   * Electron's ABI, while plain Node (the tests, serve mode) keeps the one `npm install` compiled.
   */
  readonly sqliteBinding?: string;
  /**
   * Generate a token on a first start when none exists (default), for a host that can show it once (the
   * serve command prints it). The desktop app has no console to show it on: it starts without one and
   * the Overview leads the admin to generate it where it is shown.
   */
  readonly issueFirstToken?: boolean;
  /**
   * Which host starts this core (the service by default), written in the data folder's run marker while
   * it runs, so that a command which must not run beside it (`snapshot restore`) can say which one to stop.
   */
  readonly hostKind?: HostKind;
  /** How tunnels are made (the real ngrok SDK, cloudflared and hyco-https by default; fakes in tests). */
  readonly tunnels?: Partial<TunnelProviders>;
  /** The tunnel's retry waits and the check from outside's time limit per step (tests shorten them). */
  readonly tunnelBackoff?: Backoff;
  readonly tunnelSelfRecoveryMs?: number;
  readonly checkTimeoutMs?: number;
  /** How many database snapshots are kept (14 daily and 20 others by default). */
  readonly snapshotRetention?: SnapshotRetention;
  /**
   * The snapshot the mass-deprovisioning breaker takes before an approval applies held operations (tests
   * pass a failing one); the core's snapshots when not given.
   */
  readonly takeSnapshot?: (reason: string) => Promise<void>;
  /** How often the scheduled exports look at their clocks (tests shorten it). */
  readonly exportTickMs?: number;
  /** Webhook delivery: the worker's batch size, retries and polling (tests shorten them), and the sender (tests wrap it). */
  readonly delivery?: { readonly tuning?: Partial<DeliveryTuning>; readonly send?: SendWebhook; readonly worker?: boolean };
}

export interface StartedCore {
  readonly scimUrl: string;
  readonly port: number;
  /** A token generated on this start because none existed: print it once, it is never shown again. */
  readonly firstToken: IssuedToken | undefined;
}

/** The core as its hosts see it: the parts they wire to a transport, and start/stop. */
export interface Core {
  readonly store: DirectoryStore;
  readonly service: ScimService;
  readonly tokens: TokenService;
  /** The OAuth token endpoint's clients and decisions (client credentials, workload identity federation). */
  readonly oauth: { readonly clients: OAuthClients; readonly tokens: OAuthTokenService };
  readonly syncLog: SyncLogWriter;
  readonly events: AdminEventBus;
  readonly secrets: SecretStore;
  readonly logger: Logger;
  readonly dataDir: string;
  /** What start-up found in the data folder: permissions it tightened, access it cannot check. */
  readonly dataFolder: PreparedDataFolder;
  /** Files an invalid database was moved to on this start (`invalidDatabase: 'setAside'`); empty otherwise. */
  readonly setAside: ReadonlyArray<string>;
  /** The log files' state: failing (a full disk) or written; undefined without log files. */
  logHealth(): LogFileHealth | undefined;
  readonly now: () => Date;
  /** The SCIM endpoint's listener: address, certificate, public URL. */
  readonly endpoint: ScimEndpoint;
  /** The admin application layer: the contract's handlers (both transports and the CLI) and the Compare & Fix parts. */
  readonly admin: AdminLayer;
  /** Provisioning paused by an administrator (SCIM answers 503 meanwhile); the tray follows and changes it. */
  readonly pause: ProvisioningPause;
  /** Database snapshots: `take(reason)` before an action that is hard to undo; daily ones from the maintenance. */
  readonly snapshots: SnapshotService;
  /** The mass-deprovisioning breaker: holds deactivations and deletes past its limit (the desktop app notifies when it trips). */
  readonly breaker: DeprovisionBreaker;
  /** The attribute-mapping model and diagnostics (the Mappings screen, `npm run diagnose`). */
  readonly mapping: MappingService;
  /** What the sync log has shown of Entra's setup steps, and from which client. */
  setupSeen(): Readonly<SetupSeen>;
  /** Delivery to the on-premises system: subscriptions (the CLI's too), the worker that sends the outbox, read-only credentials. */
  readonly delivery: { readonly subscriptions: SubscriptionService; readonly worker: DeliveryWorker; readonly readCredentials: ReadCredentialService };
  /** Current User and Group schemas, with the admin's extensions. */
  schemas(): Record<ResourceKind, ResourceSchema>;
  start(): Promise<StartedCore>;
  stop(): Promise<void>;
}

export const DATABASE_FILE = 'scimdesk.db';
/** Set once the snapshots taken before the secret store kept webhook secrets hold none in clear text. */
const SNAPSHOT_SECRETS_BLANKED = 'delivery.snapshotSecretsBlanked';
const DEFAULT_DIRECTORY_NAME = 'ScimDesk directory';
const CERTIFICATE_FILE = 'certificate.pfx';

/** The mapping's reads: the store's, narrowed. */
function mappingSources(store: DirectoryStore): MappingSources {
  return {
    pendingRecords: (kind, afterSeq, limit) => store.pendingMappingRecords(kind, afterSeq, limit),
    saveRecords: (kind, records) => store.saveMappingRecords(kind, records),
    recordSummary: (kind) => store.mappingRecordSummary(kind),
    documentsAt: (kind, seqs) => store.documentsAt(kind, seqs),
    mappingGeneration: (of) => store.mappingGeneration(of),
    scanSyncLog: (afterSeq, limit, detailOf) => store.scanSyncLog(afterSeq, limit, detailOf),
    countSyncLog: (fromSeq, throughSeq) => store.countSyncLog(fromSeq, throughSeq),
    usersNamed: (userNames) => store.usersNamed(userNames),
  };
}

/**
 * The composition root: builds every part of the headless core from explicit options and hands each
 * the narrow dependencies it uses. The Electron main process, the `serve` command, the CLIs and the
 * tests all start it the same way; it reads no environment and imports no Electron.
 */
export async function createCore(options: CoreOptions): Promise<Core> {
  // Before anything opens a file there: an unusable folder stops here with a DataFolderError naming it.
  const dataFolder = prepareDataFolder(options.dataDir);
  const now = options.now ?? (() => new Date());
  // The store first: a database that is not ScimDesk's (StoreOpenError) stops start-up before anything else is open.
  const databaseFile = join(options.dataDir, DATABASE_FILE);
  const sqliteBinding = options.sqliteBinding;
  const storeFactory: DirectoryStoreFactory =
    options.store ?? (sqliteBinding === undefined ? sqliteStoreFactory : (file, storeOptions) => createSqliteStore(file, { ...storeOptions, nativeBinding: sqliteBinding }));
  const openStore = () => storeFactory(databaseFile, { checkpointWorker: options.checkpointWorker ?? true });
  let setAside: string[] = [];
  let store: DirectoryStore;
  try {
    store = openStore();
  } catch (error) {
    if (!(error instanceof StoreOpenError) || !error.invalid || options.invalidDatabase !== 'setAside') throw error;
    setAside = setAsideDatabase(error.file, now());
    store = openStore();
  }
  const files = options.fileLogs === false ? undefined : await createFileLogger(join(options.dataDir, 'logs'), now);
  const logger = files?.logger ?? pino({ enabled: false });
  if (setAside.length > 0) logger.warn({ setAside }, 'the database was not valid: moved aside, starting with an empty one');
  if (dataFolder.tightened.length > 0) logger.info({ tightened: dataFolder.tightened }, 'data folder made owner-only');
  for (const warning of dataFolder.warnings) logger.warn(warning);
  const secrets = options.secrets ?? (await chooseSecretStore(options.dataDir));
  const events = new AdminEventBus();
  let schemas = buildResourceSchemas(await store.listExtensions());
  const reloadSchemas = async () => {
    schemas = buildResourceSchemas(await store.listExtensions());
  };
  const mapping = new MappingService({
    sources: mappingSources(store),
    settings: store,
    schemas: () => schemas,
    addExtensions: async (extensions) => {
      for (const extension of extensions) {
        await store.saveExtension(
          toCustomExtension({ ...extension, attributes: extension.attributes.map((attribute) => ({ ...attribute })) }),
          now(),
        );
      }
      await reloadSchemas();
    },
    now,
  });
  await mapping.load();
  const checkDoc = (kind: ResourceKind, doc: ResourceDoc) => mapping.rules().check(kind, doc);
  const breaker = await DeprovisionBreaker.load({
    store,
    schemas: () => schemas,
    checkDoc,
    takeSnapshot:
      options.takeSnapshot ??
      // `snapshots` is built below; an approval only runs once the core is up.
      (async (reason: string) => {
        await snapshots.take(reason);
      }),
    events,
    now,
    logger,
  });
  const service = new ScimService({ store, schemas: () => schemas, now, checkDoc, deprovisionGate: breaker });
  const tokens = new TokenService(store, now);
  const syncLog = new SyncLogWriter(store, logger);
  const pause = await ProvisioningPause.load(store);
  const checkKey = new CheckKey(store, secrets);
  const readCredentials = new ReadCredentialService(store, now);

  const snapshots = new SnapshotService({
    folder: join(options.dataDir, SNAPSHOT_FOLDER),
    store,
    openSnapshot: (file) => openSnapshotReader(file, sqliteBinding),
    pause,
    now,
    retention: options.snapshotRetention ?? DEFAULT_SNAPSHOT_RETENTION,
    onProgress: (progress) => events.emit('job.progress', { ...progress, resultId: null, cancelled: false }),
  });
  // Issue 16: OAuth clients, signed access tokens, Entra's federation assertions; one throttle for SCIM and the token endpoint.
  const oauthClients = new OAuthClients(store, now);
  const accessTokens = new AccessTokens(secrets, now);
  const oauthTokens = new OAuthTokenService({ clients: oauthClients, accessTokens, federation: new FederationVerifier({ now }), settings: store, now });
  const authThrottle = new AuthThrottle(() => now().getTime());

  let endpoint: ScimEndpoint | undefined;
  let admin: AdminLayer | undefined;
  const app = createScimApp({
    service,
    tokens,
    accessTokens: oauthTokens,
    authThrottle,
    checkKey,
    syncLog,
    logger,
    ...(options.bodyLimitBytes !== undefined ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    publicUrl: () => endpoint?.publicBaseUrl(),
    pausedRetryAfter: () => (pause.state() ? PAUSE_RETRY_AFTER_SECONDS : undefined),
    now,
    readCredentials,
    outbox: store,
  });
  const overrides: Partial<EndpointSettings> = {
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
  };
  endpoint = new ScimEndpoint({
    handler: withTokenEndpoint(createOAuthTokenApp({ tokens: oauthTokens, syncLog, throttle: authThrottle, now, logger }).callback(), app.callback()),
    settings: store,
    secrets,
    certificateFile: join(options.dataDir, CERTIFICATE_FILE),
    logger,
    overrides,
    onChange: () => {
      events.emit('overview.changed', {});
      // A moved endpoint (address, port, HTTPS) needs a tunnel toward its new listener.
      admin?.reach.endpointChanged();
    },
  });
  const scimEndpoint = endpoint;

  // ---- Delivery: webhooks from the outbox. A subscription may never reach ScimDesk's own SCIM endpoint or admin API.
  const ownPorts = async (): Promise<number[]> => {
    const scimPort = scimEndpoint.state()?.port ?? (await scimEndpoint.settings()).port;
    const adminPort = await store.getSetting<number | null>('admin.port');
    // The admin API's default port is the SCIM port + 1 (serve); the saved one is where it listens now.
    return [scimPort, scimPort + 1, ...(typeof adminPort === 'number' ? [adminPort] : [])];
  };
  let knownPorts: number[] = [];
  const refreshPorts = () => void ownPorts().then((ports) => (knownPorts = ports), () => undefined);
  const sender = options.delivery?.send ?? createWebhookSender(() => knownPorts);
  const webhookSecrets = new SubscriptionSecrets({ secrets, store });
  // An installation from before kept the signing secrets in the database: moved here, before anything signs (the CLIs too).
  const movedSecrets = await webhookSecrets.moveLegacy().catch((err: unknown) => {
    logger.error({ err }, 'the webhook signing secrets could not be moved out of the database; trying again at the next start');
    return 0;
  });
  if (movedSecrets > 0) logger.info({ moved: movedSecrets, to: secrets.description }, 'webhook signing secrets moved from the database to the secret store');
  // Snapshots taken before then hold them too: blanked once the database holds none any more (and again whenever some were moved).
  if ((movedSecrets > 0 || (await store.getSetting<boolean>(SNAPSHOT_SECRETS_BLANKED)) !== true) && (await store.legacySubscriptionSecrets()).length === 0) {
    try {
      const blanked = blankSnapshotSecrets(join(options.dataDir, SNAPSHOT_FOLDER), sqliteBinding);
      if (blanked > 0) logger.info({ blanked }, 'clear-text webhook signing secrets blanked in earlier snapshots');
      await store.setSetting(SNAPSHOT_SECRETS_BLANKED, true);
    } catch (err) {
      logger.error({ err }, 'the webhook signing secrets in earlier snapshots could not be blanked; trying again at the next start');
    }
  }
  const subscriptions = new SubscriptionService({ store, secrets: webhookSecrets, now, ownPorts });
  const worker = new DeliveryWorker({
    store,
    send: sender,
    secrets: webhookSecrets,
    now,
    ...(options.delivery?.tuning ? { tuning: options.delivery.tuning } : {}),
    onError: (err) => logger.error({ err }, 'webhook delivery failed'),
    onAttempt: () => events.emit('delivery.changed', { paused: null }),
    onPaused: (subscription, error, cause) => {
      logger.warn({ subscription: subscription.id, url: subscription.url, error, cause }, 'webhook subscription paused by the worker');
      events.emit('delivery.changed', { paused: { id: subscription.id, url: subscription.url, error } });
      events.emit('overview.changed', {});
      syncLog.record(pausedSyncLogEntry(subscription, error, now(), cause));
    },
  });

  const setup = await SetupTracker.load(store, (err: unknown) => logger.error({ err }, 'could not save the setup state'));
  syncLog.subscribe((entries) => setup.observe(entries));
  // Entra's requests mark its cycles for the breaker's "within one cycle" window.
  syncLog.subscribe((entries) => breaker.observeActivity(entries.filter((entry) => entry.adscimVersion !== null).map((entry) => entry.time)));
  syncLog.subscribe((entries) => {
    events.emit('syncLog.appended', { items: entries.map(toSyncLogEntry) });
    // Reads count too: Test Connection and schema discovery are GETs that tick the setup checklist.
    events.emit('overview.changed', {});
  });

  const exports = new ExportService({
    source: store,
    settings: store,
    schemas: () => schemas,
    syncLog,
    events,
    logger,
    now,
    dataDir: options.dataDir,
    ...(options.exportTickMs !== undefined ? { tickMs: options.exportTickMs } : {}),
  });
  await exports.load();

  admin = createAdminLayer({
    store,
    tokens,
    scim: service,
    schemas: () => schemas,
    reloadSchemas,
    mapping,
    endpoint: scimEndpoint,
    setup,
    pause,
    events,
    secrets,
    logger,
    now,
    dataDir: options.dataDir,
    syncLog,
    checkKey,
    tunnels: { ...defaultTunnelProviders, ...options.tunnels },
    ...(options.tunnelBackoff ? { tunnelBackoff: options.tunnelBackoff } : {}),
    ...(options.tunnelSelfRecoveryMs !== undefined ? { tunnelSelfRecoveryMs: options.tunnelSelfRecoveryMs } : {}),
    ...(options.checkTimeoutMs !== undefined ? { checkTimeoutMs: options.checkTimeoutMs } : {}),
    oauth: { clients: oauthClients, tokens: oauthTokens },
    storage: () => ({ ...measureStorage(options.dataDir, databaseFile), logFiles: files?.health() ?? null }),
    snapshots,
    breaker,
    exports,
    delivery: {
      subscriptions,
      worker,
      credentials: readCredentials,
      outbox: store,
      feedUrl: () => {
        const state = scimEndpoint.state();
        return state ? `${state.url.replace(/\/scim\/v2$/, '')}/feed` : undefined;
      },
    },
  });
  const adminLayer = admin;

  let maintenance: NodeJS.Timeout | undefined;
  let runMarker: RunMarkerClaim | undefined;
  let portsTimer: NodeJS.Timeout | undefined;
  let mappingTimer: NodeJS.Timeout | undefined;
  let mappingCatchUp: Promise<unknown> | undefined;
  let stopping = false;
  // What Entra writes is read for the diagnostics a page at a time while it provisions, not all at once
  // at the next view (100,000 records are seconds of work); requests run between the pages, and a stop
  // ends it after the page in hand.
  const catchUpMapping = () => {
    if (mappingCatchUp) return;
    mappingCatchUp = mapping
      .catchUp(() => new Promise<boolean>((resolve) => setImmediate(() => resolve(!stopping))))
      .catch((err: unknown) => logger.warn({ err }, 'the mapping diagnostics could not read the latest records'))
      .finally(() => {
        mappingCatchUp = undefined;
      });
  };
  // A SCIM write is followed by its sync-log entry: a moment to look at the outbox before the next poll.
  syncLog.subscribe(() => worker.wake());
  const runMaintenance = async () => {
    const retention = (await store.getSetting<SyncLogRetention>('syncLog.retention')) ?? DEFAULT_SYNC_LOG_RETENTION;
    const pruned = await syncLog.prune(retention, now());
    const purged = await store.purgeDeletedResources(now());
    const outboxRetention = (await store.getSetting<OutboxRetention>('outbox.retention')) ?? DEFAULT_OUTBOX_RETENTION;
    const changes = await store.pruneOutbox(outboxRetention, now());
    if (pruned + purged + changes > 0) logger.info({ pruned, purged, changes }, 'retention applied');
    // A failed snapshot (a full disk) is logged, and never stops the start or the other retention.
    const daily = await snapshots.takeDailyIfDue().catch((err: unknown) => logger.error({ err }, 'the daily snapshot failed'));
    if (daily) logger.info({ snapshot: daily.id }, 'daily snapshot taken');
  };

  return {
    store,
    service,
    tokens,
    oauth: { clients: oauthClients, tokens: oauthTokens },
    syncLog,
    events,
    secrets,
    logger,
    dataDir: options.dataDir,
    dataFolder,
    setAside,
    logHealth: () => files?.health(),
    now,
    endpoint: scimEndpoint,
    pause,
    snapshots,
    breaker,
    mapping,
    admin: adminLayer,
    setupSeen: () => setup.current(),
    delivery: { subscriptions, worker, readCredentials },
    schemas: () => schemas,
    async start() {
      // First: from here on the database may be written, whatever becomes of the rest of the start.
      runMarker ??= claimRunMarker(options.dataDir, options.hostKind ?? 'service');
      if (!(await store.getDirectory())) {
        await store.saveDirectory(
          { name: DEFAULT_DIRECTORY_NAME, description: '', onInactive: 'suspend', onDelete: { mode: 'hard' }, duplicateExternalIds: 'refuse' },
          now(),
        );
      }
      await accessTokens.ready();
      const firstToken = options.issueFirstToken !== false && (await store.listTokens()).length === 0 ? await tokens.rotate(0) : undefined;
      await runMaintenance();
      const started = await scimEndpoint.start();
      // The tunnel forwards to the listener, so it starts once there is one (it connects in the background).
      await adminLayer.reach.start();
      refreshPorts();
      portsTimer = setInterval(refreshPorts, 5000);
      portsTimer.unref();
      if (options.delivery?.worker !== false) worker.start();
      maintenance = setInterval(
        () => void runMaintenance().catch((err: unknown) => logger.error({ err }, 'retention failed')),
        options.maintenanceIntervalMs ?? 3_600_000,
      );
      maintenance.unref();
      // At once too: after an upgrade or a restore every record is still to be read, better now than at the first view.
      catchUpMapping();
      mappingTimer = setInterval(catchUpMapping, options.mappingCatchUpMs ?? 60_000);
      mappingTimer.unref();
      exports.start();
      return { scimUrl: started.url, port: started.port, firstToken };
    },
    async stop() {
      if (maintenance) clearInterval(maintenance);
      if (mappingTimer) clearInterval(mappingTimer);
      stopping = true;
      await mappingCatchUp;
      await exports.stop();
      if (portsTimer) clearInterval(portsTimer);
      await worker.stop();
      if ('close' in sender) (sender as { close(): void }).close();
      await adminLayer.stop();
      await scimEndpoint.stop();
      await syncLog.flush();
      await store.close();
      await files?.close();
      runMarker?.release();
      runMarker = undefined;
    },
  };
}
