import type { ObservedAttribute } from '../../shared/admin/mapping-schemas';
import { isGuid } from '../../shared/guid';
import type { ResourceDoc } from '../scim/resource/resource-doc';
import type { ResourceKind } from '../scim/schema/attribute-def';

/**
 * What ScimDesk has really received: the attributes its stored records carry and those the sync log
 * shows Entra writing. Fed one record and one log row at a time (the diagnostics read 100,000 users
 * and 50,000 log rows in one pass), then read by the diagnostics.
 */

/** One sync-log row as the diagnostics read it (the store's entry, narrowed). */
export interface LogRow {
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
export interface RecordRef {
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
export function mask(value: string): string {
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
export function presentPaths(doc: Record<string, unknown>, visit: (path: string, value: string) => void, prefix = ''): void {
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

/** What the model and the diagnostics read of the observations. */
export type ObservedFacts = Omit<Observations, 'addResource' | 'addLogRow' | 'addLogFacts' | 'startProbes'>;

export class Observations {
  readonly counts: Record<ResourceKind, number> = { User: 0, Group: 0 };
  /** Per resource type, per path. */
  readonly attributes: Record<ResourceKind, Map<string, AttributeSeen>> = { User: new Map(), Group: new Map() };
  /** externalId → records holding it, per resource type. */
  readonly externalIds: Record<ResourceKind, Map<string, RecordRef[]>> = { User: new Map(), Group: new Map() };
  readonly nonGuidExternalIds: Record<ResourceKind, Array<RecordRef & { readonly value: string }>> = { User: [], Group: [] };
  /** Case-folded userName → stored spelling and id. */
  readonly userNames = new Map<string, { readonly id: string; readonly userName: string }>();
  /** Attribute names writes carried that no schema defines, with the requests that show them. */
  readonly ignored = new Map<string, { count: number; resourceType: ResourceKind | null; rows: LogRow[] }>();
  /** Filter attributes Entra looked records up by (its matching attributes), with a request that shows each. */
  readonly matchedOn = new Map<string, { count: number; resourceType: ResourceKind | null; row: LogRow }>();
  /** `resourceId|path|value` of successful PATCH writes, to find the same value written again and again. */
  readonly writes = new Map<string, WriteKey & { readonly resourceType: ResourceKind | null; readonly resourceId: string; readonly path: string; readonly value: string; readonly name: string }>();
  readonly logRows: LogRow[] = [];
  /** Per log row seq: how many users it deactivated (0 or 1), for the cycles. */
  readonly deactivations = new Set<number>();
  /** Log row seq → the random GUID of Entra's start-of-cycle lookup it is, for the cycles. */
  readonly startProbes = new Map<number, string>();

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

  addLogRow(row: LogRow): void {
    this.addLogFacts(row, logFacts(row));
  }

  /** A log row whose detail was read once into facts (logFacts): the same as addLogRow, without parsing again. */
  addLogFacts(row: LogRow, facts: LogFacts): void {
    this.logRows.push(row);
    const kind = row.resourceType;
    if (facts.matchedOn !== undefined) this.noteMatching(row, facts.matchedOn);
    if (facts.startProbe !== undefined) this.startProbes.set(row.seq, facts.startProbe);
    for (const name of facts.ignored) {
      const entry = this.ignored.get(name) ?? { count: 0, resourceType: kind, rows: [] };
      entry.count++;
      if (entry.rows.length < 5) entry.rows.push(row);
      this.ignored.set(name, entry);
    }
    if (facts.deactivates) this.deactivations.add(row.seq);
    if (kind === null) return;
    const seen = this.attributes[kind];
    for (const [path, value] of facts.touched) {
      const entry = seen.get(path);
      if (entry) {
        if (entry.lastSeen === null || entry.lastSeen < row.time) entry.lastSeen = row.time;
      } else seen.set(path, { records: 0, lastSeen: row.time, sample: mask(value) });
    }
    if (row.resourceId === null) return;
    for (const written of facts.written) {
      const key = `${row.resourceId}|${written.path}|${written.json}`;
      const write = this.writes.get(key);
      if (write) {
        this.writes.set(key, { ...write, count: write.count + 1, seqs: write.seqs.length < 5 ? [...write.seqs, row.seq] : write.seqs });
      } else {
        this.writes.set(key, {
          count: 1,
          seqs: [row.seq],
          resourceType: kind,
          resourceId: row.resourceId,
          path: written.path,
          value: written.text,
          name: row.userName ?? row.displayName ?? row.resourceId,
        });
      }
    }
  }

  private noteMatching(row: LogRow, filter: string): void {
    const entry = this.matchedOn.get(filter);
    if (entry) entry.count++;
    else this.matchedOn.set(filter, { count: 1, resourceType: row.resourceType ?? kindOfPath(row.path), row });
  }

  observed(kind: ResourceKind, path: string): ObservedAttribute {
    const seen = this.attributes[kind].get(path);
    return { records: seen?.records ?? 0, lastSeen: seen?.lastSeen ?? null, sample: seen?.sample ?? null };
  }
}

/**
 * What one sync-log row tells the observations, read from its detail once: the diagnostics keep these
 * per row (a row never changes), so the next read parses only the rows logged since.
 */
export interface LogFacts {
  /** The attribute of Entra's `x eq "…"` lookup, for a list or search. */
  readonly matchedOn: string | undefined;
  /** The random GUID of Entra's start-of-cycle lookup (startProbeValue), lower case. */
  readonly startProbe: string | undefined;
  /** Attribute names the write carried that no schema defines. */
  readonly ignored: ReadonlyArray<string>;
  /** A successful write of `active: false` to a user. */
  readonly deactivates: boolean;
  /** Paths a successful write carried, each with one value (in the order written). */
  readonly touched: ReadonlyArray<readonly [path: string, value: string]>;
  /** A successful PATCH's operations but removes and members: path, value as JSON, value as text. */
  readonly written: ReadonlyArray<{ readonly path: string; readonly json: string; readonly text: string }>;
}

const NO_FACTS: LogFacts = { matchedOn: undefined, startProbe: undefined, ignored: [], deactivates: false, touched: [], written: [] };

export function logFacts(row: LogRow): LogFacts {
  const lookup = row.operation === 'list' || row.operation === 'search';
  const matchedOn = lookup ? matchFilter(row) : undefined;
  const startProbe = lookup ? startProbeValue(row) : undefined;
  const none = matchedOn === undefined && startProbe === undefined ? NO_FACTS : { ...NO_FACTS, matchedOn, startProbe };
  if (!WRITE_OPERATIONS.has(row.operation) || row.detail === null || row.detail === '') return none;
  let detail: Record<string, unknown>;
  try {
    detail = JSON.parse(row.detail) as Record<string, unknown>;
  } catch {
    return none;
  }
  const kind = row.resourceType;
  const ignoredList = detail['ignoredAttributes'];
  const ignored = Array.isArray(ignoredList) ? ignoredList.filter((name): name is string => typeof name === 'string') : [];
  if (row.status >= 300 || kind === null) return { ...none, ignored };
  const touched: Array<readonly [string, string]> = [];
  const written: Array<{ path: string; json: string; text: string }> = [];
  let deactivates = false;
  const request = detail['request'];
  if (row.operation !== 'patch' && isRecord(request)) {
    presentPaths(request, (path, value) => touched.push([path, value]));
    deactivates = kind === 'User' && (request['active'] === false || request['active'] === 'False' || request['active'] === 'false');
    return { matchedOn, startProbe, ignored, deactivates, touched, written };
  }
  const operations = detail['normalized'];
  if (!Array.isArray(operations)) return { ...none, ignored };
  for (const operation of operations) {
    if (!isRecord(operation) || typeof operation['path'] !== 'string') continue;
    const path = writtenPath(operation['path']);
    const value = operation['value'];
    if (operation['op'] === 'remove') continue;
    const text = scalar(Array.isArray(value) ? value[0] : value) ?? JSON.stringify(value);
    touched.push([path, text]);
    if (kind === 'User' && path === 'active' && (value === false || value === 'False')) deactivates = true;
    if (row.resourceId !== null && path !== 'members') written.push({ path, json: JSON.stringify(value), text });
  }
  return { matchedOn, startProbe, ignored, deactivates, touched, written };
}

function kindOfPath(path: string): ResourceKind | null {
  if (/\/Users(\/|\?|$)/i.test(path)) return 'User';
  if (/\/Groups(\/|\?|$)/i.test(path)) return 'Group';
  return null;
}

/** `"filter":"…"` in a sync-log detail, found without parsing the whole detail (a probe's detail is read 50,000 times). */
const FILTER_IN_DETAIL = /"filter":("(?:[^"\\]|\\.)*")/;

function filterOf(row: LogRow): string | undefined {
  const found = row.detail ? FILTER_IN_DETAIL.exec(row.detail)?.[1] : undefined;
  if (found === undefined) return undefined;
  try {
    return JSON.parse(found) as string;
  } catch {
    return undefined;
  }
}

/**
 * Entra opens each provisioning cycle, and Test Connection, by fetching "a random user and group to
 * ensure that the endpoint and the credentials are valid" (Microsoft's SCIM endpoint guide): a lookup
 * of a userName (a group's displayName) that is a freshly drawn GUID, `userName eq "<GUID>"`. A lookup
 * by externalId or id is Entra matching on objectId, not the probe. The GUID, lower case, or undefined.
 */
export function startProbeValue(row: LogRow): string | undefined {
  const filter = filterOf(row);
  if (filter === undefined) return undefined;
  const match = /^\s*(userName|displayName)\s+eq\s+"?([0-9a-f-]{36})"?\s*$/i.exec(filter);
  if (!match || !isGuid(match[2]!)) return undefined;
  const kind = row.resourceType ?? kindOfPath(row.path);
  if ((kind === 'User') !== (match[1]!.toLowerCase() === 'username')) return undefined;
  return match[2]!.toLowerCase();
}

/** The attribute of an `x eq "…"` lookup (Entra's matching query), from the request's query or body. */
function matchFilter(row: LogRow): string | undefined {
  const filter = filterOf(row);
  if (filter === undefined) return undefined;
  // An attribute path, with a value filter inside brackets (`emails[type eq "work"].value`), then `eq`.
  const match = /^\s*((?:urn:[^\s[]+:)?[A-Za-z][\w$-]*(?:\[[^\]]*\])?(?:\.[A-Za-z][\w$-]*)?)\s+eq\s+/i.exec(filter);
  return match?.[1];
}
