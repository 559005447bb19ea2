import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { issueLoginCode } from '../../main/http/admin-access';
import { adminLoginUrl } from '../../main/http/create-admin-app';
import { parseCsv } from '../../main/reconcile/csv-import';
import { startTestAdmin, type TestAdmin } from '../support/start-test-admin';
import { clearScreenshots, ensureRendererBuilt, expectText, openBrowser, ROOT, settleAnimations, SHOTS, skipWithoutChromium, type BrowserSession } from './support/browser';

const SKIP = skipWithoutChromium('the scheduled exports');
const URN_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * Where the scheduled exports are on screen: the one place the test reaches them from, so moving
 * the section to another screen changes this function alone.
 */
async function openExports(page: Page) {
  await page.getByRole('navigation').getByRole('link', { name: 'Delivery', exact: true }).click();
  await page.getByRole('main', { name: 'Delivery' }).waitFor();
  const section = page.getByRole('region', { name: 'Scheduled exports' });
  await section.waitFor();
  return section;
}

/**
 * Scheduled exports in Chromium against the admin API: add a schedule with the column chooser (a
 * column added, one moved first), Run now, and see the last run with its files; the file on disk
 * holds the columns in that order. Screenshots: test-results/screenshots/3NN-exports-*.png.
 */
describe('Scheduled exports in Chromium', { timeout: 180_000 }, () => {
  let a: TestAdmin | undefined;
  let session: BrowserSession | undefined;
  let page: Page;
  let folder = '';
  let shot = 340;

  const screenshot = async (name: string) => {
    shot++;
    await settleAnimations(page);
    await page.screenshot({ path: join(SHOTS, `${shot}-exports-${name}.png`), fullPage: true });
  };

  before(
    async () => {
      if (SKIP) return;
      clearScreenshots(/^3\d\d-exports-|^failed-exports-/);
      ensureRendererBuilt();
      folder = join(mkdtempSync(join(tmpdir(), 'scimdesk-e2e-exports-')), 'HR import');
      a = await startTestAdmin({ rendererDir: join(ROOT, 'dist', 'renderer') });
      for (const [userName, displayName] of [
        ['adele.vance@contoso.com', 'Adele Vance'],
        ['zoe@contoso.com', 'Zoë Łukasiewicz'],
      ] as const) {
        const response = await a.t.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName, displayName, title: 'Engineer', active: true }) });
        assert.equal(response.status, 201);
      }
      session = await openBrowser();
      page = session.page;
    },
    { timeout: 170_000 },
  );

  after(async () => {
    await session?.close();
    await a?.stop();
    if (folder) rmSync(join(folder, '..'), { recursive: true, force: true });
  });

  it('creates a schedule with chosen columns, runs it now and shows the last run', { skip: SKIP, timeout: 120_000 }, async () => {
    try {
      const code = await issueLoginCode(a!.core.store, new Date());
      await page.goto(adminLoginUrl(a!.adminPort, code));
      await page.getByRole('main', { name: 'Overview' }).waitFor();
      const exports = await openExports(page);
      await expectText(exports, /No export schedule yet/);

      await exports.getByRole('button', { name: 'Add schedule' }).click();
      await exports.getByRole('textbox', { name: /^Name/ }).fill('HR import');
      await exports.getByRole('textbox', { name: /^Folder/ }).fill(folder);
      await exports.getByRole('checkbox', { name: 'Groups', exact: true }).uncheck();
      await exports.getByRole('checkbox', { name: 'Memberships', exact: true }).uncheck();
      assert.equal(await exports.getByRole('checkbox', { name: 'Users', exact: true }).isChecked(), true);
      await exports.getByLabel('On the clock').selectOption('interval');
      await exports.getByLabel('Every (minutes)').fill('30');
      // The column chooser: add `title`, then move it to the front.
      await exports.getByLabel('Add a users column').selectOption('title');
      const users = exports.getByRole('list', { name: 'Users columns' });
      await expectText(users, /title/);
      for (let i = 0; i < 10; i++) await exports.getByRole('button', { name: 'Move title up' }).click();
      assert.equal(await exports.getByRole('button', { name: 'Move title up' }).isDisabled(), true, 'title is first');
      await exports.getByRole('button', { name: 'Remove column externalId' }).click();
      await screenshot('form');
      await exports.getByRole('button', { name: 'Save schedule' }).click();

      const row = exports.getByRole('row', { name: 'Export schedule HR import' });
      await row.waitFor();
      await expectText(row, /Users as CSV, newest 10 kept/);
      await expectText(row, /Every 30 minutes and after each Entra cycle/);
      await expectText(row, /Never run/);

      await row.getByRole('button', { name: 'Run now' }).click();
      await expectText(row, /Succeeded/);
      await expectText(row, /run by hand; 2 rows in 1 file/);
      await expectText(row, /users-\d{8}T\d{6}Z\.csv/);
      await screenshot('last-run');

      const file = readdirSync(folder).find((f) => /^users-\d{8}T\d{6}Z\.csv$/.test(f));
      assert.ok(file, 'the export file is in the folder');
      const [header, ...records] = parseCsv(readFileSync(join(folder, file), 'utf8')).map((r) => r.fields);
      assert.equal(header?.[0], 'title', 'the column moved first is first');
      assert.ok(!header?.includes('externalId'), 'the removed column is gone');
      assert.deepEqual(records.map((r) => r[header!.indexOf('displayName')]).sort(), ['Adele Vance', 'Zoë Łukasiewicz']);

      // A folder it cannot write to is refused at save, on the field, in plain words.
      await exports.getByRole('button', { name: 'Edit HR import' }).click();
      await exports.getByRole('textbox', { name: /^Folder/ }).fill('relative\\folder');
      await exports.getByRole('button', { name: 'Save schedule' }).click();
      await expectText(exports, /Give the whole path of the folder/);
      await screenshot('folder-refused');
      assert.deepEqual(session!.consoleErrors, []);
    } catch (error) {
      await page?.screenshot({ path: join(SHOTS, 'failed-exports.png'), fullPage: true }).catch(() => undefined);
      throw error;
    }
  });
});
