import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { storeErrorToScim } from '../../../main/http/scim-error-body';
import { toStoreError } from '../../../main/store/open-database';
import { StoreQueryError, StoreUnavailableError } from '../../../main/store/store-errors';

describe("toStoreError: SQLite's conditions as the store's own errors", () => {
  const rows: ReadonlyArray<readonly [code: string, message: string, reason: StoreUnavailableError['reason'], retryAfter: number]> = [
    ['SQLITE_FULL', 'database or disk is full', 'full', 60],
    ['SQLITE_READONLY', 'attempt to write a readonly database', 'readOnly', 60],
    ['SQLITE_READONLY_DBMOVED', 'attempt to write a readonly database', 'readOnly', 60],
    ['SQLITE_BUSY', 'database is locked', 'busy', 5],
    ['SQLITE_BUSY_SNAPSHOT', 'database is locked', 'busy', 5],
    ['SQLITE_IOERR_WRITE', 'disk I/O error', 'io', 60],
    ['SQLITE_CANTOPEN', 'unable to open database file', 'io', 60],
  ];
  for (const [code, message, reason, retryAfter] of rows) {
    it(`turns ${code} into StoreUnavailableError(${reason}), and SCIM answers it 503 with Retry-After ${retryAfter}`, () => {
      const error = toStoreError(new Database.SqliteError(message, code));
      assert.ok(error instanceof StoreUnavailableError);
      assert.equal(error.reason, reason);
      const scim = storeErrorToScim(error);
      assert.equal(scim?.status, 503);
      assert.equal(scim?.retryAfterSeconds, retryAfter);
      assert.equal(scim?.detail, error.message);
    });
  }

  it('turns a statement past one of SQLite\'s limits into a StoreQueryError (SCIM: 400 invalidFilter)', () => {
    const error = toStoreError(new Database.SqliteError('Expression tree is too large (maximum depth 1000)', 'SQLITE_ERROR'));
    assert.ok(error instanceof StoreQueryError);
    assert.equal(storeErrorToScim(error)?.scimType, 'invalidFilter');
  });

  it('passes faults on as they are (SCIM: 500)', () => {
    const corrupt = new Database.SqliteError('database disk image is malformed', 'SQLITE_CORRUPT');
    assert.equal(toStoreError(corrupt), corrupt);
    const plain = new TypeError('x');
    assert.equal(toStoreError(plain), plain);
    assert.equal(storeErrorToScim(corrupt), undefined);
  });
});
