import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdminResult, MethodName } from '../../shared/admin/contract';
import { issueLoginCode } from '../../main/http/admin-access';
import type { Core, CoreOptions } from '../../main/core/create-core';
import { createAdminApp, type AdminAppOptions } from '../../main/http/create-admin-app';
import { adminUiActor } from '../../main/service/os-account';
import { startTestCore, type TestCore } from './start-test-core';

/** The dummy renderer build every admin test serves, and a file beside it that must never be served. */
export const DUMMY_INDEX = '<!doctype html><html><head><title>ScimDesk test UI</title></head><body><div id="root"></div></body></html>\n';
export const DUMMY_ASSET = 'console.log("scimdesk test asset");\n';
export const DUMMY_ASSET_PATH = 'assets/index-Ab12Cd34.js';
export const OUTSIDE_SECRET = 'this file is outside the renderer folder';

export interface AdminLogin {
  /** The `Cookie` request header value. */
  readonly cookie: string;
  readonly csrf: string;
}

/** A raw HTTP exchange: node:http sends the path and Host header exactly as given (fetch would normalise them). */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface TestAdmin {
  readonly t: TestCore;
  readonly core: Core;
  /** http://127.0.0.1:<admin port> */
  readonly adminOrigin: string;
  readonly adminPort: number;
  /** A temp folder holding a dummy build: index.html and one hashed asset. */
  readonly rendererDir: string;
  /** The session made at start. */
  readonly login: AdminLogin;
  /** The current SCIM token, used by `scim()`; assign the new one after a token.generate. */
  token: string;
  /** Issues a code and logs in with it: a new session. */
  newLogin(): Promise<AdminLogin>;
  /** GET /admin/login?code=… without following the redirect. */
  redeem(code: string): Promise<Response>;
  /** POSTs an admin call with the start session's cookie and CSRF header (or the ones given). */
  call<T = unknown>(method: MethodName | string, input: unknown, auth?: Partial<AdminLogin> | null): Promise<{ status: number; body: AdminResult<T> }>;
  /** fetch on the admin origin; `auth` adds the cookie (and CSRF header) of a session. */
  admin(path: string, init?: RequestInit, auth?: Partial<AdminLogin> | null): Promise<Response>;
  raw(path: string, options?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse>;
  /** A SCIM request to wherever the endpoint listens now, with the current token. */
  scim(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export interface TestAdminOptions {
  readonly core?: Partial<CoreOptions>;
  /** A renderer folder to serve instead of the dummy build. */
  readonly rendererDir?: string;
  readonly app?: Partial<Omit<AdminAppOptions, 'core' | 'handlers' | 'rendererDir'>>;
}

/** Reads the session cookie from a login answer's Set-Cookie header. */
export function sessionCookieOf(response: Response): string | undefined {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith('scimdesk_session='));
  return header?.split(';')[0];
}

/** What the admin app takes of a core: sessions, events, the clock and the admin layer's dispatcher (as the serve command wires it). */
export function adminAppParts(core: Core): Pick<AdminAppOptions, 'sessions' | 'events' | 'now' | 'dispatch'> {
  return { sessions: core.store, events: core.events, now: core.now, dispatch: core.admin.dispatch };
}

/**
 * Starts a test core, and the admin app on an ephemeral 127.0.0.1 port
 * serving a dummy renderer build; logs in once with a fresh login code.
 */
export async function startTestAdmin(options: TestAdminOptions = {}): Promise<TestAdmin> {
  const t = await startTestCore(options.core ?? {});
  const scratch = mkdtempSync(join(tmpdir(), 'scimdesk-renderer-'));
  const rendererDir = options.rendererDir ?? join(scratch, 'renderer');
  if (!options.rendererDir) {
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), DUMMY_INDEX);
    writeFileSync(join(rendererDir, DUMMY_ASSET_PATH), DUMMY_ASSET);
    writeFileSync(join(scratch, 'secret.txt'), OUTSIDE_SECRET);
  }
  const app = createAdminApp({ ...adminAppParts(t.core), rendererDir, actor: adminUiActor(), ...options.app });
  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const adminPort = (server.address() as AddressInfo).port;
  const adminOrigin = `http://127.0.0.1:${adminPort}`;

  const admin = (path: string, init: RequestInit = {}, auth?: Partial<AdminLogin> | null) => {
    const headers = new Headers(init.headers);
    if (auth?.cookie && !headers.has('cookie')) headers.set('cookie', auth.cookie);
    if (auth?.csrf && !headers.has('x-csrf-token')) headers.set('x-csrf-token', auth.csrf);
    return fetch(adminOrigin + path, { redirect: 'manual', ...init, headers });
  };

  const redeem = (code: string) => admin(`/admin/login?code=${encodeURIComponent(code)}`);

  const newLogin = async (): Promise<AdminLogin> => {
    const code = await issueLoginCode(t.core.store, t.core.now());
    const response = await redeem(code);
    const cookie = sessionCookieOf(response);
    if (response.status !== 303 || !cookie) throw new Error(`login failed: HTTP ${response.status}`);
    const session = await admin('/admin/api/session', {}, { cookie });
    const body = (await session.json()) as { csrfToken: string };
    return { cookie, csrf: body.csrfToken };
  };

  const login = await newLogin();

  const self: TestAdmin = {
    t,
    core: t.core,
    adminOrigin,
    adminPort,
    rendererDir,
    login,
    token: t.token,
    newLogin,
    redeem,
    admin,
    async call<T>(method: string, input: unknown, auth: Partial<AdminLogin> | null = login) {
      const response = await admin(
        `/admin/api/call/${encodeURIComponent(method)}`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) },
        auth,
      );
      return { status: response.status, body: (await response.json()) as AdminResult<T> };
    },
    raw(path, rawOptions = {}) {
      return new Promise<RawResponse>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: adminPort, path, method: rawOptions.method ?? 'GET', headers: rawOptions.headers ?? {} }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(rawOptions.body);
      });
    },
    scim(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${self.token}`);
      if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/scim+json');
      const url = t.core.endpoint.state()?.url;
      if (!url) throw new Error('the SCIM endpoint is not listening');
      return fetch(url + path, { ...init, headers });
    },
    async stop() {
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closing;
      await t.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
  return self;
}
