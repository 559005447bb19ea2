import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createCore } from '../../../main/core/create-core';

/**
 * The Electron host loads a better-sqlite3 addon built for Electron's ABI from its own path, while the
 * tests and serve mode keep the one npm compiled for Node: the core hands the path to both connections
 * (the main one and the checkpoint worker's).
 */
describe('the SQLite addon a host chooses', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-binding-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const installed = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');

  it('opens the data folder with the addon file it is given', async () => {
    const core = await createCore({ dataDir, fileLogs: false, port: 0, sqliteBinding: installed });
    await core.start();
    assert.equal((await core.store.getDirectory())?.name, 'ScimDesk directory');
    await core.stop();
  });

  it('fails to open when that file is not a usable addon, rather than falling back to another', async () => {
    await assert.rejects(createCore({ dataDir, fileLogs: false, port: 0, sqliteBinding: join(dataDir, 'missing.node') }), /missing\.node/);
  });
});
