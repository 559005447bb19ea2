import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCore, type TestCore } from '../support/start-test-core';
import { readScim, readScimError } from './protocol-helpers';

/**
 * A flood of wrong tokens (issue 14: 5,000 with a 15 KB filter once added 121 MB to the sync log in
 * 3 s). Failed authentication is throttled per client address with backoff, the valid token never
 * is, and refusals are kept as a few summed-up rows that the Overview and the quarantine watch
 * still count one by one.
 */
describe('SCIM endpoint under a flood of wrong tokens', () => {
  let t: TestCore;

  before(async () => {
    // The clock stands still while the 300 requests run: the 5-second block they meet must not end
    // because a loaded machine took longer than that to send them (it did, and the test failed).
    const start = Date.now();
    t = await startTestCore({ now: () => new Date(start) });
  });

  after(async () => {
    await t.stop();
  });

  it('answers 401 ten times, then 429 with Retry-After, never throttles the valid token, and logs 300 refusals in a few rows', async () => {
    const filter = encodeURIComponent(`userName eq "${'x'.repeat(5000)}"`);
    const wrong = { authorization: 'Bearer scimdesk_wrongwrongwrongwrongwrongwrongwrongwrong', adscimversion: '2.0' };
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) {
      const response = await t.scim(`/Users?filter=${filter}`, { headers: wrong });
      statuses.push(response.status);
      if (i === 10) {
        assert.equal(response.headers.get('retry-after'), '5');
        const body = await readScimError(response, 429, undefined, 'the eleventh');
        assert.match(body.detail, /try again in 5 seconds/);
      } else await response.arrayBuffer();
      if (i === 150) {
        // From the same address, in the middle of the block: the valid token is served.
        await readScim(await t.scim('/Users?count=1'), 200, 'the valid token while the address is blocked');
      }
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.ok(statuses.slice(10).every((status) => status === 429), 'then 429 while blocked');

    await t.core.syncLog.flush();
    const rows = (await t.core.store.querySyncLog({ limit: 1000, operation: 'refused' })).toReversed();
    assert.ok(rows.length <= 4, `${rows.length} rows for 300 refused requests`);
    assert.equal(rows.reduce((sum, row) => sum + (row.count ?? 1), 0), 300);
    for (const row of rows) {
      assert.ok(!(row.detail ?? '').includes('xxxxxxxxxx'), 'no query string of a refused request is kept');
      assert.equal(row.path, '/scim/v2/Users');
    }
    // What the Overview and the quarantine watch read: every refusal, as Entra (ADSCIMVersion) sent them.
    const overview = await t.core.admin.handlers['overview.get']({}, { actor: 'test' });
    assert.equal(overview.quarantine.refusedCredentials.count, 300);
    assert.equal(overview.quarantine.level, 'met');
    assert.notEqual(overview.setup.connected, 'entra', 'a refused token, even answered 429, is not Entra connecting');
    assert.ok(overview.last24h.errors >= 300);
    const listed = await t.core.admin.handlers['syncLog.query']({ operation: 'refused', limit: 10 }, { actor: 'test' });
    assert.deepEqual(
      listed.items.map((item) => item.count).sort((a, b) => (a ?? 1) - (b ?? 1)),
      rows.map((row) => row.count).sort((a, b) => (a ?? 1) - (b ?? 1)),
      'the admin contract carries the counts',
    );
  });
});
