import { TunnelError, type LocalTarget, type OpenTunnel, type Tunnel, type TunnelProvider, type TunnelSignals } from './tunnel';

export type TunnelStatus = 'stopped' | 'starting' | 'online' | 'reconnecting' | 'failed';

/** Where a tunnel stands, as the Settings panel and the Overview show it. */
export interface TunnelState {
  readonly provider: TunnelProvider | null;
  readonly status: TunnelStatus;
  /** The public base URL while it is known (kept while reconnecting: Entra still has it). */
  readonly publicUrl: string | null;
  /** Why it is reconnecting or failed. */
  readonly reason: string | null;
  /** Something to fix that does not stop the tunnel. */
  readonly warning: string | null;
  /** When the status last changed. */
  readonly since: string;
  /** Failed attempts in a row (0 while online). */
  readonly attempts: number;
  /** When the next attempt runs, while one is scheduled. */
  readonly nextAttemptAt: string | null;
}

export type TunnelEventKind = 'starting' | 'online' | 'down' | 'restored' | 'retrying' | 'failed' | 'stopped' | 'urlChanged' | 'warning';

/** One thing that happened to the tunnel: the sync log and the admin events carry these. */
export interface TunnelEvent {
  readonly kind: TunnelEventKind;
  readonly message: string;
  /** For `retrying`: how long until the next attempt. */
  readonly delayMs?: number;
}

export interface Backoff {
  /** The first wait after a failure. */
  readonly initialMs: number;
  /** The longest wait: Entra calls about every 40 minutes, so a tunnel back within two is in time. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 2_000, maxMs: 120_000 };

/** How long a provider that reconnects by itself gets before the runner opens a fresh connection instead. */
export const DEFAULT_SELF_RECOVERY_MS = 60_000;

export const DEFAULT_OPEN_TIMEOUT_MS = 60_000;

/** The wait before attempt `n` (1 = the first retry): doubling from `initialMs`, at most `maxMs`. */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, attempt - 1));
}

export interface TunnelRunnerOptions {
  readonly now: () => Date;
  readonly backoff?: Backoff;
  readonly selfRecoveryMs?: number;
  /** How long one attempt to open may take before it counts as failed (a provider that neither connects nor errs). */
  readonly openTimeoutMs?: number;
  /** Called on every change, with the new state and what happened. */
  readonly onChange: (state: TunnelState, event: TunnelEvent) => void;
}

const STOPPED = (now: Date): TunnelState => ({
  provider: null,
  status: 'stopped',
  publicUrl: null,
  reason: null,
  warning: null,
  since: now.toISOString(),
  attempts: 0,
  nextAttemptAt: null,
});

/**
 * Runs one tunnel: opens it, keeps it open (a drop is retried with exponential backoff, a provider
 * that reconnects itself gets a while first), and closes it. A refused credential or a missing
 * program is not retried: the status says `failed` and why until the admin changes something.
 * Every connection carries a generation number, so a late signal from one already replaced is ignored.
 */
export class TunnelRunner {
  private state: TunnelState;
  private tunnel: Tunnel | undefined;
  private target: (() => LocalTarget | undefined) | undefined;
  private open: OpenTunnel | undefined;
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private readonly selfRecoveryMs: number;
  private readonly openTimeoutMs: number;

  constructor(private readonly options: TunnelRunnerOptions) {
    this.state = STOPPED(options.now());
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.selfRecoveryMs = options.selfRecoveryMs ?? DEFAULT_SELF_RECOVERY_MS;
    this.openTimeoutMs = options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
  }

  current(): TunnelState {
    return this.state;
  }

  /** Stops whatever runs and starts `tunnel` toward the target; resolves after the first attempt, online or not. */
  async run(tunnel: Tunnel, target: () => LocalTarget | undefined): Promise<TunnelState> {
    await this.halt();
    this.tunnel = tunnel;
    this.target = target;
    this.update({ provider: tunnel.provider, status: 'starting', publicUrl: null, reason: null, warning: null, attempts: 0, nextAttemptAt: null }, {
      kind: 'starting',
      message: `Starting the ${PROVIDER_NAMES[tunnel.provider]} tunnel`,
    });
    await this.attempt(this.generation);
    return this.state;
  }

  /** A warning about the running tunnel from outside it (its URL changed since the last start); kept until the next start. */
  warn(message: string): void {
    if (!this.tunnel || this.state.warning === message) return;
    this.update({ warning: message }, { kind: 'warning', message });
  }

  /** Tries again at once (after a failure, or to pick up a moved endpoint); a no-op when nothing runs. */
  async reconnect(): Promise<TunnelState> {
    if (!this.tunnel || !this.target) return this.state;
    return this.run(this.tunnel, this.target);
  }

  async stop(): Promise<void> {
    const wasRunning = this.tunnel !== undefined;
    await this.halt();
    this.tunnel = undefined;
    this.target = undefined;
    if (wasRunning || this.state.status !== 'stopped') {
      this.state = STOPPED(this.options.now());
      this.options.onChange(this.state, { kind: 'stopped', message: 'Tunnel stopped' });
    }
  }

  /** Cancels timers and closes the open connection; signals from it are ignored from here on. */
  private async halt(): Promise<void> {
    this.generation++;
    this.clearTimers();
    const open = this.open;
    this.open = undefined;
    if (open) await open.close().catch(() => undefined);
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.watchdog) clearTimeout(this.watchdog);
    this.timer = undefined;
    this.watchdog = undefined;
  }

  private update(next: Partial<TunnelState>, event: TunnelEvent): void {
    const statusChanged = next.status !== undefined && next.status !== this.state.status;
    this.state = { ...this.state, ...next, ...(statusChanged ? { since: this.options.now().toISOString() } : {}) };
    this.options.onChange(this.state, event);
  }

  private async attempt(generation: number): Promise<void> {
    const tunnel = this.tunnel;
    const target = this.target?.();
    if (!tunnel || generation !== this.generation) return;
    if (!target) {
      this.retry(generation, 'The SCIM endpoint is not listening, so there is nothing to forward to');
      return;
    }
    let opened: OpenTunnel;
    const opening = tunnel.open(target, this.signals(generation));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // A connection that arrives after all is not wanted any more.
        opening.then((late) => late.close()).catch(() => undefined);
        reject(new TunnelError(`The ${PROVIDER_NAMES[tunnel.provider]} tunnel did not connect within ${formatDelay(this.openTimeoutMs)}`, false));
      }, this.openTimeoutMs);
      timer.unref();
    });
    try {
      opened = await Promise.race([opening, timeout]);
    } catch (error) {
      if (generation !== this.generation) return;
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof TunnelError && error.permanent) {
        this.update({ status: 'failed', reason: message, nextAttemptAt: null }, { kind: 'failed', message });
      } else {
        this.retry(generation, message);
      }
      return;
    } finally {
      clearTimeout(timer);
    }
    if (generation !== this.generation) {
      // Stopped or replaced while it was opening: this connection is not wanted any more.
      await opened.close().catch(() => undefined);
      return;
    }
    this.open = opened;
    const previous = this.state.publicUrl;
    const restored = this.state.attempts > 0;
    this.update(
      { status: 'online', publicUrl: opened.publicUrl, reason: null, attempts: 0, nextAttemptAt: null },
      { kind: restored ? 'restored' : 'online', message: `Online at ${opened.publicUrl}` },
    );
    if (previous !== null && previous !== opened.publicUrl) {
      this.update({}, { kind: 'urlChanged', message: `The public URL changed from ${previous} to ${opened.publicUrl}: update the Tenant URL in Entra` });
    }
  }

  /** Schedules the next attempt after the backoff for one more failure in a row. */
  private retry(generation: number, reason: string): void {
    const attempts = this.state.attempts + 1;
    const delayMs = backoffDelay(this.backoff, attempts);
    const at = new Date(this.options.now().getTime() + delayMs);
    this.update(
      { status: 'reconnecting', reason, attempts, nextAttemptAt: at.toISOString() },
      { kind: 'retrying', message: `${reason}; trying again in ${formatDelay(delayMs)}`, delayMs },
    );
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.attempt(generation);
    }, delayMs);
    this.timer.unref();
  }

  /** Closes the connection that dropped and schedules a fresh one. */
  private dropped(generation: number, reason: string): void {
    if (generation !== this.generation) return;
    this.generation++;
    const next = this.generation;
    this.clearTimers();
    const open = this.open;
    this.open = undefined;
    void open?.close().catch(() => undefined);
    this.retry(next, reason);
  }

  private signals(generation: number): TunnelSignals {
    const live = () => generation === this.generation;
    return {
      down: (reason) => {
        if (!live() || this.state.status !== 'online') return;
        this.update({ status: 'reconnecting', reason, nextAttemptAt: null }, { kind: 'down', message: reason });
        this.watchdog = setTimeout(() => {
          this.watchdog = undefined;
          this.dropped(generation, `${reason}; not back after ${formatDelay(this.selfRecoveryMs)}`);
        }, this.selfRecoveryMs);
        this.watchdog.unref();
      },
      up: () => {
        if (!live() || this.state.status !== 'reconnecting') return;
        if (this.watchdog) clearTimeout(this.watchdog);
        this.watchdog = undefined;
        this.update({ status: 'online', reason: null, attempts: 0, nextAttemptAt: null }, { kind: 'restored', message: `Back online at ${this.state.publicUrl ?? ''}` });
      },
      closed: (reason) => {
        if (!live()) return;
        // The connection is gone already: nothing to close, but a fresh one is needed.
        this.open = undefined;
        this.dropped(generation, reason);
      },
      warn: (message) => {
        if (!live() || this.state.warning === message) return;
        this.update({ warning: message }, { kind: 'warning', message });
      },
    };
  }
}

export const PROVIDER_NAMES: Record<TunnelProvider, string> = { ngrok: 'ngrok', cloudflare: 'Cloudflare', azureRelay: 'Azure Relay' };

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}
