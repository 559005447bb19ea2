import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rectangle } from './electron-api';

/** Where and how big the window was, to open it there again. */
export interface WindowPlacement {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly maximized: boolean;
}

/** What the desktop app remembers between runs, beside the data it serves. */
export interface DesktopState {
  readonly window?: WindowPlacement;
  /** The "ScimDesk keeps serving in the tray" notification was shown once already. */
  readonly closeNoticeShown?: boolean;
}

export const DESKTOP_STATE_FILE = 'desktop-state.json';
export const DEFAULT_SIZE = { width: 1280, height: 860 } as const;
/** The part of the window that must land on a screen for the saved place to be used: enough to grab and move it. */
const VISIBLE_PART = { width: 120, height: 40 };

/**
 * The window's place for this start: the saved one when its title bar still lands on a screen (a
 * monitor may have been unplugged since), else the default size centred by the OS (no x/y).
 */
export function placeWindow(saved: WindowPlacement | undefined, screens: ReadonlyArray<Rectangle>): { bounds: Partial<Rectangle>; maximized: boolean } {
  if (!saved || ![saved.x, saved.y, saved.width, saved.height].every(Number.isFinite) || saved.width < 200 || saved.height < 150) {
    return { bounds: { ...DEFAULT_SIZE }, maximized: false };
  }
  const titleBar = { x: saved.x, y: saved.y, width: saved.width, height: VISIBLE_PART.height };
  const onScreen = screens.some((area) => {
    const width = Math.min(titleBar.x + titleBar.width, area.x + area.width) - Math.max(titleBar.x, area.x);
    const height = Math.min(titleBar.y + titleBar.height, area.y + area.height) - Math.max(titleBar.y, area.y);
    return width >= VISIBLE_PART.width && height >= VISIBLE_PART.height / 2;
  });
  const size = { width: Math.round(saved.width), height: Math.round(saved.height) };
  return { bounds: onScreen ? { x: Math.round(saved.x), y: Math.round(saved.y), ...size } : size, maximized: saved.maximized === true };
}

/** The desktop state file in the data folder: read once at start, written whole (through a temporary file) on change. */
export class DesktopStateFile {
  private readonly file: string;
  private state: DesktopState;

  constructor(dataDir: string) {
    this.file = join(dataDir, DESKTOP_STATE_FILE);
    this.state = DesktopStateFile.read(this.file);
  }

  private static read(file: string): DesktopState {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      return typeof parsed === 'object' && parsed !== null ? (parsed as DesktopState) : {};
    } catch {
      // Missing or unreadable: the defaults (a lost window position is no reason to refuse to start).
      return {};
    }
  }

  get(): DesktopState {
    return this.state;
  }

  update(change: Partial<DesktopState>): void {
    this.state = { ...this.state, ...change };
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.state, null, 2));
    renameSync(temporary, this.file);
  }
}
