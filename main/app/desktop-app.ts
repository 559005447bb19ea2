import type { SyncLogEntry } from '../../shared/admin/contract';
import { createCore, type Core } from '../core/create-core';
import { describeListenError } from '../lib/listen';
import { defaultDataDir } from '../service/default-data-dir';
import { adminUiActor } from '../service/os-account';
import { describeStartupProblem } from '../service/startup-problems';
import { forwardAdminEvents, registerAdminIpc } from './admin-ipc';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, APP_URL, createRendererResponder } from './app-protocol';
import { DesktopArgsError, parseDesktopArgs, type DesktopArgs } from './desktop-args';
import { DesktopStateFile, placeWindow } from './desktop-state';
import type { BrowserWindowHandle, ElectronMain, LoginItemSettingsInput, TrayHandle } from './electron-api';
import { ProvisioningErrorWatch } from './error-watch';
import { drawTrayIcon } from './tray-icon';
import { trayMenuTemplate, trayStatus, type TrayFacts, type TrayStatusKind } from './tray-menu';
import { isAppSender, lockNavigation, lockSession, mainWindowOptions } from './window-security';

/** Where the built parts of the app are. */
export interface DesktopPaths {
  /** The renderer build serve mode also serves (dist/renderer). */
  readonly rendererDir: string;
  /** The preload build (dist/main/preload/preload.cjs). */
  readonly preload: string;
  /** This main process's entry file: the login item starts Electron with it in development. */
  readonly entry: string;
}

export interface DesktopOptions {
  readonly argv: ReadonlyArray<string>;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly execPath: string;
  readonly paths: DesktopPaths;
  /** Lines for whoever started the app from a terminal (npm start). */
  readonly log: (line: string) => void;
  readonly now?: () => Date;
}

/** The Sync log filtered to Entra's failed requests of the last day: where an error notification leads. */
export const SYNC_LOG_ERRORS_HASH = '#/sync-log?outcome=error&client=entra&range=day';
/** The Directory screen, where the breaker's held list is. */
const BREAKER_HASH = '#/directory';
/** The Delivery screen: where a paused webhook subscription's notification leads. */
export const DELIVERY_HASH = '#/delivery';
/** The app id electron-builder installs the app under; Windows shows notifications of that id only. */
const APP_ID = 'io.scimdesk.app';
const TRAY_ICON_SIZE = 32;
const SAVE_WINDOW_DELAY_MS = 500;

/**
 * The desktop app: Electron's third host of the same core, beside `serve` and the CLIs. Before Electron
 * is ready it claims the data folder (userData = the data folder, so the single-instance lock is per
 * data folder) and registers the app's scheme; once ready it starts the core, then the window, the
 * tray and the IPC transport of the admin contract.
 */
export function runDesktopApp(electron: ElectronMain, options: DesktopOptions): DesktopShell | undefined {
  const { app } = electron;
  let args: DesktopArgs;
  try {
    args = parseDesktopArgs(options.argv, options.env);
  } catch (error) {
    if (!(error instanceof DesktopArgsError)) throw error;
    options.log(`Error: ${error.message}`);
    app.exit(2);
    return undefined;
  }
  const dataDir = args.dataDir ?? defaultDataDir(options.env, options.platform);
  // Electron's own files (Chromium's profile) go beside ScimDesk's, in the same folder serve mode uses.
  app.setPath('userData', dataDir);
  if (!app.requestSingleInstanceLock()) {
    options.log(`ScimDesk is already running for ${dataDir}: its window was brought forward.`);
    app.quit();
    return undefined;
  }
  electron.protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  app.setAppUserModelId(app.isPackaged ? APP_ID : options.execPath);

  const shell = new DesktopShell(electron, options, args, dataDir);
  app.on('second-instance', () => shell.showWindow());
  app.on('activate', () => shell.showWindow());
  // Closing the window keeps the endpoint serving: only Quit (tray) ends the app.
  app.on('window-all-closed', () => undefined);
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  app.on('before-quit', () => shell.markQuitting());
  app.on('will-quit', (event) => {
    if (shell.isStopped()) return;
    event.preventDefault();
    void shell.stop().finally(() => app.quit());
  });
  app
    .whenReady()
    .then(() => shell.start())
    .catch((error: unknown) => shell.failToStart(error));
  return shell;
}

/** The running desktop app: the core, its window, tray and notifications. */
export class DesktopShell {
  private core: Core | undefined;
  private window: BrowserWindowHandle | undefined;
  private tray: TrayHandle | undefined;
  private trayFacts = '';
  private quitting = false;
  private stopped = false;
  private readonly cleanups: Array<() => void> = [];
  private readonly state: DesktopStateFile;
  private readonly watch: ProvisioningErrorWatch;
  private readonly actor = adminUiActor();
  private readonly now: () => Date;
  private saveTimer: NodeJS.Timeout | undefined;
  /** Read from the OS once, then kept: the tray asks on every sync-log batch, and Windows keeps it in the registry. */
  private loginItemOn: boolean | null | undefined;
  /** Whether the mass-deprovisioning breaker holds deactivations and deletes (it notifies once each time it trips). */
  private breakerTripped = false;

  constructor(
    private readonly electron: ElectronMain,
    private readonly options: DesktopOptions,
    private readonly args: DesktopArgs,
    readonly dataDir: string,
  ) {
    this.state = new DesktopStateFile(dataDir);
    this.now = options.now ?? (() => new Date());
    // A held deprovisioning is answered 503 on purpose too: the breaker's own notification says so.
    this.watch = new ProvisioningErrorWatch({ isPaused: () => this.core?.pause.state() !== undefined || this.breakerTripped });
  }

  /** Starts the core, then the IPC transport, the tray and (unless started hidden) the window. */
  async start(): Promise<void> {
    const { electron } = this;
    lockSession(electron.session.defaultSession);
    electron.protocol.handle(APP_SCHEME, createRendererResponder(this.options.paths.rendererDir));
    electron.Menu.setApplicationMenu(null);

    const core = await createCore({
      dataDir: this.dataDir,
      ...(this.args.host !== undefined ? { host: this.args.host } : {}),
      ...(this.args.port !== undefined ? { port: this.args.port } : {}),
      ...(this.args.publicUrl !== undefined ? { publicUrl: this.args.publicUrl } : {}),
      ...(this.args.sqliteBinding !== undefined ? { sqliteBinding: this.args.sqliteBinding } : {}),
      issueFirstToken: false,
      hostKind: 'desktop',
    });
    this.core = core;
    const wanted = await core.endpoint.settings();
    let scimUrl: string;
    try {
      scimUrl = (await core.start()).scimUrl;
    } catch (error) {
      const failure = describeListenError(error, wanted.host, wanted.port);
      if (!failure) throw error;
      throw new Error(`${failure.message}. Is ScimDesk (npm run serve or another copy) already running with this address? Change it with --port, or stop the other one.`);
    }

    this.cleanups.push(
      registerAdminIpc({
        ipcMain: electron.ipcMain,
        dispatch: core.admin.dispatch,
        actor: this.actor,
        isAppSender: (event) => isAppSender(event, this.window?.webContents),
        onInternalError: (method, error) => core.logger.error({ err: error, method }, 'admin call failed'),
        onRefused: (method, frameUrl) => core.logger.warn({ method, frameUrl }, 'admin call from outside the app refused'),
      }),
      forwardAdminEvents(core.events, (channel, name, payload) => {
        const contents = this.window?.webContents;
        if (contents && !contents.isDestroyed()) contents.send(channel, name, payload);
      }),
      core.events.subscribe('syncLog.appended', ({ items }) => this.observe(items)),
      core.events.subscribe('overview.changed', () => this.refreshTray()),
      core.events.subscribe('delivery.changed', ({ paused }) => {
        if (paused) {
          // A missing signing secret is no receiver's fault: its reason names the fix itself.
          const advice = paused.error.startsWith('Paused because') ? '' : ' Changes wait in the outbox: fix the receiver, then resume.';
          this.notify('Webhook deliveries are paused', `${paused.url}: ${paused.error}.${advice}`, () => this.showWindow(DELIVERY_HASH));
        }
      }),
      core.pause.subscribe(() => this.refreshTray()),
      core.breaker.subscribe((state) => this.breakerChanged(state.tripped)),
    );
    await this.seedErrorWatch(core);

    this.tray = new electron.Tray(this.trayImage('serving'));
    this.tray.on('click', () => this.showWindow());
    this.refreshTray();

    this.options.log(`ScimDesk desktop app\nData folder: ${this.dataDir}\nSCIM endpoint: ${scimUrl}`);
    const paused = core.pause.state();
    if (paused) {
      this.notify('Provisioning is still paused', `Paused since ${paused.since} by ${paused.by}: Entra's requests get 503 until you resume.`, () => this.showWindow());
    }
    const breaker = await core.breaker.view();
    if (breaker.tripped) this.breakerChanged(breaker.tripped, breaker.held);
    if (!this.args.hidden) this.showWindow();
  }

  /** The breaker tripped (or is found tripped at start): one notification, which opens the held list. */
  private breakerChanged(tripped: { readonly reason: string } | null, held?: number): void {
    const was = this.breakerTripped;
    this.breakerTripped = tripped !== null;
    if (!tripped || was) return;
    this.notify(
      'Mass deprovisioning held',
      `${tripped.reason}. ${held !== undefined ? `${held === 1 ? '1 deactivation or delete is' : `${held} deactivations and deletes are`}` : 'Further deactivations and deletes are'} held until you approve or reject them (Authentication screen).`,
      () => this.showWindow(BREAKER_HASH),
    );
  }

  /** Says why the app could not start, and ends it. */
  failToStart(error: unknown): void {
    // A damaged database or an unusable data folder gets the same explanation `serve` prints: which file, why, what to do.
    const message = describeStartupProblem(error, undefined) ?? (error instanceof Error ? error.message : String(error));
    this.options.log(`ScimDesk could not start: ${message}`);
    this.electron.dialog.showErrorBox('ScimDesk could not start', `${message}\n\nData folder: ${this.dataDir}`);
    this.stopped = true;
    void (this.core?.stop() ?? Promise.resolve()).catch(() => undefined).finally(() => this.electron.app.exit(1));
  }

  markQuitting(): void {
    this.quitting = true;
  }

  isStopped(): boolean {
    return this.stopped;
  }

  /** Stops the tray, the IPC transport and the core (open requests finish, the sync log is flushed). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.quitting = true;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.tray?.destroy();
    this.tray = undefined;
    await this.core?.stop();
  }

  /** Shows the window (creating it if closed), optionally at one of its screens (`#/sync-log?…`). */
  showWindow(hash = ''): void {
    if (!this.core || this.stopped) return;
    const existing = this.window;
    if (!existing || existing.isDestroyed()) {
      this.window = this.createWindow(hash);
      return;
    }
    // Only the fragment changes: the page stays loaded and follows it (a hashchange).
    if (hash) void existing.loadURL(APP_URL + hash);
    if (existing.isMinimized()) existing.restore();
    existing.show();
    existing.focus();
  }

  private createWindow(hash: string): BrowserWindowHandle {
    const { electron } = this;
    const placement = placeWindow(this.state.get().window, electron.screen.getAllDisplays().map((display) => display.workArea));
    const window = new electron.BrowserWindow(mainWindowOptions(this.options.paths.preload, placement.bounds));
    lockNavigation(window.webContents);
    if (placement.maximized) window.maximize();
    window.once('ready-to-show', () => {
      window.show();
      window.focus();
    });
    const saveSoon = () => {
      if (this.saveTimer) clearTimeout(this.saveTimer);
      this.saveTimer = setTimeout(() => this.saveWindow(window), SAVE_WINDOW_DELAY_MS);
    };
    for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) window.on(event, saveSoon);
    window.on('close', (event) => {
      this.saveWindow(window);
      if (this.quitting) return;
      // Closing hides the window: the endpoint keeps serving Entra from the tray.
      event.preventDefault();
      window.hide();
      if (!this.state.get().closeNoticeShown) {
        this.state.update({ closeNoticeShown: true });
        this.notify(
          'ScimDesk keeps serving',
          "Closing the window leaves the SCIM endpoint running, so Entra's cycles keep arriving. Open ScimDesk or quit it from its tray icon.",
          () => this.showWindow(),
        );
      }
    });
    window.on('closed', () => {
      if (this.window === window) this.window = undefined;
    });
    void window.loadURL(APP_URL + hash).catch((error: unknown) => this.core?.logger.error({ err: error }, 'the window could not load the admin UI'));
    return window;
  }

  private saveWindow(window: BrowserWindowHandle): void {
    if (window.isDestroyed()) return;
    try {
      this.state.update({ window: { ...window.getNormalBounds(), maximized: window.isMaximized() } });
    } catch (error) {
      this.core?.logger.warn({ err: error }, 'could not save the window position');
    }
  }

  /** Entra's latest cycle from the sync log, so the tray's status is right from the start. */
  private async seedErrorWatch(core: Core): Promise<void> {
    const since = new Date(this.now().getTime() - 2 * 3_600_000).toISOString();
    const recent = await core.admin.dispatch('syncLog.query', { client: 'entra', since, limit: 1000 }, { actor: this.actor });
    if (recent.ok) this.watch.observe([...(recent.value as { items: SyncLogEntry[] }).items].reverse(), this.now());
  }

  private observe(items: ReadonlyArray<SyncLogEntry>): void {
    const { notify } = this.watch.observe(items, this.now());
    if (notify) {
      const errors = this.watch.lastCycleErrors();
      this.notify(
        "Entra's provisioning requests are failing",
        `${errors === 1 ? '1 request' : `${errors} requests`} of Entra's current cycle failed. Click to see them in the sync log.`,
        () => this.showWindow(SYNC_LOG_ERRORS_HASH),
      );
    }
    this.refreshTray();
  }

  private notify(title: string, body: string, onClick: () => void): void {
    const { Notification } = this.electron;
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title, body });
    notification.on('click', onClick);
    notification.show();
  }

  /** The login item: in development Electron itself, started with this entry file and the flags this run got. */
  private loginItem(): { path: string; args: string[] } {
    const flags = [
      '--hidden',
      ...(this.args.dataDir !== undefined ? ['--data-dir', this.args.dataDir] : []),
      ...(this.args.sqliteBinding !== undefined ? ['--sqlite-binding', this.args.sqliteBinding] : []),
    ];
    return { path: this.options.execPath, args: this.electron.app.isPackaged ? flags : [this.options.paths.entry, ...flags] };
  }

  /** Whether the app starts at login; null where Electron offers no login item (Linux). */
  private startAtLogin(): boolean | null {
    if (this.options.platform !== 'win32' && this.options.platform !== 'darwin') return null;
    this.loginItemOn ??= this.electron.app.getLoginItemSettings(this.loginItem()).openAtLogin;
    return this.loginItemOn;
  }

  private setStartAtLogin(on: boolean): void {
    const settings: LoginItemSettingsInput = { openAtLogin: on, ...this.loginItem() };
    this.electron.app.setLoginItemSettings(settings);
    this.loginItemOn = this.electron.app.getLoginItemSettings(this.loginItem()).openAtLogin;
    this.refreshTray(true);
  }

  private facts(): TrayFacts {
    return {
      tenantUrl: this.core?.endpoint.state()?.url ?? null,
      paused: this.core?.pause.state() !== undefined,
      lastCycleErrors: this.watch.lastCycleErrors(),
      startAtLogin: this.startAtLogin(),
    };
  }

  private trayImage(kind: TrayStatusKind) {
    return this.electron.nativeImage.createFromBitmap(drawTrayIcon(TRAY_ICON_SIZE, kind), { width: TRAY_ICON_SIZE, height: TRAY_ICON_SIZE, scaleFactor: 2 });
  }

  /** Redraws the tray when what it shows changed (every sync-log batch asks; few change anything). */
  private refreshTray(force = false): void {
    const tray = this.tray;
    if (!tray) return;
    const facts = this.facts();
    const key = JSON.stringify(facts);
    if (!force && key === this.trayFacts) return;
    this.trayFacts = key;
    const status = trayStatus(facts);
    tray.setImage(this.trayImage(status.kind));
    tray.setToolTip(status.tooltip);
    tray.setContextMenu(
      this.electron.Menu.buildFromTemplate(
        trayMenuTemplate(facts, {
          open: () => this.showWindow(),
          copyTenantUrl: () => {
            if (facts.tenantUrl) this.electron.clipboard.writeText(facts.tenantUrl);
          },
          setPaused: (paused) => void this.setPaused(paused),
          setStartAtLogin: (on) => this.setStartAtLogin(on),
          quit: () => {
            this.quitting = true;
            this.electron.app.quit();
          },
        }),
      ),
    );
  }

  /** Pause and resume go through the admin contract, as from the Overview: validated and audited alike. */
  private async setPaused(paused: boolean): Promise<void> {
    const core = this.core;
    if (!core) return;
    const result = await core.admin.dispatch(paused ? 'provisioning.pause' : 'provisioning.resume', {}, { actor: this.actor });
    if (!result.ok) core.logger.error({ error: result.error }, 'the tray could not change the pause');
    this.refreshTray(true);
  }
}
