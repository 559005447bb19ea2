import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { URN } from '../../../../shared/scim/urns';
import { createProjection, parseAttributeList, projectResource, wantsAttribute } from '../../../../main/scim/resource/project';
import type { SchemaDef } from '../../../../main/scim/schema/attribute-def';
import { defineAttribute } from '../../../../main/scim/schema/core-schemas';
import { buildResourceSchemas } from '../../../../main/scim/schema/resource-schema';

const ENT = URN.enterpriseUser;
const AUDIT = 'urn:example:scimdesk:extension:Audit:1.0:User';

/** An admin-defined extension with `returned: request` and `returned: never` attributes. */
const auditExtension: SchemaDef = {
  id: AUDIT,
  name: 'Audit',
  description: 'Test extension',
  attributes: [
    defineAttribute('riskScore', 'integer', { returned: 'request' }),
    defineAttribute('secret', 'string', { returned: 'never', mutability: 'writeOnly' }),
  ],
};

const schemas = buildResourceSchemas([{ resourceType: 'User', schema: auditExtension }]);
const users = schemas.User;
const groups = schemas.Group;

const meta = {
  resourceType: 'User',
  created: '2024-05-01T10:00:00Z',
  lastModified: '2024-05-02T10:00:00Z',
  location: 'https://scim.example/scim/v2/Users/u1',
  version: 'W/"3"',
};

const fullUser = {
  schemas: [URN.user, ENT, AUDIT],
  id: 'u1',
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  userName: 'adele.vance@contoso.com',
  name: { formatted: 'Adele Vance', familyName: 'Vance', givenName: 'Adele' },
  active: true,
  password: 'must never leave',
  emails: [
    { value: 'adele.vance@contoso.com', type: 'work', primary: true },
    { value: 'adele@home.example', type: 'home' },
  ],
  groups: [{ value: 'g1', display: 'Retail', type: 'direct', $ref: 'https://scim.example/scim/v2/Groups/g1' }],
  [ENT]: { department: 'Retail', manager: { value: 'mgr-1', displayName: 'Boss' } },
  [AUDIT]: { riskScore: 3, secret: 'nope' },
  meta,
};

const fullGroup = {
  schemas: [URN.group],
  id: 'g1',
  externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
  displayName: 'Retail Managers',
  members: [{ value: 'u1', type: 'User', display: 'Adele Vance', $ref: 'https://scim.example/scim/v2/Users/u1' }],
  meta: { ...meta, resourceType: 'Group' },
};

const project = (resource: Record<string, unknown>, attributes?: string, excluded?: string) =>
  projectResource(resource, resource === fullGroup ? groups : users, createProjection(resource === fullGroup ? groups : users, attributes, excluded));

describe('parseAttributeList', () => {
  it('splits on commas, tolerates whitespace and resolves names case-insensitively to canonical keys', () => {
    const keys = parseAttributeList(' USERNAME , emails.VALUE,,name.givenName ', users).map((r) => r.key);
    assert.deepEqual(keys, ['userName', 'emails.value', 'name.givenName']);
  });

  it('resolves URN-qualified names, including the core URN and a lower-cased extension URN', () => {
    const keys = parseAttributeList(`${URN.user}:userName,${ENT.toLowerCase()}:manager.value`, users).map((r) => r.key);
    assert.deepEqual(keys, ['userName', `${ENT}:manager.value`]);
  });

  it('expands a bare extension URN to every attribute of that extension', () => {
    const keys = parseAttributeList(ENT, users).map((r) => r.key);
    assert.deepEqual(keys, ['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager'].map((n) => `${ENT}:${n}`));
  });

  it('ignores unknown names and unknown URNs, and drops duplicates', () => {
    const keys = parseAttributeList(`foo,emails.bar,a.b.c,urn:example:nope:name,userName,username,${URN.entraAdscimGroup}`, users).map((r) => r.key);
    assert.deepEqual(keys, ['userName']);
    assert.deepEqual(parseAttributeList('members', users), []);
  });

  it('returns an empty list for an absent or empty parameter', () => {
    assert.deepEqual(parseAttributeList(undefined, users), []);
    assert.deepEqual(parseAttributeList(' ', users), []);
  });
});

describe('projectResource', () => {
  it('returns every default attribute and never the password or returned-request/never extension attributes', () => {
    const { password: _password, [AUDIT]: _audit, ...expected } = fullUser;
    assert.deepEqual(project(fullUser), { ...expected, schemas: [URN.user, ENT] });
  });

  it('keeps schemas, id, externalId first and meta last whatever the input order', () => {
    const { meta: m, schemas: s, id, externalId, ...rest } = fullUser;
    const shuffled = { meta: m, ...rest, externalId, id, schemas: s };
    assert.deepEqual(Object.keys(project(shuffled)), [
      'schemas',
      'id',
      'externalId',
      'userName',
      'name',
      'active',
      'emails',
      'groups',
      ENT,
      'meta',
    ]);
  });

  it('keeps only the named attributes and sub-attributes for attributes=userName,emails.value', () => {
    assert.deepEqual(project(fullUser, 'userName,emails.value'), {
      schemas: [URN.user],
      id: 'u1',
      userName: 'adele.vance@contoso.com',
      emails: [{ value: 'adele.vance@contoso.com' }, { value: 'adele@home.example' }],
    });
  });

  it('keeps an extension object with only the named extension sub-attribute', () => {
    assert.deepEqual(project(fullUser, `${ENT}:manager.value`), {
      schemas: [URN.user, ENT],
      id: 'u1',
      [ENT]: { manager: { value: 'mgr-1' } },
    });
  });

  it('returns a returned:request attribute only when attributes names it', () => {
    assert.deepEqual(project(fullUser, `${AUDIT}:riskScore`)[AUDIT], { riskScore: 3 });
    assert.equal(project(fullUser, undefined, 'userName')[AUDIT], undefined);
  });

  it('never returns a returned:never attribute, even when named', () => {
    const projected = project(fullUser, `password,${AUDIT}:secret,userName`);
    assert.deepEqual(projected, { schemas: [URN.user], id: 'u1', userName: 'adele.vance@contoso.com' });
  });

  it('always returns id and schemas, which excludedAttributes cannot remove', () => {
    const projected = project(fullUser, undefined, 'id,schemas,emails,meta');
    assert.equal(projected['id'], 'u1');
    assert.deepEqual(projected['schemas'], [URN.user, ENT]);
    assert.equal('emails' in projected, false);
    assert.equal('meta' in projected, false);
  });

  it('removes members for excludedAttributes=members and keeps the rest of the group', () => {
    const { members: _members, ...expected } = fullGroup;
    assert.deepEqual(project(fullGroup, undefined, 'members'), expected);
  });

  it('removes a sub-attribute for excludedAttributes=name.givenName', () => {
    assert.deepEqual(project(fullUser, undefined, 'NAME.givenname')['name'], { formatted: 'Adele Vance', familyName: 'Vance' });
  });

  it('drops an extension object emptied by excludedAttributes and its URN from schemas', () => {
    const projected = project(fullUser, undefined, `${ENT}:department, ${ENT}:manager`);
    assert.equal(ENT in projected, false);
    assert.deepEqual(projected['schemas'], [URN.user]);
    assert.deepEqual(project(fullUser, undefined, `${ENT}:department`)[ENT], { manager: { value: 'mgr-1', displayName: 'Boss' } });
  });

  it('excludes a whole extension named by its URN', () => {
    assert.equal(ENT in project(fullUser, undefined, ENT), false);
  });

  it('drops elements and complex values the whitelist empties', () => {
    const resource = { ...fullUser, emails: [{ value: 'a@x' }, { type: 'home' }], name: { formatted: 'A' } };
    const projected = project(resource, 'emails.value,name.givenName');
    assert.deepEqual(projected['emails'], [{ value: 'a@x' }]);
    assert.equal('name' in projected, false);
  });

  it('applies the whitelist first and then the exclusions when both are given', () => {
    assert.deepEqual(project(fullUser, 'userName,emails', 'emails.type,emails.primary'), {
      schemas: [URN.user],
      id: 'u1',
      userName: 'adele.vance@contoso.com',
      emails: [{ value: 'adele.vance@contoso.com' }, { value: 'adele@home.example' }],
    });
  });

  it('ignores unknown names instead of failing', () => {
    assert.deepEqual(project(fullUser, 'nope,userName'), { schemas: [URN.user], id: 'u1', userName: 'adele.vance@contoso.com' });
    assert.deepEqual(project(fullGroup, undefined, 'nope'), fullGroup);
  });
});

describe('wantsAttribute', () => {
  it('is false for members when excludedAttributes=members, so the member table is not read', () => {
    assert.equal(wantsAttribute(groups, createProjection(groups, undefined, 'members'), 'members'), false);
    assert.equal(wantsAttribute(groups, createProjection(groups, undefined, undefined), 'members'), true);
  });

  it('follows the attributes whitelist, down to sub-attributes', () => {
    const projection = createProjection(groups, 'displayName', undefined);
    assert.equal(wantsAttribute(groups, projection, 'members'), false);
    assert.equal(wantsAttribute(groups, projection, 'id'), true);
    assert.equal(wantsAttribute(groups, createProjection(groups, 'members.value', undefined), 'members'), true);
    assert.equal(wantsAttribute(users, createProjection(users, 'emails.value', undefined), 'emails.type'), false);
    assert.equal(wantsAttribute(users, createProjection(users, undefined, 'emails.type'), 'emails.type'), false);
    assert.equal(wantsAttribute(users, createProjection(users, undefined, 'emails.type'), 'emails'), true);
  });

  it('honours returned rules and accepts URN-qualified keys and whole extensions', () => {
    const none = createProjection(users, undefined, undefined);
    assert.equal(wantsAttribute(users, none, 'password'), false);
    assert.equal(wantsAttribute(users, none, `${AUDIT}:riskScore`), false);
    assert.equal(wantsAttribute(users, none, AUDIT), false);
    assert.equal(wantsAttribute(users, createProjection(users, `${AUDIT}:riskScore`, undefined), AUDIT), true);
    assert.equal(wantsAttribute(users, createProjection(users, undefined, ENT), `${ENT}:manager`), false);
    assert.equal(wantsAttribute(users, createProjection(users, undefined, 'groups'), 'GROUPS'), false);
  });

  it('treats an unknown key as wanted unless attributes is a whitelist', () => {
    assert.equal(wantsAttribute(users, createProjection(users, undefined, undefined), 'nope'), true);
    assert.equal(wantsAttribute(users, createProjection(users, 'userName', undefined), 'nope'), false);
  });
});
