import { ScimError } from '../scim-error';
import { describeLoneSurrogate, isWellFormed } from '../unicode';
import type { AttrPath, CompareOp, Filter, FilterValue } from './filter-ast';

/** Longest filter or path text accepted: bounds parsing work per request. */
export const MAX_FILTER_LENGTH = 10_000;

/** Deepest nesting of `(`, `not (` and `[` accepted, so hostile input cannot exhaust the stack. */
export const MAX_FILTER_DEPTH = 200;

/**
 * Most comparisons (`attr op value`, `attr pr`) one filter may combine. Entra's probes use one or
 * two; a thousand `or` terms fit in the length limit, and each is work for every row the store
 * scans (and, printed as one SQL expression, once reached SQLite's expression-depth limit).
 */
export const MAX_FILTER_TERMS = 200;

const COMPARE_OPS: ReadonlySet<string> = new Set<CompareOp>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

/** ATTRNAME of RFC 7644 §3.10 (ALPHA *(ALPHA / DIGIT / "-" / "_")), plus `$` for `$ref` (RFC 7643 §2.3.7). */
const ATTR_NAME = /^[A-Za-z$][A-Za-z0-9$_-]*$/;

/** JSON number (RFC 8259 §6), the `number` alternative of compValue. */
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

const WHITESPACE = /\s/;

/** Characters that end an attribute path, operator or keyword. */
const WORD_END = new Set(['(', ')', '[', ']', '"']);

/** Characters that end an unquoted value (besides whitespace): Entra's bare values run to the next one. */
const BARE_VALUE_END = new Set([')', ']']);

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** The scimType a parse error is reported with: a filter's or a PATCH path's (RFC 7644 §3.12). */
export type ParseErrorType = 'invalidFilter' | 'invalidPath';

/**
 * The one recursive-descent parser of the RFC 7644 §3.4.2.2 filter grammar.
 * `parseFilter` and `parsePatchPath` both drive it, so a PATCH value path and a
 * list filter can never disagree on syntax; only the scimType of errors differs.
 * Scannerless: the parser reads a path, an operator or a value depending on
 * where it is, which is what lets Entra's unquoted values through.
 * Error positions are 0-based character offsets into the text.
 */
export class FilterParser {
  private readonly text: string;
  private readonly scimType: ParseErrorType;
  private pos = 0;
  private depth = 0;
  private terms = 0;

  constructor(text: unknown, scimType: ParseErrorType) {
    this.scimType = scimType;
    if (typeof text !== 'string') {
      throw new ScimError(400, scimType, `${this.label()}: expected a string, got ${text === null ? 'null' : typeof text}`);
    }
    if (text.length > MAX_FILTER_LENGTH) {
      throw new ScimError(400, scimType, `${this.label()}: longer than ${MAX_FILTER_LENGTH} characters (${text.length})`);
    }
    if (!isWellFormed(text)) {
      throw new ScimError(400, 'invalidValue', `${this.label()}: not valid Unicode (${describeLoneSurrogate(text)}: half of a surrogate pair)`);
    }
    this.text = text;
  }

  /** Parses the whole text as one FILTER. */
  parseWhole(): Filter {
    const filter = this.orExpr(false);
    this.expectEnd("'and', 'or' or the end of the filter");
    return filter;
  }

  /** The next character, without skipping whitespace (undefined at the end). */
  peek(): string | undefined {
    return this.text[this.pos];
  }

  /** Reads an `attrPath` (`[URI ":"] ATTRNAME ["." subAttr]`), skipping whitespace before it. */
  attrPath(expected: string): AttrPath {
    this.skipWhitespace();
    const start = this.pos;
    const word = this.readWord();
    if (word === '') this.fail(expected, start);
    return this.toAttrPath(word, start, false);
  }

  /** Reads `"[" valFilter "]"` at the current position; the inner paths are bare sub-attribute names. */
  valueFilter(): Filter {
    if (this.peek() !== '[') this.fail("'['");
    this.enter();
    this.pos += 1;
    const filter = this.orExpr(true);
    this.skipWhitespace();
    if (this.peek() !== ']') this.fail("'and', 'or' or ']'");
    this.pos += 1;
    this.depth -= 1;
    return filter;
  }

  /** Reads `"." ATTRNAME` directly at the current position (`.value` after a PATCH value filter). */
  subAttrName(): string {
    if (this.peek() !== '.') this.fail("'.'");
    this.pos += 1;
    const start = this.pos;
    const word = this.readWord();
    if (!ATTR_NAME.test(word)) this.fail('a sub-attribute name', start);
    return word;
  }

  /** Fails unless only whitespace is left. */
  expectEnd(expected: string): void {
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail(expected);
  }

  /** Throws the 400 error: what was expected, where, and what was found there. */
  fail(expected: string, at: number = this.pos): never {
    throw new ScimError(400, this.scimType, `${this.label()}: expected ${expected} at position ${at}, found ${this.describe(at)}`);
  }

  private label(): string {
    return this.scimType === 'invalidFilter' ? 'Invalid filter' : 'Invalid path';
  }

  private describe(at: number): string {
    if (at >= this.text.length) return 'the end of the input';
    let end = at + 1;
    while (end < this.text.length && end - at < 20 && !WHITESPACE.test(this.text[end] ?? '')) end += 1;
    return JSON.stringify(this.text.slice(at, end));
  }

  private enter(): void {
    this.depth += 1;
    if (this.depth > MAX_FILTER_DEPTH) {
      throw new ScimError(
        400,
        this.scimType,
        `${this.label()}: nested deeper than ${MAX_FILTER_DEPTH} levels at position ${this.pos}`,
      );
    }
  }

  /** One more comparison (a value path counts as one besides its inner ones). */
  private count(): void {
    this.terms += 1;
    if (this.terms > MAX_FILTER_TERMS) {
      throw new ScimError(400, this.scimType, `${this.label()}: more than ${MAX_FILTER_TERMS} comparisons at position ${this.pos}; split the query`);
    }
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length && WHITESPACE.test(this.text[this.pos] ?? '')) this.pos += 1;
  }

  /** A run of characters up to whitespace or one of `( ) [ ] "`; may be empty. */
  private readWord(): string {
    const start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos] ?? '';
      if (WHITESPACE.test(c) || WORD_END.has(c)) break;
      this.pos += 1;
    }
    return this.text.slice(start, this.pos);
  }

  /** Consumes the next word when it is this keyword (case-insensitive, RFC 7644 §3.4.2.2). */
  private keyword(keyword: 'and' | 'or'): boolean {
    this.skipWhitespace();
    const start = this.pos;
    if (this.readWord().toLowerCase() === keyword) return true;
    this.pos = start;
    return false;
  }

  /** Precedence (RFC 7644 §3.4.2.2): not binds tighter than and, and tighter than or; both left-associative. */
  private orExpr(inValuePath: boolean): Filter {
    let left = this.andExpr(inValuePath);
    while (this.keyword('or')) left = { kind: 'or', left, right: this.andExpr(inValuePath) };
    return left;
  }

  private andExpr(inValuePath: boolean): Filter {
    let left = this.unary(inValuePath);
    while (this.keyword('and')) left = { kind: 'and', left, right: this.unary(inValuePath) };
    return left;
  }

  /** `"(" FILTER ")"`, `"not" "(" FILTER ")"` or an attribute expression. */
  private unary(inValuePath: boolean): Filter {
    this.skipWhitespace();
    if (this.peek() === '(') return this.group(inValuePath);
    const start = this.pos;
    const word = this.readWord();
    if (word === '') this.fail("an attribute name, '(' or 'not'", start);
    if (word.toLowerCase() === 'not') {
      this.skipWhitespace();
      if (this.peek() !== '(') this.fail("'(' after 'not'");
      return { kind: 'not', filter: this.group(inValuePath) };
    }
    return this.attrExpr(this.toAttrPath(word, start, inValuePath), inValuePath);
  }

  private group(inValuePath: boolean): Filter {
    this.enter();
    this.pos += 1;
    const filter = this.orExpr(inValuePath);
    this.skipWhitespace();
    if (this.peek() !== ')') this.fail("'and', 'or' or ')'");
    this.pos += 1;
    this.depth -= 1;
    return filter;
  }

  /** `attrPath "pr"`, `attrPath compareOp compValue`, or a value path `attrPath "[" valFilter "]"`. */
  private attrExpr(path: AttrPath, inValuePath: boolean): Filter {
    this.count();
    if (this.peek() === '[') {
      if (inValuePath) this.fail("a comparison operator or 'pr' (value filters cannot be nested)");
      if (path.subAttr !== undefined) this.fail("a comparison operator or 'pr' (a value filter cannot follow a sub-attribute)");
      const filter = this.valueFilter();
      if (this.peek() !== '.') return { kind: 'valuePath', path, filter };
      // Entra matching on a typed element sends `emails[type eq "work"].value eq "x"`, which RFC 7644's
      // grammar lacks; it reads as the value path `emails[type eq "work" and value eq "x"]`.
      const subStart = this.pos + 1;
      const sub = this.subAttrName();
      const subPath: AttrPath = { uri: undefined, attr: sub, subAttr: undefined };
      const inner = this.attrExpr(subPath, true);
      if (inner.kind !== 'compare' && inner.kind !== 'present') this.fail('a comparison after the sub-attribute', subStart);
      return { kind: 'valuePath', path, filter: { kind: 'and', left: filter, right: inner } };
    }
    this.skipWhitespace();
    const opStart = this.pos;
    const op = this.readWord().toLowerCase();
    if (op === 'pr') return { kind: 'present', path };
    if (!COMPARE_OPS.has(op)) this.fail("a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le) or 'pr'", opStart);
    const literal = this.compValue();
    return { kind: 'compare', path, op: op as CompareOp, value: literal.value, text: literal.text };
  }

  /**
   * compValue: a JSON string, true, false, null or a number; and, for Entra,
   * any unquoted word up to whitespace, `)` or `]` (a bare word that is not a
   * JSON literal reads as a string; `text` keeps the lexeme as written).
   * The keywords true/false/null are matched case-insensitively, as ABNF
   * literals are (RFC 5234 §2.3).
   */
  private compValue(): { value: FilterValue; text: string } {
    this.skipWhitespace();
    const start = this.pos;
    const first = this.peek();
    if (first === '"') {
      const decoded = this.quotedString();
      return { value: decoded, text: decoded };
    }
    if (first === undefined || first === '(' || first === '[' || BARE_VALUE_END.has(first)) {
      this.fail('a value (a quoted string, a number, true, false or null)', start);
    }
    while (this.pos < this.text.length) {
      const c = this.text[this.pos] ?? '';
      if (WHITESPACE.test(c) || BARE_VALUE_END.has(c)) break;
      this.pos += 1;
    }
    const lexeme = this.text.slice(start, this.pos);
    const lower = lexeme.toLowerCase();
    if (lower === 'true') return { value: true, text: lexeme };
    if (lower === 'false') return { value: false, text: lexeme };
    if (lower === 'null') return { value: null, text: lexeme };
    if (JSON_NUMBER.test(lexeme)) {
      const number = Number(lexeme);
      if (Number.isFinite(number)) return { value: number, text: lexeme };
    }
    return { value: lexeme, text: lexeme };
  }

  /** A JSON string (RFC 8259 §7) starting at the current `"`; returns the decoded text. */
  private quotedString(): string {
    const open = this.pos;
    this.pos += 1;
    let decoded = '';
    let chunk = this.pos;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail(`'"' to close the string opened at position ${open}`);
      if (c === '"') {
        decoded += this.text.slice(chunk, this.pos);
        this.pos += 1;
        // `\ud800` escapes decode to a lone surrogate: no string SQLite can store and others read back.
        if (!isWellFormed(decoded)) {
          throw new ScimError(400, 'invalidValue', `${this.label()}: the string at position ${open} is not valid Unicode (${describeLoneSurrogate(decoded)}: half of a surrogate pair)`);
        }
        return decoded;
      }
      if (c !== '\\') {
        this.pos += 1;
        continue;
      }
      decoded += this.text.slice(chunk, this.pos);
      const escape = this.text[this.pos + 1] ?? '';
      const simple = SIMPLE_ESCAPES[escape];
      if (simple !== undefined) {
        decoded += simple;
        this.pos += 2;
      } else if (escape === 'u' && /^[0-9A-Fa-f]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) {
        decoded += String.fromCharCode(Number.parseInt(this.text.slice(this.pos + 2, this.pos + 6), 16));
        this.pos += 6;
      } else {
        this.fail('an escape sequence (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)');
      }
      chunk = this.pos;
    }
  }

  /**
   * Splits a path as written: the URI is everything up to the last ':' (RFC 7644
   * §3.10), so `urn:…:2.0:User:manager.value` gives uri `urn:…:2.0:User`,
   * attr `manager`, subAttr `value`. Inside `[...]` only a bare name is allowed.
   */
  private toAttrPath(word: string, start: number, bareName: boolean): AttrPath {
    const colon = word.lastIndexOf(':');
    if (bareName && colon >= 0) this.fail('a sub-attribute name without a schema URN', start);
    const uri = colon >= 0 ? word.slice(0, colon) : undefined;
    if (uri === '') this.fail("a schema URN before ':'", start);
    const rest = word.slice(colon + 1);
    const restStart = start + colon + 1;
    const dot = rest.indexOf('.');
    if (bareName && dot >= 0) this.fail("a sub-attribute name without '.'", start);
    const attr = dot >= 0 ? rest.slice(0, dot) : rest;
    if (!ATTR_NAME.test(attr)) this.fail('an attribute name', restStart);
    const subAttr = dot >= 0 ? rest.slice(dot + 1) : undefined;
    if (subAttr !== undefined && !ATTR_NAME.test(subAttr)) this.fail('a sub-attribute name', restStart + dot + 1);
    return { uri, attr, subAttr };
  }
}

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2) into the expression tree, once, for
 * list queries and PATCH alike. Accepts what Entra really sends: case-insensitive
 * operators and keywords, and unquoted values (`userName eq john@contoso.com`,
 * `externalId eq 1234`) that run to the next whitespace, `)` or `]`.
 * Any malformed input throws ScimError 400 `invalidFilter`, never anything else.
 */
export function parseFilter(text: string): Filter {
  return new FilterParser(text, 'invalidFilter').parseWhole();
}
