import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EVENT_NAMES, type EventName, type EventPayload } from '../../shared/admin/contract';
import { issueLoginCode } from '../../main/http/admin-access';
import { AdminEventBus } from '../../main/lib/event-bus';
import { ADMIN_CSP, createAdminApp, type AdminAppOptions } from '../../main/http/create-admin-app';
import {
  adminAppParts,
  DUMMY_ASSET,
  DUMMY_ASSET_PATH,
  DUMMY_INDEX,
  OUTSIDE_SECRET,
  sessionCookieOf,
  startTestAdmin,
  type AdminLogin,
  type TestAdmin,
} from '../support/start-test-admin';
import type { Json } from './protocol-helpers';

const HOUR = 3_600_000;

/** Asserts the headers every admin response carries, whatever its status. */
function assertSecurityHeaders(headers: Headers | Record<string, unknown>, context: string): void {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : (headers[name] as string | undefined));
  assert.equal(get('content-security-policy'), ADMIN_CSP, `${context}: CSP`);
  assert.equal(get('x-frame-options'), 'DENY', `${context}: X-Frame-Options`);
  assert.equal(get('x-content-type-options'), 'nosniff', `${context}: X-Content-Type-Options`);
  assert.equal(get('referrer-policy'), 'no-referrer', `${context}: Referrer-Policy`);
}

/** Reads an AdminResult error answer and checks its status and code. */
async function assertAdminError(response: Response, status: number, code: string, context: string): Promise<string> {
  assert.equal(response.status, status, `${context}: status`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, `${context}: content type`);
  const body = (await response.json()) as Json;
  assert.equal(body.ok, false, `${context}: ok`);
  assert.equal(body.error.code, code, `${context}: error code`);
  assert.equal(typeof body.error.message, 'string', `${context}: message`);
  assertSecurityHeaders(response.headers, context);
  return body.error.message as string;
}

/** Opens an admin app on its own ephemeral loopback port (for variants: another renderer folder, a spy event bus). */
async function listenAdmin(options: AdminAppOptions): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer(createAdminApp(options).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closing;
    },
  };
}

/** An open Server-Sent Events stream, read as text until what a test waits for arrives. */
interface EventStreamReader {
  readonly response: Response;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  close(): void;
}

async function openEvents(url: string, cookie: string): Promise<EventStreamReader> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: abort.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  return {
    response,
    async waitFor(pattern, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(text)) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`event stream: ${pattern} not seen within ${timeoutMs} ms; got ${JSON.stringify(text)}`);
        let timer: NodeJS.Timeout | undefined;
        const chunk = await Promise.race([
          reader.read(),
          new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), left))),
        ]);
        clearTimeout(timer);
        if (chunk === 'timeout') continue;
        if (chunk.done) throw new Error(`event stream ended before ${pattern}; got ${JSON.stringify(text)}`);
        text += chunk.value;
      }
      return text;
    },
    close() {
      abort.abort();
    },
  };
}

/** Counts live subscriptions, to prove a closed event stream unsubscribes. */
class CountingEventBus extends AdminEventBus {
  active = 0;
  override subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const unsubscribe = super.subscribe(event, listener);
    this.active += 1;
    let done = false;
    return () => {
      if (!done) this.active -= 1;
      done = true;
      unsubscribe();
    };
  }
}

async function waitUntil(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const userBody = (userName: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  active: true,
  name: { givenName: 'Test', familyName: 'User' },
});

describe('admin HTTP transport: access control', () => {
  let a: TestAdmin;

  before(async () => {
    a = await startTestAdmin();
  });

  after(async () => {
    await a.stop();
  });

  it('answers 401 unauthorized without a session on /session, /call/* and /events', async () => {
    await assertAdminError(await a.admin('/admin/api/session'), 401, 'unauthorized', 'GET session');
    await assertAdminError(
      await a.admin('/admin/api/call/overview.get', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      401,
      'unauthorized',
      'POST call',
    );
    await assertAdminError(await a.admin('/admin/api/call/no.such', { method: 'POST', body: '{}' }), 401, 'unauthorized', 'unknown method, no session');
    await assertAdminError(await a.admin('/admin/api/events'), 401, 'unauthorized', 'GET events');
    const forged = 'scimdesk_session=' + 'A'.repeat(43);
    await assertAdminError(await a.admin('/admin/api/session', {}, { cookie: forged }), 401, 'unauthorized', 'unknown session id');
    await assertAdminError(await a.admin('/admin/api/session', {}, { cookie: 'scimdesk_session=x' }), 401, 'unauthorized', 'malformed session id');
  });

  it('answers the session with its CSRF token and version', async () => {
    const response = await a.admin('/admin/api/session', {}, a.login);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assertSecurityHeaders(response.headers, 'session');
    const body = (await response.json()) as Json;
    assert.equal(body.csrfToken, a.login.csrf);
    assert.equal(typeof body.version, 'string');
  });

  it('refuses calls with a missing, wrong or other session\'s CSRF token (403) and changes nothing', async () => {
    const other = await a.newLogin();
    const attempts: ReadonlyArray<readonly [string, Partial<AdminLogin>]> = [
      ['missing', { cookie: a.login.cookie }],
      ['empty', { cookie: a.login.cookie, csrf: '' }],
      ['wrong', { cookie: a.login.cookie, csrf: a.login.csrf.slice(0, -1) + (a.login.csrf.endsWith('A') ? 'B' : 'A') }],
      ['another session\'s', { cookie: a.login.cookie, csrf: other.csrf }],
      ['the cookie value', { cookie: a.login.cookie, csrf: a.login.cookie.split('=')[1]! }],
    ];
    for (const [label, auth] of attempts) {
      const { status, body } = await a.call('token.generate', { lifetimeDays: 0 }, auth);
      assert.equal(status, 403, `${label} CSRF token`);
      assert.equal(body.ok, false);
      if (!body.ok) assert.equal(body.error.code, 'forbidden');
    }
    const status = await a.call<{ history: unknown[] }>('token.status', {});
    assert.ok(status.body.ok);
    assert.equal(status.body.value.history.length, 1, 'no token was generated');
    assert.equal((await a.scim('/Users?count=1')).status, 200, 'the old SCIM token still works');
    const audit = await a.call<{ items: Array<{ action: string }> }>('audit.list', {});
    assert.ok(audit.body.ok);
    assert.ok(!audit.body.value.items.some((item) => item.action === 'generateToken'), 'no audit entry');
  });

  it('never lets the SCIM bearer token open the admin API', async () => {
    const bearer = { authorization: `Bearer ${a.token}` };
    await assertAdminError(await a.admin('/admin/api/session', { headers: bearer }), 401, 'unauthorized', 'session with bearer');
    await assertAdminError(await a.admin('/admin/api/events', { headers: bearer }), 401, 'unauthorized', 'events with bearer');
    await assertAdminError(
      await a.admin('/admin/api/call/token.generate', { method: 'POST', headers: { ...bearer, 'x-csrf-token': a.token }, body: '{"lifetimeDays":0}' }),
      401,
      'unauthorized',
      'call with bearer',
    );
    assert.equal((await a.scim('/Users?count=1')).status, 200, 'the SCIM token is unchanged');
  });

  it('does not serve the admin API or UI on the SCIM port', async () => {
    const scimOrigin = new URL(a.core.endpoint.state()!.url).origin;
    for (const path of ['/admin/api/session', '/admin/', '/admin/login?code=x']) {
      const response = await fetch(scimOrigin + path, { headers: { authorization: `Bearer ${a.token}`, cookie: a.login.cookie } });
      assert.equal(response.status, 404, path);
      assert.doesNotMatch(await response.text(), /csrfToken|ScimDesk test UI/, path);
    }
  });

  it('refuses a Host header that is not loopback (DNS rebinding), even with a session', async () => {
    for (const path of ['/admin/', '/admin/login?code=x', '/admin/api/session']) {
      const response = await a.raw(path, { headers: { host: 'evil.example', cookie: a.login.cookie } });
      assert.equal(response.status, 403, path);
      assertSecurityHeaders(response.headers, `evil host ${path}`);
    }
    const withPort = await a.raw('/admin/api/session', { headers: { host: `evil.example:${a.adminPort}`, cookie: a.login.cookie } });
    assert.equal(withPort.status, 403);
    const localhost = await a.raw('/admin/api/session', { headers: { host: `localhost:${a.adminPort}`, cookie: a.login.cookie } });
    assert.equal(localhost.status, 200, 'localhost is loopback');
  });

  it('refuses a cross-site Origin on POST (403) and changes nothing; accepts its own origin', async () => {
    for (const origin of ['http://evil.example', 'null', `http://localhost:${a.adminPort + 1}`, `https://127.0.0.1:${a.adminPort}`]) {
      const response = await a.admin(
        '/admin/api/call/directory.update',
        {
          method: 'POST',
          headers: { origin, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Hijacked', description: '', onInactive: 'suspend', onDelete: { mode: 'hard' } }),
        },
        a.login,
      );
      await assertAdminError(response, 403, 'forbidden', `Origin ${origin}`);
    }
    const directory = await a.call<{ name: string }>('directory.get', {});
    assert.ok(directory.body.ok);
    assert.notEqual(directory.body.value.name, 'Hijacked');
    const same = await a.admin('/admin/api/call/directory.get', { method: 'POST', headers: { origin: a.adminOrigin }, body: '{}' }, a.login);
    assert.equal(same.status, 200);
    assert.equal(((await same.json()) as Json).ok, true);
  });

  it('answers AdminResult errors for malformed JSON (400), a body over 1 MB (413) and an unknown method (404)', async () => {
    const post = (path: string, body: string) => a.admin(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body }, a.login);
    const message = await assertAdminError(await post('/admin/api/call/overview.get', '{"a":'), 400, 'invalidInput', 'malformed JSON');
    assert.match(message, /not valid JSON/);
    await assertAdminError(await post('/admin/api/call/overview.get', JSON.stringify({ x: 'y'.repeat(1024 * 1024) })), 413, 'invalidInput', 'body over 1 MB');
    await assertAdminError(await post('/admin/api/call/no.such.method', '{}'), 404, 'notFound', 'unknown method');
    await assertAdminError(await post('/admin/api/call/__proto__', '{}'), 404, 'notFound', '__proto__');
    await assertAdminError(await post('/admin/api/call/toString', '{}'), 404, 'notFound', 'toString');
    const empty = await post('/admin/api/call/overview.get', '');
    assert.equal(empty.status, 200, 'an empty body is an empty input');
    assert.equal(((await empty.json()) as Json).ok, true);
  });

  it('answers 404 AdminResult elsewhere under /admin/api and 404 outside /admin', async () => {
    await assertAdminError(await a.admin('/admin/api', {}, a.login), 404, 'notFound', '/admin/api');
    await assertAdminError(await a.admin('/admin/api/', {}, a.login), 404, 'notFound', '/admin/api/');
    await assertAdminError(await a.admin('/admin/api/users', {}, a.login), 404, 'notFound', '/admin/api/users');
    await assertAdminError(await a.admin('/admin/api/call', { method: 'POST', body: '{}' }, a.login), 404, 'notFound', '/admin/api/call');
    await assertAdminError(await a.admin('/admin/api/call/overview.get', {}, a.login), 405, 'notFound', 'GET on a call');
    for (const path of ['/', '/scim/v2/Users', '/administrator', '/index.html']) {
      const response = await a.admin(path);
      assert.equal(response.status, 404, path);
      assertSecurityHeaders(response.headers, path);
    }
  });
});

describe('admin HTTP transport: login links and sessions', () => {
  let a: TestAdmin;
  let clock = Date.parse('2026-03-02T08:00:00.000Z');

  before(async () => {
    a = await startTestAdmin({ core: { now: () => new Date(clock) } });
  });

  after(async () => {
    await a.stop();
  });

  it('logs in once with a code: 303 to /admin/ with an HttpOnly, SameSite=Strict cookie on /admin', async () => {
    const code = await issueLoginCode(a.core.store, a.core.now());
    const response = await a.redeem(code);
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/admin/');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assertSecurityHeaders(response.headers, 'login');
    const setCookie = response.headers.getSetCookie();
    assert.equal(setCookie.length, 1);
    const attributes = setCookie[0]!.split(';').map((part) => part.trim().toLowerCase());
    assert.ok(attributes.includes('httponly'), 'HttpOnly');
    assert.ok(attributes.includes('samesite=strict'), 'SameSite=Strict');
    assert.ok(attributes.includes('path=/admin'), 'Path=/admin');
    assert.ok(!attributes.includes('secure'), 'no Secure on plain http loopback');
    assert.ok(attributes.includes(`max-age=${12 * 3600}`), 'lasts 12 hours');
    const cookie = sessionCookieOf(response)!;
    assert.doesNotMatch(cookie, new RegExp(code), 'the session id is not the code');
    assert.equal((await a.admin('/admin/api/session', {}, { cookie })).status, 200);

    const again = await a.redeem(code);
    assert.equal(again.status, 401, 'a code works once');
    assert.deepEqual(again.headers.getSetCookie(), []);
    assert.match(again.headers.get('content-type') ?? '', /^text\/html/);
    assertSecurityHeaders(again.headers, 'used code');
    const page = await again.text();
    assert.match(page, /already used|expired/);
    assert.match(page, /npm run admin-link/);
  });

  it('refuses unknown and malformed codes with the same page', async () => {
    for (const code of ['', 'nope', 'A'.repeat(43), '<script>alert(1)</script>']) {
      const response = await a.redeem(code);
      assert.equal(response.status, 401, JSON.stringify(code));
      assert.doesNotMatch(await response.text(), /<script>alert/);
    }
    assert.equal((await a.admin('/admin/login')).status, 401, 'no code at all');
    assert.equal((await a.admin('/admin/login?code=x', { method: 'POST' })).status, 405, 'only GET redeems');
  });

  it('refuses an expired code: issued with ttl 0, or used after 15 minutes', async () => {
    const instant = await issueLoginCode(a.core.store, a.core.now(), 0);
    assert.equal((await a.redeem(instant)).status, 401, 'ttl 0');

    const late = await issueLoginCode(a.core.store, a.core.now());
    const onTime = await issueLoginCode(a.core.store, a.core.now());
    clock += 14 * 60_000;
    assert.equal((await a.redeem(onTime)).status, 303, 'within 15 minutes');
    clock += 2 * 60_000;
    assert.equal((await a.redeem(late)).status, 401, 'after 16 minutes');
  });

  it('stores only hashes of codes and session ids', async () => {
    const code = await issueLoginCode(a.core.store, a.core.now());
    const response = await a.redeem(code);
    const id = sessionCookieOf(response)!.split('=')[1]!;
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(a.t.dataDir, 'scimdesk.db'), { readonly: true });
    try {
      const dump = JSON.stringify([
        db.prepare('SELECT * FROM admin_login_codes').all(),
        db.prepare('SELECT hash, created, expires FROM admin_sessions').all(),
      ]);
      assert.ok(!dump.includes(code) && !dump.includes(id));
      const hex = (db.prepare('SELECT hex(hash) AS h FROM admin_sessions').all() as Array<{ h: string }>).map((row) => row.h.toLowerCase());
      assert.ok(!hex.some((h) => h.includes(Buffer.from(id).toString('hex'))));
    } finally {
      db.close();
    }
  });

  it('replaces the previous session when a browser logs in again', async () => {
    const first = await a.newLogin();
    const code = await issueLoginCode(a.core.store, a.core.now());
    const second = await a.admin(`/admin/login?code=${code}`, {}, { cookie: first.cookie });
    assert.equal(second.status, 303);
    assert.equal((await a.admin('/admin/api/session', {}, first)).status, 401, 'the old session ended');
    assert.equal((await a.admin('/admin/api/session', {}, { cookie: sessionCookieOf(second)! })).status, 200);
  });

  it('ends a session after 12 hours', async () => {
    const login = await a.newLogin();
    clock += 12 * HOUR - 1000;
    assert.equal((await a.admin('/admin/api/session', {}, login)).status, 200, 'just before 12 h');
    clock += 2000;
    await assertAdminError(await a.admin('/admin/api/session', {}, login), 401, 'unauthorized', 'after 12 h');
    const { status } = await a.call('overview.get', {}, login);
    assert.equal(status, 401);
  });
});

describe('admin HTTP transport: events', () => {
  let a: TestAdmin;

  before(async () => {
    a = await startTestAdmin();
  });

  after(async () => {
    await a.stop();
  });

  it('streams syncLog.appended after a SCIM request', async () => {
    const stream = await openEvents(`${a.adminOrigin}/admin/api/events`, a.login.cookie);
    try {
      assert.equal(stream.response.status, 200);
      assert.match(stream.response.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(stream.response.headers.get('cache-control'), 'no-store');
      assertSecurityHeaders(stream.response.headers, 'events');
      await stream.waitFor(/: connected\n\n/);
      const created = await a.scim('/Users', { method: 'POST', body: JSON.stringify(userBody('sse.user@contoso.com')) });
      assert.equal(created.status, 201);
      const text = await stream.waitFor(/event: syncLog\.appended\ndata: .*sse\.user@contoso\.com.*\n\n/);
      const data = /event: syncLog\.appended\ndata: (.*sse\.user@contoso\.com.*)\n\n/.exec(text)![1]!;
      const payload = JSON.parse(data) as Json;
      const entry = payload.items.find((item: Json) => item.userName === 'sse.user@contoso.com');
      assert.equal(entry.operation, 'create');
      assert.equal(entry.status, 201);
      assert.equal('detail' in entry, false, 'request detail stays out of the live tail');
      await stream.waitFor(/event: overview\.changed\ndata: \{\}\n\n/);
    } finally {
      stream.close();
    }
  });

  it('sends keep-alive comments, every contract event, and unsubscribes when the client disconnects', async () => {
    const events = new CountingEventBus();
    const app = await listenAdmin({
      ...adminAppParts(a.core),
      events,
      rendererDir: a.rendererDir,
      actor: 'admin-ui:test',
      keepAliveMs: 50,
    });
    try {
      const stream = await openEvents(`${app.origin}/admin/api/events`, a.login.cookie);
      await stream.waitFor(/: connected/);
      assert.equal(events.active, EVENT_NAMES.length, 'one subscription per contract event');
      await stream.waitFor(/: keep-alive\n\n/);
      events.emit('job.progress', { jobId: 'j1', kind: 'graph', phase: 'users', done: 5, total: 10, message: 'line1\nline2', finished: false, resultId: null, error: null, cancelled: false });
      const text = await stream.waitFor(/event: job\.progress\ndata: .*\n\n/);
      const data = /event: job\.progress\ndata: (.*)\n\n/.exec(text)![1]!;
      assert.equal((JSON.parse(data) as Json).message, 'line1\nline2', 'a newline in a payload stays inside one data line');
      stream.close();
      await waitUntil(() => events.active === 0);
    } finally {
      await app.close();
    }
  });

  it('ends the stream when the session ends', async () => {
    const events = new CountingEventBus();
    const app = await listenAdmin({ ...adminAppParts(a.core), events, rendererDir: a.rendererDir, keepAliveMs: 50, actor: 'admin-ui:test' });
    try {
      const login = await a.newLogin();
      const stream = await openEvents(`${app.origin}/admin/api/events`, login.cookie);
      await stream.waitFor(/: connected/);
      // Logging in again from the same browser ends the first session.
      const code = await issueLoginCode(a.core.store, a.core.now());
      assert.equal((await a.admin(`/admin/login?code=${code}`, {}, login)).status, 303);
      await waitUntil(() => events.active === 0);
      await assert.rejects(stream.waitFor(/never/, 2000), /ended/);
    } finally {
      await app.close();
    }
  });
});

describe('admin HTTP transport: the renderer', () => {
  let a: TestAdmin;

  before(async () => {
    a = await startTestAdmin();
  });

  after(async () => {
    await a.stop();
  });

  it('redirects /admin to /admin/', async () => {
    const response = await a.admin('/admin');
    assert.ok([301, 302, 303, 307, 308].includes(response.status));
    assert.equal(response.headers.get('location'), '/admin/');
    assertSecurityHeaders(response.headers, '/admin');
  });

  it('serves index.html at /admin/ with the CSP and no-cache, without a session', async () => {
    const response = await a.admin('/admin/');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    assertSecurityHeaders(response.headers, '/admin/');
    assert.equal(await response.text(), DUMMY_INDEX);
    const etag = response.headers.get('etag')!;
    // node:http, because fetch adds Cache-Control: no-cache to a conditional request.
    const revalidated = await a.raw('/admin/', { headers: { 'if-none-match': etag } });
    assert.equal(revalidated.status, 304);
    const head = await a.admin('/admin/index.html', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(Buffer.byteLength(DUMMY_INDEX)));
  });

  it('serves hashed assets with their content type and a long cache', async () => {
    const response = await a.admin(`/admin/${DUMMY_ASSET_PATH}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(await response.text(), DUMMY_ASSET);
    assert.equal((await a.admin('/admin/assets/missing-Zz99Yy88.js')).status, 404);
    assert.equal((await a.admin('/admin/assets/')).status, 404, 'no folder listing');
    assert.equal((await a.admin('/admin/', { method: 'POST' })).status, 405);
  });

  it('never serves a file outside the renderer folder', async () => {
    const attempts = [
      '/admin/../secret.txt',
      '/admin/%2e%2e/secret.txt',
      '/admin/%2E%2E/secret.txt',
      '/admin/..%2fsecret.txt',
      '/admin/..%5csecret.txt',
      '/admin/assets/../../secret.txt',
      '/admin/assets/%2e%2e/%2e%2e/secret.txt',
      '/admin/../package.json',
      '/admin/%2e%2e/package.json',
      '/admin/%2e%2e%2f%2e%2e%2fpackage.json',
      '/admin/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/admin//etc/passwd',
      '/admin/%2fetc%2fpasswd',
      '/admin/.%2e/secret.txt',
    ];
    for (const path of attempts) {
      const response = await a.raw(path);
      assert.notEqual(response.status, 200, path);
      assert.ok(!response.body.includes(OUTSIDE_SECRET), `${path} leaked the outside file`);
      assert.ok(!response.body.includes('"name"'), `${path} leaked a package.json`);
      assert.ok(!response.body.includes('root:'), `${path} leaked /etc/passwd`);
    }
  });

  it('says the UI is not built when the folder has no index.html', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'scimdesk-empty-renderer-'));
    const app = await listenAdmin({ ...adminAppParts(a.core), rendererDir: empty, actor: 'admin-ui:test' });
    try {
      const response = await fetch(`${app.origin}/admin/`);
      assert.equal(response.status, 503);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assertSecurityHeaders(response.headers, 'not built');
      const page = await response.text();
      assert.match(page, /not built/);
      assert.match(page, /npm run build:renderer/);
      assert.equal((await fetch(`${app.origin}/admin/assets/x-12345678.js`)).status, 404);
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
