import type { MenuItemOptions } from './electron-api';

/** What the tray shows, read from the core whenever something changes. */
export interface TrayFacts {
  /** The Tenant URL while the endpoint listens; null while it does not. */
  readonly tenantUrl: string | null;
  readonly paused: boolean;
  /** Entra's failed requests in its last cycle. */
  readonly lastCycleErrors: number;
  /** Whether the app starts at login; null where the OS offers no such setting to the app. */
  readonly startAtLogin: boolean | null;
}

export type TrayStatusKind = 'serving' | 'errors' | 'paused' | 'stopped';

export interface TrayStatus {
  readonly kind: TrayStatusKind;
  /** The menu's first line. */
  readonly label: string;
  /** The icon's tooltip. */
  readonly tooltip: string;
}

/** The status line: stopped (not listening) comes first, then a pause, then errors of the last cycle. */
export function trayStatus(facts: TrayFacts): TrayStatus {
  if (facts.tenantUrl === null) {
    return { kind: 'stopped', label: 'Stopped: the SCIM endpoint is not listening', tooltip: 'ScimDesk: stopped (the SCIM endpoint is not listening)' };
  }
  if (facts.paused) return { kind: 'paused', label: 'Provisioning paused: Entra gets 503', tooltip: 'ScimDesk: provisioning paused' };
  if (facts.lastCycleErrors > 0) {
    const errors = facts.lastCycleErrors === 1 ? '1 error' : `${facts.lastCycleErrors} errors`;
    return { kind: 'errors', label: `Serving; ${errors} in Entra's last cycle`, tooltip: `ScimDesk: ${errors} in Entra's last cycle` };
  }
  return { kind: 'serving', label: `Serving ${facts.tenantUrl}`, tooltip: `ScimDesk: serving ${facts.tenantUrl}` };
}

export interface TrayActions {
  open(): void;
  copyTenantUrl(): void;
  setPaused(paused: boolean): void;
  setStartAtLogin(on: boolean): void;
  quit(): void;
}

/** The tray's menu: the status, Open, Copy Tenant URL, Pause provisioning, Start at login (where the OS has it), Quit. */
export function trayMenuTemplate(facts: TrayFacts, actions: TrayActions): MenuItemOptions[] {
  const items: MenuItemOptions[] = [
    { label: trayStatus(facts).label, enabled: false },
    { type: 'separator' },
    { label: 'Open ScimDesk', click: () => actions.open() },
    { label: 'Copy Tenant URL', enabled: facts.tenantUrl !== null, click: () => actions.copyTenantUrl() },
    { label: 'Pause provisioning', type: 'checkbox', checked: facts.paused, click: () => actions.setPaused(!facts.paused) },
  ];
  if (facts.startAtLogin !== null) {
    const on = facts.startAtLogin;
    items.push({ label: 'Start at login', type: 'checkbox', checked: on, click: () => actions.setStartAtLogin(!on) });
  }
  items.push({ type: 'separator' }, { label: 'Quit ScimDesk', click: () => actions.quit() });
  return items;
}
