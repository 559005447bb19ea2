import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCore, type TestCore } from '../support/start-test-core';
import {
  assertListResponse,
  readScim,
  readScimError,
  URN_ENTERPRISE,
  URN_GROUP,
  URN_PATCH,
  URN_USER,
  type Json,
} from './protocol-helpers';

const URN_SPC = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const URN_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const URN_RESOURCE_TYPE = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const URN_SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

const ATTRIBUTE_TYPES = ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'complex', 'binary'];
const MUTABILITY = ['readOnly', 'readWrite', 'immutable', 'writeOnly'];
const RETURNED = ['always', 'never', 'default', 'request'];
const UNIQUENESS = ['none', 'server', 'global'];

/** RFC 7643 §7: every attribute definition states all of its characteristics; returns what is wrong. */
function attributeProblems(attr: Json, where: string): string[] {
  const at = `${where}.${attr.name}`;
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(`${at}: ${what}`);
  };
  check(typeof attr.name === 'string', 'name');
  check(ATTRIBUTE_TYPES.includes(attr.type), `type ${attr.type}`);
  check(typeof attr.multiValued === 'boolean', 'multiValued');
  check(typeof attr.description === 'string', 'description');
  check(typeof attr.required === 'boolean', 'required');
  check(typeof attr.caseExact === 'boolean', 'caseExact');
  check(MUTABILITY.includes(attr.mutability), `mutability ${attr.mutability}`);
  check(RETURNED.includes(attr.returned), `returned ${attr.returned}`);
  check(UNIQUENESS.includes(attr.uniqueness), `uniqueness ${attr.uniqueness}`);
  if (attr.canonicalValues !== undefined) {
    check(Array.isArray(attr.canonicalValues) && attr.canonicalValues.every((v: unknown) => typeof v === 'string'), 'canonicalValues');
  }
  if (attr.type === 'reference') {
    check(Array.isArray(attr.referenceTypes) && attr.referenceTypes.length > 0, 'a reference attribute names its referenceTypes');
  }
  if (attr.type === 'complex') {
    check(Array.isArray(attr.subAttributes) && attr.subAttributes.length > 0, 'a complex attribute lists its subAttributes');
    for (const sub of attr.subAttributes ?? []) {
      check(sub.type !== 'complex', `${sub.name}: complex attributes do not nest (RFC 7643 §2.3.8)`);
      problems.push(...attributeProblems(sub, at));
    }
  } else {
    check(attr.subAttributes === undefined, 'only complex attributes have subAttributes');
  }
  return problems;
}

function attribute(schema: Json, path: string): Json {
  const [name, subName] = path.split('.');
  const attr = schema.attributes.find((a: Json) => a.name === name);
  assert.ok(attr, `${schema.id} defines ${name}`);
  if (subName === undefined) return attr;
  const sub = attr.subAttributes.find((a: Json) => a.name === subName);
  assert.ok(sub, `${schema.id} defines ${path}`);
  return sub;
}

describe('SCIM discovery endpoints', () => {
  let t: TestCore;

  before(async () => {
    t = await startTestCore();
  });

  after(async () => {
    await t.stop();
  });

  it('states what /ServiceProviderConfig supports (RFC 7643 §5)', async () => {
    const body = await readScim(await t.scim('/ServiceProviderConfig'), 200);
    assert.deepEqual(body.schemas, [URN_SPC]);
    assert.equal(body.patch.supported, true);
    assert.equal(body.bulk.supported, false);
    assert.equal(body.filter.supported, true);
    assert.ok(Number.isInteger(body.filter.maxResults) && body.filter.maxResults > 0);
    assert.equal(body.changePassword.supported, false);
    assert.equal(body.sort.supported, true);
    assert.equal(body.etag.supported, true);
    assert.ok(body.authenticationSchemes.some((s: Json) => s.type === 'oauthbearertoken' && typeof s.name === 'string'));
    assert.equal(body.meta.resourceType, 'ServiceProviderConfig');
    assert.equal(body.meta.location, `${t.baseUrl}/ServiceProviderConfig`);
  });

  it('lists User, EnterpriseUser and Group at /Schemas with every attribute characteristic', async () => {
    const body = await readScim(await t.scim('/Schemas'), 200);
    const schemas = assertListResponse(body, body.totalResults);
    const byId = new Map(schemas.map((s) => [s.id, s]));
    for (const urn of [URN_USER, URN_ENTERPRISE, URN_GROUP]) assert.ok(byId.has(urn), `${urn} listed`);
    assert.equal(byId.size, schemas.length, 'each schema once');
    const problems: string[] = [];
    for (const schema of schemas) {
      assert.deepEqual(schema.schemas, [URN_SCHEMA]);
      assert.equal(typeof schema.name, 'string');
      assert.ok(Array.isArray(schema.attributes) && schema.attributes.length > 0);
      assert.equal(schema.meta.resourceType, 'Schema');
      assert.equal(schema.meta.location, `${t.baseUrl}/Schemas/${schema.id}`);
      problems.push(...schema.attributes.flatMap((attr: Json) => attributeProblems(attr, schema.id)));
    }
    assert.deepEqual(problems, [], 'attribute definitions (RFC 7643 §7)');
    assert.equal(byId.get(URN_USER).name, 'User');
    assert.equal(byId.get(URN_ENTERPRISE).name, 'EnterpriseUser');
    assert.equal(byId.get(URN_GROUP).name, 'Group');
  });

  it('publishes the RFC 7643 characteristics of the attributes Entra relies on', async () => {
    const body = await readScim(await t.scim('/Schemas'), 200);
    const byId = new Map<string, Json>(body.Resources.map((s: Json) => [s.id, s]));
    const user = byId.get(URN_USER);
    const enterprise = byId.get(URN_ENTERPRISE);
    const group = byId.get(URN_GROUP);

    assert.deepEqual(
      (({ type, multiValued, required, caseExact, mutability, returned, uniqueness }) => ({ type, multiValued, required, caseExact, mutability, returned, uniqueness }))(
        attribute(user, 'userName'),
      ),
      { type: 'string', multiValued: false, required: true, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'server' },
    );
    assert.equal(attribute(user, 'active').type, 'boolean');
    assert.equal(attribute(user, 'password').mutability, 'writeOnly');
    assert.equal(attribute(user, 'password').returned, 'never');
    assert.equal(attribute(user, 'emails').multiValued, true);
    assert.equal(attribute(user, 'emails').type, 'complex');
    for (const sub of ['value', 'type', 'primary', 'display']) attribute(user, `emails.${sub}`);
    assert.equal(attribute(user, 'emails.primary').type, 'boolean');
    assert.ok(attribute(user, 'emails.type').canonicalValues.includes('work'));
    for (const sub of ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix']) attribute(user, `name.${sub}`);
    assert.equal(attribute(user, 'name').multiValued, false);
    assert.equal(attribute(user, 'groups').mutability, 'readOnly');
    assert.deepEqual(attribute(user, 'groups.$ref').referenceTypes, ['Group']);
    assert.equal(attribute(user, 'phoneNumbers').multiValued, true);
    assert.equal(attribute(user, 'addresses').multiValued, true);
    attribute(user, 'addresses.postalCode');
    assert.equal(attribute(user, 'x509Certificates.value').type, 'binary');

    for (const name of ['employeeNumber', 'costCenter', 'organization', 'division', 'department']) {
      assert.equal(attribute(enterprise, name).type, 'string');
    }
    assert.equal(attribute(enterprise, 'manager').type, 'complex');
    assert.equal(attribute(enterprise, 'manager').multiValued, false);
    assert.equal(attribute(enterprise, 'manager.value').type, 'string');
    assert.deepEqual(attribute(enterprise, 'manager.$ref').referenceTypes, ['User']);
    assert.equal(attribute(enterprise, 'manager.displayName').mutability, 'readOnly');

    assert.equal(attribute(group, 'displayName').type, 'string');
    assert.equal(attribute(group, 'members').multiValued, true);
    assert.equal(attribute(group, 'members.value').mutability, 'immutable');
    assert.deepEqual([...attribute(group, 'members.$ref').referenceTypes].sort(), ['Group', 'User']);
  });

  it('serves each schema at /Schemas/{urn}, the same as in the list', async () => {
    const list = await readScim(await t.scim('/Schemas'), 200);
    for (const schema of list.Resources) {
      const one = await readScim(await t.scim(`/Schemas/${schema.id}`), 200, schema.id);
      assert.deepEqual(one, schema);
    }
    await readScimError(await t.scim('/Schemas/urn:ietf:params:scim:schemas:core:2.0:Device'), 404, undefined, 'unknown schema');
  });

  it('lists User and Group at /ResourceTypes, and serves /ResourceTypes/User', async () => {
    const body = await readScim(await t.scim('/ResourceTypes'), 200);
    const types = assertListResponse(body, 2);
    const user = types.find((r) => r.id === 'User');
    const group = types.find((r) => r.id === 'Group');
    assert.ok(user && group);
    for (const type of types) {
      assert.deepEqual(type.schemas, [URN_RESOURCE_TYPE]);
      assert.equal(type.meta.resourceType, 'ResourceType');
      assert.equal(type.meta.location, `${t.baseUrl}/ResourceTypes/${type.id}`);
    }
    assert.equal(user.name, 'User');
    assert.equal(user.endpoint, '/Users');
    assert.equal(user.schema, URN_USER);
    assert.deepEqual(user.schemaExtensions, [{ schema: URN_ENTERPRISE, required: false }]);
    assert.equal(group.endpoint, '/Groups');
    assert.equal(group.schema, URN_GROUP);

    const one = await readScim(await t.scim('/ResourceTypes/User'), 200);
    assert.deepEqual(one, user);
    await readScimError(await t.scim('/ResourceTypes/Device'), 404, undefined, 'unknown resource type');
  });

  it('serves discovery under the /scim prefix too', async () => {
    const base = t.baseUrl.replace(/\/scim\/v2$/, '/scim');
    const response = await fetch(`${base}/ServiceProviderConfig`, { headers: { authorization: `Bearer ${t.token}` } });
    const body = await readScim(response, 200);
    assert.equal(body.meta.location, `${base}/ServiceProviderConfig`);
  });
});

// ---------------------------------------------------------------------------

/** What the test seeded, kept on its side, so expectations never come from the server. */
interface Seeded {
  index: number;
  id: string;
  userName: string;
  externalId: string;
  displayName: string;
  givenName: string;
  familyName: string;
  title: string | undefined;
  active: boolean;
  emails: Array<{ type: string; value: string; primary?: boolean }>;
  department: string | undefined;
  employeeNumber: string | undefined;
  created: string;
  lastModified: string;
}

const GIVEN = ['Adele', 'alex', 'Megan', 'Lynne', 'Diego', 'Isaiah', 'Johanna', 'Lee', 'Nestor', 'Patti'];
const FAMILY = ['Vance', 'Wilber', 'bowen', 'Robbins', 'Siciliani', 'Langer', 'Lidic'];
const TITLES = ['Engineer', 'Manager', 'Analyst', 'Director'];
const DEPARTMENTS = ['Retail', 'Sales', 'Finance', 'Engineering'];
const USER_COUNT = 60;
const T0 = Date.parse('2025-03-01T08:00:00.000Z');
/** When the later updates happen, well after every create. */
const T_UPDATE = Date.parse('2025-03-02T12:00:00.000Z');
const UPDATED = [5, 17, 42];

function pad(i: number): string {
  return String(i).padStart(2, '0');
}

/** Varied users: mixed-case userNames, missing titles, emails and extensions, inactive ones. */
function seedBody(i: number): { body: Json; model: Omit<Seeded, 'id' | 'created' | 'lastModified'> } {
  const givenName = GIVEN[i % GIVEN.length]!;
  const familyName = FAMILY[i % FAMILY.length]!;
  const domain = i % 4 === 0 ? 'fabrikam.com' : 'contoso.com';
  const local = `${givenName}.${familyName}${pad(i)}@${domain}`;
  const userName = i % 3 === 0 ? local.toLowerCase() : local.charAt(0).toUpperCase() + local.slice(1);
  const externalId = `${(0x3f2504e0 + i).toString(16).toUpperCase()}-4F89-11D3-9A0C-0305E82C33${pad(i)}`;
  const displayName = `${givenName} ${familyName}`;
  const title = i % 5 === 1 ? undefined : TITLES[i % TITLES.length];
  const active = i % 7 !== 3;
  const emails: Seeded['emails'] = [];
  if (i % 6 !== 5) {
    emails.push({ type: 'work', value: userName.toLowerCase(), primary: true });
    if (i % 2 === 0) emails.push({ type: 'home', value: `${givenName.toLowerCase()}${i}@home.example` });
  }
  const hasEnterprise = i % 9 !== 0;
  const department = hasEnterprise ? DEPARTMENTS[i % DEPARTMENTS.length] : undefined;
  const employeeNumber = hasEnterprise ? String(1000 + i) : undefined;
  const body: Json = {
    schemas: hasEnterprise ? [URN_USER, URN_ENTERPRISE] : [URN_USER],
    externalId,
    userName,
    active,
    displayName,
    name: { givenName, familyName, formatted: displayName },
    ...(title ? { title } : {}),
    ...(emails.length ? { emails } : {}),
    ...(hasEnterprise ? { [URN_ENTERPRISE]: { department, employeeNumber } } : {}),
  };
  return {
    body,
    model: { index: i, userName, externalId, displayName, givenName, familyName, title, active, emails, department, employeeNumber },
  };
}

const fold = (text: string) => text.toLowerCase();
const iso = (time: number) => new Date(time).toISOString();

describe('SCIM queries over seeded users', () => {
  let t: TestCore;
  let clock = T0;
  const users: Seeded[] = [];
  const groups: Array<{ id: string; displayName: string }> = [];

  before(async () => {
    t = await startTestCore({ now: () => new Date(clock) });
    for (let i = 0; i < USER_COUNT; i++) {
      clock = T0 + i * 60_000;
      const { body, model } = seedBody(i);
      const created = await readScim(await t.scim('/Users', { method: 'POST', body: JSON.stringify(body) }), 201, `seed ${i}`);
      users.push({ ...model, id: created.id, created: iso(clock), lastModified: iso(clock) });
    }
    clock = T_UPDATE;
    for (const i of UPDATED) {
      const user = users[i]!;
      await readScim(
        await t.scim(`/Users/${user.id}`, {
          method: 'PATCH',
          body: JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'Replace', path: 'nickName', value: `nick${i}` }] }),
        }),
        200,
        `update ${i}`,
      );
      user.lastModified = iso(clock);
    }
    clock = T_UPDATE + 60_000;
    for (const displayName of ['Accounting', 'All Staff', 'Engineering']) {
      const group = await readScim(
        await t.scim('/Groups', { method: 'POST', body: JSON.stringify({ schemas: [URN_GROUP], displayName }) }),
        201,
        displayName,
      );
      groups.push({ id: group.id, displayName });
    }
  });

  after(async () => {
    await t.stop();
  });

  const list = async (query: string): Promise<Json> => readScim(await t.scim(`/Users?${query}`), 200, query);
  const filterIds = async (filter: string): Promise<{ total: number; ids: string[] }> => {
    const body = await list(`filter=${encodeURIComponent(filter)}&count=1000`);
    return { total: body.totalResults, ids: body.Resources.map((r: Json) => r.id) };
  };
  const idsWhere = (predicate: (user: Seeded) => boolean) => users.filter(predicate).map((u) => u.id);
  const byIndex = (i: number) => users[i]!;
  const work = (u: Seeded) => u.emails.find((e) => e.type === 'work');

  it('stored the seeded users and groups', async () => {
    const body = await list('count=0');
    assert.equal(body.totalResults, USER_COUNT);
    assert.equal(await t.core.store.countResources('Group'), 3);
  });

  // Each row: a filter, and which seeded users it selects, decided here from the seed.
  const filterCases: ReadonlyArray<readonly [string, () => string, (u: Seeded) => boolean]> = [
    ['eq on userName ignores case', () => `userName eq "${byIndex(7).userName.toUpperCase()}"`, (u) => u.index === 7],
    ['ne on userName', () => `userName ne "${byIndex(0).userName}"`, (u) => u.index !== 0],
    ['co on displayName, case-insensitive', () => 'displayName co "AN"', (u) => fold(u.displayName).includes('an')],
    ['sw on userName', () => 'userName sw "a"', (u) => fold(u.userName).startsWith('a')],
    ['ew on userName', () => 'userName ew "@FABRIKAM.com"', (u) => fold(u.userName).endsWith('@fabrikam.com')],
    ['pr on an attribute some users lack', () => 'title pr', (u) => u.title !== undefined],
    ['ne matches users without the attribute', () => 'title ne "Engineer"', (u) => u.title !== 'Engineer'],
    ['eq on title ignores case', () => 'title eq "engineer"', (u) => u.title === 'Engineer'],
    [
      'gt on a schema-qualified extension attribute',
      () => `${URN_ENTERPRISE}:employeeNumber gt "1040"`,
      (u) => u.employeeNumber !== undefined && u.employeeNumber > '1040',
    ],
    ['ge on the extension', () => `${URN_ENTERPRISE}:employeeNumber ge "1040"`, (u) => u.employeeNumber !== undefined && u.employeeNumber >= '1040'],
    ['lt on the extension', () => `${URN_ENTERPRISE}:employeeNumber lt "1010"`, (u) => u.employeeNumber !== undefined && u.employeeNumber < '1010'],
    ['le on the extension', () => `${URN_ENTERPRISE}:employeeNumber le "1010"`, (u) => u.employeeNumber !== undefined && u.employeeNumber <= '1010'],
    ['eq on the schema-qualified department', () => `${URN_ENTERPRISE}:department eq "Retail"`, (u) => u.department === 'Retail'],
    ['eq on a boolean', () => 'active eq false', (u) => !u.active],
    ['not', () => 'not (active eq true)', (u) => !u.active],
    [
      'or inside parentheses, and outside',
      () => '(title eq "Engineer" or title eq "Manager") and active eq true',
      (u) => (u.title === 'Engineer' || u.title === 'Manager') && u.active,
    ],
    ['and binds tighter than or', () => 'title eq "Analyst" or title eq "Director" and active eq false', (u) => u.title === 'Analyst' || (u.title === 'Director' && !u.active)],
    [
      'not with and/or',
      () => 'not (userName sw "a") and (title pr or active eq false)',
      (u) => !fold(u.userName).startsWith('a') && (u.title !== undefined || !u.active),
    ],
    [
      'a value path with two conditions',
      () => 'emails[type eq "work" and value co "@contoso"]',
      (u) => u.emails.some((e) => e.type === 'work' && e.value.includes('@contoso')),
    ],
    ['a value path and another attribute', () => 'emails[type eq "home"] and title pr', (u) => u.emails.some((e) => e.type === 'home') && u.title !== undefined],
    ['a multi-valued sub-attribute', () => 'emails.value ew "@home.example"', (u) => u.emails.some((e) => e.value.endsWith('@home.example'))],
    ['a sub-attribute', () => 'name.familyName eq "VANCE"', (u) => u.familyName === 'Vance'],
    ['two sub-attributes', () => 'name.givenName sw "a" and name.familyName co "i"', (u) => fold(u.givenName).startsWith('a') && fold(u.familyName).includes('i')],
    ['meta.lastModified gt', () => `meta.lastModified gt "${iso(T_UPDATE - 1000)}"`, (u) => UPDATED.includes(u.index)],
    [
      'a meta.created range',
      () => `meta.created ge "${iso(T0 + 20 * 60_000)}" and meta.created lt "${iso(T0 + 30 * 60_000)}"`,
      (u) => u.index >= 20 && u.index < 30,
    ],
    ['externalId is case-exact (exact case matches)', () => `externalId eq "${byIndex(11).externalId}"`, (u) => u.index === 11],
    ['externalId is case-exact (other case does not)', () => `externalId eq "${byIndex(11).externalId.toLowerCase()}"`, () => false],
    ['eq on a work email through the value path Entra documents', () => `emails[type eq "work"].value eq "${work(byIndex(13))!.value}"`, (u) => u.index === 13],
    ['an Entra probe with and', () => `userName eq "${byIndex(21).userName}" and externalId eq "${byIndex(21).externalId}"`, (u) => u.index === 21],
  ];

  for (const [what, filter, predicate] of filterCases) {
    it(`filters with ${what}`, async () => {
      const expected = idsWhere(predicate);
      const { total, ids } = await filterIds(filter());
      assert.equal(total, expected.length, `${filter()}: totalResults`);
      assert.deepEqual([...ids].sort(), [...expected].sort(), filter());
    });
  }

  it('accepts operators and attribute names in any case', async () => {
    const { ids } = await filterIds('USERNAME EQ "' + byIndex(4).userName + '" Or Title Pr And Active eq FALSE');
    const expected = idsWhere((u) => u.index === 4 || (u.title !== undefined && !u.active));
    assert.deepEqual([...ids].sort(), [...expected].sort());
  });

  describe('pagination', () => {
    const byUserName = () => [...users].sort((a, b) => (fold(a.userName) < fold(b.userName) ? -1 : 1)).map((u) => u.id);

    it('pages through every user once with startIndex and count', async () => {
      const seen: string[] = [];
      for (let start = 1; start <= USER_COUNT; start += 25) {
        const body = await list(`sortBy=userName&startIndex=${start}&count=25`);
        const page = assertListResponse(body, USER_COUNT);
        assert.equal(body.startIndex, start);
        assert.equal(page.length, Math.min(25, USER_COUNT - start + 1));
        seen.push(...page.map((r) => r.id));
      }
      assert.deepEqual(seen, byUserName());
    });

    it('returns a short last page', async () => {
      const body = await list('sortBy=userName&startIndex=51&count=20');
      const page = assertListResponse(body, USER_COUNT);
      assert.equal(body.itemsPerPage, 10);
      assert.deepEqual(
        page.map((r) => r.id),
        byUserName().slice(50),
      );
    });

    it('answers count=0 with the total and no resources', async () => {
      const body = await list('count=0');
      assert.deepEqual(assertListResponse(body, USER_COUNT), []);
      assert.equal(body.itemsPerPage, 0);
    });

    it('answers a startIndex past the end with the total and no resources', async () => {
      const body = await list('startIndex=61&count=10');
      assert.deepEqual(assertListResponse(body, USER_COUNT), []);
      assert.equal(body.startIndex, 61);
    });

    it('reads startIndex below 1 as 1 and a negative count as 0 (RFC 7644 §3.4.2.4)', async () => {
      const first = await list('sortBy=userName&startIndex=0&count=3');
      assert.equal(first.startIndex, 1);
      assert.deepEqual(
        assertListResponse(first, USER_COUNT).map((r) => r.id),
        byUserName().slice(0, 3),
      );
      const none = await list('count=-5');
      assert.deepEqual(assertListResponse(none, USER_COUNT), []);
    });

    it('pages a filtered list with totalResults counting every match', async () => {
      const expected = [...users].filter((u) => u.active).sort((a, b) => (fold(a.userName) < fold(b.userName) ? -1 : 1)).map((u) => u.id);
      const seen: string[] = [];
      for (let start = 1; start <= expected.length; start += 7) {
        const body = await list(`filter=${encodeURIComponent('active eq true')}&sortBy=userName&startIndex=${start}&count=7`);
        seen.push(...assertListResponse(body, expected.length).map((r) => r.id));
      }
      assert.deepEqual(seen, expected);
    });

    it('defaults to a page that holds all 60 users', async () => {
      const body = await list('');
      assert.equal(assertListResponse(body, USER_COUNT).length, USER_COUNT);
    });
  });

  describe('sorting', () => {
    const compareText = (a: string | null, b: string | null, descending: boolean) => {
      // RFC 7644 §3.4.2.3: resources without the value come last ascending, first descending.
      if (a === null || b === null) return a === b ? 0 : (a === null ? 1 : -1) * (descending ? -1 : 1);
      const x = fold(a);
      const y = fold(b);
      return (x < y ? -1 : x > y ? 1 : 0) * (descending ? -1 : 1);
    };

    it('sorts by userName ascending, ignoring case', async () => {
      const body = await list('sortBy=userName&count=100');
      const expected = [...users].sort((a, b) => compareText(a.userName, b.userName, false)).map((u) => u.id);
      assert.deepEqual(
        body.Resources.map((r: Json) => r.id),
        expected,
      );
    });

    it('sorts by userName descending', async () => {
      const body = await list('sortBy=userName&sortOrder=descending&count=100');
      const expected = [...users].sort((a, b) => compareText(a.userName, b.userName, true)).map((u) => u.id);
      assert.deepEqual(
        body.Resources.map((r: Json) => r.id),
        expected,
      );
    });

    it('sorts by name.familyName', async () => {
      const body = await list('sortBy=name.familyName&count=100');
      const expected = [...users].map((u) => u.familyName).sort((a, b) => compareText(a, b, false));
      assert.deepEqual(
        body.Resources.map((r: Json) => r.name.familyName),
        expected,
      );
    });

    it('sorts by meta.created descending', async () => {
      const body = await list('sortBy=meta.created&sortOrder=descending&count=100');
      assert.deepEqual(
        body.Resources.map((r: Json) => r.id),
        [...users].reverse().map((u) => u.id),
      );
      assert.equal(body.Resources[0].meta.created, users[USER_COUNT - 1]!.created);
    });

    it('puts users without the sort value last ascending and first descending', async () => {
      const ascending = await list('sortBy=title&count=100');
      // Array#sort never hands undefined to a comparator, so absent titles are null here.
      assert.deepEqual(
        ascending.Resources.map((r: Json) => r.title ?? null),
        users.map((u) => u.title ?? null).sort((a, b) => compareText(a, b, false)),
      );
      const descending = await list('sortBy=title&sortOrder=descending&count=100');
      assert.deepEqual(
        descending.Resources.map((r: Json) => r.title ?? null),
        users.map((u) => u.title ?? null).sort((a, b) => compareText(a, b, true)),
      );
    });

    it('sorts a filtered page', async () => {
      const filter = encodeURIComponent(`${URN_ENTERPRISE}:department eq "Sales"`);
      const body = await list(`filter=${filter}&sortBy=userName&sortOrder=descending&startIndex=2&count=3`);
      const expected = users
        .filter((u) => u.department === 'Sales')
        .sort((a, b) => compareText(a.userName, b.userName, true))
        .map((u) => u.id);
      assert.equal(body.totalResults, expected.length);
      assert.deepEqual(
        body.Resources.map((r: Json) => r.id),
        expected.slice(1, 4),
      );
    });
  });

  describe('attributes and excludedAttributes', () => {
    const one = (i: number, query: string) => list(`filter=${encodeURIComponent(`userName eq "${byIndex(i).userName}"`)}&${query}`);

    it('returns only id, schemas and the named attribute for attributes=userName', async () => {
      const [user] = (await one(2, 'attributes=userName')).Resources;
      assert.deepEqual(Object.keys(user).sort(), ['id', 'schemas', 'userName']);
      assert.equal(user.userName, byIndex(2).userName);
    });

    it('returns only the named sub-attributes', async () => {
      const [user] = (await one(2, 'attributes=name.familyName,emails.value')).Resources;
      assert.deepEqual(user.name, { familyName: byIndex(2).familyName });
      assert.deepEqual(
        user.emails,
        byIndex(2).emails.map((e) => ({ value: e.value })),
      );
      assert.equal('userName' in user, false);
    });

    it('returns only the named extension attribute, with its schema URN', async () => {
      const [user] = (await one(2, `attributes=${encodeURIComponent(`${URN_ENTERPRISE}:department`)}`)).Resources;
      assert.deepEqual(user[URN_ENTERPRISE], { department: byIndex(2).department });
      assert.ok(user.schemas.includes(URN_ENTERPRISE));
      assert.equal('employeeNumber' in user[URN_ENTERPRISE], false);
    });

    it('drops excluded attributes and an excluded extension from schemas', async () => {
      const [user] = (await one(2, `excludedAttributes=${encodeURIComponent(`emails,name,${URN_ENTERPRISE}`)}`)).Resources;
      assert.equal('emails' in user, false);
      assert.equal('name' in user, false);
      assert.equal(URN_ENTERPRISE in user, false);
      assert.deepEqual(user.schemas, [URN_USER]);
      assert.equal(user.userName, byIndex(2).userName);
      assert.equal(user.meta.resourceType, 'User');
    });

    it('always returns id and never password', async () => {
      const [excluded] = (await one(2, 'excludedAttributes=id')).Resources;
      assert.equal(excluded.id, byIndex(2).id);
      const [asked] = (await one(2, 'attributes=password')).Resources;
      assert.equal('password' in asked, false);
      assert.equal(asked.id, byIndex(2).id);
    });

    it('applies attributes to GET by id', async () => {
      const body = await readScim(await t.scim(`/Users/${byIndex(8).id}?attributes=displayName,active`), 200);
      assert.deepEqual(Object.keys(body).sort(), ['active', 'displayName', 'id', 'schemas']);
      assert.equal(body.active, byIndex(8).active);
    });
  });

  describe('POST .search', () => {
    it('runs a SearchRequest at /Users/.search like the GET query', async () => {
      const response = await t.scim('/Users/.search', {
        method: 'POST',
        body: JSON.stringify({
          schemas: [URN_SEARCH],
          filter: 'emails[type eq "work" and value co "@contoso"] and active eq true',
          sortBy: 'userName',
          sortOrder: 'ascending',
          startIndex: 1,
          count: 5,
          attributes: ['userName', 'active'],
        }),
      });
      const body = await readScim(response, 200);
      const expected = users
        .filter((u) => u.emails.some((e) => e.type === 'work' && e.value.includes('@contoso')) && u.active)
        .sort((a, b) => (fold(a.userName) < fold(b.userName) ? -1 : 1));
      const page = assertListResponse(body, expected.length);
      assert.deepEqual(
        page.map((r) => r.id),
        expected.slice(0, 5).map((u) => u.id),
      );
      for (const resource of page) assert.deepEqual(Object.keys(resource).sort(), ['active', 'id', 'schemas', 'userName']);
    });

    it('searches users then groups at the root /.search', async () => {
      const response = await t.scim('/.search', {
        method: 'POST',
        body: JSON.stringify({ schemas: [URN_SEARCH], filter: 'displayName sw "A"', count: 100 }),
      });
      const body = await readScim(response, 200);
      const expectedUsers = users.filter((u) => fold(u.displayName).startsWith('a')).map((u) => u.id);
      const expectedGroups = groups.filter((g) => fold(g.displayName).startsWith('a')).map((g) => g.id);
      const resources = assertListResponse(body, expectedUsers.length + expectedGroups.length);
      const ofType = (type: string) => resources.filter((r) => r.meta.resourceType === type).map((r) => r.id);
      assert.deepEqual(ofType('User').sort(), [...expectedUsers].sort());
      assert.deepEqual(ofType('Group').sort(), [...expectedGroups].sort());
    });

    it('pages the root search across the users/groups boundary', async () => {
      const filter = 'displayName sw "A"';
      const total = users.filter((u) => fold(u.displayName).startsWith('a')).length + groups.filter((g) => fold(g.displayName).startsWith('a')).length;
      const seen: string[] = [];
      for (let start = 1; start <= total; start += 4) {
        const response = await t.scim('/.search', { method: 'POST', body: JSON.stringify({ schemas: [URN_SEARCH], filter, startIndex: start, count: 4 }) });
        const body = await readScim(response, 200);
        assert.equal(body.totalResults, total);
        seen.push(...body.Resources.map((r: Json) => r.id));
      }
      assert.equal(seen.length, total);
      assert.equal(new Set(seen).size, total, 'no resource twice');
    });
  });
});
