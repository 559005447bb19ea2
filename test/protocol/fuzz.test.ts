import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fuzz } from '../fuzz/http-fuzzer';
import { startTestCore, type TestCore } from '../support/start-test-core';

/**
 * The HTTP fuzzer's short form (the long one: `npm run fuzz -- --requests N --seed S`): 1,500
 * generated and mutated requests, none answered 5xx or without a SCIM error body, and no refused
 * one writing anything.
 */
describe('SCIM endpoint under the HTTP fuzzer', () => {
  let t: TestCore;
  before(async () => {
    t = await startTestCore();
  });
  after(async () => {
    await t.stop();
  });

  it('answers 1,500 fuzzed requests without a 5xx, each error with a SCIM body, no refused request writing', { timeout: 120_000 }, async () => {
    const result = await fuzz({ baseUrl: t.baseUrl, token: t.token, store: t.core.store }, 1500, Number(process.env['FUZZ_SEED'] ?? 14));
    assert.deepEqual(
      result.failures.map((f) => `${f.reason}: ${f.status} for ${f.request.method} ${f.request.path.slice(0, 200)} → ${f.answer.slice(0, 200)}`),
      [],
    );
    assert.equal(result.requests, 1500);
    // The mix reaches both sides: requests taken and requests refused.
    const taken = [200, 201, 204].reduce((sum, status) => sum + (result.byStatus.get(status) ?? 0), 0);
    assert.ok(taken > 300 && (result.byStatus.get(400) ?? 0) > 100, JSON.stringify([...result.byStatus]));
  });
});
