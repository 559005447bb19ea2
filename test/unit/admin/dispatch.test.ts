import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toAdminError } from '../../../main/admin/dispatch';
import {
  StoreConflictError,
  StoreInputError,
  StoreNotFoundError,
  StoreQueryError,
  StoreUnavailableError,
  StoreUniquenessError,
  StoreVersionError,
} from '../../../main/store/store-errors';

describe("the admin dispatcher's error table, for the store's refusals", () => {
  const rows: ReadonlyArray<{ readonly name: string; readonly error: Error; readonly code: string }> = [
    { name: 'a record that is not there', error: new StoreNotFoundError('Group', 'g-1'), code: 'notFound' },
    { name: 'a stale version', error: new StoreVersionError('User', 'u-1', 2, [1]), code: 'invalidInput' },
    { name: 'a query the store cannot run', error: new StoreQueryError('Value filters cannot be nested'), code: 'invalidInput' },
    { name: 'input the store refuses', error: StoreInputError.selfMembership('g-1'), code: 'invalidInput' },
    { name: 'a value another record holds', error: new StoreUniquenessError('userName', { kind: 'User', value: 'a', holderId: 'u-2', holderName: null }), code: 'conflict' },
    { name: 'data that changed under a fix', error: new StoreConflictError('No change was applied', ['x']), code: 'conflict' },
    { name: 'a full disk', error: new StoreUnavailableError('full'), code: 'unavailable' },
    { name: 'a database locked by another program', error: new StoreUnavailableError('busy'), code: 'unavailable' },
  ];
  for (const row of rows) {
    it(`answers ${row.name} with ${row.code} and the store's own words`, () => {
      assert.deepEqual(toAdminError(row.error), { code: row.code, message: row.error.message });
    });
  }

  it('leaves any other error internal', () => {
    assert.equal(toAdminError(new Error('disk I/O error')), undefined);
  });
});
