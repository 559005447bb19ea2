/**
 * The mapping diagnostics as they were read before the observation cache (issue 13's first version),
 * kept verbatim as the reference the cache must agree with (test/unit/mapping/observation-cache.test.ts)
 * and the "before" of `npm run bench:mapping`: every document parsed and walked, every log row's
 * whole entry read and its detail parsed, on every read.
 */
import { groupCycles } from '../../main/mapping/cycles';
import { diagnose } from '../../main/mapping/diagnostics';
import { readEntraSchema } from '../../main/mapping/entra-schema';
import { buildMappingRows } from '../../main/mapping/mapping-model';
import { startProbeValue } from '../../main/mapping/observe';
import { LOG_ROWS_READ } from '../../main/mapping/mapping-service';
import type { ResourceDoc } from '../../main/scim/resource/resource-doc';
import type { ResourceKind } from '../../main/scim/schema/attribute-def';
import type { ResourceSchema } from '../../main/scim/schema/resource-schema';
import type { DirectoryStore } from '../../main/store/directory-store';
import { AttributeRule, type MappingView, type ObservedAttribute, type PresetId } from '../../shared/admin/mapping-schemas';
import { isGuid } from '../../shared/guid';

const PAGE = 1000;

/** The old view's rows, diagnostics and cycles, read as the old service read them. */
export async function referenceView(store: DirectoryStore, schemas: Record<ResourceKind, ResourceSchema>): Promise<Pick<MappingView, 'rows' | 'diagnostics' | 'cycles'> & { read: MappingView['read'] }> {
  const preset = (await store.getSetting<PresetId | null>('mapping.preset')) ?? null;
  const rules = ((await store.getSetting<unknown[]>('mapping.rules')) ?? []).flatMap((rule) => {
    const parsed = AttributeRule.safeParse(rule);
    return parsed.success ? [parsed.data] : [];
  });
  const saved = await store.getSetting<{ schema: unknown } | null>('mapping.entraSchema');
  let entra = null;
  try {
    entra = saved ? readEntraSchema(saved.schema) : null;
  } catch {
    entra = null;
  }
  const started = performance.now();
  const observations = new ReferenceObservations();
  for (const kind of ['User', 'Group'] as const) {
    for (let afterSeq = 0; ; ) {
      const page = await store.scanDocuments(kind, afterSeq, PAGE);
      for (const resource of page) observations.addResource(kind, resource.id, resource.doc);
      if (page.length < PAGE) break;
      afterSeq = page[page.length - 1]!.seq;
    }
  }
  const recordsRead = performance.now();
  let beforeSeq: number | undefined;
  for (let read = 0; read < LOG_ROWS_READ; ) {
    const page = await store.querySyncLog({ limit: Math.min(PAGE, LOG_ROWS_READ - read), ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
    for (const row of page) observations.addLogRow(row);
    read += page.length;
    if (page.length === 0 || read >= LOG_ROWS_READ) break;
    beforeSeq = page[page.length - 1]!.seq;
  }
  const logRead = performance.now();
  const rows = buildMappingRows({ schemas, preset, rules, entra, observations });
  // The first version grouped at silences alone; the start-of-cycle probes are read from the same rows.
  const startProbes = new Map<number, string>();
  for (const row of observations.logRows) {
    const probe = row.operation === 'list' || row.operation === 'search' ? startProbeValue(row) : undefined;
    if (probe !== undefined) startProbes.set(row.seq, probe);
  }
  const cycles = groupCycles(observations.logRows, observations.deactivations, startProbes);
  const diagnostics = diagnose({ schemas, preset, rows, entra, observations, cycles });
  for (const row of rows) {
    row.diagnostics = diagnostics
      .filter((d) => d.resourceType === row.resourceType && d.attribute !== null && d.attribute.toLowerCase() === row.attribute.toLowerCase())
      .map((d) => d.code);
  }
  const done = performance.now();
  return {
    rows,
    diagnostics,
    cycles,
    read: {
      users: observations.counts.User,
      groups: observations.counts.Group,
      logRows: observations.logRows.length,
      ms: Math.round(done - started),
      phases: { records: Math.round(recordsRead - started), log: Math.round(logRead - recordsRead), model: Math.round(done - logRead) },
    },
  };
}

/** One sync-log row as the diagnostics read it (the store's entry, narrowed). */
interface LogRowOld {
  readonly seq: number;
  readonly time: string;
  readonly method: string;
  readonly path: string;
  readonly operation: string;
  readonly resourceType: ResourceKind | null;
  readonly resourceId: string | null;
  readonly userName: string | null;
  readonly externalId: string | null;
  readonly displayName: string | null;
  readonly status: number;
  readonly error: string | null;
  readonly detail: string | null;
}

/** A record as the diagnostics name it. */
interface RecordRef {
  readonly resourceType: ResourceKind;
  readonly id: string;
  readonly name: string;
}

interface AttributeSeen {
  records: number;
  lastSeen: string | null;
  sample: string | null;
}

/** A write of one attribute to one record, as the PATCH operations in the sync log show it. */
interface WriteKey {
  readonly count: number;
  readonly seqs: number[];
}

const WRITE_OPERATIONS = new Set(['create', 'replace', 'patch']);

/** First and last characters only: a sample shows the shape of a value, not the person. */
function mask(value: string): string {
  if (isGuid(value)) return value;
  const chars = [...value];
  if (chars.length <= 4) return chars[0] + '…';
  return `${chars.slice(0, 2).join('')}…${chars.slice(-2).join('')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalar(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'object') return isRecord(value) ? scalar(value['value']) : undefined;
  return String(value);
}

/**
 * The mapping-target paths a document (or a SCIM body) holds, each with one value: `userName`,
 * `name.givenName`, `emails[type eq "work"].value`, `urn:…:enterprise:2.0:User:manager`.
 */
function presentPaths(doc: Record<string, unknown>, visit: (path: string, value: string) => void, prefix = ''): void {
  for (const [key, value] of Object.entries(doc)) {
    if (value === null || value === undefined || key === 'schemas' || key === 'id' || key === 'meta') continue;
    if (prefix === '' && key.toLowerCase().startsWith('urn:')) {
      if (isRecord(value)) presentPaths(value, visit, `${key}:`);
      continue;
    }
    if (Array.isArray(value)) {
      if (key === 'members') {
        if (value.length > 0) visit(prefix + key, `${value.length} members`);
        continue;
      }
      let any = false;
      for (const item of value) {
        if (!isRecord(item)) continue;
        const type = typeof item['type'] === 'string' ? item['type'] : undefined;
        for (const [sub, subValue] of Object.entries(item)) {
          if (sub === 'type' || sub === 'primary' || sub === 'display') continue;
          const text = scalar(subValue);
          if (text === undefined) continue;
          visit(type === undefined ? `${prefix}${key}` : `${prefix}${key}[type eq "${type}"].${sub}`, text);
          any = true;
        }
      }
      if (!any && value.length > 0) {
        const text = scalar(value[0]);
        if (text !== undefined) visit(prefix + key, text);
      }
      continue;
    }
    if (isRecord(value) && !('value' in value)) {
      for (const [sub, subValue] of Object.entries(value)) {
        const text = scalar(subValue);
        if (text !== undefined) visit(`${prefix}${key}.${sub}`, text);
      }
      continue;
    }
    const text = scalar(value);
    if (text !== undefined) visit(prefix + key, text);
  }
}

/** A PATCH path as describeOperations wrote it, in the mapping's spelling (`…:manager.value` is the manager). */
function writtenPath(path: string): string {
  return path.replace(/:manager\.value$/i, ':manager');
}

export class ReferenceObservations {
  readonly counts: Record<ResourceKind, number> = { User: 0, Group: 0 };
  /** Per resource type, per path. */
  readonly attributes: Record<ResourceKind, Map<string, AttributeSeen>> = { User: new Map(), Group: new Map() };
  /** externalId → records holding it, per resource type. */
  readonly externalIds: Record<ResourceKind, Map<string, RecordRef[]>> = { User: new Map(), Group: new Map() };
  readonly nonGuidExternalIds: Record<ResourceKind, Array<RecordRef & { readonly value: string }>> = { User: [], Group: [] };
  /** Case-folded userName → stored spelling and id. */
  readonly userNames = new Map<string, { readonly id: string; readonly userName: string }>();
  /** Attribute names writes carried that no schema defines, with the requests that show them. */
  readonly ignored = new Map<string, { count: number; resourceType: ResourceKind | null; rows: LogRowOld[] }>();
  /** Filter attributes Entra looked records up by (its matching attributes), with a request that shows each. */
  readonly matchedOn = new Map<string, { count: number; resourceType: ResourceKind | null; row: LogRowOld }>();
  /** `resourceId|path|value` of successful PATCH writes, to find the same value written again and again. */
  readonly writes = new Map<string, WriteKey & { readonly resourceType: ResourceKind | null; readonly resourceId: string; readonly path: string; readonly value: string; readonly name: string }>();
  readonly logRows: LogRowOld[] = [];
  /** Per log row seq: how many users it deactivated (0 or 1), for the cycles. */
  readonly deactivations = new Set<number>();

  addResource(kind: ResourceKind, id: string, doc: ResourceDoc): void {
    this.counts[kind]++;
    const seen = this.attributes[kind];
    const counted = new Set<string>();
    presentPaths(doc, (path, value) => {
      if (counted.has(path)) return;
      counted.add(path);
      const entry = seen.get(path);
      if (entry) entry.records++;
      else seen.set(path, { records: 1, lastSeen: null, sample: mask(value) });
    });
    const name = String(kind === 'User' ? (doc['userName'] ?? id) : (doc['displayName'] ?? id));
    const externalId = doc['externalId'];
    if (typeof externalId === 'string') {
      const ref = { resourceType: kind, id, name };
      const holders = this.externalIds[kind].get(externalId);
      if (holders) holders.push(ref);
      else this.externalIds[kind].set(externalId, [ref]);
      if (!isGuid(externalId)) this.nonGuidExternalIds[kind].push({ ...ref, value: externalId });
    }
    if (kind === 'User' && typeof doc['userName'] === 'string') this.userNames.set(doc['userName'].toLowerCase(), { id, userName: doc['userName'] });
  }

  addLogRow(row: LogRowOld): void {
    this.logRows.push(row);
    const kind = row.resourceType;
    if (row.operation === 'list' || row.operation === 'search') this.noteMatching(row);
    if (!WRITE_OPERATIONS.has(row.operation) || row.detail === null || row.detail === '') return;
    let detail: Record<string, unknown>;
    try {
      detail = JSON.parse(row.detail) as Record<string, unknown>;
    } catch {
      return;
    }
    const ignored = detail['ignoredAttributes'];
    if (Array.isArray(ignored)) {
      for (const name of ignored) {
        if (typeof name !== 'string') continue;
        const entry = this.ignored.get(name) ?? { count: 0, resourceType: kind, rows: [] };
        entry.count++;
        if (entry.rows.length < 5) entry.rows.push(row);
        this.ignored.set(name, entry);
      }
    }
    if (row.status >= 300 || kind === null) return;
    const seen = this.attributes[kind];
    const touch = (path: string, value: string) => {
      const entry = seen.get(path);
      if (entry) {
        if (entry.lastSeen === null || entry.lastSeen < row.time) entry.lastSeen = row.time;
      } else seen.set(path, { records: 0, lastSeen: row.time, sample: mask(value) });
    };
    const request = detail['request'];
    if (row.operation !== 'patch' && isRecord(request)) {
      presentPaths(request, touch);
      if (kind === 'User' && (request['active'] === false || request['active'] === 'False' || request['active'] === 'false')) this.deactivations.add(row.seq);
      return;
    }
    const operations = detail['normalized'];
    if (!Array.isArray(operations)) return;
    for (const operation of operations) {
      if (!isRecord(operation) || typeof operation['path'] !== 'string') continue;
      const path = writtenPath(operation['path']);
      const value = operation['value'];
      if (operation['op'] === 'remove') continue;
      const text = scalar(Array.isArray(value) ? value[0] : value) ?? JSON.stringify(value);
      touch(path, text);
      if (kind === 'User' && path === 'active' && (value === false || value === 'False')) this.deactivations.add(row.seq);
      if (row.resourceId !== null && path !== 'members') {
        const key = `${row.resourceId}|${path}|${JSON.stringify(value)}`;
        const write = this.writes.get(key);
        if (write) {
          this.writes.set(key, { ...write, count: write.count + 1, seqs: write.seqs.length < 5 ? [...write.seqs, row.seq] : write.seqs });
        } else {
          this.writes.set(key, {
            count: 1,
            seqs: [row.seq],
            resourceType: kind,
            resourceId: row.resourceId,
            path,
            value: text,
            name: row.userName ?? row.displayName ?? row.resourceId,
          });
        }
      }
    }
  }

  private noteMatching(row: LogRowOld): void {
    const filter = matchFilter(row);
    if (filter === undefined) return;
    const entry = this.matchedOn.get(filter);
    if (entry) entry.count++;
    else this.matchedOn.set(filter, { count: 1, resourceType: row.resourceType ?? kindOfPath(row.path), row });
  }

  observed(kind: ResourceKind, path: string): ObservedAttribute {
    const seen = this.attributes[kind].get(path);
    return { records: seen?.records ?? 0, lastSeen: seen?.lastSeen ?? null, sample: seen?.sample ?? null };
  }
}

function kindOfPath(path: string): ResourceKind | null {
  if (/\/Users(\/|\?|$)/i.test(path)) return 'User';
  if (/\/Groups(\/|\?|$)/i.test(path)) return 'Group';
  return null;
}

/** `"filter":"…"` in a sync-log detail, found without parsing the whole detail (a probe's detail is read 50,000 times). */
const FILTER_IN_DETAIL = /"filter":("(?:[^"\\]|\\.)*")/;

/** The attribute of an `x eq "…"` lookup (Entra's matching query), from the request's query or body. */
function matchFilter(row: LogRowOld): string | undefined {
  const found = row.detail ? FILTER_IN_DETAIL.exec(row.detail)?.[1] : undefined;
  if (found === undefined) return undefined;
  let filter: string;
  try {
    filter = JSON.parse(found) as string;
  } catch {
    return undefined;
  }
  // An attribute path, with a value filter inside brackets (`emails[type eq "work"].value`), then `eq`.
  const match = /^\s*((?:urn:[^\s[]+:)?[A-Za-z][\w$-]*(?:\[[^\]]*\])?(?:\.[A-Za-z][\w$-]*)?)\s+eq\s+/i.exec(filter);
  return match?.[1];
}
