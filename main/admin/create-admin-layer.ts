import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AdminEventBus } from '../lib/event-bus';
import type { TokenService } from '../lib/scim-token';
import type { SecretStore } from '../lib/secret-store';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { ResourceSchema } from '../scim/schema/resource-schema';
import type { ScimService } from '../scim/scim-service';
import type { DirectoryStore } from '../store/directory-store';
import { dispatchAdminCall, type AdminCallContext, type AdminHandlers } from './dispatch';
import type { AdminResult } from '../../shared/admin/contract';
import { CompareSession } from './entra/compare-session';
import { EntraActions } from './entra/entra-actions';
import { FetchJobs } from './entra/fetch-jobs';
import { GraphConnectionService } from './entra/graph-connection';
import { SnapshotFiles } from './entra/snapshot-files';
import { TokenRotation } from './entra/token-rotation';
import { createCompareHandlers } from './handlers/compare-handlers';
import { createDirectoryHandlers } from './handlers/directory-handlers';
import { createEntraHandlers } from './handlers/entra-handlers';
import { createGraphHandlers } from './handlers/graph-handlers';
import { createAudit, type EndpointControl } from './handlers/handler-types';
import { createOverviewHandlers, type OverviewDeps } from './handlers/overview-handlers';
import { createResourceHandlers } from './handlers/resource-handlers';
import { createSettingsHandlers } from './handlers/settings-handlers';
import { createSyncLogHandlers } from './handlers/sync-log-handlers';
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
  readonly events: AdminEventBus;
  readonly secrets: SecretStore;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly dataDir: string;
  /** The data folder's disk and log files, for the Overview (measured by the root, which knows the files). */
  readonly storage: OverviewDeps['storage'];
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
  /** Stops what runs in the background (Graph fetches). */
  stop(): void;
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
  const rotation = new TokenRotation({ connection, tokens, endpoint: () => options.endpoint.state(), audit: store, events, now });

  const handlers: AdminHandlers = {
    ...createOverviewHandlers({ store, tokens, endpoint: options.endpoint, setup: options.setup, now, storage: options.storage }),
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
  };
  return {
    handlers,
    dispatch: (method, input, context, onInternalError) => dispatchAdminCall(handlers, method, input, context, onInternalError),
    entra: { connection, files, fetches, session },
    stop: () => fetches.cancelAll(),
  };
}
