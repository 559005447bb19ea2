import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { withDuplicateExternalIdsAccepted } from '../../scripts/duplicate-external-ids';
import { startTestCore, type TestCore } from '../support/start-test-core';
import { assertListResponse, readEmpty, readScim, readScimError, URN_ADSCIM_GROUP, URN_GROUP, URN_PATCH, URN_USER, type Json } from './protocol-helpers';

/**
 * What must be unique, over HTTP: a group's displayName (Entra matches groups by it), always and
 * case-insensitively; an externalId (Entra's objectId) per kind, unless the directory accepts
 * duplicates. Records that already share a value can still be updated.
 */
describe('uniqueness of group names and Object IDs over HTTP', () => {
  let t: TestCore;

  before(async () => {
    t = await startTestCore();
  });

  after(async () => {
    await t.stop();
  });

  const createGroup = (displayName: string, externalId: string = randomUUID()) =>
    t.scim('/Groups', {
      method: 'POST',
      body: JSON.stringify({ schemas: [URN_GROUP, URN_ADSCIM_GROUP], externalId, displayName, members: [] }),
    });
  const createUser = (userName: string, externalId: string, extra: Record<string, unknown> = {}) =>
    t.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName, externalId, active: true, ...extra }) });
  const patch = (path: string, operations: unknown[]) =>
    t.scim(path, { method: 'PATCH', body: JSON.stringify({ schemas: [URN_PATCH], Operations: operations }) });
  const count = async (endpoint: string, filter: string) =>
    (await readScim(await t.scim(`${endpoint}?filter=${encodeURIComponent(filter)}`), 200)).totalResults as number;

  it('refuses a second group whose displayName differs only in case with 409 uniqueness naming the holder', async () => {
    const first = await readScim(await createGroup('Sales Team'), 201);
    const error = await readScimError(await createGroup('SALES team'), 409, 'uniqueness', 'second group');
    assert.match(error.detail, new RegExp(first.id));
    assert.match(error.detail, /Entra matches groups by displayName/);
    assert.equal(await count('/Groups', 'displayName eq "sales team"'), 1, "Entra's next probe still finds one group");

    // The refusal is in the sync log as Entra's failure.
    await t.core.syncLog.flush();
    const [entry] = await t.core.store.querySyncLog({ outcome: 'clientError', limit: 1 });
    assert.equal(entry?.status, 409);
    assert.equal(entry?.scimType, 'uniqueness');
    assert.equal(entry?.displayName, 'SALES team');
  });

  it('refuses renaming a group onto a taken name by PUT, PATCH and path-less PATCH, and changes nothing', async () => {
    const taken = await readScim(await createGroup('Finance'), 201);
    const group = await readScim(await createGroup('Finance (old)'), 201);
    const put = await t.scim(`/Groups/${group.id}`, {
      method: 'PUT',
      body: JSON.stringify({ schemas: [URN_GROUP], externalId: group.externalId, displayName: 'finance' }),
    });
    await readScimError(put, 409, 'uniqueness', 'PUT');
    await readScimError(await patch(`/Groups/${group.id}`, [{ op: 'Replace', path: 'displayName', value: 'FINANCE' }]), 409, 'uniqueness', 'PATCH');
    await readScimError(await patch(`/Groups/${group.id}`, [{ op: 'replace', value: { displayName: 'Finance' } }]), 409, 'uniqueness', 'path-less');
    const after = await readScim(await t.scim(`/Groups/${group.id}`), 200);
    assert.equal(after.displayName, 'Finance (old)');
    assert.equal(after.meta.version, group.meta.version);
    assert.equal((await readScim(await t.scim(`/Groups/${taken.id}`), 200)).displayName, 'Finance');
  });

  it('lets a group change the letter case of its own name, and take a name another group gave up', async () => {
    const group = await readScim(await createGroup('Marketing'), 201);
    await readEmpty(await patch(`/Groups/${group.id}`, [{ op: 'Replace', path: 'displayName', value: 'MARKETING' }]), 204);
    await readEmpty(await patch(`/Groups/${group.id}`, [{ op: 'Replace', path: 'displayName', value: 'Marketing EMEA' }]), 204);
    await readScim(await createGroup('marketing'), 201);
  });

  it('refuses a second user or group with an Object ID another one holds (any letter case) by POST, PUT and PATCH', async () => {
    const objectId = randomUUID();
    const holder = await readScim(await createUser('holder@contoso.com', objectId), 201);
    const second = await createUser('restored@contoso.com', objectId.toUpperCase());
    const error = await readScimError(second, 409, 'uniqueness', 'POST user');
    assert.match(error.detail, new RegExp(`holder@contoso.com \\(${holder.id}\\)`));
    assert.match(error.detail, /Entra match the wrong one/);

    const other = await readScim(await createUser('other@contoso.com', randomUUID()), 201);
    await readScimError(await patch(`/Users/${other.id}`, [{ op: 'Replace', path: 'externalId', value: objectId }]), 409, 'uniqueness', 'PATCH user');
    const put = await t.scim(`/Users/${other.id}`, { method: 'PUT', body: JSON.stringify({ schemas: [URN_USER], userName: 'other@contoso.com', externalId: objectId }) });
    await readScimError(put, 409, 'uniqueness', 'PUT user');
    assert.equal(await count('/Users', `externalId eq "${objectId}"`), 1);

    const groupObjectId = randomUUID();
    await readScim(await createGroup('Holders', groupObjectId), 201);
    await readScimError(await createGroup('Holders (copy)', groupObjectId), 409, 'uniqueness', 'POST group');
    // Kinds are apart: a user may not share a group's objectId in Entra anyway, and nothing matches across them.
    await readScim(await createUser('crosskind@contoso.com', groupObjectId), 201);
  });

  it('accepts the duplicate when the directory allows it, and keeps both records updatable after the policy returns', async () => {
    const objectId = randomUUID();
    const first = await readScim(await createUser('first@contoso.com', objectId), 201);
    const second = await withDuplicateExternalIdsAccepted(t.core.store, async () => readScim(await createUser('second@contoso.com', objectId), 201));
    assert.equal(await count('/Users', `externalId eq "${objectId}"`), 2);
    // Refused again: but records that already share the Object ID are not frozen by it.
    await readScimError(await createUser('third@contoso.com', objectId), 409, 'uniqueness', 'third');
    const patched = await readScim(await patch(`/Users/${second.id}`, [{ op: 'Replace', path: 'title', value: 'Restored' }]), 200);
    assert.equal(patched.title, 'Restored');
    const put = await t.scim(`/Users/${first.id}`, {
      method: 'PUT',
      body: JSON.stringify({ schemas: [URN_USER], userName: 'first@contoso.com', externalId: objectId, title: 'Original' }),
    });
    assert.equal((await readScim(put, 200)).title, 'Original');
    const list = await readScim(await t.scim(`/Users?filter=${encodeURIComponent(`externalId eq "${objectId}"`)}`), 200);
    assert.equal(assertListResponse(list, 2).length, 2);
  });

  it('refuses to link a record to an Object ID another holds through the admin edit, whatever the policy', async () => {
    const objectId = randomUUID();
    await readScim(await createUser('linked@contoso.com', objectId), 201);
    const other: Json = await readScim(await createUser('unlinked@contoso.com', randomUUID()), 201);
    await withDuplicateExternalIdsAccepted(t.core.store, async () => {
      await assert.rejects(
        t.core.store.setExternalId('User', other.id, objectId, { time: new Date().toISOString(), actor: 'test', action: 'setExternalId', resourceType: 'User', resourceId: other.id, summary: 'x' }, new Date()),
        /already linked/,
      );
    });
  });
});
