import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestCore, type TestCore } from '../support/start-test-core';
import { readScim, URN_ERROR, URN_GROUP, URN_PATCH, URN_USER, type Json } from './protocol-helpers';

/** One refusal the store makes inside a write, and the SCIM error it must answer with, to the letter. */
interface StoreRefusal {
  readonly name: string;
  readonly send: () => Promise<Response>;
  readonly status: number;
  readonly scimType?: string;
  readonly detail: () => string;
}

/**
 * The store refuses some writes itself (the record is gone, a version moved on, a value is taken,
 * a group would contain itself) in its own error types; the SCIM transport turns them into RFC 7644
 * §3.12 errors in one place. These rows pin every such answer, word for word, and the sync log's copy
 * of it: a change in where the wording lives must not change what Entra reads.
 */
describe('SCIM answers to what the store refuses', () => {
  let t: TestCore;
  let user: Json;
  let other: Json;
  let group: Json;
  const unknownId = randomUUID();

  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.scim(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const patchOps = (operations: unknown[]) => ({ schemas: [URN_PATCH], Operations: operations });

  before(async () => {
    t = await startTestCore();
    user = await readScim(await send('POST', '/Users', { schemas: [URN_USER], userName: 'held@contoso.com', externalId: 'ext-held' }), 201);
    other = await readScim(await send('POST', '/Users', { schemas: [URN_USER], userName: 'other@contoso.com' }), 201);
    group = await readScim(await send('POST', '/Groups', { schemas: [URN_GROUP], displayName: 'Held Group', externalId: 'ext-group' }), 201);
    // One more version of `other`, so W/"1" is stale.
    await readScim(await send('PATCH', `/Users/${other.id}`, patchOps([{ op: 'replace', path: 'title', value: 'v2' }])), 200);
  });

  after(async () => {
    await t.stop();
  });

  const refusals: StoreRefusal[] = [
    {
      name: 'PUT of an unknown user',
      send: () => send('PUT', `/Users/${unknownId}`, { schemas: [URN_USER], userName: 'ghost@contoso.com' }),
      status: 404,
      detail: () => `User ${unknownId} not found`,
    },
    {
      name: 'PATCH of an unknown group',
      send: () => send('PATCH', `/Groups/${unknownId}`, patchOps([{ op: 'replace', path: 'displayName', value: 'x' }])),
      status: 404,
      detail: () => `Group ${unknownId} not found`,
    },
    {
      name: 'DELETE of an unknown user',
      send: () => send('DELETE', `/Users/${unknownId}`),
      status: 404,
      detail: () => `User ${unknownId} not found`,
    },
    {
      name: 'PUT with a stale If-Match',
      send: () => send('PUT', `/Users/${other.id}`, { schemas: [URN_USER], userName: 'other@contoso.com' }, { 'If-Match': 'W/"1"' }),
      status: 412,
      detail: () => `User ${other.id} is at version 2; If-Match named 1`,
    },
    {
      name: 'PATCH with an If-Match naming two stale versions',
      send: () => send('PATCH', `/Users/${other.id}`, patchOps([{ op: 'replace', path: 'title', value: 'x' }]), { 'If-Match': 'W/"1", W/"7"' }),
      status: 412,
      detail: () => `User ${other.id} is at version 2; If-Match named 1, 7`,
    },
    {
      name: 'DELETE with a stale If-Match',
      send: () => send('DELETE', `/Users/${other.id}`, undefined, { 'If-Match': 'W/"1"' }),
      status: 412,
      detail: () => `User ${other.id} is at version 2; If-Match named 1`,
    },
    {
      name: 'a group made a member of itself',
      send: () => send('PATCH', `/Groups/${group.id}`, patchOps([{ op: 'add', path: 'members', value: [{ value: group.id }] }])),
      status: 400,
      scimType: 'invalidValue',
      detail: () => `Group ${group.id} cannot be a member of itself`,
    },
    {
      name: 'a userName another user holds',
      send: () => send('POST', '/Users', { schemas: [URN_USER], userName: 'HELD@contoso.com' }),
      status: 409,
      scimType: 'uniqueness',
      detail: () => `userName "HELD@contoso.com" is already used by user ${user.id}`,
    },
    {
      name: 'a group displayName another group holds',
      send: () => send('POST', '/Groups', { schemas: [URN_GROUP], displayName: 'held group' }),
      status: 409,
      scimType: 'uniqueness',
      detail: () =>
        `displayName "Held Group" is already used by group ${group.id}: Entra matches groups by displayName, so a second group with that name would make its next match ambiguous`,
    },
    {
      name: 'an externalId another user holds',
      send: () => send('PATCH', `/Users/${other.id}`, patchOps([{ op: 'replace', path: 'externalId', value: 'EXT-HELD' }])),
      status: 409,
      scimType: 'uniqueness',
      detail: () =>
        `externalId "EXT-HELD" is already held by user held@contoso.com (${user.id}): two records with one Entra Object ID make Entra match the wrong one, and this directory refuses duplicates (Authentication)`,
    },
    {
      name: 'an externalId another group holds',
      send: () => send('POST', '/Groups', { schemas: [URN_GROUP], displayName: 'Second', externalId: 'ext-group' }),
      status: 409,
      scimType: 'uniqueness',
      detail: () =>
        `externalId "ext-group" is already held by group Held Group (${group.id}): two records with one Entra Object ID make Entra match the wrong one, and this directory refuses duplicates (Authentication)`,
    },
  ];

  for (const refusal of refusals) {
    it(`answers ${refusal.name} with ${refusal.status}${refusal.scimType ? ' ' + refusal.scimType : ''} and the same words in the sync log`, async () => {
      const response = await refusal.send();
      const body = await readScim(response, refusal.status, refusal.name);
      assert.deepEqual(body, {
        schemas: [URN_ERROR],
        status: String(refusal.status),
        ...(refusal.scimType ? { scimType: refusal.scimType } : {}),
        detail: refusal.detail(),
      });
      await t.core.syncLog.flush();
      const [entry] = await t.core.store.querySyncLog({ limit: 1 });
      assert.equal(entry?.status, refusal.status);
      assert.equal(entry?.scimType, refusal.scimType ?? null);
      assert.equal(entry?.error, refusal.detail());
    });
  }
});
