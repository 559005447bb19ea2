import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { URN } from '../../../../shared/scim/urns';
import {
  canonicalizeAttributeValue,
  canonicalizeElement,
  canonicalizeExtensionObject,
  canonicalizeResource,
  splitSchemaQualifiedName,
} from '../../../../main/scim/resource/canonicalize';
import type { SchemaDef } from '../../../../main/scim/schema/attribute-def';
import { defineAttribute } from '../../../../main/scim/schema/core-schemas';
import { buildResourceSchemas } from '../../../../main/scim/schema/resource-schema';
import type { ResolvedAttr, ResourceSchema } from '../../../../main/scim/schema/resource-schema';
import { isScimError } from '../../../../main/scim/scim-error';

const ENT = URN.enterpriseUser;
const CUSTOM = 'urn:example:scimdesk:extension:Typed:1.0:User';

/** An admin-defined extension that exercises the types the core schemas do not (integer, decimal, dateTime...). */
const typedExtension: SchemaDef = {
  id: CUSTOM,
  name: 'Typed',
  description: 'Test extension',
  attributes: [
    defineAttribute('level', 'integer'),
    defineAttribute('ratio', 'decimal'),
    defineAttribute('hiredAt', 'dateTime'),
    defineAttribute('badge', 'binary'),
    defineAttribute('tags', 'string', { multiValued: true }),
    defineAttribute('pin', 'string', { mutability: 'writeOnly', returned: 'never' }),
  ],
};

const schemas = buildResourceSchemas([{ resourceType: 'User', schema: typedExtension }]);
const users = schemas.User;
const groups = schemas.Group;

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/entra/${name}`, import.meta.url), 'utf8'));
}

function resolve(schema: ResourceSchema, uri: string | undefined, attr: string, subAttr?: string): ResolvedAttr {
  const resolved = schema.resolve({ uri, attr, subAttr });
  assert.ok(resolved, `test setup: ${attr} resolves`);
  return resolved;
}

/** Asserts a 400 ScimError of this scimType whose detail contains `fragment`. */
function assertRejects(action: () => unknown, scimType: string, fragment: string): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(isScimError(error), `expected a ScimError, got ${String(error)}`);
    assert.equal(error.status, 400);
    assert.equal(error.scimType, scimType);
    assert.ok(error.detail.includes(fragment), `detail "${error.detail}" should name "${fragment}"`);
    return true;
  });
}

const user = (extra: Record<string, unknown>) => ({ userName: 'adele@contoso.com', ...extra });

describe('canonicalizeResource', () => {
  it('stores an Entra create-user payload, silently ignoring meta and roles: []', () => {
    const result = canonicalizeResource(fixture('create-user.json'), users);
    assert.deepEqual(result.ignored, []);
    assert.equal(result.members, undefined);
    assert.deepEqual(result.doc, {
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'adele.vance@contoso.com',
      name: { formatted: 'Adele Vance', familyName: 'Vance', givenName: 'Adele' },
      displayName: 'Adele Vance',
      title: 'Retail Manager',
      active: true,
      emails: [{ value: 'adele.vance@contoso.com', type: 'work', primary: true }],
      phoneNumbers: [
        { value: '+1 425 555 0109', type: 'work' },
        { value: '+1 425 555 0110', type: 'mobile' },
      ],
      addresses: [
        {
          formatted: '18/2111, 205 108th Ave NE, Bellevue, WA 98004, United States',
          streetAddress: '205 108th Ave NE',
          locality: 'Bellevue',
          region: 'WA',
          postalCode: '98004',
          country: 'United States',
          type: 'work',
          primary: false,
        },
      ],
      [ENT]: {
        employeeNumber: '10042',
        department: 'Retail',
        manager: { value: '5f1c3a7e-64d0-4a8e-9b2f-0c9d2b7e41aa' },
      },
    });
  });

  it('stores the enterprise manager sent as a bare id string as {"value": id}', () => {
    const { doc } = canonicalizeResource(user({ [ENT]: { manager: 'mgr-1' } }), users);
    assert.deepEqual(doc[ENT], { manager: { value: 'mgr-1' } });
  });

  it('stores the manager sent in the legacy document form (a one-element list with $ref) as {"value": id}', () => {
    // The shape of Microsoft's SCIM article's manager update, in a create body.
    const { doc, ignored } = canonicalizeResource(fixture('create-user-legacy-manager.json'), users);
    assert.deepEqual(doc[ENT], { department: 'R&D', manager: { value: '2819c223-7f76-453a-919d-413861904646' } });
    assert.deepEqual(ignored, []);
  });

  it('reads a top-level "manager" key as the enterprise manager, in any of its forms', () => {
    for (const manager of ['mgr-1', { value: 'mgr-1' }, [{ value: 'mgr-1' }]]) {
      const result = canonicalizeResource(user({ Manager: manager }), users);
      assert.deepEqual(result.doc[ENT], { manager: { value: 'mgr-1' } }, JSON.stringify(manager));
      assert.deepEqual(result.ignored, []);
    }
  });

  it('refuses a list of two managers: the manager is single-valued', () => {
    assert.throws(() => canonicalizeResource(user({ [ENT]: { manager: [{ value: 'a' }, { value: 'b' }] } }), users), /single-valued/);
  });

  it('writes canonical names from mixed-case names at every level, with string booleans and flattened extension keys', () => {
    const result = canonicalizeResource(fixture('create-user-mixed-case.json'), users);
    assert.deepEqual(result.ignored, []);
    assert.deepEqual(result.doc, {
      externalId: '3b7e6f2c-1d4a-4c0b-8e9f-5a6b7c8d9e0f',
      userName: 'megan.bowen@contoso.com',
      name: { formatted: 'Megan Bowen', familyName: 'Bowen', givenName: 'Megan' },
      displayName: 'Megan Bowen',
      active: true,
      emails: [{ value: 'megan.bowen@contoso.com', type: 'work', primary: true }],
      [ENT]: { department: 'Marketing', manager: { value: '5f1c3a7e-64d0-4a8e-9b2f-0c9d2b7e41aa' } },
    });
  });

  it('matches the extension URN key case-insensitively and merges it with flattened keys', () => {
    const { doc } = canonicalizeResource(
      user({ [ENT.toUpperCase()]: { Department: 'Retail' }, [`${ENT}:employeeNumber`]: '7' }),
      users,
    );
    assert.deepEqual(doc[ENT], { employeeNumber: '7', department: 'Retail' });
  });

  it('folds dotted keys into their single-valued complex parent', () => {
    const { doc } = canonicalizeResource(user({ name: { familyName: 'Vance' }, 'name.givenName': 'Adele' }), users);
    assert.deepEqual(doc['name'], { familyName: 'Vance', givenName: 'Adele' });
  });

  it('treats null, empty arrays and empty objects as absent', () => {
    const result = canonicalizeResource(
      user({
        displayName: null,
        name: {},
        emails: [],
        roles: [],
        phoneNumbers: [null, { value: null }],
        addresses: [{}],
        [ENT]: { department: null, manager: null },
      }),
      users,
    );
    assert.deepEqual(result.doc, { userName: 'adele@contoso.com' });
    assert.deepEqual(result.ignored, []);
  });

  it('keeps empty strings as sent', () => {
    const { doc } = canonicalizeResource(user({ title: '', name: { givenName: '' } }), users);
    assert.equal(doc['title'], '');
    assert.deepEqual(doc['name'], { givenName: '' });
  });

  it('silently ignores readOnly attributes and sub-attributes (id, meta, groups, manager.displayName)', () => {
    const result = canonicalizeResource(
      user({
        id: 42,
        meta: { resourceType: 'User', created: 'not a date' },
        groups: [{ value: 'g1', display: 'Group 1' }],
        [ENT]: { manager: { value: 'mgr-1', displayName: 'Boss', $ref: '../Users/mgr-1' } },
      }),
      users,
    );
    // The manager's $ref is computed from its value on every read, never stored.
    assert.deepEqual(result.doc, {
      userName: 'adele@contoso.com',
      [ENT]: { manager: { value: 'mgr-1' } },
    });
    assert.deepEqual(result.ignored, []);
  });

  it('drops password (and any writeOnly attribute) without storing or reporting it', () => {
    const result = canonicalizeResource(user({ password: 'P@ssw0rd!', Password: 12, [CUSTOM]: { pin: '1234' } }), users);
    assert.deepEqual(result.doc, { userName: 'adele@contoso.com' });
    assert.deepEqual(result.ignored, []);
  });

  it('lists unknown attributes, sub-attributes, extension attributes and schemas in ignored', () => {
    const result = canonicalizeResource(
      user({
        foo: 1,
        department: 'Retail',
        emails: [{ value: 'a@x', label: 'x' }, { value: 'b@x', label: 'y' }],
        [ENT]: { badge: 'x' },
        [`${ENT}:shoeSize`]: 44,
        'urn:example:unknown:2.0:User': { a: 1 },
      }),
      users,
    );
    assert.deepEqual(result.ignored, [
      'foo',
      'department',
      'emails.label',
      `${ENT}:badge`,
      `${ENT}:shoeSize`,
      'urn:example:unknown:2.0:User',
    ]);
    assert.deepEqual(result.doc, { userName: 'adele@contoso.com', emails: [{ value: 'a@x' }, { value: 'b@x' }] });
  });

  it('wraps a single value of a multi-valued attribute in an array', () => {
    const { doc } = canonicalizeResource(user({ emails: { value: 'a@x', type: 'work' }, [CUSTOM]: { tags: 'x' } }), users);
    assert.deepEqual(doc['emails'], [{ value: 'a@x', type: 'work' }]);
    assert.deepEqual(doc[CUSTOM], { tags: ['x'] });
  });

  it('rejects a bare string where a multi-valued complex attribute needs objects', () => {
    assertRejects(() => canonicalizeResource(user({ phoneNumbers: '+1 555' }), users), 'invalidValue', 'phoneNumbers');
    assertRejects(() => canonicalizeResource(user({ emails: ['a@x'] }), users), 'invalidValue', 'emails');
  });

  it('reads booleans sent as "True"/"False" in any case', () => {
    assert.equal(canonicalizeResource(user({ active: 'False' }), users).doc['active'], false);
    assert.equal(canonicalizeResource(user({ active: 'TRUE' }), users).doc['active'], true);
  });

  it('coerces integer, decimal, dateTime and binary values of an extension', () => {
    const { doc } = canonicalizeResource(
      user({ [CUSTOM]: { level: '3', ratio: '0.25', hiredAt: '2008-01-23T04:56:22Z', badge: 'AAEC' } }),
      users,
    );
    assert.deepEqual(doc[CUSTOM], { level: 3, ratio: 0.25, hiredAt: '2008-01-23T04:56:22Z', badge: 'AAEC' });
  });

  const badTypes: Array<[string, Record<string, unknown>, string]> = [
    ['a number for a string', { title: 42 }, "'title'"],
    ['a boolean for a string', { externalId: true }, "'externalId'"],
    ['a number for the user name', { userName: 7 }, "'userName'"],
    ['a word for a boolean', { active: 'yes' }, "'active'"],
    ['a number for a boolean sub-attribute', { emails: [{ value: 'a@x', primary: 1 }] }, "'emails.primary'"],
    ['a string for a complex attribute without value', { name: 'Adele Vance' }, "'name'"],
    ['an array for a single-valued complex attribute', { name: [{ givenName: 'A' }] }, "'name'"],
    ['an array for a single-valued string', { title: ['a', 'b'] }, "'title'"],
    ['a nested array in a multi-valued attribute', { emails: [[{ value: 'a@x' }]] }, "'emails'"],
    ['a string for an extension object', { [ENT]: 'Retail' }, `'${ENT}'`],
    ['a number for the manager id', { [ENT]: { manager: 5 } }, `'${ENT}:manager.value'`],
    ['an object for a flattened extension string', { [`${ENT}:department`]: { a: 1 } }, `'${ENT}:department'`],
    ['a fraction for an integer', { [CUSTOM]: { level: 1.5 } }, `'${CUSTOM}:level'`],
    ['a word for an integer', { [CUSTOM]: { level: '3x' } }, `'${CUSTOM}:level'`],
    ['an unsafe integer', { [CUSTOM]: { level: '9007199254740993' } }, `'${CUSTOM}:level'`],
    ['a word for a decimal', { [CUSTOM]: { ratio: 'half' } }, `'${CUSTOM}:ratio'`],
    ['a non-date for a dateTime', { [CUSTOM]: { hiredAt: 'yesterday' } }, `'${CUSTOM}:hiredAt'`],
    ['an impossible calendar date', { [CUSTOM]: { hiredAt: '2021-02-29T00:00:00Z' } }, `'${CUSTOM}:hiredAt'`],
    ['a number for a dateTime', { [CUSTOM]: { hiredAt: 1700000000 } }, `'${CUSTOM}:hiredAt'`],
    ['a sub-attribute of a multi-valued attribute as a dotted key', { 'emails.value': 'a@x' }, "'emails.value'"],
  ];
  for (const [label, extra, fragment] of badTypes) {
    it(`rejects ${label} with 400 invalidValue naming ${fragment}`, () => {
      assertRejects(() => canonicalizeResource(user(extra), users), 'invalidValue', fragment);
    });
  }

  it('rejects a missing userName with 400 invalidValue naming it', () => {
    assertRejects(() => canonicalizeResource({ schemas: [URN.user], displayName: 'x' }, users), 'invalidValue', "'userName' is required");
    assertRejects(() => canonicalizeResource({ userName: null }, users), 'invalidValue', "'userName' is required");
    assertRejects(() => canonicalizeResource({ userName: '' }, users), 'invalidValue', "'userName' is required");
  });

  it('rejects a group without displayName with 400 invalidValue naming it', () => {
    assertRejects(() => canonicalizeResource({ schemas: [URN.group], members: [] }, groups), 'invalidValue', "'displayName' is required");
  });

  it('rejects more than one primary: true in a multi-valued attribute', () => {
    const emails = [
      { value: 'a@x', primary: true },
      { value: 'b@x', primary: 'True' },
    ];
    assertRejects(() => canonicalizeResource(user({ emails }), users), 'invalidValue', "'emails'");
  });

  it('accepts one primary: true among primary: false elements', () => {
    const emails = [
      { value: 'a@x', primary: false },
      { value: 'b@x', primary: true },
    ];
    assert.deepEqual(canonicalizeResource(user({ emails }), users).doc['emails'], emails);
  });

  for (const body of [null, [], 'text', 5, true]) {
    it(`rejects a body of ${JSON.stringify(body)} with 400 invalidSyntax`, () => {
      assertRejects(() => canonicalizeResource(body, users), 'invalidSyntax', 'JSON object');
    });
  }

  it('rejects schemas that are not an array of strings with 400 invalidSyntax', () => {
    assertRejects(() => canonicalizeResource(user({ schemas: URN.user }), users), 'invalidSyntax', 'schemas');
    assertRejects(() => canonicalizeResource(user({ schemas: [URN.user, 5] }), users), 'invalidSyntax', 'schemas');
  });

  it('accepts the same attribute named twice with equal values and rejects different ones', () => {
    assert.equal(canonicalizeResource({ userName: 'a', UserName: 'a' }, users).doc['userName'], 'a');
    assertRejects(() => canonicalizeResource({ userName: 'a', UserName: 'b' }, users), 'invalidValue', "'userName'");
    assertRejects(
      () => canonicalizeResource(user({ [ENT]: { department: 'A' }, [`${ENT}:department`]: 'B' }), users),
      'invalidValue',
      `'${ENT}:department'`,
    );
  });

  it('accepts the ADSCIM schema URI on an Entra group create and returns members apart from the document', () => {
    const result = canonicalizeResource(fixture('create-group.json'), groups);
    assert.deepEqual(result.doc, { externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'Retail Managers' });
    assert.deepEqual(result.members, []);
    assert.deepEqual(result.ignored, []);
  });

  it('returns members undefined when the body does not mention members', () => {
    assert.equal(canonicalizeResource({ displayName: 'G' }, groups).members, undefined);
    assert.deepEqual(canonicalizeResource({ displayName: 'G', members: null }, groups).members, []);
  });

  it('canonicalizes members: $ref null accepted, type matched case-insensitively, duplicates merged', () => {
    const result = canonicalizeResource(
      {
        displayName: 'G',
        members: [
          { value: 'u1', $ref: null, display: 'Adele' },
          { Value: 'g2', Type: 'group', $ref: 'https://x/Groups/g2' },
          { value: 'u1' },
          'u3',
          { value: 'u4', extra: true },
        ],
      },
      groups,
    );
    assert.deepEqual(result.members, [
      { value: 'u1', display: 'Adele' },
      { value: 'g2', type: 'Group' },
      { value: 'u3' },
      { value: 'u4' },
    ]);
    assert.deepEqual(result.ignored, ['members.extra']);
    assert.equal('members' in result.doc, false);
  });

  for (const [label, member, fragment] of [
    ['without value', { display: 'x', $ref: null }, "'members.value' is required"],
    ['with an empty value', { value: '' }, "'members.value' is required"],
    ['with a numeric value', { value: 5 }, "'members.value'"],
    ['with an unknown type', { value: 'u1', type: 'Device' }, "'members.type'"],
  ] as const) {
    it(`rejects a member ${label} with 400 invalidValue`, () => {
      assertRejects(() => canonicalizeResource({ displayName: 'G', members: [member] }, groups), 'invalidValue', fragment);
    });
  }

  it('ignores user groups as readOnly rather than treating them as members', () => {
    const result = canonicalizeResource(user({ members: [{ value: 'x' }], groups: [{ value: 'g' }] }), users);
    assert.equal(result.members, undefined);
    assert.deepEqual(result.ignored, ['members']);
  });

  it('throws nothing but 400 ScimErrors for arbitrary JSON values of every attribute', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const leaf = (): unknown => [null, true, 'False', 0, 1.5, -3, '', 'x', '2008-01-23T04:56:22Z', '12'][Math.floor(random() * 10)];
    const value = (depth: number): unknown => {
      const pick = random();
      if (depth > 2 || pick < 0.5) return leaf();
      if (pick < 0.75) return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1));
      const names = ['value', 'Value', 'primary', 'type', 'display', 'givenName', 'manager', '$ref', 'level', 'foo'];
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [names[Math.floor(random() * names.length)], value(depth + 1)]));
    };
    const names = [
      ...users.core.attributes.map((a) => a.name),
      'id',
      'meta',
      'externalId',
      ENT,
      CUSTOM,
      `${ENT}:manager`,
      `${CUSTOM}:hiredAt`,
      'name.givenName',
    ];
    for (let round = 0; round < 2000; round++) {
      const body: Record<string, unknown> = { userName: 'u' };
      for (const name of names) if (random() < 0.3) body[name] = value(0);
      for (const schema of [users, groups]) {
        try {
          canonicalizeResource(schema === groups ? { ...body, displayName: 'G', members: value(0) } : body, schema);
        } catch (error) {
          assert.ok(isScimError(error) && error.status === 400, `round ${round}: ${String(error)} for ${JSON.stringify(body)}`);
        }
      }
    }
  });
});

describe('canonicalizeAttributeValue', () => {
  it('returns an array of canonical elements for a multi-valued attribute, wrapping a single value', () => {
    const emails = resolve(users, undefined, 'emails');
    assert.deepEqual(canonicalizeAttributeValue(emails, [{ Value: 'a@x', Type: 'work' }], []), [{ value: 'a@x', type: 'work' }]);
    assert.deepEqual(canonicalizeAttributeValue(emails, { value: 'a@x' }, []), [{ value: 'a@x' }]);
  });

  it('returns undefined for null, an empty array and an empty object', () => {
    const emails = resolve(users, undefined, 'emails');
    for (const absent of [null, [], {}, [null]]) assert.equal(canonicalizeAttributeValue(emails, absent, []), undefined);
  });

  it('coerces a sub-attribute target to its own type', () => {
    assert.equal(canonicalizeAttributeValue(resolve(users, undefined, 'name', 'givenName'), 'Adele', []), 'Adele');
    assert.equal(canonicalizeAttributeValue(resolve(users, undefined, 'emails', 'primary'), 'True', []), true);
  });

  it('turns a PATCHed bare manager id into {"value": id}', () => {
    const manager = resolve(users, ENT, 'manager');
    assert.deepEqual(canonicalizeAttributeValue(manager, 'mgr-2', []), { value: 'mgr-2' });
  });

  it('reads "False" for active as false', () => {
    assert.equal(canonicalizeAttributeValue(resolve(users, undefined, 'active'), 'False', []), false);
  });

  it('never returns a password', () => {
    assert.equal(canonicalizeAttributeValue(resolve(users, undefined, 'password'), 'secret', []), undefined);
  });

  it('returns MemberRefs for group members', () => {
    const members = resolve(groups, undefined, 'members');
    assert.deepEqual(canonicalizeAttributeValue(members, [{ value: 'u1', $ref: null }, { value: 'u2', type: 'User' }], []), [
      { value: 'u1' },
      { value: 'u2', type: 'User' },
    ]);
    assert.equal(canonicalizeAttributeValue(members, [], []), undefined);
  });

  it('names the resolved key in type errors and lists unknown sub-attributes', () => {
    assertRejects(() => canonicalizeAttributeValue(resolve(users, ENT, 'employeeNumber'), 42, []), 'invalidValue', `'${ENT}:employeeNumber'`);
    const ignored: string[] = [];
    canonicalizeAttributeValue(resolve(users, undefined, 'name'), { givenName: 'A', nick: 'x' }, ignored);
    assert.deepEqual(ignored, ['name.nick']);
  });
});

describe('canonicalizeElement', () => {
  it('canonicalizes one element of a multi-valued complex attribute', () => {
    const emails = resolve(users, undefined, 'emails').attribute;
    assert.deepEqual(canonicalizeElement(emails, { Value: 'a@x', Primary: 'true' }, 'emails', []), { value: 'a@x', primary: true });
    assertRejects(() => canonicalizeElement(emails, 'a@x', 'emails', []), 'invalidValue', "'emails'");
    assert.equal(canonicalizeElement(emails, null, 'emails', []), undefined);
    assertRejects(() => canonicalizeElement(emails, [{ value: 'a@x' }], 'emails', []), 'invalidValue', "'emails'");
  });

  it('returns a MemberRef for an element of group members', () => {
    const members = resolve(groups, undefined, 'members').attribute;
    assert.deepEqual(canonicalizeElement(members, { value: 'u1', $ref: null, type: 'user' }, 'members', []), { value: 'u1', type: 'User' });
  });
});

describe('canonicalizeExtensionObject', () => {
  const enterprise = users.extensionByUrn(ENT);
  assert.ok(enterprise);

  it('canonicalizes names and values and lists unknown attributes with their URN', () => {
    const ignored: string[] = [];
    const object = canonicalizeExtensionObject(enterprise, { DEPARTMENT: 'Retail', Manager: 'mgr-1', shoe: 44 }, ignored);
    assert.deepEqual(object, { department: 'Retail', manager: { value: 'mgr-1' } });
    assert.deepEqual(ignored, [`${ENT}:shoe`]);
  });

  it('returns undefined for null, {} or only null attributes', () => {
    for (const absent of [null, {}, { department: null }]) assert.equal(canonicalizeExtensionObject(enterprise, absent, []), undefined);
  });

  it('rejects a value that is not an object with 400 invalidValue naming the URN', () => {
    assertRejects(() => canonicalizeExtensionObject(enterprise, 'Retail', []), 'invalidValue', ENT);
  });
});

describe('splitSchemaQualifiedName', () => {
  it('splits URN-qualified names case-insensitively and refuses unknown URNs', () => {
    assert.deepEqual(splitSchemaQualifiedName(`${ENT.toLowerCase()}:manager.value`, users), {
      schema: users.extensionByUrn(ENT),
      rest: 'manager.value',
    });
    assert.deepEqual(splitSchemaQualifiedName('userName', users), { schema: undefined, rest: 'userName' });
    assert.deepEqual(splitSchemaQualifiedName(ENT, users), { schema: users.extensionByUrn(ENT), rest: '' });
    assert.equal(splitSchemaQualifiedName(URN.entraAdscimGroup, groups), undefined);
  });
});
