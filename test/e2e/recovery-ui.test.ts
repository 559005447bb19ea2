import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createCore } from '../../main/core/create-core';
import { startServe, stopServe, type Serve } from './support/serve';
import { clearScreenshots, ensureRendererBuilt, eventually, expectText, openBrowser, settleAnimations, SHOTS, skipWithoutChromium, textOf, type BrowserSession } from './support/browser';

/**
 * Recycle bin & snapshots (issue 14) in Chromium against `serve`, as an administrator uses it: a
 * user Entra deleted is restored from the recycle bin with one click; a snapshot is compared with
 * now, exported, and restored after a confirmation that says provisioning is paused meanwhile.
 */
const SKIP = skipWithoutChromium('the recycle bin and snapshots screen');
const URN_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('recycle bin and snapshots in the admin UI', { timeout: 240_000 }, () => {
  let serve: Serve | undefined;
  let session: BrowserSession | undefined;
  let page: Page;
  let token = '';
  const scratch = mkdtempSync(join(tmpdir(), 'scimdesk-recovery-ui-'));
  const dataDir = join(scratch, 'ScimDesk');
  const ids: Record<string, string> = {};

  const screenshot = async (name: string) => {
    await settleAnimations(page);
    await page.screenshot({ path: join(SHOTS, `recovery-${name}.png`), fullPage: true });
  };
  const scim = (path: string, init: RequestInit = {}) =>
    fetch(serve!.endpoint + path, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', ...(init.headers ?? {}) } });

  before(
    async () => {
      if (SKIP) return;
      clearScreenshots(/^recovery-/);
      ensureRendererBuilt();
      // The data folder as Entra left it: a directory that keeps deletions 30 days, a user in a group
      // deleted, and a snapshot taken before a cleanup that removed another user.
      const core = await createCore({ dataDir, host: '127.0.0.1', port: 0, fileLogs: false });
      const started = await core.start();
      token = started.firstToken!.token;
      await core.store.saveDirectory({ name: 'Contoso', description: '', onInactive: 'suspend', onDelete: { mode: 'retain', days: 30 }, duplicateExternalIds: 'refuse' }, new Date());
      const now = new Date();
      for (const name of ['adele.vance', 'alex.wilber', 'megan.bowen']) {
        ids[name] = (await core.store.createResource('User', { doc: { schemas: [URN_USER], userName: `${name}@contoso.com`, active: true } }, now)).id;
      }
      ids['sales'] = (await core.store.createResource('Group', { doc: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Sales' }, members: [{ value: ids['adele.vance']!, type: 'User' }] }, now)).id;
      await core.store.deleteResource('User', ids['adele.vance']!, {}, { mode: 'retain', days: 30 }, now);
      await core.snapshots.take('before the cleanup');
      await core.store.deleteResource('User', ids['megan.bowen']!, {}, { mode: 'hard' }, now);
      await core.stop();
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
      rmSync(scratch, { recursive: true, force: true });
    },
    { timeout: 30_000 },
  );

  it('restores a deleted user from the recycle bin with one click, back in her group', { skip: SKIP }, async () => {
    await page.goto(serve!.loginUrl);
    await page.getByRole('main', { name: 'Overview' }).waitFor();
    await page.getByRole('navigation').getByText('Recycle bin & snapshots').click();
    await page.getByRole('main', { name: 'Recycle bin & snapshots' }).waitFor();
    const bin = page.getByRole('table', { name: 'Recycle bin' });
    const row = bin.getByRole('row', { name: 'adele.vance@contoso.com' });
    await row.waitFor();
    assert.match(await textOf(row), /adele\.vance@contoso\.com.*User/);
    await screenshot('bin');
    assert.equal((await scim(`/Users/${ids['adele.vance']}`)).status, 404, 'invisible to SCIM while in the bin');

    await row.getByRole('button', { name: 'Restore adele.vance@contoso.com' }).click();
    await expectText(page.locator('.fui-Toast'), /adele\.vance@contoso\.com restored \(1 group\)/);
    await page.getByText('The recycle bin is empty').waitFor();
    const back = (await (await scim(`/Users/${ids['adele.vance']}`)).json()) as { groups: Array<{ value: string }> };
    assert.deepEqual(back.groups.map((group) => group.value), [ids['sales']]);
    await screenshot('bin-restored');
  });

  it('compares a snapshot with now, exports it, and restores it after a confirmation that says provisioning is paused', { skip: SKIP }, async () => {
    const snapshots = page.getByRole('table', { name: 'Snapshots' });
    const row = snapshots.getByRole('row').filter({ hasText: 'before the cleanup' });
    await row.waitFor();
    await row.getByRole('button', { name: /^Compare the snapshot of .* with now$/ }).click();
    const comparison = page.getByTestId('snapshot-compare');
    await expectText(comparison, /compared with now.*Users: 2 then, 2 now/s);
    assert.match(await textOf(comparison), /Active users: 2 then, 2 now.*Memberships: 0 then, 1 now \(\+1\).*In the recycle bin: 1 then, 0 now \(-1\)/s);

    const download = page.waitForEvent('download');
    await row.getByRole('button', { name: /as JSON$/ }).click();
    const file = await download;
    const exported = JSON.parse(readFileSync((await file.path())!, 'utf8')) as { users: Array<{ userName: string }> };
    assert.deepEqual(exported.users.map((user) => user.userName).sort(), ['alex.wilber@contoso.com', 'megan.bowen@contoso.com']);

    await row.getByRole('button', { name: /^Restore the snapshot of / }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Restore this snapshot?' });
    await dialog.waitFor();
    assert.match(await textOf(dialog), /Provisioning is paused meanwhile.*A snapshot of the current state is taken first/s);
    await screenshot('restore-confirm');
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await expectText(page.locator('.fui-Toast').last(), /Restored the snapshot of .*: 2 users \(2 active\), 1 group, 0 memberships/);
    await snapshots.getByRole('row').filter({ hasText: /before restore of/ }).waitFor();
    // Megan is back (the snapshot was before her deletion); Adele is in the bin again, as she was then.
    assert.equal((await scim(`/Users/${ids['megan.bowen']}`)).status, 200);
    assert.equal((await scim(`/Users/${ids['adele.vance']}`)).status, 404);
    await page.getByRole('table', { name: 'Recycle bin' }).getByRole('row', { name: 'adele.vance@contoso.com' }).waitFor();
    // Provisioning runs again after the restore.
    const created = await scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'after.restore@contoso.com' }) });
    assert.equal(created.status, 201);
    await eventually(async () => assert.ok((await snapshots.getByRole('row').count()) >= 3));
    await screenshot('restored');
  });
});
