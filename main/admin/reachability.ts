import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { OutsideCheckView, ReachabilityView, ReachProvider } from '../../shared/admin/reach-schemas';
import type { CheckKey } from '../lib/check-key';
import type { AdminEventBus } from '../lib/event-bus';
import type { SecretStore } from '../lib/secret-store';
import type { SyncLogWriter } from '../lib/sync-log-writer';
import type { SettingsStore } from '../store/directory-store';
import { relayPublicUrl } from '../tunnel/azure-relay-tunnel';
import { tunnelIdOf } from '../tunnel/cloudflare-tunnel';
import { checkFromOutside, toBaseUrl, toTenantUrl, type CheckFrom, type OutsideCheckResult } from '../tunnel/outside-check';
import type { TunnelProviders } from '../tunnel/providers';
import { connectableHost, targetUrl, type LocalTarget, type Tunnel, type TunnelProvider } from '../tunnel/tunnel';
import { PROVIDER_NAMES, TunnelRunner, type Backoff, type TunnelEvent, type TunnelState } from '../tunnel/tunnel-runner';
import { AdminApiError } from './admin-error';
import type { EndpointControl } from './handlers/handler-types';

/** The provider and its settings that are not secret; the secrets are in the secret store. */
interface StoredReach {
  readonly provider: ReachProvider;
  readonly ngrok: { readonly domain: string };
  readonly cloudflare: { readonly hostname: string };
  readonly azureRelay: { readonly namespace: string; readonly connectionName: string; readonly keyName: string };
  /** The last four characters of each saved secret, to show which one is saved. */
  readonly hints: Partial<Record<SecretKind, string>>;
}

type SecretKind = 'ngrok' | 'cloudflare' | 'azureRelay';

const SETTINGS_KEY = 'reach.settings';
/** The tunnel's public URL when it was last online: the CLI's check uses it when the service runs elsewhere. */
const TUNNEL_URL_KEY = 'reach.tunnelUrl';
const LAST_CHECK_KEY = 'reach.lastCheck';
/** The Tenant URL the running service gives Entra (null when it stops): a CLI beside it checks that one. */
const LIVE_TENANT_URL_KEY = 'reach.liveTenantUrl';
const SECRET_NAMES: Record<SecretKind, string> = { ngrok: 'reach.ngrok.authtoken', cloudflare: 'reach.cloudflare.token', azureRelay: 'reach.azureRelay.key' };

const DEFAULTS: StoredReach = {
  provider: 'none',
  ngrok: { domain: '' },
  cloudflare: { hostname: '' },
  azureRelay: { namespace: '', connectionName: '', keyName: '' },
  hints: {},
};

/** What the reachability area is given by the composition root. */
export interface ReachabilityDeps {
  readonly settings: SettingsStore;
  readonly secrets: Pick<SecretStore, 'get' | 'set' | 'delete' | 'description'>;
  readonly endpoint: Pick<
    EndpointControl,
    'state' | 'settings' | 'publicBaseUrl' | 'setTunnelUrl' | 'recordPublicUrlCheck' | 'publicUrlCheck' | 'certificate'
  >;
  readonly checkKey: Pick<CheckKey, 'ensure'>;
  /** Tunnel events and check outcomes go to the sync log beside the requests they explain. */
  readonly syncLog: Pick<SyncLogWriter, 'record'>;
  readonly events: Pick<AdminEventBus, 'emit'>;
  readonly providers: TunnelProviders;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly backoff?: Backoff;
  readonly selfRecoveryMs?: number;
  /** Each step of a check from outside gets at most this long. */
  readonly checkTimeoutMs?: number;
}

/** What the Settings form sends (secrets empty to keep the saved ones), after the contract's checks. */
export type ReachConfigure =
  | { readonly provider: 'none' }
  | { readonly provider: 'ngrok'; readonly authtoken: string; readonly domain: string }
  | { readonly provider: 'cloudflare'; readonly token: string; readonly hostname: string }
  | { readonly provider: 'azureRelay'; readonly namespace: string; readonly connectionName: string; readonly keyName: string; readonly key: string };

export interface ReachCheckRequest {
  readonly url?: string | undefined;
  readonly token?: string | undefined;
  readonly from: CheckFrom;
}

const hintOf = (secret: string) => `••••${secret.slice(-4)}`;

/** The sync log's status for a tunnel event: what an HTTP status would say of it. */
const EVENT_STATUS: Record<TunnelEvent['kind'], number> = {
  starting: 202,
  online: 200,
  restored: 200,
  stopped: 200,
  urlChanged: 200,
  warning: 200,
  down: 503,
  retrying: 503,
  failed: 502,
};

/**
 * The Reachability area: the provider chosen in Settings and its secrets, the tunnel that runs for it
 * (the Tenant URL follows the tunnel's public URL while it runs), and the check from outside, run on
 * request and after every tunnel start. The service runs the tunnel; the CLI, opened on the same data
 * folder, runs checks and finds the tunnel's last public URL in the database.
 */
export class ReachabilityService {
  private readonly runner: TunnelRunner;
  /** The listener the running tunnel forwards to: a moved endpoint needs a fresh tunnel. */
  private target: LocalTarget | undefined;
  /** Whether this process serves the endpoint (the service), not a CLI that opened the data folder. */
  private serving = false;

  constructor(private readonly deps: ReachabilityDeps) {
    this.runner = new TunnelRunner({
      now: deps.now,
      ...(deps.backoff ? { backoff: deps.backoff } : {}),
      ...(deps.selfRecoveryMs !== undefined ? { selfRecoveryMs: deps.selfRecoveryMs } : {}),
      onChange: (state, event) => this.changed(state, event),
    });
  }

  tunnelState(): TunnelState {
    return this.runner.current();
  }

  /** The last check from outside, whichever URL it checked. */
  async lastCheck(): Promise<OutsideCheckView | null> {
    return (await this.deps.settings.getSetting<OutsideCheckView>(LAST_CHECK_KEY)) ?? null;
  }

  /** Starts the saved provider's tunnel (the service calls it once the endpoint listens); does not wait for it to connect. */
  async start(): Promise<void> {
    this.serving = true;
    await this.saveLiveTenantUrl();
    const saved = await this.saved();
    if (saved.provider !== 'none') void this.runTunnel(saved);
  }

  async stop(): Promise<void> {
    // Not serving from here on: the Tenant URL changes the tunnel's stop causes are not saved as the running service's.
    const wasServing = this.serving;
    this.serving = false;
    await this.runner.stop();
    this.target = undefined;
    if (wasServing) await this.deps.settings.setSetting(LIVE_TENANT_URL_KEY, null).catch((err: unknown) => this.deps.logger.error({ err }, 'could not clear the Tenant URL'));
  }

  /** The endpoint moved, or its Tenant URL changed: a running tunnel starts over toward a moved listener. */
  endpointChanged(): void {
    if (this.serving) void this.saveLiveTenantUrl();
    const next = this.localTarget();
    const current = this.target;
    if (!current || this.runner.current().status === 'stopped' || this.runner.current().status === 'failed') return;
    if (next && next.host === current.host && next.port === current.port && next.https === current.https) return;
    this.deps.logger.info({ from: current, to: next }, 'the SCIM endpoint moved: restarting the tunnel');
    void this.runner.reconnect();
  }

  async view(): Promise<ReachabilityView> {
    const saved = await this.saved();
    const cloudflareToken = await this.deps.secrets.get(SECRET_NAMES.cloudflare);
    const target = this.localTarget();
    const secret = (kind: SecretKind) => ({ set: saved.hints[kind] !== undefined, hint: saved.hints[kind] ?? null });
    return {
      provider: saved.provider,
      ngrok: { domain: saved.ngrok.domain, authtoken: secret('ngrok') },
      cloudflare: {
        hostname: saved.cloudflare.hostname,
        token: secret('cloudflare'),
        tunnelId: cloudflareToken ? (tunnelIdOf(cloudflareToken) ?? null) : null,
        cloudflaredPath: this.deps.providers.locateCloudflared() ?? null,
      },
      azureRelay: {
        ...saved.azureRelay,
        key: secret('azureRelay'),
        publicUrl: saved.azureRelay.namespace && saved.azureRelay.connectionName ? relayPublicUrl(saved.azureRelay) : null,
      },
      tunnel: this.runner.current(),
      tenantUrl: this.deps.endpoint.state()?.url ?? null,
      localUrl: target ? targetUrl(target) : null,
      lastCheck: await this.lastCheck(),
      secretStore: this.deps.secrets.description,
    };
  }

  /** Saves the provider (new secrets to the secret store; an empty one keeps the saved one) and restarts the tunnel for it. */
  async configure(input: ReachConfigure): Promise<ReachabilityView> {
    const saved = await this.saved();
    const hints = { ...saved.hints };
    const keep = async (kind: SecretKind, given: string, label: string) => {
      if (given !== '') {
        await this.deps.secrets.set(SECRET_NAMES[kind], given);
        hints[kind] = hintOf(given);
      } else if (!(await this.deps.secrets.get(SECRET_NAMES[kind]))) {
        throw new AdminApiError('invalidInput', `Enter the ${label}: none is saved yet`);
      }
    };
    let next: StoredReach;
    switch (input.provider) {
      case 'none':
        next = { ...saved, provider: 'none' };
        break;
      case 'ngrok':
        await keep('ngrok', input.authtoken, 'ngrok authtoken');
        next = { ...saved, provider: 'ngrok', ngrok: { domain: input.domain } };
        break;
      case 'cloudflare':
        if (input.token !== '' && !tunnelIdOf(input.token)) {
          throw new AdminApiError('invalidInput', 'This is not a Cloudflare tunnel token: copy the long token from the connector install command (Networks → Tunnels → your tunnel)');
        }
        await keep('cloudflare', input.token, 'Cloudflare tunnel token');
        next = { ...saved, provider: 'cloudflare', cloudflare: { hostname: input.hostname } };
        break;
      case 'azureRelay':
        await keep('azureRelay', input.key, 'shared access key');
        next = { ...saved, provider: 'azureRelay', azureRelay: { namespace: input.namespace, connectionName: input.connectionName, keyName: input.keyName } };
        break;
    }
    await this.deps.settings.setSetting(SETTINGS_KEY, { ...next, hints });
    if (next.provider === 'none') {
      await this.runner.stop();
      await this.deps.settings.setSetting(TUNNEL_URL_KEY, null);
    } else {
      void this.runTunnel({ ...next, hints });
    }
    return this.view();
  }

  /** Tries the tunnel again now. */
  async reconnect(): Promise<ReachabilityView> {
    const saved = await this.saved();
    if (saved.provider === 'none') throw new AdminApiError('invalidInput', 'No tunnel is set up: choose a provider first');
    void this.runTunnel(saved);
    return this.view();
  }

  /**
   * The URL a check looks at when none is given, and where it comes from: the Tenant URL now (it
   * follows a running tunnel); from a CLI, the one the running service gives Entra, else the tunnel's
   * last public URL, the saved public URL, or the local listener.
   */
  async defaultCheckUrl(): Promise<{ readonly url: string; readonly source: string }> {
    const listening = this.deps.endpoint.state()?.url;
    if (listening) return { url: listening, source: 'the Tenant URL Entra is given now' };
    const live = await this.deps.settings.getSetting<string | null>(LIVE_TENANT_URL_KEY);
    if (live) return { url: live, source: 'the Tenant URL the running service gives Entra' };
    const saved = await this.saved();
    const tunnel = await this.deps.settings.getSetting<{ provider: ReachProvider; url: string } | null>(TUNNEL_URL_KEY);
    if (saved.provider !== 'none' && tunnel && tunnel.provider === saved.provider) {
      return { url: toTenantUrl(tunnel.url), source: `the ${PROVIDER_NAMES[saved.provider]} tunnel's last public URL (the service is not running)` };
    }
    const settings = await this.deps.endpoint.settings();
    if (settings.publicUrl) return { url: toTenantUrl(settings.publicUrl), source: 'the public URL saved in Settings (the service is not running)' };
    const https = (await this.deps.endpoint.certificate()) !== null;
    const host = connectableHost(settings.host);
    return {
      url: `${https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${settings.port}/scim/v2`,
      source: 'the local listener saved in Settings (no public URL is set, and the service is not running)',
    };
  }

  /**
   * Calls the URL as Entra's Test Connection does and records the outcome for the URL's public base: a
   * pass verifies it on the Overview, a failure takes an earlier pass back. Without a token, ScimDesk's
   * own check key stands in for the Secret Token (which is kept only as a hash).
   */
  async check(request: ReachCheckRequest): Promise<OutsideCheckResult> {
    const url = request.url ? toTenantUrl(request.url) : (await this.defaultCheckUrl()).url;
    const bearer = request.token ?? (await this.deps.checkKey.ensure());
    const result = await checkFromOutside({
      url,
      bearer,
      credential: request.token ? 'token' : 'checkKey',
      from: request.from,
      now: this.deps.now,
      ...(this.deps.checkTimeoutMs !== undefined ? { timeoutMs: this.deps.checkTimeoutMs } : {}),
    });
    await this.deps.endpoint.recordPublicUrlCheck(toBaseUrl(result.url), new Date(result.at), { passed: result.passed, from: result.from });
    await this.deps.settings.setSetting(LAST_CHECK_KEY, result);
    const failed = result.steps.find((s) => s.status === 'fail');
    this.deps.syncLog.record({
      time: this.deps.now().toISOString(),
      requestId: randomUUID(),
      method: 'CHECK',
      path: result.url,
      operation: 'reachability',
      resourceType: null,
      resourceId: null,
      userName: null,
      externalId: null,
      displayName: null,
      status: result.passed ? 200 : 502,
      durationMs: result.durationMs,
      scimType: null,
      error: failed ? `${failed.title}: ${failed.summary}` : null,
      client: `ScimDesk check from ${result.from === 'internet' ? 'outside' : 'inside the network'}`,
      adscimVersion: null,
      detail: JSON.stringify({ check: result }),
    });
    this.deps.events.emit('reach.changed', { tunnel: this.runner.current() });
    return result;
  }

  private async saved(): Promise<StoredReach> {
    const stored = await this.deps.settings.getSetting<Partial<StoredReach>>(SETTINGS_KEY);
    return { ...DEFAULTS, ...stored, hints: { ...stored?.hints } };
  }

  private async saveLiveTenantUrl(): Promise<void> {
    const url = this.deps.endpoint.state()?.url ?? null;
    if ((await this.deps.settings.getSetting<string | null>(LIVE_TENANT_URL_KEY)) === url) return;
    await this.deps.settings.setSetting(LIVE_TENANT_URL_KEY, url).catch((err: unknown) => this.deps.logger.error({ err }, 'could not save the Tenant URL'));
  }

  private localTarget(): LocalTarget | undefined {
    const state = this.deps.endpoint.state();
    return state ? { host: connectableHost(state.host), port: state.port, https: state.https } : undefined;
  }

  private async tunnelFor(saved: StoredReach): Promise<Tunnel | undefined> {
    const secret = async (kind: SecretKind) => (await this.deps.secrets.get(SECRET_NAMES[kind])) ?? '';
    switch (saved.provider) {
      case 'ngrok':
        return this.deps.providers.ngrok({ authtoken: await secret('ngrok'), domain: saved.ngrok.domain });
      case 'cloudflare':
        return this.deps.providers.cloudflare({ token: await secret('cloudflare'), hostname: saved.cloudflare.hostname });
      case 'azureRelay':
        return this.deps.providers.azureRelay({ ...saved.azureRelay, key: await secret('azureRelay') });
      default:
        return undefined;
    }
  }

  private async runTunnel(saved: StoredReach): Promise<void> {
    try {
      const tunnel = await this.tunnelFor(saved);
      if (!tunnel) return;
      await this.runner.run(tunnel, () => {
        this.target = this.localTarget();
        return this.target;
      });
    } catch (error) {
      this.deps.logger.error({ err: error }, 'the tunnel could not be started');
    }
  }

  /**
   * Saves the tunnel's public URL (a CLI beside the service checks it); after a start, a URL other
   * than last time's (ngrok without a reserved domain) is said: Entra still has the old one.
   */
  private async rememberTunnelUrl(provider: TunnelProvider, url: string, started: boolean): Promise<void> {
    const previous = await this.deps.settings.getSetting<{ provider: ReachProvider; url: string } | null>(TUNNEL_URL_KEY);
    await this.deps.settings.setSetting(TUNNEL_URL_KEY, { provider, url });
    if (started && previous && previous.provider === provider && previous.url !== url) {
      this.runner.warn(`The public URL changed from ${previous.url} to ${url} since the last start: update the Tenant URL in Entra${provider === 'ngrok' ? ' (a reserved ngrok domain keeps it from changing)' : ''}`);
    }
  }

  /** One tunnel event: the Tenant URL, the database, the sync log, the UI; and the check after every start. */
  private changed(state: TunnelState, event: TunnelEvent): void {
    if (state.status === 'online') this.deps.endpoint.setTunnelUrl(state.publicUrl ?? undefined);
    // While it reconnects Entra keeps the URL it has: the Tenant URL stays. Stopped or failed, the tunnel serves nothing.
    if (state.status === 'stopped' || state.status === 'failed') this.deps.endpoint.setTunnelUrl(undefined);
    if ((event.kind === 'online' || event.kind === 'restored') && state.provider && state.publicUrl) {
      void this.rememberTunnelUrl(state.provider, state.publicUrl, event.kind === 'online').catch((err: unknown) => this.deps.logger.error({ err }, 'could not save the tunnel URL'));
    }
    const provider = state.provider ?? event.kind;
    this.deps.logger[EVENT_STATUS[event.kind] >= 500 ? 'warn' : 'info']({ tunnel: provider, event: event.kind }, event.message);
    this.deps.syncLog.record({
      time: this.deps.now().toISOString(),
      requestId: randomUUID(),
      method: 'TUNNEL',
      path: state.publicUrl ?? '',
      operation: 'reachability',
      resourceType: null,
      resourceId: null,
      userName: null,
      externalId: null,
      displayName: null,
      status: EVENT_STATUS[event.kind],
      durationMs: 0,
      scimType: null,
      error: EVENT_STATUS[event.kind] >= 500 || event.kind === 'warning' || event.kind === 'urlChanged' ? event.message : null,
      client: state.provider ? `ScimDesk ${PROVIDER_NAMES[state.provider]} tunnel` : 'ScimDesk tunnel',
      adscimVersion: null,
      detail: JSON.stringify({ tunnel: { event: event.kind, message: event.message, ...state } }),
    });
    this.deps.events.emit('reach.changed', { tunnel: state });
    if (event.kind === 'online' || event.kind === 'urlChanged') {
      // Every start: does Entra get through this URL?
      void this.check({ from: 'internet' }).catch((err: unknown) => this.deps.logger.error({ err }, 'the check from outside after the tunnel start failed'));
    }
  }
}
