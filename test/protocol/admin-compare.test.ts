import '../support/trust-tenant-ca';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { adminMethods, METHOD_NAMES, type EventPayload, type MethodName, type MethodOutput } from '../../shared/admin/contract';
import { startDemoTenant, type DemoTenant } from '../../scripts/fake-tenant/demo-tenant';
import { withDuplicateExternalIdsAccepted } from '../../scripts/duplicate-external-ids';
import { startTestAdmin, type TestAdmin } from '../support/start-test-admin';

/**
 * Compare & Fix end to end through the admin API (the UI's only way in), with
 * the real Graph clients against the fake tenant: connect, test, fetch with
 * progress, compare, preview, apply, undo, Entra job actions, token rotation.
 */
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const NOT_IN_ENTRA = 'ffffffff-0000-4000-8000-000000000000';

describe('Compare & Fix over the admin API against a fake Entra tenant', () => {
  let demo: DemoTenant;
  let a: TestAdmin;
  const covered = new Set<MethodName>();
  const progress: Array<EventPayload<'job.progress'>> = [];
  const local: Record<string, string> = {};

  async function ok<M extends MethodName>(method: M, input: unknown): Promise<MethodOutput<M>> {
    const { status, body } = await a.call<MethodOutput<M>>(method, input);
    assert.equal(status, 200, `${method}: status`);
    assert.ok(body.ok, `${method} failed: ${JSON.stringify(body)}`);
    covered.add(method);
    const parsed = adminMethods[method].output.safeParse(body.value);
    assert.ok(parsed.success, `${method}: the value does not match the output schema: ${JSON.stringify(parsed.error?.issues)}`);
    return body.value;
  }

  async function refused(method: MethodName, input: unknown, code: string, pattern: RegExp): Promise<void> {
    const { body } = await a.call(method, input);
    assert.equal(body.ok, false, `${method} should be refused`);
    if (body.ok) return;
    assert.equal(body.error.code, code, `${method}: ${body.error.message}`);
    assert.match(body.error.message, pattern);
  }

  async function createUser(key: string, body: Record<string, unknown>): Promise<string> {
    const response = await a.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], active: true, ...body }) });
    assert.equal(response.status, 201, `create ${key}: ${await response.clone().text()}`);
    const id = ((await response.json()) as { id: string }).id;
    local[key] = id;
    return id;
  }

  async function externalIdOf(id: string): Promise<unknown> {
    const response = await a.scim(`/Users/${id}`);
    return ((await response.json()) as { externalId?: string }).externalId;
  }

  async function waitForFetch(jobId: string): Promise<EventPayload<'job.progress'>> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const done = progress.find((event) => event.jobId === jobId && event.finished);
      if (done) return done;
      assert.ok(Date.now() < deadline, 'the fetch finishes within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  before(async () => {
    demo = await startDemoTenant();
    a = await startTestAdmin();
    a.core.events.subscribe('job.progress', (event) => progress.push(event));
    const users = demo.tenant.users;
    // Linked: externalId = objectId, as Entra writes it with the recommended mapping.
    for (const user of users.slice(0, 20)) {
      await createUser(user.userPrincipalName, { userName: user.userPrincipalName, externalId: user.id, displayName: user.displayName });
    }
    // Entra's default mapping: externalId from mailNickname.
    for (const user of users.slice(20, 23)) {
      await createUser(user.userPrincipalName, { userName: user.userPrincipalName, externalId: user.mailNickname ?? 'alias' });
    }
    // Local users that existed before provisioning: no externalId.
    for (const user of users.slice(23, 26)) await createUser(user.userPrincipalName, { userName: user.userPrincipalName });
    // Two local records claiming one objectId: data from before the directory refused duplicates.
    await withDuplicateExternalIdsAccepted(a.core.store, async () => {
      await createUser('dup-1', { userName: 'dup-one@contoso-demo.com', externalId: users[30]!.id });
      await createUser('dup-2', { userName: 'dup-two@contoso-demo.com', externalId: users[30]!.id });
    });
    // An objectId that Entra does not have.
    await createUser('gone', { userName: 'gone@contoso-demo.com', externalId: NOT_IN_ENTRA });
    // Local only.
    await createUser('local-only', { userName: 'contractor@example.org' });
    // Matches an Entra user by mail alone: never linked without the admin's approval.
    await createUser('mail-only', { userName: 'a.different.login@example.org', emails: [{ value: users[41]!.mail, type: 'work', primary: true }] });
  });

  after(async () => {
    await a?.stop();
    await demo?.tenant.close();
  });

  it('starts unconnected, and says so instead of failing obscurely', async () => {
    const view = await ok('graph.get', {});
    assert.equal(view.connection, null);
    assert.equal(view.secretStored, false);
    assert.deepEqual(view.clouds.map((cloud) => cloud.id), ['global', 'usgov', 'china', 'custom']);
    await refused('graph.test', {}, 'unavailable', /Connect to Microsoft Graph first/);
    assert.equal(await ok('compare.latest', {}), null);
  });

  it('connects with the secret in the secret store, never in the database', async () => {
    const view = await ok('graph.connect', {
      tenantId: demo.connection.tenantId,
      clientId: demo.connection.clientId,
      cloud: 'custom',
      authorityHost: demo.connection.authorityHost,
      graphBaseUrl: demo.connection.graphBaseUrl,
      appId: demo.connection.appId,
      auth: { kind: 'secret', clientSecret: demo.clientSecret },
    });
    assert.equal(view.connection?.tenantId, demo.connection.tenantId);
    assert.equal(view.secretStored, true);
    assert.ok(!JSON.stringify(view).includes(demo.clientSecret), 'the secret never comes back');
    for (const name of readdirSync(a.t.dataDir).filter((file) => file.startsWith('scimdesk.db'))) {
      assert.ok(!readFileSync(join(a.t.dataDir, name)).includes(demo.clientSecret), `${name} holds no secret`);
    }
    // Saving again without a secret keeps the stored one.
    const again = await ok('graph.connect', { ...view.connection, authorityHost: demo.connection.authorityHost, graphBaseUrl: demo.connection.graphBaseUrl, appId: demo.connection.appId, auth: { kind: 'secret' }, certificateFormat: undefined } as never);
    assert.equal(again.secretStored, true);
  });

  it('tests the connection: token, each permission, the enterprise application', async () => {
    const report = await ok('graph.test', {});
    assert.equal(report.token.ok, true);
    assert.deepEqual(report.permissions.filter((p) => p.status !== 'granted').map((p) => p.permission), []);
    assert.equal(report.enterpriseApp?.found, true);
    assert.deepEqual([report.canCompare, report.canManageJobs, report.canReadLogs], [true, true, true]);
    const apps = await ok('graph.findApps', { query: 'ScimDesk' });
    assert.ok(apps.items.some((app) => app.appId === demo.connection.appId));
  });

  it("keeps a connection saved before the token resource existed working: its tokens are for Graph's own resource", async () => {
    // The connection exactly as ScimDesk saved it before: no graphResource.
    const saved = { tenantId: demo.connection.tenantId, clientId: demo.connection.clientId, auth: { kind: 'secret' }, cloud: 'custom', authorityHost: demo.connection.authorityHost, graphBaseUrl: demo.connection.graphBaseUrl, appId: demo.connection.appId };
    await a.core.store.setSetting('graph.connection', saved);
    const view = await ok('graph.get', {});
    assert.equal(view.connection?.graphResource, null, 'no token resource set: the default applies');
    const report = await ok('graph.test', {});
    assert.equal(report.token.ok, true, JSON.stringify(report.token));
    assert.equal(report.canCompare, true);
    assert.equal((demo.tenant.requestsTo('token').at(-1)?.body as Record<string, string>).scope, 'https://graph.microsoft.com/.default');
  });

  it('fetches a snapshot in the background with progress events, and keeps it', async () => {
    const { jobId } = await ok('graph.fetch', {});
    const done = await waitForFetch(jobId);
    assert.equal(done.error, null);
    assert.ok(done.resultId);
    const phases = new Set(progress.filter((event) => event.jobId === jobId).map((event) => event.phase));
    for (const phase of ['users', 'groups', 'assignments', 'done']) assert.ok(phases.has(phase), `progress reported phase ${phase}`);
    const snapshots = await ok('graph.snapshots', {});
    assert.equal(snapshots.items[0]?.id, done.resultId);
    assert.equal(snapshots.items[0]?.users, 250);
    assert.equal(snapshots.items[0]?.scopeKnown, true);
  });

  it('cancels a fetch: nothing is saved', async () => {
    demo.tenant.faults = [{ route: 'users', nth: 1, delayMs: 1500 }];
    try {
      const before = (await ok('graph.snapshots', {})).items.length;
      const { jobId } = await ok('graph.fetch', {});
      await refused('graph.fetch', {}, 'conflict', /already running/);
      const status = await ok('graph.fetchStatus', {});
      assert.deepEqual(status.running.map((job) => job.jobId), [jobId], 'a reloaded UI finds the running fetch');
      assert.deepEqual(await ok('graph.cancel', { jobId }), { cancelled: true });
      const done = await waitForFetch(jobId);
      assert.equal(done.cancelled, true);
      assert.equal((await ok('graph.snapshots', {})).items.length, before);
      assert.deepEqual((await ok('graph.fetchStatus', {})).running, []);
    } finally {
      demo.tenant.faults = [];
    }
  });

  let reportId = '';

  it('compares: every deliberate problem lands in its category', async () => {
    const [snapshot] = (await ok('graph.snapshots', {})).items;
    const report = await ok('compare.run', { snapshotId: snapshot!.id });
    reportId = report.id;
    const users = report.counts.User;
    assert.equal(users.linked, 20);
    assert.equal(users.duplicate, 2);
    assert.ok(users.mismatch >= 4, `3 non-GUID externalIds and 1 unknown objectId, got ${users.mismatch}`);
    assert.equal(users.unlinked, 4, '3 users that existed before provisioning and 1 matching by mail only');
    assert.equal(users.orphan, 1);
    // Scope: Engineering (40) + Sales (40, not its nested Platform team) + 20 assigned users = 100, less the
    // 26 a local record represents: 20 linked, 3 by their non-GUID record's candidate, 3 by their unlinked
    // record's. The user the duplicate pair claims is still listed: neither record is his.
    assert.equal(users.notProvisioned, 100 - 26);
    const claimed = (await ok('compare.rows', { reportId, kind: 'User', category: 'notProvisioned', search: demo.tenant.users[30]!.id })).items;
    assert.deepEqual(claimed.map((row) => row.objectId), [demo.tenant.users[30]!.id]);
    assert.match(claimed[0]!.reason, /its objectId is held by local users 'dup-one@contoso-demo\.com' \(.+\), 'dup-two@contoso-demo\.com' \(.+\), which are not this user's record\./);
    assert.equal((await ok('compare.latest', {}))?.id, reportId);

    const mismatches = await ok('compare.rows', { reportId, kind: 'User', category: 'mismatch', count: 50 });
    assert.equal(mismatches.total, users.mismatch);
    const notGuid = mismatches.items.filter((row) => row.reasonCode === 'mismatch.notGuid');
    assert.equal(notGuid.length, 3);
    assert.ok(notGuid.every((row) => row.candidates.length > 0), 'each non-GUID externalId gets its Entra candidate');
    const gone = mismatches.items.find((row) => row.localId === local['gone']);
    assert.equal(gone?.reasonCode, 'mismatch.notFound');

    const paged = await ok('compare.rows', { reportId, kind: 'User', category: 'notProvisioned', startIndex: 11, count: 10 });
    assert.equal(paged.items.length, 10);
    assert.equal(paged.startIndex, 11);
    const searched = await ok('compare.rows', { reportId, kind: 'User', search: 'contractor@' });
    assert.deepEqual(searched.items.map((row) => row.localId), [local['local-only']]);

    const csv = await ok('compare.exportCsv', { reportId });
    assert.equal(csv.rows, users.linked + users.mismatch + users.unlinked + users.duplicate + users.orphan + users.notProvisioned + Object.values(report.counts.Group).reduce((sum, n) => sum + n, 0));
    assert.ok(csv.csv.split('\n').length > csv.rows);
  });

  let planId = '';
  let batchId = '';

  it('previews fixes: links by UPN, low-confidence ones wait for approval, duplicates are refused', async () => {
    const plan = await ok('fix.preview', { reportId });
    const byLocal = new Map(plan.actions.map((action) => [action.localId, action]));
    for (const user of demo.tenant.users.slice(23, 26)) {
      assert.equal(byLocal.get(local[user.userPrincipalName]!)?.to, user.id, `${user.userPrincipalName} is linked to its objectId`);
    }
    for (const user of demo.tenant.users.slice(20, 23)) {
      assert.equal(byLocal.get(local[user.userPrincipalName]!)?.to, user.id, `${user.userPrincipalName}'s alias externalId is replaced by the objectId`);
    }
    assert.ok(!byLocal.has(local['local-only']!), 'nothing links a record Entra does not have');
    assert.ok(!byLocal.has(local['dup-1']!) && !byLocal.has(local['dup-2']!), 'two records claiming one objectId are left for the admin');
    const waiting = plan.needsApproval.find((row) => row.localId === local['mail-only']);
    assert.equal(waiting?.to, demo.tenant.users[41]!.id, 'a mail-only match waits for approval');
    assert.ok(!byLocal.has(local['mail-only']!));

    const approved = await ok('fix.preview', { reportId, approve: [local['mail-only']!] });
    assert.equal(approved.actions.find((action) => action.localId === local['mail-only'])?.to, demo.tenant.users[41]!.id);
    planId = plan.id;
  });

  it('applies the plan in one transaction, visible over SCIM, audited, and undoes it as a whole', async () => {
    const snapshotsBefore = (await ok('snapshots.list', {})).items.length;
    const batch = await ok('fix.apply', { planId });
    batchId = batch.id;
    const target = demo.tenant.users[24]!;
    assert.equal(await externalIdOf(local[target.userPrincipalName]!), target.id);
    // A snapshot of the directory as it was before the batch: the way back from a bad fix.
    const snapshots = (await ok('snapshots.list', {})).items;
    assert.equal(snapshots.length, snapshotsBefore + 1);
    assert.equal(snapshots[0]!.reason, 'before fix batch');
    const exported = await ok('snapshots.export', { source: snapshots[0]!.id, format: 'json' });
    const kept = (JSON.parse(exported.files[0]!.content) as { users: Array<{ id: string; externalId?: string }> }).users;
    assert.equal(kept.find((user) => user.id === local[target.userPrincipalName])?.externalId, undefined, 'the snapshot holds the record before the fix');
    const audit = await ok('audit.list', { limit: 50 });
    assert.ok(audit.items.filter((entry) => entry.action === 'fix.link').length >= 6);
    assert.equal((await ok('fix.batches', {})).items[0]?.id, batchId);
    await refused('fix.apply', { planId }, 'notFound', /no longer available/);

    const undone = await ok('fix.undo', { batchId });
    assert.ok(undone.undone);
    assert.equal(await externalIdOf(local[target.userPrincipalName]!), undefined);
    await refused('fix.undo', { batchId }, 'conflict', /already undone/);
  });

  it('refuses to apply a plan when a record changed since the comparison, and changes nothing', async () => {
    const plan = await ok('fix.preview', { reportId });
    const target = demo.tenant.users[23]!;
    const id = local[target.userPrincipalName]!;
    const patched = await a.scim(`/Users/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({ schemas: [PATCH], Operations: [{ op: 'add', path: 'externalId', value: 'changed-meanwhile' }] }),
    });
    assert.equal(patched.status, 200);
    await refused('fix.apply', { planId: plan.id }, 'conflict', /changed since the comparison.*Run the comparison again/s);
    assert.equal(await externalIdOf(local[demo.tenant.users[24]!.userPrincipalName]!), undefined, 'no other record was touched');
  });

  it('acts on the provisioning job: safe restart, wiping restart only when insisted, provision on demand, logs explained', async () => {
    const jobs = await ok('entra.jobs', {});
    const job = jobs.items[0]!;
    assert.equal((await ok('entra.restartJob', { jobId: job.id, resetScope: ['Watermark', 'Escrows'] })).resetScope, 'Watermark,Escrows');
    await refused('entra.restartJob', { jobId: job.id, resetScope: ['ConnectorDataStore'] }, 'forbidden', /connector data store/i);
    assert.ok(!demo.tenant.jobActions.some((action) => action.kind === 'restart' && /ConnectorDataStore/.test(String((action as { resetScope?: string }).resetScope))));
    await ok('entra.restartJob', { jobId: job.id, resetScope: ['ConnectorDataStore'], insist: true });

    const onDemand = await ok('entra.provisionOnDemand', { jobId: job.id, userObjectId: demo.tenant.users[0]!.id });
    assert.ok(onDemand.steps.length > 0);

    // Entra's side of the mapping, read from the job's synchronization schema: its default externalId ← mailNickname.
    const mapping = await ok('entra.mappingSchema', { jobId: job.id });
    assert.equal(mapping.entra.source, 'graph');
    const externalId = mapping.rows.find((row) => row.resourceType === 'User' && row.attribute === 'externalId')!;
    assert.equal(externalId.entraSource, 'mailNickname');
    assert.ok(mapping.diagnostics.some((d) => d.code === 'EXTERNAL_ID_NOT_FROM_OBJECT_ID' && d.resourceType === 'User'));
    assert.equal(mapping.rows.find((row) => row.resourceType === 'User' && row.attribute === 'name.formatted')?.entraSourceText, 'givenName + surname joined with " "');
    assert.equal((await ok('entra.mappingSchema', {})).entra.source, 'graph', 'the first job when none is named');

    const logs = await ok('entra.provisioningLogs', {});
    const failed = logs.items.filter((entry) => entry.errorCode);
    assert.ok(failed.length > 0);
    assert.ok(failed.every((entry) => entry.explanation !== null), 'every Entra error code is explained');
    const linked = demo.tenant.users[0]!;
    const forUser = await ok('entra.provisioningLogs', { localUserId: local[linked.userPrincipalName]! });
    assert.ok(forUser.local.length > 0, "ScimDesk's own sync log for the same user is shown beside Entra's");
  });

  it('rotates the SCIM token through Graph: the new one is in Entra and works, the old one stops', async () => {
    const oldToken = a.token;
    const sp = demo.tenant.servicePrincipals.find((s) => s.appId === demo.connection.appId)!;
    const rotated = await ok('entra.rotateToken', { overlapMinutes: 0 });
    assert.equal(rotated.validated, true);
    const pushed = sp.secrets.find((s) => s.key === 'SecretToken')?.value;
    assert.ok(pushed && pushed !== oldToken, 'the new token was pushed into the enterprise application');
    assert.equal(sp.secrets.find((s) => s.key === 'BaseAddress')?.value, a.core.endpoint.state()?.url);
    a.token = pushed;
    assert.equal((await a.scim('/Users?count=1')).status, 200);
    a.token = oldToken;
    assert.equal((await a.scim('/Users?count=1')).status, 401);
    a.token = pushed;
  });

  it('keeps the old token working during a rotation overlap', async () => {
    const before = a.token;
    const rotated = await ok('entra.rotateToken', { overlapMinutes: 30 });
    assert.ok(rotated.oldTokensExpire);
    assert.equal((await a.scim('/Users?count=1')).status, 200, 'the old token still works within the overlap');
    const sp = demo.tenant.servicePrincipals.find((s) => s.appId === demo.connection.appId)!;
    a.token = sp.secrets.find((s) => s.key === 'SecretToken')!.value;
    assert.notEqual(a.token, before);
    assert.equal((await a.scim('/Users?count=1')).status, 200);
  });

  it('imports the admin center CSV where Graph is not allowed, and compares users only', async () => {
    const rows = demo.tenant.users.slice(0, 5).map((u) => `${u.id},${u.userPrincipalName},"${u.displayName}",${u.mail ?? ''},True`);
    const snapshot = await ok('graph.importCsv', { csv: ['id,userPrincipalName,displayName,mail,accountEnabled', ...rows].join('\r\n'), fileName: 'exportUsers.csv' });
    assert.equal(snapshot.source, 'csv');
    assert.equal(snapshot.users, 5);
    const report = await ok('compare.run', { snapshotId: snapshot.id });
    assert.equal(report.compared.Group, false);
    assert.ok(report.changedSincePrevious !== null);
    await refused('graph.importCsv', { csv: 'name\r\nAdele', fileName: 'bad.csv' }, 'invalidInput', /bad\.csv.*line/);
  });

  it('disconnects and forgets the secret', async () => {
    const view = await ok('graph.disconnect', {});
    assert.equal(view.connection, null);
    assert.equal(view.secretStored, false);
    assert.equal(await a.core.secrets.get('graph.clientSecret'), undefined);
  });

  it('covered every Compare & Fix method with a good call', () => {
    const compareAndFix = (m: string) => /^(graph|compare|fix|entra)\./.test(m);
    assert.deepEqual([...covered].filter(compareAndFix).sort(), METHOD_NAMES.filter(compareAndFix).sort());
  });
});
