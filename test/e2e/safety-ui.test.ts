import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { mountSmallFilesystem, smallFilesystemUnavailable, type SmallFilesystem } from '../support/small-filesystem';
import { startServe, stopServe, type Serve } from './support/serve';
import { clearScreenshots, ensureRendererBuilt, eventually, expectText, openBrowser, settleAnimations, SHOTS, skipWithoutChromium, textOf, type BrowserSession } from './support/browser';

/**
 * The safety signs an administrator reads (issue 14), in Chromium against `serve`: the Overview's
 * low-disk warning when the data folder's disk has less than ScimDesk asks for (a 64 MB disk the
 * test mounts), and a flood of wrong tokens shown in the Sync log as a few summed-up "Refused
 * (token)" rows that the quarantine watch still counts one by one.
 */
const SKIP = skipWithoutChromium('the safety screens');
/** The low-disk warning needs a small disk the test mounts (root); the rest runs on an ordinary folder. */
const NO_SMALL_DISK = smallFilesystemUnavailable();
const ENTRA_HEADER = 'Date: 2026-01-01, ActivityId: 5b7c2a1e-9d3f-4e8a-b6c4-1f2e3d4c5b6a';

describe('safety signs in the admin UI', { timeout: 180_000 }, () => {
  let disk: SmallFilesystem | undefined;
  let serve: Serve | undefined;
  let session: BrowserSession | undefined;
  let page: Page;
  let dataDir = '';
  let scratch = '';

  const screenshot = async (name: string) => {
    await settleAnimations(page);
    await page.screenshot({ path: join(SHOTS, `safety-${name}.png`), fullPage: true });
  };
  const expectScreen = async (name: string) => {
    await page.getByRole('main', { name }).waitFor();
    await eventually(async () => assert.equal(await page.title(), `${name} — ScimDesk`));
  };

  before(
    async () => {
      if (SKIP) return;
      clearScreenshots(/^safety-/);
      ensureRendererBuilt();
      if (!NO_SMALL_DISK) disk = mountSmallFilesystem(64);
      if (!disk) scratch = mkdtempSync(join(tmpdir(), 'scimdesk-safety-'));
      dataDir = join(disk?.path ?? scratch, 'ScimDesk');
      serve = await startServe(dataDir);
      session = await openBrowser();
      page = session.page;
    },
    { timeout: 150_000 },
  );

  after(
    async () => {
      await session?.close();
      if (serve) await stopServe(serve.child);
      disk?.unmount();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    },
    { timeout: 30_000 },
  );

  it('warns on the Overview that the data folder\'s disk has less free space than ScimDesk asks for', { skip: SKIP || NO_SMALL_DISK || false }, async () => {
    await page.goto(serve!.loginUrl);
    await expectScreen('Overview');
    const warning = page.getByTestId('storage-low');
    await expectText(warning.locator('.fui-MessageBarTitle'), /^Low disk space: \d+\.\d MB free$/);
    const text = await textOf(warning);
    assert.match(text, new RegExp(`The disk of the data folder ${dataDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} has [\\d.]+ MB free; ScimDesk asks for 512\\.0 MB`));
    assert.match(text, /every write Entra sends is answered 503 \(Entra retries it in a later cycle\)/);
    await screenshot('overview-low-disk');
  });

  it('shows a flood of wrong tokens as a few "Refused (token)" rows with their count, and the quarantine watch counts each', { skip: SKIP }, async () => {
    for (let i = 0; i < 40; i++) {
      const response = await fetch(`${serve!.endpoint}/Users?filter=userName+eq+%22x%22`, { headers: { authorization: 'Bearer scimdesk_not-the-token', adscimversion: ENTRA_HEADER } });
      assert.ok(response.status === 401 || response.status === 429, String(response.status));
      await response.arrayBuffer();
    }
    // The refusals after the first are summed up when their window (5 s at first) ends.
    if (page.url() === 'about:blank') await page.goto(serve!.loginUrl);
    await expectScreen('Overview');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expectText(page.getByTestId('quarantine-watch'), /Entra's token was refused \(401\/403, or 429 when sent too often\) 40 times/, 20_000);
    await page.getByRole('navigation').getByRole('link', { name: 'Sync log', exact: true }).click();
    await expectScreen('Sync log');
    const table = page.getByRole('table', { name: 'Sync log entries, newest first' });
    const refused = table.locator('tbody').getByRole('row').filter({ hasText: 'Refused (token)' });
    await eventually(async () => assert.ok((await refused.count()) >= 2));
    const rows = await refused.count();
    assert.ok(rows <= 4, `${rows} rows for 40 refused requests`);
    const summed = refused.filter({ hasText: /× \d+ requests summed up, the last at/ });
    assert.equal(await summed.count() >= 1, true, 'a summed-up row says how many it stands for');
    let total = 0;
    for (let i = 0; i < rows; i++) {
      const match = /× ([\d,]+) requests summed up/.exec(await textOf(refused.nth(i)));
      total += match ? Number(match[1]!.replace(/,/g, '')) : 1;
    }
    assert.equal(total, 40, 'the rows add up to every refused request');
    await screenshot('sync-log-refused');
    await summed.first().click();
    await expectText(page.getByRole('dialog').getByText(/refused requests from this client/), /\d+ refused requests from this client, .* refusals from one address are summed up/);
    await screenshot('sync-log-refused-detail');
  });
});
