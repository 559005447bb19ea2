import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { copyAtomically, removeLeftovers, writeAtomically } from '../../../main/exports/atomic-file';

describe('writeAtomically', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'scimdesk-atomic-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('shows nothing under the final name until the whole file is written, then the whole file', async () => {
    const rows = await writeAtomically(folder, 'users.csv', async (sink) => {
      await sink.write('a\r\n');
      assert.deepEqual(readdirSync(folder).filter((f) => f === 'users.csv'), [], 'not there while writing');
      assert.equal(readdirSync(folder).filter((f) => f.startsWith('users.csv.tmp-')).length, 1);
      await sink.write('b'.repeat(3 << 20));
      return 2;
    });
    assert.equal(rows, 2);
    assert.deepEqual(readdirSync(folder), ['users.csv']);
    assert.equal(readFileSync(join(folder, 'users.csv'), 'utf8').length, 3 + (3 << 20));
  });

  it('on a failure keeps the old file under the final name and leaves no temporary file', async () => {
    writeFileSync(join(folder, 'users.csv'), 'old whole file');
    await assert.rejects(
      writeAtomically(folder, 'users.csv', async (sink) => {
        await sink.write('new half');
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      }),
      /no space/,
    );
    assert.deepEqual(readdirSync(folder), ['users.csv']);
    assert.equal(readFileSync(join(folder, 'users.csv'), 'utf8'), 'old whole file');
  });

  it('replaces a copy atomically and clears a crash’s leftovers of its own names only', async () => {
    writeFileSync(join(folder, 'users-1.csv'), 'one');
    await copyAtomically(folder, 'users-1.csv', 'users-latest.csv');
    assert.equal(readFileSync(join(folder, 'users-latest.csv'), 'utf8'), 'one');
    writeFileSync(join(folder, 'users-2.csv.tmp-0123456789ab'), 'half');
    writeFileSync(join(folder, 'someone-else.tmp-0123456789ab'), 'theirs');
    await removeLeftovers(folder, 'users-');
    assert.deepEqual(readdirSync(folder).sort(), ['someone-else.tmp-0123456789ab', 'users-1.csv', 'users-latest.csv']);
  });
});
