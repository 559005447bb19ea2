import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runKillCycles } from '../kill/kill-harness';

/**
 * The kill test's short form (the long one: `npm run kill-test -- --cycles N`): `serve` is
 * SIGKILLed twice at a random moment under Entra-like load and restarted; every acknowledged write
 * is there, none is half there, and integrity_check says ok after each kill.
 */
describe('SIGKILL under load', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-kill-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('loses no acknowledged write and leaves none half-applied across two kills and restarts', { timeout: 180_000 }, async () => {
    const report = await runKillCycles(dataDir, 2, Number(process.env['KILL_SEED'] ?? 14));
    assert.deepEqual(report.problems, []);
    assert.equal(report.cycles.length, 2);
    for (const cycle of report.cycles) assert.equal(cycle.integrity, 'ok');
    assert.ok(report.cycles.reduce((sum, c) => sum + c.acknowledged, 0) > 20, 'the load wrote something to lose');
    assert.ok(report.cycles.some((c) => c.verified > 0), 'a restart checked what was there');
  });
});
