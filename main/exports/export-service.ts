import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, realpath, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Logger } from 'pino';
import {
  EXPORT_OPERATION,
  type ExportColumnChoices,
  type ExportFailure,
  type ExportKind,
  type ExportRun,
  type ExportSchedule,
  type ExportScheduleInput,
  type ExportScheduleView,
} from '../../shared/admin/export-schemas';
import type { EventName, EventPayload } from '../../shared/admin/contract';
import type { SyncLogEntry } from '../store/directory-store';
import type { SettingsStore } from '../store/directory-store';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { ResourceSchema } from '../scim/schema/resource-schema';
import { checkColumns, columnChoices } from './export-columns';
import { cycleEndedAfter, lastEntraRequest, type EntraActivity } from './cycle-end';
import { runExport, type ExportSource } from './export-run';

/** A failed run is tried again after this long, whatever its schedule says. */
export const RETRY_MS = 5 * 60_000;
/** How often the schedules are looked at. */
const TICK_MS = 15_000;
/** Runs kept per schedule for the "last runs" list. */
const RUNS_KEPT = 20;
/** Progress events at most this often while a run writes. */
const PROGRESS_EVERY_MS = 250;

const SCHEDULES_KEY = 'exports.schedules';
const STATE_KEY = 'exports.state';

/** A refused save or call, with the field it is about: the admin layer turns it into its error codes. */
export class ExportRefusal extends Error {
  constructor(
    readonly kind: 'invalidInput' | 'notFound' | 'conflict',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ExportRefusal';
  }
}

/** What the service keeps about each schedule besides its settings. */
interface ScheduleState {
  runs: ExportRun[];
  /** The Entra request whose cycle was last exported after (its sync-log seq). */
  cycleSeq: number;
  /** The clock timing counts from here: a save that changes it, or the last run (any run for an interval, the timer's for a daily time). */
  lastStartedAt: string | null;
  lastTimerAt: string | null;
  timingFrom: string;
}

export interface ExportServiceDeps {
  readonly source: ExportSource & EntraActivity;
  readonly settings: Pick<SettingsStore, 'getSetting' | 'setSetting'>;
  readonly schemas: () => Record<ResourceKind, ResourceSchema>;
  /** Where each run is recorded beside the requests (operation `export`). */
  readonly syncLog: { record(entry: SyncLogEntry): void };
  readonly events: { emit<E extends EventName>(event: E, payload: EventPayload<E>): void };
  readonly logger: Logger;
  readonly now: () => Date;
  /** The data folder: exports never go into it (the database lives there, and it is the service account's alone). */
  readonly dataDir: string;
  readonly tickMs?: number;
}

/** Plain words for what the file system said, naming the folder. */
export function describeFolderError(error: unknown, folder: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOSPC':
      return `The disk holding ${folder} is full: free some space there (the export is tried again in a few minutes).`;
    case 'EDQUOT':
      return `The disk quota of the account running ScimDesk is used up on ${folder}.`;
    case 'ENOENT':
      return `The folder ${folder} is gone (or its drive or share is not connected).`;
    case 'EACCES':
    case 'EPERM':
      return `ScimDesk may not write to ${folder}: permission denied. Give the account running ScimDesk write access, or choose another folder.`;
    case 'EROFS':
      return `${folder} is on a read-only drive.`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `${folder} (or a part of its path) is a file, not a folder.`;
    default:
      return `Could not write to ${folder}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The next daily HH:MM (machine's local time) strictly after `after`. */
function nextDaily(at: string, after: Date): Date {
  const [hours, minutes] = at.split(':').map(Number) as [number, number];
  const next = new Date(after);
  next.setHours(hours, minutes, 0, 0);
  if (next.getTime() <= after.getTime()) {
    next.setDate(next.getDate() + 1);
    next.setHours(hours, minutes, 0, 0);
  }
  return next;
}

const later = (a: string | null, b: string) => (a !== null && a > b ? a : b);

/**
 * Scheduled exports: the schedules (kept in the settings table), their runs, and the clock that starts
 * them, every N minutes, daily at a time, after each Entra cycle, and again after a failure. One run of a
 * schedule at a time; runs of different schedules one after another. Each run is recorded in the sync
 * log (operation `export`, not counted as a request) and announced as an `exports.changed` event; a
 * failed one is on the Overview until a run succeeds.
 */
export class ExportService {
  private schedules: ExportSchedule[] = [];
  private state = new Map<string, ScheduleState>();
  private readonly running = new Map<string, { progress: { done: number; total: number | null }; done: Promise<ExportRun> }>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: ExportServiceDeps) {}

  async load(): Promise<void> {
    this.schedules = (await this.deps.settings.getSetting<ExportSchedule[]>(SCHEDULES_KEY)) ?? [];
    const saved = (await this.deps.settings.getSetting<Record<string, ScheduleState>>(STATE_KEY)) ?? {};
    this.state = new Map(Object.entries(saved));
  }

  /** Starts the clock (the core's start). */
  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => void this.tick(), this.deps.tickMs ?? TICK_MS);
    this.timer.unref();
  }

  /** Stops the clock and waits for a run in progress (the core's stop). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    await Promise.allSettled([...this.running.values()].map((run) => run.done));
  }

  columns(): ExportColumnChoices {
    return columnChoices(this.deps.schemas());
  }

  list(): ExportScheduleView[] {
    return this.schedules.map((schedule) => this.view(schedule));
  }

  runs(id: string): ExportRun[] {
    this.find(id);
    return [...(this.state.get(id)?.runs ?? [])].reverse();
  }

  /** Schedules whose last run failed, for the Overview. */
  failing(): ExportFailure[] {
    return this.schedules.flatMap((schedule) => {
      const last = this.lastRun(schedule.id);
      return last?.status === 'failed' && last.error !== null ? [{ id: schedule.id, name: schedule.name, at: last.finishedAt ?? last.startedAt, error: last.error }] : [];
    });
  }

  /** Checks and saves a schedule: its columns against the schemas, its folder on disk (created, written to once). */
  async save(input: ExportScheduleInput): Promise<ExportScheduleView> {
    const existing = input.id !== undefined ? this.find(input.id) : undefined;
    const choices = this.columns();
    const columns = {} as Record<ExportKind, string[]>;
    for (const kind of ['users', 'groups', 'memberships'] as const) {
      const checked = checkColumns(kind, input.columns[kind], choices);
      if ('unknown' in checked) {
        throw new ExportRefusal('invalidInput', `Unknown ${kind} column${checked.unknown.length > 1 ? 's' : ''}: ${checked.unknown.join(', ')}`, `columns.${kind}`);
      }
      columns[kind] = checked.columns;
    }
    const folder = await this.checkFolder(input.folder, existing?.id);
    const now = this.deps.now();
    const schedule: ExportSchedule = {
      id: existing?.id ?? randomUUID(),
      name: input.name,
      kinds: [...new Set(input.kinds)],
      format: input.format,
      columns,
      folder,
      timing: input.timing,
      afterCycle: input.afterCycle,
      keep: input.keep,
      latestCopy: input.latestCopy,
      enabled: input.enabled,
      created: existing?.created ?? now.toISOString(),
    };
    const state = this.state.get(schedule.id) ?? { runs: [], cycleSeq: 0, lastStartedAt: null, lastTimerAt: null, timingFrom: now.toISOString() };
    if (!existing || JSON.stringify(existing.timing) !== JSON.stringify(schedule.timing) || (!existing.enabled && schedule.enabled)) state.timingFrom = now.toISOString();
    // After-cycle runs start with the next cycle, not with one that ended before the schedule asked for it.
    if (schedule.afterCycle && (!existing || !existing.afterCycle)) state.cycleSeq = (await lastEntraRequest(this.deps.source))?.seq ?? 0;
    this.schedules = existing ? this.schedules.map((s) => (s.id === schedule.id ? schedule : s)) : [...this.schedules, schedule];
    this.state.set(schedule.id, state);
    await this.persist();
    const view = this.view(schedule);
    this.deps.events.emit('exports.changed', { schedule: view });
    return view;
  }

  async remove(id: string): Promise<boolean> {
    if (!this.schedules.some((s) => s.id === id)) return false;
    await this.running.get(id)?.done.catch(() => undefined);
    this.schedules = this.schedules.filter((s) => s.id !== id);
    this.state.delete(id);
    await this.persist();
    this.deps.events.emit('overview.changed', {});
    return true;
  }

  /** Runs a schedule now, whether or not it is enabled; refused while it runs already. */
  async runNow(id: string): Promise<ExportRun> {
    const schedule = this.find(id);
    if (this.running.has(id)) throw new ExportRefusal('conflict', `"${schedule.name}" is running already: wait for it to finish.`);
    return this.run(schedule, 'manual');
  }

  /**
   * Looks at every schedule once and runs those due, one after another: after a failure (RETRY_MS
   * later), after an Entra cycle, or on their clock. The timer calls it; a tick still running skips the next.
   */
  tick(): Promise<void> {
    if (this.ticking || this.stopped) return this.ticking ?? Promise.resolve();
    this.ticking = this.dueRuns()
      .catch((err: unknown) => this.deps.logger.error({ err }, 'scheduled exports: the check failed'))
      .finally(() => {
        this.ticking = undefined;
      });
    return this.ticking;
  }

  private async dueRuns(): Promise<void> {
    const entra = this.schedules.some((s) => s.enabled && s.afterCycle) ? await lastEntraRequest(this.deps.source) : undefined;
    for (const schedule of [...this.schedules]) {
      if (this.stopped) return;
      if (!schedule.enabled || this.running.has(schedule.id) || !this.schedules.includes(schedule)) continue;
      const state = this.stateOf(schedule.id);
      const now = this.deps.now();
      const last = this.lastRun(schedule.id);
      const retry = last?.status === 'failed' && now.getTime() >= Date.parse(last.finishedAt ?? last.startedAt) + RETRY_MS;
      const cycle = schedule.afterCycle && entra !== undefined && cycleEndedAfter(entra, state.cycleSeq, now);
      // One run covers both: a retry after a cycle ended exports what that cycle wrote.
      if (cycle) state.cycleSeq = entra.seq;
      if (retry || cycle) {
        await this.run(schedule, retry ? 'retry' : 'cycle');
      } else {
        const next = this.nextTimerRun(schedule, state);
        if (next !== null && now.getTime() >= next.getTime()) await this.run(schedule, 'timer');
      }
    }
  }

  private nextTimerRun(schedule: ExportSchedule, state: ScheduleState): Date | null {
    if (!schedule.enabled) return null;
    switch (schedule.timing.kind) {
      case 'none':
        return null;
      case 'interval':
        return new Date(Date.parse(later(state.lastStartedAt, state.timingFrom)) + schedule.timing.minutes * 60_000);
      case 'daily':
        return nextDaily(schedule.timing.at, new Date(later(state.lastTimerAt, state.timingFrom)));
    }
  }

  private run(schedule: ExportSchedule, trigger: ExportRun['trigger']): Promise<ExportRun> {
    const entry = { progress: { done: 0, total: null as number | null }, done: Promise.resolve(undefined as unknown as ExportRun) };
    this.running.set(schedule.id, entry);
    entry.done = this.execute(schedule, trigger, entry.progress).finally(() => {
      this.running.delete(schedule.id);
    });
    return entry.done;
  }

  private async execute(schedule: ExportSchedule, trigger: ExportRun['trigger'], progress: { done: number; total: number | null }): Promise<ExportRun> {
    const startedAt = this.deps.now();
    const began = performance.now();
    const state = this.stateOf(schedule.id);
    const wasFailing = this.lastRun(schedule.id)?.status === 'failed';
    state.lastStartedAt = startedAt.toISOString();
    if (trigger === 'timer') state.lastTimerAt = startedAt.toISOString();
    const run: ExportRun = { id: randomUUID(), scheduleId: schedule.id, trigger, startedAt: startedAt.toISOString(), finishedAt: null, status: 'running', files: [], rows: 0, durationMs: 0, error: null };
    this.deps.events.emit('exports.changed', { schedule: this.view(schedule, run) });
    let lastEvent = 0;
    let finished: ExportRun;
    try {
      await runExport(
        this.deps.source,
        schedule,
        startedAt,
        (done, total) => {
          progress.done = done;
          progress.total = total;
          if (performance.now() - lastEvent >= PROGRESS_EVERY_MS) {
            lastEvent = performance.now();
            this.deps.events.emit('exports.changed', { schedule: this.view(schedule, run) });
          }
        },
        (file) => run.files.push(file),
      );
      finished = { ...run, status: 'ok' };
    } catch (error) {
      this.deps.logger.warn({ err: error, export: schedule.name }, 'scheduled export failed');
      finished = { ...run, status: 'failed', error: describeFolderError(error, schedule.folder) };
    }
    finished = { ...finished, files: [...run.files], rows: run.files.reduce((n, f) => n + f.rows, 0), finishedAt: this.deps.now().toISOString(), durationMs: Math.round(performance.now() - began) };
    state.runs = [...state.runs, finished].slice(-RUNS_KEPT);
    // A schedule removed while it ran keeps no state.
    if (this.schedules.some((s) => s.id === schedule.id)) {
      this.state.set(schedule.id, state);
      await this.persist().catch((err: unknown) => this.deps.logger.error({ err }, 'scheduled exports: could not save the run'));
    }
    this.record(schedule, finished);
    this.deps.events.emit('exports.changed', { schedule: this.view(schedule) });
    if (wasFailing || finished.status === 'failed') this.deps.events.emit('overview.changed', {});
    return finished;
  }

  private record(schedule: ExportSchedule, run: ExportRun): void {
    this.deps.syncLog.record({
      time: run.startedAt,
      requestId: run.id,
      method: 'EXPORT',
      path: schedule.folder,
      operation: EXPORT_OPERATION,
      resourceType: null,
      resourceId: null,
      userName: null,
      externalId: null,
      displayName: null,
      status: run.status === 'ok' ? 200 : 500,
      durationMs: run.durationMs,
      scimType: null,
      error: run.error,
      client: `ScimDesk scheduled export "${schedule.name}" (${run.trigger})`,
      adscimVersion: null,
      detail: JSON.stringify({ export: { schedule: schedule.name, format: schedule.format, files: run.files, rows: run.rows } }),
    });
  }

  private async checkFolder(raw: string, ownId: string | undefined): Promise<string> {
    const refuse = (message: string) => new ExportRefusal('invalidInput', message, 'folder');
    if (!isAbsolute(raw)) throw refuse(`Give the whole path of the folder, from its drive or share (e.g. D:\\Exports\\ScimDesk): "${raw}" is relative.`);
    const folder = resolve(raw);
    const inData = () => refuse(`${folder} is inside ScimDesk's data folder (${this.deps.dataDir}), beside its database: choose a folder outside it.`);
    if (isInside(folder, resolve(this.deps.dataDir))) throw inData();
    const other = this.schedules.find((s) => s.id !== ownId && resolve(s.folder) === folder);
    if (other) throw refuse(`"${other.name}" writes to ${folder} already: give each schedule its own folder, so neither removes the other's files.`);
    try {
      await mkdir(folder, { recursive: true });
      if (isInside(await realpath(folder), await realpath(this.deps.dataDir))) throw inData();
      const probe = join(folder, `.scimdesk-write-check-${randomBytes(6).toString('hex')}`);
      const handle = await open(probe, 'wx');
      await handle.close();
      await rm(probe, { force: true });
    } catch (error) {
      if (error instanceof ExportRefusal) throw error;
      throw refuse(describeFolderError(error, folder));
    }
    return folder;
  }

  private find(id: string): ExportSchedule {
    const schedule = this.schedules.find((s) => s.id === id);
    if (!schedule) throw new ExportRefusal('notFound', `Export schedule ${id} does not exist`);
    return schedule;
  }

  private stateOf(id: string): ScheduleState {
    let state = this.state.get(id);
    if (!state) this.state.set(id, (state = { runs: [], cycleSeq: 0, lastStartedAt: null, lastTimerAt: null, timingFrom: this.deps.now().toISOString() }));
    return state;
  }

  private lastRun(id: string): ExportRun | null {
    const runs = this.state.get(id)?.runs ?? [];
    return runs[runs.length - 1] ?? null;
  }

  private view(schedule: ExportSchedule, running?: ExportRun): ExportScheduleView {
    // Read only: a schedule removed while it ran must not get its state back.
    const state = this.state.get(schedule.id) ?? { runs: [], cycleSeq: 0, lastStartedAt: null, lastTimerAt: null, timingFrom: schedule.created };
    const progress = this.running.get(schedule.id)?.progress;
    const last = running ?? this.lastRun(schedule.id);
    let next = this.nextTimerRun(schedule, state);
    if (schedule.enabled && last?.status === 'failed') {
      const retry = new Date(Date.parse(last.finishedAt ?? last.startedAt) + RETRY_MS);
      if (next === null || retry < next) next = retry;
    }
    return { ...schedule, lastRun: last, nextRunAt: next?.toISOString() ?? null, progress: progress ? { ...progress } : running ? { done: 0, total: null } : null };
  }

  private async persist(): Promise<void> {
    await this.deps.settings.setSetting(SCHEDULES_KEY, this.schedules);
    await this.deps.settings.setSetting(STATE_KEY, Object.fromEntries(this.state));
  }
}
