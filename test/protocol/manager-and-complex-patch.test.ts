import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCore, type TestCore } from '../support/start-test-core';
import { readScim, URN_ENTERPRISE, URN_PATCH, URN_USER, type Json } from './protocol-helpers';

/**
 * The enterprise manager in every form Entra and older clients send, and add/replace
 * of complex attributes with an empty or partial object (RFC 7644 §3.5.2.3), over HTTP.
 */
describe('manager forms and complex PATCH values over HTTP', () => {
  let t: TestCore;
  let managerId = '';
  let n = 0;

  before(async () => {
    t = await startTestCore();
    const manager = await readScim(
      await t.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'boss@contoso.com', displayName: 'The Boss' }) }),
      201,
    );
    managerId = manager.id;
  });

  after(async () => {
    await t.stop();
  });

  const createUser = async (extra: Record<string, unknown> = {}): Promise<Json> => {
    n++;
    const body = {
      schemas: [URN_USER, URN_ENTERPRISE],
      userName: `report${n}@contoso.com`,
      name: { givenName: 'Report', familyName: `Number${n}`, formatted: `Report Number${n}` },
      [URN_ENTERPRISE]: { department: 'Sales' },
      ...extra,
    };
    return readScim(await t.scim('/Users', { method: 'POST', body: JSON.stringify(body) }), 201, `create report${n}`);
  };
  const patch = async (id: string, operations: unknown[], status = 200): Promise<Json> =>
    readScim(await t.scim(`/Users/${id}`, { method: 'PATCH', body: JSON.stringify({ schemas: [URN_PATCH], Operations: operations }) }), status);
  const get = async (id: string): Promise<Json> => readScim(await t.scim(`/Users/${id}`), 200);
  const expected = () => ({ value: managerId, $ref: `${t.baseUrl}/Users/${managerId}` });

  it('sets the manager from the legacy document form: Add on path "manager" with a one-element list carrying $ref', async () => {
    const user = await createUser();
    // Microsoft's SCIM article shows this request as Entra's update of a user's manager.
    const body = await patch(user.id, [
      { op: 'Add', path: 'manager', value: [{ $ref: `http://.../scim/Users/${managerId}`, value: managerId }] },
    ]);
    assert.deepEqual(body[URN_ENTERPRISE].manager, expected());
    assert.deepEqual((await get(user.id))[URN_ENTERPRISE], { department: 'Sales', manager: expected() });
  });

  for (const [label, operation] of [
    ['a bare id on the enterprise URN path', (id: string) => ({ op: 'Replace', path: `${URN_ENTERPRISE}:manager`, value: id })],
    ['{"value": id} on the enterprise URN path', (id: string) => ({ op: 'replace', path: `${URN_ENTERPRISE}:manager`, value: { value: id } })],
    ['a one-element list on the enterprise URN path', (id: string) => ({ op: 'Replace', path: `${URN_ENTERPRISE}:manager`, value: [{ value: id }] })],
    ['a bare id on path "manager"', (id: string) => ({ op: 'Add', path: 'manager', value: id })],
    ['{"value": id} on path "manager"', (id: string) => ({ op: 'replace', path: 'manager', value: { value: id } })],
    ['a path-less value with a "manager" key', (id: string) => ({ op: 'replace', value: { manager: [{ value: id, $ref: null }] } })],
    ['a path-less value with the URN-qualified key', (id: string) => ({ op: 'add', value: { [`${URN_ENTERPRISE}:manager`]: id } })],
    ['a path-less value with the extension object', (id: string) => ({ op: 'replace', value: { [URN_ENTERPRISE]: { manager: { value: id } } } })],
  ] as const) {
    it(`sets the manager from ${label} and returns {"value": id, "$ref": …}`, async () => {
      const user = await createUser();
      const body = await patch(user.id, [operation(managerId)]);
      assert.deepEqual(body[URN_ENTERPRISE].manager, expected());
      assert.deepEqual((await get(user.id))[URN_ENTERPRISE].manager, expected());
    });
  }

  it('takes the manager on POST in the legacy list form and as a top-level key, and on PUT as a bare id', async () => {
    const listed = await createUser({ [URN_ENTERPRISE]: { manager: [{ $ref: `https://elsewhere.example/Users/${managerId}`, value: managerId }] } });
    assert.deepEqual(listed[URN_ENTERPRISE].manager, expected());
    const topLevel = await createUser({ manager: { value: managerId } });
    assert.deepEqual(topLevel[URN_ENTERPRISE].manager, expected());
    const replaced = await readScim(
      await t.scim(`/Users/${topLevel.id}`, {
        method: 'PUT',
        body: JSON.stringify({ schemas: [URN_USER, URN_ENTERPRISE], userName: topLevel.userName, [URN_ENTERPRISE]: { manager: managerId } }),
      }),
      200,
    );
    assert.deepEqual(replaced[URN_ENTERPRISE].manager, expected());
  });

  it('finds users by manager.value, so a manager stored from any form is one value', async () => {
    const list = await readScim(await t.scim(`/Users?filter=${encodeURIComponent(`${URN_ENTERPRISE}:manager.value eq "${managerId}"`)}`), 200);
    assert.ok(list.totalResults >= 11, `every report above has the manager: ${list.totalResults}`);
    for (const user of list.Resources) assert.deepEqual(user[URN_ENTERPRISE].manager, expected());
  });

  it('leaves name as it was on replace with {} (the version does not move), and on a path-less {"name": {}}', async () => {
    const user = await createUser();
    for (const operation of [{ op: 'replace', path: 'name', value: {} }, { op: 'replace', value: { name: {} } }, { op: 'Add', path: 'name', value: {} }]) {
      const body = await patch(user.id, [operation]);
      assert.deepEqual(body.name, user.name, JSON.stringify(operation));
      assert.equal(body.meta.version, user.meta.version, 'nothing changed, so no new version');
    }
  });

  it('clears only the sub-attributes a replace names as null, and keeps the manager on a replace with {}', async () => {
    const user = await createUser({ [URN_ENTERPRISE]: { department: 'Sales', manager: managerId } });
    const body = await patch(user.id, [
      { op: 'replace', path: 'name', value: { givenName: null, familyName: 'Renamed' } },
      { op: 'replace', path: `${URN_ENTERPRISE}:manager`, value: {} },
    ]);
    assert.deepEqual(body.name, { formatted: user.name.formatted, familyName: 'Renamed' });
    assert.deepEqual(body[URN_ENTERPRISE].manager, expected());
  });
});
