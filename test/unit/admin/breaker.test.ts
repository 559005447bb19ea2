import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BreakerSettings } from '../../../shared/admin/breaker-schemas';
import { DeprovisionBreaker } from '../../../main/admin/breaker';
import { AdminEventBus } from '../../../main/lib/event-bus';
import type { DeprovisionAttempt } from '../../../main/scim/deprovision';
import { buildResourceSchemas } from '../../../main/scim/schema/resource-schema';
import { createSqliteStore, type SqliteStore } from '../../../main/store/sqlite-store';

const START = Date.parse('2026-03-01T08:00:00.000Z');

async function setup(settings: BreakerSettings, users = 100) {
  const store = createSqliteStore(':memory:', { checkpointWorker: false });
  for (let i = 0; i < users; i++) await store.createResource('User', { doc: { userName: `u${i}@contoso.com`, active: true } }, new Date(START));
  let clock = START;
  const events: Array<{ held: number; tripped: boolean }> = [];
  const bus = new AdminEventBus();
  bus.subscribe('breaker.changed', (payload) => events.push(payload));
  const breaker = await DeprovisionBreaker.load({
    store,
    schemas: () => buildResourceSchemas([]),
    checkDoc: () => undefined,
    takeSnapshot: async () => undefined,
    events: bus,
    now: () => new Date(clock),
  });
  await breaker.saveSettings(settings);
  const attempt = async (id: string): Promise<DeprovisionAttempt> => {
    const current = (await store.getResource('User', id, { withMembers: false, withGroups: false })) ?? {
      kind: 'User' as const,
      id,
      doc: { userName: id },
      created: '',
      lastModified: '',
      version: 1,
    };
    return { resourceType: 'User', resourceId: id, action: 'delete', method: 'DELETE', body: undefined, ifMatch: null, current, changes: [{ op: 'delete' }] };
  };
  const admit = async (id: string) => (await breaker.admit(await attempt(id), new Date(clock))).held;
  return {
    store,
    breaker,
    events,
    admit,
    advance: (minutes: number) => (clock += minutes * 60_000),
    close: () => store.close(),
  } as { store: SqliteStore; breaker: DeprovisionBreaker; events: typeof events; admit: typeof admit; advance: (m: number) => number; close: () => Promise<void> };
}

const minutes = (maxCount: number, window = 60): BreakerSettings => ({ enabled: true, maxCount, maxPercent: null, window: { mode: 'minutes', minutes: window } });

describe('DeprovisionBreaker', () => {
  it('counts within a sliding window: what is older than the window no longer counts', async () => {
    const b = await setup(minutes(3, 60));
    try {
      assert.deepEqual([await b.admit('a'), await b.admit('b')], [false, false]);
      b.advance(45);
      assert.equal(await b.admit('c'), false, 'three in 45 minutes');
      b.advance(20);
      // a and b are 65 minutes old: out of the window, so two more pass.
      assert.deepEqual([await b.admit('d'), await b.admit('e')], [false, false]);
      assert.equal(await b.admit('f'), true, 'c, d, e in the window: the fourth is held');
      assert.deepEqual(b.events.at(-1), { held: 1, tripped: true });
    } finally {
      await b.close();
    }
  });

  it('stays tripped after the window has passed, until the held list is cleared', async () => {
    const b = await setup(minutes(1, 10));
    try {
      assert.equal(await b.admit('a'), false);
      assert.equal(await b.admit('b'), true);
      b.advance(120);
      assert.equal(await b.admit('c'), true, 'hours later, still held: a mass deprovisioning outlasts any window');
      await b.breaker.reject(null);
      assert.equal(await b.admit('d'), false, 'counting starts again once the held list is cleared');
      assert.equal(await b.admit('e'), true);
    } finally {
      await b.close();
    }
  });

  it("counts within Entra's cycle: a silence starts the next cycle", async () => {
    const b = await setup({ enabled: true, maxCount: 2, maxPercent: null, window: { mode: 'cycle', silenceMinutes: 10 } });
    try {
      assert.deepEqual([await b.admit('a'), await b.admit('b')], [false, false]);
      b.advance(5);
      b.breaker.observeActivity([new Date(START + 5 * 60_000).toISOString()]);
      b.advance(8);
      // 8 minutes after Entra's last request: the same cycle.
      assert.equal(await b.admit('c'), true);
      await b.breaker.reject(null);
      b.advance(40);
      assert.deepEqual([await b.admit('d'), await b.admit('e')], [false, false], 'a new cycle after 40 minutes of silence');
      b.advance(1);
      assert.equal(await b.admit('f'), true);
    } finally {
      await b.close();
    }
  });

  it('decides one request at a time: of 10 sent at once with a limit of 4, exactly 4 pass', async () => {
    const b = await setup(minutes(4));
    try {
      const verdicts = await Promise.all(Array.from({ length: 10 }, (_, i) => b.admit(`p${i}`)));
      assert.equal(verdicts.filter((held) => !held).length, 4);
      assert.equal(await b.store.countHeldOperations(), 6);
    } finally {
      await b.close();
    }
  });
});
