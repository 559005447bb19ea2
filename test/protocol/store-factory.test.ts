import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DATABASE_FILE } from '../../main/core/create-core';
import type { DirectoryStore, DirectoryStoreFactory, DirectoryStoreOptions } from '../../main/store/directory-store';
import { sqliteStoreFactory } from '../../main/store/sqlite-store';
import { startTestCore } from '../support/start-test-core';

describe('the composition root opens its store through the factory it is given', () => {
  it('asks the factory once for the data folder database, and SCIM writes reach that store', async () => {
    const opened: Array<{ location: string; options: DirectoryStoreOptions; store: DirectoryStore }> = [];
    const factory: DirectoryStoreFactory = (location, options) => {
      const store = sqliteStoreFactory(location, options);
      opened.push({ location, options, store });
      return store;
    };
    const test = await startTestCore({ store: factory });
    try {
      assert.equal(opened.length, 1);
      assert.equal(opened[0]!.location, join(test.dataDir, DATABASE_FILE));
      assert.deepEqual(opened[0]!.options, { checkpointWorker: true });
      assert.equal(test.core.store, opened[0]!.store);
      const created = await test.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'factory@contoso.com' }) });
      assert.equal(created.status, 201);
      assert.equal(await opened[0]!.store.countResources('User'), 1);
    } finally {
      await test.stop();
    }
  });
});
