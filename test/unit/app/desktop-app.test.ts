import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { APP_CSP, APP_SCHEME, APP_SCHEME_PRIVILEGES, APP_URL } from '../../../main/app/app-protocol';
import { runDesktopApp, SYNC_LOG_ERRORS_HASH, DELIVERY_HASH, type DesktopShell } from '../../../main/app/desktop-app';
import { DESKTOP_STATE_FILE } from '../../../main/app/desktop-state';
import type { IpcInvokeEvent } from '../../../main/app/electron-api';
import { createCore } from '../../../main/core/create-core';
import { METHOD_NAMES, type AdminResult } from '../../../shared/admin/contract';
import { ADMIN_EVENT_CHANNEL, adminCallChannel } from '../../../shared/admin/ipc-channels';
import { createFakeElectron, type FakeElectron, type FakeWindow } from '../../support/fake-electron';

/**
 * The desktop host on a fake Electron (test/support/fake-electron.ts) and a real core: what it does
 * before and after Electron is ready, its window, tray, IPC, notifications and quit, as Electron would
 * see them. The real Electron runs the same code in the smoke test, where its binary is installed.
 */

const ENTRA = { ADSCIMVersion: 'Date: 2026-01-01, ActivityId: 5b7c2a1e-9d3f-4e8a-b6c4-1f2e3d4c5b6a' };
const ACTOR = `admin-ui:${userInfo().username}`;

async function eventually<T>(check: () => T | Promise<T>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

interface Started {
  readonly fake: FakeElectron;
  readonly shell: DesktopShell | undefined;
  readonly logs: string[];
}

function start(dataDir: string, rendererDir: string, extra: { argv?: string[]; singleInstance?: boolean } = {}): Started {
  const fake = createFakeElectron({ singleInstance: extra.singleInstance ?? true });
  const logs: string[] = [];
  const shell = runDesktopApp(fake.electron, {
    argv: ['/repo/dist/main/app/main.js', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', ...(extra.argv ?? [])],
    env: {},
    platform: 'win32',
    execPath: '/electron/electron.exe',
    paths: { rendererDir, preload: '/repo/dist/main/preload/preload.cjs', entry: '/repo/dist/main/app/main.js' },
    log: (line) => logs.push(line),
  });
  return { fake, shell, logs };
}

const fromWindow = (window: FakeWindow, url = APP_URL): IpcInvokeEvent => ({ sender: window.webContents, senderFrame: { url, parent: null } });

describe('the desktop host', () => {
  const root = mkdtempSync(join(tmpdir(), 'scimdesk-desktop-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ScimDesk</title>');
  after(() => rmSync(root, { recursive: true, force: true }));

  describe('a first start, shown', () => {
    const dataDir = join(root, 'data');
    let s: Started;
    let window: FakeWindow;
    let scimUrl = '';
    let token = '';
    const call = async (method: string, input: unknown = {}) => (await s.fake.invoke(adminCallChannel(method as never), fromWindow(window), input)) as AdminResult<any>;
    const scim = (path: string, init: RequestInit = {}) =>
      fetch(`${scimUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', ...(init.headers as Record<string, string>) } });

    before(async () => {
      s = start(dataDir, rendererDir);
    });

    after(async () => {
      await s.shell?.stop();
    });

    it('claims the data folder as userData and registers its scheme before Electron is ready, and waits for ready', () => {
      assert.equal(s.fake.record.paths.get('userData'), dataDir, "Electron's files beside ScimDesk's, one lock per data folder");
      assert.deepEqual(s.fake.record.privileged, [{ schemes: [APP_SCHEME_PRIVILEGES], readyAlready: false }]);
      assert.equal(s.fake.record.appUserModelId, '/electron/electron.exe', 'notifications show in development');
      assert.equal(s.fake.windows.length, 0);
      assert.equal(s.fake.ipcHandlers.size, 0);
    });

    it('once ready: locks the session, serves the renderer on its scheme, opens the secured window on the app page', async () => {
      s.fake.makeReady();
      window = await eventually(() => {
        assert.equal(s.fake.windows.length, 1);
        return s.fake.windows[0]!;
      });
      const prefs = window.options.webPreferences!;
      assert.deepEqual([prefs.contextIsolation, prefs.sandbox, prefs.nodeIntegration, prefs.webSecurity], [true, true, false, true]);
      assert.equal(prefs.preload, '/repo/dist/main/preload/preload.cjs');
      assert.deepEqual(window.loaded, [APP_URL]);
      assert.equal(window.visible, false, 'shown once painted');
      window.emit('ready-to-show');
      assert.equal(window.visible, true);
      assert.equal(s.fake.record.applicationMenu, null, 'no default menu (no reload or devtools accelerators)');

      let granted: boolean | undefined;
      s.fake.session.requestHandler?.(window.webContents, 'notifications', (answer) => (granted = answer));
      assert.equal(granted, false);
      assert.ok(s.fake.session.blocked?.urls.includes('https://*/*'));
      assert.equal(window.webContents.openHandler?.({ url: 'https://evil.example' }).action, 'deny');
      assert.equal(window.webContents.emitPreventable('will-navigate', 'https://evil.example/'), true);

      const page = await s.fake.record.protocols.get(APP_SCHEME)!(new Request(APP_URL));
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('content-security-policy'), APP_CSP);
    });

    it('serves the contract over IPC to its window alone, and issues no token it could not show', async () => {
      assert.deepEqual([...s.fake.ipcHandlers.keys()].sort(), METHOD_NAMES.map(adminCallChannel).sort());
      const overview = await call('overview.get');
      assert.ok(overview.ok);
      assert.equal(overview.value.token, null, 'the Overview leads the admin to generate the token where it is shown once');
      scimUrl = overview.value.scimUrl;
      assert.ok(s.logs.join('\n').includes(`SCIM endpoint: ${scimUrl}`));
      const generated = await call('token.generate', { lifetimeDays: 0 });
      assert.ok(generated.ok);
      token = generated.value.token;
      const other = (await s.fake.invoke(adminCallChannel('token.revoke'), { sender: { another: 'window' }, senderFrame: { url: APP_URL, parent: null } }, {})) as AdminResult<unknown>;
      assert.equal(other.ok, false);
      const remote = (await s.fake.invoke(adminCallChannel('token.revoke'), fromWindow(window, 'https://evil.example/'), {})) as AdminResult<unknown>;
      assert.equal(remote.ok, false);
      assert.equal((await scim('/Users')).status, 200, 'the token still works');
    });

    it('shows the tray: the status with the Tenant URL, and Copy Tenant URL', () => {
      const tray = s.fake.trays[0]!;
      assert.equal(tray.toolTip, `ScimDesk: serving ${scimUrl}`);
      assert.deepEqual(
        tray.menu.map((item) => item.label ?? item.type),
        [`Serving ${scimUrl}`, 'separator', 'Open ScimDesk', 'Copy Tenant URL', 'Pause provisioning', 'Start at login', 'separator', 'Quit ScimDesk'],
      );
      tray.click('Copy Tenant URL');
      assert.deepEqual(s.fake.record.clipboard, [scimUrl]);
    });

    it('keeps serving when the window is closed, saying so once, and remembers where the window was', async () => {
      window.bounds = { x: 40, y: 30, width: 1500, height: 950 };
      assert.equal(window.close(), true, 'the close is turned into a hide');
      assert.equal(window.visible, false);
      assert.equal((await scim('/Users')).status, 200, 'still serving');
      assert.deepEqual(
        s.fake.notifications.map((n) => n.options.title),
        ['ScimDesk keeps serving'],
      );
      window.emit('ready-to-show');
      s.fake.trays[0]!.click('Open ScimDesk');
      assert.equal(window.visible, true);
      window.close();
      assert.equal(s.fake.notifications.length, 1, 'said once');
      const saved = JSON.parse(readFileSync(join(dataDir, DESKTOP_STATE_FILE), 'utf8'));
      assert.deepEqual(saved, { window: { x: 40, y: 30, width: 1500, height: 950, maximized: false }, closeNoticeShown: true });
    });

    it('pauses provisioning from the tray through the admin contract: SCIM answers 503, audited, the tray says so', async () => {
      s.fake.trays[0]!.click('Pause provisioning');
      await eventually(async () => assert.equal((await scim('/Users')).status, 503));
      const tray = s.fake.trays[0]!;
      await eventually(() => assert.equal(tray.toolTip, 'ScimDesk: provisioning paused'));
      assert.equal(tray.menu.find((item) => item.label === 'Pause provisioning')?.checked, true);
      const audit = await call('audit.list');
      assert.ok(audit.ok);
      assert.deepEqual([audit.value.items[0].action, audit.value.items[0].actor], ['pauseProvisioning', ACTOR]);
      tray.click('Pause provisioning');
      await eventually(async () => assert.equal((await scim('/Users')).status, 200));
      await eventually(() => assert.equal(tray.toolTip, `ScimDesk: serving ${scimUrl}`));
    });

    it("notifies when Entra's requests begin to fail; a click opens the sync log filtered to them; the tray shows the errors", async () => {
      const user = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'adele.vance@contoso.com' };
      assert.equal((await scim('/Users', { method: 'POST', headers: ENTRA, body: JSON.stringify(user) })).status, 201);
      assert.equal((await scim('/Users', { method: 'POST', headers: ENTRA, body: JSON.stringify(user) })).status, 409);
      const notification = await eventually(() => {
        const found = s.fake.notifications.find((n) => n.options.title === "Entra's provisioning requests are failing");
        assert.ok(found?.shown);
        return found;
      });
      assert.match(notification.options.body, /1 request of Entra's current cycle failed/);
      assert.equal((await scim('/Users', { method: 'POST', headers: ENTRA, body: JSON.stringify(user) })).status, 409);
      await eventually(() => assert.equal(s.fake.trays[0]!.toolTip, "ScimDesk: 2 errors in Entra's last cycle"));
      assert.equal(s.fake.notifications.filter((n) => n.options.title === "Entra's provisioning requests are failing").length, 1, 'errors going on notify once');

      notification.emit('click');
      assert.equal(window.visible, true);
      assert.equal(window.loaded.at(-1), APP_URL + SYNC_LOG_ERRORS_HASH);
    });

    it('notifies once when the mass-deprovisioning breaker trips; a click opens the held list', async () => {
      assert.ok((await call('breaker.saveSettings', { enabled: true, maxCount: 1, maxPercent: null, window: { mode: 'minutes', minutes: 60 } })).ok);
      const ids: string[] = [];
      for (const name of ['held.one', 'held.two', 'held.three']) {
        const created = await scim('/Users', { method: 'POST', headers: ENTRA, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `${name}@contoso.com` }) });
        ids.push(((await created.json()) as { id: string }).id);
      }
      const deactivate = (id: string) =>
        scim(`/Users/${id}`, { method: 'PATCH', headers: ENTRA, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }) });
      assert.deepEqual([(await deactivate(ids[0]!)).status, (await deactivate(ids[1]!)).status, (await deactivate(ids[2]!)).status], [200, 503, 503]);
      const held = s.fake.notifications.filter((n) => n.options.title === 'Mass deprovisioning held');
      assert.equal(held.length, 1, 'once per trip');
      assert.match(held[0]!.options.body, /1 deactivation or delete within 60 minutes reached the limit of 1\. Further deactivations and deletes are held/);
      held[0]!.emit('click');
      assert.equal(window.loaded.at(-1), APP_URL + '#/directory');
      assert.ok((await call('breaker.reject', { ids: null })).ok);
      assert.ok((await call('breaker.saveSettings', { enabled: false, maxCount: 20, maxPercent: 10, window: { mode: 'minutes', minutes: 60 } })).ok);
    });

    it('notifies when a webhook subscription is paused after failing; a click opens the Delivery screen', async () => {
      // The worker's own pause (after N failures, tested in test/protocol/delivery.test.ts) ends in this event.
      const core = (s.shell as unknown as { core: { events: { emit(name: string, payload: unknown): void } } }).core;
      core.events.emit('delivery.changed', { paused: null });
      core.events.emit('delivery.changed', { paused: { id: 'sub_0123456789abcdef', url: 'https://hr.contoso.local/hook', error: 'HTTP 503' } });
      const notification = s.fake.notifications.find((n) => n.options.title === 'Webhook deliveries are paused');
      assert.ok(notification?.shown);
      assert.match(notification.options.body, /hr\.contoso\.local.*HTTP 503/);
      assert.equal(s.fake.notifications.filter((n) => n.options.title === 'Webhook deliveries are paused').length, 1, 'a delivery that went through says nothing');
      assert.match(notification.options.body, /fix the receiver, then resume/);
      notification.emit('click');
      assert.equal(window.loaded.at(-1), APP_URL + DELIVERY_HASH);
      const reason = 'Paused because its signing secret is missing from Windows Credential Manager: remove and re-create the subscription';
      core.events.emit('delivery.changed', { paused: { id: 'sub_0123456789abcdef', url: 'https://hr.contoso.local/hook', error: reason } });
      const missing = s.fake.notifications.filter((n) => n.options.title === 'Webhook deliveries are paused').at(-1)!;
      assert.equal(missing.options.body, `https://hr.contoso.local/hook: ${reason}.`, 'the fix is the reason’s own, not the receiver’s');
    });

    it("sends the core's events to the window's page", () => {
      const events = window.webContents.sent.filter(([channel]) => channel === ADMIN_EVENT_CHANNEL).map(([, name]) => name);
      assert.ok(events.includes('syncLog.appended'));
      assert.ok(events.includes('overview.changed'));
    });

    it('turns Start at login on and off, starting Electron with this entry in the tray', () => {
      s.fake.trays[0]!.click('Start at login');
      assert.deepEqual(s.fake.record.loginItem, {
        openAtLogin: true,
        path: '/electron/electron.exe',
        args: ['/repo/dist/main/app/main.js', '--hidden', '--data-dir', dataDir],
      });
      assert.equal(s.fake.trays[0]!.menu.find((item) => item.label === 'Start at login')?.checked, true);
      s.fake.trays[0]!.click('Start at login');
      assert.equal(s.fake.record.loginItem?.openAtLogin, false);
    });

    it('brings its window forward when started a second time', () => {
      window.hide();
      s.fake.app.emit('second-instance');
      assert.equal(window.visible, true);
    });

    it('quits from the tray: the window closes for good, the core stops, then Electron exits', async () => {
      s.fake.trays[0]!.click('Quit ScimDesk');
      await eventually(() => assert.equal(s.fake.exited(), true));
      assert.equal(window.destroyed, true);
      assert.equal(s.fake.trays[0]!.destroyed, true);
      assert.equal(s.fake.ipcHandlers.size, 0);
      await assert.rejects(fetch(`${scimUrl}/Users`), 'the endpoint stopped');
    });
  });

  it('hands over to the running app when one holds the data folder already', () => {
    const s = start(join(root, 'second'), rendererDir, { singleInstance: false });
    assert.equal(s.shell, undefined);
    assert.equal(s.fake.record.quits, 1);
    assert.deepEqual(s.fake.record.privileged, []);
  });

  it('starts in the tray with --hidden, and says at once when provisioning is still paused', async () => {
    const dataDir = join(root, 'paused');
    const core = await createCore({ dataDir, fileLogs: false, port: 0 });
    await core.start();
    await core.admin.dispatch('provisioning.pause', {}, { actor: 'admin-ui:alice' });
    await core.stop();

    const s = start(dataDir, rendererDir, { argv: ['--hidden'] });
    s.fake.makeReady();
    try {
      await eventually(() => assert.equal(s.fake.trays.length, 1));
      assert.equal(s.fake.windows.length, 0, 'no window until Open');
      assert.equal(s.fake.trays[0]!.toolTip, 'ScimDesk: provisioning paused');
      assert.deepEqual(
        s.fake.notifications.map((n) => n.options.title),
        ['Provisioning is still paused'],
      );
      assert.match(s.fake.notifications[0]!.options.body, /by admin-ui:alice/);
      s.fake.trays[0]!.click('Open ScimDesk');
      assert.equal(s.fake.windows.length, 1);
    } finally {
      await s.shell?.stop();
    }
  });

  it('says why it cannot start (the port is taken) and exits', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const s = start(join(root, 'blocked'), rendererDir, { argv: ['--port', String(port)] });
    s.fake.makeReady();
    try {
      await eventually(() => assert.equal(s.fake.record.exitCode, 1));
      assert.equal(s.fake.record.errorBoxes.length, 1);
      assert.match(s.fake.record.errorBoxes[0]![1], new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use`));
      assert.equal(s.fake.windows.length, 0);
      assert.ok(!existsSync(join(root, 'blocked', DESKTOP_STATE_FILE)));
    } finally {
      blocker.close();
    }
  });
});
