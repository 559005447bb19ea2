import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createScimApp } from '../http/create-scim-app';
import type { ResourceKind } from '../scim/schema/attribute-def';
import { buildResourceSchemas, type ResourceSchema } from '../scim/schema/resource-schema';
import { ScimService } from '../scim/scim-service';
import type { DirectoryStore } from '../store/directory-store';
import { createSqliteStore } from '../store/sqlite-store';
import { TokenService, type IssuedToken } from './scim-token';
import { DEFAULT_SYNC_LOG_RETENTION, SyncLogWriter, type SyncLogRetention } from './sync-log-writer';
import { createFileLogger } from './file-logger';

export interface CoreOptions {
  /** Folder for the database and the log files; created if missing. */
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  /** Public base URL in front of the endpoint (tunnel, reverse proxy); the request's origin otherwise. */
  readonly publicUrl?: string;
  /** Rotating JSON log files in `<dataDir>/logs`; off for tests that need no files. */
  readonly fileLogs?: boolean;
  readonly bodyLimitBytes?: number;
  readonly now?: () => Date;
  /** How often retention runs (purge of kept deletions, sync-log pruning). */
  readonly maintenanceIntervalMs?: number;
}

export interface StartedCore {
  /** The SCIM base URL to paste into Entra as the Tenant URL. */
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
  readonly logger: Logger;
  readonly dataDir: string;
  /** Current User and Group schemas, with the admin's extensions. */
  schemas(): Record<ResourceKind, ResourceSchema>;
  /** Re-reads the extension schemas after the admin changed them. */
  reloadSchemas(): Promise<void>;
  start(): Promise<StartedCore>;
  stop(): Promise<void>;
}

export const DATABASE_FILE = 'scimdesk.db';
export const DEFAULT_PORT = 8631;
const DEFAULT_DIRECTORY_NAME = 'ScimDesk directory';

/**
 * Wires the headless core: store, schemas, token service, sync log, SCIM app.
 * The Electron main process, the `serve` command and the tests all start it
 * the same way; it reads no environment and imports no Electron.
 */
export async function createCore(options: CoreOptions): Promise<Core> {
  mkdirSync(options.dataDir, { recursive: true });
  const now = options.now ?? (() => new Date());
  const logger = options.fileLogs === false ? pino({ enabled: false }) : await createFileLogger(join(options.dataDir, 'logs'));
  const store = createSqliteStore(join(options.dataDir, DATABASE_FILE));
  let schemas = buildResourceSchemas(await store.listExtensions());
  const service = new ScimService({ store, schemas: () => schemas, now });
  const tokens = new TokenService(store, now);
  const syncLog = new SyncLogWriter(store, logger);
  const app = createScimApp({
    service,
    tokens,
    syncLog,
    logger,
    ...(options.bodyLimitBytes !== undefined ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    publicUrl: () => options.publicUrl,
  });
  let server: Server | undefined;
  let maintenance: NodeJS.Timeout | undefined;

  const runMaintenance = async () => {
    const retention = (await store.getSetting<SyncLogRetention>('syncLog.retention')) ?? DEFAULT_SYNC_LOG_RETENTION;
    const pruned = await syncLog.prune(retention, now());
    const purged = await store.purgeDeletedResources(now());
    if (pruned + purged > 0) logger.info({ pruned, purged }, 'retention applied');
  };

  return {
    store,
    service,
    tokens,
    syncLog,
    logger,
    dataDir: options.dataDir,
    schemas: () => schemas,
    async reloadSchemas() {
      schemas = buildResourceSchemas(await store.listExtensions());
    },
    async start() {
      if (!(await store.getDirectory())) {
        await store.saveDirectory({ name: DEFAULT_DIRECTORY_NAME, description: '', onInactive: 'suspend', onDelete: { mode: 'hard' } }, now());
      }
      const firstToken = (await store.listTokens()).length === 0 ? await tokens.rotate(0) : undefined;
      await runMaintenance();
      server = createServer(app.callback());
      // Entra keeps connections open between requests; outlive its idle time rather than reset them.
      server.keepAliveTimeout = 65_000;
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(options.port, options.host, () => {
          server!.off('error', reject);
          resolve();
        });
      });
      maintenance = setInterval(() => void runMaintenance().catch((err: unknown) => logger.error({ err }, 'retention failed')), options.maintenanceIntervalMs ?? 3_600_000);
      maintenance.unref();
      const port = (server.address() as AddressInfo).port;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      const scimUrl = options.publicUrl ? `${options.publicUrl.replace(/\/+$/, '')}/scim/v2` : `http://${host}:${port}/scim/v2`;
      logger.info({ scimUrl, port }, 'SCIM endpoint listening');
      return { scimUrl, port, firstToken };
    },
    async stop() {
      if (maintenance) clearInterval(maintenance);
      if (server) {
        const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeAllConnections();
        await closing;
        server = undefined;
      }
      await syncLog.flush();
      await store.close();
      logger.flush();
    },
  };
}
