import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProvisioningErrorWatch, type WatchedEntry } from '../../../main/app/error-watch';

const ENTRA = 'Date: 2026-01-01, ActivityId: 5b7c2a1e-9d3f-4e8a-b6c4-1f2e3d4c5b6a';
const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const at = (minutes: number, status: number, adscimVersion: string | null = ENTRA): WatchedEntry => ({
  time: new Date(T0 + minutes * 60_000).toISOString(),
  status,
  adscimVersion,
});
const clock = (minutes: number) => new Date(T0 + minutes * 60_000);

describe("the watch on Entra's provisioning errors", () => {
  it('notifies when errors begin, not again while they go on, and again when they begin after a clean cycle', () => {
    const watch = new ProvisioningErrorWatch({ isPaused: () => false, notifyIntervalMs: 0 });
    assert.deepEqual(watch.observe([at(0, 200), at(0.1, 201)], clock(0.1)), { began: false, notify: false });
    assert.deepEqual(watch.observe([at(0.2, 409), at(0.3, 400)], clock(0.3)), { began: true, notify: true });
    assert.equal(watch.lastCycleErrors(), 2);
    // The next cycle, 40 minutes later, fails as well: the same errors going on.
    assert.deepEqual(watch.observe([at(40, 409)], clock(40)), { began: false, notify: false });
    assert.equal(watch.lastCycleErrors(), 1);
    // A clean cycle, then errors again.
    watch.observe([at(80, 200)], clock(80));
    assert.equal(watch.lastCycleErrors(), 0);
    assert.deepEqual(watch.observe([at(120, 500)], clock(120)), { began: true, notify: true });
  });

  it('notifies at most once an hour when errors come and go', () => {
    const watch = new ProvisioningErrorWatch({ isPaused: () => false });
    assert.equal(watch.observe([at(0, 500)], clock(0)).notify, true);
    watch.observe([at(40, 200)], clock(40));
    const again = watch.observe([at(50, 500)], clock(50));
    assert.deepEqual(again, { began: true, notify: false }, 'began again, within the hour');
    watch.observe([at(90, 200)], clock(90));
    assert.equal(watch.observe([at(130, 500)], clock(130)).notify, true, 'an hour later');
  });

  it("counts Entra's requests only, and not the 503s a pause answers", () => {
    let paused = false;
    const watch = new ProvisioningErrorWatch({ isPaused: () => paused, notifyIntervalMs: 0 });
    assert.equal(watch.observe([at(0, 401, null), at(0.1, 500, null)], clock(0)).began, false, 'a curl without the ADSCIMVersion header');
    paused = true;
    assert.equal(watch.observe([at(1, 503), at(1.1, 503)], clock(1)).began, false);
    assert.equal(watch.lastCycleErrors(), 0);
    assert.equal(watch.observe([at(1.2, 401)], clock(1)).began, true, 'a refused token is an error, paused or not');
  });
});
