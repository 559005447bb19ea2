import { ScimError } from '../scim-error';
import type { AttributeType } from '../schema/attribute-def';
import { effectiveDef, findSubAttribute, type ResolvedAttr, type ResourceSchema } from '../schema/resource-schema';
import type { AttrPath, CompareOp, Filter, FilterNode, FilterValue, PatchPath } from './filter-ast';

type ResolveErrorType = 'invalidFilter' | 'invalidPath';

/** gt/ge/lt/le: RFC 7644 §3.4.2.2 says boolean and binary attributes SHALL fail with invalidFilter. */
const ORDER_OPS: ReadonlySet<CompareOp> = new Set<CompareOp>(['gt', 'ge', 'lt', 'le']);
const SUBSTRING_OPS: ReadonlySet<CompareOp> = new Set<CompareOp>(['co', 'sw', 'ew']);
const UNORDERED_TYPES: ReadonlySet<AttributeType> = new Set<AttributeType>(['boolean', 'binary', 'complex']);
const STRING_LIKE_TYPES: ReadonlySet<AttributeType> = new Set<AttributeType>(['string', 'reference', 'binary']);

const INTEGER_TEXT = /^[+-]?[0-9]+$/;
const DECIMAL_TEXT = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** xsd:dateTime (RFC 7643 §2.3.5), four-digit years; the timezone is optional. */
const XSD_DATE_TIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$/;

/**
 * Reads an xsd:dateTime (RFC 7643 §2.3.5) as epoch milliseconds, or undefined
 * when it is not one. Shared by the resolver (to reject bad literals) and the
 * matcher (to compare instants). A value without a timezone is read as UTC, and
 * fractions finer than a millisecond are truncated.
 */
export function toInstant(text: string): number | undefined {
  const match = XSD_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, year = '', month = '', day = '', hour = '', minute = '', second = '', fraction = '', zone = 'Z'] = match;
  const y = Number(year);
  const daysInMonth = [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][Number(month) - 1] ?? 0;
  if (Number(day) < 1 || Number(day) > daysInMonth) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4, 6)) > 59)) return undefined;
  const millis = fraction === '' ? '' : `.${fraction.slice(1, 4).padEnd(3, '0')}`;
  const instant = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}${millis}${zone}`);
  return Number.isNaN(instant) ? undefined : instant;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function written(path: AttrPath): string {
  const base = path.uri === undefined ? path.attr : `${path.uri}:${path.attr}`;
  return path.subAttr === undefined ? base : `${base}.${path.subAttr}`;
}

/** Resolution of one filter or path against one resource type's schemas. */
class FilterResolver {
  private readonly schema: ResourceSchema;
  private readonly scimType: ResolveErrorType;

  constructor(schema: ResourceSchema, scimType: ResolveErrorType) {
    this.schema = schema;
    this.scimType = scimType;
  }

  fail(detail: string): never {
    throw new ScimError(400, this.scimType, detail);
  }

  /** `parent` is set inside a value filter, whose paths name sub-attributes of it. */
  node(node: Filter, parent: ResolvedAttr | undefined): FilterNode<ResolvedAttr> {
    switch (node.kind) {
      case 'and':
      case 'or':
        return { kind: node.kind, left: this.node(node.left, parent), right: this.node(node.right, parent) };
      case 'not':
        return { kind: 'not', filter: this.node(node.filter, parent) };
      case 'present':
        return { kind: 'present', path: parent ? this.inner(node.path, parent) : this.top(node.path) };
      case 'compare': {
        const path = this.impliedValue(parent ? this.inner(node.path, parent) : this.top(node.path));
        return { kind: 'compare', path, op: node.op, value: this.coerce(path, node.op, node.value, node.text), text: node.text };
      }
      case 'valuePath': {
        if (parent) this.fail(`Value filters cannot be nested: "${written(node.path)}[...]" inside "${parent.key}[...]"`);
        const path = this.valuePathTarget(this.top(node.path));
        return { kind: 'valuePath', path, filter: this.node(node.filter, path) };
      }
      default: {
        const unknown: never = node;
        return this.fail(`Unsupported filter node ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** A top-level path: `userName`, `name.givenName`, `urn:…:User:manager.value`. */
  top(path: AttrPath): ResolvedAttr {
    const attribute = this.schema.resolve({ uri: path.uri, attr: path.attr, subAttr: undefined });
    if (!attribute) this.fail(`Unknown attribute "${written(path)}" for ${this.schema.kind} resources`);
    if (path.subAttr === undefined) return attribute;
    if (attribute.attribute.type !== 'complex') {
      this.fail(`"${attribute.key}" is a ${attribute.attribute.type} attribute and has no sub-attribute "${path.subAttr}"`);
    }
    const sub = this.schema.resolveSub(attribute, path.subAttr);
    if (!sub) this.fail(`Unknown attribute "${written(path)}": "${attribute.key}" has no sub-attribute "${path.subAttr}"`);
    return sub;
  }

  /** A path inside `parent[...]`: a bare sub-attribute name of the parent. */
  inner(path: AttrPath, parent: ResolvedAttr): ResolvedAttr {
    if (path.uri !== undefined || path.subAttr !== undefined) {
      this.fail(`Inside "${parent.key}[...]" name a sub-attribute of "${parent.key}", not "${written(path)}"`);
    }
    const sub = this.schema.resolveSub(parent, path.attr);
    if (!sub) this.fail(`Unknown attribute "${parent.key}.${path.attr}": "${parent.key}" has no sub-attribute "${path.attr}"`);
    return sub;
  }

  /** Only a multi-valued complex attribute has elements a value filter can select (RFC 7644 §3.4.2.2 valuePath). */
  valuePathTarget(path: ResolvedAttr): ResolvedAttr {
    if (path.sub !== undefined) this.fail(`A value filter applies to an attribute, not to the sub-attribute "${path.key}"`);
    if (path.attribute.type !== 'complex' || !path.attribute.multiValued) {
      this.fail(`"${path.key}" is not a multi-valued complex attribute, so it cannot take a value filter "[...]"`);
    }
    return path;
  }

  /**
   * `emails co "@example.com"` means `emails.value co …` (RFC 7644 §3.4.2.2 uses
   * exactly this in its examples): a comparison on a multi-valued complex
   * attribute without a sub-attribute applies to its `value` sub-attribute.
   * Any other complex attribute must name a sub-attribute.
   */
  impliedValue(path: ResolvedAttr): ResolvedAttr {
    if (path.sub !== undefined || path.attribute.type !== 'complex') return path;
    const value = path.attribute.multiValued ? this.schema.resolveSub(path, 'value') : undefined;
    if (value) return value;
    const example = path.attribute.subAttributes?.[0]?.name ?? 'value';
    return this.fail(`"${path.key}" is a complex attribute: compare one of its sub-attributes, e.g. "${path.key}.${example}"`);
  }

  /**
   * Coerces a literal to the attribute's type (RFC 7643 §2.3) so the SQL printer
   * and the matcher compare like with like:
   * - string/reference/binary: the literal's text (bare `007` stays "007", bare `true` is "true");
   * - boolean: true/false in any case, quoted or not (Entra sends `"False"`);
   * - integer/decimal: numbers and numeric strings;
   * - dateTime: an xsd:dateTime, normalised to ISO 8601 UTC (`toISOString`);
   * - null (bare `null` only): with eq/ne on any type.
   */
  coerce(path: ResolvedAttr, op: CompareOp, value: FilterValue, text: string): FilterValue {
    const def = effectiveDef(path);
    const at = `"${path.key}"`;
    if (value === null) {
      if (op !== 'eq' && op !== 'ne') this.fail(`null can only be compared with eq or ne, not with ${op} (${at})`);
      return null;
    }
    if (ORDER_OPS.has(op) && UNORDERED_TYPES.has(def.type)) this.fail(`${op} is not supported on ${def.type} attribute ${at}`);
    if (SUBSTRING_OPS.has(op) && !STRING_LIKE_TYPES.has(def.type)) this.fail(`${op} is not supported on ${def.type} attribute ${at}`);
    const literal = typeof value === 'string' ? value : text;
    switch (def.type) {
      case 'string':
      case 'reference':
      case 'binary':
        return literal;
      case 'boolean': {
        if (typeof value === 'boolean') return value;
        const lower = literal.toLowerCase();
        if (typeof value === 'string' && (lower === 'true' || lower === 'false')) return lower === 'true';
        return this.fail(`${at} is boolean: expected true or false, got ${JSON.stringify(text)}`);
      }
      case 'integer': {
        const number = typeof value === 'number' ? value : INTEGER_TEXT.test(literal) ? Number(literal) : Number.NaN;
        if (!Number.isSafeInteger(number)) this.fail(`${at} is an integer: expected an integer, got ${JSON.stringify(text)}`);
        return number;
      }
      case 'decimal': {
        const number = typeof value === 'number' ? value : DECIMAL_TEXT.test(literal) ? Number(literal) : Number.NaN;
        if (!Number.isFinite(number)) this.fail(`${at} is a decimal: expected a number, got ${JSON.stringify(text)}`);
        return number;
      }
      case 'dateTime': {
        const instant = typeof value === 'string' ? toInstant(value) : undefined;
        if (instant === undefined) {
          this.fail(`${at} is a dateTime: expected an xsd:dateTime such as "2011-05-13T04:42:34Z", got ${JSON.stringify(text)}`);
        }
        return new Date(instant).toISOString();
      }
      case 'complex':
        return this.fail(`${at} is a complex attribute: compare one of its sub-attributes`);
      default: {
        const unknown: never = def.type;
        return this.fail(`${at} has an unsupported type ${String(unknown)}`);
      }
    }
  }
}

/**
 * Resolves a parsed filter against a resource type's schemas (RFC 7644 §3.4.2.2),
 * once, before the store prints it to SQL or the matcher runs it: canonical
 * names and definitions for every path, literals coerced to the attribute's type
 * (see `coerce` rules: string-like attributes compare against the literal's
 * text, booleans accept "False", dateTime values become ISO 8601 UTC), implied
 * `.value` on multi-valued complex attributes (`emails eq "x"`), and every
 * unsupported combination rejected as ScimError 400 `invalidFilter`.
 */
export function resolveFilter(filter: Filter, schema: ResourceSchema): FilterNode<ResolvedAttr> {
  return new FilterResolver(schema, 'invalidFilter').node(filter, undefined);
}

/**
 * Resolves a parsed PATCH path (RFC 7644 §3.5.2) with the same rules as a filter,
 * reporting errors as ScimError 400 `invalidPath`. `filterSubAttr` comes back in
 * its canonical spelling (`Value` → `value`). A path naming a whole extension
 * (`urn:…:enterprise:2.0:User`) is not an attribute: callers check
 * `schema.extensionByUrn` first, as `parsePatchPath` documents.
 */
export function resolvePatchPath(path: PatchPath, schema: ResourceSchema): PatchPath<ResolvedAttr> {
  const resolver: FilterResolver = new FilterResolver(schema, 'invalidPath');
  const { uri, attr } = path.path;
  if (uri !== undefined && path.path.subAttr === undefined && path.filter === undefined && schema.extensionByUrn(`${uri}:${attr}`)) {
    resolver.fail(`"${uri}:${attr}" names a whole extension schema, not an attribute`);
  }
  const target = resolver.top(path.path);
  if (path.filter === undefined) {
    if (path.filterSubAttr !== undefined) resolver.fail(`A sub-attribute after a value filter needs a value filter ("${target.key}")`);
    return { path: target, filter: undefined, filterSubAttr: undefined };
  }
  resolver.valuePathTarget(target);
  const filter = resolver.node(path.filter, target);
  if (path.filterSubAttr === undefined) return { path: target, filter, filterSubAttr: undefined };
  const sub = findSubAttribute(target.attribute, path.filterSubAttr);
  if (!sub) resolver.fail(`Unknown attribute "${target.key}.${path.filterSubAttr}": "${target.key}" has no sub-attribute "${path.filterSubAttr}"`);
  return { path: target, filter, filterSubAttr: sub.name };
}
