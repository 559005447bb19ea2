/**
 * `npm run kill-test -- [--cycles N] [--seed S] [--data-dir D]`: SIGKILL the service at random
 * moments under Entra-like load, N times, restarting it each time (test/kill/kill-harness.ts).
 * Prints each cycle and every problem found; exits 1 on any. `npm test` runs a short form
 * (test/protocol/kill.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runKillCycles } from './kill-harness';

const { values } = parseArgs({ options: { cycles: { type: 'string', default: '25' }, seed: { type: 'string', default: '1' }, 'data-dir': { type: 'string' } } });
const cycles = Number(values.cycles);
const seed = Number(values.seed);
const dataDir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'scimdesk-kill-'));
console.log(`${cycles} SIGKILLs under load, seed ${seed}, data folder ${dataDir}`);
const started = Date.now();
const report = await runKillCycles(dataDir, cycles, seed, (line) => console.log(line));
const acknowledged = report.cycles.reduce((sum, c) => sum + c.acknowledged, 0);
const inflight = report.cycles.reduce((sum, c) => sum + c.inflightAtKill, 0);
console.log(`\n${report.cycles.length} kills in ${Math.round((Date.now() - started) / 1000)} s: ${acknowledged} acknowledged writes, ${inflight} writes in flight at a kill; problems: ${report.problems.length}`);
for (const problem of report.problems) console.log(`  ${problem}`);
if (!values['data-dir']) rmSync(dataDir, { recursive: true, force: true });
process.exit(report.problems.length > 0 ? 1 : 0);
