import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_FILTER_LENGTH, MAX_FILTER_TERMS } from '../../main/scim/filter/parse-filter';
import { startTestCore, type TestCore } from '../support/start-test-core';
import { readScim, readScimError, URN_PATCH, URN_USER } from './protocol-helpers';

/** `{"a":{"a":…"x"…}}` nested `levels` deep: 2,600 levels are about 15 KB of text, well under the body limit. */
function nestedObject(levels: number): string {
  return '{"a":'.repeat(levels) + '"x"' + '}'.repeat(levels);
}

/** `term op term op …`, `count` terms. */
function chain(term: string, op: 'or' | 'and', count: number): string {
  return Array.from({ length: count }, () => term).join(` ${op} `);
}

/**
 * Input built to break the endpoint rather than to provision (issue 14): bodies nested thousands of
 * levels deep, filters of a thousand terms. Each is refused with a SCIM error before anything is
 * written, and an answer once decided is never turned into another one by the sync log.
 */
describe('SCIM endpoint on hostile input', () => {
  let t: TestCore;
  let userId: string;

  before(async () => {
    t = await startTestCore();
    const user = await readScim(await t.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'kept@contoso.com' }) }), 201);
    userId = user.id;
  });

  after(async () => {
    await t.stop();
  });

  it('refuses a POST nested 2,600 levels deep with 400 invalidSyntax and a request id, creating nothing, on every retry', async () => {
    const body = `{"schemas":["${URN_USER}"],"userName":"deep@contoso.com","title":${nestedObject(2600)}}`;
    for (const attempt of [1, 2]) {
      const response = await t.scim('/Users', { method: 'POST', body });
      assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, 'the answer carries its request id');
      const error = await readScimError(response, 400, 'invalidSyntax', `attempt ${attempt}`);
      assert.match(error.detail, /deeper than 32 levels/);
    }
    const found = await readScim(await t.scim('/Users?filter=userName%20eq%20%22deep@contoso.com%22'), 200);
    assert.equal(found.totalResults, 0, 'nothing was created');
  });

  it('refuses a PATCH whose value nests 2,600 levels with 400 invalidSyntax and changes nothing', async () => {
    const before = await readScim(await t.scim(`/Users/${userId}`), 200);
    const body = `{"schemas":["${URN_PATCH}"],"Operations":[{"op":"replace","path":"title","value":${nestedObject(2600)}}]}`;
    await readScimError(await t.scim(`/Users/${userId}`, { method: 'PATCH', body }), 400, 'invalidSyntax');
    assert.deepEqual(await readScim(await t.scim(`/Users/${userId}`), 200), before);
  });

  it('refuses arrays nested 3,000 deep the same way', async () => {
    const body = `{"schemas":["${URN_USER}"],"userName":"arrays@contoso.com","x":${'['.repeat(3000)}${']'.repeat(3000)}}`;
    await readScimError(await t.scim('/Users', { method: 'POST', body }), 400, 'invalidSyntax');
  });

  for (const op of ['or', 'and'] as const) {
    it(`refuses 1,000 ${op} terms under the length limit with 400 invalidFilter, in a query and in .search`, async () => {
      const filter = chain('id pr', op, 1000);
      assert.ok(filter.length < MAX_FILTER_LENGTH, `${filter.length} characters`);
      // Spaces as '+', as Entra writes them: the whole URL stays under Node's header limit.
      const query = encodeURIComponent(filter).replace(/%20/g, '+');
      const listed = await readScimError(await t.scim(`/Users?filter=${query}`), 400, 'invalidFilter', 'GET');
      assert.match(listed.detail, new RegExp(`more than ${MAX_FILTER_TERMS} comparisons`));
      await readScimError(await t.scim('/Users/.search', { method: 'POST', body: JSON.stringify({ filter }) }), 400, 'invalidFilter', '.search');
    });
  }

  it('answers a request line over 16 KB (refused by the HTTP parser before any handler) with 431 and a SCIM body', async () => {
    const filter = encodeURIComponent(`userName eq "${'x'.repeat(17_000)}"`);
    const response = await t.scim(`/Users?filter=${filter}`);
    const error = await readScimError(response, 431, undefined, 'a 17 KB request line');
    assert.match(error.detail, /larger than 16 KB: send a long filter in the body of POST \/\.search instead/);
  });

  it(`answers a filter of ${MAX_FILTER_TERMS} or-terms, nested and flat, from the store`, async () => {
    const flat = chain('userName eq "kept@contoso.com"', 'or', MAX_FILTER_TERMS);
    assert.equal((await readScim(await t.scim('/Users/.search', { method: 'POST', body: JSON.stringify({ filter: flat }) }), 200)).totalResults, 1);
    // Parenthesised to the right, each level a `not` of a `not` around an OR: 66 × 3 of the 200 levels allowed.
    let nested = 'userName eq "kept@contoso.com"';
    for (let i = 0; i < 66; i++) nested = `not (not (id eq "none" or (${nested})))`;
    assert.equal((await readScim(await t.scim('/Users/.search', { method: 'POST', body: JSON.stringify({ filter: nested }) }), 200)).totalResults, 1);
  });

  it('keeps a committed write\'s 201 when recording it in the sync log fails, and logs why', async () => {
    const original = t.core.syncLog.record.bind(t.core.syncLog);
    const logged: unknown[] = [];
    const originalError = t.core.logger.error.bind(t.core.logger);
    t.core.syncLog.record = () => {
      throw new RangeError('Maximum call stack size exceeded');
    };
    t.core.logger.error = ((object: unknown) => {
      logged.push(object);
    }) as typeof t.core.logger.error;
    try {
      const created = await readScim(
        await t.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'committed@contoso.com' }) }),
        201,
      );
      assert.equal(created.userName, 'committed@contoso.com');
    } finally {
      t.core.syncLog.record = original;
      t.core.logger.error = originalError;
    }
    assert.equal(logged.length, 1, 'the failure is in the log file');
    // Entra's retry then meets the real state: 409, not another 500.
    const retry = await t.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'committed@contoso.com' }) });
    await readScimError(retry, 409, 'uniqueness');
  });
});
