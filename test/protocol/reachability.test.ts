import '../support/trust-tenant-ca';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { OutsideCheckView, ReachabilityView } from '../../shared/admin/reach-schemas';
import type { MethodOutput } from '../../shared/admin/contract';
import { createNgrokTunnel, type NgrokForwardConfig, type NgrokListener, type NgrokSdk } from '../../main/tunnel/ngrok-tunnel';
import { eventually } from '../support/eventually';
import { startTestAdmin, type TestAdmin } from '../support/start-test-admin';
import { startTestCore } from '../support/start-test-core';
import { issueTestCertificate } from '../support/test-certificates';
import { URN_USER } from './protocol-helpers';

/**
 * Reachability through the admin layer and the real endpoint: a tunnel whose provider is a fake of
 * the ngrok SDK that really forwards (an HTTPS server on 127.0.0.1 with a test certificate, passing
 * each request on to the address ngrok was given), so the Tenant URL, meta.location, the check key
 * and the check from outside are exercised end to end.
 */
class ForwardingNgrok implements NgrokSdk {
  readonly calls: NgrokForwardConfig[] = [];
  readonly closed: string[] = [];
  private servers: Server[] = [];

  async forward(config: NgrokForwardConfig): Promise<NgrokListener> {
    this.calls.push(config);
    const upstream = new URL(config.addr);
    const certificate = issueTestCertificate({ names: ['localhost'] });
    const server = createHttpsServer({ cert: certificate.certPem, key: certificate.keyPem }, (req, res) => {
      const forwarded = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forwarded.on('error', () => {
        res.writeHead(502);
        res.end('ERR_NGROK_8012');
      });
      req.pipe(forwarded);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.servers.push(server);
    const url = `https://localhost:${(server.address() as AddressInfo).port}`;
    return {
      url: () => url,
      close: async () => {
        this.closed.push(url);
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  }

  /** The session to ngrok drops, or comes back. */
  status(value: 'closed' | 'connected'): void {
    this.calls.at(-1)!.onStatusChange!(value);
  }

  /** The tunnel's far end stops answering (ngrok's edge gone): connections are refused. */
  async cut(): Promise<void> {
    for (const server of this.servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }
}

describe('Reachability: a tunnel, the Tenant URL following it, and the check from outside', () => {
  const ngrok = new ForwardingNgrok();
  let a: TestAdmin;
  let localTenantUrl = '';

  const call = async <M extends 'reach.get' | 'reach.configure' | 'reach.check' | 'reach.reconnect' | 'overview.get' | 'syncLog.query' | 'audit.list'>(method: M, input: unknown): Promise<MethodOutput<M>> => {
    const { body } = await a.call<MethodOutput<M>>(method, input);
    assert.ok(body.ok, `${method}: ${JSON.stringify(body)}`);
    return body.value;
  };
  const reach = () => call('reach.get', {}) as Promise<ReachabilityView>;
  const overview = () => call('overview.get', {});

  before(async () => {
    a = await startTestAdmin({
      core: {
        tunnels: { ngrok: (settings) => createNgrokTunnel(settings, () => ngrok) },
        tunnelBackoff: { initialMs: 20, maxMs: 80 },
        checkTimeoutMs: 3_000,
      },
    });
    localTenantUrl = a.core.endpoint.state()!.url;
  });
  after(async () => {
    await a.stop();
    await ngrok.cut();
  });

  it('starts with no tunnel: the Tenant URL is the local one', async () => {
    const view = await reach();
    assert.equal(view.provider, 'none');
    assert.equal(view.tunnel.status, 'stopped');
    assert.equal(view.tenantUrl, localTenantUrl);
    assert.equal(view.localUrl, localTenantUrl.replace(/\/scim\/v2$/, ''));
    assert.equal((await overview()).reachability.tunnel, null);
  });

  it('refuses an ngrok setup without an authtoken, since none is saved yet', async () => {
    const { body } = await a.call('reach.configure', { provider: 'ngrok', authtoken: '', domain: '' });
    assert.ok(!body.ok);
    assert.match(body.error.message, /Enter the ngrok authtoken/);
  });

  it('brings the tunnel online, keeps the authtoken in the secret store only, and the Tenant URL and meta.location follow the public URL', async () => {
    const configured = await call('reach.configure', { provider: 'ngrok', authtoken: '2Xyz_ngrok_authtoken_4242', domain: '' });
    assert.equal(configured.provider, 'ngrok');
    const online = await eventually(async () => {
      const view = await reach();
      assert.equal(view.tunnel.status, 'online');
      return view;
    });
    const publicUrl = online.tunnel.publicUrl!;
    assert.match(publicUrl, /^https:\/\/localhost:\d+$/);
    assert.equal(ngrok.calls[0]!.addr, localTenantUrl.replace(/\/scim\/v2$/, ''), 'ngrok forwards to the endpoint');
    assert.equal(ngrok.calls[0]!.authtoken, '2Xyz_ngrok_authtoken_4242');

    assert.deepEqual(online.ngrok.authtoken, { set: true, hint: '••••4242' });
    const everything = JSON.stringify(await a.call('reach.get', {})) + JSON.stringify(await a.call('audit.list', {}));
    assert.ok(!everything.includes('2Xyz_ngrok_authtoken_4242'), 'the authtoken never comes back to the UI, nor into the audit');
    assert.equal(await a.core.secrets.get('reach.ngrok.authtoken'), '2Xyz_ngrok_authtoken_4242');
    assert.ok(!JSON.stringify(await a.core.store.getSetting('reach.settings')).includes('2Xyz'), 'nor into the database');

    assert.equal(online.tenantUrl, `${publicUrl}/scim/v2`);
    assert.equal((await overview()).scimUrl, `${publicUrl}/scim/v2`);
    // A user created through the tunnel: Entra keeps meta.location, so it must be the public one.
    const created = await fetch(`${publicUrl}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: [URN_USER], userName: 'megan.bowen@contoso.com', active: true }),
    });
    assert.equal(created.status, 201);
    const body = (await created.json()) as { id: string; meta: { location: string } };
    assert.equal(body.meta.location, `${publicUrl}/scim/v2/Users/${body.id}`);
  });

  it('checks from outside after the start: a localhost URL fails from the internet, and the Overview says so', async () => {
    const view = await eventually(async () => {
      const current = await reach();
      assert.ok(current.lastCheck, 'the check after the start ran');
      return current;
    });
    const check = view.lastCheck!;
    assert.equal(check.from, 'internet');
    assert.equal(check.credential, 'checkKey');
    assert.equal(check.passed, false);
    assert.equal(check.steps[0]!.status, 'fail', 'localhost is not on the internet');
    const { reachability, publicUrl } = await overview();
    assert.equal(reachability.tunnel?.status, 'online');
    assert.equal(reachability.check?.passed, false);
    assert.equal(reachability.check?.failures[0]?.title, 'Name (DNS)');
    assert.equal(publicUrl?.verifiedAt, null);
  });

  it('passes a check through the tunnel with its check key (from inside the network), which verifies the URL on the Overview', async () => {
    const result = await call('reach.check', { from: 'network' });
    assert.equal(result.passed, true, JSON.stringify(result.steps, null, 1));
    assert.equal(result.url, (await reach()).tenantUrl);
    assert.deepEqual(
      result.steps.map((s) => s.status),
      ['pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass'],
    );
    const { reachability, publicUrl } = await overview();
    assert.equal(reachability.check?.passed, true);
    assert.deepEqual(reachability.check?.failures, []);
    assert.equal(publicUrl?.verifiedAt, result.at);
  });

  it('takes the verification back when a later check fails', async () => {
    const url = (await reach()).tenantUrl!;
    await ngrok.cut();
    const result = await call('reach.check', { from: 'network' });
    assert.equal(result.passed, false);
    assert.equal(result.steps.find((s) => s.id === 'tcp')?.status, 'fail');
    const { reachability, publicUrl } = await overview();
    assert.equal(reachability.check?.passed, false);
    assert.equal(reachability.check?.failures[0]?.title, 'Connection (TCP)');
    assert.equal(publicUrl?.verifiedAt, null, 'a failed check replaces the pass');
    assert.equal(result.url, url);
  });

  it('shows a dropped ngrok session as reconnecting, then online again', async () => {
    ngrok.status('closed');
    assert.equal((await reach()).tunnel.status, 'reconnecting');
    assert.equal((await overview()).scimUrl?.startsWith('https://localhost:'), true, 'the Tenant URL stays while it reconnects');
    ngrok.status('connected');
    assert.equal((await reach()).tunnel.status, 'online');
  });

  it('records the tunnel’s events and the checks in the sync log, without counting them as requests', async () => {
    await a.core.syncLog.flush();
    const events = await call('syncLog.query', { operation: 'reachability', limit: 100 });
    const methods = events.items.map((e) => `${e.method} ${e.status}`).reverse();
    assert.deepEqual(methods.slice(0, 2), ['TUNNEL 202', 'TUNNEL 200'], 'starting, then online');
    assert.ok(methods.includes('CHECK 200') && methods.includes('CHECK 502'), methods.join(', '));
    assert.ok(methods.includes('TUNNEL 503'), 'the drop');
    const all = await call('syncLog.query', { limit: 1000 });
    const requests = all.items.filter((e) => e.operation !== 'reachability').length;
    assert.equal((await overview()).last24h.requests, requests, 'the Overview counts requests only');
  });

  it('says so when a new start brings another public URL (ngrok without a reserved domain): Entra still has the old one', async () => {
    const before = (await reach()).tunnel.publicUrl;
    await call('reach.reconnect', {});
    const view = await eventually(async () => {
      const current = await reach();
      assert.equal(current.tunnel.status, 'online');
      assert.notEqual(current.tunnel.publicUrl, before);
      assert.ok(current.tunnel.warning);
      return current;
    });
    assert.equal(view.tunnel.warning, `The public URL changed from ${before} to ${view.tunnel.publicUrl} since the last start: update the Tenant URL in Entra (a reserved ngrok domain keeps it from changing)`);
    assert.equal(view.tenantUrl, `${view.tunnel.publicUrl}/scim/v2`);
  });

  it('starts the tunnel over toward the endpoint when the endpoint moves', async () => {
    const calls = ngrok.calls.length;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const { body } = await a.call('settings.updateEndpoint', { host: '127.0.0.1', port, publicUrl: '' });
    assert.ok(body.ok, JSON.stringify(body));
    await eventually(async () => assert.equal(ngrok.calls.length, calls + 1));
    assert.equal(ngrok.calls.at(-1)!.addr, `http://127.0.0.1:${port}`);
    await eventually(async () => assert.equal((await reach()).tunnel.status, 'online'));
    localTenantUrl = `http://127.0.0.1:${port}/scim/v2`;
  });

  it('stops the tunnel when the provider is set to none: the Tenant URL is the local one again', async () => {
    const view = await call('reach.configure', { provider: 'none' });
    assert.equal(view.tunnel.status, 'stopped');
    assert.equal(view.tenantUrl, localTenantUrl);
    assert.equal((await overview()).reachability.tunnel, null);
    assert.equal(ngrok.closed.length >= 1, true, 'the listener was closed');
    const audit = await call('audit.list', {});
    assert.deepEqual(
      audit.items.filter((i) => i.action === 'configureReachability').map((i) => i.summary),
      ['Reachability set to no tunnel', 'Reachability set to the ngrok tunnel (new secret saved in the secret store)'],
    );
  });
});

describe("ScimDesk's check key", () => {
  it('opens the Test Connection query for a check userName and nothing else', async () => {
    const t = await startTestCore();
    try {
      const check = await t.core.admin.handlers['reach.check']({ from: 'network' }, { actor: 'test' });
      assert.equal(check.passed, true, JSON.stringify(check.steps));
      assert.equal(check.credential, 'checkKey');
      const key = await t.core.secrets.get('reach.checkKey');
      assert.match(key ?? '', /^scimdesk_check_[A-Za-z0-9_-]{43}$/);
      const as = (path: string, init: RequestInit = {}, bearer = key!) => fetch(t.baseUrl + path, { ...init, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/scim+json' } });
      const probe = `/Users?filter=${encodeURIComponent(`userName eq "scimdesk-check-${randomUUID()}"`)}`;
      assert.equal((await as(probe)).status, 200);
      assert.equal((await as(`/Users?filter=userName+eq+%22scimdesk-check-${randomUUID()}%22`)).status, 200, "Entra's spelling of the query");
      for (const [path, init] of [
        ['/Users?filter=userName+eq+%22megan.bowen%40contoso.com%22', {}],
        ['/Users', {}],
        [`${probe}&attributes=userName`, {}],
        [`/Groups?filter=${encodeURIComponent(`displayName eq "scimdesk-check-${randomUUID()}"`)}`, {}],
        [`/Groups?filter=${encodeURIComponent(`userName eq "scimdesk-check-${randomUUID()}"`)}`, {}],
        ['/Schemas', {}],
        ['/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'x@contoso.com' }) }],
      ] as const) {
        assert.equal((await as(path, init)).status, 401, `${init.method ?? 'GET'} ${path}`);
      }
      assert.equal((await as(probe, {}, `${key!.slice(0, -2)}xx`)).status, 401, 'another key of the same shape');
      await t.core.syncLog.flush();
      const [entry] = await t.core.store.querySyncLog({ operation: 'list', status: 200, limit: 1 });
      assert.match(entry!.detail ?? '', /ScimDesk's check from outside/);
      assert.equal(t.core.setupSeen().testConnection, 'other', 'a check is not Entra');
    } finally {
      await t.stop();
    }
  });
});

describe('A self-signed certificate for testing', () => {
  it('is installed through the certificate path, shows its expiry on the Overview, and fails the check as Entra would', async () => {
    const t = await startTestCore();
    try {
      const settings = await t.core.admin.handlers['settings.createTestCertificate']({ days: 12 }, { actor: 'test' });
      assert.equal(settings.listening?.https, true);
      assert.match(settings.certificate?.subject ?? '', /CN=localhost/);
      assert.match(t.core.endpoint.state()!.url, /^https:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
      const overview = await t.core.admin.handlers['overview.get']({}, { actor: 'test' });
      assert.equal(overview.certificate?.selfSigned, true);
      assert.ok(overview.certificate!.daysLeft >= 11 && overview.certificate!.daysLeft <= 12, `${overview.certificate!.daysLeft} days left`);
      const check: OutsideCheckView = await t.core.admin.handlers['reach.check']({ from: 'network' }, { actor: 'test' });
      assert.equal(check.steps.find((s) => s.id === 'tlsChain')?.status, 'fail');
      assert.match(check.steps.find((s) => s.id === 'tlsChain')!.summary, /self-signed/);
      assert.equal(check.steps.find((s) => s.id === 'tlsName')?.status, 'pass', 'issued for the names the endpoint is called by');
      assert.equal(check.steps.find((s) => s.id === 'tlsExpiry')?.status, 'warn', 'twelve days left');
      const [audit] = await t.core.store.listAudit({ limit: 1 });
      assert.equal(audit?.action, 'createTestCertificate');
      assert.match(audit!.summary, /Self-signed test certificate installed for localhost, 127\.0\.0\.1 .*Entra refuses self-signed certificates/);
    } finally {
      await t.stop();
    }
  });
});
