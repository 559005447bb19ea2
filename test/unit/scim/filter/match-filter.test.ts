import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FilterNode } from '../../../../main/scim/filter/filter-ast';
import { matchesElement, matchesResource } from '../../../../main/scim/filter/match-filter';
import { parseFilter } from '../../../../main/scim/filter/parse-filter';
import { parsePatchPath } from '../../../../main/scim/filter/parse-path';
import { resolveFilter, resolvePatchPath } from '../../../../main/scim/filter/resolve-filter';
import { defineAttribute } from '../../../../main/scim/schema/core-schemas';
import { buildResourceSchemas, type ResolvedAttr, type ResourceSchema } from '../../../../main/scim/schema/resource-schema';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const TEST_EXT = 'urn:ietf:params:scim:schemas:extension:scimdesk-test:2.0:User';

const schemas = buildResourceSchemas([
  {
    resourceType: 'User',
    schema: {
      id: TEST_EXT,
      name: 'TestUser',
      description: 'Attributes of every type, for the matcher tests.',
      attributes: [
        defineAttribute('level', 'integer'),
        defineAttribute('score', 'decimal'),
        defineAttribute('hiredAt', 'dateTime'),
        defineAttribute('tags', 'string', { multiValued: true }),
      ],
    },
  },
]);
const users = schemas.User;
const groups = schemas.Group;

/** A stored user as Entra provisions it: booleans as strings, empty values, extension data under URN keys. */
const bjensen: Record<string, unknown> = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'bjensen-ext',
  userName: 'bjensen@example.com',
  name: { familyName: 'Jensen', givenName: 'Barbara', middleName: '' },
  displayName: 'Babs Jensen',
  nickName: '',
  title: null,
  active: 'False',
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  phoneNumbers: [],
  addresses: [{ type: 'work', country: 'US', primary: 'True' }],
  roles: [],
  meta: { resourceType: 'User', created: '2010-01-23T04:56:22Z', lastModified: '2011-05-13T04:42:34.000+02:00' },
  [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: '26118915' } },
  [TEST_EXT]: { level: 7, score: '4.5', hiredAt: '2020-01-01T00:00:00Z', tags: ['a', 'B'] },
};

const MATCHES: ReadonlyArray<readonly [string, boolean]> = [
  // Entra's probes.
  ['userName eq "bjensen@example.com"', true],
  ['externalId eq "0a5d8e2f-4c6b-4f0e-9a47-2f4b1c3d5e6f"', false],
  // caseExact false → case-insensitive; caseExact true (id, externalId) → exact.
  ['userName eq "BJENSEN@EXAMPLE.COM"', true],
  ['userName eq bjensen@example.com', true],
  ['externalId eq "bjensen-ext"', true],
  ['externalId eq "BJENSEN-EXT"', false],
  ['id eq "2819C223-7F76-453A-919D-413861904646"', false],
  ['userName co "JENSEN"', true],
  ['userName sw "bJen"', true],
  ['userName ew ".COM"', true],
  ['userName ew "org"', false],
  ['externalId co "EXT"', false],
  // Strings order lexicographically, case-folded when not caseExact.
  ['userName gt "a"', true],
  ['userName lt "B"', false],
  ['displayName ge "BABS JENSEN"', true],
  ['displayName gt "BABS JENSEN"', false],
  ['displayName le "babs jensen"', true],
  ['externalId lt "C"', false],
  // Sub-attributes, presence and null.
  ['name.givenName eq "barbara"', true],
  ['name.familyName ne "Jensen"', false],
  ['name pr', true],
  ['name.middleName pr', false],
  ['nickName pr', false],
  ['title pr', false],
  ['emails pr', true],
  ['phoneNumbers pr', false],
  ['roles pr', false],
  ['ims pr', false],
  ['title eq null', true],
  ['nickName eq null', true],
  ['locale eq null', true],
  ['displayName eq null', false],
  ['displayName ne null', true],
  ['title ne null', false],
  // A missing attribute: eq and the other operators are false, ne is true.
  ['locale eq "en"', false],
  ['locale ne "en"', true],
  ['locale co "e"', false],
  ['locale gt "a"', false],
  ['locale lt "z"', false],
  ['not (locale eq "en")', true],
  ['ims.value eq "x"', false],
  ['ims.value ne "x"', true],
  ['phoneNumbers.value ne "x"', true],
  // Booleans: stored as sent ("False"), compared as booleans.
  ['active eq false', true],
  ['active eq "FALSE"', true],
  ['active eq true', false],
  ['active ne true', true],
  // Multi-valued attributes match when any element matches.
  ['emails.value eq "babs@jensen.org"', true],
  ['emails eq "BABS@JENSEN.ORG"', true],
  ['emails co "jensen.org"', true],
  ['emails.value ne "babs@jensen.org"', true],
  ['emails.type eq "mobile"', false],
  ['emails.primary eq true', true],
  ['emails.primary eq false', false],
  ['tags eq "b"', true],
  ['tags eq "c"', false],
  // A value path needs one element to satisfy the whole inner filter.
  ['emails[type eq "work" and value co "jensen.org"]', false],
  ['emails.type eq "work" and emails.value co "jensen.org"', true],
  ['emails[type eq "home" and value co "jensen.org"]', true],
  ['emails[primary eq true]', true],
  ['emails[not (type eq "work")]', true],
  ['emails[type eq "other"]', false],
  ['addresses[primary eq true and country eq "us"]', true],
  ['ims[type pr]', false],
  // Extension attributes under their URN key.
  [`${ENTERPRISE}:employeeNumber eq "701984"`, true],
  ['employeeNumber eq 701984', true],
  [`${ENTERPRISE}:manager.value eq "26118915"`, true],
  [`${ENTERPRISE}:manager pr`, true],
  ['department sw "tour"', true],
  [`${ENTERPRISE}:costCenter pr`, false],
  // Numbers numerically, numeric strings included.
  ['level gt 5', true],
  ['level gt 10', false],
  ['level eq "7"', true],
  ['level lt 7', false],
  ['level ge 7', true],
  ['score eq 4.5', true],
  ['score gt 4.49', true],
  ['score lt "4.5"', false],
  // dateTime as instants.
  ['meta.created gt "2010-01-23T04:56:21Z"', true],
  ['meta.created eq "2010-01-23T06:56:22+02:00"', true],
  ['meta.created eq "2010-01-23T04:56:22.000Z"', true],
  ['meta.lastModified lt "2011-05-13T03:00:00Z"', true],
  ['meta.lastModified gt "2011-05-13T04:00:00Z"', false],
  ['hiredAt le "2020-01-01T00:00:00Z"', true],
  // Logic.
  ['userName eq "x" or displayName co "babs"', true],
  ['userName pr and not (emails pr)', false],
  ['not (userName eq "x") and (title pr or nickName eq null)', true],
];

function resolve(text: string, schema: ResourceSchema = users): FilterNode<ResolvedAttr> {
  return resolveFilter(parseFilter(text), schema);
}

/** The inner filter of a PATCH value path, as the PATCH engine gets it. */
function elementFilter(path: string, schema: ResourceSchema = users): FilterNode<ResolvedAttr> {
  const resolved = resolvePatchPath(parsePatchPath(path), schema);
  assert.ok(resolved.filter, `${path} has a value filter`);
  return resolved.filter;
}

describe('matchesResource', () => {
  for (const [text, expected] of MATCHES) {
    it(`${expected ? 'matches' : 'does not match'} ${text}`, () => {
      assert.equal(matchesResource(resolve(text), bjensen), expected);
    });
  }

  it('finds attributes under case-variant keys', () => {
    const stored = { UserName: 'bjensen', [ENTERPRISE.toLowerCase()]: { EmployeeNumber: '1' } };
    assert.equal(matchesResource(resolve('userName eq "bjensen"'), stored), true);
    assert.equal(matchesResource(resolve('employeeNumber eq "1"'), stored), true);
  });

  it('matches a group by member', () => {
    const group = { displayName: 'Group One', members: [{ value: 'a' }, { value: 'b', type: 'User' }] };
    assert.equal(matchesResource(resolve('displayName eq "group one"', groups), group), true);
    assert.equal(matchesResource(resolve('members[value eq "b"]', groups), group), true);
    assert.equal(matchesResource(resolve('members eq "c"', groups), group), false);
    assert.equal(matchesResource(resolve('members[value eq "a" and type eq "User"]', groups), group), false);
  });

  it('never throws on resources of the wrong shape', () => {
    const odd: Record<string, unknown> = {
      userName: 5,
      emails: 'bjensen@example.com',
      name: [1, 2],
      active: 'maybe',
      meta: { created: 'garbage' },
      [ENTERPRISE]: 'not an object',
      [TEST_EXT]: { level: 'seven', tags: [{ nested: true }] },
    };
    assert.equal(matchesResource(resolve('userName eq 5'), odd), true);
    assert.equal(matchesResource(resolve('emails.value eq "bjensen@example.com"'), odd), false);
    assert.equal(matchesResource(resolve('name.givenName pr'), odd), false);
    assert.equal(matchesResource(resolve('active eq true'), odd), false);
    assert.equal(matchesResource(resolve('active ne true'), odd), true);
    assert.equal(matchesResource(resolve('meta.created gt "2000-01-01T00:00:00Z"'), odd), false);
    assert.equal(matchesResource(resolve('employeeNumber pr'), odd), false);
    assert.equal(matchesResource(resolve('level gt 1'), odd), false);
    assert.equal(matchesResource(resolve('tags eq "a"'), odd), false);
    assert.equal(matchesResource(resolve('tags pr'), odd), true);
  });

  it('agrees with boolean logic over random filters (not/and/or)', () => {
    const random = createRandom(0xf17e);
    const terms = MATCHES.map(([text]) => text);
    const pick = () => terms[Math.floor(random() * terms.length)] ?? 'userName pr';
    for (let i = 0; i < 500; i += 1) {
      const a = pick();
      const b = pick();
      const ma = matchesResource(resolve(a), bjensen);
      const mb = matchesResource(resolve(b), bjensen);
      assert.equal(matchesResource(resolve(`not (${a})`), bjensen), !ma, `not (${a})`);
      assert.equal(matchesResource(resolve(`(${a}) and (${b})`), bjensen), ma && mb, `(${a}) and (${b})`);
      assert.equal(matchesResource(resolve(`(${a}) or (${b})`), bjensen), ma || mb, `(${a}) or (${b})`);
    }
  });
});

describe('matchesElement', () => {
  it('selects elements of a multi-valued attribute for a PATCH value path', () => {
    const work = elementFilter('emails[type eq "work"].value');
    assert.equal(matchesElement(work, { value: 'a@x', type: 'work' }), true);
    assert.equal(matchesElement(work, { value: 'a@x', type: 'WORK' }), true);
    assert.equal(matchesElement(work, { value: 'a@x', type: 'home' }), false);
    assert.equal(matchesElement(work, { value: 'a@x' }), false);
  });

  it('reads sub-attributes case-insensitively when the element is not canonical', () => {
    assert.equal(matchesElement(elementFilter('emails[type eq "work"]'), { Type: 'work' }), true);
    assert.equal(matchesElement(elementFilter('emails[primary eq true]'), { Primary: 'True' }), true);
  });

  it('matches Entra member removals by value', () => {
    const member = elementFilter('members[value eq "2819c223"]', groups);
    assert.equal(matchesElement(member, { value: '2819c223', display: 'Babs' }), true);
    assert.equal(matchesElement(member, { value: '2819c224' }), false);
  });

  it('treats missing sub-attributes as unequal and absent', () => {
    assert.equal(matchesElement(elementFilter('emails[value ne "x"]'), {}), true);
    assert.equal(matchesElement(elementFilter('emails[value eq "x"]'), {}), false);
    assert.equal(matchesElement(elementFilter('emails[not (type pr)]'), { type: '' }), true);
    assert.equal(matchesElement(elementFilter('emails[type pr and primary eq true]'), { type: 'work', primary: true }), true);
  });

  it('returns false for elements that are not objects, and never throws', () => {
    const work = elementFilter('emails[type eq "work"]');
    for (const element of [null, undefined, 'work', 42, true, [], [{ type: 'work' }]]) {
      assert.equal(matchesElement(work, element), false, JSON.stringify(element));
    }
  });

  it('does not evaluate a value path inside an element (value filters do not nest)', () => {
    assert.equal(matchesElement(resolve('emails[type eq "work"]'), { type: 'work' }), false);
  });
});

/** mulberry32: a small deterministic PRNG so failures reproduce. */
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
