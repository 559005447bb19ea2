import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import { buildShell, shellBuildNeed } from '../../../scripts/ensure-shell.mjs';
import { EVENT_NAMES, METHOD_NAMES } from '../../../shared/admin/contract';
import { ADMIN_EVENT_CHANNEL, adminCallChannel, BRIDGE_KEY } from '../../../shared/admin/ipc-channels';

/**
 * The desktop app's two built files, as Electron would load them: the preload must be one CommonJS file
 * that requires nothing but `electron` (a sandboxed preload can require nothing else) and exposes exactly
 * the admin contract; the main process must load under Node with only the app's production dependencies.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

describe('the desktop app build (esbuild)', () => {
  // Inside the repository, so the built main process finds node_modules as dist/main would.
  const out = mkdtempSync(join(ROOT, 'dist', '.shell-build-test-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  before(async () => {
    const error = await buildShell(ROOT, out);
    assert.equal(error, null, `the build failed: ${error}`);
  });

  it('makes a preload that requires nothing but electron', () => {
    const preload = readFileSync(join(out, 'preload', 'preload.cjs'), 'utf8');
    const required = [...preload.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((match) => match[1]);
    assert.deepEqual([...new Set(required)], ['electron']);
  });

  it("exposes exactly the contract's methods and events, as window.scimdesk, when run as a sandboxed preload", async () => {
    const exposed: Array<[string, Record<string, unknown>]> = [];
    const invoked: Array<[string, unknown]> = [];
    let deliver: ((event: unknown, name: unknown, payload: unknown) => void) | undefined;
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.push([key, api]) },
      ipcRenderer: {
        invoke: (channel: string, input: unknown) => {
          invoked.push([channel, input]);
          return Promise.resolve({ ok: true, value: channel });
        },
        on: (channel: string, listener: typeof deliver) => {
          assert.equal(channel, ADMIN_EVENT_CHANNEL);
          deliver = listener;
        },
      },
    };
    const requested: string[] = [];
    const module = { exports: {} };
    // Only what a sandboxed preload has: a require that knows Electron's modules. No process, no Buffer, no timers.
    runInNewContext(readFileSync(join(out, 'preload', 'preload.cjs'), 'utf8'), {
      require: (name: string) => {
        requested.push(name);
        if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
        return electron;
      },
      module,
      exports: module.exports,
    });
    assert.deepEqual(requested, ['electron']);
    assert.equal(exposed.length, 1);
    const [key, api] = exposed[0]!;
    assert.equal(key, BRIDGE_KEY);
    assert.deepEqual(Object.keys(api).sort(), ['call', 'subscribe'], 'the bridge offers calls and subscriptions, and nothing else (no ipcRenderer)');
    const call = api['call'] as (method: string, input: unknown) => Promise<unknown>;
    for (const method of METHOD_NAMES) assert.deepEqual(await call(method, { n: 1 }), { ok: true, value: adminCallChannel(method) }, method);
    assert.deepEqual(
      invoked.map(([channel]) => channel),
      METHOD_NAMES.map(adminCallChannel),
      'one channel per contract method, as the main process registers them',
    );
    for (const name of ['debug.eval', '__proto__', 'constructor', 'toString']) {
      const refused = (await call(name, {})) as { ok: boolean; error: { code: string } };
      assert.equal(refused.ok, false, name);
      assert.equal(refused.error.code, 'notFound');
    }
    assert.equal(invoked.length, METHOD_NAMES.length, 'a name outside the contract never reaches IPC');

    const subscribe = api['subscribe'] as (event: string, listener: (payload: unknown) => void) => () => void;
    const heard: Array<[string, unknown]> = [];
    for (const event of EVENT_NAMES) subscribe(event, (payload) => heard.push([event, payload]));
    subscribe('app.reload', (payload) => heard.push(['app.reload', payload]));
    for (const event of [...EVENT_NAMES, 'app.reload']) deliver?.({}, event, { from: event });
    assert.deepEqual(heard, EVENT_NAMES.map((event) => [event, { from: event }]));
  });

  it('makes a main process that imports only node built-ins and production dependencies', () => {
    const main = readFileSync(join(out, 'app', 'main.js'), 'utf8');
    const specifiers = new Set([...main.matchAll(/(?:^|\n)\s*import\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]!));
    const packages = [...specifiers].filter((s) => !s.startsWith('node:') && !builtinModules.includes(s)).map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
    assert.ok(packages.length > 3, `found the package imports: ${packages.join(', ')}`);
    const missing = [...new Set(packages)].filter((name) => !(name in pkg.dependencies));
    assert.deepEqual(missing, [], 'a packaged app ships production dependencies only');
    assert.ok(!packages.includes('electron'), 'electron is loaded at run time, not imported');
  });

  it('loads under plain Node (every import links) and says it needs Electron', () => {
    const run = spawnSync(process.execPath, [join(out, 'app', 'main.js')], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /runs inside Electron\. Start it with `npm start`/);
  });
});

describe('when npm start rebuilds the desktop app', () => {
  const root = mkdtempSync(join(tmpdir(), 'scimdesk-ensure-shell-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'main', 'app'), { recursive: true });
  mkdirSync(join(root, 'shared'), { recursive: true });
  writeFileSync(join(root, 'main', 'app', 'main.ts'), 'export {};\n');

  it('builds on a first start, after a source under main/ or shared/ changed, and not when current', () => {
    assert.equal(shellBuildNeed(root), 'first');
    for (const file of ['dist/main/app/main.js', 'dist/main/preload/preload.cjs']) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), '');
    }
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'dist/main/app/main.js'), past, past);
    assert.equal(shellBuildNeed(root), 'changed');
    const now = new Date();
    utimesSync(join(root, 'dist/main/app/main.js'), now, now);
    assert.equal(shellBuildNeed(root), null);
    writeFileSync(join(root, 'shared', 'contract.ts'), 'export {};\n');
    utimesSync(join(root, 'shared', 'contract.ts'), new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    assert.equal(shellBuildNeed(root), 'changed');
  });
});
