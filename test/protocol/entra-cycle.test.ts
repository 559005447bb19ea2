import '../support/trust-tenant-ca';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startFakeTenant, type FakeTenant } from '../../scripts/fake-tenant/fake-tenant';
import { startTestCore, type TestCore } from '../support/start-test-core';
import {
  assertListResponse,
  hasNullAnywhere,
  readEmpty,
  readRequestFixture,
  readScim,
  readScimError,
  sorted,
  URN_ENTERPRISE,
  URN_GROUP,
  URN_USER,
  type Json,
} from './protocol-helpers';

/**
 * Replays one provisioning cycle as Microsoft Entra ID runs it against a new
 * endpoint, in order, from captured-style requests under
 * test/fixtures/protocol/entra-cycle/ (one file per request, named for the step).
 * Payload shapes follow Microsoft's "Develop and plan provisioning for a SCIM
 * endpoint" examples and the "Known issues ... SCIM 2.0 protocol compliance"
 * page (default dialect vs. aadOptscim062020). The steps share state and run in
 * order: a failure early on explains failures after it.
 */
type AuthMethod = 'secretToken' | 'clientCredentials' | 'federation';

/** Entra's token request before a cycle (issue 16): client credentials with the secret in the header, or the federation assertion. */
async function signIn(t: TestCore, method: AuthMethod, tenant: FakeTenant | undefined): Promise<string> {
  if (method === 'secretToken') return t.token;
  const context = { actor: 'test' };
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  let form: URLSearchParams;
  if (method === 'clientCredentials') {
    const issued = await t.core.admin.handlers['auth.createClient']({ lifetimeDays: 365 }, context);
    headers['authorization'] = `Basic ${Buffer.from(`${issued.client.clientId}:${issued.secret}`).toString('base64')}`;
    form = new URLSearchParams({ grant_type: 'client_credentials', scope: 'scim' });
  } else {
    const federation = await t.core.admin.handlers['auth.configureFederation'](
      { tenantId: tenant!.tenantId, cloud: 'custom', authorityHost: tenant!.authorityHost, subject: tenant!.provisioning.subject, audience: tenant!.provisioning.audience },
      context,
    );
    form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: federation.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await tenant!.provisioning.assertion(),
      scope: 'scim',
    });
  }
  const response = await fetch(new URL('/oauth2/token', t.baseUrl), { method: 'POST', headers, body: form.toString() });
  const body = (await response.json()) as Json;
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.access_token as string;
}

for (const method of ['secretToken', 'clientCredentials', 'federation'] as const) describe(`Entra provisioning cycle over HTTP, signed in with ${method}`, () => {
  let t: TestCore;
  let tenant: FakeTenant | undefined;
  let bearer = '';
  const ids: Record<string, string> = {};
  /** The latest ETag each resource answered with, by name. */
  const etags: Record<string, string> = {};

  before(async () => {
    t = await startTestCore();
    if (method === 'federation') tenant = await startFakeTenant();
    bearer = await signIn(t, method, tenant);
  });

  after(async () => {
    await t.stop();
    await tenant?.close();
  });

  /** A SCIM request with the credential this cycle signed in with. */
  const scim = (path: string, init: RequestInit = {}) => t.scim(path, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${bearer}` } });

  const send = (step: string) => {
    const fixture = readRequestFixture(`entra-cycle/${step}.json`, { ...ids, randomGuid: randomUUID() });
    return scim(fixture.path, {
      method: fixture.method,
      ...(fixture.body !== undefined ? { body: JSON.stringify(fixture.body) } : {}),
    });
  };

  const getUser = async (name: string): Promise<Json> => readScim(await scim(`/Users/${ids[name]}`), 200, `GET user ${name}`);
  const getGroup = async (): Promise<Json> => readScim(await scim(`/Groups/${ids['groupId']}`), 200, 'GET group');

  /** Asserts membership from both sides: the group's members and each user's `groups`. */
  const assertMembership = async (expected: ReadonlyArray<'meganId' | 'adeleId' | 'alexId'>, groupName: string) => {
    const group = await getGroup();
    const members: Json[] = group.members ?? [];
    assert.deepEqual(sorted(members.map((m) => m.value)), sorted(expected.map((name) => ids[name]!)), 'group members');
    for (const member of members) {
      assert.equal(member.type, 'User');
      assert.equal(member.$ref, `${t.baseUrl}/Users/${member.value}`);
    }
    for (const name of ['meganId', 'adeleId', 'alexId'] as const) {
      const user = await getUser(name);
      const groups: Json[] = user.groups ?? [];
      if (expected.includes(name)) {
        assert.equal(groups.length, 1, `${name} belongs to the group`);
        assert.equal(groups[0].value, ids['groupId']);
        assert.equal(groups[0].display, groupName);
        assert.equal(groups[0].type, 'direct');
      } else {
        assert.deepEqual(groups, [], `${name} belongs to no group`);
      }
    }
    return group;
  };

  /** A group PATCH: 204, no body, an ETag that is the group's version from then on. */
  const patchGroup = async (step: string) => {
    const response = await send(step);
    await readEmpty(response, 204, step);
    const etag = response.headers.get('etag');
    assert.ok(etag, `${step}: a group PATCH answers with an ETag`);
    const group = await getGroup();
    assert.equal(group.meta.version, etag, `${step}: the ETag is the group's new version`);
    const previous = etags['group'];
    etags['group'] = etag;
    return { etag, previous };
  };

  it('answers the Test Connection probe with 200 and an empty ListResponse', async () => {
    const body = await readScim(await send('01-test-connection'), 200);
    assert.deepEqual(assertListResponse(body, 0), []);
    assert.equal(body.startIndex, 1);
  });

  it('publishes User, EnterpriseUser and Group at /Schemas when the admin saves', async () => {
    const body = await readScim(await send('02-get-schemas'), 200);
    const schemaIds: string[] = assertListResponse(body, body.totalResults).map((s) => s.id);
    for (const urn of [URN_USER, URN_ENTERPRISE, URN_GROUP]) assert.ok(schemaIds.includes(urn), `${urn} is published`);
  });

  it('answers the userName and externalId probes (unquoted, + for spaces, unknown flag) with an empty list before create', async () => {
    for (const step of ['03-probe-user-by-username', '04-probe-user-by-externalid']) {
      const body = await readScim(await send(step), 200, step);
      assert.deepEqual(assertListResponse(body, 0, step), []);
    }
  });

  it('creates the manager: 201, Location, ETag, client meta, roles [] and nulls ignored', async () => {
    const response = await send('05-create-user-megan');
    const body = await readScim(response, 201);
    assert.equal(typeof body.id, 'string');
    assert.ok(body.id.length > 0);
    ids['meganId'] = body.id;
    assert.equal(response.headers.get('location'), `${t.baseUrl}/Users/${body.id}`);
    assert.equal(body.meta.location, response.headers.get('location'));
    assert.ok(response.headers.get('etag'), 'ETag header');
    assert.equal(body.meta.version, response.headers.get('etag'));
    etags['megan'] = body.meta.version;
    assert.equal(body.meta.resourceType, 'User');
    assert.ok(!Number.isNaN(Date.parse(body.meta.created)), 'meta.created is a dateTime the server set');
    assert.equal(body.meta.lastModified, body.meta.created);
    assert.ok(body.schemas.includes(URN_USER));
    assert.ok(body.schemas.includes(URN_ENTERPRISE));
    assert.equal(body.userName, 'megan.bowen@contoso.com');
    assert.equal(body.externalId, '5f1c3a7e-64d0-4a8e-9b2f-0c9d2b7e41aa');
    assert.equal(body.active, true);
    assert.deepEqual(body.name, { formatted: 'Megan Bowen', familyName: 'Bowen', givenName: 'Megan' });
    assert.deepEqual(body.emails, [{ value: 'megan.bowen@contoso.com', type: 'work', primary: true }]);
    assert.deepEqual(body[URN_ENTERPRISE], { employeeNumber: '10001', department: 'Retail' });
    assert.equal(hasNullAnywhere(body), false, 'nulls are absent, never echoed');
    for (const absent of ['roles', 'nickName', 'phoneNumbers', 'addresses', 'preferredLanguage', 'password']) {
      assert.equal(absent in body, false, `${absent} is not returned`);
    }

    const again = await readScim(await scim(`/Users/${body.id}`), 200);
    assert.equal(again.id, body.id, 'the id is stable');
    assert.equal(again.meta.version, body.meta.version);
    assert.equal(again.meta.created, body.meta.created);
  });

  it('creates a user whose manager is a bare string and returns the manager as {"value": id}', async () => {
    const response = await send('06-create-user-adele');
    const body = await readScim(response, 201);
    ids['adeleId'] = body.id;
    etags['adele'] = body.meta.version;
    assert.equal(response.headers.get('location'), `${t.baseUrl}/Users/${body.id}`);
    assert.equal(response.headers.get('etag'), body.meta.version);
    assert.notEqual(body.id, ids['meganId']);
    assert.equal(body[URN_ENTERPRISE].manager.value, ids['meganId']);
    assert.equal(body.phoneNumbers.length, 2);
    assert.equal(body.addresses[0].postalCode, '98004');
    assert.equal(body.addresses[0].primary, false);

    const got = await getUser('adeleId');
    const manager = got[URN_ENTERPRISE].manager;
    assert.equal(typeof manager, 'object', 'a bare string back makes every later sync of this user fail');
    assert.equal(manager.value, ids['meganId']);
    assert.equal(got[URN_ENTERPRISE].employeeNumber, '10042');
    assert.deepEqual(got.phoneNumbers, [
      { value: '+1 425 555 0109', type: 'work' },
      { value: '+1 425 555 0110', type: 'mobile' },
    ]);
  });

  it('creates a user without email and with emails: null', async () => {
    const response = await send('07-create-user-alex');
    const body = await readScim(response, 201);
    ids['alexId'] = body.id;
    etags['alex'] = body.meta.version;
    assert.equal('emails' in body, false);
    assert.deepEqual(body[URN_ENTERPRISE], { department: 'Sales', manager: { value: ids['meganId'], $ref: `${t.baseUrl}/Users/${ids['meganId']}` } });
    assert.equal(new Set([ids['meganId'], ids['adeleId'], ids['alexId']]).size, 3, 'three distinct ids');
  });

  it('finds a created user by the same userName and externalId probes, with the id it returned', async () => {
    for (const step of ['03-probe-user-by-username', '04-probe-user-by-externalid']) {
      const body = await readScim(await send(step), 200, step);
      const [found] = assertListResponse(body, 1, step);
      assert.equal(found.id, ids['adeleId'], step);
      assert.equal(found.userName, 'adele.vance@contoso.com');
      assert.equal(found.active, true);
    }
  });

  it('applies a default-dialect PATCH: Replace displayName, Add a missing work email, name.givenName, employeeNumber', async () => {
    const response = await send('08-patch-user-default-dialect');
    const body = await readScim(response, 200);
    assert.equal(body.id, ids['alexId']);
    assert.equal(body.displayName, 'Alex Wilber');
    assert.deepEqual(body.emails, [{ type: 'work', value: 'alex.wilber@contoso.com' }]);
    assert.deepEqual(body.name, { formatted: 'Alex Wilber', familyName: 'Wilber', givenName: 'Alexander' });
    assert.deepEqual(body[URN_ENTERPRISE], {
      employeeNumber: '10077',
      department: 'Sales',
      manager: { value: ids['meganId'], $ref: `${t.baseUrl}/Users/${ids['meganId']}` },
    });
    assert.ok(body.schemas.includes(URN_ENTERPRISE));
    assert.equal(response.headers.get('etag'), body.meta.version);
    assert.notEqual(body.meta.version, etags['alex'], 'the version changes on a write');
    assert.ok(Date.parse(body.meta.lastModified) >= Date.parse(body.meta.created));
    etags['alex'] = body.meta.version;

    const got = await getUser('alexId');
    assert.equal(got.meta.version, etags['alex']);
    assert.deepEqual(got.emails, body.emails);
    assert.equal(got.name.givenName, 'Alexander');
  });

  it('applies a flagged-dialect PATCH: lower-case ops and a path-less replace whose keys are paths', async () => {
    const response = await send('09-patch-user-flagged-dialect');
    const body = await readScim(response, 200);
    assert.equal(body.displayName, 'Adele V. Vance');
    assert.deepEqual(body.name, { formatted: 'Adele Vance', familyName: 'Vance-Smith', givenName: 'Adèle' });
    assert.deepEqual(body.emails, [{ value: 'adele.vance@retail.contoso.com', type: 'work', primary: true }]);
    assert.equal(body[URN_ENTERPRISE].employeeNumber, '20042');
    assert.equal(body[URN_ENTERPRISE].department, 'Retail Operations');
    assert.equal(body[URN_ENTERPRISE].manager.value, ids['meganId']);
    assert.equal(body.userName, 'adele.vance@contoso.com', 'attributes not named are kept');
    assert.equal(body.phoneNumbers.length, 2);
    assert.notEqual(body.meta.version, etags['adele']);
    assert.equal(response.headers.get('etag'), body.meta.version);
    etags['adele'] = body.meta.version;
  });

  it('takes a manager change as a bare string and returns {"value": id, "$ref": …}', async () => {
    const response = await send('10-patch-user-manager-default');
    const body = await readScim(response, 200);
    assert.deepEqual(body[URN_ENTERPRISE].manager, { value: ids['alexId'], $ref: `${t.baseUrl}/Users/${ids['alexId']}` });
    assert.notEqual(body.meta.version, etags['adele']);
    etags['adele'] = body.meta.version;
    const got = await getUser('adeleId');
    assert.equal(got[URN_ENTERPRISE].manager.value, ids['alexId']);
    assert.equal(got[URN_ENTERPRISE].employeeNumber, '20042');
  });

  it('answers the group probe (members excluded) with an empty list before create', async () => {
    const body = await readScim(await send('11-probe-group'), 200);
    assert.deepEqual(assertListResponse(body, 0), []);
  });

  it('creates a group sent with the ADSCIM schema URI and no members', async () => {
    const response = await send('12-create-group');
    const body = await readScim(response, 201);
    ids['groupId'] = body.id;
    etags['group'] = body.meta.version;
    assert.equal(response.headers.get('location'), `${t.baseUrl}/Groups/${body.id}`);
    assert.equal(response.headers.get('etag'), body.meta.version);
    assert.ok(body.schemas.includes(URN_GROUP));
    assert.equal(body.displayName, 'Retail Managers');
    assert.equal(body.externalId, '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159');
    assert.equal(body.meta.resourceType, 'Group');
    assert.ok(body.members === undefined || (Array.isArray(body.members) && body.members.length === 0), 'no members');

    const probe = await readScim(await send('11-probe-group'), 200);
    const [found] = assertListResponse(probe, 1);
    assert.equal(found.id, body.id);
    assert.equal('members' in found, false, 'excludedAttributes=members is honoured');
    await assertMembership([], 'Retail Managers');
  });

  it('adds members several per op with "$ref": null and answers 204', async () => {
    const { etag, previous } = await patchGroup('13-patch-group-add-members-batch-1');
    assert.notEqual(etag, previous, 'adding members changes the version');
    await assertMembership(['meganId', 'adeleId'], 'Retail Managers');
  });

  it('adds a batch that repeats an existing member without failing', async () => {
    const { etag, previous } = await patchGroup('14-patch-group-add-members-batch-2');
    assert.notEqual(etag, previous);
    await assertMembership(['meganId', 'adeleId', 'alexId'], 'Retail Managers');
  });

  it('accepts adding a member that is already there', async () => {
    await patchGroup('15-patch-group-add-existing-member');
    await assertMembership(['meganId', 'adeleId', 'alexId'], 'Retail Managers');
  });

  it('removes only the listed members on a default-dialect Remove with a value array', async () => {
    const { etag, previous } = await patchGroup('16-patch-group-remove-member-default');
    assert.notEqual(etag, previous);
    await assertMembership(['meganId', 'alexId'], 'Retail Managers');
  });

  it('removes the member named by a flagged-dialect members[value eq "id"] path', async () => {
    const { etag, previous } = await patchGroup('17-patch-group-remove-member-flagged');
    assert.notEqual(etag, previous);
    await assertMembership(['meganId'], 'Retail Managers');
  });

  it('accepts removing members that are not there, in both dialects', async () => {
    await patchGroup('18-patch-group-remove-absent-member-default');
    await assertMembership(['meganId'], 'Retail Managers');
    await patchGroup('19-patch-group-remove-absent-member-flagged');
    await assertMembership(['meganId'], 'Retail Managers');
  });

  it('renames the group with 204 and users see the new display name', async () => {
    const { etag, previous } = await patchGroup('20-patch-group-rename');
    assert.notEqual(etag, previous);
    const group = await assertMembership(['meganId'], 'Retail Management');
    assert.equal(group.displayName, 'Retail Management');
  });

  it('adds the removed members back in one batch', async () => {
    await patchGroup('21-patch-group-add-members-batch-3');
    await assertMembership(['meganId', 'adeleId', 'alexId'], 'Retail Management');
  });

  it('soft-deletes with "active": "False" and still returns the user by GET and by userName filter', async () => {
    const response = await send('22-patch-user-disable');
    const body = await readScim(response, 200);
    assert.equal(body.active, false);
    assert.notEqual(body.meta.version, etags['adele']);
    etags['adele'] = body.meta.version;

    const got = await getUser('adeleId');
    assert.equal(got.active, false);
    assert.equal(got.userName, 'adele.vance@contoso.com');

    const probe = await readScim(await send('23-probe-disabled-user'), 200);
    const [found] = assertListResponse(probe, 1);
    assert.equal(found.id, ids['adeleId']);
    assert.equal(found.active, false);

    const byExternalId = await readScim(await send('04-probe-user-by-externalid'), 200);
    assert.equal(assertListResponse(byExternalId, 1)[0].active, false);
    await assertMembership(['meganId', 'adeleId', 'alexId'], 'Retail Management');
  });

  it('re-enables a returning user with "active": "True"', async () => {
    const response = await send('24-patch-user-enable');
    const body = await readScim(response, 200);
    assert.equal(body.active, true);
    assert.notEqual(body.meta.version, etags['adele']);
    etags['adele'] = body.meta.version;
    assert.equal((await getUser('adeleId')).active, true);
  });

  it('deletes a user with 204; it is then 404 and gone from its group', async () => {
    const groupBefore = await getGroup();
    await readEmpty(await send('25-delete-user'), 204);
    await readScimError(await scim(`/Users/${ids['adeleId']}`), 404, undefined, 'GET deleted user');

    const probe = await readScim(await send('23-probe-disabled-user'), 200);
    assert.deepEqual(assertListResponse(probe, 0), []);

    const group = await getGroup();
    assert.deepEqual(sorted((group.members ?? []).map((m: Json) => m.value)), sorted([ids['meganId']!, ids['alexId']!]));
    assert.notEqual(group.meta.version, groupBefore.meta.version, 'losing a member is a change to the group');
    await readScimError(await send('25-delete-user'), 404, undefined, 'DELETE again');
  });

  it('deletes the group with 204; it is then 404 and no user lists it', async () => {
    await readEmpty(await send('26-delete-group'), 204);
    await readScimError(await scim(`/Groups/${ids['groupId']}`), 404, undefined, 'GET deleted group');
    for (const name of ['meganId', 'alexId'] as const) {
      const user = await getUser(name);
      assert.deepEqual(user.groups ?? [], [], `${name} no longer lists the group`);
    }
    const probe = await readScim(await scim('/Groups?excludedAttributes=members&filter=displayName+eq+%22Retail+Management%22'), 200);
    assert.deepEqual(assertListResponse(probe, 0), []);
  });

  it(`records every request of the cycle as authenticated by ${method}`, async () => {
    await t.core.syncLog.flush();
    const rows = (await t.core.store.querySyncLog({ limit: 500 })).filter((row) => row.operation !== 'oauth-token');
    assert.ok(rows.length > 30, `${rows.length} requests`);
    for (const row of rows) assert.equal(JSON.parse(row.detail ?? '{}').auth?.method, method, `${row.method} ${row.path}`);
  });
});
