import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toEntraGroup, toEntraUser } from '../../../main/admin/entra/to-entra-snapshot';

describe('Graph → snapshot mappers', () => {
  it('maps a user, treating empty strings and missing values as null', () => {
    assert.deepEqual(toEntraUser({ id: 'u1', userPrincipalName: 'a@contoso.com', mail: '', mailNickname: 'a', displayName: null, employeeId: undefined }), {
      objectId: 'u1',
      userPrincipalName: 'a@contoso.com',
      mail: null,
      mailNickname: 'a',
      displayName: null,
      accountEnabled: null,
      employeeId: null,
    });
  });

  it('maps a group', () => {
    assert.deepEqual(toEntraGroup({ id: 'g1', displayName: 'Sales', mailNickname: 'sales', mail: null }), { objectId: 'g1', displayName: 'Sales', mailNickname: 'sales', mail: null });
  });
});
