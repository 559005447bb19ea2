import type { Overview } from '../../../shared/admin/contract';
import { currentToken, type TokenService } from '../../lib/scim-token';
import type { DirectoryInfoStore, ResourceStore, SyncLogStore } from '../../store/directory-store';
import { AdminApiError } from '../admin-error';
import { toDirectoryView, toTokenInfo } from '../admin-views';
import { assessQuarantine, QuarantineMeter } from '../quarantine';
import type { SetupTracker } from '../setup-seen';
import type { EndpointControl, Handlers } from './handler-types';

export interface OverviewDeps {
  readonly store: DirectoryInfoStore & Pick<ResourceStore, 'countResources' | 'countInactiveUsers'> & SyncLogStore;
  readonly tokens: Pick<TokenService, 'list'>;
  readonly endpoint: Pick<EndpointControl, 'state' | 'settings' | 'publicUrlVerifiedAt'>;
  readonly setup: Pick<SetupTracker, 'current'>;
  readonly now: () => Date;
  /** The data folder's disk and the log files, measured when asked. */
  readonly storage: () => Overview['storage'];
}

/** The Overview: where the endpoint listens, the token, what arrived, the quarantine watch and the setup checklist. */
export function createOverviewHandlers(deps: OverviewDeps): Handlers<'overview.get'> {
  const { store, tokens, endpoint: control, now } = deps;
  const quarantineMeter = new QuarantineMeter(store);
  return {
    async 'overview.get'() {
      const directory = await store.getDirectory();
      if (!directory) throw new AdminApiError('unavailable', 'The directory has not been created yet: start the endpoint first');
      const endpoint = control.state();
      const settings = await control.settings();
      const since = new Date(now().getTime() - 86_400_000).toISOString();
      const [history, users, inactive, groups, summary, quarantine] = await Promise.all([
        tokens.list(),
        store.countResources('User'),
        store.countInactiveUsers(),
        store.countResources('Group'),
        store.summarizeSyncLog(since),
        quarantineMeter.measure(now()),
      ]);
      const current = currentToken(history, now());
      const seen = deps.setup.current();
      return {
        scimUrl: endpoint?.url ?? null,
        endpoint: {
          listening: endpoint !== undefined,
          https: endpoint?.https ?? false,
          host: endpoint?.host ?? settings.host,
          port: endpoint?.port ?? settings.port,
        },
        directory: toDirectoryView(directory),
        token: current ? toTokenInfo(current) : null,
        // A user without `active` is not deprovisioned: "active" here means "not marked inactive".
        counts: { users, activeUsers: users - inactive, groups },
        lastActivity: summary.lastTime,
        last24h: { requests: summary.total, errors: summary.errors, since },
        quarantine: assessQuarantine(quarantine),
        publicUrl: settings.publicUrl ? { url: settings.publicUrl, verifiedAt: await control.publicUrlVerifiedAt(settings.publicUrl) } : null,
        storage: deps.storage(),
        setup: {
          tokenGenerated: history.length > 0,
          tokenUsed: history.some((token) => token.lastUsed !== null),
          connected: seen.connected,
          testConnection: seen.testConnection,
          schemaDiscovery: seen.schemaDiscovery,
          provisioned: seen.provisioned,
          usersProvisioned: users > 0,
          groupsProvisioned: groups > 0,
        },
      };
    },
  };
}

