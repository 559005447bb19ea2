import type { Logger } from 'pino';
import type { StoredSyncLogEntry, SyncLogEntry, SyncLogStore } from '../store/directory-store';

export interface SyncLogRetention {
  /** Entries older than this many days are deleted. */
  readonly maxAgeDays: number;
  /** At most this many entries are kept (the newest). */
  readonly maxRows: number;
}

export const DEFAULT_SYNC_LOG_RETENTION: SyncLogRetention = { maxAgeDays: 30, maxRows: 200_000 };

type Listener = (entries: ReadonlyArray<StoredSyncLogEntry>) => void;

/**
 * Entries wait at most this long, or until this many are buffered, before one transaction writes them.
 * The write blocks the event loop (~8 µs a row): 100 rows keep that under a millisecond, where 500
 * made every few-hundredth request wait 6–10 ms behind it.
 */
const FLUSH_DELAY_MS = 100;
const FLUSH_BATCH = 100;

/**
 * Refused requests of one kind from one address are summed up over a window that starts at 5 s and
 * doubles while they keep coming, up to 10 minutes: the first summed row shows within seconds, and a
 * flood that lasts an hour writes about a dozen rows.
 */
const REFUSAL_FIRST_WINDOW_MS = 5_000;
const REFUSAL_LONGEST_WINDOW_MS = 10 * 60_000;
/** Addresses summed up separately at once; refusals from further addresses share one row. */
const REFUSAL_ADDRESSES = 50;
const OTHER_ADDRESSES = '(other addresses)';

/** Refusals of one kind from one address in the current window, beyond the first (recorded as it came). */
interface RefusalBucket {
  extra: number;
  first: string | null;
  last: string | null;
  sample: SyncLogEntry;
  addresses: Set<string>;
  windowMs: number;
  timer: NodeJS.Timeout;
}

/**
 * Records every SCIM request in the sync log table and the rotating JSON log
 * files. Entries are buffered and written in one transaction at most every
 * 100 ms or every 100 entries, so logging costs one commit per burst rather than one per request.
 * A crash can lose the last 100 ms of log entries, never a resource write:
 * those commit in their own transaction before the response goes out.
 */
export class SyncLogWriter {
  private buffer: SyncLogEntry[] = [];
  private scheduled: NodeJS.Timeout | undefined;
  private readonly refusals = new Map<string, RefusalBucket>();
  private readonly listeners = new Set<Listener>();
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<SyncLogStore, 'appendSyncLog' | 'pruneSyncLog'>,
    private readonly fileLog: Logger | undefined,
  ) {}

  record(entry: SyncLogEntry): void {
    this.buffer.push(entry);
    this.fileLog?.info(
      {
        ...(entry.count !== undefined && entry.count > 1 ? { count: entry.count, lastTime: entry.lastTime } : {}),
        requestId: entry.requestId,
        method: entry.method,
        path: entry.path,
        operation: entry.operation,
        resourceType: entry.resourceType,
        resourceId: entry.resourceId,
        userName: entry.userName,
        externalId: entry.externalId,
        status: entry.status,
        durationMs: entry.durationMs,
        scimType: entry.scimType,
        error: entry.error,
      },
      'scim request',
    );
    if (this.buffer.length >= FLUSH_BATCH) void this.write();
    else if (!this.scheduled) {
      this.scheduled = setTimeout(() => void this.write(), FLUSH_DELAY_MS);
      this.scheduled.unref();
    }
  }

  /**
   * A refused request (a wrong, missing or expired token): the first of its kind from an address is
   * recorded as it comes, the ones after it as one row per window with their count, first and last
   * time (windows of 5 s, doubling to 10 minutes while the refusals go on). A flood of wrong tokens
   * thus writes a few rows per address, where one row per request once filled the disk; past 50
   * addresses at once, the others share one row.
   */
  refused(entry: SyncLogEntry, address: string): void {
    // Not the error text: a 429's names the seconds left, different on every request.
    const kind = `${entry.status}|${entry.adscimVersion !== null ? 'entra' : 'other'}`;
    let key = `${address}|${kind}`;
    let bucket = this.refusals.get(key);
    if (!bucket && this.refusals.size >= REFUSAL_ADDRESSES) {
      key = `${OTHER_ADDRESSES}|${kind}`;
      bucket = this.refusals.get(key);
    }
    if (!bucket) {
      bucket = { extra: 0, first: null, last: null, sample: entry, addresses: new Set([address]), windowMs: REFUSAL_FIRST_WINDOW_MS, timer: this.refusalTimer(key, REFUSAL_FIRST_WINDOW_MS) };
      this.refusals.set(key, bucket);
      if (!key.startsWith(OTHER_ADDRESSES)) {
        this.record(entry);
        return;
      }
    }
    bucket.extra += 1;
    bucket.first ??= entry.time;
    bucket.last = entry.time;
    bucket.sample = entry;
    bucket.addresses.add(address);
  }

  private refusalTimer(key: string, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.closeRefusalWindow(key), ms);
    timer.unref();
    return timer;
  }

  /** The end of a bucket's window: its sum as one row; a bucket that stayed quiet is dropped, the next refusal is recorded as it comes. */
  private closeRefusalWindow(key: string): void {
    const bucket = this.refusals.get(key);
    if (!bucket) return;
    clearTimeout(bucket.timer);
    if (bucket.extra === 0) {
      this.refusals.delete(key);
      return;
    }
    this.recordSum(key, bucket);
    bucket.extra = 0;
    bucket.first = null;
    bucket.last = null;
    bucket.addresses = new Set();
    bucket.windowMs = Math.min(REFUSAL_LONGEST_WINDOW_MS, bucket.windowMs * 2);
    bucket.timer = this.refusalTimer(key, bucket.windowMs);
  }

  private recordSum(key: string, bucket: RefusalBucket): void {
    if (bucket.extra === 0 || bucket.first === null) return;
    const several = key.startsWith(OTHER_ADDRESSES);
    this.record({
      ...bucket.sample,
      time: bucket.first,
      lastTime: bucket.last,
      count: bucket.extra,
      client: several ? `${OTHER_ADDRESSES.slice(1, -1)}: ${bucket.addresses.size}` : bucket.sample.client,
      detail: JSON.stringify({
        response: { status: bucket.sample.status },
        aggregated: { count: bucket.extra, first: bucket.first, last: bucket.last, ...(several ? { addresses: bucket.addresses.size } : {}) },
      }),
    });
  }

  /** Writes what is buffered, and the refusals summed up so far; resolves when it is in the database. */
  flush(): Promise<void> {
    for (const [key, bucket] of this.refusals) {
      clearTimeout(bucket.timer);
      this.recordSum(key, bucket);
    }
    this.refusals.clear();
    return this.write();
  }

  private write(): Promise<void> {
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0) return this.pending;
    this.pending = this.pending
      .then(() => this.store.appendSyncLog(batch))
      .then((stored) => {
        for (const listener of this.listeners) listener(stored);
      })
      .catch((error: unknown) => {
        this.fileLog?.error({ err: error }, 'could not write the sync log');
      });
    return this.pending;
  }

  /** Live tail: called with each batch once it is stored. Returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async prune(retention: SyncLogRetention, now: Date): Promise<number> {
    await this.flush();
    const olderThan = new Date(now.getTime() - retention.maxAgeDays * 86_400_000).toISOString();
    return this.store.pruneSyncLog(olderThan, retention.maxRows);
  }
}
