import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { issueLoginCode } from '../../main/http/admin-access';
import { adminLoginUrl } from '../../main/http/create-admin-app';
import { startTestAdmin, type TestAdmin } from '../support/start-test-admin';
import { clearScreenshots, ensureRendererBuilt, expectText, openBrowser, ROOT, settleAnimations, SHOTS, skipWithoutChromium, type BrowserSession } from './support/browser';

const SKIP = skipWithoutChromium('the support bundle');
const URN_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** The little of the page's DOM the page.evaluate callbacks use (these files are type-checked without the DOM library). */
interface PageElement {
  readonly textContent: string | null;
  closest(selector: string): PageElement | null;
}
type PageGlobals = {
  readonly document: { readonly body: unknown; querySelector(selector: string): PageElement | null };
  readonly MutationObserver: new (callback: () => void) => { observe(target: unknown, options: { childList: boolean; subtree: boolean; attributes: boolean; characterData: boolean }): void };
  __bundleProgress?: string[];
};

/**
 * Settings › Support bundle in Chromium (issue 14): the section says what the zip holds, the
 * Download action shows its progress and saves a zip whose files are all there and which holds no
 * provisioned email, name or token. Screenshot: test-results/screenshots/support-bundle.png.
 */
describe('Support bundle in the admin UI', { timeout: 180_000 }, () => {
  let a: TestAdmin | undefined;
  let session: BrowserSession | undefined;
  let page: Page;

  before(
    async () => {
      if (SKIP) return;
      clearScreenshots(/^support-bundle/);
      ensureRendererBuilt();
      a = await startTestAdmin({ rendererDir: join(ROOT, 'dist', 'renderer') });
      for (const name of ['Rosalind Franklinova', 'Barbara McClintockova']) {
        const userName = `${name.toLowerCase().replace(' ', '.')}@lab.example`;
        const response = await a.t.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName, displayName: name, emails: [{ value: userName, type: 'work' }] }) });
        assert.equal(response.status, 201);
      }
      await a.core.syncLog.flush();
      session = await openBrowser();
      page = session.page;
    },
    { timeout: 170_000 },
  );

  after(async () => {
    await session?.close();
    await a?.stop();
  });

  it('says what the bundle holds, shows progress, and downloads a redacted zip', { skip: SKIP, timeout: 90_000 }, async () => {
    const code = await issueLoginCode(a!.core.store, new Date());
    await page.goto(adminLoginUrl(a!.adminPort, code));
    await page.getByRole('main', { name: 'Overview' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('main', { name: 'Settings' }).waitFor();
    const section = page.getByRole('region', { name: 'Support bundle' });
    await section.scrollIntoViewIfNeeded();
    await expectText(section.getByTestId('support-bundle-contents'), /Token hints and fingerprints only/);
    await section.getByRole('combobox', { name: 'Provisioning cycles in the bundle' }).selectOption('1');

    // The progress bar is up while the bundle is built (recorded as it appears: the build is quick).
    await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      const seen: string[] = [];
      g.__bundleProgress = seen;
      new g.MutationObserver(() => {
        const field = g.document.querySelector('[aria-label="Support bundle progress"]')?.closest('.fui-Field');
        const text = field?.textContent ?? '';
        if (field && seen[seen.length - 1] !== text) seen.push(text);
      }).observe(g.document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Download support bundle' }).click()]);
    assert.match(download.suggestedFilename(), /^scimdesk-support-\d{4}-\d{2}-\d{2}T\d{6}Z\.zip$/);
    const progress = await page.evaluate(() => (globalThis as unknown as PageGlobals).__bundleProgress ?? []);
    assert.ok(progress.some((text) => text.startsWith('Building the support bundle')), JSON.stringify(progress));
    await expectText(section.getByTestId('support-bundle-done'), /Support bundle saved.*KB, \d+ sync-log entr(y|ies) of 1 provisioning cycle/);

    const file = join(SHOTS, 'support-bundle-download.zip');
    await download.saveAs(file);
    const files = unzipSync(readFileSync(file));
    assert.deepEqual(Object.keys(files).sort(), ['README.txt', 'compare-summary.json', 'diagnostics.json', 'manifest.json', 'schemas.json', 'settings.json', 'storage.json', 'sync-log.ndjson', 'tokens.json']);
    const all = Object.values(files).map((data) => Buffer.from(data).toString('utf8')).join('\n');
    for (const secret of ['rosalind.franklinova@lab.example', 'Rosalind Franklinova', 'barbara.mcclintockova', 'Barbara McClintockova', a!.token]) assert.ok(!all.includes(secret), secret);
    assert.match(Buffer.from(files['sync-log.ndjson']!).toString('utf8'), /"userName":"r\*\*\*@lab\.example"/);

    await settleAnimations(page);
    await section.screenshot({ path: join(SHOTS, 'support-bundle.png') });
    assert.deepEqual(session!.consoleErrors, []);
  });
});
