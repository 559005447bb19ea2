import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { MappingView } from '../../shared/admin/mapping-schemas';
import { startTestAdmin, type TestAdmin } from '../support/start-test-admin';
import { readScim, URN_PATCH, URN_USER } from './protocol-helpers';

const ENTRA_HEADERS = { adscimversion: '2024-01-01' };

/**
 * Entra-like cycles over the real SCIM endpoint (each opened by Entra's start-of-cycle probe, a
 * random GUID userName, with no silence between them), and the cycle diagnostics as the admin API
 * answers them: MASS_DEACTIVATION (10+ users and 20 % of them in one cycle) and QUARANTINE_RISK
 * (25 % of a cycle's 10+ requests failing), each absent just below its threshold. 50 users, 9 then
 * 12 deactivated: a mass-deprovisioning breaker at its defaults holds neither (12 is 24 % of 50).
 */
describe('cycle diagnostics through the endpoint and the admin API', () => {
  let a: TestAdmin;
  const ids: string[] = [];

  const scim = (path: string, init: RequestInit = {}) => a.scim(path, { ...init, headers: { ...ENTRA_HEADERS, ...(init.headers as Record<string, string>) } });
  /** Entra's start-of-cycle probe: a random user, then a random group; no match, 200 and an empty list. */
  const startCycle = async () => {
    const users = await readScim(await scim(`/Users?filter=${encodeURIComponent(`userName eq "${randomUUID()}"`)}`), 200);
    assert.equal(users.totalResults, 0);
    await readScim(await scim(`/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${randomUUID()}"`)}`), 200);
  };
  const deactivate = async (id: string) => {
    const response = await scim(`/Users/${id}`, { method: 'PATCH', body: JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }) });
    assert.equal(response.status, 200);
  };
  const retitle = async (id: string) => {
    const response = await scim(`/Users/${id}`, { method: 'PATCH', body: JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'Replace', path: 'title', value: `T${randomUUID()}` }] }) });
    assert.equal(response.status, 200);
  };
  /** A create of a userName already held: 409, a failure Entra counts. */
  const failCreate = async (n: number) => {
    const response = await scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: `user${n}@contoso.com`, externalId: randomUUID(), active: true }) });
    assert.equal(response.status, 409);
  };
  const view = async (): Promise<MappingView> => {
    await a.core.syncLog.flush();
    const { status, body } = await a.call<MappingView>('mapping.view', {});
    assert.equal(status, 200);
    assert.ok(body.ok, JSON.stringify(body));
    return body.value;
  };
  const codes = (v: MappingView) => v.diagnostics.map((d) => d.code);

  before(async () => {
    a = await startTestAdmin();
    // The mass-deprovisioning breaker would hold these deactivations (its own tests: deprovisioning-breaker.test.ts);
    // here the diagnostic alone is measured, as on a directory where the admin turned the breaker off.
    const off = await a.call('breaker.saveSettings', { enabled: false, maxCount: 20, maxPercent: 10, window: { mode: 'minutes', minutes: 60 } });
    assert.ok(off.body.ok, JSON.stringify(off.body));
    await startCycle();
    for (let i = 0; i < 50; i++) {
      const user = await readScim(
        await scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: `user${i}@contoso.com`, externalId: randomUUID(), active: true, title: 'Engineer' }) }),
        201,
      );
      ids.push(user.id);
    }
  });

  after(async () => {
    await a.stop();
  });

  it('9 of 50 users deactivated in one cycle: under the threshold, no MASS_DEACTIVATION', async () => {
    await startCycle();
    for (const id of ids.slice(0, 9)) await deactivate(id);
    const v = await view();
    assert.deepEqual(
      v.cycles.map((c) => [c.kind, c.creates, c.deactivations]),
      [
        ['initial', 50, 0],
        ['incremental', 0, 9],
      ],
      'the probe starts each cycle, seconds after the last one',
    );
    assert.ok(!codes(v).includes('MASS_DEACTIVATION'), codes(v).join(', '));
  });

  it('12 of 50 users deactivated in the next cycle: MASS_DEACTIVATION for that cycle, naming it', async () => {
    await startCycle();
    for (const id of ids.slice(9, 21)) await deactivate(id);
    const v = await view();
    const found = v.diagnostics.filter((d) => d.code === 'MASS_DEACTIVATION');
    assert.equal(found.length, 1, codes(v).join(', '));
    assert.equal(found[0]!.count, 12);
    assert.equal(found[0]!.attribute, 'active');
    assert.ok(found[0]!.message.includes(v.cycles[2]!.start), found[0]!.message);
    assert.equal(v.cycles[2]!.deactivations, 12);
  });

  it('3 failures in a cycle of 14 requests (21 %): no QUARANTINE_RISK', async () => {
    await startCycle();
    for (const id of ids.slice(21, 30)) await retitle(id);
    for (let i = 0; i < 3; i++) await failCreate(i);
    const v = await view();
    const cycle = v.cycles[v.cycles.length - 1]!;
    assert.equal(cycle.requests, 14);
    assert.equal(cycle.warning, null);
    assert.ok(!codes(v).includes('QUARANTINE_RISK'), codes(v).join(', '));
  });

  it('5 failures in a cycle of 12 requests (42 %): QUARANTINE_RISK naming the first failing request', async () => {
    await startCycle();
    for (const id of ids.slice(30, 35)) await retitle(id);
    for (let i = 10; i < 15; i++) await failCreate(i);
    const v = await view();
    const cycle = v.cycles[v.cycles.length - 1]!;
    assert.equal(cycle.requests, 12);
    const found = v.diagnostics.filter((d) => d.code === 'QUARANTINE_RISK');
    assert.equal(found.length, 1, codes(v).join(', '));
    assert.equal(found[0]!.severity, 'error');
    assert.equal(found[0]!.count, 5);
    assert.match(found[0]!.message, /42 % of this cycle's requests failed; Entra quarantines the job at 40 %\. The first failing request: POST \/scim\/v2\/Users → 409/);
    assert.equal(found[0]!.sample[0]?.seq, cycle.firstFailure?.seq);
  });
});
