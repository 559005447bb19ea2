import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { lastLines, redact, TunnelError, targetUrl, type LocalTarget, type OpenTunnel, type Tunnel, type TunnelSignals } from './tunnel';

export interface CloudflareSettings {
  /** The tunnel token the Cloudflare dashboard shows with the connector install command. */
  readonly token: string;
  /** The public hostname routed to this tunnel in the dashboard (a token tunnel's routes live there, not here). */
  readonly hostname: string;
}

export interface CloudflareOptions {
  /** The program to run; `cloudflared` found on PATH by default. */
  readonly command?: string;
  /** The environment it runs in (PATH included); this process's by default. */
  readonly env?: NodeJS.ProcessEnv;
  /** How long to wait for the first connection to Cloudflare's edge. */
  readonly connectTimeoutMs?: number;
  /** How long a stopped cloudflared gets to finish before it is killed. */
  readonly stopTimeoutMs?: number;
}

/** Where `cloudflared` is on PATH (with Windows' extensions), or undefined. */
export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  const path = env['PATH'] ?? env['Path'] ?? '';
  const extensions = platform === 'win32' ? (env['PATHEXT'] ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean) : [''];
  for (const dir of path.split(platform === 'win32' ? ';' : delimiter)) {
    if (!dir) continue;
    for (const extension of extensions) {
      const candidate = join(dir, command + extension.toLowerCase());
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * A token tunnel's token is base64 of JSON `{"a": account, "t": tunnel id, "s": secret}`; the
 * tunnel id, or undefined when the text is not such a token (cloudflared would exit with "Provided
 * Tunnel token is not valid").
 */
export function tunnelIdOf(token: string): string | undefined {
  try {
    const decoded = JSON.parse(Buffer.from(token.trim(), 'base64').toString('utf8')) as { a?: unknown; t?: unknown; s?: unknown };
    return typeof decoded.a === 'string' && typeof decoded.t === 'string' && typeof decoded.s === 'string' ? decoded.t : undefined;
  } catch {
    return undefined;
  }
}

/** One log line of cloudflared's (its default text format: `2026-01-01T00:00:00Z INF message key=value …`). */
type LogLine =
  | { readonly kind: 'registered'; readonly index: string }
  | { readonly kind: 'unregistered'; readonly index: string }
  | { readonly kind: 'routes'; readonly routes: ReadonlyArray<{ readonly hostname: string; readonly service: string }> }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'other'; readonly error: boolean };

/** The `key=value` of a cloudflared log line (a value may be quoted, with backslash escapes). */
function field(line: string, key: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)${key}=("(?:\\\\.|[^"\\\\])*"|\\S+)`).exec(line);
  if (!match) return undefined;
  const raw = match[1]!;
  return raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
}

/** What a line says about the tunnel: cloudflared logs each of its (usually four) edge connections separately. */
export function parseCloudflaredLine(line: string): LogLine {
  if (/Registered tunnel connection/.test(line)) return { kind: 'registered', index: field(line, 'connIndex') ?? '?' };
  if (/Unregistered tunnel connection|Connection terminated/.test(line)) return { kind: 'unregistered', index: field(line, 'connIndex') ?? '?' };
  if (/Updated to new configuration/.test(line)) {
    try {
      const config = JSON.parse(field(line, 'config') ?? '{}') as { ingress?: Array<{ hostname?: unknown; service?: unknown }> };
      const routes = (config.ingress ?? [])
        .filter((rule): rule is { hostname: string; service: string } => typeof rule.hostname === 'string' && typeof rule.service === 'string')
        .map(({ hostname, service }) => ({ hostname, service }));
      return { kind: 'routes', routes };
    } catch {
      return { kind: 'other', error: false };
    }
  }
  if (/token is not valid|Unauthorized|tunnel not found|Invalid tunnel secret/i.test(line)) return { kind: 'refused', message: line.replace(/^\S+Z\s+\w{3}\s+/, '') };
  return { kind: 'other', error: /\s(ERR|FTL)\s/.test(line) };
}

/** Whether a route's service (`http://localhost:8631`) is the SCIM endpoint's listener. */
function routesTo(service: string, target: LocalTarget): boolean {
  try {
    const url = new URL(service);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const loopback = ['localhost', '127.0.0.1', '[::1]', target.host, target.host.includes(':') ? `[${target.host}]` : target.host].includes(url.hostname);
    return loopback && port === target.port && url.protocol === (target.https ? 'https:' : 'http:');
  } catch {
    return false;
  }
}

/**
 * A Cloudflare Tunnel run by the admin's own `cloudflared` (found on PATH), with the tunnel token the
 * dashboard gives. A token tunnel's public hostname and the local service it routes to are set in the
 * Cloudflare dashboard, so the admin tells ScimDesk the hostname; cloudflared's log says when its edge
 * connections register and drop, and which routes the dashboard pushed (checked against the endpoint).
 * The token goes to cloudflared in its TUNNEL_TOKEN variable, never on the command line other
 * processes can read.
 */
export function createCloudflareTunnel(settings: CloudflareSettings, options: CloudflareOptions = {}): Tunnel {
  const command = options.command ?? 'cloudflared';
  const connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  return {
    provider: 'cloudflare',
    open(target: LocalTarget, signals: TunnelSignals): Promise<OpenTunnel> {
      if (!tunnelIdOf(settings.token)) {
        return Promise.reject(new TunnelError('This is not a Cloudflare tunnel token: copy the long token from the connector install command in the Cloudflare dashboard (Networks → Tunnels → your tunnel)', true));
      }
      const env = { ...(options.env ?? process.env), TUNNEL_TOKEN: settings.token };
      const publicUrl = `https://${settings.hostname}`;
      return new Promise<OpenTunnel>((resolve, reject) => {
        let child: ChildProcess;
        try {
          child = spawn(command, ['tunnel', '--no-autoupdate', 'run'], { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
        } catch (error) {
          reject(new TunnelError(`cloudflared could not start: ${(error as Error).message}`, false));
          return;
        }
        const log: string[] = [];
        const connections = new Set<string>();
        let online = false;
        let stopping = false;
        let refusal: string | undefined;

        const timer = setTimeout(() => {
          stopping = true;
          child.kill();
          reject(new TunnelError(`cloudflared did not connect to Cloudflare within ${Math.round(connectTimeoutMs / 1000)} s: ${lastLines(log) || 'it printed nothing'}`, false));
        }, connectTimeoutMs);

        const stop = () =>
          new Promise<void>((done) => {
            stopping = true;
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.kill('SIGTERM');
          });

        const onLine = (raw: string) => {
          // cloudflared is not known to print its token, but what it prints ends up in messages and the sync log.
          const line = redact(raw, settings.token);
          if (!line.trim()) return;
          log.push(line);
          if (log.length > 50) log.shift();
          const parsed = parseCloudflaredLine(line);
          if (parsed.kind === 'registered') {
            const wasEmpty = connections.size === 0;
            connections.add(parsed.index);
            if (!online) {
              online = true;
              clearTimeout(timer);
              resolve({ publicUrl, close: stop });
            } else if (wasEmpty) signals.up();
          } else if (parsed.kind === 'unregistered') {
            connections.delete(parsed.index);
            if (online && connections.size === 0 && !stopping) signals.down("cloudflared lost its connections to Cloudflare's edge and is reconnecting");
          } else if (parsed.kind === 'routes') {
            const route = parsed.routes.find((r) => r.hostname.toLowerCase() === settings.hostname.toLowerCase());
            if (!route) {
              signals.warn(
                `Cloudflare routes ${parsed.routes.map((r) => r.hostname).join(', ') || 'no public hostname'} to this tunnel, not ${settings.hostname}: add ${settings.hostname} as a public hostname of the tunnel in the Cloudflare dashboard`,
              );
            } else if (!routesTo(route.service, target)) {
              signals.warn(`Cloudflare sends ${settings.hostname} to ${route.service}, not to ScimDesk at ${targetUrl(target)}: change the public hostname's service in the Cloudflare dashboard`);
            }
          } else if (parsed.kind === 'refused') {
            refusal = parsed.message;
          }
        };
        for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', onLine);

        child.once('error', (error: NodeJS.ErrnoException) => {
          clearTimeout(timer);
          if (error.code === 'ENOENT') {
            reject(new TunnelError(`cloudflared was not found on PATH: install it (https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/) and restart ScimDesk`, true));
          } else reject(new TunnelError(`cloudflared could not start: ${error.message}`, false));
        });
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          const said = lastLines(log) || 'it printed nothing';
          if (!online) {
            if (!stopping) {
              reject(
                refusal
                  ? new TunnelError(`Cloudflare refused the tunnel token: ${refusal}. Copy the token again from the Cloudflare dashboard`, true)
                  : new TunnelError(`cloudflared exited (${signal ?? `code ${code}`}) before it connected: ${said}`, false),
              );
            }
            return;
          }
          if (!stopping) signals.closed(`cloudflared exited (${signal ?? `code ${code}`}): ${said}`);
        });
      });
    },
  };
}
