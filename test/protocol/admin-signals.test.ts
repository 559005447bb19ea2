import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createCore, DATABASE_FILE } from '../../main/core/create-core';
import { createSqliteStore } from '../../main/store/sqlite-store';
import { startTestCore, type TestCore } from '../support/start-test-core';
import { URN_ENTERPRISE, URN_USER } from './protocol-helpers';

/**
 * What the admin UI shows says only what is true. The Overview's signals say only what was measured: the "Set up Entra" checklist ticks a step for
 * Entra's own requests (the ADSCIMVersion header), says what another client did without crediting
 * Entra, and the public URL stays unverified until a check from outside passed. A user's manager is
 * named, and one that is not here is said to be missing.
 */

const ENTRA = { ADSCIMVersion: 'Date: 2026-01-01, ActivityId: 9a1f0e2c-6b1d-4f3e-8c5a-7d2e1f0a9b8c' };
const CONTEXT = { actor: 'test' };

async function overview(t: TestCore) {
  await t.core.syncLog.flush();
  return t.core.admin.handlers['overview.get']({}, CONTEXT);
}

describe('Overview: the setup checklist credits Entra only for requests that carry its header', () => {
  const cores: TestCore[] = [];
  after(async () => {
    for (const t of cores) await t.stop();
  });

  it("records what another client did as that client's, and ticks nothing for it", async () => {
    const t = await startTestCore();
    cores.push(t);
    // An admin tries the endpoint with curl: a query, the schemas, a user.
    assert.equal((await t.scim('/Users?filter=userName%20eq%20%22nobody%22')).status, 200);
    assert.equal((await t.scim('/Schemas')).status, 200);
    assert.equal((await t.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'curl.test@contoso.com' }) })).status, 201);
    const seen = (await overview(t)).setup;
    assert.deepEqual(
      { connected: seen.connected, testConnection: seen.testConnection, schemaDiscovery: seen.schemaDiscovery, provisioned: seen.provisioned },
      { connected: 'other', testConnection: 'other', schemaDiscovery: 'other', provisioned: 'other' },
    );
    assert.equal(seen.tokenUsed, true, 'the token was used (by curl): a fact about the token, not about Entra');

    // Entra's Test Connection: the same query with its header. Only that step turns to Entra's.
    assert.equal((await t.scim('/Users?filter=userName%20eq%20%22a-random-guid%22', { headers: ENTRA })).status, 200);
    const after = (await overview(t)).setup;
    assert.equal(after.connected, 'entra');
    assert.equal(after.testConnection, 'entra');
    assert.equal(after.schemaDiscovery, 'other', "Entra has not read the schemas yet: the curl's read does not count");
    assert.equal(after.provisioned, 'other');
  });

  it('does not let a refused request count as connected, and keeps the state across a restart', async () => {
    const t = await startTestCore();
    cores.push(t);
    assert.equal((await t.scim('/Users', { headers: { ...ENTRA, authorization: 'Bearer scimdesk_wrong' } })).status, 401);
    assert.equal((await overview(t)).setup.connected, null);
    assert.equal((await t.scim('/Schemas', { headers: ENTRA })).status, 200);
    const created = await t.scim('/Users', { method: 'POST', headers: ENTRA, body: JSON.stringify({ schemas: [URN_USER], userName: 'megan@contoso.com' }) });
    assert.equal(created.status, 201);
    const seen = (await overview(t)).setup;
    assert.deepEqual([seen.connected, seen.testConnection, seen.schemaDiscovery, seen.provisioned], ['entra', null, 'entra', 'entra']);

    await t.core.stop();
    const again = await createCore({ dataDir: t.dataDir, host: '127.0.0.1', port: 0, fileLogs: false });
    try {
      const restarted = (await again.admin.handlers['overview.get']({}, CONTEXT)).setup;
      assert.deepEqual([restarted.connected, restarted.testConnection, restarted.schemaDiscovery, restarted.provisioned], ['entra', null, 'entra', 'entra']);
    } finally {
      await again.stop();
      rmSync(t.dataDir, { recursive: true, force: true });
      cores.pop();
    }
  });

  it("reads a data folder credited before the header was recorded as 'unknown': seen, not ticked, until Entra confirms", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-legacy-setup-'));
    try {
      const store = createSqliteStore(join(dataDir, DATABASE_FILE), { checkpointWorker: false });
      await store.setSetting('setup.seen', { testConnection: true, schemaDiscovery: false });
      await store.close();
      const t = await startTestCore({ dataDir });
      try {
        const seen = (await overview(t)).setup;
        assert.equal(seen.testConnection, 'unknown');
        assert.equal(seen.schemaDiscovery, null);
        assert.equal((await t.scim('/Users?filter=userName%20eq%20%22x%22', { headers: ENTRA })).status, 200);
        assert.equal((await overview(t)).setup.testConnection, 'entra');
      } finally {
        await t.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('Overview: a public URL is unverified until a check from outside passed', () => {
  it('shows the public URL as unverified, verified after a check through it, and unverified again when it changes', async () => {
    const t = await startTestCore({ publicUrl: 'https://scim.contoso.example' });
    try {
      assert.deepEqual((await overview(t)).publicUrl, { url: 'https://scim.contoso.example', verifiedAt: null });
      const at = new Date('2026-02-03T04:05:06.000Z');
      await t.core.endpoint.recordPublicUrlCheck('https://scim.contoso.example', at);
      assert.deepEqual((await overview(t)).publicUrl, { url: 'https://scim.contoso.example', verifiedAt: at.toISOString() });
      const endpoint = t.core.endpoint.state()!;
      await t.core.endpoint.reconfigure({ host: endpoint.host, port: endpoint.port, publicUrl: 'https://provisioning.contoso.example' });
      assert.deepEqual((await overview(t)).publicUrl, { url: 'https://provisioning.contoso.example', verifiedAt: null }, 'the check vouched for the old URL only');
      await t.core.endpoint.reconfigure({ host: endpoint.host, port: endpoint.port, publicUrl: '' });
      assert.equal((await overview(t)).publicUrl, null);
    } finally {
      await t.stop();
    }
  });
});

describe("users.get: the manager by name, or said to be missing", () => {
  it('names the manager a user points at, and flags an id that names no user here', async () => {
    const t = await startTestCore();
    try {
      const create = async (doc: Record<string, unknown>) => {
        const response = await t.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER, URN_ENTERPRISE], ...doc }) });
        assert.equal(response.status, 201);
        return String(((await response.json()) as { id: string }).id);
      };
      const patti = await create({ userName: 'patti.fernandez@contoso.com', displayName: 'Patti Fernandez' });
      const nameless = await create({ userName: 'no.display@contoso.com' });
      const lee = await create({ userName: 'lee.gu@contoso.com', [URN_ENTERPRISE]: { manager: patti } });
      const joni = await create({ userName: 'joni.sherman@contoso.com', [URN_ENTERPRISE]: { manager: { value: nameless } } });
      const ghost = '6f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f';
      const grady = await create({ userName: 'grady.archie@contoso.com', [URN_ENTERPRISE]: { manager: ghost } });
      const get = (id: string) => t.core.admin.handlers['users.get']({ id }, CONTEXT);
      assert.deepEqual((await get(lee)).manager, { id: patti, userName: 'patti.fernandez@contoso.com', displayName: 'Patti Fernandez', found: true });
      assert.deepEqual((await get(joni)).manager, { id: nameless, userName: 'no.display@contoso.com', displayName: null, found: true });
      assert.deepEqual((await get(grady)).manager, { id: ghost, userName: null, displayName: null, found: false });
      assert.equal((await get(patti)).manager, null);
    } finally {
      await t.stop();
    }
  });
});
