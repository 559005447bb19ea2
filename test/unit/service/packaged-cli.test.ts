import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packagedCliArgs, packagedHost } from '../../../main/service/packaged-cli';

describe('packagedCliArgs', () => {
  it('turns the installed app switches into the commands npm run passes', () => {
    assert.deepEqual(packagedCliArgs(['--serve']), ['serve']);
    assert.deepEqual(packagedCliArgs(['--serve', '--port', '9000', '--data-dir', 'C:\\ProgramData\\ScimDesk']), ['serve', '--port', '9000', '--data-dir', 'C:\\ProgramData\\ScimDesk']);
    assert.deepEqual(packagedCliArgs(['--token', 'rotate', '--lifetime-days', '90']), ['token', 'rotate', '--lifetime-days', '90']);
    assert.deepEqual(packagedCliArgs(['--admin-link', '--data-dir', 'D']), ['admin-link', '--data-dir', 'D']);
    assert.deepEqual(packagedCliArgs(['--snapshot', 'restore', '2026-03-01T02-00-00-000Z-daily', '--data-dir', 'D']), ['snapshot', 'restore', '2026-03-01T02-00-00-000Z-daily', '--data-dir', 'D']);
  });

  it('has a switch for each support command the npm scripts have', () => {
    assert.deepEqual(packagedCliArgs(['--support-bundle', '--out', 'C:\\Temp\\b.zip', '--cycles', '5']), ['support-bundle', '--out', 'C:\\Temp\\b.zip', '--cycles', '5']);
    assert.deepEqual(packagedCliArgs(['--delivery', 'subscribe', '--url', 'https://hooks.example/in', '--json']), ['delivery', 'subscribe', '--url', 'https://hooks.example/in', '--json']);
    assert.deepEqual(packagedCliArgs(['--data-dir', 'D', '--reach', 'check', '--from', 'network']), ['reach', '--data-dir', 'D', 'check', '--from', 'network']);
    assert.deepEqual(packagedCliArgs(['--token', 'client', 'create']), ['token', 'client', 'create']);
  });

  it('finds the switch anywhere among the flags', () => {
    assert.deepEqual(packagedCliArgs(['--data-dir', 'D', '--serve', '--port', '0']), ['serve', '--data-dir', 'D', '--port', '0']);
  });

  it('asks for the window when no headless switch is given', () => {
    assert.equal(packagedCliArgs([]), undefined);
    assert.equal(packagedCliArgs(['--data-dir', 'D']), undefined);
    // A value that merely contains a switch's name is not the switch.
    assert.equal(packagedCliArgs(['--public-url=--serve']), undefined);
    assert.equal(packagedCliArgs(['serve']), undefined);
  });

  it('leaves a second switch to the argument check (an unknown option, exit 2)', () => {
    assert.deepEqual(packagedCliArgs(['--serve', '--token']), ['serve', '--token']);
  });
});

describe('packagedHost', () => {
  it('spells each command as the installed executable takes it', () => {
    const host = packagedHost({ executable: 'ScimDesk.exe', rendererDir: 'R', exit: () => undefined });
    assert.equal(host.spell('serve'), 'ScimDesk.exe --serve');
    assert.equal(host.spell('token', 'rotate'), 'ScimDesk.exe --token rotate');
    assert.equal(host.spell('admin-link', '--data-dir "C:\\ProgramData\\ScimDesk"'), 'ScimDesk.exe --admin-link --data-dir "C:\\ProgramData\\ScimDesk"');
    assert.equal(host.spell('support-bundle', '--cycles 5'), 'ScimDesk.exe --support-bundle --cycles 5');
    // Each spelling must parse back to the command it names.
    assert.deepEqual(packagedCliArgs(host.spell('token', 'rotate').split(' ').slice(1)), ['token', 'rotate']);
    for (const command of ['support-bundle', 'reach', 'delivery', 'snapshot', 'diagnose'] as const) {
      assert.deepEqual(packagedCliArgs(host.spell(command, 'list').split(' ').slice(1)), [command, 'list']);
    }
  });
});
