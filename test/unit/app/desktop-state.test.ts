import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseDesktopArgs } from '../../../main/app/desktop-args';
import { DEFAULT_SIZE, DESKTOP_STATE_FILE, DesktopStateFile, placeWindow } from '../../../main/app/desktop-state';

const SCREEN = { x: 0, y: 0, width: 1920, height: 1040 };
const SECOND = { x: 1920, y: 0, width: 2560, height: 1400 };

describe('window placement', () => {
  it('reopens the window where it was, maximised if it was', () => {
    assert.deepEqual(placeWindow({ x: 2100, y: 100, width: 1400, height: 900, maximized: true }, [SCREEN, SECOND]), {
      bounds: { x: 2100, y: 100, width: 1400, height: 900 },
      maximized: true,
    });
  });

  it('keeps the size but lets the OS place it when its title bar would land on no screen (a monitor unplugged)', () => {
    assert.deepEqual(placeWindow({ x: 2100, y: 100, width: 1400, height: 900, maximized: false }, [SCREEN]), { bounds: { width: 1400, height: 900 }, maximized: false });
    assert.deepEqual(placeWindow({ x: 100, y: -500, width: 1400, height: 900, maximized: false }, [SCREEN]).bounds, { width: 1400, height: 900 }, 'title bar above the screen');
  });

  it('falls back to the default size without a saved place, or with a broken one', () => {
    assert.deepEqual(placeWindow(undefined, [SCREEN]), { bounds: { ...DEFAULT_SIZE }, maximized: false });
    assert.deepEqual(placeWindow({ x: Number.NaN, y: 0, width: 10, height: 10, maximized: false }, [SCREEN]).bounds, { ...DEFAULT_SIZE });
  });
});

describe('the desktop state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scimdesk-desktop-state-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps what it is told across runs, and starts empty from a missing or corrupt file', () => {
    assert.deepEqual(new DesktopStateFile(dir).get(), {});
    new DesktopStateFile(dir).update({ closeNoticeShown: true });
    const file = new DesktopStateFile(dir);
    file.update({ window: { x: 1, y: 2, width: 1000, height: 700, maximized: false } });
    assert.deepEqual(new DesktopStateFile(dir).get(), { closeNoticeShown: true, window: { x: 1, y: 2, width: 1000, height: 700, maximized: false } });
    assert.equal(JSON.parse(readFileSync(join(dir, DESKTOP_STATE_FILE), 'utf8')).closeNoticeShown, true);
    writeFileSync(join(dir, DESKTOP_STATE_FILE), '{not json');
    assert.deepEqual(new DesktopStateFile(dir).get(), {});
  });
});

describe('the desktop command line', () => {
  it("takes serve mode's flags and environment, among Electron's and Chromium's own arguments", () => {
    const args = parseDesktopArgs(['/app/dist/main/app/main.js', '--data-dir', '/data', '--port', '0', '--hidden', '--enable-logging', '--sqlite-binding=/x.node'], {
      SCIMDESK_HOST: '0.0.0.0',
    });
    assert.deepEqual(args, { dataDir: '/data', host: '0.0.0.0', port: 0, publicUrl: undefined, hidden: true, sqliteBinding: '/x.node' });
    assert.equal(parseDesktopArgs([], { SCIMDESK_DATA_DIR: '/env-data' }).dataDir, '/env-data');
    assert.throws(() => parseDesktopArgs(['--port', 'http'], {}), /--port must be an integer/);
    assert.throws(() => parseDesktopArgs(['--public-url', 'ftp://x'], {}), /--public-url must be an http\(s\) URL/);
  });
});
