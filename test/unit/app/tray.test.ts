import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MenuItemOptions } from '../../../main/app/electron-api';
import { drawTrayIcon, MARK_BACKGROUND, MARK_PATH, parseMarkPath } from '../../../main/app/tray-icon';
import { trayMenuTemplate, trayStatus, type TrayActions, type TrayFacts } from '../../../main/app/tray-menu';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const serving: TrayFacts = { tenantUrl: 'http://127.0.0.1:8631/scim/v2', paused: false, lastCycleErrors: 0, startAtLogin: false };

function recorder(): { actions: TrayActions; done: string[] } {
  const done: string[] = [];
  return {
    done,
    actions: {
      open: () => done.push('open'),
      copyTenantUrl: () => done.push('copy'),
      setPaused: (paused) => done.push(`paused:${paused}`),
      setStartAtLogin: (on) => done.push(`login:${on}`),
      quit: () => done.push('quit'),
    },
  };
}

const click = (items: MenuItemOptions[], label: string) => {
  const item = items.find((entry) => entry.label === label);
  assert.ok(item?.click, `a "${label}" item`);
  item.click();
};

describe('the tray status', () => {
  it('says serving, errors in the last cycle, paused or stopped, in that order of weight', () => {
    assert.equal(trayStatus(serving).kind, 'serving');
    assert.match(trayStatus(serving).tooltip, /serving http:\/\/127\.0\.0\.1:8631\/scim\/v2/);
    assert.deepEqual(trayStatus({ ...serving, lastCycleErrors: 3 }), { kind: 'errors', label: "Serving; 3 errors in Entra's last cycle", tooltip: "ScimDesk: 3 errors in Entra's last cycle" });
    assert.equal(trayStatus({ ...serving, lastCycleErrors: 3, paused: true }).kind, 'paused', 'while paused every answer is a 503 on purpose');
    assert.equal(trayStatus({ ...serving, paused: true, tenantUrl: null }).kind, 'stopped');
  });
});

describe('the tray menu', () => {
  it('has the status, Open, Copy Tenant URL, Pause provisioning, Start at login and Quit', () => {
    const { actions, done } = recorder();
    const items = trayMenuTemplate(serving, actions);
    assert.deepEqual(
      items.map((item) => item.label ?? item.type),
      [trayStatus(serving).label, 'separator', 'Open ScimDesk', 'Copy Tenant URL', 'Pause provisioning', 'Start at login', 'separator', 'Quit ScimDesk'],
    );
    assert.equal(items[0]!.enabled, false, 'the status line is not a command');
    for (const label of ['Open ScimDesk', 'Copy Tenant URL', 'Pause provisioning', 'Start at login', 'Quit ScimDesk']) click(items, label);
    assert.deepEqual(done, ['open', 'copy', 'paused:true', 'login:true', 'quit']);
  });

  it('shows the pause and the login item as ticked boxes that untick', () => {
    const { actions, done } = recorder();
    const items = trayMenuTemplate({ ...serving, paused: true, startAtLogin: true }, actions);
    const pause = items.find((item) => item.label === 'Pause provisioning');
    assert.equal(pause?.type, 'checkbox');
    assert.equal(pause?.checked, true);
    click(items, 'Pause provisioning');
    click(items, 'Start at login');
    assert.deepEqual(done, ['paused:false', 'login:false']);
  });

  it('leaves out Start at login where the OS offers none, and greys Copy Tenant URL while stopped', () => {
    const items = trayMenuTemplate({ ...serving, tenantUrl: null, startAtLogin: null }, recorder().actions);
    assert.ok(!items.some((item) => item.label === 'Start at login'));
    assert.equal(items.find((item) => item.label === 'Copy Tenant URL')?.enabled, false);
  });
});

describe('the tray icon', () => {
  it('draws the mark of resources/icon.svg', () => {
    const svg = readFileSync(join(ROOT, 'resources', 'icon.svg'), 'utf8');
    assert.equal(/<path d="([^"]+)"/.exec(svg)?.[1], MARK_PATH);
    assert.equal(/<rect [^>]*fill="([^"]+)"/.exec(svg)?.[1], MARK_BACKGROUND);
    const curves = parseMarkPath(MARK_PATH);
    assert.equal(curves.length, 5);
    assert.deepEqual(curves[0]![0], [21.5, 10.5]);
    assert.deepEqual(curves[4]![3].map((v) => Math.round(v * 10) / 10), [11.5, 21.5]);
  });

  /** One pixel as [r, g, b, a] from the BGRA bitmap. */
  const pixel = (bitmap: Buffer, size: number, x: number, y: number) => {
    const offset = (y * size + x) * 4;
    return [bitmap[offset + 2]!, bitmap[offset + 1]!, bitmap[offset]!, bitmap[offset + 3]!];
  };

  it('is a 32×32 BGRA bitmap: blue square, white stroke, clear corners, and a status dot', () => {
    const size = 32;
    const icon = drawTrayIcon(size, 'serving');
    assert.equal(icon.length, size * size * 4);
    assert.deepEqual(pixel(icon, size, 0, 0)[3], 0, 'the rounded corner is transparent');
    assert.deepEqual(pixel(icon, size, 3, 16), [0x0f, 0x6c, 0xbd, 255], 'the blue background');
    const stroke = pixel(icon, size, 16, 8);
    assert.ok(stroke.slice(0, 3).every((channel) => channel > 200), `white on the stroke: ${stroke}`);
    assert.deepEqual(pixel(drawTrayIcon(size, 'errors'), size, 24, 24), [0xc5, 0x0f, 0x1f, 255], 'a red dot for errors');
    assert.deepEqual(pixel(drawTrayIcon(size, 'paused'), size, 24, 24), [0xf7, 0x63, 0x0c, 255], 'an amber dot while paused');
    assert.deepEqual(pixel(drawTrayIcon(size, 'stopped'), size, 3, 16), [0x8a, 0x8a, 0x8a, 255], 'grey when stopped');
    assert.notDeepEqual(pixel(icon, size, 24, 24), [0xc5, 0x0f, 0x1f, 255], 'no dot while serving');
  });
});
