import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { createWebhookSender } from '../../main/delivery/webhook-sender';
import { DeliveryError, generateSecret } from '../../main/delivery/subscriptions';
import type { DirectoryChange } from '../../shared/admin/change-types';
import { eventually } from '../support/eventually';
import { startTestCore, type TestCore } from '../support/start-test-core';
import { TestReceiver, verifyWebhook } from '../support/webhook-receiver';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const FAST = { pollMs: 20, backoffBaseMs: 20, backoffMaxMs: 150, timeoutMs: 400, batchSize: 4 };

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

/** Entra-like traffic: users, updates, a group with members, refused requests, deletes. Returns the ids. */
async function provision(t: TestCore): Promise<void> {
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const created = await t.scim('/Users', { method: 'POST', body: JSON.stringify({ userName: `u${i}@contoso.com`, active: true, externalId: `oid-${i}` }) });
    assert.equal(created.status, 201);
    ids.push(String((await json(created))['id']));
  }
  // Refused: a taken userName (409) and a PATCH of an attribute that is not there (400). Neither may reach the feed.
  assert.equal((await t.scim('/Users', { method: 'POST', body: JSON.stringify({ userName: 'U0@contoso.com' }) })).status, 409);
  const bad = await t.scim(`/Users/${ids[0]}`, { method: 'PATCH', body: JSON.stringify({ schemas: [PATCH], Operations: [{ op: 'explode', path: 'title' }] }) });
  assert.equal(bad.status, 400);
  for (const id of ids) {
    const patched = await t.scim(`/Users/${id}`, { method: 'PATCH', body: JSON.stringify({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'Engineer' }] }) });
    assert.equal(patched.status, 200);
  }
  const group = await t.scim('/Groups', { method: 'POST', body: JSON.stringify({ displayName: 'Sales', members: ids.slice(0, 3).map((value) => ({ value })) }) });
  const groupId = String((await json(group))['id']);
  await t.scim(`/Users/${ids[1]}`, { method: 'PATCH', body: JSON.stringify({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] }) });
  await t.scim(`/Groups/${groupId}`, { method: 'PATCH', body: JSON.stringify({ schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${ids[2]}"]` }] }) });
  assert.equal((await t.scim(`/Users/${ids[5]}`, { method: 'DELETE' })).status, 204);
}

describe('webhook delivery (a receiver that fails, times out and answers slowly)', () => {
  let t: TestCore;
  const receiver = new TestReceiver();

  before(async () => {
    t = await startTestCore({ delivery: { tuning: FAST } });
  });

  after(async () => {
    await t.stop();
    await receiver.stop();
  });

  it('delivers every committed change, in order per resource, signed, duplicates only under the same id, none from a refused request', async () => {
    const url = await receiver.start();
    const secret = generateSecret();
    receiver.secret = secret;
    receiver.plan = ['fail', 'timeout', 'slow', 'fail', 'ok', 'slow', 'timeout', 'fail', 'ok', 'slow'];
    const { subscription } = await t.core.delivery.subscriptions.subscribe({ url, secret });
    await provision(t);
    const head = (await t.core.store.outboxBounds()).head;
    await eventually(async () => assert.equal((await t.core.store.getSubscription(subscription.id))!.deliveredSeq, head), 20_000);

    const committed = await t.core.store.readChanges(0, 10_000);
    assert.equal(committed.length, head, 'gap-free: one change per number');
    assert.deepEqual([...receiver.acknowledged().values()].sort((a, b) => a.seq - b.seq), committed, 'exactly the committed changes');
    assert.equal(committed.filter((c) => c.type === 'user.created').length, 6, 'the refused create is not there');
    assert.ok(receiver.received.every((r) => r.signatureValid), 'every signature checks out with Node crypto');
    assert.ok(receiver.received.some((r) => r.answered === 'timeout') && receiver.received.some((r) => r.answered === 'fail'));

    // Per resource, changes first arrive in ascending sequence order.
    const firstSeen = new Map<number, number>();
    receiver.received.forEach((r, index) => r.changes.forEach((c) => firstSeen.has(c.seq) || firstSeen.set(c.seq, index)));
    const byResource = new Map<string, DirectoryChange[]>();
    for (const change of committed) byResource.set(change.resourceId, [...(byResource.get(change.resourceId) ?? []), change]);
    for (const changes of byResource.values()) {
      const arrival = changes.map((c) => firstSeen.get(c.seq)!);
      assert.deepEqual(arrival, [...arrival].sort((a, b) => a - b));
    }
    // A change sent twice went under one webhook-id both times.
    const idsOf = new Map<number, Set<string>>();
    for (const r of receiver.received) for (const c of r.changes) idsOf.set(c.seq, (idsOf.get(c.seq) ?? new Set()).add(r.id));
    for (const [seq, ids] of idsOf) assert.equal(ids.size, 1, `change ${seq} went under ${[...ids].join(', ')}`);

    const log = await t.core.delivery.subscriptions.log(subscription.id, 100);
    assert.ok(log.some((entry) => entry.outcome === 'failed' && entry.responseCode === 500 && entry.error?.includes('HTTP 500')));
    assert.ok(log.some((entry) => entry.outcome === 'failed' && entry.responseCode === null && /no answer within/.test(entry.error ?? '')));
    assert.ok(log.some((entry) => entry.outcome === 'delivered' && entry.latencyMs >= 100), 'the slow answers were waited for');
  });

  it('refuses a replayed message older than the tolerance, and a changed body, with the independent check', () => {
    const sample = receiver.received.find((r) => r.signatureValid)!;
    const { headers, body } = sample.raw;
    assert.equal(verifyWebhook(receiver.secret, headers, body, sample.timestamp), true);
    assert.equal(verifyWebhook(receiver.secret, headers, body, sample.timestamp + 301), false, 'replayed 5 minutes and 1 second later');
    assert.equal(verifyWebhook(receiver.secret, headers, body.replace('user.', 'group.'), sample.timestamp), false, 'a changed body');
    assert.equal(verifyWebhook(generateSecret(), headers, body, sample.timestamp), false, 'another secret');
  });

  it('pauses a subscription after too many failures in a row, tells the admin, and catches up in order once resumed', async () => {
    const failing = new TestReceiver();
    const url = await failing.start();
    const secret = generateSecret();
    failing.secret = secret;
    failing.plan = ['fail', 'fail', 'fail', 'fail'];
    const events: unknown[] = [];
    const unsubscribe = t.core.events.subscribe('delivery.changed', (payload) => payload.paused && events.push(payload.paused));
    const slow = await startTestCore({ delivery: { tuning: FAST } });
    try {
      const pausedEvents: string[] = [];
      slow.core.events.subscribe('delivery.changed', (payload) => payload.paused && pausedEvents.push(payload.paused.error));
      const { subscription } = await slow.core.delivery.subscriptions.subscribe({ url, secret, pauseAfter: 3 });
      await slow.scim('/Users', { method: 'POST', body: JSON.stringify({ userName: 'p@contoso.com' }) });
      await eventually(async () => assert.notEqual((await slow.core.delivery.subscriptions.get(subscription.id)).paused, null), 10_000);
      const view = await slow.core.delivery.subscriptions.get(subscription.id);
      assert.equal(view.health, 'paused');
      assert.match(view.pauseReason ?? '', /3 failed attempts.*HTTP 500/);
      assert.equal(pausedEvents.length, 1);
      await slow.core.syncLog.flush();
      const logged = await slow.core.store.querySyncLog({ operation: 'delivery', limit: 10 });
      assert.equal(logged.length, 1);
      assert.match(logged[0]!.error ?? '', /paused after 3 failed deliveries/);
      assert.equal((await slow.core.store.summarizeSyncLog('2000-01-01T00:00:00.000Z')).errors, 0, 'not counted as a failed request');
      // Changes made while paused wait; resumed, it delivers them all, in order.
      await slow.scim('/Users', { method: 'POST', body: JSON.stringify({ userName: 'q@contoso.com' }) });
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(failing.received.length, 3, 'nothing is sent while paused');
      await slow.core.delivery.subscriptions.resume(subscription.id);
      slow.core.delivery.worker.wake();
      await eventually(() => assert.deepEqual([...failing.acknowledged().keys()], [1, 2]), 10_000);
      // A replay sends everything from a number on again.
      await slow.core.delivery.subscriptions.replay(subscription.id, 2);
      await eventually(() => assert.deepEqual(failing.received.at(-1)?.changes.map((c) => c.seq), [2]), 10_000);
      await assert.rejects(slow.core.delivery.subscriptions.replay(subscription.id, 99), DeliveryError);
    } finally {
      unsubscribe();
      await slow.stop();
      await failing.stop();
    }
    assert.deepEqual(events, [], 'another core is not told');
  });

  it('pauses each subscription after its own number of failures in a row (2 and 5), and refuses a limit outside 1–1000', async () => {
    const short = new TestReceiver();
    const long = new TestReceiver();
    const urls = [await short.start(), await long.start()];
    short.plan = Array.from({ length: 20 }, () => 'fail' as const);
    long.plan = Array.from({ length: 20 }, () => 'fail' as const);
    try {
      const a = await t.core.delivery.subscriptions.subscribe({ url: urls[0]!, pauseAfter: 2 });
      const b = await t.core.delivery.subscriptions.subscribe({ url: urls[1]!, pauseAfter: 5 });
      assert.deepEqual([a.subscription.pauseAfter, b.subscription.pauseAfter], [2, 5]);
      await t.scim('/Users', { method: 'POST', body: JSON.stringify({ userName: 'limits@contoso.com' }) });
      for (const [made, count] of [[a, 2], [b, 5]] as const) {
        await eventually(async () => assert.equal((await t.core.delivery.subscriptions.get(made.subscription.id)).health, 'paused'), 10_000);
        assert.match((await t.core.delivery.subscriptions.get(made.subscription.id)).pauseReason ?? '', new RegExp(`^Paused after ${count} failed attempts in a row`));
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(short.received.length, 2, 'the first receiver got its 2 attempts');
      assert.equal(long.received.length, 5, 'the second receiver got its 5 attempts');
      const listed = await t.core.delivery.subscriptions.list();
      assert.deepEqual(listed.filter((v) => v.id === a.subscription.id || v.id === b.subscription.id).map((v) => v.pauseAfter), [2, 5]);
      const plain = await t.core.delivery.subscriptions.subscribe({ url: 'http://127.0.0.1:9/default' });
      assert.equal(plain.subscription.pauseAfter, 12, 'twelve unless set');
      for (const pauseAfter of [0, 1001, 2.5]) {
        await assert.rejects(t.core.delivery.subscriptions.subscribe({ url: 'http://127.0.0.1:9/x', pauseAfter }), (error: Error) => error instanceof DeliveryError && /from 1 to 1000/.test(error.message));
      }
      for (const made of [a, b, plain]) await t.core.delivery.subscriptions.remove(made.subscription.id);
    } finally {
      await short.stop();
      await long.stop();
    }
  });

  it("refuses a subscription to ScimDesk's own SCIM endpoint or admin API, by address and by a name that resolves to this machine", async () => {
    const port = t.core.endpoint.state()!.port;
    for (const url of [`http://127.0.0.1:${port}/scim/v2/Users`, `http://localhost:${port + 1}/admin/api/x`, `http://[::1]:${port}/`, `http://${hostname()}:${port}/`]) {
      await assert.rejects(t.core.delivery.subscriptions.subscribe({ url }), (error: Error) => error instanceof DeliveryError && /own admin API or SCIM endpoint/.test(error.message), url);
    }
    await assert.rejects(t.core.delivery.subscriptions.subscribe({ url: 'ftp://example.com/' }), DeliveryError);
    await assert.rejects(t.core.delivery.subscriptions.subscribe({ url: 'http://127.0.0.1:9/', secret: 'not-a-secret' }), /whsec_/);
    // Private and loopback receivers on other ports are the point.
    const ok = await t.core.delivery.subscriptions.subscribe({ url: 'http://127.0.0.1:9/hook' });
    await t.core.delivery.subscriptions.remove(ok.subscription.id);
  });

  it('checks the address again when it sends (a name that resolves to this machine later is refused)', async () => {
    const port = t.core.endpoint.state()!.port;
    const send = createWebhookSender(() => [port]);
    try {
      await assert.rejects(send(`http://${hostname()}:${port}/scim/v2/Users`, '{}', {}, 1000), /own admin API or SCIM endpoint/);
      await assert.rejects(send(`http://127.0.0.1:${port}/scim/v2/Users`, '{}', {}, 1000), /own admin API or SCIM endpoint/);
    } finally {
      send.close();
    }
  });
});

describe('the change feed and read-only credentials', () => {
  let t: TestCore;

  before(async () => {
    t = await startTestCore({ delivery: { worker: false } });
  });

  after(async () => {
    await t.stop();
  });

  it('serves the changes after a number in order, as JSON and as NDJSON, to a read-only credential only', async () => {
    const { credential } = await t.core.delivery.readCredentials.issue('HR system');
    assert.match(credential, /^scimdeskread_/);
    for (let i = 0; i < 3; i++) await t.scim('/Users', { method: 'POST', body: JSON.stringify({ userName: `f${i}@contoso.com` }) });
    const feedUrl = t.baseUrl.replace(/\/scim\/v2$/, '') + '/feed';
    const read = (query: string, token = credential, accept?: string) =>
      fetch(`${feedUrl}?${query}`, { headers: { authorization: `Bearer ${token}`, ...(accept ? { accept } : {}) } });

    const page = await read('after=0&limit=2');
    assert.equal(page.status, 200);
    const body = (await page.json()) as { changes: DirectoryChange[]; next: number; head: number };
    assert.deepEqual(body.changes.map((c) => [c.seq, c.type]), [
      [1, 'user.created'],
      [2, 'user.created'],
    ]);
    assert.equal(body.next, 2);
    assert.equal(body.head, 3);
    const rest = (await (await read(`after=${body.next}`)).json()) as { changes: DirectoryChange[] };
    assert.deepEqual(rest.changes.map((c) => c.seq), [3]);

    const ndjson = await read('after=0', credential, 'application/x-ndjson');
    assert.match(ndjson.headers.get('content-type') ?? '', /application\/x-ndjson/);
    const lines = (await ndjson.text()).trim().split('\n').map((line) => JSON.parse(line) as DirectoryChange);
    assert.deepEqual(lines.map((c) => c.seq), [1, 2, 3]);

    assert.equal((await read('after=0', t.token)).status, 401, 'the SCIM write token does not read the feed');
    assert.equal((await read('after=x')).status, 400);
    assert.equal((await read('after=0&limit=0')).status, 400);
  });

  it('lets a read-only credential GET users and groups and refuses every write with 403', async () => {
    const { credential } = await t.core.delivery.readCredentials.issue('reader');
    const auth = { authorization: `Bearer ${credential}` };
    assert.equal((await fetch(`${t.baseUrl}/Users`, { headers: auth })).status, 200);
    const write = await fetch(`${t.baseUrl}/Users`, { method: 'POST', headers: { ...auth, 'content-type': 'application/scim+json' }, body: JSON.stringify({ userName: 'no@contoso.com' }) });
    assert.equal(write.status, 403);
    assert.match(String((await json(write))['detail']), /read-only credential/);
    const users = (await json(await t.scim('/Users?filter=userName eq "no@contoso.com"')))['totalResults'];
    assert.equal(users, 0, 'nothing written');
    assert.equal((await fetch(`${t.baseUrl}/Users/x`, { method: 'DELETE', headers: auth })).status, 403);
  });

  it('stops a revoked credential at once, and tells a consumer behind retention to resynchronise from a full read', async () => {
    const { credential, record } = await t.core.delivery.readCredentials.issue('old');
    const feedUrl = t.baseUrl.replace(/\/scim\/v2$/, '') + '/feed';
    const read = (query: string, token = credential) => fetch(`${feedUrl}?${query}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await read('after=0')).status, 200);
    // Every consumer has acknowledged everything: retention may drop it all.
    for (const other of await t.core.store.listReadCredentials()) if (other.id !== record.id) await t.core.delivery.readCredentials.revoke(other.id);
    const head = (await t.core.store.outboxBounds()).head;
    assert.equal((await read(`after=${head}`)).status, 200);
    assert.ok((await t.core.store.pruneOutbox({ maxAgeDays: 0, maxRows: 0 }, new Date(Date.now() + 1000))) > 0);
    const behind = await read('after=0');
    assert.equal(behind.status, 410);
    const error = await json(behind);
    assert.equal(error['error'], 'behindRetention');
    assert.match(String(error['message']), /Resynchronise from a full read/);
    await t.core.delivery.readCredentials.revoke(record.id);
    assert.equal((await read(`after=${head}`)).status, 401);
  });
});
