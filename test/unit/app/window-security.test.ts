import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APP_URL } from '../../../main/app/app-protocol';
import type { IpcInvokeEvent, PreventableEvent } from '../../../main/app/electron-api';
import { isAppSender, lockNavigation, lockSession, mainWindowOptions } from '../../../main/app/window-security';

/** A webContents that records the handlers the lock installs. */
function fakeContents() {
  const handlers = new Map<string, (event: PreventableEvent, url: string) => void>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  return {
    handlers,
    open: (url: string) => openHandler?.({ url }),
    setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }) {
      openHandler = handler;
    },
    on(event: string, listener: (event: PreventableEvent, url: string) => void) {
      handlers.set(event, listener);
      return this;
    },
    /** Fires an event; says whether a listener prevented it. */
    fire(event: string, url = ''): boolean {
      let prevented = false;
      handlers.get(event)?.({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    },
  };
}

describe('the window per Electron\'s security checklist', () => {
  it('isolates the page: context isolation, sandbox, no Node.js anywhere, web security on, no webview', () => {
    const options = mainWindowOptions('/app/dist/main/preload/preload.cjs', { width: 1200, height: 800 });
    assert.deepEqual(options.webPreferences, {
      preload: '/app/dist/main/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    });
    assert.equal(options.show, false, 'shown once painted, or kept in the tray');
    assert.equal(options.width, 1200);
  });

  it('denies every new window, and every navigation or redirect away from the app', () => {
    const contents = fakeContents();
    lockNavigation(contents);
    assert.deepEqual(contents.open('https://evil.example/'), { action: 'deny' });
    assert.deepEqual(contents.open(APP_URL), { action: 'deny' }, 'not even one of its own pages: the app has one window');
    for (const event of ['will-navigate', 'will-redirect']) {
      for (const url of ['https://login.microsoftonline.com/', 'http://127.0.0.1:8631/admin/', 'file:///C:/Windows/win.ini', 'scimdesk://other/index.html', 'javascript:alert(1)']) {
        assert.equal(contents.fire(event, url), true, `${event} to ${url} is prevented`);
      }
      assert.equal(contents.fire(event, `${APP_URL}#/users`), false, `${event} within the app is allowed`);
    }
    assert.equal(contents.fire('will-attach-webview'), true, 'no <webview>');
  });

  it('denies every permission request and check, and cancels remote requests of the session', () => {
    let requestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
    let checkHandler: ((contents: unknown, permission: string) => boolean) | undefined;
    let filter: { urls: string[] } | undefined;
    let beforeRequest: ((details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void) | undefined;
    lockSession({
      setPermissionRequestHandler: (handler) => (requestHandler = handler),
      setPermissionCheckHandler: (handler) => (checkHandler = handler),
      webRequest: { onBeforeRequest: (f, listener) => ((filter = f), (beforeRequest = listener)) },
    });
    for (const permission of ['notifications', 'media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen']) {
      let granted: boolean | undefined;
      requestHandler?.({}, permission, (answer) => (granted = answer));
      assert.equal(granted, false, `${permission} requested`);
      assert.equal(checkHandler?.({}, permission), false, `${permission} checked`);
    }
    assert.deepEqual(filter?.urls.slice(0, 4), ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']);
    let response: { cancel?: boolean } | undefined;
    beforeRequest?.({ url: 'https://cdn.example/x.js' }, (r) => (response = r));
    assert.deepEqual(response, { cancel: true });
  });
});

describe('the IPC sender check', () => {
  const windowContents = { id: 1 };
  const mainFrame = (url: string) => ({ url, parent: null });
  const event = (sender: unknown, frame: IpcInvokeEvent['senderFrame']): IpcInvokeEvent => ({ sender, senderFrame: frame });

  it("accepts the app window's main frame on the app's own pages", () => {
    assert.equal(isAppSender(event(windowContents, mainFrame(APP_URL)), windowContents), true);
    assert.equal(isAppSender(event(windowContents, mainFrame(`${APP_URL}#/sync-log`)), windowContents), true);
  });

  it('refuses another webContents, a frame inside the page, another origin, a destroyed frame, or no window', () => {
    assert.equal(isAppSender(event({ id: 2 }, mainFrame(APP_URL)), windowContents), false, 'another webContents');
    assert.equal(isAppSender(event(windowContents, { url: APP_URL, parent: mainFrame(APP_URL) }), windowContents), false, 'a subframe');
    for (const url of ['https://evil.example/', 'file:///index.html', 'http://127.0.0.1:8632/admin/', 'scimdesk://app.evil/index.html', 'scimdesk://user:pw@app/index.html', 'about:blank', 'devtools://devtools/']) {
      assert.equal(isAppSender(event(windowContents, mainFrame(url)), windowContents), false, url);
    }
    assert.equal(isAppSender(event(windowContents, null), windowContents), false, 'a frame that is gone');
    assert.equal(isAppSender(event(windowContents, mainFrame(APP_URL)), undefined), false, 'no window open');
  });
});
