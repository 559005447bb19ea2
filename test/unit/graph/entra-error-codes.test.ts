import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENTRA_ERROR_CODES, explainEntraErrorCode } from '../../../main/graph/entra-error-codes';

describe('explainEntraErrorCode', () => {
  it('explains the provisioning-log codes support engineers meet, with a fix in ScimDesk terms', () => {
    for (const code of [
      'SystemForCrossDomainIdentityManagementBadRequest',
      'DuplicateTargetEntries',
      'NotEffectivelyEntitled',
      'SystemForCrossDomainIdentityManagementServiceIncompatible',
      'SystemForCrossDomainIdentityManagementUnauthorized',
      'HybridSynchronizationActiveDirectoryInvalidGroupType',
      'RedundantExport',
      'SystemForCrossDomainIdentityManagementMultipleEntriesInResponse',
      'EntryConflict',
      'InvalidAnchor',
    ]) {
      const explained = explainEntraErrorCode(code);
      assert.ok(explained, code);
      assert.ok(explained.meaning.length > 20 && explained.fix.length > 10, code);
    }
    assert.ok(ENTRA_ERROR_CODES.length >= 30);
  });

  it('matches case-insensitively and answers null for unknown or empty codes', () => {
    assert.equal(explainEntraErrorCode('duplicatetargetentries')?.code, 'DuplicateTargetEntries');
    assert.equal(explainEntraErrorCode('SomethingNew'), null);
    assert.equal(explainEntraErrorCode(null), null);
  });

  it('points a 401 at the SCIM token and a duplicate at Compare', () => {
    assert.match(explainEntraErrorCode('SystemForCrossDomainIdentityManagementUnauthorized')!.fix, /token/);
    assert.match(explainEntraErrorCode('DuplicateTargetEntries')!.fix, /Compare/);
  });
});
