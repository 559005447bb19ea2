import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DIAGNOSTIC_CODES } from '../../main/mapping/diagnostics';
import { startTestCore } from '../support/start-test-core';
import { readScim, URN_USER } from './protocol-helpers';
import { cliCommand } from '../support/cli-command';

const CLI = cliCommand('cli');

function diagnose(dataDir: string, ...args: string[]) {
  return spawnSync(process.execPath, [...CLI, 'diagnose', '--data-dir', dataDir, ...args], { encoding: 'utf8' });
}

/** `npm run diagnose` for support engineers and scheduled checks: beside the running service and without it. */
describe('diagnose command', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-diagnose-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints the diagnostics as JSON beside a running service and exits 3 on an error; as text once it stopped', async () => {
    const t = await startTestCore({ dataDir });
    try {
      await readScim(await t.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'adele@contoso.com', externalId: 'adele' }) }), 201);
      await t.core.syncLog.flush();
      const running = diagnose(dataDir, '--json');
      assert.equal(running.status, 3, running.stderr + running.stdout);
      const report = JSON.parse(running.stdout) as { read: { users: number }; diagnostics: Array<{ code: string; severity: string; attribute: string; count: number; fix: string; sample: Array<{ value: string }> }> };
      assert.equal(report.read.users, 1);
      const notGuid = report.diagnostics.find((d) => d.code === 'EXTERNAL_ID_NOT_GUID');
      assert.ok(notGuid, running.stdout);
      assert.equal(notGuid.severity, 'error');
      assert.equal(notGuid.attribute, 'externalId');
      assert.equal(notGuid.sample[0]?.value, 'adele');
    } finally {
      await t.core.stop();
    }
    const stopped = diagnose(dataDir);
    assert.equal(stopped.status, 3, stopped.stderr);
    assert.match(stopped.stdout, /^ERROR EXTERNAL_ID_NOT_GUID \[User\] externalId \(1\)$/m);
    assert.match(stopped.stdout, /^ {2}- adele@contoso\.com: adele \(id .+\)$/m);
    assert.match(stopped.stdout, /^ {2}Fix: In Entra, open the user attribute mappings/m);
  });

  it('says so when the folder holds no ScimDesk data', () => {
    const run = diagnose(join(dataDir, 'nothing-here'));
    assert.equal(run.status, 1);
    assert.match(run.stderr, /No ScimDesk data in/);
  });

  it('lists every diagnostic code in the README', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const missing = Object.keys(DIAGNOSTIC_CODES).filter((code) => !readme.includes(`\`${code}\``));
    assert.deepEqual(missing, []);
  });
});
