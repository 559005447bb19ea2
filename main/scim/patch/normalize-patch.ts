import { URN } from '../../../shared/scim/urns';
import type { FilterNode, PatchPath } from '../filter/filter-ast';
import { parsePatchPath } from '../filter/parse-path';
import { resolvePatchPath } from '../filter/resolve-filter';
import { canonicalizeAttributeValue, canonicalizeElement, canonicalizeMembers } from '../resource/canonicalize';
import type { AttributeDef, SchemaDef } from '../schema/attribute-def';
import { effectiveDef, findSubAttribute, type ResolvedAttr, type ResourceSchema } from '../schema/resource-schema';
import { isScimError, ScimError } from '../scim-error';
import { assertMutable } from './apply-patch';
import type { NormalizedPatch, PatchOpName, PatchOperation } from './patch-operation';

/**
 * Most operations one PATCH request may carry. Entra sends one operation per
 * changed attribute (a few dozen at most) and batches group members inside an
 * operation's value, so a thousand is far above real traffic while bounding the
 * work a single request can ask for. More is a 400 `invalidSyntax`: RFC 7644
 * defines no PATCH limit (`tooMany` is for filters, 413 for bulk payloads).
 */
export const MAX_PATCH_OPERATIONS = 1000;

type JsonObject = Record<string, unknown>;

const OP_NAMES: ReadonlySet<string> = new Set<PatchOpName>(['add', 'replace', 'remove']);

interface Context {
  readonly schema: ResourceSchema;
  readonly operations: PatchOperation[];
  readonly notes: Set<string>;
}

/**
 * Validates a PATCH body (RFC 7644 §3.5.2) and normalises Entra's dialects into
 * standards-shaped operations for `applyPatch`: the one place Entra's PATCH
 * quirks are handled (DESIGN.md "Entra reality"), each named in `notes`.
 *
 * What it accepts beyond a literal reading of the RFC, and why:
 * - `schemas` missing: read as a PatchOp message (noted). When present it must
 *   list `urn:ietf:params:scim:api:messages:2.0:PatchOp`, else 400 invalidSyntax.
 *   Member names (`Operations`, `op`, `path`, `value`) match case-insensitively.
 * - Entra default dialect: capitalised op names (`Replace`); booleans as strings
 *   (`"active": "False"`); the enterprise manager as a bare id string (stored as
 *   `{"value": id}`); `Remove` on `members` with a value list removes only the
 *   listed members — a literal reading (no filter → remove all) would empty the
 *   group. The same holds for any multi-valued complex attribute.
 * - Entra flagged dialect (`aadOptscim062020`): several attributes folded into one
 *   path-less add/replace whose value keys are paths (`name.givenName`,
 *   `urn:…:enterprise:2.0:User:department`, `emails[type eq "work"].value`); each
 *   key becomes its own operation. Plain keys (`active`) are RFC attribute names.
 * - An extension object (bare URN path, or URN key of a path-less value) is split
 *   into one operation per attribute, so a `null` inside it clears that attribute.
 * - The enterprise manager in every form clients send: a bare id, `{"value": id}`,
 *   a one-element list `[{"$ref": …, "value": id}]` (Microsoft's legacy document
 *   form), with `path` as the enterprise URN attribute or plain `manager`. Its
 *   `$ref` is computed on read, so the one sent is dropped.
 * - add/replace of a single-valued complex attribute with an object becomes one
 *   operation per sub-attribute given; the others stay unchanged (§3.5.2.3).
 * - add/replace whose value is `{}` (or a list of `{}`) changes nothing. Whose
 *   canonical value is otherwise empty (null, `[]`, or a reference such as the
 *   manager with `{"value": ""}`): replace clears the target (read as remove),
 *   add does nothing (RFC 7643 §2.5).
 * - writeOnly targets (`password`) are accepted and discarded.
 *
 * Throws ScimError 400: invalidSyntax (not a PatchOp message, no operations, more
 * than MAX_PATCH_OPERATIONS, bad op name or value shape), noTarget (remove without
 * path), invalidPath (unknown attribute, bad filter), mutability (readOnly
 * target: user `groups`, `id`, `meta`), invalidValue (a value of the wrong type).
 * Errors name the operation (`Operations[2]`).
 */
export function normalizePatchRequest(body: unknown, schema: ResourceSchema): NormalizedPatch {
  if (!isObject(body)) throw invalidSyntax('The PATCH body must be a JSON object');
  const context: Context = { schema, operations: [], notes: new Set() };

  const schemas = member(body, 'schemas');
  if (schemas === undefined || schemas === null) {
    context.notes.add(`message without 'schemas' read as ${URN.patchOp}`);
  } else if (!Array.isArray(schemas) || !schemas.some((uri) => typeof uri === 'string' && sameName(uri, URN.patchOp))) {
    throw invalidSyntax(`'schemas' must contain "${URN.patchOp}"`);
  }

  const operations = member(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw invalidSyntax("'Operations' must be a non-empty array of operations");
  }
  if (operations.length > MAX_PATCH_OPERATIONS) {
    throw invalidSyntax(`A PATCH request may carry at most ${MAX_PATCH_OPERATIONS} operations, not ${operations.length}`);
  }

  operations.forEach((operation: unknown, index) => {
    try {
      normalizeOperation(context, operation);
    } catch (error) {
      if (!isScimError(error)) throw error;
      throw new ScimError(error.status, error.scimType, `Operations[${index}]: ${error.message}`);
    }
  });
  return { operations: context.operations, notes: [...context.notes] };
}

function normalizeOperation(context: Context, operation: unknown): void {
  if (!isObject(operation)) throw invalidSyntax('An operation must be a JSON object with "op"');
  const rawOp = member(operation, 'op');
  if (typeof rawOp !== 'string' || !OP_NAMES.has(rawOp.toLowerCase())) {
    throw invalidSyntax(`"op" must be "add", "replace" or "remove", not ${JSON.stringify(rawOp) ?? 'missing'}`);
  }
  const op = rawOp.toLowerCase() as PatchOpName;
  // Entra quirk (default dialect): "Add", "Replace", "Remove".
  if (rawOp !== op) context.notes.add(`op '${rawOp}' read as '${op}'`);

  const rawPath = member(operation, 'path');
  if (rawPath !== undefined && rawPath !== null && typeof rawPath !== 'string') {
    throw invalidSyntax(`"path" must be a string, not ${JSON.stringify(rawPath)}`);
  }
  const path = typeof rawPath === 'string' && rawPath.trim() !== '' ? rawPath.trim() : undefined;
  const hasValue = hasMember(operation, 'value');
  const value = member(operation, 'value');
  if (op !== 'remove' && !hasValue) throw invalidSyntax(`An '${op}' operation needs a "value"`);

  if (path === undefined) {
    // RFC 7644 §3.5.2.2: "If 'path' is unspecified, the operation fails with ... noTarget".
    if (op === 'remove') throw ScimError.badRequest('noTarget', "A 'remove' operation needs a \"path\"");
    expandPathless(context, op, value);
    return;
  }
  const extension = context.schema.extensionByUrn(path);
  if (extension) {
    extensionOperation(context, op, extension, value);
    return;
  }
  attributeOperation(context, op, path, value, hasValue);
}

/**
 * §3.5.2.1/§3.5.2.3 without `path`: each key of the value is an attribute. Entra
 * quirk (flagged dialect): the keys may be paths, e.g.
 * `{"name.givenName": "x", "urn:…:enterprise:2.0:User:department": "y"}`.
 */
function expandPathless(context: Context, op: PatchOpName, value: unknown): void {
  if (!isObject(value)) {
    throw ScimError.badRequest('invalidValue', `A path-less '${op}' needs an object value whose keys are attributes`);
  }
  for (const [key, item] of Object.entries(value)) {
    if (sameName(key, 'schemas')) {
      context.notes.add("path-less value key 'schemas' ignored");
      continue;
    }
    const named = context.schema.schemaByUrn(key);
    if (named === context.schema.core) {
      expandPathless(context, op, item);
      continue;
    }
    if (named) {
      extensionOperation(context, op, named, item);
      continue;
    }
    if (/[.[:]/.test(key)) context.notes.add(`path-less value key '${key}' read as path`);
    attributeOperation(context, op, key, item, true);
  }
}

/** A whole extension: remove deletes it; add/replace become one operation per attribute. */
function extensionOperation(context: Context, op: PatchOpName, extension: SchemaDef, value: unknown): void {
  if (op === 'remove') {
    context.operations.push({ op, target: { kind: 'extension', schema: extension }, value: undefined });
    return;
  }
  if (value === null || value === undefined) {
    if (op === 'replace') {
      context.notes.add(`replace of '${extension.id}' with an empty value read as remove`);
      context.operations.push({ op: 'remove', target: { kind: 'extension', schema: extension }, value: undefined });
    } else {
      context.notes.add(`add of '${extension.id}' with an empty value ignored`);
    }
    return;
  }
  if (!isObject(value)) {
    throw ScimError.badRequest('invalidValue', `The value for '${extension.id}' must be an object of its attributes`);
  }
  for (const [key, item] of Object.entries(value)) {
    attributeOperation(context, op, `${extension.id}:${key}`, item, true);
  }
}

function attributeOperation(context: Context, op: PatchOpName, text: string, value: unknown, hasValue: boolean): void {
  const { schema, notes } = context;
  const path = resolvePatchPath(parsePatchPath(text), schema);
  const resolved = path.path;
  const filterSub = path.filterSubAttr === undefined ? undefined : findSubAttribute(resolved.attribute, path.filterSubAttr);
  assertMutable(op, resolved, filterSub);
  const target = { kind: 'attribute', path } as const;

  if ([resolved.attribute, resolved.sub, filterSub].some((def) => def?.mutability === 'writeOnly')) {
    notes.add(`'${resolved.key}' is write-only: value discarded`);
    return;
  }

  if (op === 'remove') {
    const carriesValues = hasValue && value !== null && value !== undefined;
    if (carriesValues && !path.filter && !resolved.sub && resolved.attribute.multiValued) {
      // Even an empty list means "remove these (none)", never "remove all".
      removeListedValues(context, path, value);
      return;
    }
    if (carriesValues && !isEmptyArray(value)) notes.add(`value of a remove on '${resolved.key}' ignored`);
    context.operations.push({ op, target, value: undefined });
    return;
  }

  if (carriesNothing(value)) {
    // RFC 7644 §3.5.2.1/§3.5.2.3: a complex value names the sub-attributes to set, and those it
    // leaves out stay unchanged, so `{}` (or a list of `{}`) sets nothing. null and [] still clear.
    notes.add(`${op} of '${text}' with an empty object changes nothing`);
    return;
  }
  let single = value;
  if (!path.filter && !resolved.sub && isReferenceLike(resolved.attribute) && Array.isArray(value) && value.length === 1) {
    // Entra quirk (legacy document form, in Microsoft's SCIM provisioning docs and older clients):
    // {"op":"Add","path":"manager","value":[{"$ref":"…/Users/<id>","value":"<id>"}]} wraps the
    // single-valued manager in a one-element list (test/fixtures/patch/entra-legacy-manager-path-array.json).
    notes.add(`one-element list for '${resolved.key}' read as that element`);
    single = value[0];
  }
  if (!path.filter && !resolved.sub && resolved.attribute.type === 'complex' && !resolved.attribute.multiValued && isObject(single)) {
    complexOperation(context, op, resolved, text, single);
    return;
  }

  const canonical = canonicalValue(context, path, filterSub, single);
  if (isEmptyValue(canonical)) {
    if (op === 'replace') {
      notes.add(`replace of '${text}' with an empty value read as remove`);
      context.operations.push({ op: 'remove', target, value: undefined });
    } else {
      notes.add(`add of '${text}' with an empty value ignored`);
    }
    return;
  }
  context.operations.push({ op, target, value: canonical });
}

/**
 * add/replace of a single-valued complex attribute (`name`, the enterprise `manager`) with an
 * object: one operation per sub-attribute given (RFC 7644 §3.5.2.3: "Sub-attributes that are not
 * specified in the value parameter are left unchanged"), so `{"givenName": null}` clears only
 * givenName. A reference (an attribute with a `value` sub-attribute) whose `value` is empty (`""`,
 * null) is cleared whole: Entra clears the manager with `{"value": ""}`, and a manager without an
 * id means nothing. Its `$ref` is computed from `value` on every read, so a `$ref` sent is not kept.
 */
function complexOperation(context: Context, op: PatchOpName, resolved: ResolvedAttr, text: string, value: JsonObject): void {
  const { notes } = context;
  const def = resolved.attribute;
  if (isReferenceLike(def)) {
    const valueKey = findKey(value, 'value');
    const id = valueKey === undefined ? undefined : value[valueKey];
    if (valueKey !== undefined && (id === null || id === '')) {
      if (op === 'replace') {
        notes.add(`replace of '${text}' with an empty value read as remove`);
        context.operations.push({ op: 'remove', target: { kind: 'attribute', path: plainPath(resolved) }, value: undefined });
      } else {
        notes.add(`add of '${text}' with an empty value ignored`);
      }
      return;
    }
  }
  for (const [key, item] of Object.entries(value)) {
    const sub = findSubAttribute(def, key);
    if (!sub) {
      notes.add(`unknown attribute '${resolved.key}.${key}' ignored`);
      continue;
    }
    // readOnly sub-attributes in a value are ignored, as in a POST body (RFC 7643 §2.2): manager.displayName.
    if (sub.mutability === 'readOnly') continue;
    if (sub.name === '$ref' && isReferenceLike(def)) {
      notes.add(`'${resolved.key}.$ref' is computed from its value: the one sent is not stored`);
      continue;
    }
    attributeOperation(context, op, `${resolved.key}.${sub.name}`, item, true);
  }
}

function plainPath(resolved: ResolvedAttr): PatchPath<ResolvedAttr> {
  return { path: resolved, filter: undefined, filterSubAttr: undefined };
}

/** A single-valued complex attribute that refers to a resource by id (the enterprise `manager`). */
function isReferenceLike(def: AttributeDef): boolean {
  return def.type === 'complex' && !def.multiValued && findSubAttribute(def, 'value') !== undefined;
}

/** `{}`, or a non-empty list of nothing but `{}`: a value that names no attribute at all. */
function carriesNothing(value: unknown): boolean {
  const isEmptyObject = (item: unknown) => isObject(item) && Object.keys(item).length === 0;
  return isEmptyObject(value) || (Array.isArray(value) && value.length > 0 && value.every(isEmptyObject));
}

/** The value an add/replace writes at this path, in canonical form (undefined = empty). */
function canonicalValue(context: Context, path: PatchPath<ResolvedAttr>, filterSub: AttributeDef | undefined, raw: unknown): unknown {
  const { schema, notes } = context;
  const resolved = path.path;
  const ignored: string[] = [];
  let canonical: unknown;
  if (path.filter && filterSub) {
    const sub = schema.resolveSub(resolved, filterSub.name) ?? resolved;
    noteCoercions(notes, filterSub, raw, sub.key);
    canonical = canonicalizeAttributeValue(sub, raw, ignored);
  } else if (path.filter) {
    let element = raw;
    if (Array.isArray(raw) && raw.length === 1) {
      notes.add(`one-element list for '${resolved.key}[...]' read as that element`);
      element = raw[0];
    }
    noteCoercions(notes, resolved.attribute, element, resolved.key, true);
    canonical = canonicalizeElement(resolved.attribute, element, resolved.key, ignored);
  } else {
    noteCoercions(notes, effectiveDef(resolved), raw, resolved.key);
    canonical = canonicalizeAttributeValue(resolved, raw, ignored);
  }
  for (const name of ignored) notes.add(`unknown attribute '${name}' ignored`);
  return canonical;
}

/**
 * `{"op": "Remove", "path": "members", "value": [{"value": "id1"}, {"value": "id2"}]}`:
 * Entra quirk (default dialect). Removes exactly the listed values, expressed
 * as the filter `value eq "id1" or value eq "id2"`; never the whole attribute.
 */
function removeListedValues(context: Context, path: PatchPath<ResolvedAttr>, value: unknown): void {
  const { schema, notes } = context;
  const resolved = path.path;
  const isMembers = schema.kind === 'Group' && !resolved.isExtension && resolved.attribute.name === 'members';
  const ignored: string[] = [];
  let filter: FilterNode<ResolvedAttr> | undefined;
  let count = 0;
  if (isMembers) {
    const valueAttr = schema.resolveSub(resolved, 'value');
    const members = canonicalizeMembers(value, resolved.key, ignored);
    count = members.length;
    if (valueAttr) filter = anyOf(members.map((m) => equals(valueAttr, m.value)));
    notes.add(`Remove members with a value list: removes only the listed members (${count})`);
  } else {
    if (resolved.attribute.type !== 'complex') {
      const example = `${resolved.key}[value eq "x"]`;
      throw ScimError.badRequest('invalidValue', `Select the values of '${resolved.key}' to remove with a filter, e.g. ${example}`);
    }
    const elements = asArray(canonicalizeAttributeValue(resolved, value, ignored));
    count = elements.length;
    filter = anyOf(elements.map((element) => elementFilter(schema, resolved, element)));
    notes.add(`Remove ${resolved.key} with a value list: removes only the listed values (${count})`);
  }
  for (const name of ignored) notes.add(`unknown attribute '${name}' ignored`);
  if (!filter) return; // Nothing listed: nothing to remove.
  context.operations.push({
    op: 'remove',
    target: { kind: 'attribute', path: { path: resolved, filter, filterSubAttr: undefined } },
    value: undefined,
  });
}

/** `{"type": "work", "value": "x"}` → `type eq "work" and value eq "x"` over its simple sub-attributes. */
function elementFilter(schema: ResourceSchema, parent: ResolvedAttr, element: unknown): FilterNode<ResolvedAttr> {
  const compares: FilterNode<ResolvedAttr>[] = [];
  if (isObject(element)) {
    for (const [name, item] of Object.entries(element)) {
      const sub = schema.resolveSub(parent, name);
      if (sub && (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean')) compares.push(equals(sub, item));
    }
  }
  const [first, ...rest] = compares;
  if (!first) throw ScimError.badRequest('invalidValue', `Each value to remove from '${parent.key}' needs at least one sub-attribute`);
  return rest.reduce<FilterNode<ResolvedAttr>>((left, right) => ({ kind: 'and', left, right }), first);
}

function equals(path: ResolvedAttr, value: string | number | boolean): FilterNode<ResolvedAttr> {
  return { kind: 'compare', path, op: 'eq', value, text: String(value) };
}

function anyOf(filters: ReadonlyArray<FilterNode<ResolvedAttr>>): FilterNode<ResolvedAttr> | undefined {
  const [first, ...rest] = filters;
  return first && rest.reduce<FilterNode<ResolvedAttr>>((left, right) => ({ kind: 'or', left, right }), first);
}

/**
 * Notes the Entra coercions canonicalisation performs on this value, e.g.
 * `active: string "False" read as boolean false`, `…:manager: bare string read as {"value": …}`.
 */
function noteCoercions(notes: Set<string>, def: AttributeDef, raw: unknown, label: string, asElement = false): void {
  if (raw === null || raw === undefined) return;
  if (def.multiValued && !asElement) {
    for (const item of Array.isArray(raw) ? raw : [raw]) noteCoercions(notes, def, item, label, true);
    return;
  }
  if (typeof raw === 'string') {
    if (def.type === 'boolean' && /^(true|false)$/i.test(raw)) {
      notes.add(`${label}: string ${JSON.stringify(raw)} read as boolean ${raw.toLowerCase()}`);
    } else if ((def.type === 'integer' || def.type === 'decimal') && raw.trim() !== '') {
      notes.add(`${label}: string ${JSON.stringify(raw)} read as a number`);
    } else if (def.type === 'complex' && findSubAttribute(def, 'value') && !isMembersLike(def)) {
      notes.add(`${label}: bare string read as {"value": ${JSON.stringify(raw)}}`);
    }
    return;
  }
  if (isObject(raw) && def.type === 'complex') {
    for (const [name, item] of Object.entries(raw)) {
      const sub = findSubAttribute(def, name);
      if (sub) noteCoercions(notes, sub, item, `${label}.${sub.name}`);
    }
  }
}

/** Group members given as bare ids are ordinary for the member canonicaliser; not worth a note per member. */
function isMembersLike(def: AttributeDef): boolean {
  return def.multiValued && def.name === 'members';
}

/**
 * Empty per RFC 7643 §2.5 (undefined after canonicalisation), or a reference-like
 * complex value (one with `value`) whose sub-attributes are all empty strings:
 * Entra clears the manager with `{"value": ""}` or `""`, which must not be stored
 * as a manager with no id. `{"givenName": ""}` for `name` is kept as sent.
 */
function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value) && 'value' in value) {
    return Object.values(value).every((item) => item === undefined || item === null || item === '');
  }
  return false;
}

// ---- JSON helpers ----------------------------------------------------------

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function findKey(object: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

/** A message member by name, case-insensitively (RFC 7644 §3.10: names are case-insensitive). */
function member(object: JsonObject, name: string): unknown {
  const key = findKey(object, name);
  return key === undefined ? undefined : object[key];
}

function hasMember(object: JsonObject, name: string): boolean {
  return findKey(object, name) !== undefined;
}

function invalidSyntax(detail: string): ScimError {
  return ScimError.badRequest('invalidSyntax', detail);
}
