import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { TestReceiver } from '../support/webhook-receiver';
import { clearScreenshots, ensureRendererBuilt, eventually, expectText, openBrowser, settleAnimations, SHOTS, skipWithoutChromium, type BrowserSession } from './support/browser';
import { startServe, stopServe, type Serve } from './support/serve';

/**
 * The Delivery screen as an admin meets it, against `serve`: a webhook subscription added (its secret
 * shown once), a change delivered to a receiver in the test, a test event, the delivery log, pause and
 * resume, a read-only credential issued (it reads the feed), then revoked. Screenshots go to
 * test-results/screenshots/5NN-delivery-*.png.
 */
const SKIP = skipWithoutChromium('the Delivery screen');
const STEP_MS = 60_000;

describe('Delivery in Chromium against serve mode', { timeout: 240_000 }, () => {
  let dataDir = '';
  let serve: Serve | undefined;
  let session: BrowserSession | undefined;
  let page: Page;
  let loginUrl = '';
  let scimUrl = '';
  let token = '';
  let shot = 500;
  const receiver = new TestReceiver();
  let receiverUrl = '';

  const screenshot = async (name: string) => {
    shot++;
    await settleAnimations(page);
    await page.screenshot({ path: join(SHOTS, `${shot}-delivery-${name}.png`), fullPage: true });
  };
  const step = (name: string, run: () => Promise<void>) => async () => {
    try {
      await run();
    } catch (error) {
      await page?.screenshot({ path: join(SHOTS, `failed-delivery-${name}.png`), fullPage: true }).catch(() => undefined);
      throw error;
    }
  };
  const subscriptions = () => page.getByRole('table', { name: 'Webhook subscriptions' });
  const toast = (text: string | RegExp) => page.locator('.fui-ToastTitle').getByText(text).first().waitFor();

  before(
    async () => {
      if (SKIP) return;
      clearScreenshots(/^5\d\d-delivery-|^failed-delivery-/);
      ensureRendererBuilt();
      receiverUrl = await receiver.start();
      dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-e2e-delivery-'));
      serve = await startServe(dataDir);
      loginUrl = serve.loginUrl;
      scimUrl = serve.endpoint;
      assert.ok(serve.token, 'a first start prints the token once');
      token = serve.token;
      session = await openBrowser();
      page = session.page;
    },
    { timeout: 150_000 },
  );

  after(
    async () => {
      await session?.close();
      if (serve) await stopServe(serve.child);
      await receiver.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    { timeout: 30_000 },
  );

  it(
    'adds a subscription from the Delivery screen, shows its secret once, and delivers a change to the receiver, signed',
    { skip: SKIP, timeout: STEP_MS },
    step('subscribe', async () => {
      await page.goto(loginUrl);
      await page.getByRole('heading', { level: 1, name: 'Overview', exact: true }).waitFor();
      await page.getByRole('navigation').getByRole('link', { name: 'Delivery', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Delivery', exact: true }).waitFor();
      await page.getByText('No subscriptions yet').waitFor();
      await page.getByRole('region', { name: 'Scheduled exports' }).waitFor();
      await screenshot('empty');

      await page.getByRole('button', { name: 'Add subscription' }).first().click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Receiver URL').fill(receiverUrl);
      await dialog.getByRole('checkbox', { name: 'user.created' }).check();
      const pauseAfter = dialog.getByLabel('Pause after failed attempts');
      assert.equal(await pauseAfter.inputValue(), '12', 'twelve unless set');
      await pauseAfter.fill('0');
      await dialog.getByText('A whole number from 1 to 1000').waitFor();
      assert.equal(await dialog.getByRole('button', { name: 'Add subscription' }).isDisabled(), true);
      await pauseAfter.fill('5');
      await screenshot('add');
      await dialog.getByRole('button', { name: 'Add subscription' }).click();
      const secret = (await page.getByTestId('shown-once').textContent())!.trim();
      assert.match(secret, /^whsec_/);
      receiver.secret = secret;
      await screenshot('secret-once');
      await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
      await expectText(subscriptions(), /Caught up/);
      await expectText(subscriptions(), /pauses after 5 failed attempts/);
      // The secret shown once is nowhere in the database (it is in the data folder's secret store).
      for (const file of ['scimdesk.db', 'scimdesk.db-wal']) {
        const path = join(dataDir, file);
        if (existsSync(path)) assert.equal(readFileSync(path).includes(Buffer.from(secret)), false, `${file} holds the secret`);
      }

      const created = await fetch(`${scimUrl}/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ userName: 'adele.vance@contoso.com', active: true }),
      });
      assert.equal(created.status, 201);
      await eventually(async () => assert.equal(receiver.acknowledged().get(1)?.type, 'user.created'));
      assert.equal(receiver.received[0]?.signatureValid, true);
      await expectText(subscriptions(), /Caught up/);
      // The "Delivered through" cell itself (the row's URL, 127.0.0.1, has a 1 in it too).
      await expectText(subscriptions().getByRole('row').nth(1).getByRole('cell').nth(2), /^1$/);
      await screenshot('delivered');
    }),
  );

  it(
    'sends a test event, shows the delivery log, pauses and resumes',
    { skip: SKIP, timeout: STEP_MS },
    step('log', async () => {
      await subscriptions().getByRole('button', { name: 'Send a test event' }).click();
      await toast('Test event delivered');
      assert.equal(receiver.received.at(-1)?.type, 'delivery.test');
      await subscriptions().getByRole('button', { name: 'Log' }).click();
      const log = page.getByRole('table', { name: 'Delivery log' });
      await expectText(log, /test event/);
      await expectText(log, /delivered/);
      await screenshot('log');
      await subscriptions().getByRole('button', { name: 'Pause' }).click();
      await expectText(subscriptions(), /Paused/);
      await screenshot('paused');
      await subscriptions().getByRole('button', { name: 'Resume' }).click();
      await expectText(subscriptions(), /Caught up/);
    }),
  );

  it(
    'issues a read-only credential that reads the change feed, and revokes it',
    { skip: SKIP, timeout: STEP_MS },
    step('credential', async () => {
      const region = page.getByRole('region', { name: 'Read-only credentials' });
      await region.getByRole('button', { name: 'Issue a credential' }).click();
      await page.getByRole('dialog').getByLabel('Which system reads with it').fill('HR system');
      await page.getByRole('dialog').getByRole('button', { name: 'Issue' }).click();
      const credential = (await page.getByTestId('shown-once').textContent())!.trim();
      assert.match(credential, /^scimdeskread_/);
      await screenshot('credential-once');
      await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
      const feedUrl = (await region.getByTestId('feed-url').textContent())!.trim();
      const feed = await fetch(feedUrl, { headers: { authorization: `Bearer ${credential}` } });
      assert.equal(feed.status, 200);
      assert.deepEqual(((await feed.json()) as { changes: Array<{ type: string }> }).changes.map((c) => c.type), ['user.created']);
      await expectText(region.getByRole('table', { name: 'Read-only credentials' }), /HR system/);
      await screenshot('credentials');
      await region.getByRole('button', { name: 'Revoke' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
      await expectText(region.getByRole('table', { name: 'Read-only credentials' }), /Revoked/);
      assert.equal((await fetch(feedUrl, { headers: { authorization: `Bearer ${credential}` } })).status, 401);
    }),
  );

  it(
    'shows a subscription the worker paused after failing on the Overview, with the way to the Delivery screen',
    { skip: SKIP, timeout: STEP_MS },
    step('paused', async () => {
      // The worker's own pause after N failures is proven in test/protocol/delivery.test.ts; here its outcome, as stored, meets the screens.
      const db = new Database(join(dataDir, 'scimdesk.db'));
      db.pragma('busy_timeout = 5000');
      db.prepare(`UPDATE delivery_subscriptions SET paused = ?, pause_reason = ?, failures = 12, last_error = ?`).run(
        new Date().toISOString(),
        'Paused after 12 failed attempts in a row; last: HTTP 503: receiver down',
        'HTTP 503: receiver down',
      );
      db.close();
      await page.getByRole('navigation').getByRole('link', { name: 'Overview', exact: true }).click();
      const alert = page.getByTestId('delivery-alert');
      await expectText(alert, /A webhook subscription is paused/);
      await expectText(alert, /HTTP 503: receiver down/);
      await screenshot('overview-alert');
      await alert.getByRole('button', { name: 'Open Delivery' }).click();
      await page.getByRole('heading', { level: 1, name: 'Delivery', exact: true }).waitFor();
      await expectText(subscriptions(), /Paused/);
      await page.getByText(/Deliveries to .* are paused/).waitFor();
      await screenshot('paused-by-worker');
    }),
  );
});
