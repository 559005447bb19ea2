import '../support/trust-tenant-ca';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeTenant, type FakeTenant } from '../../scripts/fake-tenant/fake-tenant';
import { startTestCore, type TestCore } from '../support/start-test-core';
import type { Json } from './protocol-helpers';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const HOUR = 3_600_000;
const context = { actor: 'test' };

/**
 * Workload identity federation against the fake tenant: its OIDC metadata and JWKS stand for Entra's,
 * its provisioning identity signs the assertions Entra's provisioning service presents (RFC 7523).
 */
describe('Workload identity federation over HTTP (RFC 7523 JWT bearer)', () => {
  let t: TestCore;
  let tenant: FakeTenant;
  let clock = Date.now();
  let clientId: string;
  /** Every assertion presented: none may reach the sync log. */
  const assertions: string[] = [];

  const tokenUrl = () => new URL('/oauth2/token', t.baseUrl).toString();
  const mint = async (overrides: Parameters<FakeTenant['provisioning']['assertion']>[0] = {}) => {
    const assertion = await tenant.provisioning.assertion({ now: new Date(clock), ...overrides });
    assertions.push(assertion);
    return assertion;
  };
  /** Entra's request, per Microsoft's guide: client_credentials with a client assertion. */
  const present = (assertion: string, extra: Record<string, string> = {}) =>
    fetch(tokenUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, scope: 'scim', ...extra }).toString(),
    });
  const accepted = async (response: Response, why: string): Promise<string> => {
    const body = (await response.json()) as Json;
    assert.equal(response.status, 200, `${why}: ${JSON.stringify(body)}`);
    assert.equal(body.token_type, 'Bearer');
    const users = await fetch(`${t.baseUrl}/Users?count=1`, { headers: { authorization: `Bearer ${body.access_token as string}` } });
    assert.equal(users.status, 200, `${why}: SCIM with the access token`);
    return body.access_token as string;
  };
  const refused = async (response: Response, check: string, why: string) => {
    const body = (await response.json()) as Json;
    assert.equal(response.status, 401, `${why}: ${JSON.stringify(body)}`);
    assert.equal(body.error, 'invalid_client', why);
    assert.match(body.error_description, new RegExp(`^${check}:`), `${why}: the failed check is named`);
    const status = await t.core.admin.handlers['auth.status']({}, context);
    assert.equal(status.lastFederationAttempt?.ok, false, why);
    assert.equal(status.lastFederationAttempt?.check, check, `${why}: the last attempt view names the failed check`);
    // Failed attempts from this address are throttled after ten a minute: keep each case in its own minute.
    clock += 61_000;
  };

  before(async () => {
    tenant = await startFakeTenant();
    t = await startTestCore({ now: () => new Date(clock) });
    const federation = await t.core.admin.handlers['auth.configureFederation'](
      {
        tenantId: tenant.tenantId,
        cloud: 'custom',
        authorityHost: tenant.authorityHost,
        subject: tenant.provisioning.subject,
        // As Entra's portal shows it; the token carries it without /.default.
        audience: `${tenant.provisioning.audience}/.default`,
      },
      context,
    );
    clientId = federation.clientId;
    assert.equal(federation.issuer, `${tenant.authorityHost}/${tenant.tenantId}/v2.0`);
  });

  after(async () => {
    await t.stop();
    await tenant.close();
  });

  it('issues an access token for a good assertion, and the sync log says federation without keeping the assertion', async () => {
    await accepted(await present(await mint()), 'good assertion');
    // RFC 7523 §2.1: the same JWT as an authorization grant.
    const grant = await fetch(tokenUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: await mint() }).toString(),
    });
    await accepted(grant, 'jwt-bearer grant');
    await t.core.syncLog.flush();
    const rows = await t.core.store.querySyncLog({ limit: 100 });
    const issued = rows.find((row) => row.operation === 'oauth-token' && row.status === 200);
    assert.ok(issued);
    const detail = JSON.parse(issued.detail!);
    assert.equal(detail.auth.method, 'federation');
    assert.equal(detail.presented.sub, tenant.provisioning.subject, 'what the assertion presented is shown');
    const scim = rows.find((row) => row.operation === 'list' && JSON.parse(row.detail ?? '{}').auth?.method === 'federation');
    assert.ok(scim, 'the SCIM request names federation');
    const status = await t.core.admin.handlers['auth.status']({}, context);
    assert.equal(status.lastFederationAttempt?.ok, true);
    assert.equal(status.recommended, 'federation');
    assert.ok(status.entraForm.federation.some((field) => field.label === 'Client ID' && field.value === clientId));
    assert.ok(status.entraForm.federation.some((field) => field.label === 'Token URL' && field.value === tokenUrl()));
  });

  it('refuses a wrong issuer, audience, subject, tenant, an expired or not-yet-valid assertion, and one signed by an unknown key', async () => {
    await refused(await present(await mint({ iss: `${tenant.authorityHost}/${crypto.randomUUID()}/v2.0` })), 'iss', 'another tenant as issuer');
    await refused(await present(await mint({ aud: 'api://someone-else' })), 'aud', 'wrong audience');
    await refused(await present(await mint({ sub: crypto.randomUUID() })), 'sub', 'wrong subject');
    await refused(await present(await mint({ tid: crypto.randomUUID() })), 'tid', 'wrong tenant id');
    const now = Math.floor(clock / 1000);
    await refused(await present(await mint({ iat: now - 7200, nbf: now - 7200, exp: now - 600 })), 'exp', 'expired beyond the clock skew');
    await refused(await present(await mint({ nbf: now + 900 })), 'nbf', 'not valid yet');
    await refused(await present(await mint({ unknownKey: true })), 'kid', 'signed by a key the tenant never published');
    await refused(await present(await mint(), { client_id: 'not-ours' }), 'client', 'another client id');
    // Within the 5-minute skew an assertion that just expired still passes.
    const later = Math.floor(clock / 1000);
    await accepted(await present(await mint({ iat: later - 3900, nbf: later - 3900, exp: later - 60 })), 'within the clock skew');
    const rows = JSON.stringify(await (t.core.syncLog.flush().then(() => t.core.store.querySyncLog({ limit: 500 }))));
    for (const assertion of assertions) assert.ok(!rows.includes(assertion.split('.')[2]!), 'no assertion in the sync log');
  });

  it('follows a key rotation: a new kid fetches the keys again', async () => {
    clock += 31_000;
    const kid = await tenant.provisioning.rotateKeys({ retireOld: true });
    await accepted(await present(await mint({ kid })), 'signed with the new key');
  });

  it('keeps using cached keys while the JWKS is down, until they are a day old', async () => {
    await accepted(await present(await mint()), 'keys cached');
    tenant.provisioning.keysDown = true;
    clock += 2 * HOUR;
    await accepted(await present(await mint()), 'the JWKS is down, the cached key still works after its refresh time');
    clock += 23 * HOUR;
    await refused(await present(await mint()), 'jwks', 'no cached key younger than a day');
    tenant.provisioning.keysDown = false;
    clock += 31_000;
    await accepted(await present(await mint()), 'the JWKS is back');
  });

  it('ends federation access tokens when federation is turned off', async () => {
    const token = await accepted(await present(await mint()), 'before');
    await t.core.admin.handlers['auth.disableFederation']({}, context);
    const users = await fetch(`${t.baseUrl}/Users?count=1`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(users.status, 401);
    await refused(await present(await mint()), 'notConfigured', 'federation off');
  });
});
