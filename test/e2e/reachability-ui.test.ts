import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { cloudflareToken, installFakeCloudflared, type FakeCloudflared } from '../support/fake-cloudflared';
import { issueTestCertificate, toPfx } from '../support/test-certificates';
import { clearScreenshots, ensureRendererBuilt, expectText, openBrowser, settleAnimations, SHOTS, skipWithoutChromium, textOf, type BrowserSession } from './support/browser';
import { startServe, stopServe, type Serve } from './support/serve';

/**
 * Settings → Reachability and the Overview's reachability warning as an admin meets them: `serve`
 * started with a fake `cloudflared` first on its PATH (the Cloudflare tunnel comes online without a
 * network), then HTTPS without a tunnel: the self-signed test certificate the check refuses, a
 * certificate from the test CA the check accepts, and a later failed check bringing the warning back.
 * Screenshots go to test-results/screenshots/3NN-reach-*.png.
 */
const SKIP = skipWithoutChromium('the Reachability panel');
const STEP_MS = 60_000;
const PFX_PASSPHRASE = 'reach-e2e';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Reachability in Chromium against serve mode', { timeout: 240_000 }, () => {
  let dataDir = '';
  let fake: FakeCloudflared | undefined;
  let serve: Serve | undefined;
  let session: BrowserSession | undefined;
  let page: Page;
  let port = 0;
  let loginUrl = '';
  let shot = 300;

  const screenshot = async (name: string) => {
    shot++;
    await settleAnimations(page);
    await page.screenshot({ path: join(SHOTS, `${shot}-reach-${name}.png`), fullPage: true });
  };
  const step = (name: string, run: () => Promise<void>) => async () => {
    try {
      await run();
    } catch (error) {
      await page?.screenshot({ path: join(SHOTS, `failed-reach-${name}.png`), fullPage: true }).catch(() => undefined);
      throw error;
    }
  };
  const go = async (name: string) => {
    await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
  };
  const panel = () => page.getByRole('region', { name: 'Reachability' });
  const toast = (text: string | RegExp) => page.locator('.fui-ToastTitle').getByText(text).first().waitFor();

  before(
    async () => {
      if (SKIP) return;
      clearScreenshots(/^3\d\d-reach-|^failed-reach-/);
      ensureRendererBuilt();
      dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-e2e-reach-'));
      fake = installFakeCloudflared();
      port = await freePort();
      serve = await startServe(dataDir, {
        port,
        env: fake.env({ FAKE_CLOUDFLARED_HOSTNAME: 'scim.contoso.example', FAKE_CLOUDFLARED_SERVICE: `http://localhost:${port}` }),
      });
      loginUrl = serve.loginUrl;
      session = await openBrowser();
      page = session.page;
    },
    { timeout: 150_000 },
  );

  after(
    async () => {
      await session?.close();
      if (serve) await stopServe(serve.child);
      fake?.remove();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    { timeout: 30_000 },
  );

  it(
    'shows the Reachability panel in Settings, off by default, with the local Tenant URL',
    { skip: SKIP, timeout: STEP_MS },
    step('panel', async () => {
      await page.goto(loginUrl);
      await page.getByRole('heading', { level: 1, name: 'Overview', exact: true }).waitFor();
      await go('Settings');
      await panel().waitFor();
      await expectText(panel().getByTestId('tunnel-status'), 'Stopped');
      await expectText(panel().getByTestId('reach-tenant-url'), `http://127.0.0.1:${port}/scim/v2`);
      assert.equal(await panel().getByRole('radio', { name: 'None' }).isChecked(), true);
      await panel().scrollIntoViewIfNeeded();
      await screenshot('settings-off');
    }),
  );

  it(
    'brings a Cloudflare tunnel online through the cloudflared on PATH; the check after the start says why Entra cannot get through',
    { skip: SKIP, timeout: STEP_MS },
    step('cloudflare', async () => {
      await panel().getByRole('radio', { name: 'Cloudflare Tunnel' }).check();
      await expectText(panel().getByTestId('cloudflared-path'), `cloudflared found at ${fake!.binDir}/cloudflared`);
      await panel().getByLabel('Tunnel token').fill(cloudflareToken());
      await panel().getByLabel('Public hostname').fill('scim.contoso.example');
      await panel().getByRole('button', { name: 'Save and connect' }).click();
      await toast('Reachability saved: the tunnel is starting');
      await expectText(panel().getByTestId('tunnel-status'), 'Online');
      await expectText(panel().getByTestId('tunnel-url'), 'https://scim.contoso.example');
      await expectText(panel().getByTestId('reach-tenant-url'), 'https://scim.contoso.example/scim/v2');
      assert.equal(fake!.invocations().at(-1)?.tokenInEnv, true);
      assert.match(serve!.output(), /^Tunnel online: Tenant URL https:\/\/scim\.contoso\.example\/scim\/v2$/m, 'serve says so too');
      // The check after every start: the admin has not created the DNS record yet (.example names have none).
      const results = panel().getByTestId('check-results');
      await expectText(results.locator('.fui-MessageBarTitle'), 'Entra could not get through: Name (DNS)');
      const dns = results.getByRole('list', { name: 'Check from outside, step by step' }).getByRole('listitem').first();
      assert.equal(await dns.getAttribute('data-status'), 'fail');
      assert.match(await textOf(dns), /No DNS record for scim\.contoso\.example.*Fix: Create the DNS record for scim\.contoso\.example/);
      assert.ok(!(await page.content()).includes(cloudflareToken()), 'the token is not on the page');
      await panel().scrollIntoViewIfNeeded();
      await screenshot('cloudflare-online');

      await go('Overview');
      await expectText(page.getByTestId('tenant-url'), 'https://scim.contoso.example/scim/v2');
      await expectText(page.getByTestId('overview-tunnel'), /^OnlineCloudflare Tunnel/);
      await expectText(page.getByTestId('reach-warning'), /^Entra must reach this URL.*did not get through: Name \(DNS\)/);
      await screenshot('overview-tunnel');
    }),
  );

  it(
    'turns the tunnel off: the Tenant URL is the local one again',
    { skip: SKIP, timeout: STEP_MS },
    step('off', async () => {
      await go('Settings');
      await panel().getByRole('radio', { name: 'None' }).check();
      await panel().getByRole('button', { name: 'Turn off the tunnel' }).click();
      await toast('Tunnel turned off');
      await expectText(panel().getByTestId('tunnel-status'), 'Stopped');
      await expectText(panel().getByTestId('reach-tenant-url'), `http://127.0.0.1:${port}/scim/v2`);
    }),
  );

  it(
    'creates a self-signed certificate for testing, with its warning; the check from inside the network refuses it, step by step',
    { skip: SKIP, timeout: STEP_MS },
    step('self-signed', async () => {
      await expectText(panel().getByText('Entra refuses self-signed certificates').first(), 'Entra refuses self-signed certificates');
      await panel().getByRole('button', { name: 'Create a self-signed certificate for testing' }).click();
      await toast(/^Self-signed certificate installed/);
      await expectText(panel().getByTestId('reach-certificate'), /^The endpoint serves a self-signed certificate for CN=localhost/);
      await expectText(panel().getByTestId('reach-tenant-url'), `https://127.0.0.1:${port}/scim/v2`);
      await panel().getByRole('checkbox', { name: /From inside the network/ }).check();
      await panel().getByRole('button', { name: 'Check from outside' }).click();
      const results = panel().getByTestId('check-results');
      await expectText(results.locator('.fui-MessageBarTitle'), 'Entra could not get through: Certificate: trusted chain');
      const steps = results.getByRole('listitem');
      const statuses = await steps.evaluateAll((items) => items.map((item) => item.getAttribute('data-status')));
      assert.deepEqual(statuses, ['pass', 'pass', 'fail', 'pass', 'pass', 'skipped', 'skipped']);
      assert.match(await textOf(steps.nth(2)), /self-signed: Entra refuses self-signed certificates.*Fix: Use a certificate from a public certificate authority/);
      await results.scrollIntoViewIfNeeded();
      await screenshot('check-self-signed');

      await go('Overview');
      await expectText(page.getByTestId('certificate-expiry'), /^Valid until .* \((89|90) days\)Self-signed$/);
      await expectText(page.getByTestId('certificate-warning'), /^The HTTPS certificate is self-signed.*Entra refuses self-signed certificates/);
      await expectText(page.getByTestId('reach-warning'), /did not get through: Certificate: trusted chain/);
      await screenshot('overview-self-signed');
    }),
  );

  it(
    'verifies the URL once a check through it passes (a certificate from a trusted CA, 20 days left: the Overview warns), and the warning comes back when a later check fails',
    { skip: SKIP, timeout: STEP_MS },
    step('verified', async () => {
      await go('Settings');
      const certificate = page.getByRole('region', { name: 'HTTPS certificate' });
      const pfx = toPfx(issueTestCertificate({ names: ['localhost', '127.0.0.1'], notAfter: new Date(Date.now() + 20 * 86_400_000) }), PFX_PASSPHRASE);
      await certificate.locator('input[type="file"]').setInputFiles({ name: 'scimdesk.pfx', mimeType: 'application/x-pkcs12', buffer: pfx });
      await certificate.getByLabel('Passphrase').fill(PFX_PASSPHRASE);
      await certificate.getByRole('button', { name: 'Use this certificate' }).click();
      await toast('Certificate installed: the endpoint now serves HTTPS');

      await go('Overview');
      const warning = page.getByTestId('reach-warning');
      await warning.waitFor();
      // Trusted now, but within 30 days of its end: the Overview says so, and the check passes with a warning.
      await expectText(page.getByTestId('certificate-warning'), /^The HTTPS certificate expires in (19|20) days.*Entra stops provisioning the day it expires/);
      await expectText(page.getByTestId('certificate-expiry'), /^Valid until .* \((19|20) days\)$/);
      await warning.getByRole('button', { name: 'Check from outside' }).click();
      await warning.waitFor({ state: 'hidden', timeout: 20_000 });
      await expectText(page.getByTestId('public-url-verified'), /^Reachable: a check from inside the network got through this URL/);
      await screenshot('overview-verified');

      // A later check with the wrong Secret Token fails: the warning is back, saying why.
      await go('Settings');
      await panel().getByLabel('Secret Token (optional)').fill('scimdesk_an-old-token');
      await panel().getByRole('checkbox', { name: /From inside the network/ }).check();
      await panel().getByRole('button', { name: 'Check from outside' }).click();
      await expectText(panel().getByTestId('check-results').locator('.fui-MessageBarTitle'), 'Entra could not get through: Token');
      await go('Overview');
      await expectText(page.getByTestId('reach-warning'), /did not get through: Token: The endpoint refused this token \(401\)/);
      assert.equal(await page.getByTestId('public-url-verified').count(), 0);
      await screenshot('overview-check-failed-again');
    }),
  );

  it('logged no console errors and no page errors during the run', { skip: SKIP }, () => {
    assert.deepEqual(session?.consoleErrors ?? [], []);
  });
});
