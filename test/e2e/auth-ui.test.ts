import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import type { Page } from 'playwright-core';
import { startServe, stopServe, type Serve } from './support/serve';
import { clearScreenshots, ensureRendererBuilt, eventually, expectText, openBrowser, settleAnimations, SHOTS, skipWithoutChromium, textOf, type BrowserSession } from './support/browser';

/**
 * The Authentication screen (issue 16) in Chromium against `serve`: the three methods side by side with
 * the recommended one said, an OAuth client created and its secret shown once (and working at the token
 * endpoint), workload identity federation configured, a refused assertion's failed claim shown, and the
 * sync log saying which method signed a request in.
 */
const SKIP = skipWithoutChromium('the Authentication screen');

describe('the Authentication screen', { timeout: 180_000 }, () => {
  let serve: Serve | undefined;
  let session: BrowserSession | undefined;
  let page: Page;
  let scratch = '';
  const tenantId = randomUUID();
  const subject = randomUUID();

  const tokenUrl = () => new URL('/oauth2/token', serve!.endpoint).toString();
  const screenshot = async (name: string) => {
    await settleAnimations(page);
    await page.screenshot({ path: join(SHOTS, `auth-${name}.png`), fullPage: true });
  };
  const expectScreen = async (name: string) => {
    await page.getByRole('main', { name }).waitFor();
    await eventually(async () => assert.equal(await page.title(), `${name} — ScimDesk`));
  };
  const go = async (name: string) => {
    await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
    await expectScreen(name);
  };

  before(
    async () => {
      if (SKIP) return;
      clearScreenshots(/^auth-/);
      ensureRendererBuilt();
      scratch = mkdtempSync(join(tmpdir(), 'scimdesk-auth-ui-'));
      serve = await startServe(join(scratch, 'ScimDesk'));
      session = await openBrowser();
      page = session.page;
    },
    { timeout: 150_000 },
  );

  after(
    async () => {
      await session?.close();
      if (serve) await stopServe(serve.child);
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    },
    { timeout: 30_000 },
  );

  it('shows the three methods side by side, federation recommended', { skip: SKIP }, async () => {
    await page.goto(serve!.loginUrl);
    await expectScreen('Overview');
    await go('Authentication');
    const federation = page.getByRole('region', { name: 'Workload identity federation' });
    await federation.waitFor();
    await expectText(federation, /Recommended/);
    await page.getByRole('region', { name: 'OAuth 2.0 client credentials' }).waitFor();
    await page.getByRole('region', { name: 'Secret Token' }).waitFor();
    const boxes = await Promise.all(
      ['Workload identity federation', 'OAuth 2.0 client credentials', 'Secret Token'].map((name) => page.getByRole('region', { name }).boundingBox()),
    );
    assert.ok(boxes.every((box) => box !== null && Math.abs(box.y - boxes[0]!.y) < 2), 'side by side, in one row');
    assert.ok(boxes[0]!.x < boxes[1]!.x && boxes[1]!.x < boxes[2]!.x, 'the recommended one first');
    await expectText(page.getByTestId('client-field-oauth-token-endpoint'), new RegExp(`${tokenUrl().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    await screenshot('three-methods');
  });

  it('creates an OAuth client and shows its secret once; the secret works at the token endpoint', { skip: SKIP }, async () => {
    const clients = page.getByRole('region', { name: 'OAuth 2.0 client credentials' });
    await clients.getByRole('button', { name: 'Create client' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Copy your new OAuth client' });
    await dialog.waitFor();
    const secret = (await textOf(dialog.getByTestId('new-client-secret'))).trim();
    const clientId = (await textOf(dialog.getByTestId('new-client-id'))).trim();
    assert.match(secret, /^scimdesk_cs_[\w-]{43}$/);
    await screenshot('client-secret-shown-once');
    const response = await fetch(tokenUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
      body: 'grant_type=client_credentials&scope=scim',
    });
    assert.equal(response.status, 200, await response.clone().text());
    const access = ((await response.json()) as { access_token: string }).access_token;
    assert.equal((await fetch(`${serve!.endpoint}/Users?count=1`, { headers: { authorization: `Bearer ${access}` } })).status, 200);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expectText(clients, new RegExp(clientId));
    assert.ok(!(await page.content()).includes(secret), 'the secret is gone once the dialog closed');
    await expectText(page.getByTestId('client-field-client-id'), new RegExp(clientId));
  });

  it('configures federation, and shows which claim a refused assertion failed', { skip: SKIP }, async () => {
    const federation = page.getByRole('region', { name: 'Workload identity federation' });
    await federation.getByLabel('Directory (tenant) ID').fill(tenantId);
    await federation.getByLabel('Subject (sub)').fill(subject);
    await federation.getByLabel('Audience (aud)').fill('api://11111111-2222-3333-4444-555555555555/.default');
    await federation.getByRole('button', { name: "Trust Entra's provisioning service" }).click();
    await expectText(federation, new RegExp(`https://login\\.microsoftonline\\.com/${tenantId}/v2\\.0`));
    // The field holds the value and its Copy button.
    const clientId = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(await textOf(page.getByTestId('federation-field-client-id')))?.[0];
    assert.ok(clientId, 'the Client ID to paste into Entra');
    await expectText(page.getByTestId('federation-field-token-url'), new RegExp(tokenUrl().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));

    // An assertion from another tenant: refused before any key is fetched, and the screen says which claim.
    const { privateKey } = await generateKeyPair('RS256');
    const assertion = await new SignJWT({ tid: randomUUID() })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(`https://login.microsoftonline.com/${randomUUID()}/v2.0`)
      .setSubject(subject)
      .setAudience('api://11111111-2222-3333-4444-555555555555')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    const refused = await fetch(tokenUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }).toString(),
    });
    assert.equal(refused.status, 401);
    await go('Overview');
    await expectText(page.getByTestId('entra-credentials'), /Workload identity federation \(recommended\)/);
    await go('Authentication');
    const last = page.getByTestId('federation-last-attempt');
    await expectText(last, /refused/);
    await expectText(last, /check iss: Expected issuer/);
    assert.ok(!(await page.content()).includes(assertion.split('.')[2]!), 'never the token itself');
    await screenshot('federation-last-attempt');
  });

  it('says in the sync log which method signed a request in', { skip: SKIP }, async () => {
    await go('Sync log');
    const table = page.getByRole('table', { name: 'Sync log entries, newest first' });
    const row = table.locator('tbody').getByRole('row').filter({ hasText: 'Token request (OAuth)' }).filter({ hasText: '200' }).first();
    await row.click();
    const auth = page.getByTestId('sync-log-auth');
    await expectText(auth, /OAuth 2\.0 client credentials, client [0-9a-f-]{36}/);
    await screenshot('sync-log-method');
  });
});
