import { isGuid } from '../../shared/guid';
import type { ResourceDoc } from '../scim/resource/resource-doc';
import type { ResourceKind } from '../scim/schema/attribute-def';
import { logFacts, mask, Observations, presentPaths, type LogFacts, type LogRow, type RecordRef } from './observe';

/**
 * What the diagnostics read of the records and the sync log, kept between reads. Reading 100,000
 * documents is most of a cold read (JSON.parse and the walk over each); the records are read again
 * only when the store says a write happened since (a counter its triggers move), and their summary is
 * saved with that counter, so another process (`npm run diagnose`) reads the summary instead while
 * nothing changed. The sync log is read from the newest entry already read (an entry never changes;
 * the oldest are pruned).
 *
 * The observations built from it are those Observations.addResource/addLogRow build from the same
 * records and rows in the same order (test/unit/mapping/observation-cache.test.ts compares them).
 */

/** The narrow reads the cache makes; the composition root fits the store to it. */
export interface ObservationSources {
  /** Every record of a kind, a page of `limit` after position `afterSeq` (0 to start), in position order. */
  scanDocuments(kind: ResourceKind, afterSeq: number, limit: number): Promise<ReadonlyArray<{ readonly seq: number; readonly id: string; readonly doc: ResourceDoc }>>;
  /** The records at these positions, in position order. */
  documentsAt(kind: ResourceKind, seqs: ReadonlyArray<number>): Promise<ReadonlyArray<{ readonly seq: number; readonly id: string; readonly doc: ResourceDoc }>>;
  /** Changes with every write of a record of the kind, or every deletion of a log row ('SyncLog'). */
  mappingGeneration(of: ResourceKind | 'SyncLog'): Promise<number>;
  /** The newest `limit` log rows after `afterSeq`, newest first; detail only of the operations named. */
  scanSyncLog(afterSeq: number, limit: number, detailOf: ReadonlyArray<string>): Promise<ReadonlyArray<LogRow>>;
  /** How many log rows are numbered `fromSeq` to `throughSeq`. */
  countSyncLog(fromSeq: number, throughSeq: number): Promise<number>;
  /** The summary last saved for a kind (opaque text), with the generation it was read at. */
  loadSummary(kind: ResourceKind): Promise<{ readonly generation: number; readonly summary: string } | undefined>;
  saveSummary(kind: ResourceKind, generation: number, summary: string): Promise<void>;
  /** The users holding these userNames (ignoring case), in position order. */
  usersNamed(userNames: ReadonlyArray<string>): Promise<ReadonlyArray<{ readonly id: string; readonly userName: string }>>;
}

const PAGE = 2_000;
/** The operations whose detail the observations read (logFacts): writes, and lookups for their filter. */
const DETAIL_OF = ['create', 'replace', 'patch', 'list', 'search'];

/** The paths a record carries (each once, in the order presentPaths visits them); records of one shape share one. */
interface Shape {
  readonly paths: ReadonlyArray<string>;
}

interface RecordEntry {
  readonly seq: number;
  readonly id: string;
  readonly name: string;
  readonly externalId: string | null;
  readonly shape: Shape;
}

/** What addResource would have built over every record of a kind, but the userNames (looked up when asked). Saved as JSON. */
interface KindSummary {
  readonly version: typeof SUMMARY_VERSION;
  readonly count: number;
  /** In the order addResource would have met them. */
  readonly attributes: ReadonlyArray<{ readonly path: string; readonly records: number; readonly sample: string | null }>;
  readonly nonGuid: ReadonlyArray<RecordRef & { readonly value: string }>;
  /** Only externalIds held more than once: the duplicates are all the diagnostics read of that map. */
  readonly duplicates: ReadonlyArray<readonly [string, RecordRef[]]>;
}

/** Changes when KindSummary does: a summary saved by another version is read again from the records. */
const SUMMARY_VERSION = 1;

interface KindCache {
  readonly generation: number;
  readonly summary: KindSummary;
}

interface LogEntry {
  readonly row: LogRow;
  readonly facts: LogFacts;
}

export class ObservationCache {
  private readonly kinds = new Map<ResourceKind, KindCache>();
  private readonly shapes = new Map<string, Shape>();
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

  private async records(kind: ResourceKind): Promise<KindCache> {
    const generation = await this.sources.mappingGeneration(kind);
    const cached = this.kinds.get(kind);
    if (cached && cached.generation === generation) return cached;
    const saved = await this.sources.loadSummary(kind);
    if (saved && saved.generation === generation) {
      const summary = parseSummary(saved.summary);
      if (summary) {
        const fresh = { generation, summary };
        this.kinds.set(kind, fresh);
        return fresh;
      }
    }
    const entries: RecordEntry[] = [];
    for (let afterSeq = 0; ; ) {
      const page = await this.sources.scanDocuments(kind, afterSeq, PAGE);
      for (const record of page) entries.push(this.entry(kind, record.seq, record.id, record.doc));
      if (page.length < PAGE) break;
      afterSeq = page[page.length - 1]!.seq;
    }
    // A write during the scan may or may not be in it: the generation read before it makes the next read scan again.
    const fresh: KindCache = { generation, summary: await this.summarize(kind, entries) };
    this.kinds.set(kind, fresh);
    // Only a shortcut for the next process: a disk that refuses the write changes nothing here.
    await this.sources.saveSummary(kind, generation, JSON.stringify(fresh.summary)).catch(() => undefined);
    return fresh;
  }

  private entry(kind: ResourceKind, seq: number, id: string, doc: ResourceDoc): RecordEntry {
    const paths: string[] = [];
    presentPaths(doc, (path) => {
      // A handful of paths per record: a scan beats a Set.
      if (!paths.includes(path)) paths.push(path);
    });
    const key = paths.join('\n');
    let shape = this.shapes.get(key);
    if (!shape) {
      shape = { paths };
      this.shapes.set(key, shape);
    }
    const externalId = doc['externalId'];
    return {
      seq,
      id,
      name: String(kind === 'User' ? (doc['userName'] ?? id) : (doc['displayName'] ?? id)),
      externalId: typeof externalId === 'string' ? externalId : null,
      shape,
    };
  }

  private async summarize(kind: ResourceKind, entries: ReadonlyArray<RecordEntry>): Promise<KindSummary> {
    const perShape = new Map<Shape, number>();
    const records = new Map<string, number>();
    /** Path → the first record carrying it, whose first value there is the sample. */
    const sampleOf = new Map<string, number>();
    const holders = new Map<string, number>();
    const nonGuid: Array<RecordRef & { value: string }> = [];
    for (const entry of entries) {
      const count = perShape.get(entry.shape);
      if (count === undefined) {
        perShape.set(entry.shape, 1);
        for (const path of entry.shape.paths) {
          if (!records.has(path)) {
            records.set(path, 0);
            sampleOf.set(path, entry.seq);
          }
        }
      } else perShape.set(entry.shape, count + 1);
      if (entry.externalId !== null) {
        holders.set(entry.externalId, (holders.get(entry.externalId) ?? 0) + 1);
        if (!isGuid(entry.externalId)) nonGuid.push({ resourceType: kind, id: entry.id, name: entry.name, value: entry.externalId });
      }
    }
    for (const [shape, count] of perShape) for (const path of shape.paths) records.set(path, records.get(path)! + count);
    const duplicates = new Map<string, RecordRef[]>();
    for (const entry of entries) {
      if (entry.externalId === null || holders.get(entry.externalId)! < 2) continue;
      const ref = { resourceType: kind, id: entry.id, name: entry.name };
      const list = duplicates.get(entry.externalId);
      if (list) list.push(ref);
      else duplicates.set(entry.externalId, [ref]);
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
    return {
      version: SUMMARY_VERSION,
      count: entries.length,
      attributes: [...records].map(([path, count]) => ({ path, records: count, sample: samples.get(path) ?? null })),
      nonGuid,
      duplicates: [...duplicates],
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

function parseSummary(text: string): KindSummary | undefined {
  try {
    const summary = JSON.parse(text) as KindSummary;
    return summary.version === SUMMARY_VERSION ? summary : undefined;
  } catch {
    return undefined;
  }
}
