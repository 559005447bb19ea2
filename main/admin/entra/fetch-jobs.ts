import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { SnapshotSummary } from '../../../shared/admin/entra-schemas';
import { plural } from '../../../shared/plural';
import { isAbortError } from '../../graph/graph-errors';
import type { FetchSnapshotOptions } from '../../graph/graph-results';
import type { AdminEventBus } from '../../lib/event-bus';
import { AdminApiError } from '../admin-error';
import type { GraphConnectionService } from './graph-connection';
import type { SnapshotFiles } from './snapshot-files';
import { ENTRA_SNAPSHOT_MAPPERS } from './to-entra-snapshot';

export interface RunningFetch {
  readonly jobId: string;
  readonly startedAt: string;
  readonly phase: string;
  readonly done: number;
  readonly total: number | null;
  readonly message: string;
}

type FetchStep = (options: Omit<FetchSnapshotOptions, 'servicePrincipalId'>) => Promise<SnapshotSummary>;

/**
 * Fetches of users, groups and the application's scope from Graph into a snapshot: one at a time,
 * in the background with job.progress events (the admin UI), or awaited with a progress callback
 * (the CLI); cancellable, and nothing is saved unless the fetch completes.
 */
export class FetchJobs {
  private readonly fetches = new Map<string, AbortController>();
  private readonly state = new Map<string, Omit<RunningFetch, 'jobId'>>();

  constructor(
    private readonly deps: {
      readonly connection: GraphConnectionService;
      readonly files: SnapshotFiles;
      readonly events: Pick<AdminEventBus, 'emit'>;
      readonly now: () => Date;
      readonly logger: Logger;
    },
  ) {}

  /** Starts a fetch; progress and the outcome arrive as job.progress events. */
  async start(): Promise<string> {
    if (this.fetches.size > 0) throw new AdminApiError('conflict', 'A fetch is already running: wait for it or cancel it');
    // Reserve the slot before the first await, so a double click cannot start a second fetch.
    const jobId = randomUUID();
    const controller = new AbortController();
    this.fetches.set(jobId, controller);
    let run: FetchStep;
    try {
      run = await this.prepare();
    } catch (error) {
      this.fetches.delete(jobId);
      throw error;
    }
    const startedAt = this.deps.now().toISOString();
    const emit = (patch: { phase: string; done: number; total: number | null; message: string; finished?: boolean; resultId?: string; error?: string; cancelled?: boolean }) => {
      if (patch.finished) this.state.delete(jobId);
      else this.state.set(jobId, { startedAt, phase: patch.phase, done: patch.done, total: patch.total, message: patch.message });
      this.deps.events.emit('job.progress', {
        jobId,
        kind: 'graph.fetch',
        phase: patch.phase,
        done: patch.done,
        total: patch.total,
        message: patch.message,
        finished: patch.finished ?? false,
        resultId: patch.resultId ?? null,
        error: patch.error ?? null,
        cancelled: patch.cancelled ?? false,
      });
    };
    emit({ phase: 'starting', done: 0, total: null, message: 'Signing in to Microsoft Graph' });
    void (async () => {
      let last = { objects: 0 };
      try {
        const meta = await run({
          signal: controller.signal,
          onProgress: (progress) => {
            last = progress;
            emit({
              phase: progress.phase,
              done: progress.phaseObjects,
              total: progress.phaseTotal,
              message:
                `${plural(progress.objects, 'object')} in ${plural(progress.pages, 'page')}` +
                (progress.throttles > 0 ? `; Graph throttled ${plural(progress.throttles, 'time')}, waited as asked` : ''),
            });
          },
        });
        emit({ phase: 'done', done: last.objects, total: last.objects, message: `Fetched ${meta.users} users and ${meta.groups} groups`, finished: true, resultId: meta.id });
      } catch (error) {
        const cancelled = isAbortError(error);
        if (!cancelled) this.deps.logger.error({ err: error }, 'Graph fetch failed');
        emit({
          phase: 'failed',
          done: last.objects,
          total: null,
          message: cancelled ? 'Cancelled: nothing was saved' : `The fetch failed: ${(error as Error).message}`,
          finished: true,
          ...(cancelled ? { cancelled: true } : { error: (error as Error).message }),
        });
      } finally {
        this.fetches.delete(jobId);
      }
    })();
    return jobId;
  }

  /** Fetches still running, with their last progress. */
  running(): RunningFetch[] {
    return [...this.state].map(([jobId, state]) => ({ jobId, ...state }));
  }

  cancel(jobId: string): boolean {
    const controller = this.fetches.get(jobId);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  /** Stops every running fetch (the core is stopping). */
  cancelAll(): void {
    for (const controller of this.fetches.values()) controller.abort();
  }

  /** Fetches and waits (the CLI's `compare`): the same work as start() without events. */
  async fetchNow(onProgress?: (message: string) => void, signal?: AbortSignal): Promise<SnapshotSummary> {
    const run = await this.prepare();
    return run({
      ...(signal ? { signal } : {}),
      ...(onProgress
        ? { onProgress: (p) => onProgress(`${p.phase}: ${p.objects} objects, ${p.pages} pages${p.throttles ? `, ${p.throttles} throttled` : ''}`) }
        : {}),
    });
  }

  /** Signs in and finds the application (the part that can fail before any work), then returns the fetch-and-save step. */
  private async prepare(): Promise<FetchStep> {
    const { connection: graph, files } = this.deps;
    // One read of the connection for all three steps: a connection saved meanwhile cannot mix in.
    const connection = await graph.requireConnection();
    const service = await graph.service(connection);
    const spId = connection.appId ? (await graph.requireServicePrincipal(connection)).id : undefined;
    const label = spId ? 'Graph, with the application scope' : 'Graph, no application chosen (scope unknown)';
    return async (options) => files.save(await service.fetchSnapshot(ENTRA_SNAPSHOT_MAPPERS, { ...options, ...(spId ? { servicePrincipalId: spId } : {}) }), label);
  }
}
