/**
 * The part of Electron's main-process API the desktop host uses, described here rather than imported:
 * Electron is an optional dependency (npm drops it where its binary cannot be downloaded), and the
 * shell must type-check and be tested there too. The real module is loaded at run time in main.ts and
 * handed over as this type; the tests hand over fakes. `npm run typecheck` also checks, where Electron
 * is installed, that Electron's own type definitions satisfy this description
 * (scripts/electron-api-check.ts), so it cannot drift from the real API unnoticed.
 */

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An event a listener may cancel. */
export interface PreventableEvent {
  preventDefault(): void;
}

/** A frame of a page, as IPC reports the sender (Electron's WebFrameMain). */
export interface FrameInfo {
  readonly url: string;
  readonly parent: FrameInfo | null;
}

/** What an `ipcMain.handle` listener is told of the sender. */
export interface IpcInvokeEvent {
  readonly sender: unknown;
  readonly senderFrame: FrameInfo | null;
}

export interface IpcMainPort {
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface WindowOpenResponse {
  action: 'deny';
}

export interface WebContentsPort {
  readonly session: SessionPort;
  setWindowOpenHandler(handler: (details: { url: string }) => WindowOpenResponse): void;
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface SessionPort {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  readonly webRequest: {
    onBeforeRequest(filter: { urls: string[] }, listener: (details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void): void;
  };
}

export interface WebPreferences {
  preload?: string;
  contextIsolation?: boolean;
  sandbox?: boolean;
  nodeIntegration?: boolean;
  nodeIntegrationInWorker?: boolean;
  nodeIntegrationInSubFrames?: boolean;
  webSecurity?: boolean;
  allowRunningInsecureContent?: boolean;
  experimentalFeatures?: boolean;
  webviewTag?: boolean;
  navigateOnDragDrop?: boolean;
  safeDialogs?: boolean;
  spellcheck?: boolean;
  devTools?: boolean;
}

export interface BrowserWindowOptions {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  minWidth?: number;
  minHeight?: number;
  show?: boolean;
  title?: string;
  backgroundColor?: string;
  autoHideMenuBar?: boolean;
  webPreferences?: WebPreferences;
}

export interface BrowserWindowHandle {
  readonly webContents: WebContentsPort;
  loadURL(url: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  maximize(): void;
  isMinimized(): boolean;
  isMaximized(): boolean;
  isVisible(): boolean;
  isDestroyed(): boolean;
  getNormalBounds(): Rectangle;
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'closed' | 'ready-to-show' | 'resize' | 'move' | 'maximize' | 'unmaximize', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
}

/** An image Electron made (nativeImage); the host only hands it back to Electron. */
export interface NativeImageHandle {
  isEmpty(): boolean;
}

export interface MenuItemOptions {
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox';
  enabled?: boolean;
  checked?: boolean;
  click?: () => void;
}

/** A menu Electron built; the host only hands it back to Electron. */
export interface MenuHandle {
  readonly items: ReadonlyArray<unknown>;
}

export interface TrayHandle<Image = NativeImageHandle, Menu = MenuHandle> {
  setImage(image: Image): void;
  setToolTip(toolTip: string): void;
  setContextMenu(menu: Menu | null): void;
  on(event: 'click' | 'double-click', listener: () => void): unknown;
  destroy(): void;
}

export interface NotificationOptions {
  title: string;
  body: string;
  silent?: boolean;
}

export interface NotificationHandle {
  show(): void;
  on(event: 'click', listener: () => void): unknown;
}

export interface LoginItemSettingsInput {
  openAtLogin: boolean;
  path?: string;
  args?: string[];
}

export interface AppPort {
  readonly isPackaged: boolean;
  getPath(name: 'appData' | 'userData'): string;
  setPath(name: 'userData' | 'sessionData', path: string): void;
  setAppUserModelId(id: string): void;
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  quit(): void;
  exit(exitCode?: number): void;
  disableHardwareAcceleration(): void;
  getLoginItemSettings(options?: { path?: string; args?: string[] }): { openAtLogin: boolean };
  setLoginItemSettings(settings: LoginItemSettingsInput): void;
  on(event: 'second-instance' | 'window-all-closed' | 'activate', listener: () => void): unknown;
  on(event: 'before-quit' | 'will-quit', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsPort) => void): unknown;
}

export interface CustomScheme {
  scheme: string;
  privileges: { standard?: boolean; secure?: boolean; supportFetchAPI?: boolean; corsEnabled?: boolean; codeCache?: boolean };
}

/**
 * Everything the host uses, as main.ts hands it over: the `electron` module in the real app. Images and
 * menus only go from Electron back to Electron, so their types are parameters: the check against
 * Electron's definitions puts in its own NativeImage and Menu, the host's code the handles above.
 */
export interface ElectronMain<Image = NativeImageHandle, Menu = MenuHandle> {
  readonly app: AppPort;
  readonly BrowserWindow: new (options: BrowserWindowOptions) => BrowserWindowHandle;
  readonly Tray: new (image: Image) => TrayHandle<Image, Menu>;
  readonly Menu: {
    buildFromTemplate(template: MenuItemOptions[]): Menu;
    setApplicationMenu(menu: Menu | null): void;
  };
  readonly Notification: (new (options: NotificationOptions) => NotificationHandle) & { isSupported(): boolean };
  readonly nativeImage: { createFromBitmap(buffer: Buffer, options: { width: number; height: number; scaleFactor?: number }): Image };
  readonly ipcMain: IpcMainPort;
  readonly protocol: {
    registerSchemesAsPrivileged(schemes: CustomScheme[]): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
  };
  readonly session: { readonly defaultSession: SessionPort };
  readonly clipboard: { writeText(text: string): void };
  readonly screen: { getAllDisplays(): ReadonlyArray<{ readonly workArea: Rectangle }> };
  readonly dialog: { showErrorBox(title: string, content: string): void };
}
