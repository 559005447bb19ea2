/**
 * Messages between the benchmark's main process (which hosts the servers) and
 * the load-generator child process (test/bench/load-client.ts). The two run in
 * separate processes so the load generator does not take the server's event loop.
 */

/** Phases driven by autocannon for a fixed time with concurrent keep-alive connections. */
export type LoadPhase =
  | 'bareKoa'
  | 'floor'
  | 'filterUserName'
  | 'filterExternalId'
  | 'getById'
  | 'patch'
  | 'groupGet'
  | 'deepPage'
  | 'missProbe';

export type ParentMessage =
  | { readonly type: 'init'; readonly scimUrl: string; readonly token: string }
  | { readonly type: 'seed'; readonly id: number; readonly count: number; readonly connections: number; readonly timeLimitMs: number }
  | {
      readonly type: 'load';
      readonly id: number;
      readonly phase: LoadPhase;
      /** Only for bareKoa and floor: that app's URL. */
      readonly url?: string;
      readonly connections: number;
      readonly warmupMs: number;
      readonly durationMs: number;
    }
  | { readonly type: 'members'; readonly id: number; readonly total: number; readonly batchSize: number; readonly timeLimitMs: number };

export type ChildMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly id: number; readonly done: number; readonly created: number; readonly elapsedMs: number }
  | { readonly type: 'result'; readonly id: number; readonly result: PhaseResult }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

/** Figures of one measured phase. Latencies in milliseconds. */
export interface PhaseResult {
  readonly phase: LoadPhase | 'seed' | 'memberAdd';
  readonly connections: number;
  /** Responses that completed inside the measurement window. */
  readonly completed: number;
  readonly seconds: number;
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Non-2xx responses, bodies that failed the phase's check, socket errors and timeouts. */
  readonly errors: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** One failing response, to tell what went wrong. */
  readonly sampleFailure?: string;
  /** seed: users whose 201 was received. */
  readonly created?: number;
  /** Load phases: every response of the run, warm-up included, and the load generator's CPU time for it (µs). */
  readonly allResponses?: number;
  readonly clientCpuUs?: number;
  /** memberAdd: per-batch latency into a group of 0–1,000 members ("first") and of 9,000–10,000 ("last"), measured interleaved. */
  readonly batches?: MemberBatches;
}

export interface MemberBatches {
  readonly batchSize: number;
  readonly membersAdded: number;
  readonly firstMedian: number;
  readonly firstMean: number;
  readonly lastMedian: number;
  readonly lastMean: number;
  readonly batchesPerWindow: number;
  /** Whether the time limit cut the phase short. */
  readonly truncated: boolean;
}
