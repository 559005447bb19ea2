import { isGuid } from '../../shared/guid';
import type { ResourceDoc } from '../scim/resource/resource-doc';
import type { ResourceKind } from '../scim/schema/attribute-def';
import { logFacts, mask, Observations, presentPaths, type LogFacts, type LogRow, type RecordRef } from './observe';

/**
 * What the diagnostics read of the records and the sync log, kept between reads. Reading 100,000
 * documents is most of a cold read (JSON.parse and the walk over each), so each record is reduced once
 * to its facts (the attribute paths it carries, its externalId and name) and the store keeps them:
 * triggers mark every record written, by any process and any code path, and a read reduces only the
 * records marked since (one write: one record). The summary over all records is then a few grouped,
 * indexed queries. The sync log is read from the newest entry already read (an entry never changes;
 * the oldest are pruned).
 *
 * The observations built from it are those Observations.addResource/addLogRow build from the same
 * records and rows in the same order (test/unit/mapping/observation-cache.test.ts compares them).
 */

/** What the store hands back of a record written since the last read: the document now (null once deleted). */
export interface PendingRecord {
  readonly seq: number;
  readonly stamp: number;
  readonly id: string | null;
  readonly doc: ResourceDoc | null;
}

/** What the cache keeps of a record, or null for one deleted. */
export interface RecordFacts {
  readonly seq: number;
  readonly stamp: number;
  readonly facts: {
    readonly id: string;
    readonly name: string;
    readonly externalId: string | null;
    readonly nonGuid: boolean;
    /** The paths it carries (JSON of presentPaths' first visits, in order): records of one shape share the text. */
    readonly shape: string;
  } | null;
}

/** The kept facts of every record of a kind, as the store groups them. */
export interface RecordSummary {
  /** Each shape with how many records have it and the position of the first, in that order. */
  readonly shapes: ReadonlyArray<{ readonly paths: string; readonly records: number; readonly firstSeq: number }>;
  /** In position order. */
  readonly nonGuid: ReadonlyArray<{ readonly id: string; readonly name: string; readonly externalId: string }>;
  /** Records whose externalId another record of the kind holds too, in position order. */
  readonly duplicates: ReadonlyArray<{ readonly id: string; readonly name: string; readonly externalId: string }>;
}

/** The narrow reads the cache makes; the composition root fits the store to it. */
export interface ObservationSources {
  /** Records marked as written since they were last read (any process), a page of `limit` after position `afterSeq`, in position order. */
  pendingRecords(kind: ResourceKind, afterSeq: number, limit: number): Promise<ReadonlyArray<PendingRecord>>;
  /** Keeps the facts of records read and clears their marks, each unless written again since its stamp. */
  saveRecords(kind: ResourceKind, records: ReadonlyArray<RecordFacts>): Promise<void>;
  /** The kept facts, grouped. */
  recordSummary(kind: ResourceKind): Promise<RecordSummary>;
  /** The records at these positions, in position order. */
  documentsAt(kind: ResourceKind, seqs: ReadonlyArray<number>): Promise<ReadonlyArray<{ readonly seq: number; readonly id: string; readonly doc: ResourceDoc }>>;
  /** Changes with every write of a record of the kind, or every deletion of a log row ('SyncLog'). */
  mappingGeneration(of: ResourceKind | 'SyncLog'): Promise<number>;
  /** The newest `limit` log rows after `afterSeq`, newest first; detail only of the operations named. */
  scanSyncLog(afterSeq: number, limit: number, detailOf: ReadonlyArray<string>): Promise<ReadonlyArray<LogRow>>;
  /** How many log rows are numbered `fromSeq` to `throughSeq`. */
  countSyncLog(fromSeq: number, throughSeq: number): Promise<number>;
  /** The users holding these userNames (ignoring case), in position order. */
  usersNamed(userNames: ReadonlyArray<string>): Promise<ReadonlyArray<{ readonly id: string; readonly userName: string }>>;
}

const PAGE = 2_000;
/** The operations whose detail the observations read (logFacts): writes, and lookups for their filter. */
const DETAIL_OF = ['create', 'replace', 'patch', 'list', 'search'];

/** What addResource would have built over every record of a kind, but the userNames (looked up when asked). */
interface KindSummary {
  readonly count: number;
  /** In the order addResource would have met them. */
  readonly attributes: ReadonlyArray<{ readonly path: string; readonly records: number; readonly sample: string | null }>;
  readonly nonGuid: ReadonlyArray<RecordRef & { readonly value: string }>;
  /** Only externalIds held more than once: the duplicates are all the diagnostics read of that map. */
  readonly duplicates: ReadonlyArray<readonly [string, RecordRef[]]>;
}

interface KindCache {
  readonly generation: number;
  readonly summary: KindSummary;
}

interface LogEntry {
  readonly row: LogRow;
  readonly facts: LogFacts;
}

/** What the cache keeps of one record: what addResource reads of it but the values. */
export function recordFacts(kind: ResourceKind, id: string, doc: ResourceDoc): NonNullable<RecordFacts['facts']> {
  const paths: string[] = [];
  presentPaths(doc, (path) => {
    // A handful of paths per record: a scan beats a Set.
    if (!paths.includes(path)) paths.push(path);
  });
  const externalId = typeof doc['externalId'] === 'string' ? doc['externalId'] : null;
  return {
    id,
    name: String(kind === 'User' ? (doc['userName'] ?? id) : (doc['displayName'] ?? id)),
    externalId,
    nonGuid: externalId !== null && !isGuid(externalId),
    shape: JSON.stringify(paths),
  };
}

export class ObservationCache {
  private readonly kinds = new Map<ResourceKind, KindCache>();
  /** Newest first. */
  private log: LogEntry[] = [];
  private logGeneration = -1;

  constructor(private readonly sources: ObservationSources) {}

  /** The observations over every record and the newest `logLimit` log rows; `phases` gets the milliseconds of each read. */
  async observe(logLimit: number, phases: { records: number; log: number } = { records: 0, log: 0 }): Promise<Observations> {
    const observations = new Observations();
    const started = performance.now();
    const users = await this.records('User');
    const groups = await this.records('Group');
    const recordsRead = performance.now();
    const log = await this.logRows(logLimit);
    const logRead = performance.now();
    this.fill(observations, 'User', users);
    this.fill(observations, 'Group', groups);
    // The userNames a 409 names: the only ones the case check looks up.
    const refused = new Set<string>();
    for (const { row } of log) if (row.resourceType === 'User' && row.status === 409 && row.userName !== null) refused.add(row.userName);
    if (refused.size > 0) {
      for (const held of await this.sources.usersNamed([...refused])) observations.userNames.set(held.userName.toLowerCase(), held);
    }
    const filled = performance.now();
    for (const { row, facts } of log) observations.addLogFacts(row, facts);
    phases.records = Math.round(recordsRead - started + (filled - logRead));
    phases.log = Math.round(logRead - recordsRead + (performance.now() - filled));
    return observations;
  }

  /**
   * Reads the records written since the last read (by any process) and keeps their facts; returns how
   * many. A view does it first; the service also does it now and then, so a view after hours of
   * provisioning finds little left to read. `between` runs between pages (the service lets requests in);
   * false stops there (what was read is kept, the rest stays marked).
   */
  async catchUp(kind: ResourceKind, between: () => Promise<boolean> = async () => true): Promise<number> {
    let read = 0;
    for (let afterSeq = 0; ; ) {
      const page = await this.sources.pendingRecords(kind, afterSeq, PAGE);
      if (page.length === 0) break;
      await this.sources.saveRecords(
        kind,
        page.map(({ seq, stamp, id, doc }) => ({ seq, stamp, facts: id === null || doc === null ? null : recordFacts(kind, id, doc) })),
      );
      read += page.length;
      if (page.length < PAGE || !(await between())) break;
      afterSeq = page[page.length - 1]!.seq;
    }
    return read;
  }

  private async records(kind: ResourceKind): Promise<KindCache> {
    const generation = await this.sources.mappingGeneration(kind);
    const cached = this.kinds.get(kind);
    if (cached && cached.generation === generation) return cached;
    // A write during the catch-up may or may not be in it: the generation read before it makes the next read catch up again.
    await this.catchUp(kind);
    const fresh: KindCache = { generation, summary: await this.summarize(kind) };
    this.kinds.set(kind, fresh);
    return fresh;
  }

  private async summarize(kind: ResourceKind): Promise<KindSummary> {
    const { shapes, nonGuid, duplicates } = await this.sources.recordSummary(kind);
    const records = new Map<string, number>();
    /** Path → the first record carrying it, whose first value there is the sample. */
    const sampleOf = new Map<string, number>();
    let count = 0;
    for (const shape of shapes) {
      count += shape.records;
      for (const path of JSON.parse(shape.paths) as string[]) {
        const before = records.get(path);
        if (before === undefined) {
          records.set(path, shape.records);
          sampleOf.set(path, shape.firstSeq);
        } else records.set(path, before + shape.records);
      }
    }
    const samples = new Map<string, string>();
    if (sampleOf.size > 0) {
      const docs = await this.sources.documentsAt(kind, [...new Set(sampleOf.values())]);
      for (const { seq, doc } of docs) {
        presentPaths(doc, (path, value) => {
          if (sampleOf.get(path) === seq && !samples.has(path)) samples.set(path, mask(value));
        });
      }
    }
    const holders = new Map<string, RecordRef[]>();
    for (const { id, name, externalId } of duplicates) {
      const ref = { resourceType: kind, id, name };
      const list = holders.get(externalId);
      if (list) list.push(ref);
      else holders.set(externalId, [ref]);
    }
    return {
      count,
      attributes: [...records].map(([path, n]) => ({ path, records: n, sample: samples.get(path) ?? null })),
      nonGuid: nonGuid.map(({ id, name, externalId }) => ({ resourceType: kind, id, name, value: externalId })),
      duplicates: [...holders],
    };
  }

  private fill(observations: Observations, kind: ResourceKind, cache: KindCache): void {
    const { summary } = cache;
    observations.counts[kind] = summary.count;
    const seen = observations.attributes[kind];
    for (const { path, records, sample } of summary.attributes) seen.set(path, { records, lastSeen: null, sample });
    observations.nonGuidExternalIds[kind].push(...summary.nonGuid);
    for (const [value, holders] of summary.duplicates) observations.externalIds[kind].set(value, [...holders]);
  }

  private async logRows(limit: number): Promise<LogEntry[]> {
    const oldest = this.log[this.log.length - 1];
    // An entry never changes once written; when some were deleted (pruned) since, those still stored are counted.
    const generation = await this.sources.mappingGeneration('SyncLog');
    if (oldest && generation !== this.logGeneration && (await this.sources.countSyncLog(oldest.row.seq, this.log[0]!.row.seq)) !== this.log.length) this.log = [];
    this.logGeneration = generation;
    const newest = this.log[0]?.row.seq ?? 0;
    const fresh = await this.sources.scanSyncLog(newest, limit, DETAIL_OF);
    const added = fresh.map((row): LogEntry => ({ row: { ...row, detail: null }, facts: logFacts(row) }));
    this.log = added.length >= limit ? added : [...added, ...this.log].slice(0, limit);
    return this.log;
  }
}
