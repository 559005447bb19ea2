import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, mock } from 'node:test';
import { claimRunMarker, findRunningHost, isProcessAlive, RUN_MARKER_HEARTBEAT_MS, RUN_MARKER_STALE_MS, RUNNING_FOLDER } from '../../../main/lib/run-marker';

const root = mkdtempSync(join(tmpdir(), 'scimdesk-run-marker-'));
after(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const dataDir = () => join(root, String(++folders));

/** A pid that was a process and is no more. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('run marker', () => {
  it('records the host, pid and start time owner-only while a core runs, and nothing once it stops', () => {
    const dir = dataDir();
    const claim = claimRunMarker(dir, 'desktop', () => new Date('2026-12-03T18:00:00.000Z'));
    const running = findRunningHost(dir);
    assert.deepEqual(running && { host: running.host, pid: running.pid, startedAt: running.startedAt }, { host: 'desktop', pid: process.pid, startedAt: '2026-12-03T18:00:00.000Z' });
    assert.deepEqual(JSON.parse(readFileSync(running!.file, 'utf8')), { host: 'desktop', pid: process.pid, startedAt: '2026-12-03T18:00:00.000Z' });
    if (process.platform !== 'win32') assert.equal(statSync(running!.file).mode & 0o777, 0o600);
    claim.release();
    assert.equal(findRunningHost(dir), undefined);
    assert.deepEqual(readdirSync(join(dir, RUNNING_FOLDER)), []);
    claim.release();
  });

  it('finds nothing in a data folder no core ever ran on', () => {
    assert.equal(findRunningHost(dataDir()), undefined);
  });

  it('keeps one marker per core: a second core on the folder stopping leaves the first one found', () => {
    const dir = dataDir();
    const first = claimRunMarker(dir, 'service');
    const second = claimRunMarker(dir, 'desktop');
    second.release();
    assert.equal(findRunningHost(dir)?.host, 'service');
    first.release();
  });

  it("ignores and removes the marker of a killed core, whose process is gone", () => {
    const dir = dataDir();
    const claim = claimRunMarker(dir, 'service');
    const pid = deadPid();
    assert.equal(isProcessAlive(pid), false);
    const file = findRunningHost(dir)!.file;
    assert.equal(findRunningHost(dir, { isAlive: (candidate) => candidate !== process.pid }), undefined);
    assert.equal(existsSync(file), false, 'removed');
    claim.release();
  });

  it('ignores a marker untouched for longer than the heartbeat allows, even when a process has its pid now (pid reuse)', () => {
    const dir = dataDir();
    const claim = claimRunMarker(dir, 'desktop');
    const file = findRunningHost(dir)!.file;
    const old = new Date(Date.now() - RUN_MARKER_STALE_MS - 1000);
    utimesSync(file, old, old);
    assert.equal(findRunningHost(dir), undefined);
    assert.equal(existsSync(file), true, 'its process may be a running program: the marker is left alone');
    const recent = new Date(Date.now() - RUN_MARKER_STALE_MS + 5000);
    utimesSync(file, recent, recent);
    assert.equal(findRunningHost(dir)?.pid, process.pid, 'a core held up by a long transaction still counts');
    claim.release();
  });

  it('touches its marker every heartbeat while the core runs', () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const dir = dataDir();
      const claim = claimRunMarker(dir, 'service');
      const file = findRunningHost(dir)!.file;
      const old = new Date(Date.now() - RUN_MARKER_STALE_MS - 1000);
      utimesSync(file, old, old);
      assert.equal(findRunningHost(dir), undefined);
      mock.timers.tick(RUN_MARKER_HEARTBEAT_MS);
      assert.equal(findRunningHost(dir)?.pid, process.pid);
      claim.release();
    } finally {
      mock.timers.reset();
    }
  });

  it('says a process of another account is alive (EPERM), and a pid that is no number is not', () => {
    assert.equal(isProcessAlive(process.pid), true);
    if (process.platform !== 'win32' && process.getuid?.() !== 0) assert.equal(isProcessAlive(1), true);
    assert.equal(isProcessAlive(Number.NaN), false);
    assert.equal(isProcessAlive(0), false);
    assert.equal(isProcessAlive(deadPid()), false);
  });
});
