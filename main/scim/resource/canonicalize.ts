import type { AttributeDef, SchemaDef } from '../schema/attribute-def';
import { commonAttributes, groupSchema } from '../schema/core-schemas';
import { findSubAttribute } from '../schema/resource-schema';
import type { ResolvedAttr, ResourceSchema } from '../schema/resource-schema';
import { ScimError } from '../scim-error';
import type { MemberRef, ResourceDoc } from './resource-doc';

/**
 * A POST/PUT body after canonicalization: the document to store, the group's
 * members (kept apart because they live in their own table), and the names of
 * attributes the body carried that no schema defines (for the sync log and the
 * mapping diagnostics: "attributes Entra sends that nothing stores").
 *
 * `members` is undefined when the body did not mention `members` at all, and an
 * array (possibly empty) when it did, even as `null` or `[]`: a PUT needs to tell
 * "not asserted" from "cleared" (RFC 7644 §3.5.1 leaves the choice to the service).
 */
export interface CanonicalResource {
  doc: ResourceDoc;
  members: MemberRef[] | undefined;
  ignored: string[];
}

/**
 * Canonicalizes a POST/PUT body (RFC 7644 §3.3, §3.5.1) into a stored document.
 *
 * What it accepts, and why:
 * - Attribute names in any case (RFC 7643 §2.1), written back in the schema's
 *   spelling at every level. Entra quirk: it sends `Value`, `Formatted`, `Primary`.
 * - `schemas` with URIs no schema here defines. Entra quirk: every group it creates
 *   lists `http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group`.
 *   The core URN is not required in `schemas` either: a body for the wrong resource
 *   type fails on its required attributes anyway.
 * - Extension data nested under its URN key (matched case-insensitively) and also as
 *   flattened `"urn:…:enterprise:2.0:User:department": "x"` keys, folded into the
 *   extension object. Entra quirk: its path-keyed values use that spelling.
 *   `attr.sub` keys (`"name.givenName"`, `"urn:…:User:manager.value"`) fold into their
 *   single-valued complex parent the same way.
 * - `null`, `[]` and `{}` as "absent" (RFC 7643 §2.5). Entra quirk: it sends null for
 *   attributes whose source is empty, and `roles: []` on every create.
 * - Empty strings are kept, as sent: RFC 7643 §2.5 names only null and the empty
 *   array as unassigned, and storing what Entra sent keeps its later comparisons
 *   stable. A required attribute (userName, Group displayName) must not be empty.
 * - readOnly attributes and sub-attributes (`id`, `meta`, user `groups`,
 *   `manager.displayName`) are ignored silently (RFC 7643 §2.2). Entra quirk: it
 *   sends `meta: {"resourceType": "User"}` on create.
 * - writeOnly attributes (`password`) are dropped and never stored.
 * - The enterprise manager as a bare id, `{"value": id}` or a one-element list
 *   `[{"$ref": …, "value": id}]`, nested in the extension or as a top-level
 *   `manager` key (the one extension reference attribute of that name). Its `$ref`
 *   is computed on read and never stored.
 * - Unknown attributes are not stored; their names as sent are listed in `ignored`.
 *
 * Throws ScimError 400 `invalidSyntax` when the body is not a JSON object or `schemas`
 * is not an array of strings, and 400 `invalidValue` naming the attribute path for
 * every type error, missing required attribute, or duplicate primary: never another
 * exception type for any JSON input.
 */
export function canonicalizeResource(body: unknown, schema: ResourceSchema): CanonicalResource {
  if (!isObject(body)) throw new ScimError(400, 'invalidSyntax', 'The request body must be a JSON object.');
  const ignored: string[] = [];
  const core = new Map<string, unknown>();
  const extensions = new Map<SchemaDef, Map<string, unknown>>();
  let members: MemberRef[] | undefined;

  const extensionFields = (extension: SchemaDef): Map<string, unknown> => {
    let fields = extensions.get(extension);
    if (!fields) {
      fields = new Map();
      extensions.set(extension, fields);
    }
    return fields;
  };

  for (const [key, value] of Object.entries(body)) {
    if (sameName(key, 'schemas')) {
      assertSchemasList(value);
      continue;
    }
    const target = locateBodyKey(key, schema);
    switch (target.kind) {
      case 'unknown':
        addIgnored(ignored, key);
        break;
      case 'extension': {
        const object = canonicalizeExtensionObject(target.schema, value, ignored);
        if (!object) break;
        const fields = extensionFields(target.schema);
        for (const [name, fieldValue] of Object.entries(object)) {
          mergeField(fields, name, fieldValue, `${target.schema.id}:${name}`);
        }
        break;
      }
      case 'attribute': {
        const { owner, def, sub } = target;
        if (isMembersDef(def) && sub === undefined) {
          members = dedupeMembers([...(members ?? []), ...canonicalizeMembers(value, def.name, ignored)]);
          break;
        }
        if (!isWritable(def)) break;
        const path = owner === schema.core ? def.name : `${owner.id}:${def.name}`;
        const canonical = sub ? canonicalizeSubFragment(def, sub, value, path, ignored) : canonicalizeValue(def, value, path, ignored);
        if (canonical === undefined) break;
        mergeField(owner === schema.core ? core : extensionFields(owner), def.name, canonical, path);
        break;
      }
      default:
        assertNever(target);
    }
  }

  const doc: ResourceDoc = {};
  const externalId = core.get('externalId');
  if (externalId !== undefined) doc['externalId'] = externalId;
  for (const def of schema.core.attributes) {
    const value = core.get(def.name);
    if (value !== undefined) doc[def.name] = value;
  }
  assertRequired(schema.core, doc, (name) => name);
  for (const extension of schema.extensions) {
    const fields = extensions.get(extension);
    const object: Record<string, unknown> = {};
    for (const def of extension.attributes) {
      const value = fields?.get(def.name);
      if (value !== undefined) object[def.name] = value;
    }
    if (Object.keys(object).length > 0) {
      assertRequired(extension, object, (name) => `${extension.id}:${name}`);
      doc[extension.id] = object;
    } else if (schema.type.schemaExtensions.some((e) => e.required && sameName(e.schema, extension.id))) {
      throw invalidValue(extension.id, 'is a required schema extension and is missing');
    }
  }
  return { doc, members, ignored };
}

/**
 * Canonicalizes one value for a resolved attribute or sub-attribute: the coercion
 * canonicalizeResource applies, exposed for the PATCH engine (RFC 7644 §3.5.2).
 *
 * Returns undefined for "absent" (null, `[]`, `{}`, RFC 7643 §2.5), which a PATCH
 * `replace` reads as "clear". A multi-valued attribute targeted without a
 * sub-attribute yields an array of canonical elements (a single value is wrapped);
 * group `members` yields MemberRef[]. The mutability of the target itself is the
 * caller's decision (RFC 7644 §3.5.2 answers readOnly with 400 `mutability`); only
 * readOnly sub-attributes nested inside the value are dropped here. writeOnly
 * targets (`password`) always come back undefined: ScimDesk never stores them.
 * Throws ScimError 400 `invalidValue` naming `resolved.key` on any type error.
 */
export function canonicalizeAttributeValue(resolved: ResolvedAttr, value: unknown, ignored: string[]): unknown {
  if (resolved.attribute.mutability === 'writeOnly') return undefined;
  if (resolved.sub) return canonicalizeValue(resolved.sub, value, resolved.key, ignored);
  if (isMembersDef(resolved.attribute)) {
    const members = canonicalizeMembers(value, resolved.key, ignored);
    return members.length > 0 ? members : undefined;
  }
  return canonicalizeValue(resolved.attribute, value, resolved.key, ignored);
}

/**
 * Canonicalizes one element of a multi-valued attribute (`def` is the multi-valued
 * attribute, e.g. `emails`), for PATCH operations that add or replace a single
 * element (`emails[type eq "work"]`). A complex element may arrive as a bare value
 * and becomes `{value}`; an element of group `members` becomes a MemberRef.
 * Returns undefined when the element is absent (null, `{}`).
 */
export function canonicalizeElement(def: AttributeDef, value: unknown, path: string, ignored: string[]): unknown {
  if (def.mutability === 'writeOnly' || isAbsent(value)) return undefined;
  if (Array.isArray(value)) throw invalidValue(path, 'takes single elements, not nested arrays');
  if (isMembersDef(def)) return toMemberRef(value, path, ignored);
  return canonicalizeSingle(def, value, path, ignored);
}

/**
 * Canonicalizes the object of a whole extension (RFC 7643 §3.3), for PATCH
 * operations whose path is the extension URN and for nested extension objects in
 * a body. Names are matched case-insensitively; readOnly and writeOnly attributes
 * are dropped; unknown names go to `ignored` as `urn:…:name`. Returns undefined when
 * nothing is left (null or `{}` means absent).
 */
export function canonicalizeExtensionObject(
  schemaDef: SchemaDef,
  value: unknown,
  ignored: string[],
): Record<string, unknown> | undefined {
  if (isAbsent(value)) return undefined;
  if (!isObject(value)) throw invalidValue(schemaDef.id, `must be an object of the extension's attributes, got ${describe(value)}`);
  const fields = new Map<string, unknown>();
  for (const [name, fieldValue] of Object.entries(value)) {
    const def = schemaDef.attributes.find((a) => sameName(a.name, name));
    if (!def) {
      addIgnored(ignored, `${schemaDef.id}:${name}`);
      continue;
    }
    if (!isWritable(def)) continue;
    const path = `${schemaDef.id}:${def.name}`;
    const canonical = canonicalizeValue(def, fieldValue, path, ignored);
    if (canonical !== undefined) mergeField(fields, def.name, canonical, path);
  }
  const object: Record<string, unknown> = {};
  for (const def of schemaDef.attributes) {
    const fieldValue = fields.get(def.name);
    if (fieldValue !== undefined) object[def.name] = fieldValue;
  }
  return Object.keys(object).length > 0 ? object : undefined;
}

/**
 * Canonicalizes a group's `members` value (RFC 7643 §4.2) into MemberRefs, for a
 * body or a PATCH `add`. Each member needs a non-empty string `value`; `type` is
 * matched case-insensitively to `User`/`Group`; `display` is passed along as sent;
 * `$ref` is accepted and dropped (it is computed on read). Entra quirk: member
 * objects in its PATCH requests carry `"$ref": null`. A bare string is a member id.
 * Duplicate ids are merged (first one wins). null or `[]` gives an empty list.
 */
export function canonicalizeMembers(value: unknown, path: string, ignored: string[]): MemberRef[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  const members: MemberRef[] = [];
  for (const item of items) {
    if (isAbsent(item)) continue;
    if (Array.isArray(item)) throw invalidValue(path, 'takes member objects, not nested arrays');
    members.push(toMemberRef(item, path, ignored));
  }
  return dedupeMembers(members);
}

/**
 * Splits a possibly schema-qualified attribute name (RFC 7644 §3.10) into the
 * schema it names and the rest: `urn:…:enterprise:2.0:User:manager.value` →
 * (enterprise, `manager.value`); `userName` → (undefined, `userName`); exactly an
 * extension URN → (that schema, ''). URNs are matched case-insensitively, longest
 * first. Returns undefined for a qualified name whose URN no schema here defines
 * (e.g. Entra's ADSCIM group URI), so callers can ignore it.
 */
export function splitSchemaQualifiedName(
  name: string,
  schema: ResourceSchema,
): { schema: SchemaDef | undefined; rest: string } | undefined {
  const exact = schema.schemaByUrn(name);
  if (exact) return { schema: exact, rest: '' };
  const lower = name.toLowerCase();
  let best: SchemaDef | undefined;
  for (const candidate of [schema.core, ...schema.extensions]) {
    if (lower.startsWith(`${candidate.id.toLowerCase()}:`) && (!best || candidate.id.length > best.id.length)) {
      best = candidate;
    }
  }
  if (best) return { schema: best, rest: name.slice(best.id.length + 1) };
  return name.includes(':') ? undefined : { schema: undefined, rest: name };
}

// ---------------------------------------------------------------------------

type BodyKeyTarget =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'extension'; readonly schema: SchemaDef }
  | {
      readonly kind: 'attribute';
      /** The core schema (also for id/externalId/meta) or the extension that holds the attribute. */
      readonly owner: SchemaDef;
      readonly def: AttributeDef;
      readonly sub: AttributeDef | undefined;
    };

/** Where a top-level body key goes: a common or core attribute, an extension object, a flattened extension attribute. */
function locateBodyKey(key: string, schema: ResourceSchema): BodyKeyTarget {
  const split = splitSchemaQualifiedName(key, schema);
  if (!split) return { kind: 'unknown' };
  if (split.rest === '') {
    return split.schema && split.schema !== schema.core ? { kind: 'extension', schema: split.schema } : { kind: 'unknown' };
  }
  const [attrName, subName, extra] = split.rest.split('.');
  if (attrName === undefined || extra !== undefined) return { kind: 'unknown' };
  let owner = split.schema ?? schema.core;
  let def =
    owner === schema.core
      ? (commonAttributes.find((a) => sameName(a.name, attrName)) ?? owner.attributes.find((a) => sameName(a.name, attrName)))
      : owner.attributes.find((a) => sameName(a.name, attrName));
  if (!def && split.schema === undefined) {
    // Entra quirk (legacy document form): `"manager": …` at the top level of a body. Only a reference
    // attribute that exactly one extension defines is read this way; other unqualified names stay unknown.
    const matches = schema.extensions.flatMap((extension) =>
      extension.attributes.filter((a) => sameName(a.name, attrName) && isReference(a)).map((a) => [extension, a] as const),
    );
    if (matches.length === 1) [owner, def] = matches[0]!;
  }
  if (!def) return { kind: 'unknown' };
  if (subName === undefined) return { kind: 'attribute', owner, def, sub: undefined };
  const sub = findSubAttribute(def, subName);
  return sub ? { kind: 'attribute', owner, def, sub } : { kind: 'unknown' };
}

/** A dotted body key (`name.givenName`) sets one sub-attribute of a single-valued complex parent. */
function canonicalizeSubFragment(
  def: AttributeDef,
  sub: AttributeDef,
  value: unknown,
  path: string,
  ignored: string[],
): Record<string, unknown> | undefined {
  if (def.multiValued) throw invalidValue(`${path}.${sub.name}`, `cannot be set without selecting one element of '${path}'`);
  if (!isWritable(sub)) return undefined;
  const canonical = canonicalizeValue(sub, value, `${path}.${sub.name}`, ignored);
  return canonical === undefined ? undefined : { [sub.name]: canonical };
}

/** Coerces a value for an attribute definition, wrapping single values of multi-valued attributes. */
function canonicalizeValue(def: AttributeDef, value: unknown, path: string, ignored: string[]): unknown {
  if (def.mutability === 'writeOnly' || isAbsent(value)) return undefined;
  if (!def.multiValued) {
    // Entra quirk (legacy document form): the manager as a one-element list `[{"$ref": …, "value": id}]`.
    if (Array.isArray(value) && value.length === 1 && isReference(def)) return canonicalizeValue(def, value[0], path, ignored);
    if (Array.isArray(value)) throw invalidValue(path, `is single-valued and cannot take an array`);
    return canonicalizeSingle(def, value, path, ignored);
  }
  const items = Array.isArray(value) ? value : [value];
  const elements: unknown[] = [];
  for (const item of items) {
    const element = canonicalizeElement(def, item, path, ignored);
    if (element !== undefined) elements.push(element);
  }
  if (elements.length === 0) return undefined;
  if (elements.filter((e) => isObject(e) && e['primary'] === true).length > 1) {
    // RFC 7643 §2.4: the primary attribute value "true" MUST appear no more than once.
    throw invalidValue(path, 'has more than one element with "primary": true');
  }
  return elements;
}

/** Coerces one non-absent, non-array value to `def.type` (RFC 7643 §2.3). */
function canonicalizeSingle(def: AttributeDef, value: unknown, path: string, ignored: string[]): unknown {
  switch (def.type) {
    case 'complex':
      return canonicalizeComplex(def, value, path, ignored);
    case 'string':
    case 'reference':
    case 'binary':
      // Numbers and booleans are rejected, not converted: JSON number → text is lossy
      // (1.10, 1e3, ids beyond 2^53), and Entra sends string attributes as strings.
      if (typeof value === 'string') return value;
      throw invalidValue(path, `must be a string, got ${describe(value)}`);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      // Entra quirk: its default PATCH dialect sends booleans as "True"/"False".
      if (typeof value === 'string') {
        const lower = value.toLowerCase();
        if (lower === 'true') return true;
        if (lower === 'false') return false;
      }
      throw invalidValue(path, `must be a boolean, got ${describe(value)}`);
    case 'integer': {
      // Entra quirk: its default PATCH dialect sends every value as a string; an exact integer literal is lossless.
      const number = typeof value === 'string' && /^[+-]?\d+$/.test(value) ? Number(value) : value;
      if (typeof number === 'number' && Number.isSafeInteger(number)) return number;
      throw invalidValue(path, `must be an integer, got ${describe(value)}`);
    }
    case 'decimal': {
      const number = typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value;
      if (typeof number === 'number' && Number.isFinite(number)) return number;
      throw invalidValue(path, `must be a decimal number, got ${describe(value)}`);
    }
    case 'dateTime':
      // RFC 7643 §2.3.5: xsd:dateTime. Kept as sent once it parses.
      if (typeof value === 'string' && isDateTime(value)) return value;
      throw invalidValue(path, `must be an xsd:dateTime such as 2008-01-23T04:56:22Z, got ${describe(value)}`);
    default:
      return assertNever(def.type);
  }
}

/** A complex value (RFC 7643 §2.3.8): canonical sub-attribute names, readOnly/writeOnly ones dropped. */
function canonicalizeComplex(def: AttributeDef, value: unknown, path: string, ignored: string[]): Record<string, unknown> | undefined {
  let object: Record<string, unknown>;
  if (isObject(value)) {
    object = value;
  } else if (
    (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') &&
    !def.multiValued &&
    findSubAttribute(def, 'value')
  ) {
    // Entra quirk: the enterprise `manager` arrives as a bare id string; it must be stored
    // (and returned) as {"value": id}, or every later sync of that user fails. Only single-valued
    // attributes: a bare string in `emails` is a client error, not a dialect.
    object = { value };
  } else {
    throw invalidValue(path, `must be an object, got ${describe(value)}`);
  }
  const fields = new Map<string, unknown>();
  for (const [name, fieldValue] of Object.entries(object)) {
    const sub = findSubAttribute(def, name);
    if (!sub) {
      addIgnored(ignored, `${path}.${name}`);
      continue;
    }
    if (!isWritable(sub)) continue;
    // A reference's $ref is computed from its value on every read (the client's may name another host).
    if (sub.name === '$ref' && isReference(def)) continue;
    const subPath = `${path}.${sub.name}`;
    const canonical = canonicalizeValue(sub, fieldValue, subPath, ignored);
    if (canonical !== undefined) mergeField(fields, sub.name, canonical, subPath);
  }
  const result: Record<string, unknown> = {};
  for (const sub of def.subAttributes ?? []) {
    const fieldValue = fields.get(sub.name);
    if (fieldValue !== undefined) result[sub.name] = fieldValue;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

function toMemberRef(item: unknown, path: string, ignored: string[]): MemberRef {
  const object: Record<string, unknown> = isObject(item) ? item : { value: item };
  let value: unknown;
  let type: unknown;
  let display: unknown;
  for (const [name, fieldValue] of Object.entries(object)) {
    const lower = name.toLowerCase();
    if (lower === 'value') value = fieldValue;
    else if (lower === 'type') type = fieldValue;
    else if (lower === 'display') display = fieldValue;
    else if (lower === '$ref') {
      if (fieldValue !== null && typeof fieldValue !== 'string') throw invalidValue(`${path}.$ref`, `must be a string, got ${describe(fieldValue)}`);
    } else addIgnored(ignored, `${path}.${name}`);
  }
  if (typeof value !== 'string' || value === '') {
    throw invalidValue(`${path}.value`, value === undefined || value === null || value === '' ? 'is required for every member' : `must be a string, got ${describe(value)}`);
  }
  const member: MemberRef = { value };
  if (type !== undefined && type !== null) {
    const lower = typeof type === 'string' ? type.toLowerCase() : undefined;
    if (lower === 'user') member.type = 'User';
    else if (lower === 'group') member.type = 'Group';
    else throw invalidValue(`${path}.type`, `must be "User" or "Group", got ${describe(type)}`);
  }
  if (display !== undefined && display !== null) {
    if (typeof display !== 'string') throw invalidValue(`${path}.display`, `must be a string, got ${describe(display)}`);
    member.display = display;
  }
  return member;
}

function dedupeMembers(members: ReadonlyArray<MemberRef>): MemberRef[] {
  const seen = new Set<string>();
  return members.filter((member) => !seen.has(member.value) && Boolean(seen.add(member.value)));
}

/** A single-valued complex attribute that names a resource by id: the enterprise `manager`. */
function isReference(def: AttributeDef): boolean {
  return def.type === 'complex' && !def.multiValued && findSubAttribute(def, 'value') !== undefined;
}

const membersDef = groupSchema.attributes.find((a) => a.name === 'members');

/** Group `members` goes to the member table, never into the document. */
function isMembersDef(def: AttributeDef): boolean {
  return def === membersDef;
}

/** RFC 7643 §2.2: readOnly values from the client are ignored; writeOnly ones are never stored here. */
function isWritable(def: AttributeDef): boolean {
  return def.mutability !== 'readOnly' && def.mutability !== 'writeOnly';
}

/**
 * Records a value for a canonical name. A body may name the same attribute twice
 * (`userName` and `UserName`, a nested extension object and a flattened key): equal
 * values or disjoint sub-attributes of one complex value are fine; anything else is
 * ambiguous and rejected rather than guessed.
 */
function mergeField(fields: Map<string, unknown>, name: string, value: unknown, path: string): void {
  if (!fields.has(name)) {
    fields.set(name, value);
    return;
  }
  const existing = fields.get(name);
  if (deepEqual(existing, value)) return;
  if (isObject(existing) && isObject(value)) {
    const merged: Record<string, unknown> = { ...existing };
    for (const [key, fieldValue] of Object.entries(value)) {
      if (Object.hasOwn(merged, key) && !deepEqual(merged[key], fieldValue)) {
        throw invalidValue(`${path}.${key}`, 'is given more than once with different values');
      }
      merged[key] = fieldValue;
    }
    fields.set(name, merged);
    return;
  }
  throw invalidValue(path, 'is given more than once with different values');
}

function assertRequired(schemaDef: SchemaDef, object: Record<string, unknown>, pathOf: (name: string) => string): void {
  for (const def of schemaDef.attributes) {
    if (!def.required || !isWritable(def)) continue;
    const value = object[def.name];
    if (value === undefined) throw invalidValue(pathOf(def.name), 'is required');
    if (value === '') throw invalidValue(pathOf(def.name), 'is required and must not be empty');
  }
}

function assertSchemasList(value: unknown): void {
  if (value === null || value === undefined) return;
  if (!Array.isArray(value) || !value.every((uri) => typeof uri === 'string')) {
    throw new ScimError(400, 'invalidSyntax', `'schemas' must be an array of schema URIs, got ${describe(value)}.`);
  }
}

function addIgnored(ignored: string[], name: string): void {
  if (!ignored.includes(name)) ignored.push(name);
}

function invalidValue(path: string, problem: string): ScimError {
  return new ScimError(400, 'invalidValue', `Attribute '${path}' ${problem}.`);
}

/** RFC 7643 §2.5: unassigned, null and the empty array are equivalent; an empty object carries nothing either. */
function isAbsent(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** xsd:dateTime with a real calendar date: `2021-02-30T00:00:00Z` is refused. */
function isDateTime(text: string): boolean {
  const match = DATE_TIME.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const zone = match[8];
  if (month < 1 || month > 12 || hour > 24 || minute > 59 || second > 59) return false;
  if (hour === 24 && (minute !== 0 || second !== 0)) return false;
  if (zone && zone !== 'Z' && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4, 6)) > 59)) return false;
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeapYear(year) ? 1 : 0);
  return day >= 1 && day <= daysInMonth;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
