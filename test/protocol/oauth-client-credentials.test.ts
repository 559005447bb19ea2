import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCore, type TestCore } from '../support/start-test-core';
import type { Json } from './protocol-helpers';

const DAY = 86_400_000;

/** Posts a token request as Entra does: a form body, the client authenticated per `sentAs`. */
async function requestToken(
  t: TestCore,
  client: { id: string; secret: string },
  sentAs: 'basic' | 'post' | 'both',
  extra: Record<string, string> = {},
): Promise<Response> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', scope: 'scim', ...extra });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (sentAs !== 'basic') {
    form.set('client_id', client.id);
    form.set('client_secret', client.secret);
  }
  if (sentAs !== 'post') {
    // RFC 6749 §2.3.1: each part form-encoded, then base64.
    headers['authorization'] = `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;
  }
  return fetch(tokenUrl(t), { method: 'POST', headers, body: form.toString() });
}

function tokenUrl(t: TestCore): string {
  return new URL('/oauth2/token', t.baseUrl).toString();
}

async function accessToken(response: Response, context: string): Promise<string> {
  const body = (await response.json()) as Json;
  assert.equal(response.status, 200, `${context}: ${JSON.stringify(body)}`);
  assert.equal(body.token_type, 'Bearer', context);
  assert.equal(typeof body.access_token, 'string', context);
  assert.equal(response.headers.get('cache-control'), 'no-store', `${context}: RFC 6749 §5.1`);
  return body.access_token as string;
}

async function oauthError(response: Response, status: number, error: string, context: string): Promise<Json> {
  const body = (await response.json()) as Json;
  assert.equal(response.status, status, `${context}: ${JSON.stringify(body)}`);
  assert.equal(body.error, error, context);
  assert.equal(typeof body.error_description, 'string', context);
  return body;
}

function listUsers(t: TestCore, token: string): Promise<Response> {
  return fetch(`${t.baseUrl}/Users?count=1`, { headers: { authorization: `Bearer ${token}` } });
}

async function syncLog(t: TestCore) {
  await t.core.syncLog.flush();
  return t.core.store.querySyncLog({ limit: 500 });
}

describe('OAuth 2.0 client credentials over HTTP (RFC 6749 §4.4)', () => {
  let t: TestCore;
  let clock = Date.parse('2026-03-01T09:00:00.000Z');
  const secrets: string[] = [];

  before(async () => {
    t = await startTestCore({ now: () => new Date(clock) });
  });

  after(async () => {
    await t.stop();
  });

  async function newClient(lifetimeDays = 730) {
    const issued = await t.core.oauth.clients.create('Entra provisioning', lifetimeDays);
    secrets.push(issued.secret);
    return { id: issued.client.clientId, secret: issued.secret };
  }

  it('records (first, before any other refusal from this address) the method and client of each request in the sync log, and which check refused an attempt, never the secret', async () => {
    const client = await newClient();
    const token = await accessToken(await requestToken(t, client, 'basic'), 'token');
    assert.equal((await listUsers(t, token)).status, 200);
    await requestToken(t, { id: client.id, secret: 'wrong-secret-value' }, 'post');
    assert.equal((await listUsers(t, t.token)).status, 200);
    const rows = await syncLog(t);
    const scim = rows.find((row) => row.operation === 'list' && row.detail?.includes(client.id));
    assert.ok(scim, 'the SCIM request names the client');
    assert.deepEqual(JSON.parse(scim.detail!).auth, { method: 'clientCredentials', clientId: client.id });
    const issued = rows.find((row) => row.operation === 'oauth-token' && row.status === 200 && row.detail?.includes(client.id));
    assert.ok(issued, 'the token request is a sync-log entry');
    assert.equal(JSON.parse(issued.detail!).auth.credentialsSentAs, 'basic');
    const refused = rows.find((row) => row.operation === 'oauth-token' && row.status === 401 && row.detail?.includes(client.id));
    assert.ok(refused, 'the refused attempt is recorded');
    assert.equal(JSON.parse(refused.detail!).auth.failedCheck, 'secret');
    const secretTokenRow = rows.find((row) => row.operation === 'list' && JSON.parse(row.detail ?? '{}').auth?.method === 'secretToken');
    assert.ok(secretTokenRow, 'a Secret Token request says so');
    const all = JSON.stringify(rows);
    for (const secret of secrets) assert.ok(!all.includes(secret), 'no secret or access token in the sync log');
    assert.ok(!all.includes('wrong-secret-value'), 'not even a wrong secret');
  });

  it('issues an access token for the secret sent in the header, in the body, or both, and SCIM accepts it', async () => {
    const client = await newClient();
    for (const sentAs of ['basic', 'post', 'both'] as const) {
      const response = await requestToken(t, client, sentAs);
      const token = await accessToken(response.clone(), sentAs);
      const body = (await response.json()) as Json;
      assert.equal(body.expires_in, 3600, `${sentAs}: one hour by default`);
      assert.equal(body.scope, 'scim');
      secrets.push(token);
      const users = await listUsers(t, token);
      assert.equal(users.status, 200, `${sentAs}: SCIM with the access token`);
    }
    // The Secret Token keeps working beside them.
    assert.equal((await listUsers(t, t.token)).status, 200);
  });

  it('refuses a wrong secret, an unknown client, a wrong grant and two different secrets with RFC 6749 §5.2 errors', async () => {
    const client = await newClient();
    const wrong = await requestToken(t, { id: client.id, secret: `${client.secret}x` }, 'basic');
    await oauthError(wrong, 401, 'invalid_client', 'wrong secret in the header');
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic/, 'a 401 names the scheme the client used');
    await oauthError(await requestToken(t, { id: client.id, secret: 'nope' }, 'post'), 401, 'invalid_client', 'wrong secret in the body');
    await oauthError(await requestToken(t, { id: 'no-such-client', secret: client.secret }, 'post'), 401, 'invalid_client', 'unknown client');
    await oauthError(await requestToken(t, client, 'post', { grant_type: 'password' }), 400, 'unsupported_grant_type', 'wrong grant');
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.id, client_secret: 'other' });
    const conflicting = await fetch(tokenUrl(t), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}` },
      body: form.toString(),
    });
    await oauthError(conflicting, 400, 'invalid_request', 'header and body disagree');
    await oauthError(await fetch(tokenUrl(t), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 400, 'invalid_request', 'JSON body');
    const get = await fetch(tokenUrl(t));
    assert.equal(get.status, 405);
  });

  it('refuses an access token after its client is revoked, at once', async () => {
    const client = await newClient();
    const token = await accessToken(await requestToken(t, client, 'post'), 'token');
    assert.equal((await listUsers(t, token)).status, 200);
    await t.core.oauth.clients.revoke(client.id);
    const refused = await listUsers(t, token);
    assert.equal(refused.status, 401);
    assert.match(((await refused.json()) as Json).detail, /revoked/);
    await oauthError(await requestToken(t, client, 'post'), 401, 'invalid_client', 'a revoked client gets no new token');
  });

  it('keeps the earlier secret working through a rotation overlap, then not', async () => {
    const client = await newClient();
    const rotated = await t.core.oauth.clients.rotate(client.id);
    secrets.push(rotated.secret);
    await accessToken(await requestToken(t, { id: client.id, secret: rotated.secret }, 'post'), 'the new secret');
    await accessToken(await requestToken(t, client, 'post'), 'the old secret during the overlap');
    clock += 8 * DAY;
    await oauthError(await requestToken(t, client, 'post'), 401, 'invalid_client', 'the old secret after the overlap');
    await accessToken(await requestToken(t, { id: client.id, secret: rotated.secret }, 'post'), 'the new secret still');
  });

  it('lets an access token expire and issues a fresh one on the next request (refresh)', async () => {
    const client = await newClient();
    const first = await accessToken(await requestToken(t, client, 'basic'), 'first token');
    clock += 3599_000;
    assert.equal((await listUsers(t, first)).status, 200, 'still valid just before its end');
    clock += 2_000;
    const expired = await listUsers(t, first);
    assert.equal(expired.status, 401, 'refused after its end');
    assert.match(((await expired.json()) as Json).detail, /expired/);
    const second = await accessToken(await requestToken(t, client, 'basic'), 'refreshed token');
    assert.notEqual(second, first);
    assert.equal((await listUsers(t, second)).status, 200);
  });

  it('refuses an expired client secret', async () => {
    const client = await newClient(1);
    await accessToken(await requestToken(t, client, 'post'), 'fresh secret');
    clock += DAY + 1000;
    const body = await oauthError(await requestToken(t, client, 'post'), 401, 'invalid_client', 'expired secret');
    assert.match(body.error_description, /expired/);
  });

  it('throttles an address after repeated failed attempts, and never a valid client', async () => {
    const client = await newClient();
    let throttled: Response | undefined;
    for (let i = 0; i < 15 && !throttled; i++) {
      const response = await requestToken(t, { id: client.id, secret: `wrong-${i}` }, 'post');
      if (response.status === 429) throttled = response;
      else await oauthError(response, 401, 'invalid_client', `attempt ${i}`);
    }
    assert.ok(throttled, 'the address is made to wait');
    assert.ok(Number(throttled.headers.get('retry-after')) > 0);
    await accessToken(await requestToken(t, client, 'post'), 'a valid client from the same address');
  });
});

describe('OAuth access tokens across a restart', () => {
  it('keeps an access token working in a service restarted on the same data folder, and refuses a tampered one', async () => {
    const first = await startTestCore();
    const dataDir = first.dataDir;
    let second: TestCore | undefined;
    try {
      const issued = await first.core.oauth.clients.create('Entra', 30);
      const token = await accessToken(await requestToken(first, { id: issued.client.clientId, secret: issued.secret }, 'post'), 'token');
      await first.core.stop();
      const { createCore } = await import('../../main/core/create-core');
      const core = await createCore({ dataDir, host: '127.0.0.1', port: 0, fileLogs: false });
      const started = await core.start();
      second = { ...first, core, baseUrl: started.scimUrl, stop: () => core.stop() };
      assert.equal((await listUsers(second, token)).status, 200, 'the signing key is kept: the token survives a restart');
      // Another client id in the payload, the signature left as it was.
      const [body, signature] = token.slice('scimdesk_at_'.length).split('.') as [string, string];
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
      const forged = `scimdesk_at_${Buffer.from(JSON.stringify({ ...payload, e: (payload['e'] as number) + 86_400 })).toString('base64url')}.${signature}`;
      assert.equal((await listUsers(second, forged)).status, 401, 'a token whose payload was changed is refused');
    } finally {
      await second?.stop();
      const { rmSync } = await import('node:fs');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
