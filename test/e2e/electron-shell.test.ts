import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { ensureElectronSqlite } from '../../scripts/ensure-electron-sqlite.mjs';
import { ensureShell, SHELL_OUTPUTS } from '../../scripts/ensure-shell.mjs';
import { ensureRendererBuilt, eventually, ROOT, settleAnimations, SHOTS, WAIT_MS } from './support/browser';

/**
 * The desktop app itself, launched in Electron by Playwright (`_electron.launch`): the window opens on
 * the admin UI, the admin contract answers over IPC, the page has no Node.js and cannot leave the app,
 * and a user provisioned through SCIM shows in the window. Electron is an optional dependency: where npm
 * could not install its binary this suite is reported as skipped, saying so; the fake-Electron tests
 * (test/unit/app) and the IPC transport in Chromium (desktop-ipc-ui.test.ts) run everywhere.
 */

function electronBinary(): { path: string; version: string } | undefined {
  try {
    const require = createRequire(import.meta.url);
    const path = require('electron') as unknown;
    const { version } = require('electron/package.json') as { version: string };
    return typeof path === 'string' && existsSync(path) ? { path, version } : undefined;
  } catch {
    return undefined;
  }
}

const ELECTRON = electronBinary();
const SKIP = ELECTRON ? false : 'the Electron binary is not installed here (an optional dependency npm dropped): the desktop app was NOT launched';

type Bridge = { call(method: string, input: unknown): Promise<{ ok: boolean; value?: any; error?: { code: string; message: string } }> };
const bridgeCall = (page: Page, method: string, input: unknown) =>
  page.evaluate(([m, i]) => (globalThis as unknown as { scimdesk: Bridge }).scimdesk.call(m as string, i), [method, input] as const);

// Each test carries the reason, so the run counts them as skipped (a skipped suite alone counts none).
describe('the desktop app in Electron', () => {
  let app: ElectronApplication;
  let window: Page;
  let dataDir = '';
  let scimUrl = '';
  let token = '';

  before(
    async () => {
      if (SKIP) return;
      ensureRendererBuilt();
      assert.equal(await ensureShell(ROOT), true, 'the desktop app builds');
      const sqlite = ensureElectronSqlite(ROOT, ELECTRON!.version);
      assert.ok(sqlite.file, `better-sqlite3 for Electron ${ELECTRON!.version}: ${sqlite.error}`);
      dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-electron-'));
      const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SCIMDESK_'))) as Record<string, string>;
      app = await _electron.launch({
        executablePath: ELECTRON!.path,
        args: [
          join(ROOT, SHELL_OUTPUTS[0]!),
          '--data-dir',
          dataDir,
          '--host',
          '127.0.0.1',
          '--port',
          '0',
          '--sqlite-binding',
          sqlite.file!,
          // Chromium refuses its own sandbox to root (CI containers); the page's sandbox option still applies.
          ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        ],
        env,
        timeout: 60_000,
      });
      window = await app.firstWindow({ timeout: 60_000 });
      window.setDefaultTimeout(WAIT_MS);
    },
    { timeout: 180_000 },
  );

  after(async () => {
    await app?.close().catch(() => app?.process().kill());
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens its window on the Overview, with the security options of the checklist', { skip: SKIP }, async () => {
    await window.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    assert.match(window.url(), /^scimdesk:\/\/app\/index\.html/);
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]!.webContents;
      const last = contents.getLastWebPreferences() as Record<string, unknown> | null;
      return last && { contextIsolation: last['contextIsolation'], sandbox: last['sandbox'], nodeIntegration: last['nodeIntegration'], webSecurity: last['webSecurity'] };
    });
    assert.deepEqual(prefs, { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    assert.deepEqual(
      await window.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process, Object.keys((globalThis as unknown as { scimdesk: object }).scimdesk).sort()]),
      ['undefined', 'undefined', ['call', 'subscribe']],
    );
  });

  it('answers the admin contract over IPC, and generates the token it shows once', { skip: SKIP }, async () => {
    const overview = await bridgeCall(window, 'overview.get', {});
    assert.equal(overview.ok, true, JSON.stringify(overview));
    scimUrl = overview.value.scimUrl;
    assert.match(scimUrl, /^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
    assert.equal(overview.value.token, null, 'no token until the admin generates one in the window');
    const bad = await bridgeCall(window, 'token.generate', { lifetimeDays: -1 });
    assert.equal(bad.error?.code, 'invalidInput');
    const generated = await bridgeCall(window, 'token.generate', { lifetimeDays: 0 });
    token = generated.value.token;
    assert.match(token, /^scimdesk_/);
  });

  it('stays on its own pages: a navigation away is refused', { skip: SKIP }, async () => {
    await window.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.match(window.url(), /^scimdesk:\/\/app\//);
  });

  it('shows a user provisioned through SCIM', { skip: SKIP }, async () => {
    const created = await fetch(`${scimUrl}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'adele.vance@contoso.com', displayName: 'Adele Vance', active: true }),
    });
    assert.equal(created.status, 201);
    await window.getByRole('navigation').getByRole('link', { name: 'Users', exact: true }).click();
    await eventually(() => window.getByRole('row', { name: /adele\.vance@contoso\.com/ }).first().waitFor({ timeout: 2_000 }));
    await settleAnimations(window);
    await window.screenshot({ path: join(SHOTS, 'electron-users.png') });
    assert.ok(readFileSync(join(SHOTS, 'electron-users.png')).length > 0);
  });
});
