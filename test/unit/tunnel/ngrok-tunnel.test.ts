import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createNgrokTunnel, loadNgrokSdk, type NgrokForwardConfig, type NgrokListener, type NgrokSdk } from '../../../main/tunnel/ngrok-tunnel';
import { TunnelRunner, type TunnelEvent, type TunnelState } from '../../../main/tunnel/tunnel-runner';
import { eventually } from '../../support/eventually';

/**
 * ngrok's service stands behind the SDK's `forward()`: this fake is what the SDK promises (a listener
 * with its URL; the session's status callback; errors carrying ngrok's code), driven by the test.
 */
class FakeNgrok implements NgrokSdk {
  readonly calls: NgrokForwardConfig[] = [];
  readonly closed: string[] = [];
  /** What each forward() does: a URL, or an error with ngrok's code. */
  constructor(readonly script: Array<string | { code: string; message: string }>) {}

  async forward(config: NgrokForwardConfig): Promise<NgrokListener> {
    this.calls.push(config);
    const next = this.script.shift() ?? { code: 'ERR_NGROK_9999', message: 'script ended' };
    if (typeof next !== 'string') throw Object.assign(new Error(next.message), { errorCode: next.code });
    return { url: () => next, close: async () => void this.closed.push(next) };
  }

  /** The SDK's session callback, as it fires when the connection to ngrok drops and comes back. */
  status(value: 'closed' | 'connected'): void {
    this.calls.at(-1)!.onStatusChange!(value);
  }
}

function run(sdk: FakeNgrok, settings = { authtoken: '2abcDEF_authtoken', domain: '' }, https = false) {
  const events: Array<{ state: TunnelState; event: TunnelEvent }> = [];
  const runner = new TunnelRunner({ now: () => new Date(), backoff: { initialMs: 10, maxMs: 40 }, selfRecoveryMs: 5_000, onChange: (state, event) => events.push({ state, event }) });
  const started = runner.run(createNgrokTunnel(settings, () => sdk), () => ({ host: '127.0.0.1', port: 8631, https }));
  return { runner, started, events };
}

describe('ngrok tunnel (against a fake of the ngrok SDK)', () => {
  it('forwards to the endpoint with the authtoken and reserved domain, and is online at the URL ngrok gives', async () => {
    const sdk = new FakeNgrok(['https://scimdesk.ngrok.app']);
    const { runner, started } = run(sdk, { authtoken: '2abcDEF_authtoken', domain: 'scimdesk.ngrok.app' }, true);
    const state = await started;
    assert.equal(state.status, 'online');
    assert.equal(state.publicUrl, 'https://scimdesk.ngrok.app');
    const call = sdk.calls[0]!;
    assert.equal(call.addr, 'https://127.0.0.1:8631');
    assert.equal(call.authtoken, '2abcDEF_authtoken');
    assert.equal(call.domain, 'scimdesk.ngrok.app');
    assert.equal(call.verify_upstream_tls, false, "the endpoint's own certificate may be self-signed: only ngrok connects to it");
    await runner.stop();
    assert.deepEqual(sdk.closed, ['https://scimdesk.ngrok.app'], 'stop closes the listener');
  });

  it("shows a dropped session as reconnecting and back online when the SDK reconnects it", async () => {
    const sdk = new FakeNgrok(['https://random-words.ngrok-free.app']);
    const { runner, started, events } = run(sdk);
    await started;
    assert.equal(sdk.calls[0]!.domain, undefined, 'no domain: ngrok picks one');
    sdk.status('closed');
    assert.equal(runner.current().status, 'reconnecting');
    assert.match(runner.current().reason ?? '', /connection to ngrok was lost/);
    sdk.status('connected');
    assert.equal(runner.current().status, 'online');
    assert.deepEqual(events.map((e) => e.event.kind), ['starting', 'online', 'down', 'restored']);
    await runner.stop();
  });

  it('retries a network failure with backoff and is online once ngrok answers', async () => {
    const sdk = new FakeNgrok([{ code: 'ERR_NGROK_8012', message: 'failed to dial ngrok server' }, { code: '', message: 'timeout' }, 'https://x.ngrok.app']);
    const { runner, started, events } = run(sdk);
    assert.equal((await started).status, 'reconnecting');
    await eventually(async () => assert.equal(runner.current().status, 'online'));
    assert.deepEqual(events.filter((e) => e.event.kind === 'retrying').map((e) => e.event.delayMs), [10, 20]);
    assert.equal(sdk.calls.length, 3);
    await runner.stop();
  });

  it('fails at once, naming the fix, when ngrok refuses the authtoken', async () => {
    const sdk = new FakeNgrok([{ code: 'ERR_NGROK_107', message: 'authentication failed: The authtoken you specified is properly formed, but it is invalid.' }]);
    const { runner, started } = run(sdk);
    const state = await started;
    assert.equal(state.status, 'failed');
    assert.match(state.reason ?? '', /refused the authtoken.*Your Authtoken.*ERR_NGROK_107/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(sdk.calls.length, 1, 'not retried');
    await runner.stop();
  });

  it("keeps the authtoken out of the reason when one of ngrok's messages quotes it", async () => {
    const sdk = new FakeNgrok([{ code: 'ERR_NGROK_9009', message: 'session closed: your authtoken 2abcDEF_authtoken is rate limited' }]);
    const { runner, started } = run(sdk);
    const state = await started;
    assert.equal(state.reason, 'ngrok could not start: session closed: your authtoken [redacted] is rate limited');
    await runner.stop();
  });

  it('loads the real SDK with the forward() it calls', () => {
    assert.equal(typeof loadNgrokSdk().forward, 'function');
  });
});
