import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, STATUS_CODES, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { EndpointSettings } from '../../shared/admin/contract';
import { inspectPfx, type CertificateSummary } from '../lib/certificate';
import { closeServer, listenOn } from '../lib/listen';
import type { SecretStore } from '../lib/secret-store';
import type { SettingsStore } from '../store/directory-store';
import { scimErrorBody } from './scim-error-body';

/** Where the SCIM endpoint listens now. */
export interface EndpointState {
  /** The SCIM base URL to paste into Entra as the Tenant URL. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly https: boolean;
}

export const DEFAULT_PORT = 8631;
export const DEFAULT_HOST = '127.0.0.1';
const PASSPHRASE_SECRET = 'endpoint.certificatePassphrase';
/** The last check from outside of each public URL: { [url]: { at, passed, from } }. */
const PUBLIC_URL_CHECKS = 'endpoint.publicUrlChecks';
/** Checks of this many URLs are remembered (a changed ngrok URL leaves its old one behind). */
const PUBLIC_URL_CHECKS_KEPT = 20;

/** The outcome of the last check from outside through one public URL. */
export interface PublicUrlCheck {
  readonly at: string;
  readonly passed: boolean;
  /** `internet`: as Entra's cloud calls; `network`: as the on-premises provisioning agent calls, from inside. */
  readonly from: 'internet' | 'network';
}

const baseOf = (url: string) => url.trim().replace(/\/+$/, '');

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export interface ScimEndpointOptions {
  /** The SCIM application's request handler (Koa's `app.callback()`). */
  readonly handler: RequestListener;
  readonly settings: SettingsStore;
  readonly secrets: Pick<SecretStore, 'get' | 'set' | 'delete'>;
  /** Where the HTTPS certificate (PFX) is kept. */
  readonly certificateFile: string;
  readonly logger: Logger;
  /** Start-up overrides of the saved address (command-line flags, tests): they apply until the admin moves the endpoint. */
  readonly overrides: Partial<EndpointSettings>;
  /** Called when the address, protocol or public URL changes (the Overview shows them). */
  readonly onChange: () => void;
}

/**
 * A request Node's HTTP parser refuses before any handler sees it (a request line or headers over
 * 16 KB, a malformed request): answered with a SCIM error body too, where Node would send a bare
 * status line. It never reached ScimDesk, so it has no request id and no sync-log entry.
 */
function answerUnparsable(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const detail =
    status === 431
      ? 'The request line and headers are larger than 16 KB: send a long filter in the body of POST /.search instead'
      : status === 408
        ? 'The request was not received in time'
        : 'The request is not valid HTTP';
  const body = JSON.stringify(scimErrorBody(status, undefined, detail));
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/scim+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * The SCIM endpoint's listener: the address saved in Settings (or the start-up overrides), HTTP or
 * HTTPS with the admin's certificate, and the public URL Entra is given. Moving it keeps the old
 * listener serving when the new address cannot be had.
 */
export class ScimEndpoint {
  private server: Server | undefined;
  /** Where it listens; `url` is the local one (the public URL, when there is one, is put in front by state()). */
  private current: EndpointState | undefined;
  private publicUrl: string | undefined;
  /** A running tunnel's public URL: it wins over the saved public URL while the tunnel runs. */
  private tunnelUrl: string | undefined;
  private overrides: Partial<EndpointSettings>;

  constructor(private readonly options: ScimEndpointOptions) {
    this.overrides = options.overrides;
  }

  /** Where it listens now, with the Tenant URL Entra is given (through the tunnel or public URL, when there is one); undefined while stopped. */
  state(): EndpointState | undefined {
    const current = this.current;
    if (!current) return undefined;
    const base = this.publicBaseUrl();
    return base ? { ...current, url: `${base}/scim/v2` } : current;
  }

  /** The public base URL: a running tunnel's, else the saved one (`meta.location` and the Tenant URL carry it). */
  publicBaseUrl(): string | undefined {
    return this.tunnelUrl ?? this.publicUrl;
  }

  /** A tunnel's public URL while it runs (undefined when it stops): the Tenant URL and `meta.location` follow it. */
  setTunnelUrl(url: string | undefined): void {
    const next = url ? baseOf(url) : undefined;
    if (next === this.tunnelUrl) return;
    this.tunnelUrl = next;
    this.options.onChange();
  }

  /** The settings the endpoint starts with: overrides, else saved, else the defaults. */
  async settings(): Promise<EndpointSettings> {
    const saved = await this.options.settings.getSetting<EndpointSettings>('endpoint');
    return {
      host: this.overrides.host ?? saved?.host ?? DEFAULT_HOST,
      port: this.overrides.port ?? saved?.port ?? DEFAULT_PORT,
      publicUrl: this.overrides.publicUrl ?? saved?.publicUrl ?? '',
    };
  }

  async start(): Promise<EndpointState> {
    return this.relisten(await this.settings());
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.current = undefined;
    if (server) await closeServer(server);
  }

  /** Saves the settings and moves the listener; the old one keeps serving if the new address fails. */
  async reconfigure(settings: EndpointSettings): Promise<EndpointState> {
    const moved = await this.relisten(settings);
    await this.options.settings.setSetting('endpoint', settings);
    this.overrides = {};
    return moved;
  }

  /**
   * When the last check from outside through this public URL passed; null when none did, or the last
   * one failed: the Overview calls the URL unverified rather than trusting that it works.
   */
  async publicUrlVerifiedAt(url: string): Promise<string | null> {
    const check = await this.publicUrlCheck(url);
    return check?.passed ? check.at : null;
  }

  /** The last check from outside through this public URL (a check vouches for the URL it reached, not for one typed in since). */
  async publicUrlCheck(url: string): Promise<PublicUrlCheck | null> {
    const checks = (await this.options.settings.getSetting<Record<string, PublicUrlCheck>>(PUBLIC_URL_CHECKS)) ?? {};
    return checks[baseOf(url)] ?? null;
  }

  /**
   * Records the outcome of a check from outside through `url` at `at`. A failure replaces an earlier
   * pass: the URL is unverified again until a check passes.
   */
  async recordPublicUrlCheck(url: string, at: Date, outcome: { readonly passed: boolean; readonly from?: PublicUrlCheck['from'] } = { passed: true }): Promise<void> {
    const checks = { ...((await this.options.settings.getSetting<Record<string, PublicUrlCheck>>(PUBLIC_URL_CHECKS)) ?? {}) };
    delete checks[baseOf(url)];
    checks[baseOf(url)] = { at: at.toISOString(), passed: outcome.passed, from: outcome.from ?? 'internet' };
    // Object keys keep insertion order: the oldest checks are the first ones.
    const kept = Object.entries(checks).slice(-PUBLIC_URL_CHECKS_KEPT);
    await this.options.settings.setSetting(PUBLIC_URL_CHECKS, Object.fromEntries(kept));
    this.options.onChange();
  }

  async certificate(): Promise<CertificateSummary | null> {
    return (await this.options.settings.getSetting<CertificateSummary>('endpoint.certificate')) ?? null;
  }

  /** Checks the PFX, stores it (passphrase in the secret store) and switches the endpoint to HTTPS. */
  async setCertificate(pfx: Buffer, passphrase: string): Promise<CertificateSummary> {
    const summary = await inspectPfx(pfx, passphrase);
    writeFileSync(this.options.certificateFile, pfx, { mode: 0o600 });
    await this.options.secrets.set(PASSPHRASE_SECRET, passphrase);
    await this.options.settings.setSetting('endpoint.certificate', summary);
    if (this.server) await this.relisten(await this.currentSettings());
    return summary;
  }

  async clearCertificate(): Promise<void> {
    rmSync(this.options.certificateFile, { force: true });
    await this.options.secrets.delete(PASSPHRASE_SECRET);
    await this.options.settings.setSetting('endpoint.certificate', null);
    if (this.server) await this.relisten(await this.currentSettings());
  }

  private async currentSettings(): Promise<EndpointSettings> {
    const state = this.current;
    return state ? { host: state.host, port: state.port, publicUrl: this.publicUrl ?? '' } : this.settings();
  }

  private async tls(): Promise<{ pfx: Buffer; passphrase: string } | undefined> {
    const file = this.options.certificateFile;
    if (!existsSync(file)) return undefined;
    return { pfx: readFileSync(file), passphrase: (await this.options.secrets.get(PASSPHRASE_SECRET)) ?? '' };
  }

  private async listen(settings: EndpointSettings): Promise<{ server: Server; state: EndpointState }> {
    const tls = await this.tls();
    const next = tls ? createHttpsServer(tls, this.options.handler) : createHttpServer(this.options.handler);
    // Entra keeps connections open between requests; outlive its idle time rather than reset them.
    next.keepAliveTimeout = 65_000;
    next.on('clientError', answerUnparsable);
    await listenOn(next, settings.port, settings.host);
    const port = (next.address() as AddressInfo).port;
    const url = `${tls ? 'https' : 'http'}://${urlHost(settings.host)}:${port}/scim/v2`;
    return { server: next, state: { url, host: settings.host, port, https: tls !== undefined } };
  }

  /** Moves the listener; binding the same host:port twice fails, so that case closes first and reopens the old one on failure. */
  private async relisten(settings: EndpointSettings): Promise<EndpointState> {
    const previous = this.server;
    const state = this.current;
    const previousSettings: EndpointSettings | undefined = state && { host: state.host, port: state.port, publicUrl: this.publicUrl ?? '' };
    const samePort = previous !== undefined && state !== undefined && state.port === settings.port;
    if (samePort) await closeServer(previous);
    try {
      const started = await this.listen(settings);
      if (!samePort && previous) await closeServer(previous);
      this.server = started.server;
      this.current = started.state;
      this.publicUrl = settings.publicUrl || undefined;
      this.options.onChange();
      this.options.logger.info({ url: started.state.url, publicUrl: this.publicBaseUrl() }, 'SCIM endpoint listening');
      return this.state() ?? started.state;
    } catch (error) {
      if (samePort && previousSettings) {
        try {
          const restored = await this.listen(previousSettings);
          this.server = restored.server;
          this.current = restored.state;
        } catch (restoreError) {
          // Neither address could be had: the endpoint is down; report the first failure, log the second.
          this.options.logger.error({ err: restoreError }, 'could not reopen the previous SCIM address');
          this.server = undefined;
          this.current = undefined;
        }
      }
      throw error;
    }
  }
}
