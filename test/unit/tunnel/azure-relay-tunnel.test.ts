import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  createAzureRelayTunnel,
  relayHost,
  relayPublicUrl,
  stripConnectionPath,
  type RelayedRequest,
  type RelayedResponse,
  type RelayedServer,
  type RelaySdk,
} from '../../../main/tunnel/azure-relay-tunnel';
import { TunnelRunner, type TunnelEvent, type TunnelState } from '../../../main/tunnel/tunnel-runner';
import { eventually } from '../../support/eventually';
import { issueTestCertificate } from '../../support/test-certificates';

/** Azure Relay behind hyco-https's server: 'listening' when the control channel opens, 'error' when it fails. */
class FakeRelayServer extends EventEmitter implements RelayedServer {
  controlChannel = { readyState: 0 };
  closed = false;
  constructor(
    readonly options: { server: string; token: () => string },
    readonly listener: (req: RelayedRequest, res: RelayedResponse) => void,
    private readonly behaviour: 'accept' | 'refuse' | 'unreachable',
  ) {
    super();
  }
  listen(): void {
    setTimeout(() => {
      if (this.behaviour === 'refuse') this.emit('error', new Error('Unexpected server response: 401'));
      else if (this.behaviour === 'unreachable') this.emit('error', new Error('getaddrinfo EAI_AGAIN contoso-scim.servicebus.windows.net'));
      else {
        this.controlChannel = { readyState: 1 };
        this.emit('listening');
      }
    }, 5);
  }
  close(callback?: (error?: unknown) => void): void {
    this.closed = true;
    callback?.();
  }
  /** A request as the Relay hands it over: the hybrid connection's path first. */
  relay(method: string, url: string, headers: IncomingHttpHeaders, body = ''): Promise<{ status: number; headers: OutgoingHttpHeaders; body: string }> {
    return new Promise((resolve) => {
      const req = Object.assign(Readable.from(body ? [Buffer.from(body)] : []), { method, url, headers }) as RelayedRequest;
      let status = 0;
      let out: OutgoingHttpHeaders = {};
      this.listener(req, {
        writeHead: (code, h) => {
          status = code;
          out = h ?? {};
        },
        end: (data) => resolve({ status, headers: out, body: data === undefined ? '' : data.toString() }),
      });
    });
  }
}

class FakeHyco implements RelaySdk {
  readonly servers: FakeRelayServer[] = [];
  readonly tokens: Array<[string, string, string]> = [];
  /** How each relayed server created in turn behaves; the last one repeats. */
  constructor(private readonly behaviours: Array<'accept' | 'refuse' | 'unreachable'> = ['accept']) {}
  createRelayListenUri(namespace: string, path: string): string {
    return `wss://${namespace}:443/$hc/${path}?sb-hc-action=listen`;
  }
  createRelayToken(uri: string, keyName: string, key: string): string {
    this.tokens.push([uri, keyName, key]);
    return `SharedAccessSignature sr=x&sig=y&se=1&skn=${keyName}`;
  }
  createRelayedServer(options: { server: string; token: () => string }, listener: (req: RelayedRequest, res: RelayedResponse) => void): RelayedServer {
    const server = new FakeRelayServer(options, listener, this.behaviours.length > 1 ? this.behaviours.shift()! : this.behaviours[0]!);
    this.servers.push(server);
    return server;
  }
}

const SETTINGS = { namespace: 'contoso-scim', connectionName: 'scim-hc', keyName: 'listen-only', key: 'c2FzLWtleQ==' };

describe('Azure Relay tunnel (against a fake of hyco-https and the Relay)', () => {
  let local: Server;
  let port = 0;
  const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }> = [];

  before(async () => {
    local = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/scim+json', 'x-request-id': 'r1' });
        res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] }));
      });
    });
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    port = (local.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => local.close(() => resolve())));

  function run(sdk: FakeHyco) {
    const events: Array<{ state: TunnelState; event: TunnelEvent }> = [];
    const runner = new TunnelRunner({ now: () => new Date(), backoff: { initialMs: 20, maxMs: 80 }, selfRecoveryMs: 10_000, onChange: (state, event) => events.push({ state, event }) });
    const started = runner.run(createAzureRelayTunnel(SETTINGS, () => sdk, { connectTimeoutMs: 2_000, pollMs: 10 }), () => ({ host: '127.0.0.1', port, https: false }));
    return { runner, started, events };
  }

  it('names the public URL after the namespace and the hybrid connection', () => {
    assert.equal(relayHost('contoso-scim'), 'contoso-scim.servicebus.windows.net');
    assert.equal(relayHost('https://contoso-scim.servicebus.usgovcloudapi.net/'), 'contoso-scim.servicebus.usgovcloudapi.net');
    assert.equal(relayPublicUrl(SETTINGS), 'https://contoso-scim.servicebus.windows.net/scim-hc');
    assert.equal(stripConnectionPath('/scim-hc/scim/v2/Users?filter=x', 'scim-hc'), '/scim/v2/Users?filter=x');
    assert.equal(stripConnectionPath('/SCIM-HC/scim/v2/Users', 'scim-hc'), '/scim/v2/Users');
  });

  it('listens with a SAS token, passes relayed requests on to the endpoint, drops and comes back, and stops', async () => {
    const sdk = new FakeHyco();
    const { runner, started, events } = run(sdk);
    const state = await started;
    assert.equal(state.status, 'online');
    assert.equal(state.publicUrl, 'https://contoso-scim.servicebus.windows.net/scim-hc');
    const server = sdk.servers[0]!;
    assert.equal(server.options.server, 'wss://contoso-scim.servicebus.windows.net:443/$hc/scim-hc?sb-hc-action=listen');
    assert.match(server.options.token(), /^SharedAccessSignature /);
    assert.deepEqual(sdk.tokens[0], [server.options.server, 'listen-only', 'c2FzLWtleQ==']);

    const answer = await server.relay('GET', '/scim-hc/scim/v2/Users?filter=userName+eq+%22x%22', {
      host: 'contoso-scim.servicebus.windows.net',
      authorization: 'Bearer scimdesk_token',
      connection: 'keep-alive',
    });
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.body).totalResults, 0);
    assert.equal(answer.headers['x-request-id'], 'r1');
    const request = seen.at(-1)!;
    assert.equal(request.url, '/scim/v2/Users?filter=userName+eq+%22x%22', "the hybrid connection's path is taken off");
    assert.equal(request.headers.authorization, 'Bearer scimdesk_token', "Entra's bearer token passes through");
    assert.equal(request.headers.host, `127.0.0.1:${port}`);

    const patch = await server.relay('PATCH', '/scim-hc/scim/v2/Users/1', { 'content-type': 'application/scim+json' }, '{"Operations":[]}');
    assert.equal(patch.status, 200);
    assert.equal(seen.at(-1)!.body, '{"Operations":[]}', 'the body is passed on');

    server.controlChannel = { readyState: 3 };
    await eventually(() => assert.equal(runner.current().status, 'reconnecting'));
    server.controlChannel = { readyState: 1 };
    server.emit('listening');
    await eventually(() => assert.equal(runner.current().status, 'online'));
    assert.deepEqual(
      events.map((e) => e.event.kind),
      ['starting', 'online', 'down', 'restored'],
    );

    await runner.stop();
    assert.equal(server.closed, true);
  });

  it('retries with backoff while the Relay cannot be reached, then listens', async () => {
    const sdk = new FakeHyco(['unreachable', 'unreachable', 'accept']);
    const { runner, started, events } = run(sdk);
    assert.equal((await started).status, 'reconnecting');
    await eventually(() => assert.equal(runner.current().status, 'online'));
    assert.deepEqual(events.filter((e) => e.event.kind === 'retrying').map((e) => e.event.delayMs), [20, 40]);
    assert.match(events.find((e) => e.event.kind === 'retrying')!.event.message, /could not be reached at contoso-scim\.servicebus\.windows\.net/);
    assert.deepEqual(sdk.servers.map((s) => s.closed), [true, true, false], "each failed listener's own reconnecting was stopped");
    await runner.stop();
  });

  it('fails without retrying when the Relay refuses the key', async () => {
    const sdk = new FakeHyco(['refuse']);
    const { runner, started } = run(sdk);
    const state = await started;
    assert.equal(state.status, 'failed');
    assert.match(state.reason ?? '', /refused the shared access key "listen-only".*Listen claim/);
    assert.equal(sdk.servers[0]!.closed, true, "hyco-https's own reconnecting is stopped");
    await runner.stop();
  });

  it('calls hyco-https with the names it exports, its token has the SAS shape, and the endpoint still serves HTTPS once it is loaded (in a child process: hyco-https patches node:https)', () => {
    const { certPem, keyPem } = issueTestCertificate({ names: ['localhost'], selfSigned: true });
    const script = `
      const https = require('node:https');
      const h = require('hyco-https');
      const uri = h.createRelayListenUri('contoso-scim.servicebus.windows.net', 'scim-hc');
      const token = h.createRelayToken(uri, 'listen-only', 'c2FzLWtleQ==');
      // What the SCIM endpoint does for HTTPS, after hyco-https replaced https.Server.
      const server = https.createServer({ cert: process.env.CERT, key: process.env.KEY }, (req, res) => res.end('still https'));
      server.listen(0, '127.0.0.1', () => {
        https.get({ host: '127.0.0.1', port: server.address().port, rejectUnauthorized: false }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => {
            server.close();
            console.log(JSON.stringify({ uri, token, server: typeof h.createRelayedServer, body }));
          });
        });
      });`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, CERT: certPem, KEY: keyPem }, timeout: 30_000 });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { uri: string; token: string; server: string; body: string };
    assert.equal(out.server, 'function');
    assert.equal(out.body, 'still https');
    assert.equal(out.uri, 'wss://contoso-scim.servicebus.windows.net:443/$hc/scim-hc?sb-hc-action=listen');
    assert.match(out.token, /^SharedAccessSignature sr=http%3A%2F%2Fcontoso-scim\.servicebus\.windows\.net(%3A443)?%2Fscim-hc&sig=[^&]+&se=\d+&skn=listen-only$/);
  });
});
