import assert from 'node:assert/strict';
import { IncomingMessage, ServerResponse, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { AdminEventBus } from '../../../main/lib/event-bus';
import { createAdminApp, isLoopbackAddress, isLoopbackHost } from '../../../main/http/create-admin-app';
import type { AdminSessionStore } from '../../../main/store/directory-store';

describe('isLoopbackAddress', () => {
  const table: ReadonlyArray<readonly [string | undefined, boolean]> = [
    ['127.0.0.1', true],
    ['127.0.0.2', true],
    ['127.255.255.254', true],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['::FFFF:127.1.2.3', true],
    ['::ffff:7f00:1', true],
    ['10.1.2.3', false],
    ['192.168.1.10', false],
    ['0.0.0.0', false],
    ['128.0.0.1', false],
    ['::', false],
    ['::2', false],
    ['::ffff:10.1.2.3', false],
    ['::ffff:128.0.0.1', false],
    ['fe80::1', false],
    ['1::1', false],
    ['2001:db8::1', false],
    ['localhost', false],
    ['127.0.0.1.evil.example', false],
    ['', false],
    [undefined, false],
  ];
  for (const [address, expected] of table) {
    it(`${expected ? 'accepts' : 'refuses'} ${JSON.stringify(address)}`, () => {
      assert.equal(isLoopbackAddress(address), expected);
    });
  }
});

describe('isLoopbackHost', () => {
  const table: ReadonlyArray<readonly [string | undefined, boolean]> = [
    ['127.0.0.1', true],
    ['127.0.0.1:8632', true],
    ['localhost:8632', true],
    ['LocalHost:1', true],
    ['[::1]:8632', true],
    ['[::1]', true],
    ['evil.example', false],
    ['evil.example:8632', false],
    ['127.0.0.1.nip.io:8632', false],
    ['localhost.evil.example', false],
    ['0.0.0.0:8632', false],
    ['10.1.2.3:8632', false],
    ['[::2]:8632', false],
    ['127.0.0.1:8632:1', false],
    ['', false],
    [undefined, false],
  ];
  for (const [host, expected] of table) {
    it(`${expected ? 'accepts' : 'refuses'} Host ${JSON.stringify(host)}`, () => {
      assert.equal(isLoopbackHost(host), expected);
    });
  }
});

interface FakeResponse {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: string;
}

/**
 * Drives the app's request handler with an in-memory request whose socket
 * claims the given remote address: no port, no network traffic.
 */
function fakeRequest(remoteAddress: string, path: string, headers: Record<string, string> = {}): Promise<FakeResponse> {
  const app = createAdminApp({
    // The loopback check comes before anything touches the store, the handlers or the renderer folder.
    sessions: {} as AdminSessionStore,
    events: new AdminEventBus(),
    now: () => new Date(),
    dispatch: () => Promise.reject(new Error('not reached')),
    rendererDir: '/nonexistent-renderer',
    actor: 'admin-ui:test',
  });
  const written: Buffer[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer | string, _encoding, callback) {
      written.push(Buffer.from(chunk));
      callback();
    },
  });
  Object.defineProperty(socket, 'remoteAddress', { value: remoteAddress });
  const req = new IncomingMessage(socket as unknown as Socket);
  req.method = 'GET';
  req.url = path;
  req.headers = { host: '127.0.0.1:8632', ...headers };
  req.push(null);
  const res = new ServerResponse(req);
  res.assignSocket(socket as unknown as Socket);
  return new Promise((resolve) => {
    res.on('finish', () => {
      const raw = Buffer.concat(written).toString('utf8');
      resolve({ status: res.statusCode, headers: res.getHeaders(), body: raw.slice(raw.indexOf('\r\n\r\n') + 4) });
    });
    void app.callback()(req, res);
  });
}

describe('createAdminApp loopback guard', () => {
  it('answers 403 forbidden to an API request from 10.1.2.3, with the security headers', async () => {
    const response = await fakeRequest('10.1.2.3', '/admin/api/session');
    assert.equal(response.status, 403);
    const body = JSON.parse(response.body) as { ok: boolean; error: { code: string; message: string } };
    assert.equal(body.ok, false);
    assert.equal(body.error.code, 'forbidden');
    assert.match(body.error.message, /loopback/);
    assert.match(String(response.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(response.headers['x-frame-options'], 'DENY');
  });

  it('answers 403 to a login link or a page requested from a non-loopback address', async () => {
    for (const path of ['/admin/login?code=x', '/admin/', '/admin/index.html', '/elsewhere']) {
      assert.equal((await fakeRequest('10.1.2.3', path)).status, 403, path);
    }
    assert.equal((await fakeRequest('::ffff:10.1.2.3', '/admin/')).status, 403, 'IPv4-mapped non-loopback');
    assert.equal((await fakeRequest('2001:db8::1', '/admin/')).status, 403, 'IPv6 non-loopback');
  });

  it('lets the same request through from 127.0.0.1 and ::1 (then 401: no session)', async () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const response = await fakeRequest(address, '/admin/api/session');
      assert.equal(response.status, 401, address);
      assert.equal((JSON.parse(response.body) as { error: { code: string } }).error.code, 'unauthorized');
    }
  });

  it('refuses a loopback request whose Host header is not loopback (DNS rebinding)', async () => {
    const response = await fakeRequest('127.0.0.1', '/admin/api/session', { host: 'evil.example:8632' });
    assert.equal(response.status, 403);
  });
});
