import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TunnelError, type LocalTarget, type OpenTunnel, type Tunnel, type TunnelSignals } from '../../../main/tunnel/tunnel';
import { backoffDelay, TunnelRunner, type TunnelEvent, type TunnelState } from '../../../main/tunnel/tunnel-runner';
import { eventually } from '../../support/eventually';

const TARGET: LocalTarget = { host: '127.0.0.1', port: 8631, https: false };
const BACKOFF = { initialMs: 20, maxMs: 80 };

/** A provider whose every open() does what the test queued: succeed with a URL, or fail. */
class ScriptedTunnel implements Tunnel {
  readonly provider = 'ngrok' as const;
  readonly opens: Array<{ at: number; target: LocalTarget }> = [];
  readonly closes: string[] = [];
  signals: TunnelSignals | undefined;
  constructor(private readonly script: Array<string | Error>) {}

  async open(target: LocalTarget, signals: TunnelSignals): Promise<OpenTunnel> {
    this.opens.push({ at: performance.now(), target });
    const next = this.script.shift() ?? new TunnelError('script ended', true);
    if (next instanceof Error) throw next;
    this.signals = signals;
    return { publicUrl: next, close: async () => void this.closes.push(next) };
  }
}

function runner(options: { selfRecoveryMs?: number } = {}) {
  const events: Array<{ event: TunnelEvent; state: TunnelState }> = [];
  const r = new TunnelRunner({ now: () => new Date(), backoff: BACKOFF, selfRecoveryMs: options.selfRecoveryMs ?? 10_000, onChange: (state, event) => events.push({ state, event }) });
  return { r, events, kinds: () => events.map((e) => e.event.kind) };
}

describe('TunnelRunner', () => {
  it('doubles the wait after each failure in a row, up to the maximum', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffDelay(BACKOFF, n)), [20, 40, 80, 80, 80]);
  });

  it('starts, is online with the public URL, reconnects with backoff after a drop, and stops', async () => {
    const tunnel = new ScriptedTunnel(['https://a.example', new TunnelError('no network', false), new TunnelError('still none', false), 'https://a.example']);
    const { r, events, kinds } = runner();
    const started = await r.run(tunnel, () => TARGET);
    assert.equal(started.status, 'online');
    assert.equal(started.publicUrl, 'https://a.example');
    assert.deepEqual(tunnel.opens[0]!.target, TARGET);

    tunnel.signals!.closed('the process exited');
    assert.equal(r.current().status, 'reconnecting');
    assert.equal(r.current().publicUrl, 'https://a.example', 'Entra keeps the URL it has while the tunnel reconnects');
    await eventually(async () => assert.equal(r.current().status, 'online'));
    const retries = events.filter((e) => e.event.kind === 'retrying').map((e) => e.event.delayMs);
    assert.deepEqual(retries, [20, 40, 80], 'exponential backoff between the attempts');
    const gaps = tunnel.opens.slice(1).map((open, i) => open.at - tunnel.opens[i]!.at);
    assert.ok(gaps[1]! >= 35 && gaps[2]! >= 75, `the waits really happened: ${gaps.map(Math.round).join(', ')} ms`);
    assert.equal(r.current().attempts, 0, 'back online resets the count');
    assert.equal(kinds().at(-1), 'restored');

    await r.stop();
    assert.equal(r.current().status, 'stopped');
    assert.deepEqual(tunnel.closes, ['https://a.example'], 'stop closes the open connection');
    tunnel.signals!.closed('late signal');
    assert.equal(r.current().status, 'stopped', 'a signal from a closed connection is ignored');
  });

  it('does not retry an error that retrying cannot fix: failed, with the reason', async () => {
    const tunnel = new ScriptedTunnel([new TunnelError('the authtoken was refused', true)]);
    const { r } = runner();
    const state = await r.run(tunnel, () => TARGET);
    assert.equal(state.status, 'failed');
    assert.equal(state.reason, 'the authtoken was refused');
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(tunnel.opens.length, 1, 'no second attempt');
  });

  it('lets a provider that reconnects itself come back, and opens a fresh connection when it does not in time', async () => {
    const tunnel = new ScriptedTunnel(['https://a.example', 'https://b.example']);
    const { r, kinds, events } = runner({ selfRecoveryMs: 50 });
    await r.run(tunnel, () => TARGET);
    tunnel.signals!.down('session lost');
    assert.equal(r.current().status, 'reconnecting');
    tunnel.signals!.up();
    assert.equal(r.current().status, 'online');
    assert.equal(tunnel.opens.length, 1, 'it came back by itself');

    tunnel.signals!.down('session lost again');
    await eventually(async () => assert.equal(r.current().publicUrl, 'https://b.example'));
    assert.equal(tunnel.opens.length, 2, 'a fresh connection after the self-recovery time');
    assert.deepEqual(tunnel.closes, ['https://a.example'], 'the stuck one was closed');
    assert.ok(kinds().includes('urlChanged'), 'a new URL is an event of its own');
    assert.match(events.find((e) => e.event.kind === 'urlChanged')!.event.message, /update the Tenant URL in Entra/);
    await r.stop();
  });

  it('waits for the endpoint when it is not listening', async () => {
    const tunnel = new ScriptedTunnel(['https://a.example']);
    const { r } = runner();
    let listening = false;
    const state = await r.run(tunnel, () => (listening ? TARGET : undefined));
    assert.equal(state.status, 'reconnecting');
    assert.match(state.reason ?? '', /not listening/);
    listening = true;
    await eventually(async () => assert.equal(r.current().status, 'online'));
    await r.stop();
  });

  it('counts an attempt that neither connects nor fails in time as failed, retries, and closes the late connection', async () => {
    let late: (() => void) | undefined;
    const closed: string[] = [];
    let opens = 0;
    const tunnel: Tunnel = {
      provider: 'cloudflare',
      open: () => {
        opens++;
        if (opens === 1) return new Promise<OpenTunnel>((resolve) => (late = () => resolve({ publicUrl: 'https://late.example', close: async () => void closed.push('late') })));
        return Promise.resolve({ publicUrl: 'https://b.example', close: async () => void closed.push('b') });
      },
    };
    // The runner's timers do not keep a process alive (a service has its listeners for that): this test holds it.
    const alive = setInterval(() => undefined, 1000);
    after(() => clearInterval(alive));
    const r = new TunnelRunner({ now: () => new Date(), backoff: BACKOFF, openTimeoutMs: 30, onChange: () => undefined });
    const state = await r.run(tunnel, () => TARGET);
    assert.equal(state.status, 'reconnecting');
    assert.equal(state.reason, 'The Cloudflare tunnel did not connect within 30 ms');
    await eventually(async () => assert.equal(r.current().publicUrl, 'https://b.example'));
    late!();
    await eventually(async () => assert.deepEqual(closed, ['late']));
    assert.equal(r.current().publicUrl, 'https://b.example', 'the late one does not replace the one in use');
    await r.stop();
  });

  it('keeps a warning on the state without stopping the tunnel', async () => {
    const tunnel = new ScriptedTunnel(['https://a.example']);
    const { r } = runner();
    await r.run(tunnel, () => TARGET);
    tunnel.signals!.warn('route points elsewhere');
    assert.equal(r.current().status, 'online');
    assert.equal(r.current().warning, 'route points elsewhere');
    await r.stop();
  });
});
