import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Which host runs a core: the headless service (`serve`, `ScimDesk.exe --serve`) or the desktop app's window. */
export type HostKind = 'service' | 'desktop';

/** A core that runs on a data folder, as its marker says. */
export interface RunningHost {
  readonly host: HostKind;
  readonly pid: number;
  /** When that core started (ISO 8601). */
  readonly startedAt: string;
  /** The marker file, for messages. */
  readonly file: string;
}

/** The data folder's subfolder holding one marker per running core. */
export const RUNNING_FOLDER = 'running';
/** How often a running core touches its marker. */
export const RUN_MARKER_HEARTBEAT_MS = 20_000;
/**
 * A marker untouched for this long belongs to no running core, even when a process has its pid now:
 * the pid of a killed core may already be another program's (Windows reuses pids soon). Six missed
 * heartbeats: a core whose event loop is held by a long transaction (a 27 s restore of 100,000 users)
 * still counts as running.
 */
export const RUN_MARKER_STALE_MS = 6 * RUN_MARKER_HEARTBEAT_MS;

/** Whether a process with this pid exists (EPERM: it does, but belongs to another account). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface RunMarkerClaim {
  /** Removes the marker: the core stopped. */
  release(): void;
}

/**
 * Records, for as long as a core runs, that it runs on this data folder: `running/<pid>-<random>.json`,
 * owner-only, with the host kind, the pid and the start time, touched every 20 s. Commands that must
 * not run beside a core (`snapshot restore` replaces the database) read it with findRunningHost, whatever
 * the host: the desktop app has no admin port to probe. A core killed without stopping leaves its marker,
 * which findRunningHost then ignores (its pid gone, or its heartbeat old).
 */
export function claimRunMarker(dataDir: string, host: HostKind, now: () => Date = () => new Date()): RunMarkerClaim {
  const folder = join(dataDir, RUNNING_FOLDER);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const file = join(folder, `${process.pid}-${randomBytes(4).toString('hex')}.json`);
  // Written whole under another name, then renamed: a reader never sees half a marker.
  writeFileSync(`${file}.new`, JSON.stringify({ host, pid: process.pid, startedAt: now().toISOString() }), { mode: 0o600 });
  renameSync(`${file}.new`, file);
  const heartbeat = setInterval(() => {
    try {
      const time = new Date();
      utimesSync(file, time, time);
    } catch {
      // Removed meanwhile (stop, or an administrator): nothing to keep fresh.
    }
  }, RUN_MARKER_HEARTBEAT_MS);
  heartbeat.unref();
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      rmSync(file, { force: true });
    },
  };
}

export interface FindRunningOptions {
  readonly nowMs?: number;
  readonly isAlive?: (pid: number) => boolean;
}

/**
 * The core running on this data folder, from the markers claimRunMarker leaves, or undefined. A marker
 * whose process is gone is removed on the way (the core was killed); one untouched for RUN_MARKER_STALE_MS
 * is ignored, since its pid may be another program's by now.
 */
export function findRunningHost(dataDir: string, options: FindRunningOptions = {}): RunningHost | undefined {
  const folder = join(dataDir, RUNNING_FOLDER);
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => name.endsWith('.json'));
  } catch {
    return undefined;
  }
  const isAlive = options.isAlive ?? isProcessAlive;
  const nowMs = options.nowMs ?? Date.now();
  for (const name of names) {
    const file = join(folder, name);
    let marker: { host?: unknown; pid?: unknown; startedAt?: unknown };
    let touchedMs: number;
    try {
      touchedMs = statSync(file).mtimeMs;
      marker = JSON.parse(readFileSync(file, 'utf8')) as typeof marker;
    } catch {
      // Removed as we read it (the core stopped), or not one of ours.
      continue;
    }
    const pid = Number(marker.pid);
    if (!isAlive(pid)) {
      rmSync(file, { force: true });
      continue;
    }
    if (nowMs - touchedMs > RUN_MARKER_STALE_MS) continue;
    return { host: marker.host === 'desktop' ? 'desktop' : 'service', pid, startedAt: typeof marker.startedAt === 'string' ? marker.startedAt : '', file };
  }
  return undefined;
}
