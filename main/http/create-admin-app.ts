import { createReadStream, readFileSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { isIPv4, isIPv6 } from 'node:net';
import { resolve, sep } from 'node:path';
import { PassThrough } from 'node:stream';
import Koa from 'koa';
import type { Logger } from 'pino';
import { adminMethods, EVENT_NAMES, type AdminError, type AdminResult } from '../../shared/admin/contract';
import type { AdminEventBus } from '../lib/event-bus';
import type { AdminSession, AdminSessionStore } from '../store/directory-store';
import { endSession, isCsrfTokenValid, redeemLoginCode, verifySession } from './admin-access';
import { readJson } from './read-json-body';
import { contentTypeOf } from '../lib/content-types';

export interface AdminAppOptions {
  /** Login codes and sessions (hashed), shared with the CLI that mints login links. */
  readonly sessions: AdminSessionStore;
  /** The contract's events, streamed to the UI. */
  readonly events: Pick<AdminEventBus, 'subscribe'>;
  readonly now: () => Date;
  /** Runs one admin call (validation, handler, error codes): the admin layer's dispatcher. */
  readonly dispatch: AdminDispatch;
  /** The built renderer (`vite build` → dist/renderer); served at /admin/. */
  readonly rendererDir: string;
  readonly logger?: Logger;
  /** Shown by /admin/api/session; package.json's version by default. */
  readonly version?: string;
  /** How often an idle event stream gets a comment, so proxies and browsers keep it open. */
  readonly keepAliveMs?: number;
  /**
   * Who the audit trail names for every admin call: the host passes the OS account that runs the
   * service (whoever holds its login link), as the CLI names the account that typed a command.
   */
  readonly actor: string;
}

/** One admin call as the transport hands it over; the outcome is always an AdminResult, never an exception. */
export type AdminDispatch = (
  method: string,
  input: unknown,
  context: { readonly actor: string },
  onInternalError?: (error: unknown) => void,
) => Promise<AdminResult<unknown>>;

export const SESSION_COOKIE = 'scimdesk_session';
/** Largest admin call body; a PFX certificate (base64) is the biggest legitimate input. */
export const ADMIN_BODY_LIMIT = 1024 * 1024;
const KEEP_ALIVE_MS = 25_000;

/**
 * Fluent UI injects its styles at run time, hence 'unsafe-inline' for styles
 * only; scripts come from this origin alone and nothing may frame the UI.
 */
export const ADMIN_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Content-Security-Policy', ADMIN_CSP],
  ['X-Frame-Options', 'DENY'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
];

/** The login link the CLI prints; the admin app always listens on 127.0.0.1. */
export function adminLoginUrl(port: number, code: string): string {
  return `http://127.0.0.1:${port}/admin/login?code=${encodeURIComponent(code)}`;
}

/** The 16-bit groups of an IPv6 address, or undefined when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  if (!isIPv6(address)) return undefined;
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // A dotted IPv4 tail (::ffff:127.0.0.1) is two groups.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const octets = dotted[2]!.split('.').map(Number);
    text = `${dotted[1]}${((octets[0]! << 8) | octets[1]!).toString(16)}:${((octets[2]! << 8) | octets[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 ? groups : undefined;
}

/**
 * Whether a socket's remote address is this machine's loopback: 127.0.0.0/8,
 * ::1, or an IPv4-mapped 127.x (::ffff:127.0.0.1, how a dual-stack socket
 * reports IPv4 loopback). The admin API answers nobody else.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  if (isIPv4(address)) return address.split('.')[0] === '127';
  const groups = ipv6Groups(address);
  if (!groups) return false;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  if (zeros(0, 7) && groups[7] === 1) return true;
  return zeros(0, 5) && groups[5] === 0xffff && groups[6]! >> 8 === 127;
}

/**
 * Whether a Host header names loopback (127.0.0.1, localhost, [::1], any
 * port). A DNS-rebinding page reaches 127.0.0.1 under its own host name; the
 * Host header gives it away.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
  if (!match) return false;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(match[1]!);
}

/**
 * Maps a URL path below /admin/ to a file inside the renderer folder, or
 * undefined when it would leave it: every segment is percent-decoded on its
 * own and `.`, `..`, dot-files, empty segments and separators inside a
 * segment are refused, then the resolved path must still be under the root.
 */
export function resolveRendererPath(rendererDir: string, relativeUrlPath: string): string | undefined {
  const segments = relativeUrlPath === '' ? ['index.html'] : relativeUrlPath.split('/');
  const decoded: string[] = [];
  for (const segment of segments) {
    let name: string;
    try {
      name = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (name === '' || name.startsWith('.') || /[/\\:\0]/.test(name)) return undefined;
    decoded.push(name);
  }
  const root = resolve(rendererDir);
  const file = resolve(root, ...decoded);
  return file.startsWith(root + sep) ? file : undefined;
}

/** Vite names built assets `assets/<name>-<hash>.<ext>`: their content never changes under that name. */
const isHashedAsset = (relativeUrlPath: string) => /^assets\/(?:[^/]+\/)*[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/i.test(relativeUrlPath);

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A small self-contained page (no script; inline style is what the CSP allows). */
function htmlPage(title: string, paragraphs: ReadonlyArray<string>): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} – ScimDesk</title>
<style>body{font-family:"Segoe UI",system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#242424;line-height:1.5}h1{font-size:1.5rem;font-weight:600}code{background:#f0f0f0;padding:.1rem .3rem;border-radius:3px}</style>
</head>
<body><h1>${escapeHtml(title)}</h1>
${paragraphs.map((paragraph) => `<p>${paragraph}</p>`).join('\n')}
</body>
</html>
`;
}

const LOGIN_FAILED_PAGE = htmlPage('This login link no longer works', [
  'Each ScimDesk login link works once, for 15 minutes. This one was already used, has expired, or was never issued by this ScimDesk.',
  'To get a new link, run <code>npm run admin-link</code> in the ScimDesk folder (add <code>-- --data-dir &lt;folder&gt;</code> if the service uses another data folder), or look at the console where <code>npm run serve</code> was started.',
]);

const NOT_BUILT_PAGE = htmlPage('The admin UI is not built', [
  'ScimDesk is running and its SCIM endpoint works, but the admin UI has not been built on this machine.',
  'Run <code>npm run build:renderer</code> in the ScimDesk folder, then reload this page.',
]);

const OUTSIDE_PAGE = htmlPage('Not found', ['The ScimDesk admin UI is at <a href="/admin/">/admin/</a>.']);

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

type Ctx = Koa.ParameterizedContext;

function answer(ctx: Ctx, status: number, result: AdminResult<unknown>): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = result;
}

function fail(ctx: Ctx, status: number, code: AdminError['code'], message: string): void {
  answer(ctx, status, { ok: false, error: { code, message } });
}

function methodNotAllowed(ctx: Ctx, allow: string, api: boolean): void {
  ctx.set('Allow', allow);
  if (api) fail(ctx, 405, 'notFound', `${ctx.method} is not allowed on ${ctx.path}; use ${allow}`);
  else {
    ctx.status = 405;
    ctx.type = 'text/plain';
    ctx.body = `${ctx.method} is not allowed here; use ${allow}`;
  }
}

/**
 * The serve-mode transport of the admin contract as a Koa app, without
 * opening a port (tests drive `app.callback()`; the CLI binds it to
 * 127.0.0.1 only). Layers, outermost first: security headers and a JSON
 * catch-all; loopback-only, Host and Origin checks (DNS rebinding and
 * cross-site requests); then login, the API (session cookie + CSRF header)
 * and the built renderer. The SCIM bearer token opens nothing here.
 */
export function createAdminApp(options: AdminAppOptions): Koa {
  const { sessions: store, events, now, rendererDir, logger } = options;
  const version = options.version ?? packageVersion();
  const keepAliveMs = options.keepAliveMs ?? KEEP_ALIVE_MS;
  const app = new Koa();
  app.proxy = false;
  app.silent = true;

  const isApiPath = (path: string) => path === '/admin/api' || path.startsWith('/admin/api/');

  app.use(async (ctx, next) => {
    for (const [name, value] of SECURITY_HEADERS) ctx.set(name, value);
    try {
      await next();
    } catch (error) {
      logger?.error({ err: error, method: ctx.method, path: ctx.path }, 'unhandled error in an admin request');
      for (const [name, value] of SECURITY_HEADERS) ctx.set(name, value);
      if (isApiPath(ctx.path)) fail(ctx, 500, 'internal', 'Something went wrong inside ScimDesk; the log file has the details');
      else {
        ctx.status = 500;
        ctx.type = 'text/plain';
        ctx.body = 'Internal error; the ScimDesk log file has the details';
      }
    }
  });

  app.use(async (ctx, next) => {
    const refuse = (message: string) => {
      if (isApiPath(ctx.path)) fail(ctx, 403, 'forbidden', message);
      else {
        ctx.status = 403;
        ctx.type = 'text/plain';
        ctx.body = message;
      }
    };
    if (!isLoopbackAddress(ctx.req.socket.remoteAddress)) {
      logger?.warn({ remoteAddress: ctx.req.socket.remoteAddress, path: ctx.path }, 'admin request from a non-loopback address refused');
      return refuse('The ScimDesk admin UI answers only on this computer (loopback).');
    }
    const host = ctx.get('Host');
    if (!isLoopbackHost(host)) return refuse('The ScimDesk admin UI must be opened as http://127.0.0.1 or http://localhost.');
    // A cross-origin request always carries Origin (every POST does); same-origin GETs usually carry none.
    const origin = ctx.get('Origin');
    if (origin !== '' && origin.toLowerCase() !== `http://${host.toLowerCase()}`) return refuse('Cross-origin requests to the ScimDesk admin UI are refused.');
    await next();
  });

  const sessionOf = (ctx: Ctx): Promise<AdminSession | undefined> => verifySession(store, ctx.cookies.get(SESSION_COOKIE), now());

  const unauthorized = (ctx: Ctx) =>
    fail(ctx, 401, 'unauthorized', 'No admin session: open the login link that `npm run serve` printed, or get a new one with `npm run admin-link`.');

  const login = async (ctx: Ctx) => {
    if (ctx.method !== 'GET') return methodNotAllowed(ctx, 'GET', false);
    ctx.set('Cache-Control', 'no-store');
    const code = typeof ctx.query['code'] === 'string' ? ctx.query['code'] : '';
    const grant = await redeemLoginCode(store, code, now());
    if (!grant) {
      ctx.status = 401;
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = LOGIN_FAILED_PAGE;
      return;
    }
    const previous = ctx.cookies.get(SESSION_COOKIE);
    if (previous) await endSession(store, previous);
    const maxAge = Math.max(0, Math.floor((Date.parse(grant.expires) - now().getTime()) / 1000));
    // Plain http on loopback: no Secure attribute (the browser would drop the cookie).
    ctx.append('Set-Cookie', `${SESSION_COOKIE}=${grant.id}; Path=/admin; Max-Age=${maxAge}; HttpOnly; SameSite=Strict`);
    ctx.redirect('/admin/');
    ctx.status = 303;
  };

  /** Server-Sent Events: every contract event, a keep-alive comment, and the end of the stream when the session ends. */
  const eventStream = (ctx: Ctx) => {
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.status = 200;
    ctx.type = 'text/event-stream; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    ctx.set('X-Accel-Buffering', 'no');
    const stream = new PassThrough();
    ctx.body = stream;
    const cookie = ctx.cookies.get(SESSION_COOKIE);
    stream.write('retry: 2000\n: connected\n\n');
    const unsubscribes = EVENT_NAMES.map((name) =>
      events.subscribe(name, (payload) => {
        stream.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
      }),
    );
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      for (const unsubscribe of unsubscribes) unsubscribe();
      stream.end();
    };
    const timer = setInterval(() => {
      stream.write(': keep-alive\n\n');
      // An ended or expired session ends the stream; the client's reconnect then gets 401.
      verifySession(store, cookie, now()).then(
        (session) => session || close(),
        () => close(),
      );
    }, keepAliveMs);
    timer.unref();
    ctx.res.once('close', close);
    stream.once('close', close);
  };

  const api = async (ctx: Ctx) => {
    const sub = ctx.path.slice('/admin/api'.length);
    if (sub === '/session' || sub === '/events') {
      if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return methodNotAllowed(ctx, 'GET', true);
      const session = await sessionOf(ctx);
      if (!session) return unauthorized(ctx);
      if (sub === '/events') return eventStream(ctx);
      ctx.status = 200;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { csrfToken: session.csrf, version };
      return;
    }
    if (sub.startsWith('/call/')) {
      if (ctx.method !== 'POST') return methodNotAllowed(ctx, 'POST', true);
      const session = await sessionOf(ctx);
      if (!session) return unauthorized(ctx);
      if (!isCsrfTokenValid(session, ctx.get('X-CSRF-Token') || undefined)) {
        return fail(ctx, 403, 'forbidden', 'Missing or wrong X-CSRF-Token header: reload the admin UI and try again.');
      }
      let method: string;
      try {
        method = decodeURIComponent(sub.slice('/call/'.length));
      } catch {
        method = '';
      }
      if (!Object.hasOwn(adminMethods, method)) return fail(ctx, 404, 'notFound', `No admin method "${method}"`);
      const body = await readJson(ctx.req, ADMIN_BODY_LIMIT);
      if (!body.ok) {
        if (body.problem === 'tooLarge') ctx.set('Connection', 'close');
        return fail(ctx, body.problem === 'tooLarge' ? 413 : 400, 'invalidInput', body.message);
      }
      const input = body.value;
      const result = await options.dispatch(method, input, { actor: options.actor }, (error) =>
        logger?.error({ err: error, method }, 'admin call failed'),
      );
      return answer(ctx, 200, result);
    }
    return fail(ctx, 404, 'notFound', `No admin API at ${ctx.method} ${ctx.path}`);
  };

  const serveRenderer = async (ctx: Ctx) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return methodNotAllowed(ctx, 'GET, HEAD', false);
    const relative = ctx.path.slice('/admin/'.length);
    const notFound = () => {
      ctx.status = 404;
      ctx.type = 'text/plain';
      ctx.body = 'Not found';
    };
    const file = resolveRendererPath(rendererDir, relative);
    if (!file) return notFound();
    const isIndex = relative === '' || relative === 'index.html';
    let info;
    try {
      // Symbolic links inside the folder must not lead outside it either.
      const [real, root] = await Promise.all([realpath(file), realpath(rendererDir)]);
      if (!real.startsWith(root + sep)) return notFound();
      info = await stat(real);
    } catch {
      info = undefined;
    }
    if (!info?.isFile()) {
      if (!isIndex) return notFound();
      ctx.status = 503;
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = NOT_BUILT_PAGE;
      return;
    }
    ctx.status = 200;
    ctx.type = contentTypeOf(file);
    ctx.set('Cache-Control', isHashedAsset(relative) ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.lastModified = info.mtime;
    ctx.etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    // For HEAD Koa sends no body and closes the stream when the response ends.
    ctx.body = createReadStream(file);
    ctx.length = info.size;
  };

  app.use(async (ctx) => {
    const path = ctx.path;
    if (path === '/admin/login') return login(ctx);
    if (isApiPath(path)) return api(ctx);
    if (path === '/admin') {
      if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return methodNotAllowed(ctx, 'GET, HEAD', false);
      ctx.redirect('/admin/');
      return;
    }
    if (path.startsWith('/admin/')) return serveRenderer(ctx);
    ctx.status = 404;
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = OUTSIDE_PAGE;
  });

  return app;
}
