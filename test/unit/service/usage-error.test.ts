import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from 'node:util';
import { isUsageMistake, UsageError, withUsage } from '../../../main/service/usage-error';

/** The one place every headless command turns a usage mistake into its usage text and exit code 2. */
describe('usage mistakes of the headless commands', () => {
  it("answers 2 with the message and the usage text for a UsageError and for parseArgs' own errors", async (t) => {
    const printed: string[] = [];
    t.mock.method(console, 'error', (line: string) => printed.push(line));
    assert.equal(await withUsage(async () => Promise.reject(new UsageError('log needs a subscription id')), () => 'Usage: X'), 2);
    const parse = async () => {
      parseArgs({ args: ['--nope'], options: {}, strict: true });
      return 0;
    };
    assert.equal(await withUsage(parse, () => 'Usage: X'), 2);
    assert.equal(printed[0], 'Error: log needs a subscription id\n\nUsage: X');
    assert.match(printed[1] ?? '', /^Error: Unknown option '--nope'[\s\S]*\n\nUsage: X$/);
  });

  it('passes the exit code of a run through, and throws anything else for the host to word', async () => {
    assert.equal(await withUsage(async () => 1, () => 'unused'), 1);
    await assert.rejects(withUsage(async () => Promise.reject(new Error('disk I/O error')), () => 'unused'), /disk I\/O error/);
    assert.equal(isUsageMistake(Object.assign(new Error('x'), { code: 'SQLITE_CORRUPT' })), false);
    assert.equal(isUsageMistake(null), false);
  });
});
