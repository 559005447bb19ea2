import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TEST_CLI_DIR, TEST_CLI_ENTRIES, testCliCurrent } from '../../../scripts/ensure-test-cli.mjs';

/** When the tests may start the bundled commands instead of the sources through tsx: only while no source is newer. */
describe('the test bundles of the commands', () => {
  const root = mkdtempSync(join(tmpdir(), 'scimdesk-test-cli-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
  const write = (path: string, seconds: number) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), '');
    utimesSync(join(root, path), at(seconds), at(seconds));
  };

  it('are current only when every one is there and newer than every source under main/, shared/ and package.json', () => {
    write('main/service/cli.ts', 10);
    write('shared/admin/contract.ts', 20);
    write('package.json', 5);
    assert.equal(testCliCurrent(root), false, 'none built');
    const [first, ...rest] = TEST_CLI_ENTRIES;
    for (const entry of rest) write(`${TEST_CLI_DIR}/service/${entry}.js`, 30);
    assert.equal(testCliCurrent(root), false, `${first} missing`);
    write(`${TEST_CLI_DIR}/service/${first}.js`, 30);
    assert.equal(testCliCurrent(root), true);
    write('shared/admin/contract.ts', 40);
    assert.equal(testCliCurrent(root), false, 'a source changed since');
  });
});
