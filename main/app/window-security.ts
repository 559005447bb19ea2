import { isAppUrl } from './app-protocol';
import type { BrowserWindowOptions, IpcInvokeEvent, PreventableEvent, SessionPort, WebContentsPort } from './electron-api';

/**
 * The window's options, per Electron's security checklist: context isolation, the renderer sandbox, no
 * Node.js in the page, its workers or frames, web security on, no insecure content, no experimental
 * features, no <webview>. The preload is the page's only way out, and it offers the admin contract alone.
 */
export function mainWindowOptions(preload: string, bounds: Partial<Pick<BrowserWindowOptions, 'x' | 'y' | 'width' | 'height'>>): BrowserWindowOptions {
  return {
    ...bounds,
    minWidth: 900,
    minHeight: 600,
    // Shown once the page painted (ready-to-show), or not at all when started in the tray.
    show: false,
    title: 'ScimDesk',
    backgroundColor: '#f5f5f5',
    autoHideMenuBar: true,
    webPreferences: {
      preload,
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
    },
  };
}

/**
 * Locks a page of the window to the app: no new windows (setWindowOpenHandler denies them all), no
 * navigation or redirect away from the app's own scheme (a dropped link or a compromised page cannot
 * load remote content into a window that holds the admin bridge), no <webview>.
 */
export function lockNavigation(contents: Pick<WebContentsPort, 'setWindowOpenHandler' | 'on'>): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const stayInApp = (event: PreventableEvent, url: string) => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Remote schemes a page of the app's session may never request. */
const REMOTE_SCHEMES = ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'ftp://*/*'];

/**
 * The session's rules: every permission request (camera, notifications from the page, geolocation, …)
 * and permission check denied, since the admin UI needs none; and no remote content: any http(s) or
 * websocket request from a page of this session is cancelled, whatever the CSP says.
 */
export function lockSession(session: SessionPort): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest({ urls: REMOTE_SCHEMES }, (_details, callback) => callback({ cancel: true }));
}

/**
 * Whether an IPC message comes from the app itself: sent by the window's own page (its webContents),
 * from its main frame (not a frame inside it), showing one of the app's pages. Electron's checklist,
 * "Validate the sender of all IPC messages".
 */
export function isAppSender(event: IpcInvokeEvent, windowContents: unknown): boolean {
  if (windowContents === undefined || event.sender !== windowContents) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isAppUrl(frame.url);
}
