import type { DirectoryStore } from '../../main/store/directory-store';

/**
 * A bounded, seeded HTTP fuzzer for the SCIM endpoint (issue 14): Entra-like requests to build up
 * a directory, and the same requests mutated the way an adversary or a broken client mutates them
 * (paths, query parameters, headers, bodies: nesting, lone surrogates, huge numbers, wrong types,
 * broken JSON, bytes). Every answer's status is counted; a 5xx (but the documented 501 of /Bulk
 * and /Me) is a failure, reported with the request that caused it, as is an error without a SCIM
 * error body. Against a service it started itself it also checks that no refused
 * request wrote anything (every resource write of the store is watched, one request at a time).
 */

/** mulberry32: the same seed gives the same requests. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: ReadonlyArray<T>): T => items[int(items.length)] as T;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Random = ReturnType<typeof createRandom>;

export interface FuzzRequest {
  readonly method: string;
  /** Below the SCIM base URL, query string included, as sent on the wire. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer;
}

export interface FuzzFailure {
  readonly index: number;
  readonly request: FuzzRequest;
  readonly status: number;
  readonly answer: string;
  readonly reason: string;
}

export interface FuzzResult {
  readonly requests: number;
  readonly byStatus: ReadonlyMap<number, number>;
  /** Every 5xx, every answer that is not a SCIM error body where one is due, every refused request that wrote. */
  readonly failures: ReadonlyArray<FuzzFailure>;
  readonly elapsedMs: number;
}

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ADSCIM_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const ENTRA_HEADER = 'Date: 2026-01-01, ActivityId: 00000000-0000-4000-8000-000000000000';

const WEIRD_STRINGS = ['', ' ', '"', '\\', '\\u0000', '\u0000', 'ä', 'Ä', '😀', '\u202e', '%', '%00', '%zz', '../..', 'null', 'true', '1e308', '-1', '9'.repeat(30), 'x'.repeat(3000), '<script>', "'; DROP TABLE users; --", '\ufeff', '\r\n'];
const ATTRS = ['userName', 'displayName', 'title', 'active', 'externalId', 'id', 'name.givenName', 'name', 'emails', 'emails.value', 'emails[type eq "work"].value', 'members', 'members.value', 'groups', 'meta', 'meta.created', 'meta.lastModified', 'meta.resourceType', 'meta.location', 'meta.version', 'password', `${ENT}:department`, `${ENT}:manager`, `${ENT}:manager.value`, 'phoneNumbers', 'addresses', 'addresses.locality', 'x509Certificates', 'urn:bogus:schema:attr', 'a.b.c', '$ref', '@', ''];
const NUMBERS = ['0', '1', '-1', '2', '100', '1000', '1001', '1.5', '1e19', '1e308', '-1e308', '9007199254740991', '9007199254740992', 'NaN', 'Infinity', '0x10', ' 7 ', '', 'abc', '١', '1_000'];
const OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'EQ', 'Eq', 'zz'];

function filterText(r: Random, depth = 0): string {
  const roll = r.int(10);
  if (depth < 4 && roll === 0) return `${r.pick(['not ', 'NOT ', 'not'])}(${filterText(r, depth + 1)})`;
  if (depth < 4 && roll <= 2) return `${filterText(r, depth + 1)} ${r.pick(['and', 'or', 'AND', 'Or', 'xor'])} ${filterText(r, depth + 1)}`;
  if (depth < 4 && roll === 3) return `(${filterText(r, depth + 1)})`;
  if (depth < 3 && roll === 4) return `${r.pick(['emails', 'members', 'addresses', 'groups', 'name'])}[${filterText(r, 3)}]`;
  const op = r.pick(OPS);
  if (op === 'pr') return `${r.pick(ATTRS)} pr`;
  const value = r.chance(0.6) ? JSON.stringify(r.pick([...WEIRD_STRINGS, 'adele@contoso.com', '2026-01-01T00:00:00Z', 'Sales'])) : r.pick([...NUMBERS, 'true', 'False', 'null', 'bare-word', '"unterminated', '"\\ud800"', '"\\uZZZZ"']);
  return `${r.pick(ATTRS)} ${op} ${value}`;
}

/** Long filters: many terms (the 1,000-term case), deep parentheses, and the length limit. */
function hugeFilter(r: Random): string {
  switch (r.int(4)) {
    case 0:
      return Array.from({ length: 900 + r.int(400) }, () => 'id pr').join(r.pick([' or ', ' and ']));
    case 1: {
      const depth = 150 + r.int(150);
      return '('.repeat(depth) + 'id pr' + ')'.repeat(depth);
    }
    case 2:
      return `userName eq "${'x'.repeat(9980 + r.int(40))}"`;
    default: {
      let text = 'id pr';
      for (let i = 0; i < 60 + r.int(60); i++) text = `not (${text} or emails[value co "a"])`;
      return text;
    }
  }
}

function encode(r: Random, text: string): string {
  const encoded = encodeURIComponent(text);
  return r.chance(0.5) ? encoded.replace(/%20/g, '+') : encoded;
}

function queryString(r: Random): string {
  const parts: string[] = [];
  const add = (name: string, value: string) => parts.push(`${r.chance(0.1) ? name.toLowerCase() : name}=${encode(r, value)}`);
  if (r.chance(0.6)) add('filter', r.chance(0.03) ? hugeFilter(r) : filterText(r));
  if (r.chance(0.25)) add('startIndex', r.pick(NUMBERS));
  if (r.chance(0.25)) add('count', r.pick(NUMBERS));
  if (r.chance(0.25)) add('sortBy', r.pick(ATTRS));
  if (r.chance(0.15)) add('sortOrder', r.pick(['ascending', 'descending', 'DESCENDING', 'up', '']));
  if (r.chance(0.2)) add('attributes', Array.from({ length: 1 + r.int(3) }, () => r.pick(ATTRS)).join(','));
  if (r.chance(0.2)) add('excludedAttributes', Array.from({ length: 1 + r.int(3) }, () => r.pick(ATTRS)).join(','));
  if (r.chance(0.05)) parts.push(r.pick(['filter', 'filter=', '=x', '&&', 'filter=%', 'filter=%E0%A4%A', 'aadOptscim062020', 'filter=a&filter=b']));
  return parts.length ? `?${parts.join('&')}` : '';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A random small JSON value, weird strings included. */
function jsonValue(r: Random, depth = 0): Json {
  switch (r.int(depth > 2 ? 5 : 8)) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53, 1e19]);
    case 3:
    case 4:
      return r.pick([...WEIRD_STRINGS, 'False', 'work', 'u-none']);
    case 5:
      return Array.from({ length: r.int(4) }, () => jsonValue(r, depth + 1));
    default: {
      const object: Record<string, Json> = {};
      for (let i = r.int(4); i > 0; i--) object[r.pick(['value', 'type', 'primary', 'display', '$ref', 'op', 'path', 'Value', ...ATTRS])] = jsonValue(r, depth + 1);
      return object;
    }
  }
}

/** One node of a JSON value replaced, removed, or its member names re-cased. */
function mutateJson(r: Random, value: Json): Json {
  const paths: Array<Array<string | number>> = [];
  const walk = (node: Json, path: Array<string | number>) => {
    paths.push(path);
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...path, i]));
    else if (node !== null && typeof node === 'object') for (const key of Object.keys(node)) walk(node[key]!, [...path, key]);
  };
  walk(value, []);
  const path = r.pick(paths);
  if (path.length === 0) return jsonValue(r);
  const copy = structuredClone(value) as Json;
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  const roll = r.int(4);
  if (roll === 0) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (roll === 1 && !Array.isArray(parent)) {
    const inner = parent[last]!;
    delete parent[last];
    parent[String(last).toUpperCase()] = inner;
  } else parent[last] = jsonValue(r);
  return copy;
}

function nestedBody(r: Random): string {
  const depth = r.pick([31, 32, 33, 64, 2600, 10000]);
  const inner = r.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  return r.chance(0.5)
    ? `{"schemas":["${USER}"],"userName":"deep${r.int(1e6)}@contoso.com","title":${inner}}`
    : `{"schemas":["${PATCH}"],"Operations":[{"op":"replace","path":"title","value":${inner}}]}`;
}

/** What the fuzzer knows of the directory so far, to aim requests at real ids. */
interface Known {
  readonly users: string[];
  readonly groups: string[];
  readonly etags: string[];
  serial: number;
}

function userBody(r: Random, known: Known): Json {
  const n = known.serial++;
  const name = `fuzz.user${n}@contoso.com`;
  return {
    schemas: [USER, ENT],
    externalId: r.chance(0.5) ? `${(n % 0xffffffff).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000` : `nick${n}`,
    userName: r.chance(0.05) ? 'duplicate@contoso.com' : name,
    active: r.pick([true, false, 'True', 'False']),
    displayName: `Fuzz User ${n}`,
    title: r.pick(['Engineer', 'Manager', '']),
    emails: [{ primary: true, type: 'work', value: name }],
    name: { givenName: 'Fuzz', familyName: `User${n}`, formatted: `Fuzz User${n}` },
    roles: [],
    meta: { resourceType: 'User' },
    [ENT]: { department: r.pick(['Sales', 'R&D']), employeeNumber: String(n), manager: r.chance(0.3) && known.users.length ? r.pick(known.users) : { value: 'unknown-manager' } },
  };
}

function groupBody(r: Random, known: Known): Json {
  const n = known.serial++;
  return {
    schemas: [GROUP, ADSCIM_GROUP],
    externalId: `${(n % 0xffffffff).toString(16).padStart(8, '0')}-1111-4000-8000-000000000000`,
    displayName: `Fuzz Group ${n}`,
    members: known.users.length && r.chance(0.5) ? [{ value: r.pick(known.users) }] : [],
  };
}

function patchBody(r: Random, known: Known, group: boolean): Json {
  const operations: Json[] = [];
  for (let i = 1 + r.int(3); i > 0; i--) {
    if (group) {
      operations.push({
        op: r.pick(['Add', 'Remove', 'add', 'remove', 'Replace']),
        path: r.pick(['members', 'displayName', `members[value eq "${r.pick([...known.users, 'u-none'])}"]`]),
        value: r.chance(0.8) ? Array.from({ length: 1 + r.int(3) }, () => ({ value: known.users.length && r.chance(0.7) ? r.pick(known.users) : `pending-${r.int(50)}`, $ref: null })) : `Renamed ${r.int(1e6)}`,
      });
    } else {
      operations.push(
        r.pick<Json>([
          { op: 'Replace', path: 'active', value: r.pick(['False', 'True', false, true]) },
          { op: 'Replace', path: 'displayName', value: `Renamed ${r.int(1e6)}` },
          { op: 'Add', path: 'emails[type eq "work"].value', value: `w${r.int(1e6)}@contoso.com` },
          { op: 'Replace', path: `${ENT}:manager`, value: known.users.length ? r.pick(known.users) : 'x' },
          { op: 'replace', value: { 'name.givenName': 'G', [`${ENT}:department`]: 'Ops', active: false } },
          { op: 'Remove', path: 'title' },
          { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 425 555 0100' },
        ]),
      );
    }
  }
  return { schemas: [PATCH], Operations: operations };
}

/** The next request: most well-formed and Entra-like, the rest mutated in one or more places. */
export function nextRequest(r: Random, known: Known, token: string): FuzzRequest {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
  if (r.chance(0.7)) headers['adscimversion'] = ENTRA_HEADER;
  const user = () => (known.users.length && r.chance(0.9) ? r.pick(known.users) : r.pick(['u-none', '%00', '..', 'x'.repeat(300), '%ED%A0%80', encodeURIComponent('😀')]));
  const group = () => (known.groups.length && r.chance(0.9) ? r.pick(known.groups) : 'g-none');
  let method: string;
  let path: string;
  let body: Json | undefined;
  switch (r.int(12)) {
    case 0:
    case 1:
      [method, path, body] = ['POST', '/Users', userBody(r, known)];
      break;
    case 2:
      [method, path, body] = ['POST', '/Groups', groupBody(r, known)];
      break;
    case 3:
    case 4:
      [method, path, body] = ['PATCH', `/Users/${user()}`, patchBody(r, known, false)];
      break;
    case 5:
      [method, path, body] = ['PATCH', `/Groups/${group()}`, patchBody(r, known, true)];
      break;
    case 6:
      [method, path] = ['GET', `/${r.pick(['Users', 'Groups'])}${queryString(r)}`];
      break;
    case 7:
      [method, path] = ['GET', `/Users/${user()}${r.chance(0.3) ? queryString(r) : ''}`];
      break;
    case 8: {
      const search: Record<string, Json> = { schemas: [SEARCH], filter: r.chance(0.05) ? hugeFilter(r) : filterText(r) };
      if (r.chance(0.3)) search['startIndex'] = r.pick<Json>([1, 0, -5, 1e19, 1e308, '2', 2.5, null, 'x']);
      if (r.chance(0.3)) search['count'] = r.pick<Json>([1, 0, 1e308, -1, '10', null]);
      if (r.chance(0.3)) search['sortBy'] = r.pick(ATTRS);
      if (r.chance(0.2)) search['attributes'] = r.pick<Json>([['userName'], 'userName', [1], null]);
      [method, path, body] = ['POST', r.pick(['/.search', '/Users/.search', '/Groups/.search']), search];
      break;
    }
    case 9:
      [method, path, body] = ['PUT', `/Users/${user()}`, userBody(r, known)];
      break;
    case 10:
      [method, path] = [r.chance(0.2) ? 'DELETE' : 'GET', r.chance(0.5) ? `/Users/${user()}` : `/Groups/${group()}`];
      if (method === 'DELETE') known.users.splice(known.users.length - 1, r.chance(0.5) ? 1 : 0);
      break;
    default:
      [method, path] = [r.pick(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH']), r.pick(['/ServiceProviderConfig', '/Schemas', '/ResourceTypes', '/Schemas/urn:x', '/Bulk', '/Me', '/', '//Users', '/Users/', '/Users/x/y', '/ResourceTypes/User', '/Groups//x'])];
  }
  let text = body === undefined ? undefined : JSON.stringify(body);
  // Mutations: about one request in three.
  if (r.chance(0.35)) {
    switch (r.int(11)) {
      case 0:
        if (body !== undefined) text = JSON.stringify(mutateJson(r, body));
        break;
      case 1:
        if (body !== undefined) text = JSON.stringify(mutateJson(r, mutateJson(r, mutateJson(r, body))));
        break;
      case 2:
        text = nestedBody(r);
        break;
      case 3:
        if (text !== undefined) {
          // A lone surrogate escape somewhere inside a string of the body.
          const at = text.indexOf('"', 1 + r.int(Math.max(1, text.length - 2)));
          if (at > 0) text = `${text.slice(0, at)}\\u${r.pick(['d800', 'DBFF', 'dc00', 'dfff'])}${text.slice(at)}`;
        }
        break;
      case 4:
        if (text !== undefined) text = text.slice(0, r.int(text.length));
        break;
      case 5:
        text = r.pick(['', 'null', '[]', '"x"', '42', '{', '}', '{"Operations":null}', '\u0000', 'undefined', '{"schemas":[1]}']);
        break;
      case 6:
        headers['authorization'] = r.pick(['', 'Bearer', `Bearer ${token}x`, `bearer ${token}`, `Basic ${token}`, `Bearer  ${token} `, 'Bearer scimdesk_wrong']);
        break;
      case 7:
        headers['content-type'] = r.pick(['text/plain', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'multipart/form-data', '']);
        break;
      case 8:
        headers['if-match'] = r.pick(['W/"1"', '"1"', '*', 'W/"999"', 'garbage', ...(known.etags.length ? [r.pick(known.etags)] : [])]);
        break;
      case 9:
        path = `${path}${path.includes('?') ? '&' : '?'}${queryString(r).slice(1)}`;
        break;
      default: {
        // A byte in the path or body that is not valid UTF-8.
        if (text !== undefined && r.chance(0.5)) return { method, path, headers, body: Buffer.concat([Buffer.from(text.slice(0, 20)), Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from(text.slice(20))]) };
        path = path.replace(/\/([^/?]*)$/, `/$1${r.pick(['%', '%ff', '%ED%A0%80', '%2F..', '%00'])}`);
      }
    }
  }
  return { method, path, headers, ...(text !== undefined && method !== 'GET' && method !== 'HEAD' ? { body: text } : {}) };
}

export interface FuzzTarget {
  /** The SCIM base URL, e.g. http://127.0.0.1:8631/scim/v2. */
  readonly baseUrl: string;
  readonly token: string;
  /** The running service's store, when the fuzzer started it: refused requests are checked for writes. */
  readonly store?: DirectoryStore;
}

const WRITES = ['createResource', 'replaceResource', 'patchResource', 'deleteResource', 'setExternalId', 'applyIdentifierChanges', 'undoFixBatch'] as const;

/** Counts resource writes that completed, by wrapping the store's write methods (in place). */
function watchWrites(store: DirectoryStore): { count: () => number } {
  let completed = 0;
  const target = store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of WRITES) {
    const original = target[name]!.bind(store);
    target[name] = (...args: unknown[]) =>
      original(...args).then((result) => {
        completed += 1;
        return result;
      });
  }
  return { count: () => completed };
}

/** Sends `count` requests one after another and checks every answer. */
export async function fuzz(target: FuzzTarget, count: number, seed: number, onProgress?: (done: number, result: FuzzResult) => void): Promise<FuzzResult> {
  const r = createRandom(seed);
  const known: Known = { users: [], groups: [], etags: [], serial: seed * 1_000_000 };
  const byStatus = new Map<number, number>();
  const failures: FuzzFailure[] = [];
  const writes = target.store ? watchWrites(target.store) : undefined;
  const started = performance.now();
  const result = (): FuzzResult => ({ requests: [...byStatus.values()].reduce((a, b) => a + b, 0), byStatus, failures, elapsedMs: performance.now() - started });
  for (let index = 0; index < count; index++) {
    const request = nextRequest(r, known, target.token);
    const writesBefore = writes?.count() ?? 0;
    let status: number;
    let answer: string;
    let contentType: string;
    try {
      const response = await fetch(target.baseUrl + request.path, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal: AbortSignal.timeout(30_000),
      });
      status = response.status;
      contentType = response.headers.get('content-type') ?? '';
      answer = request.method === 'HEAD' ? '' : await response.text();
    } catch (error) {
      status = 0;
      contentType = '';
      answer = String((error as Error).cause ?? error);
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    const fail = (reason: string) => failures.push({ index, request, status, answer: answer.slice(0, 2000), reason });
    // 501 on /Bulk and /Me is ScimDesk's documented answer (RFC 7644 §3.7, §3.11: optional features), not a fault.
    const unsupported = status === 501 && /^\/(Bulk|Me)(\?|$)/.test(request.path);
    // 503 from the mass-deprovisioning breaker is its documented answer to a held deactivation or delete (the
    // fuzzer's mix deprovisions far past its limit); that it wrote nothing is still checked below.
    const held = status === 503 && answer.includes("ScimDesk's mass-deprovisioning breaker");
    if ((status >= 500 && !unsupported && !held) || status === 0) fail(status === 0 ? 'no answer' : 'a server error');
    else if (status >= 400 && request.method !== 'HEAD' && !(contentType.startsWith('application/scim+json') && answer.includes('urn:ietf:params:scim:api:messages:2.0:Error'))) fail('an error without a SCIM error body');
    if (writes && status >= 400 && writes.count() !== writesBefore) fail('a refused request wrote');
    if (status === 201 || status === 200) {
      try {
        const parsed = JSON.parse(answer) as { id?: unknown; meta?: { version?: unknown; resourceType?: unknown } };
        if (request.method === 'POST' && status === 201 && typeof parsed.id === 'string') (parsed.meta?.resourceType === 'Group' ? known.groups : known.users).push(parsed.id);
        if (typeof parsed.meta?.version === 'string') known.etags.push(parsed.meta.version);
        if (known.etags.length > 50) known.etags.splice(0, 25);
      } catch {
        // A list or a discovery document.
      }
    }
    if (onProgress && (index + 1) % 5000 === 0) onProgress(index + 1, result());
  }
  return result();
}
