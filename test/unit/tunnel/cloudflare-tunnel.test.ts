import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createCloudflareTunnel, findOnPath, parseCloudflaredLine, tunnelIdOf } from '../../../main/tunnel/cloudflare-tunnel';
import { TunnelRunner, type TunnelEvent, type TunnelState } from '../../../main/tunnel/tunnel-runner';
import { eventually } from '../../support/eventually';
import { cloudflareToken, installFakeCloudflared } from '../../support/fake-cloudflared';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('Cloudflare tunnel (a fake cloudflared first on PATH)', () => {
  const fake = installFakeCloudflared();
  after(() => fake.remove());

  function run(token: string, env: NodeJS.ProcessEnv, hostname = 'scim.contoso.test') {
    const events: Array<{ state: TunnelState; event: TunnelEvent }> = [];
    const runner = new TunnelRunner({ now: () => new Date(), backoff: { initialMs: 20, maxMs: 80 }, selfRecoveryMs: 10_000, onChange: (state, event) => events.push({ state, event }) });
    // No `command`: the tunnel runs "cloudflared" from PATH, as it does for an admin.
    const tunnel = createCloudflareTunnel({ token, hostname }, { env, connectTimeoutMs: 5_000, stopTimeoutMs: 2_000 });
    const started = runner.run(tunnel, () => ({ host: '127.0.0.1', port: 8631, https: false }));
    return { runner, started, events };
  }

  it('finds cloudflared on PATH', () => {
    assert.equal(findOnPath('cloudflared', fake.env()), `${fake.binDir}/cloudflared`);
    assert.equal(findOnPath('cloudflared', { PATH: '/nonexistent' }), undefined);
  });

  it('reads the tunnel id from a token and refuses what is not one', () => {
    assert.equal(tunnelIdOf(cloudflareToken()), '6ff42ae2-765d-4adf-8112-31c55c1551ef');
    assert.equal(tunnelIdOf('6ff42ae2-765d-4adf-8112-31c55c1551ef'), undefined, 'a tunnel id is not its token');
  });

  it('reads the routes the dashboard pushed from cloudflared’s log line', () => {
    const line = String.raw`2026-05-13T00:19:33Z INF Updated to new configuration config="{\"ingress\":[{\"hostname\":\"scim.contoso.com\",\"originRequest\":{\"noTLSVerify\":true},\"service\":\"https://localhost:8631\"},{\"originRequest\":{},\"service\":\"http_status:404\"}],\"warp-routing\":{\"enabled\":false}}" version=8`;
    assert.deepEqual(parseCloudflaredLine(line), { kind: 'routes', routes: [{ hostname: 'scim.contoso.com', service: 'https://localhost:8631' }] });
    assert.deepEqual(parseCloudflaredLine('2026-07-15T18:24:13Z INF Registered tunnel connection connIndex=3 connection=52b5 event=0 ip=198.41.219.4 location=mia01 protocol=http2'), { kind: 'registered', index: '3' });
    assert.deepEqual(parseCloudflaredLine('2026-07-15T18:38:42Z INF Unregistered tunnel connection connIndex=2 event=0 ip=198.41.218.3'), { kind: 'unregistered', index: '2' });
  });

  it('starts, is online at the configured hostname, drops and comes back, is restarted with backoff after a crash, and stops', async () => {
    const { runner, started, events } = run(cloudflareToken(), fake.env({ FAKE_CLOUDFLARED_HOSTNAME: 'scim.contoso.test', FAKE_CLOUDFLARED_SERVICE: 'http://localhost:8631' }));
    const state = await started;
    assert.equal(state.status, 'online', JSON.stringify(events.map((e) => e.event)));
    assert.equal(state.publicUrl, 'https://scim.contoso.test');
    assert.equal(state.warning, null, 'the route points at the endpoint');
    const [first] = fake.invocations();
    assert.deepEqual(first!.argv, ['tunnel', '--no-autoupdate', 'run']);
    assert.equal(first!.tokenInEnv, true, 'the token goes in TUNNEL_TOKEN, not on a command line other processes can read');

    process.kill(first!.pid, 'SIGUSR1');
    await eventually(() => assert.equal(runner.current().status, 'reconnecting'));
    assert.match(runner.current().reason ?? '', /lost its connections/);
    process.kill(first!.pid, 'SIGUSR2');
    await eventually(() => assert.equal(runner.current().status, 'online'));
    assert.equal(fake.invocations().length, 1, 'cloudflared reconnected by itself');

    process.kill(first!.pid, 'SIGKILL');
    await eventually(() => assert.equal(fake.invocations().length, 2));
    await eventually(() => assert.equal(runner.current().status, 'online'));
    const retry = events.find((e) => e.event.kind === 'retrying');
    assert.equal(retry?.event.delayMs, 20, 'a new cloudflared after the first backoff wait');
    assert.match(retry!.event.message, /cloudflared exited \(SIGKILL\)/);

    const second = fake.invocations()[1]!;
    await runner.stop();
    assert.equal(runner.current().status, 'stopped');
    await eventually(() => assert.equal(alive(second.pid), false, 'stop ends cloudflared'));
    assert.equal(fake.invocations().length, 2, 'nothing restarts it after stop');
  });

  it('warns when the dashboard routes the hostname somewhere else, and keeps running', async () => {
    const { runner, started } = run(cloudflareToken(), fake.env({ FAKE_CLOUDFLARED_HOSTNAME: 'scim.contoso.test', FAKE_CLOUDFLARED_SERVICE: 'http://localhost:8080' }));
    await started;
    await eventually(() => assert.match(runner.current().warning ?? '', /sends scim\.contoso\.test to http:\/\/localhost:8080, not to ScimDesk at http:\/\/127\.0\.0\.1:8631/));
    assert.equal(runner.current().status, 'online');
    await runner.stop();
  });

  it('fails without retrying when Cloudflare refuses the token', async () => {
    const before = fake.invocations().length;
    const { runner, started } = run(cloudflareToken('revoked'), fake.env());
    const state = await started;
    assert.equal(state.status, 'failed');
    assert.match(state.reason ?? '', /Cloudflare refused the tunnel token: .*Unauthorized/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(fake.invocations().length, before + 1, 'not retried');
    await runner.stop();
  });

  it('fails, saying how to install it, when cloudflared is not on PATH', async () => {
    const { runner, started } = run(cloudflareToken(), { ...process.env, PATH: '/nonexistent' });
    const state = await started;
    assert.equal(state.status, 'failed');
    assert.match(state.reason ?? '', /cloudflared was not found on PATH: install it/);
    await runner.stop();
  });

  it('refuses a tunnel id given instead of the token before starting anything', async () => {
    const before = fake.invocations().length;
    const { runner, started } = run('6ff42ae2-765d-4adf-8112-31c55c1551ef', fake.env());
    assert.equal((await started).status, 'failed');
    assert.match(runner.current().reason ?? '', /not a Cloudflare tunnel token/);
    assert.equal(fake.invocations().length, before);
    await runner.stop();
  });
});
