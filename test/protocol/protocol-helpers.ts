import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/**
 * Helpers shared by the protocol tests: reading captured-style request
 * fixtures and asserting SCIM responses. Each test file still starts its own core.
 */

/** A parsed JSON response body; protocol tests read whatever the server sent. */
export type Json = any;

export const SCIM_CONTENT_TYPE = 'application/scim+json';
export const URN_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const URN_LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const URN_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const URN_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const URN_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const URN_ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const URN_ADSCIM_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

/** One captured-style request: what Entra sent, with `{{name}}` placeholders for ids known only at run time. */
export interface RequestFixture {
  readonly step: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the SCIM base URL, with the query string exactly as it goes on the wire. */
  readonly path: string;
  readonly body?: Json;
}

const FIXTURES = new URL('../fixtures/protocol/', import.meta.url);

/** Replaces `{{name}}` in every string of a JSON value; an unknown name is a test bug and throws. */
export function substitute<T>(value: T, vars: Readonly<Record<string, string>>): T {
  const replace = (text: string) =>
    text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
      const found = vars[name];
      if (found === undefined) throw new Error(`fixture placeholder {{${name}}} has no value`);
      return found;
    });
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return replace(item);
    if (Array.isArray(item)) return item.map(walk);
    if (item !== null && typeof item === 'object') {
      return Object.fromEntries(Object.entries(item as Record<string, unknown>).map(([key, inner]) => [replace(key), walk(inner)]));
    }
    return item;
  };
  return walk(value) as T;
}

/** Reads `test/fixtures/protocol/<name>` and fills in its placeholders. */
export function readRequestFixture(name: string, vars: Readonly<Record<string, string>> = {}): RequestFixture {
  const raw = JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as RequestFixture;
  return substitute(raw, vars);
}

/** Reads a JSON fixture under `test/fixtures/protocol/` as is. */
export function readJsonFixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Json;
}

/** Asserts a SCIM JSON response (status and media type) and returns its body. */
export async function readScim(response: Response, status: number, context = ''): Promise<Json> {
  const text = await response.text();
  const where = `${context ? context + ': ' : ''}${response.url}`;
  assert.equal(response.status, status, `${where}: expected ${status}, got ${response.status} ${text}`);
  const type = response.headers.get('content-type') ?? '';
  assert.ok(type.startsWith(SCIM_CONTENT_TYPE), `${where}: content type ${JSON.stringify(type)} is not ${SCIM_CONTENT_TYPE}`);
  return JSON.parse(text) as Json;
}

/** Asserts an empty body (204 and the like). */
export async function readEmpty(response: Response, status: number, context = ''): Promise<void> {
  const text = await response.text();
  assert.equal(response.status, status, `${context ? context + ': ' : ''}${response.url}: expected ${status}, got ${response.status} ${text}`);
  assert.equal(text, '', `${context}: expected no body`);
}

/**
 * Asserts an RFC 7644 §3.12 error: the status, the media type, the Error schema,
 * `status` as a string (Entra reads it that way), a `detail`, and the scimType
 * (`undefined` asserts that none is sent).
 */
export async function readScimError(response: Response, status: number, scimType: string | undefined, context = ''): Promise<Json> {
  const body = await readScim(response, status, context);
  assert.deepEqual(body.schemas, [URN_ERROR], `${context}: error schemas`);
  assert.equal(body.status, String(status), `${context}: status must be the string "${status}"`);
  assert.equal(typeof body.detail, 'string', `${context}: detail must be a string`);
  assert.ok(body.detail.length > 0, `${context}: detail must not be empty`);
  assert.equal(body.scimType, scimType, `${context}: scimType (detail: ${body.detail})`);
  return body;
}

/** A ListResponse's invariants; returns its Resources. */
export function assertListResponse(body: Json, totalResults: number, context = ''): Json[] {
  assert.deepEqual(body.schemas, [URN_LIST], `${context}: ListResponse schemas`);
  assert.equal(body.totalResults, totalResults, `${context}: totalResults`);
  assert.ok(Array.isArray(body.Resources), `${context}: Resources must be an array`);
  assert.equal(body.itemsPerPage, body.Resources.length, `${context}: itemsPerPage counts the page`);
  return body.Resources as Json[];
}

/** A query string value as Entra and browsers write it: spaces as `+`. */
export function formEncode(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+');
}

/** The `/Users?filter=...` path for a filter, encoded. */
export function filterPath(endpoint: string, filter: string, extra = ''): string {
  return `${endpoint}?filter=${encodeURIComponent(filter)}${extra ? '&' + extra : ''}`;
}

/** Every value in a JSON tree, for "no null anywhere" style checks. */
export function hasNullAnywhere(value: unknown): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.some(hasNullAnywhere);
  if (typeof value === 'object') return Object.values(value as Record<string, unknown>).some(hasNullAnywhere);
  return false;
}

/** Sorted copy, for order-insensitive comparison of id lists. */
export function sorted(values: ReadonlyArray<string>): string[] {
  return [...values].sort();
}
