import '../../support/trust-tenant-ca';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { checkFromOutside, isPrivateAddress, toBaseUrl, toTenantUrl, type CheckStepId, type OutsideCheckOptions, type OutsideCheckResult } from '../../../main/tunnel/outside-check';
import { issueTestCertificate, type TestCertificate } from '../../support/test-certificates';

const DAY = 86_400_000;
const GOOD_TOKEN = 'scimdesk_the-token-entra-has';
const LIST = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] };

interface Seen {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** A SCIM endpoint as far as Test Connection sees it: the list query, 401 for any other token. */
function scimLike(seen: Seen[]): RequestListener {
  return (req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.headers.authorization !== `Bearer ${GOOD_TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/scim+json', 'www-authenticate': 'Bearer realm="ScimDesk", error="invalid_token"' });
      res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/scim+json' });
    res.end(JSON.stringify(LIST));
  };
}

const servers: Server[] = [];
after(async () => {
  for (const server of servers) {
    (server as Partial<Pick<Server, 'closeAllConnections'>>).closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function https(certificate: TestCertificate, handler: RequestListener): Promise<number> {
  return listen(createHttpsServer({ cert: certificate.certPem, key: certificate.keyPem }, handler));
}

/** A port nothing listens on: listened on once, then closed. */
async function closedPort(): Promise<number> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function check(url: string, options: Partial<OutsideCheckOptions> = {}): Promise<OutsideCheckResult> {
  return checkFromOutside({ url, bearer: GOOD_TOKEN, credential: 'token', from: 'network', now: () => new Date(), timeoutMs: 5_000, ...options });
}

/** Each step's status, in order. */
const statuses = (result: OutsideCheckResult) => Object.fromEntries(result.steps.map((s) => [s.id, s.status])) as Record<CheckStepId, string>;
const stepOf = (result: OutsideCheckResult, id: CheckStepId) => result.steps.find((s) => s.id === id)!;

const trusted = issueTestCertificate({ names: ['localhost', '127.0.0.1'] });

describe('check from outside: URLs and addresses', () => {
  it('turns a public URL into the Tenant URL Entra is given, and back', () => {
    assert.equal(toTenantUrl('https://scim.contoso.com'), 'https://scim.contoso.com/scim/v2');
    assert.equal(toTenantUrl('https://scim.contoso.com/scim/v2/'), 'https://scim.contoso.com/scim/v2');
    assert.equal(toTenantUrl('https://scim.contoso.com/scim'), 'https://scim.contoso.com/scim');
    assert.equal(toTenantUrl('https://contoso.servicebus.windows.net/scim-hc'), 'https://contoso.servicebus.windows.net/scim-hc/scim/v2');
    assert.equal(toBaseUrl('https://contoso.servicebus.windows.net/scim-hc/scim/v2'), 'https://contoso.servicebus.windows.net/scim-hc');
  });

  it('knows the addresses Entra’s cloud cannot reach', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.20', '169.254.1.1', '100.64.0.1', '::1', 'fd12:3456::1', 'fe80::1', '::ffff:192.168.1.1']) {
      assert.equal(isPrivateAddress(address), true, address);
    }
    for (const address of ['20.190.128.1', '172.32.0.1', '2603:1030::1']) assert.equal(isPrivateAddress(address), false, address);
  });
});

describe('check from outside, against local HTTPS servers with test certificates', () => {
  it('passes every step for a trusted certificate and the right token, probing as Entra does (random userName, no User-Agent)', async () => {
    const seen: Seen[] = [];
    const port = await https(trusted, scimLike(seen));
    const result = await check(`https://localhost:${port}`);
    assert.deepEqual(statuses(result), { dns: 'pass', tcp: 'pass', tlsChain: 'pass', tlsExpiry: 'pass', tlsName: 'pass', auth: 'pass', answer: 'pass' }, JSON.stringify(result.steps, null, 1));
    assert.equal(result.passed, true);
    assert.equal(result.url, `https://localhost:${port}/scim/v2`);
    assert.equal(result.certificate?.subject, 'localhost');
    assert.ok(result.certificate!.daysLeft >= 88);
    const [request] = seen;
    assert.match(request!.url, /^\/scim\/v2\/Users\?filter=userName\+eq\+%22scimdesk-check-[0-9a-f-]{36}%22$/);
    assert.equal(request!.headers['user-agent'], undefined, 'Entra sends no User-Agent (ngrok shows browsers a warning page instead of the answer)');
    assert.equal(request!.headers.authorization, `Bearer ${GOOD_TOKEN}`);
    const second = await check(`https://localhost:${port}/scim/v2`);
    assert.notEqual(seen[1]!.url, request!.url, 'a new random userName each time');
    assert.equal(second.passed, true);
  });

  it('fails on an expired certificate: its own result, with the chain and name fine and no token sent', async () => {
    const seen: Seen[] = [];
    const expired = issueTestCertificate({ names: ['localhost'], notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - 2 * DAY) });
    const port = await https(expired, scimLike(seen));
    const result = await check(`https://localhost:${port}`);
    assert.deepEqual(statuses(result), { dns: 'pass', tcp: 'pass', tlsChain: 'pass', tlsExpiry: 'fail', tlsName: 'pass', auth: 'skipped', answer: 'skipped' });
    assert.match(stepOf(result, 'tlsExpiry').summary, /^Expired on \d{4}-\d{2}-\d{2}$/);
    assert.match(stepOf(result, 'tlsExpiry').fix ?? '', /Renew the certificate/);
    assert.equal(result.passed, false);
    assert.deepEqual(seen, [], 'the token is not sent to a server whose certificate Entra would refuse');
  });

  it('warns about a certificate that expires within 30 days, and still passes', async () => {
    const soon = issueTestCertificate({ names: ['localhost'], notAfter: new Date(Date.now() + 10 * DAY + 3_600_000) });
    const port = await https(soon, scimLike([]));
    const result = await check(`https://localhost:${port}`);
    assert.equal(stepOf(result, 'tlsExpiry').status, 'warn');
    assert.match(stepOf(result, 'tlsExpiry').summary, /^Expires in 10 days/);
    assert.equal(result.passed, true);
  });

  it('fails on a certificate for another name', async () => {
    const other = issueTestCertificate({ names: ['scim.fabrikam.example'] });
    const port = await https(other, scimLike([]));
    const result = await check(`https://localhost:${port}`);
    assert.deepEqual(statuses(result), { dns: 'pass', tcp: 'pass', tlsChain: 'pass', tlsExpiry: 'pass', tlsName: 'fail', auth: 'skipped', answer: 'skipped' });
    assert.equal(stepOf(result, 'tlsName').summary, 'Issued for scim.fabrikam.example, not localhost');
  });

  it('fails on a self-signed certificate, saying Entra refuses those', async () => {
    const own = issueTestCertificate({ names: ['localhost'], selfSigned: true });
    const port = await https(own, scimLike([]));
    const result = await check(`https://localhost:${port}`);
    assert.deepEqual(statuses(result), { dns: 'pass', tcp: 'pass', tlsChain: 'fail', tlsExpiry: 'pass', tlsName: 'pass', auth: 'skipped', answer: 'skipped' });
    assert.match(stepOf(result, 'tlsChain').summary, /self-signed: Entra refuses self-signed certificates/);
  });

  it('fails on a wrong token: the certificate passes, the token step says 401 and how to fix it', async () => {
    const port = await https(trusted, scimLike([]));
    const result = await check(`https://localhost:${port}`, { bearer: 'scimdesk_an-old-token' });
    assert.deepEqual(statuses(result), { dns: 'pass', tcp: 'pass', tlsChain: 'pass', tlsExpiry: 'pass', tlsName: 'pass', auth: 'fail', answer: 'skipped' });
    assert.equal(stepOf(result, 'auth').summary, 'The endpoint refused this token (401)');
    assert.match(stepOf(result, 'auth').fix ?? '', /Secret Token/);
  });

  it('says the URL leads to another ScimDesk when its check key is refused', async () => {
    const port = await https(trusted, scimLike([]));
    const result = await check(`https://localhost:${port}`, { bearer: 'scimdesk_check_not-this-one', credential: 'checkKey' });
    assert.equal(stepOf(result, 'auth').status, 'fail');
    assert.match(stepOf(result, 'auth').summary, /Another ScimDesk answers at this URL/);
  });

  it('fails on a closed port: the connection step, with nothing after it tried', async () => {
    const port = await closedPort();
    const result = await check(`https://127.0.0.1:${port}`);
    assert.deepEqual(statuses(result), { dns: 'pass', tcp: 'fail', tlsChain: 'skipped', tlsExpiry: 'skipped', tlsName: 'skipped', auth: 'skipped', answer: 'skipped' });
    assert.match(stepOf(result, 'tcp').summary, /^The connection to port \d+ was refused/);
    assert.match(stepOf(result, 'tcp').fix ?? '', /Nothing listens on port \d+ there/);
  });

  it('fails where the DNS has no record for the name', async () => {
    const lookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND scim.contoso.example'), { code: 'ENOTFOUND' });
    };
    const result = await check('https://scim.contoso.example', { lookup });
    assert.equal(stepOf(result, 'dns').status, 'fail');
    assert.equal(stepOf(result, 'dns').summary, 'No DNS record for scim.contoso.example');
    assert.equal(stepOf(result, 'tcp').status, 'skipped');
  });

  it('from the internet, refuses an address on this computer or a private network', async () => {
    const port = await https(trusted, scimLike([]));
    const result = await check(`https://localhost:${port}`, { from: 'internet' });
    assert.equal(stepOf(result, 'dns').status, 'fail');
    assert.match(stepOf(result, 'dns').summary, /which Entra's cloud cannot reach/);
    assert.match(stepOf(result, 'dns').fix ?? '', /tunnel/);
    const lookup = async () => [{ address: '10.0.0.7', family: 4 }];
    assert.equal(stepOf(await check('https://scim.corp.example', { from: 'internet', lookup }), 'dns').status, 'fail');
  });

  it('fails on plain HTTP from the internet; inside the network it is a warning and the probe still runs', async () => {
    const seen: Seen[] = [];
    const port = await listen(createHttpServer(scimLike(seen)));
    const outside = await check(`http://127.0.0.1:${port}`, { from: 'internet', lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
    assert.equal(stepOf(outside, 'dns').status, 'fail');
    const inside = await check(`http://127.0.0.1:${port}`);
    assert.deepEqual(statuses(inside), { dns: 'pass', tcp: 'pass', tlsChain: 'warn', tlsExpiry: 'skipped', tlsName: 'skipped', auth: 'pass', answer: 'pass' });
    assert.equal(inside.passed, true);
  });

  it('gives up on a server that accepts the connection and never answers, within the time limit', async () => {
    const sockets: Socket[] = [];
    const silent = createNetServer((socket) => void sockets.push(socket));
    const port = await listen(silent as unknown as Server);
    after(() => sockets.forEach((socket) => socket.destroy()));
    const started = Date.now();
    const result = await check(`https://127.0.0.1:${port}`, { timeoutMs: 500 });
    assert.equal(stepOf(result, 'tlsChain').status, 'fail');
    assert.match(stepOf(result, 'tlsChain').summary, /took longer than/);
    assert.ok(Date.now() - started < 3_000, 'bounded by the time limit');
  });

  it('says when an https URL reaches a port that speaks plain HTTP', async () => {
    const port = await listen(createHttpServer(scimLike([])));
    const result = await check(`https://127.0.0.1:${port}`);
    assert.equal(stepOf(result, 'tlsChain').status, 'fail');
    assert.match(stepOf(result, 'tlsChain').summary, /answers without TLS/);
  });

  it('fails on what is not a SCIM answer: a 404, a page, a list that ignored the filter, a tunnel that cannot reach ScimDesk', async () => {
    const cases: Array<[number, string, string, RegExp]> = [
      [404, 'text/plain', 'Not Found', /No SCIM endpoint at this path \(404\)/],
      [200, 'text/html', '<html>Sign in</html>', /Not a SCIM answer \(text\/html\)/],
      [200, 'application/scim+json', JSON.stringify({ ...LIST, totalResults: 3 }), /filter was ignored/],
      [502, 'text/html', 'ERR_NGROK_8012', /could not reach ScimDesk behind it/],
    ];
    for (const [status, type, body, expected] of cases) {
      const port = await https(trusted, (_req, res) => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      });
      const result = await check(`https://localhost:${port}`);
      assert.equal(stepOf(result, 'answer').status, 'fail', `${status} ${type}`);
      assert.match(stepOf(result, 'answer').summary, expected);
      assert.equal(result.passed, false);
    }
  });
});
