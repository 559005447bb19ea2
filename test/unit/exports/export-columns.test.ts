import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkColumns, columnChoices, membershipCells, resourceCells } from '../../../main/exports/export-columns';
import { defineAttribute } from '../../../main/scim/schema/core-schemas';
import { buildResourceSchemas } from '../../../main/scim/schema/resource-schema';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
const schemas = buildResourceSchemas([{ resourceType: 'User', schema: { id: ACME, name: 'Acme', description: '', attributes: [defineAttribute('costCenter', 'string')] } }]);
const choices = columnChoices(schemas);

describe('export columns', () => {
  it('offers id, the attributes Entra can write, and the admin’s extension attributes; never group members', () => {
    for (const path of ['id', 'userName', 'active', 'name.givenName', 'emails[type eq "work"].value', `${ENTERPRISE}:department`, `${ENTERPRISE}:manager`, `${ACME}:costCenter`]) {
      assert.ok(choices.available.users.includes(path), path);
    }
    assert.ok(choices.available.groups.includes('displayName'));
    assert.ok(!choices.available.groups.includes('members'));
    assert.deepEqual(choices.available.memberships.slice(0, 4), ['group.id', 'group.displayName', 'group.externalId', 'member.id']);
  });

  it('keeps the order chosen, matches paths case-insensitively in their canonical spelling, and refuses unknown ones', () => {
    assert.deepEqual(checkColumns('users', ['USERNAME', 'id', 'Emails[type eq "work"].value'], choices), { columns: ['userName', 'id', 'emails[type eq "work"].value'] });
    assert.deepEqual(checkColumns('users', ['userName', 'password', 'shoeSize'], choices), { unknown: ['password', 'shoeSize'] });
    assert.deepEqual(checkColumns('groups', [], choices), { columns: ['id', 'externalId', 'displayName'] }, 'empty: the defaults');
  });

  it('reads each column from the stored document, in the order given, joining several values with the separator', () => {
    const cells = resourceCells(['userName', 'id', 'emails[type eq "work"].value', 'emails.value', 'active', `${ENTERPRISE}:manager`, `${ACME}:costCenter`, 'title']);
    const doc = {
      userName: 'adele@contoso.com',
      active: false,
      emails: [
        { value: 'adele@contoso.com', type: 'work' },
        { value: 'adele@home.example', type: 'home' },
      ],
      [ENTERPRISE]: { manager: { value: 'm-1' } },
      [ACME]: { costCenter: '=cmd' },
    };
    assert.deepEqual(cells({ id: 'u-1', doc }), ['adele@contoso.com', 'u-1', 'adele@contoso.com', 'adele@contoso.com|adele@home.example', 'false', 'm-1', '=cmd', null]);
    assert.equal(choices.separator, '|');
  });

  it('writes a membership’s chosen columns in order', () => {
    const cells = membershipCells(['member.userName', 'group.displayName', 'member.type']);
    const row = { groupId: 'g', groupDisplayName: 'Sales', groupExternalId: null, memberId: 'u', memberType: 'User' as const, memberUserName: 'a@x', memberDisplayName: null, memberExternalId: null };
    assert.deepEqual(cells(row), ['a@x', 'Sales', 'User']);
  });
});
