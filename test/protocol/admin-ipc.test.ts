import assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { unzipSync } from 'fflate';
import { forwardAdminEvents, registerAdminIpc } from '../../main/app/admin-ipc';
import { APP_URL } from '../../main/app/app-protocol';
import type { IpcInvokeEvent, IpcMainPort } from '../../main/app/electron-api';
import { isAppSender } from '../../main/app/window-security';
import { createAdminBridge } from '../../main/preload/admin-bridge';
import { adminUiActor } from '../../main/service/os-account';
import { EVENT_NAMES, METHOD_NAMES, type AdminResult, type AdminTransport } from '../../shared/admin/contract';
import { ADMIN_EVENT_CHANNEL, adminCallChannel } from '../../shared/admin/ipc-channels';
import { startTestCore, type TestCore } from '../support/start-test-core';

/**
 * The admin contract over the desktop app's IPC transport, Electron left out: the main process's
 * handlers (registerAdminIpc, as the desktop host wires them to the core) and the preload's bridge,
 * joined by a fake of Electron's IPC that carries what Electron would (the sender and its frame).
 */

type Handler = (event: IpcInvokeEvent, ...args: unknown[]) => unknown;

/** ipcMain as the handlers see it, and a way to invoke them as a given sender would. */
function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  const ipcMain: IpcMainPort = {
    handle: (channel, listener) => {
      assert.ok(!handlers.has(channel), `one handler per channel: ${channel}`);
      handlers.set(channel, listener as Handler);
    },
    removeHandler: (channel) => handlers.delete(channel),
  };
  const invoke = async (event: IpcInvokeEvent, channel: string, ...args: unknown[]) => {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    // Electron sends a structured clone of the answer, not the object.
    return structuredClone(await handler(event, ...args));
  };
  return { ipcMain, handlers, invoke };
}

describe('the admin contract over IPC', () => {
  let t: TestCore;
  const windowContents = { id: 'the app window' };
  const fromApp: IpcInvokeEvent = { sender: windowContents, senderFrame: { url: APP_URL, parent: null } };
  const ipc = fakeIpcMain();
  const sent: Array<[string, ...unknown[]]> = [];
  let bridge: AdminTransport;
  let unregister: () => void;
  let stopEvents: () => void;

  before(async () => {
    t = await startTestCore();
    unregister = registerAdminIpc({
      ipcMain: ipc.ipcMain,
      dispatch: t.core.admin.dispatch,
      actor: adminUiActor(),
      isAppSender: (event) => isAppSender(event, windowContents),
    });
    // The preload's end: its invoke goes to the handlers as the app window's main frame.
    let deliver: ((event: unknown, ...args: unknown[]) => void) | undefined;
    bridge = createAdminBridge({
      invoke: (channel, ...args) => ipc.invoke(fromApp, channel, ...args),
      on: (channel, listener) => {
        assert.equal(channel, ADMIN_EVENT_CHANNEL);
        deliver = listener;
      },
    });
    stopEvents = forwardAdminEvents(t.core.events, (channel, name, payload) => {
      sent.push([channel, name, payload]);
      deliver?.({}, name, structuredClone(payload));
    });
  });

  after(async () => {
    stopEvents();
    unregister();
    await t.stop();
  });

  it('handles exactly one channel per method of the contract, the channels the preload invokes', () => {
    assert.deepEqual([...ipc.handlers.keys()].sort(), METHOD_NAMES.map(adminCallChannel).sort());
  });

  it('answers a call from the app window through the dispatcher, audited as the OS account', async () => {
    const overview = await bridge.call('overview.get', {});
    assert.ok(overview.ok, JSON.stringify(overview));
    assert.equal(overview.value.scimUrl, t.core.endpoint.state()!.url);
    const saved = await bridge.call('directory.update', { name: 'Contoso HR', description: '', onInactive: 'suspend', onDelete: { mode: 'hard' }, duplicateExternalIds: 'refuse' });
    assert.ok(saved.ok, JSON.stringify(saved));
    const audit = await bridge.call('audit.list', {});
    assert.ok(audit.ok);
    assert.equal(audit.value.items[0]?.actor, `admin-ui:${userInfo().username}`);
  });

  it('carries the support bundle (a zip in base64) and its progress events, as over HTTP', async () => {
    const phases: string[] = [];
    const stop = bridge.subscribe('job.progress', (event) => {
      if (event.jobId === 'ipc-bundle') phases.push(event.phase);
    });
    const bundle = await bridge.call('support.bundle', { cycles: 1, jobId: 'ipc-bundle' });
    stop();
    assert.ok(bundle.ok, JSON.stringify(bundle));
    const files = unzipSync(Buffer.from(bundle.value.zipBase64, 'base64'));
    assert.ok('manifest.json' in files && 'sync-log.ndjson' in files);
    assert.equal(phases.at(-1), 'done');
  });

  it("validates every input with the contract's schemas: bad input is an invalidInput result naming the field", async () => {
    const bad = await bridge.call('token.generate', { lifetimeDays: -1 });
    assert.equal(bad.ok, false);
    if (!bad.ok) {
      assert.equal(bad.error.code, 'invalidInput');
      assert.deepEqual(bad.error.issues?.map((issue) => issue.path), ['lifetimeDays']);
    }
    const extra = (await ipc.invoke(fromApp, adminCallChannel('overview.get'), { sneaky: true })) as AdminResult<unknown>;
    assert.equal(extra.ok, false);
    if (!extra.ok) assert.match(extra.error.message, /sneaky/);
    const notObject = (await ipc.invoke(fromApp, adminCallChannel('users.list'), 'DROP TABLE')) as AdminResult<unknown>;
    assert.equal(notObject.ok, false);
    if (!notObject.ok) assert.equal(notObject.error.code, 'invalidInput');
    assert.equal((await t.core.tokens.list()).length, 1, 'the refused token.generate generated nothing');
  });

  it('refuses a call from any other sender before dispatching it: nothing runs, nothing is audited', async () => {
    const before = await t.core.store.listAudit({ limit: 100 });
    const senders: ReadonlyArray<readonly [string, IpcInvokeEvent]> = [
      ['another webContents', { sender: { id: 'a devtools or other window' }, senderFrame: { url: APP_URL, parent: null } }],
      ['a frame inside the page', { sender: windowContents, senderFrame: { url: APP_URL, parent: { url: APP_URL, parent: null } } }],
      ['a remote page', { sender: windowContents, senderFrame: { url: 'https://evil.example/', parent: null } }],
      ['a frame that is gone', { sender: windowContents, senderFrame: null }],
    ];
    for (const [who, event] of senders) {
      const answer = (await ipc.invoke(event, adminCallChannel('token.revoke'), {})) as AdminResult<unknown>;
      assert.deepEqual(answer.ok, false, who);
      if (!answer.ok) assert.equal(answer.error.code, 'forbidden', who);
    }
    assert.equal((await t.core.tokens.list()).filter((token) => token.revoked === null).length, 1, 'no token was revoked');
    assert.deepEqual(await t.core.store.listAudit({ limit: 100 }), before);
  });

  it('refuses a method outside the contract in the preload, without any IPC', async () => {
    const answer = await (bridge.call as (method: string, input: unknown) => Promise<AdminResult<unknown>>)('debug.eval', {});
    assert.deepEqual(answer, { ok: false, error: { code: 'notFound', message: 'No admin method "debug.eval"' } });
  });

  it("carries the core's events to the page's listeners, each to its own event name", async () => {
    const received: unknown[] = [];
    const unsubscribe = bridge.subscribe('syncLog.appended', ({ items }) => received.push(...items.map((item) => item.path)));
    const overview: unknown[] = [];
    bridge.subscribe('overview.changed', (payload) => overview.push(payload));
    await t.scim('/Users?count=1');
    await t.core.syncLog.flush();
    assert.deepEqual(received, ['/scim/v2/Users']);
    assert.ok(overview.length > 0);
    assert.deepEqual(new Set(sent.map(([channel]) => channel)), new Set([ADMIN_EVENT_CHANNEL]));
    assert.ok(sent.every(([, name]) => (EVENT_NAMES as ReadonlyArray<unknown>).includes(name)));
    unsubscribe();
    await t.scim('/Users?count=1');
    await t.core.syncLog.flush();
    assert.deepEqual(received, ['/scim/v2/Users'], 'an unsubscribed listener hears nothing more');
  });
});
