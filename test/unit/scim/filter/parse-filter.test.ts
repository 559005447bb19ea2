import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttrPath, CompareOp, Filter, FilterValue } from '../../../../main/scim/filter/filter-ast';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, MAX_FILTER_TERMS, parseFilter } from '../../../../main/scim/filter/parse-filter';
import { isScimError } from '../../../../main/scim/scim-error';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

function path(name: string, subAttr?: string, uri?: string): AttrPath {
  return { uri, attr: name, subAttr };
}

/** A compare node; `text` defaults to the string value, or the JSON spelling of a typed one. */
function cmp(p: AttrPath | string, op: CompareOp, value: FilterValue, text?: string): Filter {
  return {
    kind: 'compare',
    path: typeof p === 'string' ? path(p) : p,
    op,
    value,
    text: text ?? (typeof value === 'string' ? value : String(value)),
  };
}
const pr = (p: AttrPath | string): Filter => ({ kind: 'present', path: typeof p === 'string' ? path(p) : p });
const and = (left: Filter, right: Filter): Filter => ({ kind: 'and', left, right });
const or = (left: Filter, right: Filter): Filter => ({ kind: 'or', left, right });
const not = (filter: Filter): Filter => ({ kind: 'not', filter });
const vp = (p: AttrPath | string, filter: Filter): Filter => ({ kind: 'valuePath', path: typeof p === 'string' ? path(p) : p, filter });

/** Valid filters and their trees. */
const VALID: ReadonlyArray<readonly [string, Filter]> = [
  // Every operator (RFC 7644 §3.4.2.2 table 3).
  ['userName eq "bjensen"', cmp('userName', 'eq', 'bjensen')],
  // Entra matching on a typed element: a sub-attribute comparison after the value filter.
  [
    'emails[type eq "work"].value eq "adele@contoso.com"',
    vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'adele@contoso.com'))),
  ],
  ['title ne "CEO"', cmp('title', 'ne', 'CEO')],
  ['name.familyName co "O\'Malley"', cmp(path('name', 'familyName'), 'co', "O'Malley")],
  ['userName sw "J"', cmp('userName', 'sw', 'J')],
  ['userName ew "son"', cmp('userName', 'ew', 'son')],
  ['meta.lastModified gt "2011-05-13T04:42:34Z"', cmp(path('meta', 'lastModified'), 'gt', '2011-05-13T04:42:34Z')],
  ['meta.lastModified ge "2011-05-13T04:42:34Z"', cmp(path('meta', 'lastModified'), 'ge', '2011-05-13T04:42:34Z')],
  ['meta.lastModified lt "2011-05-13T04:42:34Z"', cmp(path('meta', 'lastModified'), 'lt', '2011-05-13T04:42:34Z')],
  ['meta.lastModified le "2011-05-13T04:42:34Z"', cmp(path('meta', 'lastModified'), 'le', '2011-05-13T04:42:34Z')],
  ['title pr', pr('title')],
  // Operators and keywords are case-insensitive.
  ['userName EQ "x"', cmp('userName', 'eq', 'x')],
  ['title Pr', pr('title')],
  ['a pr AND b pr', and(pr('a'), pr('b'))],
  ['a pr Or b pr', or(pr('a'), pr('b'))],
  ['NOT (a pr)', not(pr('a'))],
  // Precedence: not > and > or; and/or are left-associative.
  ['a eq 1 or b eq 2 and c eq 3', or(cmp('a', 'eq', 1), and(cmp('b', 'eq', 2), cmp('c', 'eq', 3)))],
  ['a eq 1 and b eq 2 or c eq 3', or(and(cmp('a', 'eq', 1), cmp('b', 'eq', 2)), cmp('c', 'eq', 3))],
  ['a pr and b pr and c pr', and(and(pr('a'), pr('b')), pr('c'))],
  ['a pr or b pr or c pr', or(or(pr('a'), pr('b')), pr('c'))],
  ['not (x pr)', not(pr('x'))],
  ['not(x pr) and y pr', and(not(pr('x')), pr('y'))],
  ['not (a pr or b pr) and c pr', and(not(or(pr('a'), pr('b'))), pr('c'))],
  ['(a pr or b pr) and c pr', and(or(pr('a'), pr('b')), pr('c'))],
  ['((a pr))', pr('a')],
  ['(a pr and (b pr or (c pr)))', and(pr('a'), or(pr('b'), pr('c')))],
  ['not (not (a pr))', not(not(pr('a')))],
  [
    'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    and(cmp('userType', 'eq', 'Employee'), or(cmp('emails', 'co', 'example.com'), cmp(path('emails', 'value'), 'co', 'example.org'))),
  ],
  // Value paths: inner paths are bare sub-attribute names.
  [
    'emails[type eq "work" and value co "@example.com"]',
    vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
  ],
  [
    'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
    and(cmp('userType', 'eq', 'Employee'), vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com')))),
  ],
  [
    'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    or(
      vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
      vp('ims', and(cmp('type', 'eq', 'xmpp'), cmp('value', 'co', '@foo.com'))),
    ),
  ],
  ['emails[not (type eq "work")]', vp('emails', not(cmp('type', 'eq', 'work')))],
  [
    'emails[(type eq "work" or type eq "home") and primary eq true]',
    vp('emails', and(or(cmp('type', 'eq', 'work'), cmp('type', 'eq', 'home')), cmp('primary', 'eq', true))),
  ],
  ['groups[$ref pr]', vp('groups', pr('$ref'))],
  ['members.$ref pr', pr(path('members', '$ref'))],
  [`${ENTERPRISE}:manager[value eq "x"]`, vp(path('manager', undefined, ENTERPRISE), cmp('value', 'eq', 'x'))],
  // Schema-qualified names: the URN runs to the last ':'.
  [`${ENTERPRISE}:employeeNumber eq "701984"`, cmp(path('employeeNumber', undefined, ENTERPRISE), 'eq', '701984')],
  [
    `${ENTERPRISE}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`,
    cmp(path('manager', 'value', ENTERPRISE), 'eq', '26118915-6090-4610-87e4-49d8ca9f808d'),
  ],
  [`${CORE_USER}:userName sw "J"`, cmp(path('userName', undefined, CORE_USER), 'sw', 'J')],
  [`${CORE_USER}:name.givenName pr`, pr(path('name', 'givenName', CORE_USER))],
  // Names with '-', '_' and digits.
  ['x-custom_attr2 eq "v"', cmp('x-custom_attr2', 'eq', 'v')],
  // Entra's probes (DESIGN.md "Entra reality").
  ['userName eq "test@contoso.com"', cmp('userName', 'eq', 'test@contoso.com')],
  ['externalId eq "0a5d8e2f-4c6b-4f0e-9a47-2f4b1c3d5e6f"', cmp('externalId', 'eq', '0a5d8e2f-4c6b-4f0e-9a47-2f4b1c3d5e6f')],
  ['displayName eq "Group One"', cmp('displayName', 'eq', 'Group One')],
  ['userName eq "John Doe"', cmp('userName', 'eq', 'John Doe')],
  [
    'userName eq "a@contoso.com" and externalId eq "b"',
    and(cmp('userName', 'eq', 'a@contoso.com'), cmp('externalId', 'eq', 'b')),
  ],
  // Entra's unquoted values: a bare word is a string unless it is a JSON literal; text keeps the lexeme.
  ['userName eq john.doe@contoso.com', cmp('userName', 'eq', 'john.doe@contoso.com')],
  ['externalId eq 1234', cmp('externalId', 'eq', 1234, '1234')],
  ['userName eq 007', cmp('userName', 'eq', '007')],
  ['externalId eq 0a5d8e2f-4c6b-4f0e-9a47-2f4b1c3d5e6f', cmp('externalId', 'eq', '0a5d8e2f-4c6b-4f0e-9a47-2f4b1c3d5e6f')],
  ['active eq true', cmp('active', 'eq', true)],
  ['active eq False', cmp('active', 'eq', false, 'False')],
  ['title eq null', cmp('title', 'eq', null)],
  ['title eq NULL', cmp('title', 'eq', null, 'NULL')],
  ['x eq -1.5e3', cmp('x', 'eq', -1500, '-1.5e3')],
  ['x eq 0', cmp('x', 'eq', 0, '0')],
  ['x eq 1.0', cmp('x', 'eq', 1, '1.0')],
  ['x eq 1e999', cmp('x', 'eq', '1e999')],
  ['x eq "1234"', cmp('x', 'eq', '1234')],
  ['x eq "true"', cmp('x', 'eq', 'true')],
  ['x eq "null"', cmp('x', 'eq', 'null')],
  ['(userName eq john)', cmp('userName', 'eq', 'john')],
  ['emails[value eq a@b.example]', vp('emails', cmp('value', 'eq', 'a@b.example'))],
  ['userName eq a"b', cmp('userName', 'eq', 'a"b')],
  // JSON string escapes.
  ['displayName eq "a\\"b\\\\c\\/d\\u00e9\\n\\t\\b\\f\\r"', cmp('displayName', 'eq', 'a"b\\c/d\u00e9\n\t\b\f\r')],
  ['displayName eq "\\uD83D\\uDE00"', cmp('displayName', 'eq', '\u{1F600}')],
  ['displayName eq ""', cmp('displayName', 'eq', '')],
  ['displayName eq "a ] ) ( [ and or"', cmp('displayName', 'eq', 'a ] ) ( [ and or')],
  // Whitespace is free around tokens.
  ['  userName   eq\t"x"  ', cmp('userName', 'eq', 'x')],
  ['userName eq"x"', cmp('userName', 'eq', 'x')],
  ['( a pr )and( b pr )', and(pr('a'), pr('b'))],
];

/** Malformed filters: each must be ScimError 400 invalidFilter. */
const INVALID: ReadonlyArray<string> = [
  '',
  '   ',
  'userName',
  'userName eq',
  'userName eq ',
  'userName xx "a"',
  'userName = "a"',
  'userName eq "abc',
  'userName eq "a\\q"',
  'userName eq "\\u12"',
  'userName eq "\\u12g4"',
  'userName eq "x\\',
  '(userName pr',
  'userName pr)',
  '((a pr)',
  '()',
  'not userName pr',
  'not',
  'not (',
  'userName pr and',
  'userName pr or',
  'and userName pr',
  'a pr or or b pr',
  'a pr and and b pr',
  'userName eq "x" userName eq "y"',
  'userName eq John Doe',
  'displayName eq Group One',
  'userName eq (x)',
  'userName eq [x]',
  'userName eq )',
  'emails[type eq "work"',
  'emails[type eq "work"]]',
  'emails[type eq "work"].value',
  'emails[type eq "work"].value[type pr]',
  'emails[type eq "work"] pr',
  'emails[]',
  'emails[type[value eq "x"] pr]',
  'emails[urn:x:type eq "a"]',
  'emails[name.givenName eq "a"]',
  'emails.value[type eq "w"]',
  'emails [type eq "w"]',
  '[a eq 1]',
  ']',
  ')',
  '"userName" eq "x"',
  'userName eq "x"]',
  'name.givenName.x eq "a"',
  'name. eq "a"',
  '.name eq "a"',
  '1abc eq "x"',
  ':abc eq "x"',
  'urn:x: eq 1',
  'user name eq "x"',
  'userName pr pr',
  'userName eq "x" and not',
  'userName eq "x" and not userName pr',
];

function assertInvalidFilter(text: string): void {
  assert.throws(
    () => parseFilter(text),
    (error: unknown) => isScimError(error) && error.status === 400 && error.scimType === 'invalidFilter',
    `expected invalidFilter for ${JSON.stringify(text)}`,
  );
}

function errorOf(text: string): string {
  try {
    parseFilter(text);
  } catch (error) {
    if (isScimError(error)) return error.detail;
    throw error;
  }
  throw new Error(`no error for ${text}`);
}

describe('parseFilter', () => {
  describe('valid filters', () => {
    for (const [text, expected] of VALID) {
      it(`parses ${text}`, () => {
        assert.deepStrictEqual(parseFilter(text), expected);
      });
    }
  });

  describe('invalid filters', () => {
    for (const text of INVALID) {
      it(`rejects ${JSON.stringify(text)} with 400 invalidFilter`, () => {
        assertInvalidFilter(text);
      });
    }
  });

  it('names what was expected and the position in the error detail', () => {
    assert.match(errorOf('userName xx "a"'), /expected a comparison operator .* at position 9, found "xx"/);
    assert.match(errorOf('userName eq "abc'), /expected '"' to close the string opened at position 12 at position 16, found the end of the input/);
    assert.match(errorOf('(a pr'), /expected 'and', 'or' or '\)' at position 5/);
    assert.match(errorOf('a pr b'), /expected 'and', 'or' or the end of the filter at position 5, found "b"/);
    assert.match(errorOf('not a pr'), /expected '\(' after 'not' at position 4/);
    assert.match(errorOf('emails[type[x eq 1]]'), /value filters cannot be nested/);
  });

  it(`rejects nesting deeper than ${MAX_FILTER_DEPTH} levels without overflowing the stack`, () => {
    const deep = (n: number) => `${'('.repeat(n)}a pr${')'.repeat(n)}`;
    assert.deepStrictEqual(parseFilter(deep(MAX_FILTER_DEPTH)), pr('a'));
    assertInvalidFilter(deep(MAX_FILTER_DEPTH + 1));
    assertInvalidFilter(`${'not ('.repeat(2000)}a pr${')'.repeat(2000)}`);
    assertInvalidFilter('('.repeat(MAX_FILTER_LENGTH));
  });

  it(`rejects filters longer than ${MAX_FILTER_LENGTH} characters`, () => {
    const long = `userName eq "${'x'.repeat(MAX_FILTER_LENGTH)}"`;
    assertInvalidFilter(long);
  });

  it(`rejects more than ${MAX_FILTER_TERMS} comparisons, however short`, () => {
    const chain = (n: number) => Array.from({ length: n }, (_, i) => `a${i} pr`).join(' and ');
    assert.equal(parseFilter(chain(MAX_FILTER_TERMS)).kind, 'and');
    assert.ok(chain(800).length <= MAX_FILTER_LENGTH, 'within the length limit');
    assert.match(errorOf(chain(800)), new RegExp(`more than ${MAX_FILTER_TERMS} comparisons`));
    assert.match(errorOf(`emails[${chain(MAX_FILTER_TERMS)}]`), /more than/, 'a value path counts too');
  });

  it('rejects a non-string input with invalidFilter', () => {
    assertInvalidFilter(undefined as unknown as string);
    assertInvalidFilter(42 as unknown as string);
  });
});

/** mulberry32: a small deterministic PRNG so fuzz failures reproduce. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FUZZ_PIECES = [
  'userName', 'emails', 'name.givenName', `${ENTERPRISE}:manager.value`, 'value', 'type', '$ref', 'a', 'urn:', ':', '.',
  ' ', ' ', ' ', '\t', 'eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'and', 'or', 'not', 'EQ', 'Not',
  '(', ')', '[', ']', '"', '"x"', '"a\\"b"', '\\', '\\u', '\\u00e9', '1', '007', '-1.5e3', 'true', 'False', 'null',
  'john@contoso.com', '\u00e9', '\u{1F600}', '\0', '\n',
] as const;

function pick<T>(random: () => number, items: ReadonlyArray<T>): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** Random inputs: token soup, raw characters, and mutations of valid filters. */
function fuzzInputs(seed: number, count: number, validTexts: ReadonlyArray<string>): string[] {
  const random = createRandom(seed);
  const inputs: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const mode = i % 3;
    if (mode === 0) {
      const n = Math.floor(random() * 12);
      inputs.push(Array.from({ length: n }, () => pick(random, FUZZ_PIECES)).join(''));
    } else if (mode === 1) {
      const n = Math.floor(random() * 30);
      inputs.push(Array.from({ length: n }, () => String.fromCharCode(Math.floor(random() * 128))).join(''));
    } else {
      let text = pick(random, validTexts);
      const edits = 1 + Math.floor(random() * 3);
      for (let e = 0; e < edits; e += 1) {
        const at = Math.floor(random() * (text.length + 1));
        const kind = Math.floor(random() * 3);
        if (kind === 0) text = text.slice(0, at) + text.slice(at + 1);
        else if (kind === 1) text = text.slice(0, at) + pick(random, FUZZ_PIECES) + text.slice(at);
        else text = text.slice(0, at) + text.slice(at, at + 5) + text.slice(at);
      }
      inputs.push(text);
    }
  }
  return inputs;
}

describe('parseFilter fuzz', () => {
  it('returns a Filter or throws 400 invalidFilter for 4000 random inputs', () => {
    let parsed = 0;
    for (const text of fuzzInputs(0x5c1d, 4000, VALID.map(([text]) => text))) {
      try {
        const filter = parseFilter(text);
        assert.ok(['compare', 'present', 'and', 'or', 'not', 'valuePath'].includes(filter.kind), JSON.stringify(text));
        parsed += 1;
      } catch (error) {
        assert.ok(
          isScimError(error) && error.status === 400 && error.scimType === 'invalidFilter',
          `unexpected ${String(error)} for ${JSON.stringify(text)}`,
        );
      }
    }
    assert.ok(parsed > 100, `the fuzz should also produce valid filters (got ${parsed})`);
  });
});
