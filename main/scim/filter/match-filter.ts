import type { AttributeDef } from '../schema/attribute-def';
import { effectiveDef, type ResolvedAttr } from '../schema/resource-schema';
import type { CompareOp, FilterNode, FilterValue } from './filter-ast';
import { toInstant } from './resolve-filter';

/** Finds the values a path names in one context (a whole resource, or one element of a multi-valued attribute). */
type Lookup = (path: ResolvedAttr) => ReadonlyArray<unknown>;

/** How deep `pr` looks into nested objects and arrays before calling a value present. */
const PRESENCE_DEPTH = 4;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A member by its canonical name, else case-insensitively (attribute names are case-insensitive, RFC 7643 §2.1). */
function member(container: unknown, name: string): unknown {
  if (!isRecord(container)) return undefined;
  if (Object.hasOwn(container, name)) return container[name];
  const lower = name.toLowerCase();
  const key = Object.keys(container).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : container[key];
}

/**
 * `pr` (RFC 7644 §3.4.2.2): present and not null, empty string, empty array or
 * empty object. An array or object counts when some value in it is present, so
 * `[null]` and `{"value": null}` are absent (RFC 7643 §2.5: null = unassigned).
 */
function isPresent(value: unknown, depth = 0): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.length > 0;
  if (depth >= PRESENCE_DEPTH) return true;
  if (Array.isArray(value)) return value.some((item) => isPresent(item, depth + 1));
  if (isRecord(value)) return Object.values(value).some((item) => isPresent(item, depth + 1));
  return true;
}

function asElements(value: unknown): ReadonlyArray<unknown> {
  return Array.isArray(value) ? value : [value];
}

function foldCase(text: string, def: AttributeDef): string {
  return def.caseExact ? text : text.toLowerCase();
}

function toText(value: unknown, def: AttributeDef): string | undefined {
  if (typeof value === 'string') return foldCase(value, def);
  if (typeof value === 'number' || typeof value === 'boolean') return foldCase(String(value), def);
  return undefined;
}

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** The sign of actual − expected under the attribute's type, or undefined when they cannot be compared. */
function order(def: AttributeDef, actual: unknown, expected: FilterValue): number | undefined {
  let a: string | number | undefined;
  let e: string | number | undefined;
  switch (def.type) {
    case 'string':
    case 'reference':
    case 'binary':
      a = toText(actual, def);
      e = toText(expected, def);
      break;
    case 'boolean': {
      const ab = toBoolean(actual);
      const eb = toBoolean(expected);
      a = ab === undefined ? undefined : Number(ab);
      e = eb === undefined ? undefined : Number(eb);
      break;
    }
    case 'integer':
    case 'decimal':
      a = toNumber(actual);
      e = toNumber(expected);
      break;
    case 'dateTime':
      a = typeof actual === 'string' ? toInstant(actual) : undefined;
      e = typeof expected === 'string' ? toInstant(expected) : undefined;
      break;
    case 'complex':
      return undefined;
    default: {
      const unknown: never = def.type;
      return unknown;
    }
  }
  if (a === undefined || e === undefined) return undefined;
  return a < e ? -1 : a > e ? 1 : 0;
}

function substring(def: AttributeDef, op: 'co' | 'sw' | 'ew', actual: unknown, expected: FilterValue): boolean {
  if (def.type !== 'string' && def.type !== 'reference' && def.type !== 'binary') return false;
  const a = toText(actual, def);
  const e = toText(expected, def);
  if (a === undefined || e === undefined) return false;
  return op === 'co' ? a.includes(e) : op === 'sw' ? a.startsWith(e) : a.endsWith(e);
}

/**
 * One value against one literal. A missing (or null) value is unequal to
 * everything: `eq` and every other operator are false, `ne` is true. `eq null`
 * is "not present" and `ne null` is "present", in the sense of `pr`.
 */
function compareOne(def: AttributeDef, op: CompareOp, actual: unknown, expected: FilterValue): boolean {
  if (expected === null) {
    if (op === 'eq') return !isPresent(actual);
    if (op === 'ne') return isPresent(actual);
    return false;
  }
  if (actual === undefined || actual === null) return op === 'ne';
  switch (op) {
    case 'co':
    case 'sw':
    case 'ew':
      return substring(def, op, actual, expected);
    case 'eq':
      return order(def, actual, expected) === 0;
    case 'ne':
      return order(def, actual, expected) !== 0;
    default: {
      const sign = order(def, actual, expected);
      if (sign === undefined) return false;
      return op === 'gt' ? sign > 0 : op === 'ge' ? sign >= 0 : op === 'lt' ? sign < 0 : sign <= 0;
    }
  }
}

function evaluate(node: FilterNode<ResolvedAttr>, lookup: Lookup, inElement: boolean): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, lookup, inElement) && evaluate(node.right, lookup, inElement);
    case 'or':
      return evaluate(node.left, lookup, inElement) || evaluate(node.right, lookup, inElement);
    case 'not':
      return !evaluate(node.filter, lookup, inElement);
    case 'present':
      return lookup(node.path).some((value) => isPresent(value));
    case 'compare': {
      const values = lookup(node.path);
      const def = effectiveDef(node.path);
      // A multi-valued attribute with no elements is a missing attribute.
      if (values.length === 0) return compareOne(def, node.op, undefined, node.value);
      return values.some((value) => compareOne(def, node.op, value, node.value));
    }
    case 'valuePath': {
      // The resolver never nests value filters; inside an element there is nothing for one to select.
      if (inElement) return false;
      const attribute: ResolvedAttr = { ...node.path, sub: undefined };
      // A missing attribute has no elements for the value filter to select.
      return lookup(attribute).some((element) => element !== undefined && element !== null && matchesElement(node.filter, element));
    }
    default: {
      const unknown: never = node;
      return unknown;
    }
  }
}

/**
 * Evaluates a resolved filter against one element of a multi-valued attribute,
 * e.g. the `[type eq "work"]` of a PATCH path against one entry of `emails`
 * (RFC 7644 §3.5.2). Paths name sub-attributes, read from the element by their
 * canonical names (case-insensitively as a fallback); a path without a
 * sub-attribute means the element itself. Never throws.
 */
export function matchesElement(filter: FilterNode<ResolvedAttr>, element: unknown): boolean {
  const lookup: Lookup = (path) => [path.sub ? member(element, path.sub.name) : element];
  return evaluate(filter, lookup, true);
}

/**
 * Evaluates a resolved filter against a whole resource (RFC 7644 §3.4.2.2) in
 * memory: the reference semantics the SQL printer is tested against.
 * Extension attributes are read under their schema URN key. A multi-valued
 * attribute matches when any element matches (so `emails.value ne "x"` holds
 * when some address differs), and a value path needs one element to satisfy its
 * whole inner filter. Strings compare case-insensitively unless the attribute is
 * caseExact, numbers numerically, dateTimes as instants. A missing attribute
 * makes `eq` (and co/sw/ew/gt/ge/lt/le) false and `ne` true. Never throws.
 */
export function matchesResource(filter: FilterNode<ResolvedAttr>, resource: Record<string, unknown>): boolean {
  const lookup: Lookup = (path) => {
    const container = path.isExtension ? member(resource, path.schema) : resource;
    const value = member(container, path.attribute.name);
    const sub = path.sub;
    if (sub === undefined) return path.attribute.multiValued ? asElements(value) : [value];
    const elements = path.attribute.multiValued ? asElements(value) : [value];
    return elements.map((element) => member(element, sub.name));
  };
  return evaluate(filter, lookup, false);
}
