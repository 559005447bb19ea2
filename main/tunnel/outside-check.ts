import { randomUUID } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';

/**
 * The check from outside: calls a Tenant URL the way Entra's Test Connection does (a query for a
 * random userName that does not exist, with the bearer token, and no User-Agent) and reports each
 * thing that must work for Entra to get through as a result of its own, with the fix in plain words:
 * the name (DNS), the connection (TCP), the certificate (chain, expiry, name), the token, the answer.
 */

export type CheckStepId = 'dns' | 'tcp' | 'tlsChain' | 'tlsExpiry' | 'tlsName' | 'auth' | 'answer';
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skipped';

export interface CheckStep {
  readonly id: CheckStepId;
  readonly title: string;
  readonly status: CheckStatus;
  /** What was found. */
  readonly summary: string;
  /** What to do about it, when something is wrong. */
  readonly fix: string | null;
}

/**
 * `internet`: as Entra's provisioning service calls, from Microsoft's cloud: a private or loopback
 * address cannot be reached. `network`: as Microsoft's on-premises provisioning agent calls, from
 * inside the network, where a private address is right.
 */
export type CheckFrom = 'internet' | 'network';

/** Which credential the probe carried: the admin's Secret Token, or ScimDesk's own check key. */
export type CheckCredential = 'token' | 'checkKey';

export interface OutsideCheckResult {
  /** The Tenant URL checked (ending in /scim/v2 or /scim). */
  readonly url: string;
  /** The request sent, as Entra sends it. */
  readonly request: string;
  readonly at: string;
  readonly durationMs: number;
  readonly from: CheckFrom;
  readonly credential: CheckCredential;
  /** Whether Entra would get through: no step failed. */
  readonly passed: boolean;
  readonly steps: ReadonlyArray<CheckStep>;
  readonly certificate: { readonly subject: string; readonly issuer: string; readonly validTo: string; readonly daysLeft: number } | null;
}

export interface OutsideCheckOptions {
  /** A Tenant URL, or the public base URL (then /scim/v2 is added). */
  readonly url: string;
  readonly bearer: string;
  readonly credential: CheckCredential;
  readonly from: CheckFrom;
  readonly now: () => Date;
  /** Each step's time limit. */
  readonly timeoutMs?: number;
  /** Name resolution (the system resolver by default). */
  readonly lookup?: (host: string) => Promise<ReadonlyArray<{ readonly address: string; readonly family: number }>>;
}

/** Certificates closer than this to their end are a warning: Entra stops on the day it expires. */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;
const BODY_LIMIT = 256 * 1024;

/** The URL as a Tenant URL: one that ends in /scim/v2 or /scim stays; otherwise /scim/v2 is added. */
export function toTenantUrl(input: string): string {
  const url = new URL(input.trim());
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = /\/scim(\/v2)?$/i.test(path) ? path : `${path}/scim/v2`;
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/** The public base URL a Tenant URL is under (what Settings and the tunnels call the public URL). */
export function toBaseUrl(input: string): string {
  return toTenantUrl(input).replace(/\/scim(\/v2)?$/i, '');
}

/** Loopback, private (RFC 1918, unique local), link-local and carrier-grade NAT addresses: not on the internet. */
export function isPrivateAddress(address: string): boolean {
  const ip = address.toLowerCase().replace(/^\[|\]$/g, '');
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  return ip === '::1' || ip === '::' || /^f[cd][0-9a-f]{2}:/.test(ip) || /^fe[89ab][0-9a-f]:/.test(ip);
}

const TITLES: Record<CheckStepId, string> = {
  dns: 'Name (DNS)',
  tcp: 'Connection (TCP)',
  tlsChain: 'Certificate: trusted chain',
  tlsExpiry: 'Certificate: expiry',
  tlsName: 'Certificate: name',
  auth: 'Token',
  answer: 'SCIM answer',
};

const step = (id: CheckStepId, status: CheckStatus, summary: string, fix: string | null = null): CheckStep => ({ id, title: TITLES[id], status, summary, fix });

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} took longer than ${Math.round(ms / 1000)} s`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Hands a socket's error events to whoever uses it next (the TLS handshake, the request): none may go unheard and end the process. */
function quiet(socket: Socket): void {
  socket.removeAllListeners('error');
  socket.on('error', () => undefined);
}

function errorCode(error: unknown): string {
  return String((error as NodeJS.ErrnoException | undefined)?.code ?? '');
}

/** Resolves the host; the step says whether Entra could reach what it resolves to. */
async function checkDns(
  hostname: string,
  from: CheckFrom,
  lookup: NonNullable<OutsideCheckOptions['lookup']>,
  timeoutMs: number,
): Promise<{ step: CheckStep; addresses: string[] }> {
  const literal = isIP(hostname) !== 0;
  let addresses: string[];
  if (literal) addresses = [hostname];
  else {
    try {
      addresses = (await withTimeout(lookup(hostname), timeoutMs, 'The DNS lookup')).map((entry) => entry.address);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOTFOUND' || code === 'ENODATA') {
        return {
          addresses: [],
          step: step(
            'dns',
            'fail',
            `No DNS record for ${hostname}`,
            `Create the DNS record for ${hostname} (for a Cloudflare tunnel, add the public hostname to the tunnel in the Cloudflare dashboard: it creates the record), or check the spelling of the URL.`,
          ),
        };
      }
      return {
        addresses: [],
        step: step('dns', 'fail', `The DNS lookup of ${hostname} failed (${code || (error as Error).message})`, 'This machine could not ask a DNS server: check its network and DNS settings, then run the check again.'),
      };
    }
  }
  const reachable = from === 'network' ? addresses : addresses.filter((address) => !isPrivateAddress(address));
  const found = literal ? `${hostname} is an IP address` : `${hostname} → ${addresses.join(', ')}`;
  if (reachable.length === 0) {
    return {
      addresses,
      step: step(
        'dns',
        'fail',
        `${found}: ${addresses.length > 1 ? 'addresses' : 'an address'} on this computer or a private network, which Entra's cloud cannot reach`,
        'Give Entra a public URL: turn on a tunnel in Settings → Reachability, or put a reverse proxy with a public name in front. If Microsoft\'s on-premises provisioning agent calls ScimDesk from inside your network, check "from inside the network" instead.',
      ),
    };
  }
  return { addresses: reachable, step: step('dns', 'pass', found) };
}

/** Connects to the first address that accepts, in the order DNS gave them. */
async function checkTcp(addresses: ReadonlyArray<string>, port: number, timeoutMs: number): Promise<{ step: CheckStep; socket?: Socket; address?: string }> {
  const problems: string[] = [];
  let code = '';
  for (const address of addresses) {
    const socket = netConnect({ host: address, port });
    try {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('error', reject);
        }),
        timeoutMs,
        `Connecting to ${address}:${port}`,
      );
      quiet(socket);
      return { socket, address, step: step('tcp', 'pass', `${address} port ${port} accepts connections`) };
    } catch (error) {
      socket.destroy();
      code = errorCode(error) || code;
      problems.push(`${address}: ${code || (error as Error).message}`);
    }
  }
  const where = `port ${port}`;
  const fix =
    code === 'ECONNREFUSED'
      ? `Nothing listens on ${where} there: is ScimDesk (or the reverse proxy or tunnel in front of it) running, and on this port? On a router or firewall, forward or open ${where}.`
      : code === 'ETIMEDOUT'
        ? `No answer at all: a firewall drops connections to ${where}. Open it for Entra's addresses (the AzureActiveDirectory service tag), or use a tunnel, which needs no inbound port.`
        : `The network has no way there: check the address, and the routes and firewall between.`;
  const summary = code === 'ECONNREFUSED' ? `The connection to ${where} was refused` : code === 'ETIMEDOUT' ? `The connection to ${where} timed out` : `Could not connect to ${where}`;
  return { step: step('tcp', 'fail', `${summary} (${problems.join('; ')})`, fix) };
}

const CHAIN_FAILURES: Readonly<Record<string, { summary: string; fix: string }>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: {
    summary: 'The certificate is self-signed: Entra refuses self-signed certificates',
    fix: 'Use a certificate from a public certificate authority (Let’s Encrypt or your CA vendor) for this name, or a tunnel, which brings its own trusted certificate.',
  },
  SELF_SIGNED_CERT_IN_CHAIN: {
    summary: 'The chain ends in a private certificate authority that Entra does not trust',
    fix: 'Use a certificate from a public certificate authority: Entra trusts only those, not your organisation’s own CA.',
  },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: {
    summary: 'The chain does not lead to a trusted certificate authority (an intermediate certificate is missing, or a private CA issued it)',
    fix: 'Install the certificate with its intermediate certificates (the full chain in the .pfx, or on the proxy). If your own CA issued it, use one from a public CA instead.',
  },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
    summary: 'The server sends its certificate without the intermediate certificates that lead to a trusted authority',
    fix: 'Install the certificate with its intermediate certificates (the full chain in the .pfx, or on the proxy).',
  },
};

function firstName(certificate: PeerCertificate): string {
  return certificate.subject?.CN ? String(certificate.subject.CN) : 'the certificate';
}

function certificateNames(certificate: PeerCertificate): string {
  const alt = (certificate.subjectaltname ?? '')
    .split(',')
    .map((name) => name.trim().replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean);
  return (alt.length > 0 ? alt : [firstName(certificate)]).join(', ');
}

/** The TLS handshake and the three things Entra checks of the certificate, each its own step. */
async function checkTls(
  socket: Socket,
  hostname: string,
  now: Date,
  timeoutMs: number,
): Promise<{ steps: CheckStep[]; secure?: TLSSocket; certificate?: OutsideCheckResult['certificate'] }> {
  let secure: TLSSocket;
  try {
    secure = await withTimeout(
      new Promise<TLSSocket>((resolve, reject) => {
        const tls = tlsConnect({ socket, ...(isIP(hostname) === 0 ? { servername: hostname } : {}), rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
        tls.once('secureConnect', () => resolve(tls));
        tls.once('error', reject);
      }),
      timeoutMs,
      'The TLS handshake',
    );
  } catch (error) {
    socket.destroy();
    const message = (error as Error).message;
    const plain = /wrong version number|unknown protocol|packet length too long/i.test(message);
    return {
      steps: [
        step(
          'tlsChain',
          'fail',
          plain ? 'This port answers without TLS (plain HTTP where HTTPS is expected)' : `The TLS handshake failed (${message})`,
          plain ? 'Serve HTTPS on this port (a certificate in Settings → HTTPS certificate, or on the proxy), or use the http:// port behind a tunnel.' : 'Check the certificate and TLS settings of the server at this address.',
        ),
        step('tlsExpiry', 'skipped', 'No certificate was received'),
        step('tlsName', 'skipped', 'No certificate was received'),
      ],
    };
  }
  quiet(secure);
  const peer = secure.getPeerCertificate();
  const validTo = new Date(peer.valid_to);
  const validFrom = new Date(peer.valid_from);
  const daysLeft = Math.floor((validTo.getTime() - now.getTime()) / DAY_MS);
  const certificate = { subject: firstName(peer), issuer: peer.issuer?.CN ? String(peer.issuer.CN) : '', validTo: validTo.toISOString(), daysLeft };
  // OpenSSL reports a chain it cannot build or trust before it looks at dates, and Node checks the name only
  // once the chain verified: an expiry or name error means the chain itself is fine (both get steps of their own).
  const failure = secure.authorizationError ? String(secure.authorizationError) : '';
  const chainOk = secure.authorized || ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID'].includes(failure);
  const known = CHAIN_FAILURES[failure];
  const chain = chainOk
    ? step('tlsChain', 'pass', `Issued by ${certificate.issuer || 'a trusted authority'}, which is trusted`)
    : step('tlsChain', 'fail', known?.summary ?? `The certificate is not trusted (${failure})`, known?.fix ?? 'Use a certificate from a public certificate authority, with its intermediate certificates.');
  const date = (d: Date) => d.toISOString().slice(0, 10);
  const expiry =
    validFrom.getTime() > now.getTime()
      ? step('tlsExpiry', 'fail', `Not valid before ${date(validFrom)}`, 'Check the clock of the server, or install a certificate that is valid now.')
      : daysLeft < 0 || validTo.getTime() <= now.getTime()
        ? step('tlsExpiry', 'fail', `Expired on ${date(validTo)}`, 'Renew the certificate and install the new one (Settings → HTTPS certificate, or on the proxy): Entra refuses an expired certificate.')
        : daysLeft < EXPIRY_WARNING_DAYS
          ? step('tlsExpiry', 'warn', `Expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}, on ${date(validTo)}`, 'Renew it before then: Entra stops provisioning the day it expires.')
          : step('tlsExpiry', 'pass', `Valid until ${date(validTo)} (${daysLeft} days)`);
  const mismatch = checkServerIdentity(hostname, peer);
  const name = mismatch
    ? step('tlsName', 'fail', `Issued for ${certificateNames(peer)}, not ${hostname}`, `Use a certificate whose names include ${hostname}, or give Entra a URL with one of the names the certificate has.`)
    : step('tlsName', 'pass', `Issued for ${hostname}`);
  return { steps: [chain, expiry, name], secure, certificate };
}

interface ProbeAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly realm: string;
}

/** Sends the probe over the connection already open, without a User-Agent (Entra sends none). */
function probe(socket: Socket, secure: boolean, url: URL, path: string, bearer: string, timeoutMs: number): Promise<ProbeAnswer> {
  const send = secure ? httpsRequest : httpRequest;
  return withTimeout(
    new Promise<ProbeAnswer>((resolve, reject) => {
      const req = send(
        {
          host: url.hostname,
          port: url.port || (secure ? 443 : 80),
          path,
          method: 'GET',
          headers: { authorization: `Bearer ${bearer}`, accept: 'application/scim+json' },
          createConnection: () => socket,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= BODY_LIMIT) chunks.push(chunk);
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              body: Buffer.concat(chunks).toString('utf8'),
              realm: String(res.headers['www-authenticate'] ?? ''),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    }),
    timeoutMs,
    'The answer',
  ).finally(() => socket.destroy());
}

/** The token and the answer, from what came back. */
function judgeAnswer(answer: ProbeAnswer, credential: CheckCredential): CheckStep[] {
  const { status } = answer;
  if (status === 401) {
    const scimDesk = /realm="ScimDesk"/i.test(answer.realm);
    return [
      credential === 'token'
        ? step('auth', 'fail', 'The endpoint refused this token (401)', 'Paste the current Secret Token into Entra (Provisioning → Admin Credentials → Secret Token). A lost token cannot be shown again: generate a new one under Authentication.')
        : step(
            'auth',
            'fail',
            scimDesk ? 'Another ScimDesk answers at this URL and refused this one’s check key (401)' : 'The server at this URL refused ScimDesk’s check key (401): it is not this ScimDesk',
            'The URL, the tunnel or the proxy leads somewhere else: make it forward to this ScimDesk’s endpoint (Settings shows where it listens).',
          ),
      step('answer', 'skipped', 'No answer without a valid token'),
    ];
  }
  if (status === 403) {
    return [
      step('auth', 'fail', 'Forbidden (403): something in front of ScimDesk refuses the request', 'A firewall, IP restriction or access policy in front of ScimDesk (for example Cloudflare Access on the hostname) blocks it: let Entra’s requests through.'),
      step('answer', 'skipped', 'No answer'),
    ];
  }
  const auth = status >= 200 && status < 300 ? step('auth', 'pass', credential === 'token' ? 'The token was accepted' : 'ScimDesk’s check key was accepted: the URL leads to this ScimDesk') : step('auth', 'skipped', `The ${status} answer says nothing about the token`);
  if (status === 200) {
    let body: { schemas?: unknown; totalResults?: unknown; Resources?: unknown } | undefined;
    try {
      body = JSON.parse(answer.body) as typeof body;
    } catch {
      body = undefined;
    }
    const isList = Array.isArray(body?.schemas) && (body.schemas as unknown[]).includes('urn:ietf:params:scim:api:messages:2.0:ListResponse');
    if (!body || !isList) {
      const kind = answer.contentType.split(';')[0] || 'no content type';
      return [
        auth,
        step('answer', 'fail', `Not a SCIM answer (${kind}): something in front of ScimDesk answers instead`, 'A login page, a proxy’s or a tunnel’s own page answered. Make the URL lead straight to ScimDesk’s /scim/v2 (no sign-in page in front).'),
      ];
    }
    if (body.totalResults !== 0) {
      return [auth, step('answer', 'fail', `A ListResponse with ${String(body.totalResults)} result(s) for a user that cannot exist: the filter was ignored`, 'This is not ScimDesk’s answer, or the path drops the query string: Entra would match the wrong users. Make the URL lead straight to ScimDesk.')];
    }
    return [auth, step('answer', 'pass', 'An empty SCIM ListResponse, as Entra expects for a user that does not exist')];
  }
  if (status === 404) {
    return [auth, step('answer', 'fail', 'No SCIM endpoint at this path (404)', 'The Tenant URL must end in ScimDesk’s SCIM path, /scim/v2 (for example https://scim.contoso.com/scim/v2), and the proxy must pass that path on unchanged.')];
  }
  if (status === 502 || status === 503 || status === 504 || status === 530) {
    return [
      auth,
      step('answer', 'fail', `The tunnel or proxy answered ${status}: it could not reach ScimDesk behind it`, 'Is ScimDesk running? Does the tunnel or proxy forward to the address and port ScimDesk listens on (http or https as it serves)?'),
    ];
  }
  return [auth, step('answer', 'fail', `Unexpected answer ${status}`, 'Entra expects 200 with an empty list for this query: look at the server that answers at this URL.')];
}

/** Runs the check; never throws for a network problem (each is a failed step), only for a URL that is not one. */
export async function checkFromOutside(options: OutsideCheckOptions): Promise<OutsideCheckResult> {
  const started = options.now();
  const t0 = performance.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const tenantUrl = toTenantUrl(options.url);
  const url = new URL(tenantUrl);
  const secure = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (secure ? 443 : 80));
  // A random userName that no one has, as Entra's Test Connection sends (its value is a GUID too).
  const path = `${url.pathname}/Users?filter=userName+eq+%22${encodeURIComponent(`scimdesk-check-${randomUUID()}`)}%22`;
  const steps: CheckStep[] = [];
  let certificate: OutsideCheckResult['certificate'] = null;
  const skipRest = (ids: ReadonlyArray<CheckStepId>, why: string) => {
    for (const id of ids) steps.push(step(id, 'skipped', why));
  };

  const lookup = options.lookup ?? ((host: string) => dnsLookup(host, { all: true, verbatim: true }));
  const dns = await checkDns(hostname, options.from, lookup, timeoutMs);
  steps.push(dns.step);
  if (dns.step.status === 'fail') skipRest(['tcp', 'tlsChain', 'tlsExpiry', 'tlsName', 'auth', 'answer'], 'Not tried: the name leads nowhere Entra can reach');
  else {
    const tcp = await checkTcp(dns.addresses, port, timeoutMs);
    steps.push(tcp.step);
    if (!tcp.socket) skipRest(['tlsChain', 'tlsExpiry', 'tlsName', 'auth', 'answer'], 'Not tried: no connection');
    else {
      let socket: Socket = tcp.socket;
      let trusted = true;
      if (secure) {
        const tls = await checkTls(tcp.socket, hostname, options.now(), timeoutMs);
        steps.push(...tls.steps);
        certificate = tls.certificate ?? null;
        trusted = tls.steps.every((s) => s.status === 'pass' || s.status === 'warn');
        if (tls.secure) socket = tls.secure;
      } else {
        steps.push(
          options.from === 'internet'
            ? step('tlsChain', 'fail', 'Plain HTTP: Entra calls only https:// Tenant URLs', 'Use an https:// URL: a tunnel (Settings → Reachability), a certificate (Settings → HTTPS certificate) or a reverse proxy with one.')
            : step('tlsChain', 'warn', 'Plain HTTP: the token and user data cross the network unencrypted', 'Fine for the provisioning agent on this same computer; across the network, serve HTTPS (Settings → HTTPS certificate).'),
          step('tlsExpiry', 'skipped', 'No certificate (plain HTTP)'),
          step('tlsName', 'skipped', 'No certificate (plain HTTP)'),
        );
        trusted = options.from === 'network';
      }
      if (!trusted) {
        socket.destroy();
        // A server whose certificate does not check out could be anyone's: the token is not sent to it, and Entra would stop here too.
        skipRest(['auth', 'answer'], 'Not sent: Entra stops at the certificate, and ScimDesk sends no token to a server it cannot trust');
      } else {
        try {
          const answer = await probe(socket, secure, url, path, options.bearer, timeoutMs);
          steps.push(...judgeAnswer(answer, options.credential));
        } catch (error) {
          steps.push(
            step('auth', 'skipped', 'No answer came back'),
            step('answer', 'fail', `No HTTP answer (${(error as Error).message})`, 'The server accepted the connection but did not answer: is it a web server, and is ScimDesk behind it running?'),
          );
        }
      }
    }
  }
  return {
    url: tenantUrl,
    request: `GET ${decodeURIComponent(path.replace(/\+/g, ' '))}`,
    at: started.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    from: options.from,
    credential: options.credential,
    passed: steps.every((s) => s.status !== 'fail'),
    steps,
    certificate,
  };
}
