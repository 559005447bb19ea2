import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AdminEventBus } from '../lib/event-bus';
import type { ProvisioningPause } from '../lib/provisioning-pause';
import type { TokenService } from '../lib/scim-token';
import type { CheckKey } from '../lib/check-key';
import type { SecretStore } from '../lib/secret-store';
import type { SyncLogWriter } from '../lib/sync-log-writer';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { ResourceSchema } from '../scim/schema/resource-schema';
import type { ScimService } from '../scim/scim-service';
import type { DirectoryStore } from '../store/directory-store';
import type { TunnelProviders } from '../tunnel/providers';
import type { Backoff } from '../tunnel/tunnel-runner';
import type { MappingService } from '../mapping/mapping-service';
import type { ExportService } from '../exports/export-service';
import { AdminApiError } from './admin-error';
import { dispatchAdminCall, type AdminCallContext, type AdminHandlers } from './dispatch';
import type { AdminResult } from '../../shared/admin/contract';
import { CompareSession } from './entra/compare-session';
import { EntraActions } from './entra/entra-actions';
import { FetchJobs } from './entra/fetch-jobs';
import { GraphConnectionService } from './entra/graph-connection';
import { SnapshotFiles } from './entra/snapshot-files';
import { TokenRotation } from './entra/token-rotation';
import type { DeprovisionBreaker } from './breaker';
import { createBreakerHandlers } from './handlers/breaker-handlers';
import { createCompareHandlers } from './handlers/compare-handlers';
import { createDeliveryHandlers, type DeliveryHandlerDeps } from './handlers/delivery-handlers';
import { createDirectoryHandlers } from './handlers/directory-handlers';
import { createEntraHandlers } from './handlers/entra-handlers';
import { createExportHandlers } from './handlers/export-handlers';
import { createGraphHandlers } from './handlers/graph-handlers';
import { createMappingHandlers } from './handlers/mapping-handlers';
import { createAudit, type EndpointControl } from './handlers/handler-types';
import { createProvisioningHandlers } from './handlers/provisioning-handlers';
import { createReachabilityHandlers } from './handlers/reachability-handlers';
import { createRecoveryHandlers, withSnapshotsBefore } from './handlers/recovery-handlers';
import type { SnapshotService } from './recovery/snapshot-service';
import { createOverviewHandlers, type OverviewDeps } from './handlers/overview-handlers';
import { createResourceHandlers } from './handlers/resource-handlers';
import { createSettingsHandlers } from './handlers/settings-handlers';
import { createSyncLogHandlers } from './handlers/sync-log-handlers';
import { createSupportHandlers } from './handlers/support-handlers';
import { createAuthHandlers, type AuthDeps } from './handlers/auth-handlers';
import { ReachabilityService } from './reachability';
import type { SetupTracker } from './setup-seen';

/** What the admin layer is built from; the composition root hands it over, each area takes its part. */
export interface AdminLayerOptions {
  readonly store: DirectoryStore;
  readonly tokens: TokenService;
  readonly scim: Pick<ScimService, 'representation'>;
  readonly schemas: () => Record<ResourceKind, ResourceSchema>;
  readonly reloadSchemas: () => Promise<void>;
  readonly endpoint: EndpointControl;
  readonly setup: Pick<SetupTracker, 'current'>;
  /** Provisioning paused by an administrator (SCIM answers 503 meanwhile). */
  readonly pause: Pick<ProvisioningPause, 'state' | 'pause' | 'resume'>;
  readonly events: AdminEventBus;
  readonly secrets: SecretStore;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly dataDir: string;
  /** Where tunnel events and check outcomes are recorded beside the requests. */
  readonly syncLog: Pick<SyncLogWriter, 'record'>;
  readonly checkKey: Pick<CheckKey, 'ensure'>;
  readonly tunnels: TunnelProviders;
  /** Tests shorten the tunnel's retry waits and the check's time limits. */
  readonly tunnelBackoff?: Backoff;
  readonly tunnelSelfRecoveryMs?: number;
  readonly checkTimeoutMs?: number;
  /** Attribute mappings, rules and diagnostics (the SCIM endpoint enforces the same rules). */
  readonly mapping: MappingService;
  /** The data folder's disk and log files, for the Overview (measured by the root, which knows the files). */
  readonly storage: OverviewDeps['storage'];
  /** Database snapshots: taken before risky actions, listed, restored, exported. */
  readonly snapshots: SnapshotService;
  /** The mass-deprovisioning breaker: its settings and held list. */
  readonly breaker: DeprovisionBreaker;
  /** OAuth clients and the token endpoint's decisions (issue 16). */
  readonly oauth: Pick<AuthDeps, 'clients' | 'tokens'>;
  /** Scheduled exports (the root starts and stops their clock). */
  readonly exports: ExportService;
  /** Webhook subscriptions, their worker and the read-only credentials (built by the root beside the SCIM endpoint). */
  readonly delivery: Omit<DeliveryHandlerDeps, 'events' | 'audit'>;
}

/** The Compare & Fix parts, shared by the handlers and the command line (which also fetches and applies plan files). */
export interface EntraParts {
  readonly connection: GraphConnectionService;
  readonly files: SnapshotFiles;
  readonly fetches: FetchJobs;
  readonly session: CompareSession;
}

export interface AdminLayer {
  /** Every admin method of the contract, once: both transports and the CLI call these. */
  readonly handlers: AdminHandlers;
  /** One call by name, as a transport receives it: validated against the contract, errors as codes. */
  dispatch(method: string, input: unknown, context: AdminCallContext, onInternalError?: (error: unknown) => void): Promise<AdminResult<unknown>>;
  readonly entra: EntraParts;
  /** The tunnel and the check from outside (the service starts the tunnel once the endpoint listens). */
  readonly reach: ReachabilityService;
  /** The mapping model and diagnostics (the `diagnose` command reads them directly). */
  readonly mapping: MappingService;
  /** Stops what runs in the background (Graph fetches, the tunnel). */
  stop(): Promise<void>;
}

/** Builds the admin application layer: the Entra parts, then each area's handlers with only what it uses. */
export function createAdminLayer(options: AdminLayerOptions): AdminLayer {
  const { store, tokens, events, now, logger } = options;
  const audit = createAudit(store, now);
  const connection = new GraphConnectionService({ settings: store, secrets: options.secrets, now, logger });
  const files = new SnapshotFiles(join(options.dataDir, 'snapshots'));
  const fetches = new FetchJobs({ connection, files, events, now, logger });
  const session = new CompareSession({ files, fixes: store, events, now });
  const actions = new EntraActions({ connection, resources: store, syncLog: store, userSchema: () => options.schemas().User });
  const reach = new ReachabilityService({
    settings: store,
    secrets: options.secrets,
    endpoint: options.endpoint,
    checkKey: options.checkKey,
    syncLog: options.syncLog,
    events,
    providers: options.tunnels,
    logger,
    now,
    ...(options.tunnelBackoff ? { backoff: options.tunnelBackoff } : {}),
    ...(options.tunnelSelfRecoveryMs !== undefined ? { selfRecoveryMs: options.tunnelSelfRecoveryMs } : {}),
    ...(options.checkTimeoutMs !== undefined ? { checkTimeoutMs: options.checkTimeoutMs } : {}),
  });
  const tenantUrl = async () => {
    const state = options.endpoint.state();
    if (state) return state.url;
    const settings = await options.endpoint.settings();
    return settings.publicUrl ? `${settings.publicUrl.replace(/\/+$/, '')}/scim/v2` : `http://${settings.host}:${settings.port}/scim/v2`;
  };
  const rotation = new TokenRotation({ connection, tokens, endpoint: () => options.endpoint.state(), audit: store, events, now });

  const handlers: AdminHandlers = withSnapshotsBefore({
    ...createOverviewHandlers({ store, tokens, endpoint: options.endpoint, reach, setup: options.setup, pause: options.pause, now, storage: options.storage, exports: options.exports }),
    ...createProvisioningHandlers({ pause: options.pause, events, audit, now }),
    ...createDirectoryHandlers({ store, tokens, events, audit, now }),
    ...createResourceHandlers({ store, scim: options.scim, schemas: options.schemas, endpoint: () => options.endpoint.state(), now }),
    ...createSyncLogHandlers({ store }),
    ...createSettingsHandlers({
      store,
      endpoint: options.endpoint,
      reloadSchemas: options.reloadSchemas,
      audit,
      now,
      dataDir: options.dataDir,
      secretStore: options.secrets.description,
    }),
    ...createGraphHandlers({ connection, files, fetches, audit, now }),
    ...createCompareHandlers(session),
    ...createEntraHandlers({ actions, rotation, audit }),
    ...createReachabilityHandlers({ reach, audit }),
    ...createBreakerHandlers({ breaker: options.breaker, audit }),
    ...createAuthHandlers({ ...options.oauth, settings: store, tenantUrl, graphConnection: () => connection.connection(), events, audit, now }),
    ...createExportHandlers({ exports: options.exports, audit }),
    ...createDeliveryHandlers({ ...options.delivery, events, audit }),
    ...createMappingHandlers({
      mapping: options.mapping,
      audit,
      readEntraSchema: async (jobId) => {
        const { sp, service } = await connection.application();
        const id = jobId ?? (await service.listJobs(sp.id))[0]?.id;
        if (id === undefined) throw new AdminApiError('notFound', 'The enterprise application has no provisioning job yet: turn provisioning on in Entra first.');
        return service.readSynchronizationSchema(sp.id, id, (schema) => schema);
      },
      tenantUrl: async () => {
        const state = options.endpoint.state();
        if (state) return state.url;
        const settings = await options.endpoint.settings();
        return settings.publicUrl ? `${settings.publicUrl.replace(/\/+$/, '')}/scim/v2` : `http://${settings.host}:${settings.port}/scim/v2`;
      },
    }),
    ...createRecoveryHandlers({ store, snapshots: options.snapshots, events, audit, now }),
    // The support bundle reads the other areas' views (after they are built: `handlers` is read at call time).
    ...createSupportHandlers({ views: () => handlers, store, tokens, mapping: options.mapping, schemas: options.schemas, endpoint: options.endpoint, events, now }),
  }, (reason) => options.snapshots.take(reason));
  return {
    handlers,
    dispatch: (method, input, context, onInternalError) => dispatchAdminCall(handlers, method, input, context, onInternalError),
    entra: { connection, files, fetches, session },
    reach,
    mapping: options.mapping,
    async stop() {
      fetches.cancelAll();
      await reach.stop();
    },
  };
}
