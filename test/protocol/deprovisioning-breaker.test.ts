import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BreakerSettings, BreakerView, HeldOperationView } from '../../shared/admin/contract';
import { createCore } from '../../main/core/create-core';
import { PAUSE_RETRY_AFTER_SECONDS } from '../../main/lib/provisioning-pause';
import type { SqliteStore } from '../../main/store/sqlite-store';
import { startTestCore, type TestCore } from '../support/start-test-core';
import { readEmpty, readScim, readScimError, URN_GROUP, URN_PATCH, URN_USER, type Json } from './protocol-helpers';

/**
 * The mass-deprovisioning breaker on the real SCIM endpoint (issue 14): a burst of Entra's deactivations
 * trips it at the limit, later ones are held (503 + Retry-After, a SCIM error body, nothing written) while
 * creates and updates flow; Entra's retries are counted, not stored again; approval takes a snapshot first
 * and applies in one transaction; rejection discards; the held list outlives a restart.
 */

const ENTRA = { ADSCIMVersion: 'Date: 2026-01-01, ActivityId: 11111111-2222-3333-4444-555555555555' };
const ADMIN = { actor: 'admin-ui:alice' };
const DEACTIVATE = JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });

const countLimit = (maxCount: number): BreakerSettings => ({ enabled: true, maxCount, maxPercent: null, window: { mode: 'minutes', minutes: 60 } });

async function call<T = Json>(t: TestCore, method: string, input: unknown): Promise<T> {
  const result = await t.core.admin.dispatch(method, input, ADMIN);
  assert.ok(result.ok, `${method}: ${JSON.stringify(result)}`);
  return result.value as T;
}

async function createUsers(t: TestCore, count: number, prefix = 'user'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = { schemas: [URN_USER], userName: `${prefix}${i}@contoso.com`, displayName: `${prefix} ${i}`, active: true, externalId: `ext-${prefix}-${i}` };
    const created = await readScim(await t.scim('/Users', { method: 'POST', headers: ENTRA, body: JSON.stringify(body) }), 201, `create ${prefix}${i}`);
    ids.push(created.id as string);
  }
  return ids;
}

const deactivate = (t: TestCore, id: string) => t.scim(`/Users/${id}`, { method: 'PATCH', headers: ENTRA, body: DEACTIVATE });
const activeOf = async (t: TestCore, id: string) => (await readScim(await t.scim(`/Users/${id}`), 200, `read ${id}`)).active as boolean;

describe('mass-deprovisioning breaker on the SCIM endpoint', () => {
  it('holds the deactivations and deletes past the limit, lets creates and updates through, counts retries, approves after a snapshot and rejects', async () => {
    const snapshots: string[] = [];
    let snapshotFails = false;
    const t = await startTestCore({
      takeSnapshot: async (reason) => {
        if (snapshotFails) throw new Error('disk full');
        snapshots.push(reason);
      },
    });
    try {
      await call(t, 'breaker.saveSettings', countLimit(3));
      const ids = await createUsers(t, 8);
      for (const id of ids.slice(0, 3)) assert.equal((await readScim(await deactivate(t, id), 200, 'under the limit')).active, false);

      // The fourth passes the limit: held, and so is every deactivation and delete after it.
      for (const id of ids.slice(3, 5)) {
        const response = await deactivate(t, id);
        assert.equal(response.headers.get('retry-after'), String(PAUSE_RETRY_AFTER_SECONDS));
        const body = await readScimError(response, 503, undefined, 'held deactivation');
        assert.match(body.detail, /mass-deprovisioning breaker: 3 deactivations and deletes within 60 minutes reached the limit of 3/);
        assert.equal(await activeOf(t, id), true, 'a held deactivation changes nothing');
      }
      await readScimError(await t.scim(`/Users/${ids[5]}`, { method: 'DELETE', headers: ENTRA }), 503, undefined, 'held user delete');
      const group = await readScim(await t.scim('/Groups', { method: 'POST', headers: ENTRA, body: JSON.stringify({ schemas: [URN_GROUP], displayName: 'Retail' }) }), 201, 'group create flows');
      await readScimError(await t.scim(`/Groups/${group.id}`, { method: 'DELETE', headers: ENTRA }), 503, undefined, 'held group delete');
      await readScim(await t.scim(`/Groups/${group.id}`), 200, 'the held group delete left the group');

      // Creates and updates keep flowing, also of a user whose deactivation is not held.
      await readScim(await t.scim('/Users', { method: 'POST', headers: ENTRA, body: JSON.stringify({ schemas: [URN_USER], userName: 'new.joiner@contoso.com' }) }), 201, 'create while tripped');
      const updated = await readScim(
        await t.scim(`/Users/${ids[6]}`, { method: 'PATCH', headers: ENTRA, body: JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'Replace', path: 'displayName', value: 'Renamed' }] }) }),
        200,
        'update while tripped',
      );
      assert.equal(updated.displayName, 'Renamed');

      // Entra retries the held deactivation: counted on its row, not stored twice.
      await readScimError(await deactivate(t, ids[3]!), 503, undefined, 'retry');
      await readScimError(await deactivate(t, ids[3]!), 503, undefined, 'second retry');
      const { items } = await call<{ items: HeldOperationView[] }>(t, 'breaker.held', {});
      assert.deepEqual(
        items.map((held) => [held.userName ?? held.displayName, held.action, held.method, held.retries]),
        [
          ['user3@contoso.com', 'deactivate', 'PATCH', 2],
          ['user4@contoso.com', 'deactivate', 'PATCH', 0],
          ['user5@contoso.com', 'delete', 'DELETE', 0],
          ['Retail', 'delete', 'DELETE', 0],
        ],
      );
      assert.deepEqual(items[0]!.changes, [{ op: 'replace', path: 'active', value: false }]);
      const state = await call<BreakerView>(t, 'breaker.get', {});
      assert.equal(state.held, 4);
      assert.match(state.tripped?.reason ?? '', /reached the limit of 3/);

      // The sync log's detail says the request was held.
      await t.core.syncLog.flush();
      const logged = (await t.core.store.querySyncLog({ limit: 50 })).filter((entry) => entry.status === 503);
      assert.equal(logged.length, 6);
      const notes = logged.map((entry) => (JSON.parse(entry.detail ?? '{}') as { notes?: string[] }).notes ?? []);
      assert.ok(notes.every((list) => list.some((note) => /Held by the mass-deprovisioning breaker as held operation \d+/.test(note))), JSON.stringify(notes));
      assert.ok(notes.some((list) => list.some((note) => /Entra's retry \(sent 3 times\)/.test(note))), JSON.stringify(notes));

      // A snapshot that fails stops the approval: nothing applied, nothing leaves the list.
      snapshotFails = true;
      const failed = await t.core.admin.dispatch('breaker.approve', { ids: null }, ADMIN);
      assert.ok(!failed.ok && failed.error.code === 'unavailable' && /snapshot .* nothing was applied: disk full/.test(failed.error.message), JSON.stringify(failed));
      assert.equal(await activeOf(t, ids[3]!), true);
      assert.equal((await call<BreakerView>(t, 'breaker.get', {})).held, 4);
      snapshotFails = false;

      // Approve the selected one: a snapshot first, then applied.
      const approved = await call<{ applied: number; skipped: unknown[]; breaker: BreakerView }>(t, 'breaker.approve', { ids: [items[0]!.id] });
      assert.equal(approved.applied, 1);
      assert.deepEqual(snapshots, ['before approving 1 held deactivation or delete']);
      assert.equal(await activeOf(t, ids[3]!), false);
      assert.equal(approved.breaker.held, 3);
      assert.notEqual(approved.breaker.tripped, null, 'still tripped while operations are held');

      // Reject the rest: nothing changes, and the breaker resets.
      const rejected = await call<{ rejected: number; breaker: BreakerView }>(t, 'breaker.reject', { ids: null });
      assert.equal(rejected.rejected, 3);
      assert.equal(rejected.breaker.tripped, null);
      assert.equal(await activeOf(t, ids[4]!), true);
      await readScim(await t.scim(`/Users/${ids[5]}`), 200, 'rejected delete left the user');
      await readScim(await t.scim(`/Groups/${group.id}`), 200, 'rejected delete left the group');

      // Counting starts again after the reset: Entra's retry of a rejected deactivation now goes through.
      assert.equal((await readScim(await deactivate(t, ids[4]!), 200, 'after the reset')).active, false);

      const audit = await t.core.store.listAudit({ limit: 10 });
      const approval = audit.find((entry) => entry.action === 'approveHeldOperations');
      const rejection = audit.find((entry) => entry.action === 'rejectHeldOperations');
      assert.equal(approval?.actor, 'admin-ui:alice');
      assert.match(approval?.summary ?? '', /Approved 1 held deactivation or delete after a snapshot: 1 applied, 0 skipped/);
      assert.equal(rejection?.actor, 'admin-ui:alice');
      assert.deepEqual((rejection?.before as Array<{ name: string }>).map((held) => held.name), ['user4@contoso.com', 'user5@contoso.com', 'Retail']);
    } finally {
      await t.stop();
    }
  });

  it('applies an approval in one transaction: one held operation that cannot be applied leaves every other unapplied', async () => {
    const t = await startTestCore();
    try {
      await call(t, 'breaker.saveSettings', countLimit(1));
      const ids = await createUsers(t, 3);
      await readScim(await deactivate(t, ids[0]!), 200, 'first');
      await readScimError(await deactivate(t, ids[1]!), 503, undefined, 'held PATCH');
      // With an If-Match naming another version the request fails anyway (412): nothing to hold.
      const stale = await t.scim(`/Users/${ids[2]}`, { method: 'PATCH', headers: { ...ENTRA, 'if-match': 'W/"99"' }, body: DEACTIVATE });
      assert.equal(stale.status, 412, await stale.text());
      // A PUT that deactivates and renames: held whole.
      const put = { schemas: [URN_USER], userName: 'taken@contoso.com', active: false };
      await readScimError(await t.scim(`/Users/${ids[2]}`, { method: 'PUT', headers: ENTRA, body: JSON.stringify(put) }), 503, undefined, 'held PUT');
      assert.equal((await readScim(await t.scim(`/Users/${ids[2]}`), 200)).userName, 'user2@contoso.com', 'nothing of the held PUT was written');
      // Meanwhile another user takes the userName the held PUT would give: that PUT can no longer be applied.
      await readScim(await t.scim('/Users', { method: 'POST', headers: ENTRA, body: JSON.stringify({ schemas: [URN_USER], userName: 'taken@contoso.com' }) }), 201);

      const result = await t.core.admin.dispatch('breaker.approve', { ids: null }, ADMIN);
      assert.ok(!result.ok && result.error.code === 'conflict', JSON.stringify(result));
      assert.match(result.error.message, /Nothing was applied: held operation \d+ \(deactivate of user2@contoso.com\)/);
      assert.equal(await activeOf(t, ids[1]!), true, 'the PATCH approved with it was rolled back');
      assert.equal((await call<BreakerView>(t, 'breaker.get', {})).held, 2);
    } finally {
      await t.stop();
    }
  });

  it('skips at approval a held deactivation whose user changed since Entra sent it', async () => {
    const t = await startTestCore();
    try {
      await call(t, 'breaker.saveSettings', countLimit(1));
      const ids = await createUsers(t, 3);
      await readScim(await deactivate(t, ids[0]!), 200);
      await readScimError(await deactivate(t, ids[1]!), 503, undefined, 'held');
      await readScimError(await deactivate(t, ids[2]!), 503, undefined, 'held');
      // Entra updates the first held user afterwards (it is back in scope): a newer state than the held request.
      await readScim(
        await t.scim(`/Users/${ids[1]}`, { method: 'PATCH', headers: ENTRA, body: JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'Replace', path: 'title', value: 'Buyer' }] }) }),
        200,
      );
      const approved = await call<{ applied: number; skipped: Array<{ reason: string }> }>(t, 'breaker.approve', { ids: null });
      assert.equal(approved.applied, 1);
      assert.equal(approved.skipped.length, 1);
      assert.match(approved.skipped[0]!.reason, /changed after Entra sent this \(version 1, now 2\)/);
      assert.equal(await activeOf(t, ids[1]!), true, 'the newer state stands');
      assert.equal(await activeOf(t, ids[2]!), false);
      assert.equal((await call<BreakerView>(t, 'breaker.get', {})).held, 0);
    } finally {
      await t.stop();
    }
  });

  it('trips by percentage of the directory: 20 % of 30 users and groups allows 6', async () => {
    const t = await startTestCore();
    try {
      await call(t, 'breaker.saveSettings', { enabled: true, maxCount: null, maxPercent: 20, window: { mode: 'minutes', minutes: 60 } });
      const ids = await createUsers(t, 30);
      const view = await call<BreakerView>(t, 'breaker.get', {});
      assert.deepEqual([view.window.records, view.window.limit, view.window.by], [30, 6, 'percent']);
      const statuses: number[] = [];
      for (const id of ids.slice(0, 8)) statuses.push((await deactivate(t, id)).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 503, 503]);
    } finally {
      await t.stop();
    }
  });

  it('keeps no password in a held operation, and still applies it as Entra sent it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-breaker-password-'));
    const t = await startTestCore({ dataDir });
    try {
      await call(t, 'breaker.saveSettings', countLimit(1));
      const ids = await createUsers(t, 3, 'pw');
      assert.equal((await deactivate(t, ids[0]!)).status, 200);
      const secret = 'Sup3r-Secret-Passw0rd!';
      // Both dialects: a password op beside the deactivation, and a path-less replace that folds both.
      const withPassword = [
        JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }, { op: 'Replace', path: 'password', value: secret }] }),
        JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'replace', value: { active: false, password: secret } }] }),
      ];
      for (const [i, body] of withPassword.entries()) {
        await readScimError(await t.scim(`/Users/${ids[i + 1]}`, { method: 'PATCH', headers: ENTRA, body }), 503, undefined, `held ${i}`);
        // Entra's retry of the same request is still known as a retry.
        await readScimError(await t.scim(`/Users/${ids[i + 1]}`, { method: 'PATCH', headers: ENTRA, body }), 503, undefined, `retry ${i}`);
      }
      const { items } = await call<{ items: HeldOperationView[] }>(t, 'breaker.held', {});
      assert.deepEqual(items.map((held) => held.retries), [1, 1]);
      await t.core.syncLog.flush();
      const db = (t.core.store as SqliteStore).db;
      db.pragma('wal_checkpoint(TRUNCATE)');
      const bodies = db.prepare(`SELECT body FROM held_operations`).all() as Array<{ body: string }>;
      assert.equal(bodies.length, 2);
      for (const { body } of bodies) assert.ok(!body.includes(secret) && body.includes('[redacted]'), body);
      for (const file of readdirSync(dataDir)) {
        if (statSync(join(dataDir, file)).isFile()) assert.ok(!readFileSync(join(dataDir, file)).includes(secret), `no password in ${file}`);
      }
      const approved = await call<{ applied: number }>(t, 'breaker.approve', { ids: null });
      assert.equal(approved.applied, 2);
      assert.equal(await activeOf(t, ids[1]!), false);
      assert.equal(await activeOf(t, ids[2]!), false);
    } finally {
      await t.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('holds nothing when the breaker is off', async () => {
    const t = await startTestCore();
    try {
      await call(t, 'breaker.saveSettings', { ...countLimit(2), enabled: false });
      const ids = await createUsers(t, 6);
      for (const id of ids.slice(0, 5)) assert.equal((await deactivate(t, id)).status, 200);
      await readEmpty(await t.scim(`/Users/${ids[5]}`, { method: 'DELETE', headers: ENTRA }), 204);
      assert.equal((await call<BreakerView>(t, 'breaker.get', {})).held, 0);
    } finally {
      await t.stop();
    }
  });

  it('is on by default (20, or 10 % with a floor of 5, in 60 minutes) and keeps the held list and the trip across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-breaker-'));
    after(() => rmSync(dataDir, { recursive: true, force: true }));
    const t = await startTestCore({ dataDir });
    let heldBefore: HeldOperationView[];
    try {
      const defaults = await call<BreakerView>(t, 'breaker.get', {});
      assert.deepEqual(defaults.settings, { enabled: true, maxCount: 20, maxPercent: 10, window: { mode: 'minutes', minutes: 60 } });
      const ids = await createUsers(t, 10);
      const statuses: number[] = [];
      for (const id of ids.slice(0, 7)) statuses.push((await deactivate(t, id)).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 503, 503], '10 % of 10 is under the floor of 5');
      heldBefore = (await call<{ items: HeldOperationView[] }>(t, 'breaker.held', {})).items;
      assert.equal(heldBefore.length, 2);
    } finally {
      await t.core.stop();
    }
    const second = await createCore({ dataDir, host: '127.0.0.1', port: 0, fileLogs: false });
    const started = await second.start();
    try {
      const held = await second.admin.dispatch('breaker.held', {}, ADMIN);
      assert.ok(held.ok);
      assert.deepEqual((held.value as { items: HeldOperationView[] }).items, heldBefore);
      const token = await second.admin.dispatch('token.generate', { lifetimeDays: 0 }, ADMIN);
      assert.ok(token.ok);
      const user = (await second.store.listResources('User', { filter: undefined, startIndex: 8, count: 1, sortBy: undefined, descending: false, withMembers: false, withGroups: false })).resources[0]!;
      const response = await fetch(`${started.scimUrl}/Users/${user.id}`, {
        method: 'PATCH',
        headers: { ...ENTRA, authorization: `Bearer ${(token.value as { token: string }).token}`, 'content-type': 'application/scim+json' },
        body: DEACTIVATE,
      });
      assert.equal(response.status, 503, 'still tripped after the restart');
    } finally {
      await second.stop();
    }
  });
});
