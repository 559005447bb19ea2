import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/**
 * What the Chromium suites share: where Chromium is (Debian's package; never a
 * downloaded browser), how it is launched on these machines, the renderer
 * build, screenshots, and bounded waits.
 */
export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const CHROMIUM = process.env['SCIMDESK_E2E_CHROMIUM'] ?? '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'test-results', 'screenshots');
/** Every wait for the screen; a step never waits longer. */
export const WAIT_MS = 15_000;

/** The node:test `skip` value: false where Chromium is installed, else a reason that shows in the report. */
export function skipWithoutChromium(what: string): string | false {
  return existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install chromium): ${what} was NOT tested`;
}

/** Retries `check` until it passes or `ms` run out (then its last error is thrown). */
export async function eventually<T>(check: () => Promise<T>, ms = WAIT_MS): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
}

/** The page's animations, typed without the DOM library (these files are type-checked for Node). */
type AnimatedDocument = {
  readonly document: {
    getAnimations(): ReadonlyArray<{ readonly playState: string; readonly effect: { getTiming(): { duration?: number | string; iterations?: number } } | null }>;
  };
};

/**
 * Waits (at most 5 s) until drawers and dialogs have stopped moving, before a screenshot. Fluent
 * moves them with short animations; spinners, indeterminate bars and a toast's countdown run longer
 * or forever and are not waited for. (page.waitForFunction would evaluate a string inside the page,
 * which the admin UI's CSP rightly refuses.)
 */
export async function settleAnimations(page: Page): Promise<void> {
  const moving = () =>
    page.evaluate(() =>
      (globalThis as unknown as AnimatedDocument).document.getAnimations().filter((a) => {
        const timing = a.effect?.getTiming();
        return a.playState === 'running' && timing?.iterations !== Infinity && typeof timing?.duration === 'number' && timing.duration <= 1000;
      }).length,
    );
  await eventually(async () => assert.equal(await moving(), 0), 5_000).catch(() => undefined);
}

/** A locator's text with runs of white space made one space. */
export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent({ timeout: WAIT_MS })) ?? '').replace(/\s+/g, ' ').trim();
}

/** Waits until a locator's text equals `expected` (or matches it). */
export function expectText(locator: Locator, expected: string | RegExp, ms = WAIT_MS): Promise<void> {
  return eventually(async () => {
    const text = await textOf(locator);
    if (typeof expected === 'string') assert.equal(text, expected);
    else assert.match(text, expected);
  }, ms);
}

/** The accessible names of a table's body rows, in order. */
export async function rowNames(table: Locator): Promise<string[]> {
  const rows = table.locator('tbody').getByRole('row');
  const names: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) names.push((await rows.nth(i).getAttribute('aria-label')) ?? '');
  return names;
}

/** Builds the renderer when its sources changed (scripts/ensure-renderer.mjs) and checks the build is there. */
export function ensureRendererBuilt(): void {
  const build = spawnSync(process.execPath, ['scripts/ensure-renderer.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(build.status, 0, `ensure-renderer failed:\n${build.stderr}`);
  assert.ok(existsSync(join(ROOT, 'dist', 'renderer', 'index.html')), `the admin UI did not build:\n${build.stderr}`);
}

/** Removes this suite's earlier screenshots only: the suites run concurrently and share the folder. */
export function clearScreenshots(owned: RegExp): void {
  mkdirSync(SHOTS, { recursive: true });
  for (const name of readdirSync(SHOTS)) if (owned.test(name)) rmSync(join(SHOTS, name), { force: true });
}

export interface BrowserSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** console.error messages and uncaught page errors, for a "no console errors" check. */
  readonly consoleErrors: string[];
  close(): Promise<void>;
}

/**
 * Headless Chromium with the flags these machines need (without the
 * background-networking ones Chromium keeps trying hosts the closed network refuses).
 */
export async function openBrowser(): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: WAIT_MS,
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.setDefaultNavigationTimeout(WAIT_MS);
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
  return {
    browser,
    context,
    page,
    consoleErrors,
    async close() {
      await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
    },
  };
}
