import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { forwardAdminEvents, registerAdminIpc } from '../../main/app/admin-ipc';
import { APP_CSP, APP_ORIGIN, createRendererResponder } from '../../main/app/app-protocol';
import type { IpcInvokeEvent } from '../../main/app/electron-api';
import { isAppSender } from '../../main/app/window-security';
import { createCore, type Core } from '../../main/core/create-core';
import { adminUiActor } from '../../main/service/os-account';
import { ensureShell } from '../../scripts/ensure-shell.mjs';
import {
  clearScreenshots,
  ensureRendererBuilt,
  eventually,
  expectText,
  openBrowser,
  ROOT,
  settleAnimations,
  SHOTS,
  skipWithoutChromium,
  textOf,
  type BrowserSession,
} from './support/browser';

/**
 * The same admin UI over the desktop app's IPC transport, in Chromium: the page is served by the
 * desktop app's own scheme handler (its files and its CSP, at a stand-in origin), the desktop app's
 * built preload (dist/main/preload/preload.cjs) runs in the page with a stand-in for Electron's
 * ipcRenderer, and its calls reach the desktop app's own IPC handlers (sender check, then the core's
 * dispatcher). Only Electron's message passing is played by the test. The UI cannot tell: it shows
 * the Overview without a login, pauses and resumes provisioning, and follows the error notification's
 * link to the Sync log. Screenshots go to test-results/screenshots/desktop-*.png.
 */

const SKIP = skipWithoutChromium('the admin UI over IPC');
const ORIGIN = 'http://scimdesk.test';
const ENTRA = { ADSCIMVersion: 'Date: 2026-01-01, ActivityId: 5b7c2a1e-9d3f-4e8a-b6c4-1f2e3d4c5b6a' };
const URN_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** What the page gets in place of Electron: a require('electron') for the preload, IPC through two bindings. */
function preloadShim(preloadSource: string): string {
  return `(() => {
    const electron = {
      contextBridge: { exposeInMainWorld: (key, api) => Object.defineProperty(window, key, { value: api, enumerable: false }) },
      ipcRenderer: {
        invoke: (channel, input) => window.__scimdeskInvoke(channel, input),
        on: (channel, listener) => { window.__scimdeskDeliver = (name, payload) => listener({}, name, payload); },
      },
    };
    const require = (name) => { if (name === 'electron') return electron; throw new Error('a sandboxed preload cannot require ' + name); };
    const module = { exports: {} };
    (function (require, module, exports) {\n${preloadSource}\n})(require, module, module.exports);
  })();`;
}

describe('the admin UI over the desktop IPC transport', { skip: SKIP }, () => {
  let dataDir = '';
  let core: Core;
  let session: BrowserSession;
  let page: Page;
  let scimUrl = '';
  let token = '';
  let shot = 0;
  const outsideRequests: string[] = [];
  const windowContents = { id: 'the page under test' };
  const cleanups: Array<() => void> = [];

  const screenshot = async (name: string, fullPage = true) => {
    shot++;
    await settleAnimations(page);
    await page.screenshot({ path: join(SHOTS, `desktop-${String(shot).padStart(2, '0')}-${name}.png`), fullPage });
  };
  const step = (name: string, run: () => Promise<void>) => async () => {
    try {
      await run();
    } catch (error) {
      await page?.screenshot({ path: join(SHOTS, `desktop-failed-${name}.png`), fullPage: true }).catch(() => undefined);
      throw error;
    }
  };
  const scim = (path: string, init: RequestInit = {}) =>
    fetch(`${scimUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', ...ENTRA, ...(init.headers as Record<string, string>) } });

  before(
    async () => {
      clearScreenshots(/^desktop-/);
      ensureRendererBuilt();
      assert.equal(await ensureShell(ROOT), true, 'the desktop app build');
      dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-e2e-desktop-'));
      core = await createCore({ dataDir, host: '127.0.0.1', port: 0, fileLogs: false, issueFirstToken: false });
      scimUrl = (await core.start()).scimUrl;

      // The desktop app's main-process end, wired as the desktop host wires it.
      const handlers = new Map<string, (event: IpcInvokeEvent, ...args: unknown[]) => unknown>();
      cleanups.push(
        registerAdminIpc({
          ipcMain: { handle: (channel, listener) => void handlers.set(channel, listener), removeHandler: (channel) => void handlers.delete(channel) },
          dispatch: core.admin.dispatch,
          actor: adminUiActor(),
          isAppSender: (event) => isAppSender(event, windowContents),
        }),
      );

      session = await openBrowser();
      page = session.page;
      const respond = createRendererResponder(join(ROOT, 'dist', 'renderer'));
      await session.context.route('**/*', async (route) => {
        const url = route.request().url();
        if (!url.startsWith(`${ORIGIN}/`)) {
          outsideRequests.push(url);
          return route.abort();
        }
        const answer = await respond(new Request(APP_ORIGIN + url.slice(ORIGIN.length), { method: route.request().method() }));
        await route.fulfill({ status: answer.status, headers: Object.fromEntries(answer.headers), body: Buffer.from(await answer.arrayBuffer()) });
      });
      // Electron reports the frame's URL on the app's scheme; the stand-in origin is mapped back to it.
      await page.exposeBinding('__scimdeskInvoke', async (source, channel: string, input: unknown) => {
        const frameUrl = source.frame.url();
        const event: IpcInvokeEvent = {
          sender: windowContents,
          senderFrame: { url: frameUrl.startsWith(ORIGIN) ? APP_ORIGIN + frameUrl.slice(ORIGIN.length) : frameUrl, parent: source.frame.parentFrame() ? { url: '', parent: null } : null },
        };
        const handler = handlers.get(channel);
        if (!handler) throw new Error(`No handler registered for '${channel}'`);
        return structuredClone(await handler(event, input));
      });
      await page.addInitScript(preloadShim(readFileSync(join(ROOT, 'dist', 'main', 'preload', 'preload.cjs'), 'utf8')));
      cleanups.push(
        forwardAdminEvents(core.events, (_channel, name, payload) => {
          void page
            .evaluate(([n, p]) => (globalThis as unknown as { __scimdeskDeliver?: (n: string, p: unknown) => void }).__scimdeskDeliver?.(n, p), [name, payload] as const)
            .catch(() => undefined);
        }),
      );
    },
    { timeout: 150_000 },
  );

  after(async () => {
    for (const cleanup of cleanups) cleanup();
    await session?.close();
    await core?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'opens on the Overview without a login, under the CSP of the desktop window, and generates the first token there',
    step('overview', async () => {
      const response = await page.goto(`${ORIGIN}/index.html`);
      assert.equal(response?.headers()['content-security-policy'], APP_CSP);
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      assert.equal(await page.getByText('Sign in to ScimDesk').count(), 0, 'no login over IPC');
      await page.getByText('Start here: Entra needs a Secret Token').waitFor();
      await expectText(page.getByTestId('tenant-url'), scimUrl);
      await screenshot('overview-first-start');

      await page.getByRole('button', { name: 'Go to Authentication' }).click();
      await page.getByRole('heading', { level: 1, name: 'Authentication' }).waitFor();
      await page.getByRole('button', { name: 'Generate token', exact: true }).click();
      await page.getByRole('alertdialog', { name: 'Generate a Secret Token' }).getByRole('button', { name: 'Generate', exact: true }).click();
      const shown = page.getByRole('alertdialog', { name: 'Copy your new Secret Token' });
      token = await textOf(shown.getByTestId('new-token'));
      assert.match(token, /^scimdesk_[A-Za-z0-9_-]{43}$/, 'the token is shown once, in the window');
      await screenshot('token-shown-once');
      await shown.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('alertdialog').waitFor({ state: 'detached' });
      assert.equal((await scim('/Users')).status, 200, 'the token generated in the window works');
      const audit = await core.store.listAudit({ limit: 1 });
      assert.deepEqual([audit[0]?.action, audit[0]?.actor], ['generateToken', adminUiActor()]);
    }),
  );

  it(
    'shows a user provisioned through SCIM, and the live sync log fed by IPC events',
    step('users', async () => {
      await page.getByRole('navigation').getByRole('link', { name: 'Sync log', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Sync log' }).waitFor();
      const created = await scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'adele.vance@contoso.com', displayName: 'Adele Vance', active: true }) });
      assert.equal(created.status, 201);
      await page.getByRole('row', { name: /adele\.vance@contoso\.com/ }).first().waitFor();
      await page.getByRole('navigation').getByRole('link', { name: 'Users', exact: true }).click();
      await page.getByRole('row', { name: /adele\.vance@contoso\.com/ }).first().waitFor();
      await screenshot('users');
    }),
  );

  it(
    'pauses provisioning from the Overview, saying how long it is safe: SCIM answers 503; resumes',
    step('pause', async () => {
      await page.getByRole('navigation').getByRole('link', { name: 'Overview', exact: true }).click();
      await page.getByRole('button', { name: 'Pause provisioning' }).click();
      const dialog = page.getByRole('alertdialog');
      await dialog.getByText('Safe for about 40 minutes').waitFor();
      assert.match(await textOf(dialog), /stays in force after ScimDesk or this computer restarts/);
      await screenshot('pause-question');
      await dialog.getByRole('button', { name: 'Pause provisioning' }).click();
      const banner = page.getByTestId('provisioning-paused');
      await banner.waitFor();
      assert.match(await textOf(banner), new RegExp(`by ${adminUiActor()}`));
      assert.match(await textOf(banner), /A pause of up to one Entra cycle \(about 40 minutes\) is safe/);
      const refused = await scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'alex.wilber@contoso.com' }) });
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get('retry-after'), '2400');
      await screenshot('paused');

      await banner.getByRole('button', { name: 'Resume provisioning' }).click();
      await banner.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Pause provisioning' }).waitFor();
      assert.equal((await scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'alex.wilber@contoso.com' }) })).status, 201);
    }),
  );

  it(
    "follows the error notification's link to the Sync log filtered to Entra's errors",
    step('sync-log-link', async () => {
      assert.equal((await scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'alex.wilber@contoso.com' }) })).status, 409);
      await core.syncLog.flush();
      // As the desktop app does on a click: only the fragment of the loaded page changes.
      await page.evaluate(() => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = '#/sync-log?outcome=error&client=entra&range=day';
      });
      await page.getByRole('heading', { level: 1, name: 'Sync log' }).waitFor();
      await eventually(async () => {
        assert.equal(await page.getByRole('combobox', { name: 'Outcome' }).inputValue(), 'error');
        assert.equal(await page.getByRole('combobox', { name: 'Client' }).inputValue(), 'entra');
      });
      const rows = page.getByRole('table', { name: 'Sync log entries, newest first' }).locator('tbody').getByRole('row');
      await eventually(async () => {
        const names = await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-label') ?? ''));
        assert.ok(names.length >= 2, `the 503 and the 409: ${names.join(' | ')}`);
        assert.ok(names.every((name) => /status (4|5)\d\d$/.test(name)), names.join(' | '));
      });
      assert.equal(await page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash), '#/sync-log');
      await screenshot('sync-log-errors', false);
    }),
  );

  it('loaded nothing from anywhere else and broke no rule of the CSP', () => {
    assert.deepEqual(outsideRequests, []);
    assert.deepEqual(session.consoleErrors, []);
  });
});
