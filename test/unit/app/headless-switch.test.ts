import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headlessCommand } from '../../../main/app/headless-switch';

describe('the desktop executable started for a headless command', () => {
  it('runs serve when the installed app gets --serve, with its flags wherever the switch stands', () => {
    assert.deepEqual(headlessCommand(['C:\\Program Files\\ScimDesk\\ScimDesk.exe', '--serve', '--port', '9000'], true), ['serve', '--port', '9000']);
    assert.deepEqual(headlessCommand(['ScimDesk.exe', '--data-dir', 'D:\\scim', '--serve'], true), ['serve', '--data-dir', 'D:\\scim']);
    assert.deepEqual(headlessCommand(['ScimDesk.exe', '--token', 'rotate'], true), ['token', 'rotate']);
  });

  it("skips the script's path when Electron runs unpackaged", () => {
    assert.deepEqual(headlessCommand(['/usr/lib/electron', 'dist/main/app/main.js', '--serve'], false), ['serve']);
    // The script's path is never read as a switch.
    assert.equal(headlessCommand(['/usr/lib/electron', '--serve'], false), undefined);
  });

  it('opens the window otherwise', () => {
    assert.equal(headlessCommand(['ScimDesk.exe'], true), undefined);
    assert.equal(headlessCommand(['ScimDesk.exe', '--hidden'], true), undefined);
  });
});
