import assert from 'node:assert/strict';
import type { SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { electronSqliteFile, ensureElectronSqlite } from '../../../scripts/ensure-electron-sqlite.mjs';

/**
 * npm start fetches better-sqlite3's addon for Electron's ABI into dist/native/ with prebuild-install, in
 * a scratch folder (node_modules keeps the Node build the tests use). prebuild-install is faked here:
 * it downloads from GitHub, which these machines cannot reach.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const VERSION = '0.0.0-test';

describe('better-sqlite3 for Electron', () => {
  const file = electronSqliteFile(ROOT, VERSION, 'win32', 'x64');
  after(() => rmSync(file, { force: true }));

  it('names the addon by better-sqlite3 version, Electron version, platform and CPU', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { version: string };
    assert.equal(file, join(ROOT, 'dist', 'native', `better-sqlite3-${version}-electron-${VERSION}-win32-x64.node`));
  });

  it("runs better-sqlite3's prebuild-install for Electron in a scratch folder and keeps its addon", () => {
    const calls: Array<{ args: ReadonlyArray<string>; cwd: string }> = [];
    const result = ensureElectronSqlite(ROOT, VERSION, {
      platform: 'win32',
      arch: 'x64',
      run: ((command: string, args: ReadonlyArray<string>, options: { cwd: string }) => {
        assert.equal(command, process.execPath);
        calls.push({ args, cwd: options.cwd });
        assert.equal(JSON.parse(readFileSync(join(options.cwd, 'package.json'), 'utf8')).name, 'better-sqlite3', 'installs for better-sqlite3');
        mkdirSync(join(options.cwd, 'build', 'Release'), { recursive: true });
        writeFileSync(join(options.cwd, 'build', 'Release', 'better_sqlite3.node'), 'an electron addon');
        return { status: 0 } as SpawnSyncReturns<Buffer>;
      }) as never,
    });
    assert.deepEqual(result, { file });
    assert.equal(readFileSync(file, 'utf8'), 'an electron addon');
    assert.equal(calls.length, 1);
    assert.match(calls[0]!.args[0]!, /prebuild-install[\\/]bin\.js$/);
    assert.deepEqual(calls[0]!.args.slice(1), ['--runtime', 'electron', '--target', VERSION, '--platform', 'win32', '--arch', 'x64']);
    assert.ok(!existsSync(calls[0]!.cwd), 'the scratch folder is removed');
    assert.ok(!calls[0]!.cwd.startsWith(join(ROOT, 'node_modules')), 'node_modules keeps its Node build');

    const again = ensureElectronSqlite(ROOT, VERSION, { platform: 'win32', arch: 'x64', run: (() => assert.fail('fetched twice')) as never });
    assert.deepEqual(again, { file }, 'kept once fetched');
  });

  it('says why when prebuild-install finds no build', () => {
    const result = ensureElectronSqlite(ROOT, VERSION, { platform: 'linux', arch: 'riscv64', run: (() => ({ status: 1 })) as never });
    assert.match(result.error ?? '', /no better-sqlite3 build for Electron 0\.0\.0-test on linux-riscv64/);
    assert.ok(!existsSync(electronSqliteFile(ROOT, VERSION, 'linux', 'riscv64')));
  });
});
