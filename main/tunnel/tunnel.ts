/**
 * What every reachability provider implements: open a connection that carries requests from a public
 * HTTPS URL to the SCIM endpoint's local listener, and say when it drops and comes back. The
 * lifecycle around it (status, reconnecting with backoff, stopping) is the runner's
 * (tunnel-runner.ts), written once for every provider.
 */

export type TunnelProvider = 'ngrok' | 'cloudflare' | 'azureRelay';

/** The SCIM endpoint's own listener, where a tunnel delivers what it receives. */
export interface LocalTarget {
  /** An address this machine can connect to (0.0.0.0 and :: become loopback). */
  readonly host: string;
  readonly port: number;
  readonly https: boolean;
}

/** The local target as a URL: `http://127.0.0.1:8631`. */
export function targetUrl(target: LocalTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.https ? 'https' : 'http'}://${host}:${target.port}`;
}

/** The address to connect to for a listener bound to `host`: a wildcard bind is reached on loopback. */
export function connectableHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** What a provider tells the runner while its connection is open. */
export interface TunnelSignals {
  /** The provider lost its connection and is re-establishing it itself (ngrok's session, cloudflared's edge connections). */
  down(reason: string): void;
  /** It is connected again. */
  up(): void;
  /** The connection ended for good (the process exited, the listener closed): the runner opens a new one after a backoff. */
  closed(reason: string): void;
  /** Something the admin should fix that does not stop the tunnel (a Cloudflare route to another port). */
  warn(message: string): void;
}

export interface OpenTunnel {
  /** The public base URL, without /scim/v2 (`https://scim.contoso.com`). */
  readonly publicUrl: string;
  close(): Promise<void>;
}

export interface Tunnel {
  readonly provider: TunnelProvider;
  /**
   * Opens the tunnel to `target`; resolves once the provider is connected, with its public URL.
   * Rejects with a TunnelError that says why, and whether trying again can help.
   */
  open(target: LocalTarget, signals: TunnelSignals): Promise<OpenTunnel>;
}

/**
 * Why a tunnel could not open. `permanent`: trying again without a change cannot help (a refused
 * credential, a missing program); the runner then stops and says so instead of retrying forever.
 */
export class TunnelError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'TunnelError';
  }
}

/** The last few lines of a log, for an error message that shows what the program said. */
export function lastLines(lines: ReadonlyArray<string>, count = 3): string {
  return lines.slice(-count).join(' | ');
}

/** A message with a secret taken out, for text a provider wrote that may quote it. */
export function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}
