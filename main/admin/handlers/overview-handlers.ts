import type { ProvisioningPause } from '../../lib/provisioning-pause';
import type { OutsideCheckView } from '../../../shared/admin/reach-schemas';
import type { Overview } from '../../../shared/admin/contract';
import { currentToken, type TokenService } from '../../lib/scim-token';
import { toBaseUrl } from '../../tunnel/outside-check';
import type { TunnelState } from '../../tunnel/tunnel-runner';
import type { DirectoryInfoStore, ResourceStore, SyncLogStore } from '../../store/directory-store';
import { AdminApiError } from '../admin-error';
import { toDirectoryView, toTokenInfo } from '../admin-views';
import { assessQuarantine, QuarantineMeter } from '../quarantine';
import type { SetupTracker } from '../setup-seen';
import type { EndpointControl, Handlers } from './handler-types';
import { toProvisioningState } from './provisioning-handlers';

export interface OverviewDeps {
  readonly store: DirectoryInfoStore & Pick<ResourceStore, 'countResources' | 'countInactiveUsers'> & SyncLogStore;
  readonly tokens: Pick<TokenService, 'list'>;
  readonly endpoint: Pick<EndpointControl, 'state' | 'settings' | 'publicUrlVerifiedAt' | 'publicBaseUrl' | 'publicUrlCheck' | 'certificate'>;
  readonly reach: { tunnelState(): TunnelState; lastCheck(): Promise<OutsideCheckView | null> };
  readonly setup: Pick<SetupTracker, 'current'>;
  readonly pause: Pick<ProvisioningPause, 'state'>;
  readonly now: () => Date;
  /** The data folder's disk and the log files, measured when asked. */
  readonly storage: () => Overview['storage'];
  /** Scheduled exports whose last run failed. */
  readonly exports: { failing(): Overview['exports']['failing'] };
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
      const publicBase = control.publicBaseUrl() ?? (settings.publicUrl || null);
      const tunnel = deps.reach.tunnelState();
      const certificate = await control.certificate();
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
        provisioning: toProvisioningState(deps.pause.state()),
        storage: deps.storage(),
        exports: { failing: deps.exports.failing() },
        publicUrl: publicBase ? { url: publicBase, verifiedAt: await control.publicUrlVerifiedAt(publicBase) } : null,
        reachability: { tunnel: tunnel.status === 'stopped' ? null : tunnel, check: endpoint ? await checkOf(toBaseUrl(endpoint.url)) : null },
        certificate: certificate
          ? {
              subject: certificate.subject,
              validTo: certificate.validTo,
              daysLeft: Math.floor((new Date(certificate.validTo).getTime() - now().getTime()) / 86_400_000),
              // Issued by itself: the kind Entra refuses.
              selfSigned: certificate.subject === certificate.issuer,
            }
          : null,
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

  /** The last check through a public base URL, with what failed when the last check of all was that one. */
  async function checkOf(base: string) {
    const check = await control.publicUrlCheck(base);
    if (!check) return null;
    const last = await deps.reach.lastCheck();
    const same = last !== null && last.at === check.at && toBaseUrl(last.url) === base;
    const failures = same ? last.steps.filter((step) => step.status === 'fail').map(({ title, summary, fix }) => ({ title, summary, fix })) : [];
    return { at: check.at, passed: check.passed, from: check.from, failures };
  }
}

