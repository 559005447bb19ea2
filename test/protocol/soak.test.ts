import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { judgeMemory, percentile, slope, type MemorySample } from '../soak/soak-load';

/**
 * The soak test's short form (the long one: `npm run soak -- --minutes 30`, figures in the README):
 * `serve` in a child process under steady Entra-like load for 12 seconds, a line of figures every
 * 4 seconds, the totals and the memory verdict; and the verdict itself on made-up memory curves.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function runSoak(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/soak/soak.ts', ...args], { cwd: ROOT, env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SCIMDESK_'))) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('soak', () => {
  it('runs serve under mixed Entra-like load and prints throughput, p50/p99, errors, RSS and DB+WAL size per interval, then the totals', { timeout: 90_000 }, async () => {
    const { code, output } = await runSoak(['--minutes', '0.2', '--every', '4', '--seed', '14']);
    assert.equal(code, 0, output);
    const lines = output.split('\n').filter((line) => /^\[\d+:\d\d\] /.test(line));
    assert.ok(lines.length >= 2, output);
    for (const line of lines) {
      assert.match(line, /^\[\d+:\d\d\] \d+ requests, [\d.]+ req\/s, p50 [\d.]+ ms, p99 [\d.]+ ms, errors none; RSS [\d.]+ MB \(anon [\d.]+ MB\); DB [\d.]+ MB \+ WAL [\d.]+ MB$/, line);
    }
    const total = /^Total: (\d+) requests, ([\d.]+) req\/s, p50 [\d.]+ ms, p99 ([\d.]+) ms, errors none$/m.exec(output);
    assert.ok(total, output);
    assert.ok(Number(total[1]) > 50, 'the load sent requests');
    assert.match(output, /^RSS: [\d.]+ MB at the start, [\d.]+ MB at most, [\d.]+ MB at the end \(\d+ samples\)$/m);
    assert.match(output, /^Database: [\d.]+ MB \+ WAL [\d.]+ MB$/m);
    assert.match(output, /^memory: not judged \(RSS slope [+-][\d.]+ MB\/h, anonymous RSS slope [+-][\d.]+ MB\/h over the last 2\/3, but a run under 5 minutes is mostly warm-up\)$/m);
  });

  it('refuses a bad --minutes with the usage', { timeout: 30_000 }, async () => {
    const { code, output } = await runSoak(['--minutes', 'soon']);
    assert.equal(code, 2);
    assert.match(output, /usage: npm run soak/);
  });

  it('judges memory by the RSS slope over the last two thirds of the run', () => {
    const curve = (mbPerHour: number, warmUpMb: number): MemorySample[] =>
      Array.from({ length: 361 }, (_, i) => {
        const at = i * 5; // 30 minutes, a sample every 5 s
        const warm = at < 600 ? (warmUpMb * at) / 600 : warmUpMb;
        const anonMb = 150 + warm + (mbPerHour * at) / 3600 + (i % 7) - 3;
        // RSS also counts the mapped database file, growing with the database (60 MB/h here).
        return { at, rssMb: anonMb + 50 + (60 * at) / 3600, anonMb };
      });
    const flat = judgeMemory(curve(0, 80), 1800, 50);
    assert.ok(flat.judged && flat.flat, flat.text);
    assert.ok(Math.abs(flat.anonSlopeMbPerHour) < 5, flat.text);
    assert.ok(Math.abs(flat.slopeMbPerHour - 60) < 5, 'RSS follows the mapped database; the verdict looks at anonymous memory');
    assert.match(flat.text, /^memory: FLAT: RSS slope \+\d+\.\d MB\/h, anonymous RSS slope [+-]\d+\.\d MB\/h over the last 2\/3 of the run \(judged on anonymous RSS, limit 50 MB\/h; RSS also counts the mapped database file\)$/);
    const leak = judgeMemory(curve(120, 80), 1800, 50);
    assert.ok(leak.judged && !leak.flat, leak.text);
    assert.ok(Math.abs(leak.anonSlopeMbPerHour - 120) < 5, leak.text);
    assert.match(leak.text, /^memory: GROWING/);
    const short = judgeMemory(curve(120, 0).slice(0, 40), 200, 50);
    assert.ok(!short.judged && short.flat, short.text);
    assert.equal(judgeMemory([], 1800, 50).judged, false);
  });

  it('computes percentiles by nearest rank and a least-squares slope', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(sorted, 0.5), 50);
    assert.equal(percentile(sorted, 0.99), 99);
    assert.equal(percentile([], 0.99), 0);
    assert.equal(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }]), 2);
    assert.equal(slope([{ x: 1, y: 1 }]), 0);
  });
});
