import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestCore, type TestCore } from '../support/start-test-core';
import { readJsonFixture, readScim, readScimError, substitute, URN_PATCH, type Json } from './protocol-helpers';

/** One row of test/fixtures/protocol/bad-input/cases.json. */
interface BadInputCase {
  readonly name: string;
  readonly method: string;
  /** Below the SCIM base URL, with `{{placeholders}}`. */
  readonly path: string;
  readonly body?: Json;
  /** Sent as is, for bodies that are not JSON. */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** "none": no Authorization header at all. */
  readonly auth?: 'none';
  readonly status: number;
  readonly scimType: string | null;
}

const cases = readJsonFixture('bad-input/cases.json') as BadInputCase[];
const seed = readJsonFixture('bad-input/seed.json');

/**
 * DESIGN.md "Non-negotiables": bad input gets a SCIM error body with the right
 * status and scimType, never a 500 and never a partial write. Every row is
 * checked for the error and for an unchanged directory afterwards.
 */
describe('SCIM endpoint on bad input', () => {
  let t: TestCore;
  const vars: Record<string, string> = {};

  before(async () => {
    t = await startTestCore();
    const user = await readScim(await t.scim('/Users', { method: 'POST', body: JSON.stringify(seed.user) }), 201, 'seed user');
    const other = await readScim(await t.scim('/Users', { method: 'POST', body: JSON.stringify(seed.otherUser) }), 201, 'seed other user');
    const group = await readScim(
      await t.scim('/Groups', { method: 'POST', body: JSON.stringify({ ...seed.group, members: [{ value: user.id }] }) }),
      201,
      'seed group',
    );
    // A legitimate write makes the other user's first ETag stale.
    const renamed = await readScim(
      await t.scim(`/Users/${other.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'Replace', path: 'displayName', value: 'Alex W.' }] }),
      }),
      200,
      'seed rename',
    );
    assert.notEqual(renamed.meta.version, other.meta.version);

    // A second token, then revoked: it must be refused while the first keeps working.
    const first = await t.core.tokens.current();
    assert.ok(first);
    const extra = await t.core.tokens.issueAdditional();
    await t.core.tokens.revoke(first.id);

    Object.assign(vars, {
      userId: user.id,
      otherUserId: other.id,
      groupId: group.id,
      unknownId: randomUUID(),
      staleEtag: other.meta.version,
      wrongToken: `scimdesk_${randomUUID().replace(/-/g, '')}`,
      revokedToken: extra.token,
    });
  });

  after(async () => {
    await t.stop();
  });

  /** Everything a bad request could have touched. */
  const snapshot = async () => ({
    users: await t.core.store.countResources('User'),
    groups: await t.core.store.countResources('Group'),
    user: await readScim(await t.scim(`/Users/${vars['userId']}`), 200, 'snapshot user'),
    other: await readScim(await t.scim(`/Users/${vars['otherUserId']}`), 200, 'snapshot other user'),
    group: await readScim(await t.scim(`/Groups/${vars['groupId']}`), 200, 'snapshot group'),
  });

  const send = (row: BadInputCase) => {
    const path = substitute(row.path, vars);
    const headers = new Headers(substitute(row.headers ?? {}, vars));
    const body = row.rawBody ?? (row.body !== undefined ? JSON.stringify(substitute(row.body, vars)) : undefined);
    if (body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/scim+json');
    const init: RequestInit = { method: row.method, headers, ...(body !== undefined ? { body } : {}) };
    return row.auth === 'none' ? fetch(t.baseUrl + path, init) : t.scim(path, init);
  };

  it('has a seeded directory to protect', async () => {
    const state = await snapshot();
    assert.equal(state.users, 2);
    assert.equal(state.groups, 1);
    assert.equal(state.group.members.length, 1);
  });

  for (const row of cases) {
    it(row.name, async () => {
      const prior = await snapshot();
      const response = await send(row);
      assert.notEqual(response.status, 500, `${row.name}: never a 500`);
      await readScimError(response, row.status, row.scimType ?? undefined, row.name);
      if (row.status === 401) {
        assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer\b/, 'WWW-Authenticate names the Bearer scheme');
      }
      assert.deepEqual(await snapshot(), prior, `${row.name}: nothing was written`);
    });
  }

  it('accepts a PATCH whose If-Match names the current version, and the version moves on', async () => {
    const current = await readScim(await t.scim(`/Users/${vars['otherUserId']}`), 200);
    const response = await t.scim(`/Users/${vars['otherUserId']}`, {
      method: 'PATCH',
      headers: { 'If-Match': current.meta.version },
      body: JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'Replace', path: 'title', value: 'Sales Lead' }] }),
    });
    const body = await readScim(response, 200);
    assert.equal(body.title, 'Sales Lead');
    assert.notEqual(body.meta.version, current.meta.version);
    assert.equal(response.headers.get('etag'), body.meta.version);

    // The version it answered with is now the only one If-Match accepts.
    const stale = await t.scim(`/Users/${vars['otherUserId']}`, {
      method: 'PATCH',
      headers: { 'If-Match': current.meta.version },
      body: JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'Replace', path: 'title', value: 'Lost Update' }] }),
    });
    await readScimError(stale, 412, undefined, 'the previous version');
    const fresh = await t.scim(`/Users/${vars['otherUserId']}`, { method: 'DELETE', headers: { 'If-Match': body.meta.version } });
    assert.equal(fresh.status, 204);
  });

  it('lists the allowed methods in an Allow header on 405 (RFC 9110 §15.5.6)', async () => {
    const response = await t.scim('/Users', { method: 'PUT', body: JSON.stringify({ userName: 'new.user@contoso.com' }) });
    await readScimError(response, 405, undefined, 'PUT /Users');
    const allow = (response.headers.get('allow') ?? '').split(',').map((method) => method.trim()).filter(Boolean);
    assert.deepEqual(allow.filter((m) => m === 'GET' || m === 'POST').sort(), ['GET', 'POST'], `Allow: ${JSON.stringify(allow)}`);
    assert.equal(allow.includes('PUT'), false);
  });

  it('still serves the first token after the second was revoked', async () => {
    await readScim(await t.scim('/Users?count=1'), 200);
  });
});

describe('SCIM endpoint with a small body limit', () => {
  let t: TestCore;
  const LIMIT = 4096;

  before(async () => {
    t = await startTestCore({ bodyLimitBytes: LIMIT });
  });

  after(async () => {
    await t.stop();
  });

  const bigUser = () => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'big.user@contoso.com',
    displayName: 'x'.repeat(LIMIT),
  });

  it('answers a POST over the limit with 413 and a SCIM error, and creates nothing', async () => {
    const response = await t.scim('/Users', { method: 'POST', body: JSON.stringify(bigUser()) });
    // The client may still be sending: the server ends that connection rather than read the rest as a request.
    assert.equal(response.headers.get('connection'), 'close');
    await readScimError(response, 413, undefined, 'POST over the limit');
    assert.equal(await t.core.store.countResources('User'), 0);
  });

  it('accepts the same request under the limit', async () => {
    const small = { ...bigUser(), displayName: 'x'.repeat(LIMIT - 200) };
    assert.ok(Buffer.byteLength(JSON.stringify(small)) < LIMIT);
    const body = await readScim(await t.scim('/Users', { method: 'POST', body: JSON.stringify(small) }), 201);
    assert.equal(body.userName, 'big.user@contoso.com');
  });

  it('answers a PATCH over the limit with 413 and changes nothing', async () => {
    const [user] = (await readScim(await t.scim('/Users?filter=userName%20eq%20%22big.user@contoso.com%22'), 200)).Resources;
    const response = await t.scim(`/Users/${user.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'Replace', path: 'displayName', value: 'y'.repeat(LIMIT) }] }),
    });
    await readScimError(response, 413, undefined, 'PATCH over the limit');
    const stored = await readScim(await t.scim(`/Users/${user.id}`), 200);
    assert.deepEqual(stored, user);
  });
});
