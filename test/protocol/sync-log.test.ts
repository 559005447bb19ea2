import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { StoredSyncLogEntry } from '../../main/store/directory-store';
import { startTestCore, type TestCore } from '../support/start-test-core';
import { readScim, readScimError, URN_ENTERPRISE, URN_PATCH, URN_USER, type Json } from './protocol-helpers';

const PASSWORD = 'Tr0ub4dor&3-never-logged';
/** What Entra's provisioning service sends in its ADSCIMVersion header (the value is opaque to ScimDesk). */
const ENTRA_HEADER = 'Date: 2025-06-01, ActivityId: 3c1f6a52-1d7e-4b7a-9f55-2c0a1e3b4d5f';

/**
 * The sync log (DESIGN.md capability 3): one entry per SCIM request with what a
 * support engineer needs to find it again, tied to the response by X-Request-Id,
 * and never a secret.
 */
describe('Sync log of SCIM requests', () => {
  let t: TestCore;
  /** Requests in the order they were sent: what each response said. */
  const sent: Array<{ label: string; requestId: string; status: number }> = [];
  let userId = '';
  let entries: StoredSyncLogEntry[] = [];

  const record = async (label: string, response: Response): Promise<Response> => {
    const requestId = response.headers.get('x-request-id');
    assert.ok(requestId, `${label}: X-Request-Id header`);
    sent.push({ label, requestId, status: response.status });
    return response;
  };

  const entryFor = (label: string): StoredSyncLogEntry => {
    const request = sent.find((s) => s.label === label);
    assert.ok(request, label);
    const matching = entries.filter((entry) => entry.requestId === request.requestId);
    assert.equal(matching.length, 1, `${label}: exactly one entry with request id ${request.requestId}`);
    return matching[0]!;
  };

  const detailOf = (entry: StoredSyncLogEntry): Json => {
    assert.ok(entry.detail, 'detail is recorded');
    return JSON.parse(entry.detail);
  };

  before(async () => {
    t = await startTestCore();

    const created = await record(
      'create',
      await t.scim('/Users', {
        method: 'POST',
        headers: { 'client-request-id': 'entra-req-0001', ADSCIMVersion: ENTRA_HEADER },
        body: JSON.stringify({
          schemas: [URN_USER, URN_ENTERPRISE],
          externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
          userName: 'adele.vance@contoso.com',
          displayName: 'Adele Vance',
          active: true,
          password: PASSWORD,
          roles: [],
          [URN_ENTERPRISE]: { department: 'Retail' },
        }),
      }),
    );
    userId = (await readScim(created, 201, 'create')).id;

    const patched = await record(
      'patch',
      await t.scim(`/Users/${userId}`, {
        method: 'PATCH',
        body: JSON.stringify({
          schemas: [URN_PATCH],
          Operations: [
            { op: 'Replace', path: 'displayName', value: 'Adele V.' },
            { op: 'Replace', path: 'active', value: 'False' },
          ],
        }),
      }),
    );
    await readScim(patched, 200, 'patch');

    const duplicate = await record(
      'duplicate',
      await t.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'ADELE.VANCE@contoso.com' }) }),
    );
    await readScimError(duplicate, 409, 'uniqueness', 'duplicate');

    const badFilter = await record('bad filter', await t.scim(`/Users?filter=${encodeURIComponent('userName zz "x"')}`));
    await readScimError(badFilter, 400, 'invalidFilter', 'bad filter');

    const unauthorized = await record(
      'unauthorized',
      await fetch(`${t.baseUrl}/Users?filter=${encodeURIComponent('userName eq "x"')}`, { headers: { authorization: 'Bearer not-the-token' } }),
    );
    await readScimError(unauthorized, 401, undefined, 'unauthorized');

    const probe = await record('probe', await t.scim(`/Users?filter=${encodeURIComponent('UserName EQ lynne.robbins@contoso.com and (Active eq "True" or TITLE pr)')}`));
    await readScim(probe, 200, 'probe');

    await t.core.syncLog.flush();
    entries = [...(await t.core.store.querySyncLog({ limit: 50 }))];
  });

  after(async () => {
    await t.stop();
  });

  it('has one entry per request, newest first, whose requestId is the X-Request-Id header', () => {
    assert.equal(entries.length, sent.length);
    assert.deepEqual(
      [...entries].reverse().map((entry) => entry.requestId),
      sent.map((request) => request.requestId),
    );
    assert.equal(new Set(sent.map((request) => request.requestId)).size, sent.length, 'request ids are unique');
    for (const request of sent) assert.equal(entryFor(request.label).status, request.status, request.label);
    for (const entry of entries) {
      assert.ok(!Number.isNaN(Date.parse(entry.time)), 'time is a timestamp');
      assert.equal(typeof entry.durationMs, 'number');
      assert.ok(entry.durationMs >= 0);
      assert.ok(entry.path.startsWith('/scim/v2/Users'), entry.path);
    }
    const seqs = entries.map((entry) => entry.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a));
  });

  it('records a create with its operation, resource id, identifiers and status', () => {
    const entry = entryFor('create');
    assert.equal(entry.method, 'POST');
    assert.equal(entry.path, '/scim/v2/Users');
    assert.equal(entry.operation, 'create');
    assert.equal(entry.resourceType, 'User');
    assert.equal(entry.resourceId, userId);
    assert.equal(entry.userName, 'adele.vance@contoso.com');
    assert.equal(entry.externalId, '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef');
    assert.equal(entry.displayName, 'Adele Vance');
    assert.equal(entry.status, 201);
    assert.equal(entry.scimType, null);
    assert.equal(entry.error, null);
    const detail = detailOf(entry);
    assert.equal(detail.request.userName, 'adele.vance@contoso.com');
    assert.equal(detail.clientRequestId, 'entra-req-0001');
  });

  it('stores a POSTed password as "[redacted]", never the password', () => {
    const entry = entryFor('create');
    assert.equal(detailOf(entry).request.password, '[redacted]');
    assert.equal(JSON.stringify(entries).includes(PASSWORD), false);
  });

  it('records a PATCH with the normalised operations and the notes on what was normalised', () => {
    const entry = entryFor('patch');
    assert.equal(entry.method, 'PATCH');
    assert.equal(entry.path, `/scim/v2/Users/${userId}`);
    assert.equal(entry.operation, 'patch');
    assert.equal(entry.resourceType, 'User');
    assert.equal(entry.resourceId, userId);
    assert.equal(entry.userName, 'adele.vance@contoso.com');
    assert.equal(entry.displayName, 'Adele V.');
    assert.equal(entry.status, 200);
    const detail = detailOf(entry);
    assert.ok(Array.isArray(detail.notes), 'notes');
    assert.ok(detail.notes.includes("op 'Replace' read as 'replace'"), JSON.stringify(detail.notes));
    assert.ok(
      detail.notes.some((note: string) => note.includes('active') && note.includes('"False"') && note.includes('boolean false')),
      JSON.stringify(detail.notes),
    );
    assert.ok(Array.isArray(detail.normalized) && detail.normalized.length === 2, 'the normalised operations');
    assert.ok(detail.normalized.every((operation: Json) => operation.op === 'replace'));
    assert.equal(detail.request.Operations[1].value, 'False', 'the request as sent');
  });

  it('records a failed create with status, scimType, error and the userName it tried', () => {
    const entry = entryFor('duplicate');
    assert.equal(entry.operation, 'create');
    assert.equal(entry.status, 409);
    assert.equal(entry.scimType, 'uniqueness');
    assert.match(entry.error ?? '', /already used/);
    assert.equal(entry.userName, 'ADELE.VANCE@contoso.com');
    assert.equal(entry.resourceType, 'User');
  });

  it('records a bad filter with invalidFilter and the query it came with', () => {
    const entry = entryFor('bad filter');
    assert.equal(entry.method, 'GET');
    assert.equal(entry.operation, 'list');
    assert.equal(entry.status, 400);
    assert.equal(entry.scimType, 'invalidFilter');
    assert.ok(entry.error && entry.error.length > 0);
    assert.equal(detailOf(entry).query.filter, 'userName zz "x"');
  });

  it('records a 401 with its error and no token', () => {
    const entry = entryFor('unauthorized');
    assert.equal(entry.method, 'GET');
    assert.equal(entry.status, 401);
    assert.equal(entry.scimType, null);
    assert.match(entry.error ?? '', /bearer token/i);
    assert.equal(JSON.stringify(entry).includes('not-the-token'), false);
    assert.equal(JSON.stringify(entries).includes(t.token), false);
  });

  it('records the userName an Entra probe asked about', () => {
    const entry = entryFor('probe');
    assert.equal(entry.operation, 'list');
    assert.equal(entry.status, 200);
    assert.equal(entry.userName, 'lynne.robbins@contoso.com');
    assert.equal(entry.resourceType, 'User');
    // The filter as ScimDesk read it: canonical names, the bare value quoted, "True" a boolean.
    assert.equal(detailOf(entry).filterAsRead, 'userName eq "lynne.robbins@contoso.com" and (active eq true or title pr)');
  });

  it('finds entries by identifier and by outcome', async () => {
    const byText = await t.core.store.querySyncLog({ limit: 50, text: 'ADELE.vance' });
    assert.deepEqual(
      byText.map((entry) => entry.requestId).sort(),
      ['create', 'patch', 'duplicate'].map((label) => entryFor(label).requestId).sort(),
    );
    const failures = await t.core.store.querySyncLog({ limit: 50, outcome: 'clientError' });
    assert.deepEqual(
      failures.map((entry) => entry.status).sort(),
      [400, 401, 409],
    );
    const byResource = await t.core.store.querySyncLog({ limit: 50, resourceId: userId });
    assert.deepEqual(
      byResource.map((entry) => entry.operation),
      ['patch', 'create'],
    );
  });

  it("records Entra's ADSCIMVersion header, none for other clients, and filters by it", async () => {
    assert.equal(entryFor('create').adscimVersion, ENTRA_HEADER);
    for (const label of ['patch', 'duplicate', 'bad filter', 'unauthorized', 'probe']) assert.equal(entryFor(label).adscimVersion, null, label);
    const fromEntra = await t.core.store.querySyncLog({ limit: 50, client: 'entra' });
    assert.deepEqual(fromEntra.map((entry) => entry.requestId), [entryFor('create').requestId]);
    const others = await t.core.store.querySyncLog({ limit: 50, client: 'other' });
    assert.equal(others.length, entries.length - 1);
  });

  const patchPassword = async (operation: Json, secret: string) => {
    const response = await t.scim(`/Users/${userId}`, {
      method: 'PATCH',
      body: JSON.stringify({ schemas: [URN_PATCH], Operations: [operation] }),
    });
    await readScim(response, 200, 'password PATCH');
    await t.core.syncLog.flush();
    const [entry] = await t.core.store.querySyncLog({ limit: 1 });
    assert.ok(entry);
    assert.equal(entry.requestId, response.headers.get('x-request-id'));
    return { entry, leaked: JSON.stringify(entry).includes(secret) };
  };

  it('never stores a password sent by a path-less PATCH value', async () => {
    const secret = `${PASSWORD}-pathless-${randomUUID()}`;
    const { entry, leaked } = await patchPassword({ op: 'replace', value: { password: secret, displayName: 'Adele Vance' } }, secret);
    assert.equal(leaked, false, `sync log detail: ${entry.detail}`);
  });

  it('never stores a password sent by a PATCH with path "password"', async () => {
    const secret = `${PASSWORD}-by-path-${randomUUID()}`;
    const { entry, leaked } = await patchPassword({ op: 'Replace', path: 'password', value: secret }, secret);
    assert.equal(leaked, false, `sync log detail: ${entry.detail}`);
  });
});
