import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FilterNode, PatchPath } from '../../../../main/scim/filter/filter-ast';
import { parseFilter } from '../../../../main/scim/filter/parse-filter';
import { parsePatchPath } from '../../../../main/scim/filter/parse-path';
import { resolveFilter, resolvePatchPath, toInstant } from '../../../../main/scim/filter/resolve-filter';
import { defineAttribute } from '../../../../main/scim/schema/core-schemas';
import { buildResourceSchemas, type ResolvedAttr } from '../../../../main/scim/schema/resource-schema';
import { isScimError } from '../../../../main/scim/scim-error';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const TEST_EXT = 'urn:ietf:params:scim:schemas:extension:scimdesk-test:2.0:User';

const schemas = buildResourceSchemas([
  {
    resourceType: 'User',
    schema: {
      id: TEST_EXT,
      name: 'TestUser',
      description: 'Attributes of every type, for the resolver tests.',
      attributes: [
        defineAttribute('level', 'integer'),
        defineAttribute('score', 'decimal'),
        defineAttribute('hiredAt', 'dateTime'),
        defineAttribute('badge', 'binary'),
        defineAttribute('tags', 'string', { multiValued: true }),
      ],
    },
  },
]);
const users = schemas.User;
const groups = schemas.Group;

/** A resolved tree as one readable line: canonical keys, coerced values as JSON. */
function show(node: FilterNode<ResolvedAttr>): string {
  switch (node.kind) {
    case 'compare':
      return `${node.path.key} ${node.op} ${JSON.stringify(node.value)}`;
    case 'present':
      return `${node.path.key} pr`;
    case 'and':
    case 'or':
      return `(${show(node.left)} ${node.kind} ${show(node.right)})`;
    case 'not':
      return `not ${show(node.filter)}`;
    case 'valuePath':
      return `${node.path.key}[${show(node.filter)}]`;
  }
}

function showPath(path: PatchPath<ResolvedAttr>): string {
  const filter = path.filter ? `[${show(path.filter)}]` : '';
  return `${path.path.key}${filter}${path.filterSubAttr === undefined ? '' : `.${path.filterSubAttr}`}`;
}

/** User filters and their resolved, coerced form. */
const VALID_USER: ReadonlyArray<readonly [string, string]> = [
  // Canonical names, case-insensitive lookup.
  ['USERNAME eq "bjensen"', 'userName eq "bjensen"'],
  ['Name.GivenName sw "Bar"', 'name.givenName sw "Bar"'],
  ['id eq "abc"', 'id eq "abc"'],
  [`${ENTERPRISE}:manager.value eq "26118915"`, `${ENTERPRISE}:manager.value eq "26118915"`],
  [`${ENTERPRISE.toUpperCase()}:EmployeeNumber eq "701984"`, `${ENTERPRISE}:employeeNumber eq "701984"`],
  ['employeeNumber eq "701984"', `${ENTERPRISE}:employeeNumber eq "701984"`],
  ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"', 'userName eq "x"'],
  // String attributes compare against the literal's text.
  ['userName eq 007', 'userName eq "007"'],
  ['userName eq true', 'userName eq "true"'],
  ['externalId eq 1234', 'externalId eq "1234"'],
  ['userName eq 1.0', 'userName eq "1.0"'],
  ['userName co 5', 'userName co "5"'],
  ['userName eq john.doe@contoso.com', 'userName eq "john.doe@contoso.com"'],
  ['userName gt "m"', 'userName gt "m"'],
  ['title eq null', 'title eq null'],
  ['title ne null', 'title ne null'],
  ['title eq "null"', 'title eq "null"'],
  ['photos.value sw "https://"', 'photos.value sw "https://"'],
  ['badge eq "AAEC"', `${TEST_EXT}:badge eq "AAEC"`],
  ['badge co "AE"', `${TEST_EXT}:badge co "AE"`],
  // Booleans: any case, quoted or not (Entra sends "False").
  ['active eq true', 'active eq true'],
  ['active eq "False"', 'active eq false'],
  ['active eq False', 'active eq false'],
  ['active ne "TRUE"', 'active ne true'],
  ['active eq null', 'active eq null'],
  ['emails[primary eq "true"]', 'emails[emails.primary eq true]'],
  // Integer and decimal: numbers and numeric strings.
  ['level eq 42', `${TEST_EXT}:level eq 42`],
  ['level eq "42"', `${TEST_EXT}:level eq 42`],
  ['level gt -3', `${TEST_EXT}:level gt -3`],
  ['level eq 1.0', `${TEST_EXT}:level eq 1`],
  ['score le "4.5"', `${TEST_EXT}:score le 4.5`],
  ['score eq 1e3', `${TEST_EXT}:score eq 1000`],
  // dateTime: an xsd:dateTime, normalised to ISO 8601 UTC.
  ['meta.lastModified gt "2011-05-13T04:42:34Z"', 'meta.lastModified gt "2011-05-13T04:42:34.000Z"'],
  ['meta.created ge "2011-05-13T04:42:34.5+02:00"', 'meta.created ge "2011-05-13T02:42:34.500Z"'],
  ['meta.created lt 2011-05-13T04:42:34', 'meta.created lt "2011-05-13T04:42:34.000Z"'],
  ['hiredAt eq "2024-02-29T00:00:00.1234567Z"', `${TEST_EXT}:hiredAt eq "2024-02-29T00:00:00.123Z"`],
  // A multi-valued complex attribute without a sub-attribute means its value (RFC 7644 §3.4.2.2).
  ['emails eq "bjensen@example.com"', 'emails.value eq "bjensen@example.com"'],
  ['emails co "example.com"', 'emails.value co "example.com"'],
  ['emails pr', 'emails pr'],
  ['name pr', 'name pr'],
  [`${ENTERPRISE}:manager pr`, `${ENTERPRISE}:manager pr`],
  ['tags eq "a"', `${TEST_EXT}:tags eq "a"`],
  // Value paths: inner paths are sub-attributes of the outer attribute.
  ['emails[type eq "work" and value co "@example.com"]', 'emails[(emails.type eq "work" and emails.value co "@example.com")]'],
  ['Emails[Type eq "work"]', 'emails[emails.type eq "work"]'],
  ['groups[$REF pr]', 'groups[groups.$ref pr]'],
  ['addresses[not (country eq "US")]', 'addresses[not addresses.country eq "US"]'],
  // Structure is kept.
  ['title eq 1 or nickName eq 2 and locale eq 3', '(title eq "1" or (nickName eq "2" and locale eq "3"))'],
  ['not (userName pr) and active eq true', '(not userName pr and active eq true)'],
];

/** User filters that must be rejected with 400 invalidFilter, and a fragment the detail must contain. */
const INVALID_USER: ReadonlyArray<readonly [string, string]> = [
  ['foo eq 1', '"foo"'],
  ['name.foo eq "x"', '"name.foo"'],
  ['userName.foo eq "x"', 'no sub-attribute "foo"'],
  ['urn:unknown:foo eq 1', '"urn:unknown:foo"'],
  [`${ENTERPRISE}:userName eq "x"`, 'userName'],
  ['members pr', '"members"'],
  ['emails[foo eq "x"]', '"emails.foo"'],
  ['name[givenName eq "x"]', 'not a multi-valued complex attribute'],
  [`${ENTERPRISE}:manager[value eq "x"]`, 'not a multi-valued complex attribute'],
  ['userName[value eq "x"]', 'not a multi-valued complex attribute'],
  ['tags[value eq "x"]', 'not a multi-valued complex attribute'],
  ['name eq "Barbara"', 'complex attribute'],
  [`${ENTERPRISE}:manager eq "x"`, 'complex attribute'],
  ['userName gt null', 'null'],
  ['title co null', 'null'],
  ['active eq "yes"', 'boolean'],
  ['active eq 1', 'boolean'],
  ['active gt true', 'gt'],
  ['active co "t"', 'co'],
  ['emails.primary lt false', 'lt'],
  ['x509Certificates.value gt "a"', 'gt'],
  ['badge le "a"', 'le'],
  ['level eq "abc"', 'integer'],
  ['level eq 4.5', 'integer'],
  ['level eq true', 'integer'],
  ['level co 4', 'co'],
  ['score eq "4.5.1"', 'decimal'],
  ['score sw 4', 'sw'],
  ['meta.created eq "yesterday"', 'dateTime'],
  ['meta.created eq "2011-02-30T00:00:00Z"', 'dateTime'],
  ['meta.created eq "2011-05-13"', 'dateTime'],
  ['meta.created eq "2011-05-13T25:00:00Z"', 'dateTime'],
  ['meta.created eq 2011', 'dateTime'],
  ['meta.created sw "2011"', 'sw'],
  ['meta.created gt true', 'dateTime'],
];

function resolveText(text: string, schema = users): string {
  return show(resolveFilter(parseFilter(text), schema));
}

function scimErrorOf(run: () => unknown): { scimType: string | undefined; detail: string; status: number } {
  try {
    run();
  } catch (error) {
    if (isScimError(error)) return { scimType: error.scimType, detail: error.detail, status: error.status };
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('resolveFilter', () => {
  describe('on User resources', () => {
    for (const [text, expected] of VALID_USER) {
      it(`resolves ${text}`, () => {
        assert.equal(resolveText(text), expected);
      });
    }
  });

  describe('rejections', () => {
    for (const [text, fragment] of INVALID_USER) {
      it(`rejects ${text} with 400 invalidFilter naming ${fragment}`, () => {
        const error = scimErrorOf(() => resolveText(text));
        assert.equal(error.status, 400);
        assert.equal(error.scimType, 'invalidFilter');
        assert.ok(error.detail.includes(fragment), `"${error.detail}" should contain ${fragment}`);
      });
    }
  });

  it('resolves Entra group probes and member filters on Group resources', () => {
    assert.equal(resolveText('displayName eq "Group One"', groups), 'displayName eq "Group One"');
    assert.equal(resolveText('externalId eq "0a5d8e2f"', groups), 'externalId eq "0a5d8e2f"');
    assert.equal(resolveText('members[value eq "2819c223"]', groups), 'members[members.value eq "2819c223"]');
    assert.equal(resolveText('members eq 2819c223', groups), 'members.value eq "2819c223"');
  });

  it('rejects User attributes on Group resources', () => {
    const error = scimErrorOf(() => resolveText('userName eq "x"', groups));
    assert.equal(error.scimType, 'invalidFilter');
    assert.match(error.detail, /Unknown attribute "userName" for Group resources/);
  });

  it('keeps the literal text and the resolved definitions', () => {
    const node = resolveFilter(parseFilter('externalId eq 007'), users);
    assert.equal(node.kind, 'compare');
    if (node.kind !== 'compare') return;
    assert.equal(node.text, '007');
    assert.equal(node.path.attribute.name, 'externalId');
    assert.equal(node.path.isCommon, true);
    const manager = resolveFilter(parseFilter(`${ENTERPRISE}:manager.value pr`), users);
    assert.equal(manager.kind, 'present');
    if (manager.kind !== 'present') return;
    assert.equal(manager.path.isExtension, true);
    assert.equal(manager.path.schema, ENTERPRISE);
    assert.equal(manager.path.sub?.name, 'value');
  });
});

describe('resolvePatchPath', () => {
  const VALID_PATHS: ReadonlyArray<readonly [string, string]> = [
    ['name.givenName', 'name.givenName'],
    ['emails', 'emails'],
    ['emails[type eq "work"].value', 'emails[emails.type eq "work"].value'],
    ['Emails[Type eq "work"].Value', 'emails[emails.type eq "work"].value'],
    ['addresses[type eq "work"].streetAddress', 'addresses[addresses.type eq "work"].streetAddress'],
    ['emails[primary eq "True"]', 'emails[emails.primary eq true]'],
    [`${ENTERPRISE}:manager`, `${ENTERPRISE}:manager`],
    [`${ENTERPRISE}:employeeNumber`, `${ENTERPRISE}:employeeNumber`],
    ['active', 'active'],
  ];
  for (const [text, expected] of VALID_PATHS) {
    it(`resolves ${text}`, () => {
      assert.equal(showPath(resolvePatchPath(parsePatchPath(text), users)), expected);
    });
  }

  it('resolves a member filter on a Group', () => {
    assert.equal(showPath(resolvePatchPath(parsePatchPath('members[value eq "2819c223"]'), groups)), 'members[members.value eq "2819c223"]');
  });

  const INVALID_PATHS: ReadonlyArray<readonly [string, string]> = [
    ['foo', '"foo"'],
    ['name.foo', '"name.foo"'],
    ['userName.foo', 'no sub-attribute "foo"'],
    ['emails[foo eq "x"]', '"emails.foo"'],
    ['emails[type eq "work"].foo', '"emails.foo"'],
    ['name[givenName eq "x"]', 'not a multi-valued complex attribute'],
    ['userName[value eq "x"]', 'not a multi-valued complex attribute'],
    ['emails[primary eq "maybe"]', 'boolean'],
    ['emails[value gt null]', 'null'],
    [ENTERPRISE, 'whole extension schema'],
  ];
  for (const [text, fragment] of INVALID_PATHS) {
    it(`rejects ${text} with 400 invalidPath naming ${fragment}`, () => {
      const error = scimErrorOf(() => resolvePatchPath(parsePatchPath(text), users));
      assert.equal(error.status, 400);
      assert.equal(error.scimType, 'invalidPath');
      assert.ok(error.detail.includes(fragment), `"${error.detail}" should contain ${fragment}`);
    });
  }
});

describe('toInstant', () => {
  it('reads xsd:dateTime values as epoch milliseconds', () => {
    assert.equal(toInstant('2011-05-13T04:42:34Z'), Date.UTC(2011, 4, 13, 4, 42, 34));
    assert.equal(toInstant('2011-05-13T06:42:34+02:00'), Date.UTC(2011, 4, 13, 4, 42, 34));
    assert.equal(toInstant('2011-05-13T04:42:34'), Date.UTC(2011, 4, 13, 4, 42, 34));
    assert.equal(toInstant('2024-02-29T00:00:00.9999Z'), Date.UTC(2024, 1, 29, 0, 0, 0, 999));
  });

  it('rejects what is not an xsd:dateTime', () => {
    for (const text of ['', '2011-05-13', '2023-02-29T00:00:00Z', '2011-13-01T00:00:00Z', '2011-05-13T04:60:00Z', '2011-05-13 04:42:34Z', 'x']) {
      assert.equal(toInstant(text), undefined, text);
    }
  });
});

describe('resolveFilter fuzz', () => {
  it('only ever yields a tree or 400 invalidFilter for parsed random filters', () => {
    const random = createRandom(0x7e57);
    const names = ['userName', 'active', 'emails', 'emails.value', 'emails.primary', 'name', 'name.givenName', 'meta.created',
      'level', 'score', 'badge', 'tags', 'foo', `${ENTERPRISE}:manager`, `${ENTERPRISE}:manager.value`, 'x509Certificates'];
    const ops = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr'];
    const values = ['"x"', '1', '1.5', 'true', '"False"', 'null', '"2011-05-13T04:42:34Z"', 'abc', '007', '""'];
    const term = (): string => {
      const name = names[Math.floor(random() * names.length)] ?? 'userName';
      const op = ops[Math.floor(random() * ops.length)] ?? 'eq';
      const value = values[Math.floor(random() * values.length)] ?? '"x"';
      const r = random();
      if (r < 0.1) return `emails[type ${op === 'pr' ? 'pr' : `${op} ${value}`}]`;
      if (r < 0.15) return `not (${name} pr)`;
      return op === 'pr' ? `${name} pr` : `${name} ${op} ${value}`;
    };
    let resolved = 0;
    for (let i = 0; i < 2000; i += 1) {
      const text = random() < 0.5 ? term() : `${term()} ${random() < 0.5 ? 'and' : 'or'} ${term()}`;
      try {
        resolveFilter(parseFilter(text), users);
        resolved += 1;
      } catch (error) {
        assert.ok(
          isScimError(error) && error.status === 400 && error.scimType === 'invalidFilter',
          `unexpected ${String(error)} for ${text}`,
        );
      }
    }
    assert.ok(resolved > 100, `the fuzz should also resolve filters (got ${resolved})`);
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
