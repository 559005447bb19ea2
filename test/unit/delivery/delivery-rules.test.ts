import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs, messageId } from '../../../main/delivery/delivery-worker';
import { wantsChange } from '../../../main/delivery/subscription-filter';
import { checkSecret, generateSecret } from '../../../main/delivery/subscriptions';
import { isLocalAddress, ownApiRefusal } from '../../../main/delivery/target-guard';
import type { DirectoryChange } from '../../../shared/admin/change-types';

const change = (type: DirectoryChange['type'], data: Record<string, unknown> = {}): DirectoryChange => ({
  seq: 7,
  time: '2026-12-03T10:00:00.000Z',
  type,
  resourceType: type.startsWith('user') ? 'User' : 'Group',
  resourceId: 'r',
  externalId: null,
  version: 2,
  data,
});

describe('which changes a subscription receives', () => {
  const cases: ReadonlyArray<[string, Parameters<typeof wantsChange>[0], DirectoryChange, boolean]> = [
    ['every change when nothing is chosen', { events: null, filter: null }, change('group.deleted'), true],
    ['only the chosen event types', { events: ['user.created'], filter: null }, change('user.deleted'), false],
    ['a chosen event type', { events: ['user.created'], filter: null }, change('user.created'), true],
    ['only users', { events: null, filter: { resourceTypes: ['User'] } }, change('group.created'), false],
    ['an update of a watched attribute (any letter case)', { events: null, filter: { attributes: ['Department'] } }, change('user.updated', { attributes: { department: 'x' } }), true],
    ['an update of other attributes only', { events: null, filter: { attributes: ['department'] } }, change('user.updated', { attributes: { title: 'x' } }), false],
    ['a deactivation watched through active', { events: null, filter: { attributes: ['active'] } }, change('user.deactivated', { attributes: { active: false } }), true],
    ['creations whatever attributes are watched', { events: null, filter: { attributes: ['department'] } }, change('user.created'), true],
  ];
  for (const [name, subscription, input, expected] of cases) it(name, () => assert.equal(wantsChange(subscription, input), expected));
});

describe("the guard of ScimDesk's own ports", () => {
  const own = [8631, 8632];
  const cases: ReadonlyArray<[string, string, string[], boolean]> = [
    ['loopback on the SCIM port', 'http://127.0.0.1:8631/scim/v2', ['127.0.0.1'], true],
    ['IPv4-mapped loopback on the admin port', 'http://x:8632/', ['::ffff:127.0.0.1'], true],
    ['this machine’s own interface address', 'http://host:8631/', ['10.1.2.3'], true],
    ['the any address', 'http://0.0.0.0:8631/', ['0.0.0.0'], true],
    ['loopback on another port (a local receiver)', 'http://127.0.0.1:9000/', ['127.0.0.1'], false],
    ['another machine on the SCIM port', 'http://hr:8631/', ['10.9.9.9'], false],
    ['https default port', 'https://localhost/', ['127.0.0.1'], false],
  ];
  for (const [name, url, addresses, refused] of cases) {
    it(`${refused ? 'refuses' : 'allows'} ${name}`, () => assert.equal(ownApiRefusal(new URL(url), addresses, own, ['10.1.2.3']) !== undefined, refused));
  }
  it('knows loopback in its spellings', () => {
    for (const address of ['127.0.0.1', '127.5.6.7', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLocalAddress(address, []), true, address);
    assert.equal(isLocalAddress('192.168.1.10', []), false);
  });
});

describe('retries and ids', () => {
  it('waits at random up to a ceiling that doubles per failure and stops at the maximum (full jitter)', () => {
    const tuning = { backoffBaseMs: 1000, backoffMaxMs: 60_000 };
    assert.equal(backoffMs(1, tuning, () => 0.999999), 999);
    assert.equal(backoffMs(3, tuning, () => 0.5), 2000);
    assert.equal(backoffMs(30, tuning, () => 0.5), 30_000);
    assert.equal(backoffMs(4, tuning, () => 0), 0);
  });
  it('names a batch by its subscription and range, so a retry sends it under the same id', () => {
    assert.equal(messageId('sub_1', 5, 9), 'msg_sub_1_5_9');
  });
  it('generates Standard Webhooks secrets and refuses malformed ones', () => {
    assert.match(checkSecret(generateSecret()), /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.throws(() => checkSecret('whsec_c2hvcnQ='), /at least 16/);
    assert.throws(() => checkSecret('secret'), /whsec_/);
  });
});
