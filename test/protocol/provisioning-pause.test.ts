import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createCore } from '../../main/core/create-core';
import { PAUSE_RETRY_AFTER_SECONDS } from '../../main/lib/provisioning-pause';
import { startTestCore } from '../support/start-test-core';
import { readScim, readScimError, URN_GROUP, URN_USER } from './protocol-helpers';

/**
 * Pause provisioning on the real SCIM endpoint: every request Entra could send answers 503 with
 * Retry-After and a SCIM error body while paused, nothing is written, the sync log records what was
 * tried, a wrong token still gets 401, and the pause outlives a restart until an admin resumes.
 */

const ENTRA = { ADSCIMVersion: 'Date: 2026-01-01, ActivityId: 11111111-2222-3333-4444-555555555555' };
const ACTOR = { actor: 'tray:alice' };

describe('provisioning pause on the SCIM endpoint', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-pause-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers every SCIM request with 503 + Retry-After while paused, writes nothing, and serves again once resumed', async () => {
    const t = await startTestCore({ dataDir });
    try {
      const created = await readScim(
        await t.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'adele.vance@contoso.com', active: true }) }),
        201,
        'create before the pause',
      );
      const paused = await t.core.admin.dispatch('provisioning.pause', {}, ACTOR);
      assert.ok(paused.ok);
      assert.deepEqual(t.core.pause.state(), { since: (paused.value as { since: string }).since, by: 'tray:alice' });

      const attempts: ReadonlyArray<readonly [string, RequestInit]> = [
        ['/Users', { method: 'POST', headers: ENTRA, body: JSON.stringify({ schemas: [URN_USER], userName: 'alex.wilber@contoso.com' }) }],
        [`/Users/${created.id}`, { method: 'PATCH', headers: ENTRA, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }) }],
        [`/Users/${created.id}`, { method: 'DELETE', headers: ENTRA }],
        [`/Users?filter=${encodeURIComponent('userName eq "adele.vance@contoso.com"')}`, { headers: ENTRA }],
        ['/Groups', { method: 'POST', headers: ENTRA, body: JSON.stringify({ schemas: [URN_GROUP], displayName: 'Retail' }) }],
        ['/Schemas', { headers: ENTRA }],
        ['/ServiceProviderConfig', { headers: ENTRA }],
      ];
      for (const [path, init] of attempts) {
        const response = await t.scim(path, init);
        const context = `${init.method ?? 'GET'} ${path.split('?')[0]}`;
        const body = await readScimError(response, 503, undefined, context);
        assert.equal(response.headers.get('retry-after'), String(PAUSE_RETRY_AFTER_SECONDS), `${context}: Retry-After`);
        assert.match(body.detail, /paused/, `${context}: says why`);
      }
      // The bearer token is checked first: a wrong token is still told it is wrong (Entra quarantines at once for that).
      await readScimError(await t.scim('/Users', { headers: { ...ENTRA, authorization: 'Bearer scimdesk_wrong' } }), 401, undefined, 'wrong token while paused');

      await t.core.syncLog.flush();
      const logged = await t.core.store.querySyncLog({ limit: 20 });
      const during = logged.filter((entry) => entry.status === 503).map((entry) => entry.operation);
      assert.deepEqual(during.sort(), ['create', 'create', 'delete', 'discovery', 'discovery', 'list', 'patch'], 'the sync log says what was tried while paused');

      const resumed = await t.core.admin.dispatch('provisioning.resume', {}, ACTOR);
      assert.ok(resumed.ok);
      assert.equal(t.core.pause.state(), undefined);
      const user = await readScim(await t.scim(`/Users/${created.id}`), 200, 'after resume');
      assert.equal(user.active, true, 'the PATCH refused while paused changed nothing');
      const list = await readScim(await t.scim('/Users'), 200, 'list after resume');
      assert.equal(list.totalResults, 1, 'the create refused while paused wrote nothing');

      const audit = await t.core.store.listAudit({ limit: 10 });
      assert.deepEqual(
        audit.map((entry) => [entry.action, entry.actor]),
        [
          ['resumeProvisioning', 'tray:alice'],
          ['pauseProvisioning', 'tray:alice'],
        ],
      );
    } finally {
      await t.core.stop();
    }
  });

  it('keeps a pause across a restart, until an admin resumes', async () => {
    const first = await createCore({ dataDir, host: '127.0.0.1', port: 0, fileLogs: false });
    await first.start();
    const paused = await first.admin.dispatch('provisioning.pause', {}, ACTOR);
    assert.ok(paused.ok);
    await first.stop();

    const second = await createCore({ dataDir, host: '127.0.0.1', port: 0, fileLogs: false });
    const started = await second.start();
    try {
      const token = await second.admin.dispatch('token.generate', { lifetimeDays: 0 }, ACTOR);
      assert.ok(token.ok);
      const headers = { authorization: `Bearer ${(token.value as { token: string }).token}` };
      assert.equal((await fetch(`${started.scimUrl}/Users`, { headers })).status, 503, 'still paused after the restart');
      const overview = await second.admin.dispatch('overview.get', {}, ACTOR);
      assert.ok(overview.ok);
      assert.deepEqual((overview.value as { provisioning: unknown }).provisioning, paused.value);
      // A second pause keeps the first one's time and author.
      const again = await second.admin.dispatch('provisioning.pause', {}, { actor: 'admin-ui:bob' });
      assert.deepEqual(again, paused);

      await second.admin.dispatch('provisioning.resume', {}, ACTOR);
      assert.equal((await fetch(`${started.scimUrl}/Users`, { headers })).status, 200);
    } finally {
      await second.stop();
    }
  });

  it('starts without a token when the host asks for none (the desktop app shows the token where it is generated)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'scimdesk-no-first-token-'));
    const core = await createCore({ dataDir: folder, host: '127.0.0.1', port: 0, fileLogs: false, issueFirstToken: false });
    try {
      const started = await core.start();
      assert.equal(started.firstToken, undefined);
      assert.deepEqual(await core.store.listTokens(), []);
    } finally {
      await core.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
