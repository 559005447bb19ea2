import type { EventEmitter } from 'node:events';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { TunnelError, type LocalTarget, type OpenTunnel, type Tunnel, type TunnelSignals } from './tunnel';

export interface AzureRelaySettings {
  /** The Relay namespace: `contoso-scim` or `contoso-scim.servicebus.windows.net`. */
  readonly namespace: string;
  /** The hybrid connection's name (created with "Requires Client Authorization" off: Entra sends its own bearer token). */
  readonly connectionName: string;
  /** A shared access policy with the Listen claim, and its key. */
  readonly keyName: string;
  readonly key: string;
}

/** A request the relay hands over: a readable body with the request line and headers of Node's IncomingMessage. */
export type RelayedRequest = Readable & { readonly method?: string; readonly url?: string; readonly headers: IncomingHttpHeaders };

/** The response the relay sends back: the writeHead/end part of Node's ServerResponse. */
export interface RelayedResponse {
  writeHead(status: number, headers?: OutgoingHttpHeaders): unknown;
  end(body?: Buffer | string): unknown;
}

/** The relayed server hyco-https returns: 'listening' when its control channel opens, 'error' when it fails. */
export interface RelayedServer extends EventEmitter {
  listen(): void;
  close(callback?: (error?: unknown) => void): void;
  /** The control channel (a `ws` WebSocket, replaced on every reconnect); readyState 1 is open. */
  readonly controlChannel?: { readonly readyState: number };
}

/** hyco-https as this tunnel calls it (an interface, so tests stand in for Azure Relay). */
export interface RelaySdk {
  createRelayListenUri(namespace: string, path: string): string;
  createRelayToken(uri: string, keyName: string, key: string, expirationSeconds?: number): string;
  createRelayedServer(options: { server: string; token: () => string }, listener: (req: RelayedRequest, res: RelayedResponse) => void): RelayedServer;
}

/**
 * hyco-https, loaded on first use only: it replaces `Server` and `ServerResponse` on Node's own
 * `https` module when it loads, which nothing else in ScimDesk should meet unless the admin chose
 * Azure Relay (the endpoint's listener is built with `https.createServer`, which it leaves alone).
 */
export function loadRelaySdk(): RelaySdk {
  return createRequire(import.meta.url)('hyco-https') as RelaySdk;
}

/** `contoso-scim` → `contoso-scim.servicebus.windows.net`; a full name stays as it is. */
export function relayHost(namespace: string): string {
  const name = namespace.trim().replace(/^(sb|https?|wss?):\/\//i, '').replace(/\/.*$/, '');
  return name.includes('.') ? name : `${name}.servicebus.windows.net`;
}

/** The public URL Entra calls: the namespace, then the hybrid connection's name. */
export function relayPublicUrl(settings: Pick<AzureRelaySettings, 'namespace' | 'connectionName'>): string {
  return `https://${relayHost(settings.namespace)}/${encodeURIComponent(settings.connectionName)}`;
}

/** Hop-by-hop headers a proxy must not pass on (RFC 9110 §7.6.1), and Host, which names the relay. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

/**
 * The relay's request target starts with the hybrid connection's path (`/scim-hc/scim/v2/Users`):
 * the endpoint expects `/scim/v2/Users`.
 */
export function stripConnectionPath(url: string, connectionName: string): string {
  const prefix = `/${encodeURIComponent(connectionName)}`;
  const lower = url.toLowerCase();
  if (lower === prefix.toLowerCase()) return '/';
  if (lower.startsWith(prefix.toLowerCase() + '/') || lower.startsWith(prefix.toLowerCase() + '?')) return url.slice(prefix.length) || '/';
  return url;
}

/** Sends one relayed request on to the local endpoint and its answer back. */
function forward(req: RelayedRequest, res: RelayedResponse, target: LocalTarget, connectionName: string): void {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) headers[name] = value;
  headers['host'] = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  const send = target.https ? httpsRequest : httpRequest;
  const upstream = send(
    {
      host: target.host,
      port: target.port,
      method: req.method ?? 'GET',
      path: stripConnectionPath(req.url ?? '/', connectionName),
      headers,
      // The endpoint's certificate is for Entra; this hop never leaves the machine.
      ...(target.https ? { rejectUnauthorized: false } : {}),
    },
    (answer: IncomingMessage) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const out: OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
        res.writeHead(answer.statusCode ?? 502, out);
        res.end(Buffer.concat(chunks));
      });
      answer.on('error', () => fail());
    },
  );
  const fail = () => {
    try {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('ScimDesk could not pass this request to its SCIM endpoint');
    } catch {
      // The answer was already started.
    }
  };
  upstream.on('error', fail);
  req.pipe(upstream);
}

export interface AzureRelayOptions {
  /** How long to wait for the control channel to open. */
  readonly connectTimeoutMs?: number;
  /** How often the control channel is looked at (hyco-https reconnects it silently). */
  readonly pollMs?: number;
}

/**
 * Azure Relay Hybrid Connections through Microsoft's hyco-https: an outbound WebSocket to the Relay
 * namespace (port 443, which enterprises already allow) over which the Relay hands HTTP requests to
 * `https://<namespace>.servicebus.windows.net/<connection>`; each is passed on to the local endpoint.
 * hyco-https reconnects its control channel by itself and says nothing when it drops, so the
 * channel's state is looked at every few seconds.
 */
export function createAzureRelayTunnel(settings: AzureRelaySettings, sdk: () => RelaySdk = loadRelaySdk, options: AzureRelayOptions = {}): Tunnel {
  const connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
  const pollMs = options.pollMs ?? 5_000;
  return {
    provider: 'azureRelay',
    open(target: LocalTarget, signals: TunnelSignals): Promise<OpenTunnel> {
      let relay: RelaySdk;
      try {
        relay = sdk();
      } catch (error) {
        return Promise.reject(new TunnelError(`hyco-https cannot load: ${(error as Error).message}`, true));
      }
      const host = relayHost(settings.namespace);
      const uri = relay.createRelayListenUri(host, settings.connectionName);
      const server = relay.createRelayedServer({ server: uri, token: () => relay.createRelayToken(uri, settings.keyName, settings.key) }, (req, res) =>
        forward(req, res, target, settings.connectionName),
      );
      const publicUrl = relayPublicUrl(settings);
      return new Promise<OpenTunnel>((resolve, reject) => {
        let online = false;
        let connected = true;
        let closed = false;
        let poll: NodeJS.Timeout | undefined;
        const close = () =>
          new Promise<void>((done) => {
            closed = true;
            if (poll) clearInterval(poll);
            // hyco-https throws if the control channel never opened; closing is best effort.
            try {
              server.close(() => done());
            } catch {
              done();
            }
          });
        const timer = setTimeout(() => {
          void close();
          reject(new TunnelError(`Azure Relay did not accept the listener within ${Math.round(connectTimeoutMs / 1000)} s (${host})`, false));
        }, connectTimeoutMs);
        server.on('error', (error: unknown) => {
          if (closed) return;
          const message = (error as { message?: string }).message ?? String(error);
          if (!online) {
            clearTimeout(timer);
            void close();
            if (/\b401\b|\b403\b|unauthori[sz]ed|forbidden/i.test(message)) {
              reject(new TunnelError(`Azure Relay refused the shared access key "${settings.keyName}": check the policy name, its key and that it has the Listen claim (${message})`, true));
            } else if (/\b404\b|not ?found/i.test(message) && !/ENOTFOUND/.test(message)) {
              reject(new TunnelError(`Azure Relay has no hybrid connection "${settings.connectionName}" in ${host} (${message})`, true));
            } else reject(new TunnelError(`Azure Relay could not be reached at ${host}: ${message}`, false));
            return;
          }
          if (connected) {
            connected = false;
            signals.down(`The connection to Azure Relay failed (${message}); hyco-https is reconnecting`);
          }
        });
        server.on('listening', () => {
          if (closed) return;
          if (!online) {
            online = true;
            clearTimeout(timer);
            poll = setInterval(() => {
              const open = server.controlChannel?.readyState === 1;
              if (open && !connected) {
                connected = true;
                signals.up();
              } else if (!open && connected) {
                connected = false;
                signals.down('The connection to Azure Relay dropped; hyco-https is reconnecting');
              }
            }, pollMs);
            poll.unref();
            resolve({ publicUrl, close });
          } else if (!connected) {
            connected = true;
            signals.up();
          }
        });
        server.listen();
      });
    },
  };
}
