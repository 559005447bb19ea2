import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIpcTransport } from '../../../renderer/api/ipc-transport';
import { syncLogFilterFromHash } from '../../../renderer/state/sync-log-link';
import type { AdminTransport, EventName } from '../../../shared/admin/contract';

/** A preload bridge that answers what it is told to, and records what it was asked. */
function fakeBridge(answer: (method: string, input: unknown) => Promise<unknown>) {
  const calls: Array<[string, unknown]> = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const bridge = {
    call: (method: string, input: unknown) => {
      calls.push([method, input]);
      return answer(method, input);
    },
    subscribe: (event: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set.add(listener));
      return () => set.delete(listener);
    },
  } as unknown as AdminTransport;
  const emit = (event: EventName, payload: unknown) => listeners.get(event)?.forEach((listener) => listener(payload));
  return { bridge, calls, emit };
}

describe("the renderer's IPC transport (the preload's bridge)", () => {
  it("passes calls to the bridge and its AdminResults back as they are", async () => {
    const fake = fakeBridge(async (method) => (method === 'overview.get' ? { ok: true, value: { scimUrl: 'x' } } : { ok: false, error: { code: 'invalidInput', message: 'count: too big', issues: [{ path: 'count', message: 'too big' }] } }));
    const transport = createIpcTransport(fake.bridge);
    assert.deepEqual(await transport.call('overview.get', {}), { ok: true, value: { scimUrl: 'x' } });
    assert.deepEqual(await transport.call('users.list', { count: 501 }), { ok: false, error: { code: 'invalidInput', message: 'count: too big', issues: [{ path: 'count', message: 'too big' }] } });
    assert.deepEqual(fake.calls, [
      ['overview.get', {}],
      ['users.list', { count: 501 }],
    ]);
  });

  it('turns a failed IPC call into an unavailable result, and an unreadable answer into an internal one', async () => {
    const failing = createIpcTransport(fakeBridge(() => Promise.reject(new Error("Error invoking remote method 'scimdesk:call:overview.get': reply was never sent"))).bridge);
    const failed = await failing.call('overview.get', {});
    assert.equal(failed.ok, false);
    if (!failed.ok) {
      assert.equal(failed.error.code, 'unavailable');
      assert.match(failed.error.message, /reply was never sent/);
    }
    for (const odd of [undefined, 'ok', { ok: false, error: { code: 'teapot', message: 'x' } }, { ok: true }]) {
      const result = await createIpcTransport(fakeBridge(async () => odd).bridge).call('overview.get', {});
      assert.equal(result.ok, false, JSON.stringify(odd));
      if (!result.ok) assert.equal(result.error.code, 'internal');
    }
  });

  it("hands the bridge's events to its listeners until they unsubscribe, and needs no session", () => {
    const fake = fakeBridge(async () => ({ ok: true, value: null }));
    const transport = createIpcTransport(fake.bridge);
    const heard: unknown[] = [];
    const unsubscribe = transport.subscribe('overview.changed', (payload) => heard.push(payload));
    fake.emit('overview.changed', { n: 1 });
    unsubscribe();
    fake.emit('overview.changed', { n: 2 });
    assert.deepEqual(heard, [{ n: 1 }]);
    assert.equal(transport.connect, undefined, 'the window is its session: no login');
    assert.equal(transport.onReconnect, undefined, 'IPC does not drop');
  });
});

describe('links to the Sync log', () => {
  it("reads the filters of the desktop notification's link", () => {
    assert.deepEqual(syncLogFilterFromHash('#/sync-log?outcome=error&client=entra&range=day'), { range: 'day', outcome: 'error', client: 'entra' });
    assert.deepEqual(syncLogFilterFromHash('#/sync-log?operation=patch&text=adele'), { operation: 'patch', text: 'adele' });
  });

  it('ignores unknown values and other screens', () => {
    assert.deepEqual(syncLogFilterFromHash('#/sync-log?outcome=everything&client=okta&range=decade'), {});
    assert.equal(syncLogFilterFromHash('#/sync-log'), undefined);
    assert.equal(syncLogFilterFromHash('#/users?outcome=error'), undefined);
  });
});
