import { ENTRA_SNAPSHOT_MAPPERS } from '../../main/admin/entra/to-entra-snapshot';
import '../support/trust-tenant-ca';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ClientSecretCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { GRAPH_SECRET_NAMES } from '../../main/graph/graph-config';
import { GraphRequestError } from '../../main/graph/graph-errors';
import type { FetchProgress } from '../../main/graph/graph-results';
import { GraphService, testGraphConnection } from '../../main/graph/graph-service';
import { ResetScopeRefusedError } from '../../main/graph/reset-scope';
import type { FakeGroup, FakeServicePrincipal } from '../../scripts/fake-tenant/fake-tenant';
import { ALL_SCIMDESK_PERMISSIONS, createClientCertificate, generateUsers, guidFrom } from '../../scripts/fake-tenant/scenario';
import { startDemoTenant } from '../../scripts/fake-tenant/demo-tenant';
import { MemorySecretStore, startGraphTestTenant, type GraphTestTenant } from '../support/graph-test-tenant';

/** Users in the graph requests the tenant recorded, page by page. */
function userPages(t: GraphTestTenant) {
  return t.tenant.requestsTo('users').filter((r) => r.status === 200);
}

describe('Graph client against the fake tenant: sign-in', () => {
  let t: GraphTestTenant;

  before(async () => {
    t = await startGraphTestTenant();
    t.tenant.addUsers(generateUsers(3));
  });

  after(() => t.close());

  it('signs in with a client secret and calls Graph with the bearer token, through the real clients', async () => {
    const service = await t.service();
    const found = await service.findServicePrincipals(t.app.clientId);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.displayName, 'ScimDesk Graph reader');
    const token = t.tenant.requestsTo('token').at(-1)!;
    assert.equal(token.status, 200);
    assert.deepEqual(
      { grant: (token.body as Record<string, string>).grant_type, secret: (token.body as Record<string, string>).client_secret, scope: (token.body as Record<string, string>).scope },
      // Graph's own resource, though the custom cloud reaches Graph at the tenant's own address (as through a proxy).
      { grant: 'client_credentials', secret: '<redacted>', scope: 'https://graph.microsoft.com/.default' },
    );
    const graph = t.tenant.requestsTo('servicePrincipals').at(-1)!;
    assert.equal(graph.headers.authorization, 'Bearer <redacted>');
    assert.equal(graph.clientId, t.app.clientId);
    assert.ok(t.tenant.count('openid') >= 1, 'MSAL read the OIDC metadata of the custom authority');
  });

  it('signs in with a certificate from a PEM file: the tenant verifies the client assertion signature', async () => {
    const certificate = createClientCertificate();
    t.tenant.addCertificate(t.app.clientId, certificate.certPem);
    // Key first, then certificate: the order an export tool may choose.
    await t.secrets.set(GRAPH_SECRET_NAMES.certificate, certificate.combinedPem);
    const service = await t.service({ auth: { kind: 'certificate', format: 'pem' } });
    const report = await service.testConnection();
    assert.equal(report.token.ok, true, JSON.stringify(report.token));
    assert.equal(report.certificate?.thumbprint.length, 40);
    const token = t.tenant.requestsTo('token').at(-1)!;
    const body = token.body as Record<string, string>;
    assert.equal(body.client_assertion_type, 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    assert.equal(body.client_secret, undefined);
    assert.equal(token.status, 200);
  });

  it('signs in with a certificate from a PFX (AES-256 and 3DES), converted to PEM in memory', async () => {
    for (const algorithm of ['aes256', '3des'] as const) {
      const certificate = createClientCertificate(`ScimDesk PFX ${algorithm}`);
      t.tenant.addCertificate(t.app.clientId, certificate.certPem);
      await t.secrets.set(GRAPH_SECRET_NAMES.certificate, certificate.pfxBase64('pfx-password', algorithm));
      await t.secrets.set(GRAPH_SECRET_NAMES.certificatePassword, 'pfx-password');
      const service = await t.service({ auth: { kind: 'certificate', format: 'pfx' } });
      const report = await service.testConnection();
      assert.equal(report.token.ok, true, `${algorithm}: ${JSON.stringify(report.token)}`);
      assert.match(report.certificate?.subject ?? '', new RegExp(`ScimDesk PFX ${algorithm}`));
    }
    await t.secrets.delete(GRAPH_SECRET_NAMES.certificatePassword);
  });

  it('refuses a certificate that is not registered on the app, with the AADSTS700027 advice', async () => {
    const stranger = createClientCertificate('Not registered');
    await t.secrets.set(GRAPH_SECRET_NAMES.certificate, stranger.combinedPem);
    const report = await (await t.service({ auth: { kind: 'certificate', format: 'pem' } })).testConnection();
    assert.equal(report.token.ok, false);
    if (report.token.ok) return;
    assert.equal(report.token.code, 'AADSTS700027');
    assert.match(report.token.advice, /Certificates & secrets/);
    assert.equal(t.tenant.requestsTo('token').at(-1)!.status, 401);
  });

  it('reports a missing secret or PFX password before any request, as a failed token step', async () => {
    const empty = new MemorySecretStore();
    const report = await testGraphConnection(t.connection, empty);
    assert.equal(report.token.ok, false);
    if (!report.token.ok) assert.match(report.token.message, /No client secret is saved/);
    const pfx = createClientCertificate().pfxBase64('right');
    const wrong = new MemorySecretStore({ [GRAPH_SECRET_NAMES.certificate]: pfx, [GRAPH_SECRET_NAMES.certificatePassword]: 'wrong' });
    const pfxReport = await testGraphConnection({ ...t.connection, auth: { kind: 'certificate', format: 'pfx' } }, wrong);
    assert.equal(pfxReport.token.ok, false);
    if (!pfxReport.token.ok) assert.match(pfxReport.token.message, /password does not open this \.pfx/);
  });

  it('uses the custom cloud as configured: baseUrl and customHosts; without customHosts the real client sends no token', async () => {
    const credential = new ClientSecretCredential(t.tenant.tenantId, t.app.clientId, t.secret, {
      authorityHost: t.tenant.authorityHost,
      disableInstanceDiscovery: true,
    });
    const bare = Client.initWithMiddleware({
      authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: [`${t.tenant.graphResource}/.default`] }),
      baseUrl: `${t.tenant.graphBaseUrl}/`,
    });
    await assert.rejects(bare.api('/users?$top=1').get(), (error: { statusCode?: number; code?: string }) => {
      assert.equal(error.statusCode, 401);
      assert.equal(error.code, 'InvalidAuthenticationToken');
      return true;
    });
    assert.equal(t.tenant.requestsTo('users').at(-1)!.headers.authorization, undefined, 'no Authorization header without customHosts');
    const service = await t.service();
    const snapshot = await service.fetchSnapshot(ENTRA_SNAPSHOT_MAPPERS);
    assert.equal(snapshot.users.length, 3);
    assert.equal(t.tenant.requestsTo('users').at(-1)!.headers.authorization, 'Bearer <redacted>');
  });
});

describe('Graph client against the fake tenant: the token resource of a custom cloud', () => {
  it('refuses, as Entra does, a token for the Graph URL of a proxy in front of Graph, with an AADSTS500011 body shaped like the real one', async () => {
    const t = await startGraphTestTenant();
    try {
      // What a client that asked for `<Graph URL>/.default` got.
      const response = await fetch(`${t.tenant.authorityHost}/${t.tenant.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: t.app.clientId, client_secret: t.secret, scope: `${t.tenant.graphBaseUrl}/.default` }).toString(),
      });
      assert.equal(response.status, 400);
      const body = (await response.json()) as Record<string, unknown>;
      // Entra's answer to a client-credentials request for an unknown resource, as reported publicly
      // (rootinc/laravel-azure-middleware#51), with its names and ids replaced.
      const captured = JSON.parse(readFileSync(new URL('../fixtures/entra/token-invalid-resource.json', import.meta.url), 'utf8')) as Record<string, unknown>;
      const shape = (value: unknown) =>
        String(value)
          .replace(/named \S+ was not found in the tenant named \S+\./, 'named R was not found in the tenant named T.')
          .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID')
          .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/g, 'TIME');
      assert.deepEqual(Object.keys(body), Object.keys(captured), 'the fields of the real body, in its order');
      assert.deepEqual([body.error, body.error_codes, shape(body.error_description), shape(body.timestamp)], [captured.error, captured.error_codes, shape(captured.error_description), shape(captured.timestamp)]);
      assert.match(
        String(body.error_description),
        new RegExp(
          `^AADSTS500011: The resource principal named ${t.tenant.graphBaseUrl.replace(/\./g, '\\.')} was not found in the tenant named ${t.tenant.tenantId}\\. ` +
            'This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant\\. ' +
            `You might have sent your authentication request to the wrong tenant\\.\\r\\nTrace ID: ${String(body.trace_id)}\\r\\nCorrelation ID: ${String(body.correlation_id)}\\r\\nTimestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`,
        ),
      );

      // ScimDesk with the token resource set to that address gets the same refusal, explained.
      const report = await testGraphConnection({ ...t.connection, graphResource: t.tenant.graphBaseUrl }, t.secrets);
      assert.equal(report.token.ok, false);
      if (report.token.ok) return;
      assert.equal(report.token.code, 'AADSTS500011');
      assert.match(report.token.advice, /set the token resource to Graph's own \(https:\/\/graph\.microsoft\.com/);
      assert.equal(t.tenant.requestsTo('token').at(-1)!.status, 400);
      assert.equal((t.tenant.requestsTo('token').at(-1)!.body as Record<string, string>).scope, `${t.tenant.graphBaseUrl}/.default`);
    } finally {
      await t.close();
    }
  });

  it("signs in for Graph's own resource by default, and for the one set when Graph's resource is another", async () => {
    // A tenant of a national cloud reached through a proxy: its Graph resource is graph.microsoft.us.
    const t = await startGraphTestTenant({ graphResource: 'https://graph.microsoft.us' });
    try {
      t.tenant.addUsers(generateUsers(2));
      const byDefault = await testGraphConnection(t.connection, t.secrets);
      assert.equal(byDefault.token.ok, false, 'the default (https://graph.microsoft.com) is not this cloud\'s Graph');
      if (!byDefault.token.ok) assert.equal(byDefault.token.code, 'AADSTS500011');
      const service = await t.service({ graphResource: 'https://graph.microsoft.us/' });
      const report = await service.testConnection();
      assert.equal(report.token.ok, true, JSON.stringify(report.token));
      assert.equal((t.tenant.requestsTo('token').at(-1)!.body as Record<string, string>).scope, 'https://graph.microsoft.us/.default');
      assert.equal((await service.fetchSnapshot(ENTRA_SNAPSHOT_MAPPERS)).users.length, 2, 'Graph accepts the token at the proxy address');
    } finally {
      await t.close();
    }
  });
});

describe('Graph client against the fake tenant: test connection', () => {
  it('reports the token and every permission granted when all six are consented', async () => {
    const t = await startGraphTestTenant({ appDisplayName: 'ScimDesk Compare' });
    try {
      const sp = t.tenant.addEnterpriseApp({ displayName: 'ScimDesk SCIM' });
      const group = t.tenant.addGroup({ displayName: 'Sales', members: [] });
      assert.ok(group);
      const report = await testGraphConnection({ ...t.connection, appId: sp.appId }, t.secrets);
      assert.equal(report.token.ok, true);
      if (!report.token.ok) return;
      assert.deepEqual([...report.token.roles].sort(), [...ALL_SCIMDESK_PERMISSIONS].sort());
      assert.equal(report.token.tokenTenantId, t.tenant.tenantId);
      assert.deepEqual(
        report.permissions.map((p) => [p.permission, p.status, p.probe]),
        ALL_SCIMDESK_PERMISSIONS.map((p) => [p, 'granted', 'accepted']),
      );
      assert.ok(report.permissions.every((p) => p.consentStep === null));
      assert.deepEqual([report.canCompare, report.canManageJobs, report.canReadLogs], [true, true, true]);
      assert.deepEqual(report.enterpriseApp, { found: true, servicePrincipal: { id: sp.id, appId: sp.appId, displayName: 'ScimDesk SCIM', servicePrincipalType: 'Application' }, jobs: 1 });
    } finally {
      await t.close();
    }
  });

  it('names each missing permission with its exact admin-consent step, confirmed by a refused probe', async () => {
    const t = await startGraphTestTenant({ roles: ['User.Read.All', 'Application.Read.All'], appDisplayName: 'ScimDesk Compare' });
    try {
      const report = await testGraphConnection(t.connection, t.secrets);
      assert.equal(report.token.ok, true);
      const byName = new Map(report.permissions.map((p) => [p.permission, p]));
      assert.equal(byName.get('User.Read.All')!.status, 'granted');
      assert.equal(byName.get('Application.Read.All')!.status, 'granted');
      for (const missing of ['Group.Read.All', 'GroupMember.Read.All', 'Synchronization.ReadWrite.All', 'AuditLog.Read.All'] as const) {
        const check = byName.get(missing)!;
        assert.equal(check.status, 'missing', missing);
        assert.equal(check.probe, 'denied', missing);
        assert.equal(
          check.consentStep,
          `Entra admin center → App registrations → ScimDesk Compare → API permissions → Add a permission → Microsoft Graph → Application permissions → ${missing} → Grant admin consent for ${t.tenant.tenantId}`,
        );
      }
      assert.deepEqual([report.canCompare, report.canManageJobs, report.canReadLogs], [false, false, false]);
      // Every probe the tenant refused was answered with Graph's error code.
      assert.ok(t.tenant.requests.filter((r) => r.status === 403).length >= 4);
    } finally {
      await t.close();
    }
  });

  it('counts a higher permission (Directory.Read.All) as granting the read permissions it includes', async () => {
    const t = await startGraphTestTenant({ roles: ['Directory.Read.All'] });
    try {
      const report = await testGraphConnection(t.connection, t.secrets);
      const granted = report.permissions.filter((p) => p.status === 'granted').map((p) => [p.permission, p.grantedBy]);
      assert.deepEqual(granted, [
        ['User.Read.All', 'Directory.Read.All'],
        ['Group.Read.All', 'Directory.Read.All'],
        ['GroupMember.Read.All', 'Directory.Read.All'],
        ['Application.Read.All', 'Directory.Read.All'],
      ]);
      assert.equal(report.canCompare, true);
    } finally {
      await t.close();
    }
  });

  it('explains a wrong secret, an expired secret, an unknown client id and an unknown tenant in plain words', async () => {
    const t = await startGraphTestTenant();
    try {
      t.app.secrets.push({ value: 'old-expired-secret', expired: true });
      const cases: Array<[string, Parameters<typeof testGraphConnection>, string, RegExp]> = [
        ['wrong secret', [t.connection, new MemorySecretStore({ [GRAPH_SECRET_NAMES.clientSecret]: 'not-the-secret' })], 'AADSTS7000215', /Value \(not its Secret ID\)/],
        ['expired secret', [t.connection, new MemorySecretStore({ [GRAPH_SECRET_NAMES.clientSecret]: 'old-expired-secret' })], 'AADSTS7000222', /New client secret/],
        ['unknown client id', [{ ...t.connection, clientId: guidFrom('nobody') }, t.secrets], 'AADSTS700016', /Application \(client\) ID/],
      ];
      for (const [label, args, code, advice] of cases) {
        const report = await testGraphConnection(...args);
        assert.equal(report.token.ok, false, label);
        if (report.token.ok) continue;
        assert.equal(report.token.code, code, `${label}: ${report.token.message}`);
        assert.match(report.token.advice, advice, label);
        assert.match(report.token.message, new RegExp(code), label);
        assert.doesNotMatch(report.token.message, /not-the-secret|old-expired-secret/, `${label}: the secret is never echoed`);
        assert.deepEqual(report.permissions, []);
      }
      const unknownTenant = await testGraphConnection({ ...t.connection, tenantId: guidFrom('another tenant') }, t.secrets);
      assert.equal(unknownTenant.token.ok, false);
      if (!unknownTenant.token.ok) {
        assert.ok(['AADSTS90002', 'endpoints_resolution_error'].includes(unknownTenant.token.code ?? ''), `unknown tenant: ${JSON.stringify(unknownTenant.token)}`);
        assert.match(unknownTenant.token.advice, /tenant ID/);
      }
    } finally {
      await t.close();
    }
  });
});

describe('Graph client against the fake tenant: fetching a snapshot', () => {
  let t: GraphTestTenant;

  before(async () => {
    t = await startGraphTestTenant();
    t.tenant.addUsers(generateUsers(2500));
    for (let i = 0; i < 5; i += 1) t.tenant.addGroup({ displayName: `Group ${i}` });
  });

  after(() => t.close());

  it('pages 2,500 users with $select and $top=999 in 3 pages, keeping ConsistencyLevel on every nextLink', async () => {
    const before = t.tenant.requestsTo('users').length;
    const progress: FetchProgress[] = [];
    const snapshot = await (await t.service()).fetchSnapshot(ENTRA_SNAPSHOT_MAPPERS, { onProgress: (p) => progress.push(p) });
    assert.equal(snapshot.users.length, 2500);
    assert.equal(snapshot.groups.length, 5);
    assert.equal(snapshot.scope, null);
    assert.equal(snapshot.source, 'graph');
    const pages = t.tenant.requestsTo('users').slice(before);
    assert.equal(pages.length, 3);
    for (const page of pages) {
      assert.equal(page.query.$select, 'id,userPrincipalName,mail,mailNickname,displayName,accountEnabled,employeeId');
      assert.equal(page.query.$top, '999');
      assert.equal(page.headers.consistencylevel, 'eventual', 'the header goes on every page');
    }
    assert.equal(pages[0]!.query.$skiptoken, undefined);
    assert.ok(pages[1]!.query.$skiptoken && pages[2]!.query.$skiptoken);
    const user = snapshot.users.find((u) => u.userPrincipalName === 'user000049@contoso.com')!;
    assert.deepEqual(user, {
      objectId: guidFrom('user:49'),
      userPrincipalName: 'user000049@contoso.com',
      mail: 'user000049@contoso.com',
      mailNickname: 'user000049',
      displayName: 'User 49',
      accountEnabled: false,
      employeeId: '100049',
    });
    const usersDone = progress.filter((p) => p.phase === 'users').at(-1)!;
    assert.deepEqual([usersDone.phaseObjects, usersDone.phaseTotal, usersDone.pages], [2500, 2500, 3]);
    assert.deepEqual(progress.at(-1), { phase: 'done', objects: 2505, pages: 4, throttles: 0, phaseTotal: null, phaseObjects: 0 });
  });

  it('honours 429 and 503 with Retry-After (the Graph client waits) and counts each throttle', async () => {
    const base = t.tenant.count('users');
    t.tenant.addFault({ route: 'users', nth: base + 2, status: 429, retryAfterSeconds: 1 });
    t.tenant.addFault({ route: 'users', nth: base + 4, status: 503, retryAfterSeconds: 1 });
    const progress: FetchProgress[] = [];
    const snapshot = await (await t.service()).fetchSnapshot(ENTRA_SNAPSHOT_MAPPERS, { onProgress: (p) => progress.push(p) });
    assert.equal(snapshot.users.length, 2500);
    const requests = t.tenant.requestsTo('users').slice(-5);
    assert.deepEqual(requests.map((r) => r.status), [200, 429, 200, 503, 200]);
    const waited = [requests[2]!.at - requests[1]!.at, requests[4]!.at - requests[3]!.at];
    for (const ms of waited) assert.ok(ms >= 950, `retried after ${ms} ms, Retry-After was 1 s`);
    assert.equal(requests[2]!.headers['retry-attempt'], '1');
    assert.equal(requests[2]!.query.$skiptoken, requests[1]!.query.$skiptoken, 'the same page is asked again');
    assert.equal(progress.at(-1)!.throttles, 2);
    assert.equal(userPages(t).length >= 3, true);
    t.tenant.faults = [];
  });

  it('stops at the next page when cancelled, rejecting with an AbortError', async () => {
    const base = t.tenant.count('users');
    t.tenant.addFault({ route: 'users', nth: base + 2, times: 5, delayMs: 400 });
    const controller = new AbortController();
    const service = await t.service();
    const fetching = service.fetchSnapshot(ENTRA_SNAPSHOT_MAPPERS, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'users' && p.pages === 1) setTimeout(() => controller.abort(), 50);
      },
    });
    await assert.rejects(fetching, (error: Error) => error.name === 'AbortError');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = t.tenant.requestsTo('users').slice(base);
    assert.equal(after.length, 2, 'the slow second page was abandoned and no third page was asked for');
    assert.equal(t.tenant.requestsTo('groups').filter((r) => r.at >= after[0]!.at).length, 0);
    t.tenant.faults = [];
  });

  it('builds the scope as Entra does: assigned users and the direct members of assigned groups, not nested groups', async () => {
    const [a, b, c, d, e] = t.tenant.users.slice(0, 5).map((u) => u.id) as [string, string, string, string, string];
    const inner: FakeGroup = t.tenant.addGroup({ displayName: 'Inner', members: [c, d] });
    const outer: FakeGroup = t.tenant.addGroup({ displayName: 'Outer', members: [b, inner.id] });
    const sp: FakeServicePrincipal = t.tenant.addEnterpriseApp({ displayName: 'ScimDesk scope' });
    t.tenant.assign(sp, a, 'User');
    t.tenant.assign(sp, outer.id, 'Group');
    const snapshot = await (await t.service()).fetchSnapshot(ENTRA_SNAPSHOT_MAPPERS, { servicePrincipalId: sp.id });
    assert.ok(snapshot.scope);
    assert.deepEqual([...snapshot.scope.userIds].sort(), [a, b].sort());
    assert.ok(!snapshot.scope.userIds.includes(c) && !snapshot.scope.userIds.includes(d), 'members of a nested group are out of scope');
    assert.ok(!snapshot.scope.userIds.includes(e));
    assert.deepEqual(snapshot.scope.groupIds, [outer.id]);
    const members = t.tenant.requestsTo('members').at(-1)!;
    assert.equal(members.path, `/v1.0/groups/${outer.id}/members/microsoft.graph.user`);
  });
});

describe('Graph client against the fake tenant: enterprise application and its job', () => {
  let t: GraphTestTenant;
  let sp: FakeServicePrincipal;

  before(async () => {
    t = await startGraphTestTenant();
    t.tenant.addUsers(generateUsers(10));
    sp = t.tenant.addEnterpriseApp({ displayName: "ScimDesk O'Brien provisioning" });
    t.tenant.assign(sp, t.tenant.users[0]!.id, 'User');
  });

  after(() => t.close());

  it('finds the enterprise application by name prefix, by appId and by object id', async () => {
    const service = await t.service();
    assert.deepEqual((await service.findServicePrincipals("scimdesk o'b")).map((s) => s.id), [sp.id]);
    assert.deepEqual((await service.findServicePrincipals(sp.appId)).map((s) => s.id), [sp.id]);
    assert.deepEqual((await service.findServicePrincipals(sp.id)).map((s) => s.appId), [sp.appId]);
    assert.deepEqual(await service.findServicePrincipals(guidFrom('no such app')), []);
    const byName = t.tenant.requestsTo('servicePrincipals').find((r) => r.query.$filter?.startsWith('startswith'));
    assert.equal(byName!.query.$filter, "startswith(displayName,'scimdesk o''b')", 'the quote is doubled, as OData wants');
  });

  it('lists the provisioning job with its status', async () => {
    const jobs = await (await t.service()).listJobs(sp.id);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.id, sp.jobs[0]!.id);
    assert.equal(jobs[0]!.status, 'Active');
    assert.equal(jobs[0]!.interval, 'PT40M');
    assert.equal(jobs[0]!.lastRun?.state, 'Succeeded');
  });

  it('restarts the job with a safe scope and refuses the scopes that wipe the connector data store unless insisted', async () => {
    const service = await t.service();
    const jobId = sp.jobs[0]!.id;
    assert.deepEqual(await service.restartJob(sp.id, jobId, ['Watermark', 'Escrows', 'QuarantineState']), { resetScope: 'Watermark,Escrows,QuarantineState' });
    for (const wiping of [['ConnectorDataStore'], ['Full'], ['Watermark', 'ConnectorDataStore'], ['ForceDeletes']]) {
      const before = t.tenant.count('restart');
      await assert.rejects(service.restartJob(sp.id, jobId, wiping), ResetScopeRefusedError, wiping.join(','));
      assert.equal(t.tenant.count('restart'), before, `nothing sent for ${wiping.join(',')}`);
    }
    await service.restartJob(sp.id, jobId, ['ConnectorDataStore'], { insist: true });
    assert.deepEqual(
      t.tenant.jobActions.filter((a) => a.kind === 'restart').map((a) => (a.kind === 'restart' ? a.resetScope : '')),
      ['Watermark,Escrows,QuarantineState', 'ConnectorDataStore'],
    );
    assert.deepEqual(t.tenant.requestsTo('restart')[0]!.body, { criteria: { resetScope: 'Watermark,Escrows,QuarantineState' } });
  });

  it('provisions one user on demand and explains a skipped one', async () => {
    const service = await t.service();
    const jobId = sp.jobs[0]!.id;
    const [ruleId] = await service.listRuleIds(sp.id, jobId);
    assert.equal(ruleId, sp.ruleIds[0]);
    const ok = await service.provisionOnDemand(sp.id, jobId, ruleId!, t.tenant.users[0]!.id);
    assert.equal(ok.status, 'success');
    assert.equal(ok.errorCode, null);
    assert.ok(ok.steps.some((s) => s.name === 'EntryExportAdd'));
    const skipped = await service.provisionOnDemand(sp.id, jobId, ruleId!, t.tenant.users[1]!.id);
    assert.equal(skipped.status, 'skipped');
    assert.equal(skipped.errorCode, 'NotEffectivelyEntitled');
    assert.match(skipped.explanation!.fix, /Assign the user/);
    assert.deepEqual(t.tenant.requestsTo('provisionOnDemand')[0]!.body, {
      parameters: [{ ruleId, subjects: [{ objectId: t.tenant.users[0]!.id, objectTypeName: 'User' }] }],
    });
  });

  it("reads Entra's provisioning logs for the app and for one user, with error codes explained", async () => {
    const user = t.tenant.users[2]!;
    const other = t.tenant.addEnterpriseApp({ displayName: 'Another app' });
    const log = (id: string, spId: string, at: string, status: string, errorCode: string | null) => ({
      id,
      activityDateTime: at,
      jobId: sp.jobs[0]!.id,
      cycleId: 'cycle-1',
      changeId: `change-${id}`,
      durationInMilliseconds: 120,
      provisioningAction: 'create',
      provisioningStatusInfo: { status, errorInformation: errorCode ? { errorCode, reason: 'Entra reason text', recommendedAction: null } : null },
      servicePrincipal: { id: spId, displayName: 'x' },
      sourceIdentity: { id: user.id, displayName: user.displayName, identityType: 'User' },
      targetIdentity: { id: null, displayName: null, identityType: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User' },
    });
    t.tenant.provisioningLogs.push(
      log('1', sp.id, '2025-06-01T10:00:00Z', 'failure', 'SystemForCrossDomainIdentityManagementBadRequest'),
      log('2', sp.id, '2025-06-01T11:00:00Z', 'failure', 'DuplicateTargetEntries'),
      log('3', other.id, '2025-06-01T12:00:00Z', 'success', null),
      { ...log('4', sp.id, '2025-06-01T09:00:00Z', 'success', null), sourceIdentity: { id: t.tenant.users[3]!.id, displayName: 'x', identityType: 'User' } },
    );
    const service = await t.service();
    const forApp = await service.provisioningLogs({ servicePrincipalId: sp.id, top: 10 });
    assert.deepEqual(forApp.map((e) => e.id), ['2', '1', '4']);
    const forUser = await service.provisioningLogs({ servicePrincipalId: sp.id, userObjectId: user.id });
    assert.deepEqual(forUser.map((e) => [e.id, e.status, e.errorCode]), [
      ['2', 'failure', 'DuplicateTargetEntries'],
      ['1', 'failure', 'SystemForCrossDomainIdentityManagementBadRequest'],
    ]);
    assert.match(forUser[0]!.explanation!.meaning, /More than one ScimDesk record/);
    assert.equal(forUser[1]!.sourceId, user.id);
    assert.equal(forUser[1]!.changeId, 'change-1');
    const request = t.tenant.requestsTo('provisioning').at(-1)!;
    assert.equal(request.query.$filter, `servicePrincipal/id eq '${sp.id}' and sourceIdentity/id eq '${user.id}'`);
  });

  it('pushes a new SCIM token into the enterprise application without logging it anywhere', async () => {
    const scimToken = 'scim-token-0123456789abcdef0123456789abcdef0123456789abcdef';
    const tenantUrl = 'https://scimdesk.example.net/scim/v2';
    const captured: string[] = [];
    const originals = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
    const stdout = process.stdout.write.bind(process.stdout);
    const stderr = process.stderr.write.bind(process.stderr);
    const capture = (...args: unknown[]) => captured.push(args.map(String).join(' '));
    Object.assign(console, { log: capture, info: capture, warn: capture, error: capture, debug: capture });
    process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
      captured.push(String(chunk));
      return (stdout as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
      captured.push(String(chunk));
      return (stderr as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    const logged = t.logEvents.length;
    try {
      const service = await t.service();
      await service.pushScimToken(sp.id, tenantUrl, scimToken);
      // A failing push (no permission) must not echo the token either.
      t.app.roles = ['Application.Read.All'];
      const denied = await t.service();
      await assert.rejects(denied.pushScimToken(sp.id, tenantUrl, scimToken), (error: GraphRequestError) => {
        assert.equal(error.status, 403);
        assert.equal(error.code, 'Authorization_RequestDenied');
        assert.doesNotMatch(`${error.message} ${error.stack ?? ''}`, new RegExp(scimToken));
        return true;
      });
    } finally {
      Object.assign(console, originals);
      process.stdout.write = stdout;
      process.stderr.write = stderr;
      t.app.roles = [...ALL_SCIMDESK_PERMISSIONS];
    }
    assert.deepEqual(sp.secrets, [
      { key: 'BaseAddress', value: tenantUrl },
      { key: 'SecretToken', value: scimToken },
    ]);
    const events = t.logEvents.slice(logged);
    assert.ok(events.some((e) => e.method === 'PUT' && e.path === `/servicePrincipals/${sp.id}/synchronization/secrets`));
    assert.doesNotMatch(JSON.stringify(events), new RegExp(scimToken));
    assert.doesNotMatch(captured.join('\n'), new RegExp(scimToken), 'nothing printed the token');
  });
});

describe('the demo tenant (npm run demo)', () => {
  it('passes Test connection and yields a snapshot with a scope and explained provisioning logs', async () => {
    const demo = await startDemoTenant();
    try {
      const secrets = new MemorySecretStore({ [GRAPH_SECRET_NAMES.clientSecret]: demo.clientSecret });
      const report = await testGraphConnection(demo.connection, secrets);
      assert.deepEqual([report.token.ok, report.canCompare, report.canManageJobs, report.canReadLogs], [true, true, true, true]);
      assert.equal(report.enterpriseApp?.found, true);
      const service = await GraphService.connect(demo.connection, secrets);
      const snapshot = await service.fetchSnapshot(ENTRA_SNAPSHOT_MAPPERS, { servicePrincipalId: demo.enterpriseApp.id });
      assert.equal(snapshot.users.length, 250);
      assert.equal(snapshot.scope?.userIds.length, 100, 'Engineering (40) + Sales (40, not its nested Platform team) + 20 direct');
      const logs = await service.provisioningLogs({ servicePrincipalId: demo.enterpriseApp.id });
      assert.ok(logs.filter((l) => l.errorCode).every((l) => l.explanation !== null));
    } finally {
      await demo.tenant.close();
    }
  });
});
