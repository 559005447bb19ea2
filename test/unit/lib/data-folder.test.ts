import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DataFolderError, prepareDataFolder, windowsWarnings } from '../../../main/lib/data-folder';

const mode = (path: string) => statSync(path).mode & 0o777;
const posix = process.platform !== 'win32';

describe('prepareDataFolder', () => {
  const root = mkdtempSync(join(tmpdir(), 'scimdesk-folder-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('creates a missing folder and its logs folder owner-only (0700)', { skip: !posix && 'POSIX modes' }, () => {
    const folder = join(root, 'new', 'ScimDesk');
    const prepared = prepareDataFolder(folder, 'linux');
    assert.equal(mode(folder), 0o700);
    assert.equal(mode(join(folder, 'logs')), 0o700);
    assert.deepEqual(prepared.tightened, []);
  });

  it('makes a folder left readable by every account (755, files 644) owner-only, and says what it changed', { skip: !posix && 'POSIX modes' }, () => {
    const folder = join(root, 'old');
    mkdirSync(join(folder, 'logs'), { recursive: true, mode: 0o755 });
    chmodSync(folder, 0o755);
    for (const file of ['scimdesk.db', 'scimdesk.db-wal', 'scimdesk.db-shm', 'secret-store.json', join('logs', 'scimdesk.1.log')]) {
      writeFileSync(join(folder, file), 'x', { mode: 0o644 });
      chmodSync(join(folder, file), 0o644);
    }
    writeFileSync(join(root, 'elsewhere.txt'), 'not ours');
    chmodSync(join(root, 'elsewhere.txt'), 0o644);
    symlinkSync(join(root, 'elsewhere.txt'), join(folder, 'logs', 'link.txt'));
    const prepared = prepareDataFolder(folder, 'linux');
    assert.equal(mode(folder), 0o700);
    assert.equal(mode(join(folder, 'logs')), 0o700);
    for (const file of ['scimdesk.db', 'scimdesk.db-wal', 'scimdesk.db-shm', 'secret-store.json', join('logs', 'scimdesk.1.log')]) {
      assert.equal(mode(join(folder, file)), 0o600, file);
    }
    assert.equal(mode(join(root, 'elsewhere.txt')), 0o644, 'a symbolic link is neither followed nor changed');
    assert.deepEqual([...prepared.tightened].sort(), ['.', 'logs', join('logs', 'scimdesk.1.log'), 'scimdesk.db', 'scimdesk.db-shm', 'scimdesk.db-wal', 'secret-store.json'].sort());
    assert.deepEqual(prepareDataFolder(folder, 'linux').tightened, [], 'nothing to change the second time');
  });

  it('leaves a folder shared with other files as it is, tightening only ScimDesk\'s own, and says so', { skip: !posix && 'POSIX modes' }, () => {
    const folder = join(root, 'home');
    mkdirSync(folder, { mode: 0o755 });
    chmodSync(folder, 0o755);
    writeFileSync(join(folder, 'run.sh'), '#!/bin/sh', { mode: 0o755 });
    chmodSync(join(folder, 'run.sh'), 0o755);
    writeFileSync(join(folder, 'scimdesk.db'), 'x', { mode: 0o644 });
    chmodSync(join(folder, 'scimdesk.db'), 0o644);
    const prepared = prepareDataFolder(folder, 'linux');
    assert.equal(mode(folder), 0o755, 'the folder is not ScimDesk\'s alone');
    assert.equal(mode(join(folder, 'run.sh')), 0o755, 'a file that is not ScimDesk\'s is never touched');
    assert.equal(mode(join(folder, 'scimdesk.db')), 0o600);
    assert.deepEqual(prepared.tightened, ['scimdesk.db']);
    assert.match(prepared.warnings.join('\n'), /also holds files that are not ScimDesk's \(run\.sh\), so its own permissions \(755\) were left as they are/);
  });

  it('names the folder when a file stands where it should be, without a stack trace in the message', () => {
    writeFileSync(join(root, 'a-file'), 'x');
    assert.throws(
      () => prepareDataFolder(join(root, 'a-file', 'ScimDesk'), 'linux'),
      (error: unknown) =>
        error instanceof DataFolderError && error.problem === 'notAFolder' && error.message.includes(join(root, 'a-file', 'ScimDesk')) && !error.message.includes('    at '),
    );
  });
});

describe('windowsWarnings', () => {
  it('says nothing for a folder inside the user profile (its ACL is the profile\'s), whatever the letter case', () => {
    assert.deepEqual(windowsWarnings('C:\\Users\\ada\\AppData\\Roaming\\ScimDesk', 'C:\\Users\\ada'), []);
    assert.deepEqual(windowsWarnings('c:\\users\\ADA\\AppData\\Roaming\\ScimDesk', 'C:\\Users\\ada'), []);
  });

  it('warns about a folder outside the profile, naming the icacls check', () => {
    const [warning] = windowsWarnings('D:\\ScimDesk', 'C:\\Users\\ada');
    assert.match(warning ?? '', /D:\\ScimDesk is outside your user profile/);
    assert.match(warning ?? '', /icacls "D:\\ScimDesk"/);
    assert.equal(windowsWarnings('C:\\Users\\adam\\ScimDesk', 'C:\\Users\\ada').length, 1, 'a neighbour whose name starts the same is outside');
  });
});
