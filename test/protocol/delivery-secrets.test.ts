import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SNAPSHOT_FOLDER } from '../../main/admin/recovery/snapshot-service';
import { createCore, DATABASE_FILE, type Core } from '../../main/core/create-core';
import { webhookSecretName } from '../../main/delivery/subscription-secrets';
import { generateSecret } from '../../main/delivery/subscriptions';
import { chooseSecretStore } from '../../main/lib/secret-store';
import { SCHEMA_VERSION } from '../../main/store/migrations';
import { openSnapshotReader } from '../../main/store/snapshot-file';
import { eventually } from '../support/eventually';
import { TestReceiver } from '../support/webhook-receiver';

/**
 * Webhook signing secrets live in the secret store, one entry per subscription: never in the database,
 * its WAL or the snapshots copied from it. A restart signs with the stored secret, a secret an older
 * ScimDesk left in the database moves to the store at start, and a subscription whose secret is gone
 * is paused with the fix named, never sent unsigned.
 */
const FAST = { pollMs: 20, backoffBaseMs: 10, backoffMaxMs: 40, timeoutMs: 400, batchSize: 10 };

/** Every way the secret could sit in a file: as written, its base64 key, and the key's raw bytes. */
function secretForms(secret: string): Buffer[] {
  const key = secret.replace(/^whsec_/, '');
  return [Buffer.from(secret), Buffer.from(key), Buffer.from(key, 'base64')];
}

function assertNotIn(file: string, secret: string): void {
  if (!existsSync(file)) return;
  const bytes = readFileSync(file);
  for (const form of secretForms(secret)) assert.equal(bytes.includes(form), false, `${file} holds the secret (${form.length} bytes)`);
}

function databaseFiles(dataDir: string): string[] {
  return [join(dataDir, DATABASE_FILE), join(dataDir, `${DATABASE_FILE}-wal`)];
}

/** A core on a data folder, started again and again like the service: the token of the first start is kept. */
class Service {
  core!: Core;
  private baseUrl = '';
  private token = '';

  constructor(readonly dataDir: string) {}

  async start(): Promise<Core> {
    this.core = await createCore({ host: '127.0.0.1', port: 0, fileLogs: false, dataDir: this.dataDir, delivery: { tuning: FAST } });
    const started = await this.core.start();
    if (started.firstToken) this.token = started.firstToken.token;
    this.baseUrl = started.scimUrl;
    return this.core;
  }

  async createUser(userName: string): Promise<void> {
    const created = await fetch(`${this.baseUrl}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ userName, active: true }),
    });
    assert.equal(created.status, 201);
  }

  stop(): Promise<void> {
    return this.core.stop();
  }
}

describe('webhook signing secrets in the secret store', () => {
  const folders: string[] = [];
  const receivers: TestReceiver[] = [];
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimdesk-webhook-secrets-'));
    folders.push(dir);
    return dir;
  };
  const receiver = async () => {
    const made = new TestReceiver();
    receivers.push(made);
    return { hook: made, url: await made.start() };
  };

  after(async () => {
    for (const r of receivers) await r.stop();
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the secret out of the database, its WAL and a snapshot; after a restart it still signs with it; removing deletes it', async () => {
    const service = new Service(folder());
    const { hook, url } = await receiver();
    const given = generateSecret();
    let id = '';
    let generated = '';
    let core = await service.start();
    try {
      const made = await core.delivery.subscriptions.subscribe({ url, secret: given });
      id = made.subscription.id;
      const other = await core.delivery.subscriptions.subscribe({ url: 'http://127.0.0.1:9/other' });
      generated = other.secret;
      assert.equal(await core.secrets.get(webhookSecretName(id)), given, 'the secret is in the secret store');
      assert.equal(await core.secrets.get(webhookSecretName(other.subscription.id)), generated);
      assert.equal(made.subscription.secretHint, `whsec_••••${given.slice(-4)}`);
      const snapshot = await core.snapshots.take('after subscribing');
      const snapshotFile = join(service.dataDir, SNAPSHOT_FOLDER, `${snapshot.id}.db`);
      assert.ok(existsSync(snapshotFile) && existsSync(databaseFiles(service.dataDir)[1]!), 'the files searched are there');
      for (const secret of [given, generated]) for (const file of [...databaseFiles(service.dataDir), snapshotFile]) assertNotIn(file, secret);
    } finally {
      await service.stop();
    }
    for (const secret of [given, generated]) for (const file of databaseFiles(service.dataDir)) assertNotIn(file, secret);

    hook.secret = given;
    hook.rejectBadSignatures = true;
    core = await service.start();
    try {
      await service.createUser('after.restart@contoso.com');
      await eventually(() => assert.equal(hook.acknowledged().get(1)?.type, 'user.created'), 10_000);
      assert.ok(hook.received.length > 0 && hook.received.every((r) => r.signatureValid), 'signed with the stored secret (checked with Node crypto)');
      await core.delivery.subscriptions.remove(id);
      assert.equal(await core.secrets.get(webhookSecretName(id)), undefined, 'removing a subscription deletes its secret');
    } finally {
      await service.stop();
    }
  });

  it('moves a clear-text secret an older ScimDesk left in the database into the secret store at start (also after a move cut short, once) and blanks it in earlier snapshots', async () => {
    const service = new Service(folder());
    const { hook, url } = await receiver();
    await service.start();
    await service.stop();
    // Two rows as an older ScimDesk wrote them; the second one's move was cut short after the store was written.
    const legacy = generateSecret();
    const halfMoved = generateSecret();
    const db = new Database(join(service.dataDir, DATABASE_FILE));
    const insert = db.prepare(`INSERT INTO delivery_subscriptions (id, url, events, filter, secret, created, delivered_seq, failures) VALUES (?, ?, NULL, NULL, ?, ?, 0, 0)`);
    insert.run('sub_00000000000000a1', url, legacy, '2026-01-01T00:00:00.000Z');
    insert.run('sub_00000000000000a2', 'http://127.0.0.1:9/half', halfMoved, '2026-01-01T00:00:01.000Z');
    db.close();
    await (await chooseSecretStore(service.dataDir)).set(webhookSecretName('sub_00000000000000a2'), halfMoved);
    assert.ok(readFileSync(databaseFiles(service.dataDir)[0]!).includes(Buffer.from(legacy)), 'the legacy secret is in the file to begin with');
    // A snapshot the older ScimDesk took then: a copy of the database, secrets and all.
    const oldSnapshot = join(service.dataDir, SNAPSHOT_FOLDER, '2026-01-02T00-00-00-000Z-daily.db');
    mkdirSync(join(service.dataDir, SNAPSHOT_FOLDER), { recursive: true });
    copyFileSync(databaseFiles(service.dataDir)[0]!, oldSnapshot);

    hook.secret = legacy;
    hook.rejectBadSignatures = true;
    let core = await service.start();
    try {
      assert.equal(await core.secrets.get(webhookSecretName('sub_00000000000000a1')), legacy);
      assert.equal(await core.secrets.get(webhookSecretName('sub_00000000000000a2')), halfMoved);
      assert.deepEqual(await core.store.legacySubscriptionSecrets(), [], 'nothing left in clear text');
      const views = await core.delivery.subscriptions.list();
      assert.deepEqual(views.map((v) => [v.id, v.secretHint, v.pauseAfter]), [
        ['sub_00000000000000a1', `whsec_••••${legacy.slice(-4)}`, 12],
        ['sub_00000000000000a2', `whsec_••••${halfMoved.slice(-4)}`, 12],
      ]);
      for (const secret of [legacy, halfMoved]) for (const file of [...databaseFiles(service.dataDir), oldSnapshot]) assertNotIn(file, secret);
      const reader = openSnapshotReader(oldSnapshot);
      assert.equal(reader.schemaVersion(), SCHEMA_VERSION, 'the blanked snapshot still opens');
      reader.close();
      await core.delivery.subscriptions.remove('sub_00000000000000a2');
      await service.createUser('legacy@contoso.com');
      await eventually(() => assert.equal(hook.acknowledged().get(1)?.type, 'user.created'), 10_000);
      assert.ok(hook.received.every((r) => r.signatureValid), 'signed with the moved secret');
    } finally {
      await service.stop();
    }
    core = await service.start();
    try {
      assert.equal(await core.secrets.get(webhookSecretName('sub_00000000000000a1')), legacy, 'a second start moves nothing and loses nothing');
      assert.equal((await core.delivery.subscriptions.get('sub_00000000000000a1')).secretHint, `whsec_••••${legacy.slice(-4)}`);
    } finally {
      await service.stop();
    }
  });

  it('signs with a secret changed in the store once the receiver refuses the old one (the cached secret is dropped after a failure)', async () => {
    const service = new Service(folder());
    const { hook, url } = await receiver();
    const core = await service.start();
    try {
      const { subscription, secret: first } = await core.delivery.subscriptions.subscribe({ url });
      hook.secret = first;
      await service.createUser('before.change@contoso.com');
      await eventually(() => assert.equal(hook.acknowledged().size, 1), 10_000);
      // Changed in the secret store by hand (or by another process); the receiver was given the new one.
      const second = generateSecret();
      await core.secrets.set(webhookSecretName(subscription.id), second);
      hook.secret = second;
      hook.rejectBadSignatures = true;
      await service.createUser('after.change@contoso.com');
      await eventually(() => assert.equal(hook.acknowledged().size, 2), 10_000);
      const last = hook.received.at(-1)!;
      assert.equal(last.signatureValid, true, 'the accepted delivery is signed with the new secret');
    } finally {
      await service.stop();
    }
  });

  it('pauses a subscription whose secret is missing from the store, naming the store and the fix, and sends nothing', async () => {
    const service = new Service(folder());
    const { hook, url } = await receiver();
    let core = await service.start();
    const { subscription } = await core.delivery.subscriptions.subscribe({ url });
    await service.stop();
    // The credential store lost it (another OS account, a wiped keychain, an entry deleted by hand).
    await (await chooseSecretStore(service.dataDir)).delete(webhookSecretName(subscription.id));

    core = await service.start();
    try {
      const paused: string[] = [];
      core.events.subscribe('delivery.changed', (payload) => payload.paused && paused.push(payload.paused.error));
      await service.createUser('unsigned@contoso.com');
      await eventually(async () => assert.equal((await core.delivery.subscriptions.get(subscription.id)).health, 'paused'), 10_000);
      const view = await core.delivery.subscriptions.get(subscription.id);
      assert.equal(view.pauseReason, `Paused because its signing secret is missing from ${core.secrets.description}: remove and re-create the subscription (the receiver then needs the new secret)`);
      assert.equal(paused.length, 1, 'the admin is told once');
      const test = await core.delivery.worker.sendTest(await core.delivery.subscriptions.record(subscription.id));
      assert.match(test.error ?? '', /signing secret is missing/);
      await core.delivery.subscriptions.resume(subscription.id);
      core.delivery.worker.wake();
      await eventually(async () => assert.equal((await core.delivery.subscriptions.get(subscription.id)).health, 'paused'), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(hook.received.length, 0, 'nothing was sent, signed or not');
      assert.equal(paused.length, 2, 'paused again after a resume, and told again');
      await core.syncLog.flush();
      const logged = await core.store.querySyncLog({ operation: 'delivery', limit: 10 });
      assert.match(logged[0]?.error ?? '', new RegExp(`Webhook subscription ${subscription.id} paused because its signing secret is missing`));
    } finally {
      await service.stop();
    }
  });
});
