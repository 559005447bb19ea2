import type {
  BrowserWindowOptions,
  CustomScheme,
  ElectronMain,
  IpcInvokeEvent,
  LoginItemSettingsInput,
  MenuItemOptions,
  NativeImageHandle,
  NotificationOptions,
  PreventableEvent,
  Rectangle,
} from '../../main/app/electron-api';

/**
 * A stand-in for the part of Electron's main-process API the desktop host uses (main/app/electron-api.ts),
 * recording what the host does with it and letting a test play Electron's part: make the app ready,
 * close the window, click the tray's items and notifications, send IPC as a given frame, quit.
 */

type Listener = (...args: any[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    const wrapped: Listener = (...args) => {
      this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== wrapped));
      return listener(...args);
    };
    return this.on(event, wrapped);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
  /** Emits a cancellable event; says whether a listener prevented it. */
  emitPreventable(event: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) } satisfies PreventableEvent, ...args);
    return prevented;
  }
}

export class FakeSession {
  requestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
  checkHandler: ((contents: unknown, permission: string) => boolean) | undefined;
  blocked: { urls: string[] } | undefined;
  setPermissionRequestHandler(handler: FakeSession['requestHandler']) {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['checkHandler']) {
    this.checkHandler = handler;
  }
  readonly webRequest = {
    onBeforeRequest: (filter: { urls: string[] }) => {
      this.blocked = filter;
    },
  };
}

export class FakeWebContents extends Emitter {
  readonly sent: Array<[string, ...unknown[]]> = [];
  openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  constructor(readonly session: FakeSession) {
    super();
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }) {
    this.openHandler = handler;
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push([channel, ...args]);
  }
  isDestroyed() {
    return false;
  }
}

export class FakeWindow extends Emitter {
  readonly webContents: FakeWebContents;
  readonly loaded: string[] = [];
  visible = false;
  maximized = false;
  minimized = false;
  focused = 0;
  destroyed = false;
  bounds: Rectangle;
  constructor(
    readonly options: BrowserWindowOptions,
    session: FakeSession,
  ) {
    super();
    this.webContents = new FakeWebContents(session);
    this.bounds = { x: options.x ?? 100, y: options.y ?? 80, width: options.width ?? 800, height: options.height ?? 600 };
  }
  loadURL(url: string) {
    this.loaded.push(url);
    return Promise.resolve();
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {
    this.focused += 1;
  }
  restore() {
    this.minimized = false;
  }
  maximize() {
    this.maximized = true;
  }
  isMinimized() {
    return this.minimized;
  }
  isMaximized() {
    return this.maximized;
  }
  isVisible() {
    return this.visible;
  }
  isDestroyed() {
    return this.destroyed;
  }
  getNormalBounds() {
    return this.bounds;
  }
  /** The user closes the window; says whether the app kept it open. */
  close(): boolean {
    const kept = this.emitPreventable('close');
    if (!kept) {
      this.destroyed = true;
      this.emit('closed');
    }
    return kept;
  }
}

export class FakeTray extends Emitter {
  image: NativeImageHandle;
  toolTip = '';
  menu: MenuItemOptions[] = [];
  destroyed = false;
  constructor(image: NativeImageHandle) {
    super();
    this.image = image;
  }
  setImage(image: NativeImageHandle) {
    this.image = image;
  }
  setToolTip(toolTip: string) {
    this.toolTip = toolTip;
  }
  setContextMenu(menu: { items: MenuItemOptions[] } | null) {
    this.menu = menu?.items ?? [];
  }
  destroy() {
    this.destroyed = true;
  }
  /** Clicks a menu item by its label. */
  click(label: string): void {
    const item = this.menu.find((entry) => entry.label === label);
    if (!item?.click) throw new Error(`no "${label}" item in the tray menu: ${this.menu.map((entry) => entry.label).join(', ')}`);
    item.click();
  }
}

export class FakeNotification extends Emitter {
  shown = false;
  constructor(readonly options: NotificationOptions) {
    super();
  }
  show() {
    this.shown = true;
  }
}

/** A fake Electron, what it recorded, and the moves a test makes as Electron. */
export function createFakeElectron(options: { readonly singleInstance?: boolean; readonly isPackaged?: boolean } = {}) {
  const app = new Emitter();
  const session = new FakeSession();
  const windows: FakeWindow[] = [];
  const trays: FakeTray[] = [];
  const notifications: FakeNotification[] = [];
  const ipcHandlers = new Map<string, (event: IpcInvokeEvent, ...args: unknown[]) => unknown>();
  const record = {
    paths: new Map<string, string>(),
    privileged: [] as Array<{ schemes: CustomScheme[]; readyAlready: boolean }>,
    protocols: new Map<string, (request: Request) => Response | Promise<Response>>(),
    clipboard: [] as string[],
    errorBoxes: [] as Array<[string, string]>,
    loginItem: undefined as LoginItemSettingsInput | undefined,
    quits: 0,
    exitCode: undefined as number | undefined,
    applicationMenu: 'default' as unknown,
    appUserModelId: undefined as string | undefined,
  };
  let ready = false;
  let resolveReady: () => void = () => undefined;
  const whenReady = new Promise<void>((resolve) => (resolveReady = resolve));
  let exited = false;

  const electron: ElectronMain = {
    app: {
      isPackaged: options.isPackaged ?? false,
      getPath: (name) => record.paths.get(name) ?? `/fake/${name}`,
      setPath: (name, path) => void record.paths.set(name, path),
      setAppUserModelId: (id) => void (record.appUserModelId = id),
      requestSingleInstanceLock: () => options.singleInstance ?? true,
      whenReady: () => whenReady,
      quit: () => {
        record.quits += 1;
        // As Electron: before-quit, the windows close, then will-quit, which a listener may defer.
        app.emitPreventable('before-quit');
        for (const window of windows.filter((w) => !w.destroyed)) window.close();
        if (!app.emitPreventable('will-quit')) exited = true;
      },
      exit: (code) => {
        record.exitCode = code ?? 0;
        exited = true;
      },
      disableHardwareAcceleration: () => undefined,
      getLoginItemSettings: () => ({ openAtLogin: record.loginItem?.openAtLogin ?? false }),
      setLoginItemSettings: (settings) => void (record.loginItem = settings),
      on: (event: string, listener: Listener) => app.on(event, listener),
    },
    BrowserWindow: class extends FakeWindow {
      constructor(windowOptions: BrowserWindowOptions) {
        super(windowOptions, session);
        windows.push(this);
      }
    },
    Tray: class extends FakeTray {
      constructor(image: NativeImageHandle) {
        super(image);
        trays.push(this);
      }
    },
    Menu: {
      buildFromTemplate: (template) => ({ items: template }),
      setApplicationMenu: (menu) => void (record.applicationMenu = menu),
    },
    Notification: Object.assign(
      class extends FakeNotification {
        constructor(notificationOptions: NotificationOptions) {
          super(notificationOptions);
          notifications.push(this);
        }
      },
      { isSupported: () => true },
    ),
    nativeImage: { createFromBitmap: (buffer, size) => ({ isEmpty: () => false, buffer, size }) as NativeImageHandle },
    ipcMain: {
      handle: (channel, listener) => void ipcHandlers.set(channel, listener),
      removeHandler: (channel) => void ipcHandlers.delete(channel),
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes) => void record.privileged.push({ schemes, readyAlready: ready }),
      handle: (scheme, handler) => void record.protocols.set(scheme, handler),
    },
    session: { defaultSession: session },
    clipboard: { writeText: (text) => void record.clipboard.push(text) },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }] },
    dialog: { showErrorBox: (title, content) => void record.errorBoxes.push([title, content]) },
  };

  return {
    electron,
    app,
    session,
    windows,
    trays,
    notifications,
    ipcHandlers,
    record,
    /** Electron's `ready`. */
    makeReady() {
      ready = true;
      resolveReady();
    },
    exited: () => exited,
    /** Invokes an IPC channel as the given sender and frame would, the answer cloned as Electron sends it. */
    async invoke(channel: string, event: IpcInvokeEvent, ...args: unknown[]): Promise<unknown> {
      const handler = ipcHandlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return structuredClone(await handler(event, ...args));
    },
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
