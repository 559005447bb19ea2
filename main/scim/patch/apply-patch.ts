import type { FilterNode, FilterValue, PatchPath } from '../filter/filter-ast';
import { matchesElement } from '../filter/match-filter';
import type { MemberRef, ResourceDoc } from '../resource/resource-doc';
import type { AttributeDef, SchemaDef } from '../schema/attribute-def';
import { findSubAttribute, type ResolvedAttr, type ResourceSchema } from '../schema/resource-schema';
import { ScimError } from '../scim-error';
import type { MemberChange, PatchOpName, PatchOperation, PatchResult } from './patch-operation';

type JsonObject = Record<string, unknown>;

interface ApplyState {
  readonly doc: JsonObject;
  readonly schema: ResourceSchema;
  readonly memberChanges: MemberChange[];
}

/**
 * Applies validated PATCH operations to a stored document (RFC 7644 §3.5.2).
 *
 * Standards-correct: Entra's dialects are normalised before this runs
 * (`normalizePatchRequest`). Pure: the input document is never mutated, and
 * the operations are applied to a copy, so a ScimError thrown by any operation
 * leaves nothing applied (§3.5.2: "the entire request is ... atomic").
 *
 * Group `members` never touch the document: every operation on them becomes a
 * MemberChange for the store, which keeps membership in its own table and can
 * apply "add these 50" without loading the other 100,000.
 *
 * One documented departure, kept here because it concerns what a filter means
 * rather than how Entra spells things: Add or Replace on
 * `emails[type eq "work"].value` when no element matches creates the element
 * `{"type": "work", "value": ...}` instead of failing with noTarget, as long as
 * the filter is made only of `eq` comparisons joined by `and` (so the new
 * element is fully determined). Entra sends exactly this for the first work
 * email, phone number or address of a user (captured in
 * test/fixtures/patch/entra-default-add-work-email-creates-element.json).
 */
export function applyPatch(doc: ResourceDoc, operations: ReadonlyArray<PatchOperation>, schema: ResourceSchema): PatchResult {
  const state: ApplyState = { doc: structuredClone(doc), schema, memberChanges: [] };
  for (const operation of operations) applyOperation(state, operation);
  assertRequiredKept(doc, state.doc, schema);
  const changed = state.memberChanges.length > 0 || !deepEqual(doc, state.doc);
  return { doc: state.doc, memberChanges: state.memberChanges, changed };
}

/**
 * Rejects an operation on a readOnly attribute (RFC 7644 §3.5.2: "a client MUST
 * NOT modify an attribute that has mutability readOnly"): user `groups`, `id`,
 * `meta`, and readOnly sub-attributes such as `manager.displayName`.
 */
export function assertMutable(op: PatchOpName, resolved: ResolvedAttr, subAttribute?: AttributeDef): void {
  const readOnly = [resolved.attribute, resolved.sub, subAttribute].find((def) => def?.mutability === 'readOnly');
  if (readOnly) {
    throw ScimError.badRequest('mutability', `Cannot ${op} '${resolved.key}': '${readOnly.name}' is readOnly`);
  }
}

function applyOperation(state: ApplyState, operation: PatchOperation): void {
  const { op, target, value } = operation;
  if (target === undefined) {
    applyToResource(state, op, value);
  } else if (target.kind === 'extension') {
    applyToExtension(state, op, target.schema, value);
  } else {
    applyToPath(state, op, target.path, value);
  }
}

/** §3.5.2.1/§3.5.2.3 without `path`: the value holds attributes of the resource itself. */
function applyToResource(state: ApplyState, op: PatchOpName, value: unknown): void {
  if (op === 'remove') throw ScimError.badRequest('noTarget', "A 'remove' operation needs a path");
  if (!isObject(value)) throw ScimError.badRequest('invalidValue', `A path-less '${op}' needs an object value`);
  for (const [key, item] of Object.entries(value)) {
    const extension = state.schema.extensionByUrn(key);
    if (extension) {
      applyToExtension(state, op, extension, item);
      continue;
    }
    const resolved = state.schema.resolve({ uri: undefined, attr: key, subAttr: undefined });
    if (!resolved) throw ScimError.badRequest('invalidPath', `Unknown attribute '${key}'`);
    applyToPath(state, op, plainPath(resolved), item);
  }
}

/** An extension addressed by its URN: add/replace set the attributes given, remove deletes the whole extension. */
function applyToExtension(state: ApplyState, op: PatchOpName, extension: SchemaDef, value: unknown): void {
  if (op === 'remove') {
    delete state.doc[extension.id];
    return;
  }
  if (value === undefined) return;
  if (!isObject(value)) throw ScimError.badRequest('invalidValue', `The value for '${extension.id}' must be an object`);
  for (const [key, item] of Object.entries(value)) {
    const resolved = state.schema.resolveIn(extension, key);
    if (!resolved) throw ScimError.badRequest('invalidPath', `Unknown attribute '${key}' in '${extension.id}'`);
    applyToPath(state, op, plainPath(resolved), item);
  }
}

function applyToPath(state: ApplyState, op: PatchOpName, path: PatchPath<ResolvedAttr>, value: unknown): void {
  const resolved = path.path;
  assertMutable(op, resolved);
  // password and the like: accepted for compatibility, never stored.
  if (resolved.attribute.mutability === 'writeOnly' || resolved.sub?.mutability === 'writeOnly') return;
  if (isGroupMembers(state.schema, resolved)) {
    applyToMembers(state, op, path, value);
    return;
  }
  const immutable = resolved.attribute.mutability === 'immutable' ? readAttribute(state.doc, resolved) : undefined;
  if (path.filter) {
    applyFiltered(state, op, resolved, path.filter, path.filterSubAttr, value);
  } else if (resolved.sub) {
    applyToSubAttribute(state, op, resolved, resolved.sub, value);
  } else {
    applyToAttribute(state, op, resolved, value);
  }
  // RFC 7644 §3.5.2: an immutable attribute may be added when it had no value, never changed.
  if (immutable !== undefined && !deepEqual(immutable, readAttribute(state.doc, resolved))) {
    throw ScimError.badRequest('mutability', `'${resolved.key}' is immutable`);
  }
}

/**
 * §3.5.2.1–3 on a whole attribute: single-valued set (complex: merge the given
 * sub-attributes), multi-valued add appends and replace replaces all values,
 * remove unassigns (a no-op when already absent).
 */
function applyToAttribute(state: ApplyState, op: PatchOpName, resolved: ResolvedAttr, value: unknown): void {
  const def = resolved.attribute;
  if (op === 'remove' || (value === undefined && op === 'replace')) {
    deleteAttribute(state.doc, resolved);
    return;
  }
  if (value === undefined) return;
  const container = containerOf(state.doc, resolved, true);
  if (def.multiValued) {
    const values = Array.isArray(value) ? value : [value];
    const next = op === 'add' ? addValues(asArray(container[def.name]), values, def) : replaceValues(values, def);
    setOrDelete(state.doc, resolved, next.length > 0 ? next : undefined);
    return;
  }
  if (def.type === 'complex') {
    if (!isObject(value)) throw ScimError.badRequest('invalidValue', `The value for '${resolved.key}' must be an object`);
    const current = container[def.name];
    setOrDelete(state.doc, resolved, compact({ ...(isObject(current) ? current : {}), ...structuredClone(value) }));
    return;
  }
  container[def.name] = structuredClone(value);
}

/** `name.givenName`: set or remove one sub-attribute of a single-valued complex attribute. */
function applyToSubAttribute(state: ApplyState, op: PatchOpName, resolved: ResolvedAttr, sub: AttributeDef, value: unknown): void {
  const def = resolved.attribute;
  const container = containerOf(state.doc, resolved, false);
  if (def.multiValued) {
    if (op !== 'remove') {
      throw ScimError.badRequest('invalidPath', `'${resolved.key}' needs a value filter, e.g. ${def.name}[type eq "work"].${sub.name}`);
    }
    // Remove `emails.display`: the sub-attribute goes from every value.
    const list = asArray(container?.[def.name]).map((element) => (isObject(element) ? without(element, sub.name) : element));
    setOrDelete(state.doc, resolved, nonEmptyList(list));
    return;
  }
  const current = container?.[def.name];
  const parent: JsonObject = isObject(current) ? { ...current } : {};
  if (op === 'remove' || value === undefined) {
    if (op === 'add') return;
    delete parent[sub.name];
  } else if (sub.multiValued && op === 'add') {
    parent[sub.name] = addValues(asArray(parent[sub.name]), Array.isArray(value) ? value : [value], sub);
  } else {
    parent[sub.name] = structuredClone(value);
  }
  setOrDelete(state.doc, resolved, compact(parent));
}

/**
 * A value filter (`emails[type eq "work"]`, optionally `.value`): §3.5.2.3
 * replaces the matching values or their sub-attribute, §3.5.2.2 removes them.
 * A filter that matches nothing is noTarget for add/replace (except the
 * eq-only creation described on applyPatch) and a no-op for remove: removing
 * what is already gone succeeds, which keeps Entra's retries idempotent.
 */
function applyFiltered(
  state: ApplyState,
  op: PatchOpName,
  resolved: ResolvedAttr,
  filter: FilterNode<ResolvedAttr>,
  filterSubAttr: string | undefined,
  value: unknown,
): void {
  const def = resolved.attribute;
  if (!def.multiValued || resolved.sub) {
    throw ScimError.badRequest('invalidPath', `A value filter applies only to a multi-valued attribute, not '${resolved.key}'`);
  }
  let sub: AttributeDef | undefined;
  if (filterSubAttr !== undefined) {
    sub = findSubAttribute(def, filterSubAttr);
    if (!sub) throw ScimError.badRequest('invalidPath', `'${def.name}' has no sub-attribute '${filterSubAttr}'`);
    assertMutable(op, resolved, sub);
    if (sub.mutability === 'writeOnly') return;
  }
  const container = containerOf(state.doc, resolved, false);
  const list = asArray(container?.[def.name]).slice();
  const matched = list.flatMap((element, index) => (matchesElement(filter, element) ? [index] : []));

  if (op === 'remove' || (op === 'replace' && value === undefined)) {
    const next = sub
      ? list.map((element, index) => (matched.includes(index) && isObject(element) ? without(element, sub.name) : element))
      : list.filter((_, index) => !matched.includes(index));
    setOrDelete(state.doc, resolved, nonEmptyList(next));
    return;
  }
  if (value === undefined) return;
  if (!sub && !isObject(value)) {
    throw ScimError.badRequest('invalidValue', `The value for '${resolved.key}[...]' must be one ${def.name} value (an object)`);
  }
  const touched = new Set<number>();
  if (matched.length === 0) {
    const assigned = eqOnlyAssignments(filter);
    if (!assigned) {
      throw ScimError.badRequest('noTarget', `No value of '${resolved.key}' matches the filter`);
    }
    const created = sub ? { ...assigned, [sub.name]: structuredClone(value) } : { ...assigned, ...structuredClone(value as JsonObject) };
    touched.add(list.push(compact(created) ?? {}) - 1);
  } else {
    for (const index of matched) {
      const element = list[index];
      const base = isObject(element) ? element : {};
      let next: JsonObject;
      if (sub) next = { ...base, [sub.name]: structuredClone(value) };
      else if (op === 'replace') next = structuredClone(value as JsonObject);
      else next = { ...base, ...structuredClone(value as JsonObject) };
      list[index] = compact(next) ?? {};
      touched.add(index);
    }
  }
  setOrDelete(state.doc, resolved, demoteOtherPrimaries(list, touched, def));
}

/**
 * Group membership as MemberChanges (RFC 7644 §3.5.2 applied to `members`
 * without ever reading the member list): add → add; remove with
 * `value eq "x" or value eq "y"` → remove those ids; any other filter →
 * removeWhere; remove without a filter → removeAll; replace → removeAll + add.
 */
function applyToMembers(state: ApplyState, op: PatchOpName, path: PatchPath<ResolvedAttr>, value: unknown): void {
  if (path.path.sub || path.filterSubAttr !== undefined) {
    throw ScimError.badRequest('invalidPath', 'Members are added or removed whole; their sub-attributes cannot be patched');
  }
  if (op === 'remove') {
    if (!path.filter) {
      pushMemberChange(state.memberChanges, { kind: 'removeAll' });
      return;
    }
    const ids = memberIdsOf(path.filter);
    pushMemberChange(state.memberChanges, ids ? { kind: 'remove', ids } : { kind: 'removeWhere', filter: path.filter });
    return;
  }
  if (path.filter) {
    throw ScimError.badRequest('invalidPath', `'${op}' on members takes the members in its value, not a filter`);
  }
  if (op === 'replace') pushMemberChange(state.memberChanges, { kind: 'removeAll' });
  const members = toMemberRefs(value);
  if (members.length > 0) pushMemberChange(state.memberChanges, { kind: 'add', members });
}

function isGroupMembers(schema: ResourceSchema, resolved: ResolvedAttr): boolean {
  return schema.kind === 'Group' && !resolved.isExtension && resolved.attribute.name === 'members';
}

/** Adjacent adds (or removes by id) are merged so the store makes one call for them. */
function pushMemberChange(changes: MemberChange[], change: MemberChange): void {
  const last = changes.at(-1);
  if (last?.kind === 'add' && change.kind === 'add') {
    const known = new Set(last.members.map((member) => member.value));
    changes[changes.length - 1] = { kind: 'add', members: [...last.members, ...change.members.filter((m) => !known.has(m.value))] };
  } else if (last?.kind === 'remove' && change.kind === 'remove') {
    changes[changes.length - 1] = { kind: 'remove', ids: [...new Set([...last.ids, ...change.ids])] };
  } else if (!(last?.kind === 'removeAll' && change.kind === 'removeAll')) {
    changes.push(change);
  }
}

/** The ids of `value eq "a" or value eq "b"`, or undefined when the filter says anything else. */
function memberIdsOf(filter: FilterNode<ResolvedAttr>): string[] | undefined {
  switch (filter.kind) {
    case 'compare': {
      const isValue = (filter.path.sub ?? filter.path.attribute).name === 'value';
      if (filter.op !== 'eq' || !isValue || filter.value === null) return undefined;
      return [typeof filter.value === 'string' ? filter.value : filter.text];
    }
    case 'or': {
      const left = memberIdsOf(filter.left);
      const right = memberIdsOf(filter.right);
      return left && right ? [...new Set([...left, ...right])] : undefined;
    }
    default:
      return undefined;
  }
}

function toMemberRefs(value: unknown): MemberRef[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  const byId = new Map<string, MemberRef>();
  for (const item of items) {
    if (!isObject(item) || typeof item['value'] !== 'string' || item['value'] === '') {
      throw ScimError.badRequest('invalidValue', 'Each member needs a "value" holding the member id');
    }
    const member: { value: string; type?: 'User' | 'Group'; display?: string } = { value: item['value'] };
    const type = item['type'];
    if (type !== undefined) {
      const lower = typeof type === 'string' ? type.toLowerCase() : '';
      if (lower !== 'user' && lower !== 'group') {
        throw ScimError.badRequest('invalidValue', `Member type must be "User" or "Group", not ${JSON.stringify(type)}`);
      }
      member.type = lower === 'user' ? 'User' : 'Group';
    }
    if (typeof item['display'] === 'string') member.display = item['display'];
    byId.set(member.value, member);
  }
  return [...byId.values()];
}

/**
 * `type eq "work" and primary eq true` → `{type: "work", primary: true}`: the
 * element an eq-only filter describes, or undefined when the filter uses any
 * other operator (then it cannot say what to create).
 */
function eqOnlyAssignments(filter: FilterNode<ResolvedAttr>): JsonObject | undefined {
  switch (filter.kind) {
    case 'compare': {
      const sub = filter.path.sub;
      if (filter.op !== 'eq' || !sub || sub.type === 'complex' || filter.value === null) return undefined;
      return { [sub.name]: literalFor(sub, filter.value, filter.text) };
    }
    case 'and': {
      const left = eqOnlyAssignments(filter.left);
      const right = eqOnlyAssignments(filter.right);
      if (!left || !right) return undefined;
      for (const [key, item] of Object.entries(right)) {
        if (key in left && !deepEqual(left[key], item)) return undefined;
      }
      return { ...left, ...right };
    }
    default:
      return undefined;
  }
}

function literalFor(def: AttributeDef, value: FilterValue, text: string): unknown {
  const isText = def.type === 'string' || def.type === 'reference' || def.type === 'binary' || def.type === 'dateTime';
  return isText && typeof value !== 'string' ? text : value;
}

/**
 * §3.5.2.1 add on a multi-valued attribute: exact duplicates are skipped, and a
 * value with the same `value` and `type` as an existing one updates it instead
 * of adding a second copy (Entra re-adds the work email with `primary: true`).
 */
function addValues(current: ReadonlyArray<unknown>, values: ReadonlyArray<unknown>, def: AttributeDef): unknown[] {
  const list = current.slice();
  const touched = new Set<number>();
  for (const value of values) {
    if (value === undefined || value === null) continue;
    const same = list.findIndex((existing) => deepEqual(existing, value) || isSameValue(existing, value, def));
    if (same === -1) {
      touched.add(list.push(structuredClone(value)) - 1);
    } else if (isObject(value)) {
      const existing = list[same];
      list[same] = { ...(isObject(existing) ? existing : {}), ...structuredClone(value) };
      touched.add(same);
    }
  }
  return demoteOtherPrimaries(list, touched, def);
}

function replaceValues(values: ReadonlyArray<unknown>, def: AttributeDef): unknown[] {
  const list = values.filter((value) => value !== undefined && value !== null).map((value) => structuredClone(value));
  return demoteOtherPrimaries(list, new Set(list.keys()), def);
}

/** Same `value` (by the sub-attribute's caseExact rule) and same `type`: the same entry, maybe with other details. */
function isSameValue(existing: unknown, added: unknown, def: AttributeDef): boolean {
  if (def.type !== 'complex') return sameScalar(existing, added, def.caseExact);
  if (!isObject(existing) || !isObject(added) || added['value'] === undefined) return false;
  const valueDef = findSubAttribute(def, 'value');
  return (
    valueDef !== undefined &&
    sameScalar(existing['value'], added['value'], valueDef.caseExact) &&
    sameScalar(existing['type'], added['type'], false)
  );
}

function sameScalar(a: unknown, b: unknown, caseExact: boolean): boolean {
  if (typeof a === 'string' && typeof b === 'string' && !caseExact) return a.toLowerCase() === b.toLowerCase();
  return deepEqual(a, b);
}

/**
 * RFC 7643 §2.4: at most one value is primary. When an operation makes a value
 * primary, every other value loses its primary flag (RFC 7644 §3.5.2); two new
 * primaries in one operation are an invalidValue.
 */
function demoteOtherPrimaries(list: unknown[], touched: ReadonlySet<number>, def: AttributeDef): unknown[] {
  if (def.type !== 'complex' || !findSubAttribute(def, 'primary')) return list;
  const primaries = [...touched].filter((index) => {
    const element = list[index];
    return isObject(element) && element['primary'] === true;
  });
  if (primaries.length > 1) {
    throw ScimError.badRequest('invalidValue', `Only one value of '${def.name}' can be primary`);
  }
  const keep = primaries[0];
  if (keep === undefined) return list;
  return list.map((element, index) =>
    index !== keep && isObject(element) && element['primary'] === true ? { ...element, primary: false } : element,
  );
}

/**
 * RFC 7643 §2.2: a required attribute (userName, a group's displayName) cannot
 * be removed or unassigned by PATCH (400 mutability), nor emptied (400
 * invalidValue, as on create).
 */
function assertRequiredKept(before: ResourceDoc, after: JsonObject, schema: ResourceSchema): void {
  const check = (schemaDef: SchemaDef, beforeContainer: unknown, afterContainer: unknown) => {
    for (const def of schemaDef.attributes) {
      if (!def.required) continue;
      const old = isObject(beforeContainer) ? beforeContainer[def.name] : undefined;
      const now = isObject(afterContainer) ? afterContainer[def.name] : undefined;
      if (old !== undefined && now === undefined) {
        throw ScimError.badRequest('mutability', `'${def.name}' is required and cannot be removed`);
      }
      if (now === '' && old !== '') throw ScimError.badRequest('invalidValue', `'${def.name}' is required and must not be empty`);
    }
  };
  check(schema.core, before, after);
  for (const extension of schema.extensions) check(extension, before[extension.id], after[extension.id]);
}

// ---- document access -------------------------------------------------------

function plainPath(resolved: ResolvedAttr): PatchPath<ResolvedAttr> {
  return { path: resolved, filter: undefined, filterSubAttr: undefined };
}

/** Core attributes live at the top level, extension attributes under their URN. */
function containerOf(doc: JsonObject, resolved: ResolvedAttr, create: true): JsonObject;
function containerOf(doc: JsonObject, resolved: ResolvedAttr, create: boolean): JsonObject | undefined;
function containerOf(doc: JsonObject, resolved: ResolvedAttr, create: boolean): JsonObject | undefined {
  if (!resolved.isExtension) return doc;
  const existing = doc[resolved.schema];
  if (isObject(existing)) return existing;
  if (!create) return undefined;
  const made: JsonObject = {};
  doc[resolved.schema] = made;
  return made;
}

function readAttribute(doc: JsonObject, resolved: ResolvedAttr): unknown {
  return containerOf(doc, resolved, false)?.[resolved.attribute.name];
}

/** Sets the attribute, or unassigns it (and an extension left empty) when the value is undefined. */
function setOrDelete(doc: JsonObject, resolved: ResolvedAttr, value: unknown): void {
  if (value === undefined) {
    deleteAttribute(doc, resolved);
    return;
  }
  containerOf(doc, resolved, true)[resolved.attribute.name] = value;
}

function deleteAttribute(doc: JsonObject, resolved: ResolvedAttr): void {
  const container = containerOf(doc, resolved, false);
  if (!container) return;
  delete container[resolved.attribute.name];
  if (resolved.isExtension && Object.keys(container).length === 0) delete doc[resolved.schema];
}

// ---- values ----------------------------------------------------------------

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function without(element: JsonObject, key: string): JsonObject {
  const copy = { ...element };
  delete copy[key];
  return copy;
}

/** Drops undefined members; an object left empty is unassigned (undefined). */
function compact(value: JsonObject): JsonObject | undefined {
  const entries = Object.entries(value).filter(([, item]) => item !== undefined && item !== null);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** Drops values left empty by a sub-attribute removal; an empty list is unassigned. */
function nonEmptyList(list: unknown[]): unknown[] | undefined {
  const kept = list.filter((element) => !(isObject(element) && Object.keys(element).length === 0));
  return kept.length > 0 ? kept : undefined;
}

/** Structural equality of JSON values (object key order ignored, undefined members ignored). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keysA = Object.keys(a).filter((key) => a[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => b[key] !== undefined);
  return keysA.length === keysB.length && keysA.every((key) => deepEqual(a[key], b[key]));
}
