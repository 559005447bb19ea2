import type { CompareOp, FilterNode, FilterValue } from '../scim/filter/filter-ast';
import type { AttributeDef, AttributeType } from '../scim/schema/attribute-def';
import type { ResolvedAttr } from '../scim/schema/resource-schema';
import { foldCase } from './open-database';
import { StoreQueryError } from './store-errors';

/** A parameterised SQL fragment: values never reach the SQL text. */
export interface SqlFragment {
  readonly sql: string;
  readonly params: ReadonlyArray<unknown>;
}

/** How one scalar value is reached in SQL. */
export interface ScalarSql {
  readonly expr: string;
  /** Params the expression itself needs (e.g. a JSON path), placed before the comparison's. */
  readonly exprParams: ReadonlyArray<unknown>;
  readonly type: AttributeType;
  /** The expression yields case-folded text (a *_key column or scim_fold()): fold the compared value too. */
  readonly folded: boolean;
  /** A plain indexed column: prefix searches use a range so the index serves them. */
  readonly indexed: boolean;
  /** JSON text from json_extract: dateTime compares through julianday(). */
  readonly fromJson: boolean;
  /** Never NULL (a NOT NULL column): sorting needs no nulls-last term, so an index can serve the ORDER BY. */
  readonly notNull?: boolean;
  /** The same for every row (a literal): sorting by it orders nothing, and SQLite reads `'x' IS NULL` in an ORDER BY as a column number. */
  readonly constant?: boolean;
}

/** How the elements of one multi-valued attribute are reached: rows of a table or of json_each. */
export interface CollectionSql {
  /** FROM clause for the element rows, correlated to the outer row. */
  readonly from: string;
  readonly where: string;
  readonly params: ReadonlyArray<unknown>;
  /** The element's sub-attribute (or the element itself for simple multi-valued attributes). */
  element(sub: AttributeDef | undefined): ScalarSql;
  /** Sorting by a multi-valued attribute uses its primary element first (RFC 7644 §3.4.2.3). */
  readonly primaryOrder: string | undefined;
}

/** Maps resolved attributes of one resource type to SQL; the dialect-neutral filter tree does the rest. */
export interface ColumnMap {
  scalar(attr: ResolvedAttr): ScalarSql;
  /** `subs`: the sub-attributes the expression will read, so a map can pick an indexed table when it covers them all. */
  collection(attr: ResolvedAttr, subs: ReadonlyArray<string>): CollectionSql;
}

const STRING_TYPES: ReadonlySet<AttributeType> = new Set(['string', 'reference', 'binary', 'dateTime']);

/** Quotes every key so URNs and `$ref` are safe in a JSON path. */
export function jsonPath(keys: ReadonlyArray<string>): string {
  return '$' + keys.map((key) => `."${key.replace(/"/g, '')}"`).join('');
}

/** JSON keys of an attribute inside the stored document (extensions nest under their URN). */
export function documentKeys(attr: ResolvedAttr): string[] {
  const keys = attr.isExtension ? [attr.schema, attr.attribute.name] : [attr.attribute.name];
  return attr.sub ? [...keys, attr.sub.name] : keys;
}

/** A scalar read out of a JSON document column with json_extract. */
export function jsonScalar(column: string, keys: ReadonlyArray<string>, def: AttributeDef): ScalarSql {
  const expr = `json_extract(${column}, ?)`;
  const foldable = !def.caseExact && STRING_TYPES.has(def.type) && def.type !== 'dateTime';
  return {
    expr: foldable ? `scim_fold(${expr})` : expr,
    exprParams: [jsonPath(keys)],
    type: def.type,
    folded: foldable,
    indexed: false,
    fromJson: true,
  };
}

/** Elements of a multi-valued attribute stored inside the JSON document. */
export function jsonCollection(column: string, attr: ResolvedAttr): CollectionSql {
  const alias = 'e';
  const keys = attr.isExtension ? [attr.schema, attr.attribute.name] : [attr.attribute.name];
  const hasPrimary = attr.attribute.subAttributes?.some((sub) => sub.name === 'primary') ?? false;
  return {
    from: `json_each(${column}, ?) AS ${alias}`,
    where: '1',
    params: [jsonPath(keys)],
    element(sub) {
      if (!sub) {
        const def = attr.attribute;
        const foldable = !def.caseExact && def.type === 'string';
        return {
          expr: foldable ? `scim_fold(${alias}.value)` : `${alias}.value`,
          exprParams: [],
          type: def.type,
          folded: foldable,
          indexed: false,
          fromJson: true,
        };
      }
      return jsonScalar(`${alias}.value`, [sub.name], sub);
    },
    primaryOrder: hasPrimary ? `json_extract(${alias}.value, '$.primary') DESC` : undefined,
  };
}

/** A plain column as a scalar. */
export function columnScalar(expr: string, def: AttributeDef, folded: boolean, indexed = true, notNull = false): ScalarSql {
  return { expr, exprParams: [], type: def.type, folded, indexed, fromJson: false, notNull };
}

function toSqlValue(scalar: ScalarSql, value: FilterValue): unknown {
  if (value === null) return null;
  switch (scalar.type) {
    case 'boolean':
      return value === true || (typeof value === 'string' && value.toLowerCase() === 'true') ? 1 : 0;
    case 'integer':
    case 'decimal':
      return typeof value === 'number' ? value : Number(value);
    case 'dateTime': {
      const time = new Date(String(value));
      if (Number.isNaN(time.getTime())) throw new StoreQueryError(`"${String(value)}" is not a dateTime`);
      return time.toISOString();
    }
    default: {
      const text = String(value);
      return scalar.folded ? foldCase(text) : text;
    }
  }
}

/** The highest code point: `p` ≤ s < `p + MAX_CHAR` holds exactly for strings starting with p. */
export const MAX_CHAR = '\u{10FFFF}';

function printCompare(scalar: ScalarSql, op: CompareOp, raw: FilterValue): SqlFragment {
  const value = toSqlValue(scalar, raw);
  const x = scalar.fromJson && scalar.type === 'dateTime' ? `julianday(${scalar.expr})` : scalar.expr;
  const p = scalar.fromJson && scalar.type === 'dateTime' ? 'julianday(?)' : '?';
  const base = scalar.exprParams;
  const twice = (sql: string, ...params: unknown[]): SqlFragment => ({ sql, params: [...base, ...params] });
  if (value === null) {
    // `eq null` means "not present" and `ne null` "present", exactly as `pr` reads presence.
    if (op === 'eq') return { sql: `(${x} IS NULL OR ${x} = '')`, params: [...base, ...base] };
    if (op === 'ne') return { sql: `(${x} IS NOT NULL AND ${x} <> '')`, params: [...base, ...base] };
    throw new StoreQueryError(`Operator "${op}" cannot compare with null`);
  }
  switch (op) {
    case 'eq':
      return twice(`${x} = ${p}`, value);
    case 'ne':
      return { sql: `(${x} IS NULL OR ${x} <> ${p})`, params: [...base, ...base, value] };
    case 'gt':
      return twice(`${x} > ${p}`, value);
    case 'ge':
      return twice(`${x} >= ${p}`, value);
    case 'lt':
      return twice(`${x} < ${p}`, value);
    case 'le':
      return twice(`${x} <= ${p}`, value);
    case 'co':
    case 'sw':
    case 'ew': {
      const text = String(value);
      if (text === '') return twice(`${x} IS NOT NULL`);
      if (op === 'co') return twice(`instr(${x}, ?) > 0`, text);
      if (op === 'sw') {
        if (scalar.indexed) return { sql: `(${x} >= ? AND ${x} < ?)`, params: [...base, text, ...base, text + MAX_CHAR] };
        return twice(`substr(${x}, 1, length(?)) = ?`, text, text);
      }
      return twice(`substr(${x}, -length(?)) = ?`, text, text);
    }
  }
}

function printPresent(scalar: ScalarSql): SqlFragment {
  return { sql: `(${scalar.expr} IS NOT NULL AND ${scalar.expr} <> '')`, params: [...scalar.exprParams, ...scalar.exprParams] };
}

function exists(collection: CollectionSql, condition: SqlFragment | undefined): SqlFragment {
  const where = condition ? `${collection.where} AND ${condition.sql}` : collection.where;
  return {
    sql: `EXISTS (SELECT 1 FROM ${collection.from} WHERE ${where})`,
    params: [...collection.params, ...(condition?.params ?? [])],
  };
}

function isMultiValued(attr: ResolvedAttr): boolean {
  return attr.attribute.multiValued;
}

/**
 * Prints a resolved filter tree as a WHERE condition. Every leaf is two-valued
 * after `COALESCE` under NOT, so `not (title eq "x")` matches users without a
 * title, as the in-memory matcher does.
 */
export function printFilter(filter: FilterNode<ResolvedAttr>, map: ColumnMap): SqlFragment {
  return print(filter, map, undefined);
}

/**
 * Prints a filter whose paths all name sub-attributes of one multi-valued
 * attribute, against that attribute's element rows (e.g. a PATCH's
 * `members[type eq "Group"]` as a DELETE condition on the membership table).
 */
export function printElementFilter(filter: FilterNode<ResolvedAttr>, collection: CollectionSql): SqlFragment {
  return print(filter, undefined, collection);
}

function print(node: FilterNode<ResolvedAttr>, map: ColumnMap | undefined, element: CollectionSql | undefined): SqlFragment {
  switch (node.kind) {
    case 'and':
    case 'or':
      return printChain(node.kind, chainOf(node), map, element);
    case 'not': {
      const inner = print(node.filter, map, element);
      return { sql: `NOT COALESCE(${inner.sql}, 0)`, params: inner.params };
    }
    case 'valuePath': {
      if (element || !map) throw new StoreQueryError('Value filters cannot be nested');
      const collection = map.collection(node.path, subsUsed(node.filter));
      const inner = print(node.filter, undefined, collection);
      return exists(collection, inner);
    }
    case 'compare':
    case 'present': {
      const attr = node.path;
      if (element) {
        const scalar = element.element(attr.sub);
        return node.kind === 'present' ? printPresent(scalar) : printCompare(scalar, node.op, node.value);
      }
      if (!map) throw new Error('printFilter needs a column map');
      if (isMultiValued(attr)) {
        const sub = attr.sub ?? (node.kind === 'present' ? undefined : valueSubAttribute(attr));
        const collection = map.collection(attr, sub ? [sub.name] : []);
        if (!sub) return exists(collection, undefined);
        const scalar = collection.element(sub);
        if (node.kind === 'present') return exists(collection, printPresent(scalar));
        const any = exists(collection, printCompare(scalar, node.op, node.value));
        // With no elements the attribute is missing, and a missing attribute is `ne` anything and `eq null`.
        if ((node.op === 'ne') !== (node.value === null)) {
          const none = exists(collection, undefined);
          return { sql: `(NOT ${none.sql} OR ${any.sql})`, params: [...none.params, ...any.params] };
        }
        return any;
      }
      const scalar = map.scalar(attr);
      return node.kind === 'present' ? printPresent(scalar) : printCompare(scalar, node.op, node.value);
    }
  }
}

/**
 * The operands of a run of one connective, in order: `a or b or c` parses as `((a or b) or c)`, and
 * parentheses can nest it the other way. Walked with a stack, whatever the tree's shape.
 */
function chainOf(node: FilterNode<ResolvedAttr> & { kind: 'and' | 'or' }): FilterNode<ResolvedAttr>[] {
  const operands: FilterNode<ResolvedAttr>[] = [];
  const stack: FilterNode<ResolvedAttr>[] = [node];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item.kind === node.kind) stack.push(item.right, item.left);
    else operands.push(item);
  }
  return operands;
}

/**
 * A chain of one connective printed as a balanced tree of parenthesised pairs: SQLite limits the
 * depth of an expression tree (1,000 by default), and a chain printed as it parses is as deep as
 * it is long. Balanced, it is as deep as its length's logarithm. AND and OR are associative, so the
 * grouping changes nothing of the meaning.
 */
function printChain(kind: 'and' | 'or', operands: ReadonlyArray<FilterNode<ResolvedAttr>>, map: ColumnMap | undefined, element: CollectionSql | undefined): SqlFragment {
  if (operands.length === 1) return print(operands[0]!, map, element);
  const middle = Math.ceil(operands.length / 2);
  const left = printChain(kind, operands.slice(0, middle), map, element);
  const right = printChain(kind, operands.slice(middle), map, element);
  return { sql: `(${left.sql} ${kind.toUpperCase()} ${right.sql})`, params: [...left.params, ...right.params] };
}

function subsUsed(node: FilterNode<ResolvedAttr>): string[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...subsUsed(node.left), ...subsUsed(node.right)];
    case 'not':
      return subsUsed(node.filter);
    case 'valuePath':
      return subsUsed(node.filter);
    default:
      return node.path.sub ? [node.path.sub.name] : [];
  }
}

/**
 * The `value` sub-attribute of a multi-valued attribute: `emails eq "x"` compares it (RFC 7644
 * §3.4.2.2); undefined for simple multi-valued attributes, which compare the element itself.
 */
export function valueSubAttribute(attr: ResolvedAttr): AttributeDef | undefined {
  return attr.attribute.subAttributes?.find((sub) => sub.name === 'value');
}

/**
 * ORDER BY expression for `sortBy`; nulls sort last ascending and first descending (null is "largest").
 * Undefined when the attribute has the same value in every row: the caller keeps its own order.
 */
export function printSort(attr: ResolvedAttr, map: ColumnMap, descending: boolean): SqlFragment | undefined {
  let expr: SqlFragment;
  if (isMultiValued(attr)) {
    const sub = attr.sub ?? valueSubAttribute(attr);
    const collection = map.collection(attr, sub ? [sub.name] : []);
    const scalar = collection.element(sub);
    const order = collection.primaryOrder ? ` ORDER BY ${collection.primaryOrder}` : '';
    expr = {
      sql: `(SELECT ${scalar.expr} FROM ${collection.from} WHERE ${collection.where}${order} LIMIT 1)`,
      params: [...scalar.exprParams, ...collection.params],
    };
  } else {
    const scalar = map.scalar(attr);
    if (scalar.constant) return undefined;
    if (scalar.notNull) return { sql: `${scalar.expr} ${descending ? 'DESC' : 'ASC'}`, params: scalar.exprParams };
    expr = { sql: scalar.expr, params: scalar.exprParams };
  }
  const direction = descending ? 'DESC' : 'ASC';
  return {
    sql: `(${expr.sql}) IS NULL ${direction}, ${expr.sql} ${direction}`,
    params: [...expr.params, ...expr.params],
  };
}

