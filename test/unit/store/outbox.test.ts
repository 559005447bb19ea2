import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { applyPatch } from '../../../main/scim/patch/apply-patch';
import { normalizePatchRequest } from '../../../main/scim/patch/normalize-patch';
import { buildResourceSchemas } from '../../../main/scim/schema/resource-schema';
import { createSqliteStore } from '../../../main/store/sqlite-store';

const schemas = buildResourceSchemas([]);
const now = new Date('2026-01-02T03:04:05.000Z');
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const NO_EXTRAS = { withMembers: false, withGroups: false };

function patchWith(kind: 'User' | 'Group', ...operations: unknown[]) {
  const normalized = normalizePatchRequest({ schemas: [PATCH], Operations: operations }, schemas[kind]);
  return (doc: Record<string, unknown>) => applyPatch(doc, normalized.operations, schemas[kind]);
}

/** The outbox as a receiver reads it: type, resource and what changed. */
async function feed(store: ReturnType<typeof createSqliteStore>, after = 0) {
  return (await store.readChanges(after, 1000)).map((change) => ({ seq: change.seq, type: change.type, id: change.resourceId, version: change.version, data: change.data }));
}

describe('the change outbox', () => {
  let store: ReturnType<typeof createSqliteStore>;

  beforeEach(() => {
    store = createSqliteStore(':memory:');
  });

  it('records user create, update with only the changed attributes, deactivate, reactivate and delete, numbered without gaps', async () => {
    const user = await store.createResource('User', { doc: { userName: 'a@contoso.com', active: true, title: 'A', externalId: 'oid-1' } }, now);
    await store.patchResource('User', user.id, patchWith('User', { op: 'replace', path: 'title', value: 'B' }), {}, now, NO_EXTRAS);
    await store.patchResource('User', user.id, patchWith('User', { op: 'replace', path: 'active', value: false }), {}, now, NO_EXTRAS);
    await store.replaceResource('User', user.id, { doc: { userName: 'a@contoso.com', active: true, title: 'B', externalId: 'oid-1' } }, {}, now);
    // A PATCH that changes nothing is no change.
    await store.patchResource('User', user.id, patchWith('User', { op: 'replace', path: 'title', value: 'B' }), {}, now, NO_EXTRAS);
    await store.deleteResource('User', user.id, {}, { mode: 'hard' }, now);
    const changes = await feed(store);
    assert.deepEqual(
      changes.map((c) => [c.seq, c.type, c.version]),
      [
        [1, 'user.created', 1],
        [2, 'user.updated', 2],
        [3, 'user.deactivated', 3],
        [4, 'user.reactivated', 4],
        [5, 'user.deleted', 4],
      ],
    );
    assert.deepEqual(changes[1]!.data, { attributes: { title: 'B' } });
    assert.deepEqual(changes[2]!.data, { attributes: { active: false } });
    const [first] = await store.readChanges(0, 1);
    assert.equal(first!.externalId, 'oid-1');
    assert.deepEqual(first!.data['resource'], { userName: 'a@contoso.com', active: true, title: 'A', externalId: 'oid-1' });
  });

  it('records group create with members, rename, members added and removed (net), and a deleted member leaving its groups', async () => {
    const a = await store.createResource('User', { doc: { userName: 'a@contoso.com' } }, now);
    const b = await store.createResource('User', { doc: { userName: 'b@contoso.com' } }, now);
    const group = await store.createResource('Group', { doc: { displayName: 'Sales' }, members: [{ value: a.id }] }, now);
    await store.patchResource('Group', group.id, patchWith('Group', { op: 'replace', path: 'displayName', value: 'Sales EU' }), {}, now, NO_EXTRAS);
    await store.patchResource('Group', group.id, patchWith('Group', { op: 'add', path: 'members', value: [{ value: b.id }] }), {}, now, NO_EXTRAS);
    // PUT with the same members but a: nothing added, b removed.
    await store.replaceResource('Group', group.id, { doc: { displayName: 'Sales EU' }, members: [{ value: a.id }] }, {}, now);
    await store.deleteResource('User', a.id, {}, { mode: 'hard' }, now);
    const changes = (await feed(store, 2)).map((c) => [c.type, c.id, c.version, c.data]);
    assert.deepEqual(changes, [
      ['group.created', group.id, 1, { resource: { displayName: 'Sales' }, members: [{ value: a.id, type: 'User' }] }],
      ['group.renamed', group.id, 2, { attributes: { displayName: 'Sales EU' } }],
      ['group.members.added', group.id, 3, { members: [{ value: b.id, type: 'User' }] }],
      ['group.members.removed', group.id, 4, { members: [{ value: b.id, type: 'User' }] }],
      ['group.members.removed', group.id, 5, { members: [{ value: a.id, type: 'User' }] }],
      ['user.deleted', a.id, 1, { retained: false }],
    ]);
  });

  it('records a pending member joining when its user is created after the group named it', async () => {
    const group = await store.createResource('Group', { doc: { displayName: 'G' }, members: [{ value: 'oid-late' }] }, now);
    const user = await store.createResource('User', { doc: { userName: 'late@contoso.com', externalId: 'oid-late' } }, now);
    const changes = (await feed(store)).map((c) => [c.type, c.id, c.version]);
    assert.deepEqual(changes, [
      ['group.created', group.id, 1],
      ['user.created', user.id, 1],
      ['group.members.added', group.id, 2],
    ]);
  });

  it("records Compare & Fix's objectId fix, its undo, and an admin's link", async () => {
    const user = await store.createResource('User', { doc: { userName: 'a@contoso.com' } }, now);
    await store.applyIdentifierChanges(
      { id: 'fix-1', actor: 'admin', summary: 's', changes: [{ resourceType: 'User', resourceId: user.id, name: 'a', before: null, after: 'oid-9', reason: 'match' }] },
      now,
    );
    await store.undoFixBatch('fix-1', 'admin', now);
    await store.setExternalId('User', user.id, 'oid-7', { time: now.toISOString(), actor: 'admin', action: 'link', resourceType: 'User', resourceId: user.id, summary: 'linked' }, now);
    const changes = (await feed(store, 1)).map((c) => [c.type, c.version, c.data]);
    assert.deepEqual(changes, [
      ['user.objectId.fixed', 2, { before: null, after: 'oid-9', batchId: 'fix-1', undo: false }],
      ['user.objectId.fixed', 3, { before: 'oid-9', after: null, batchId: 'fix-1', undo: true }],
      ['user.updated', 4, { attributes: { externalId: 'oid-7' } }],
    ]);
  });

  it('records nothing for a rejected write, and the next change takes the next number (no gap)', async () => {
    await store.createResource('User', { doc: { userName: 'a@contoso.com' } }, now);
    await assert.rejects(store.createResource('User', { doc: { userName: 'A@contoso.com' } }, now));
    const group = await store.createResource('Group', { doc: { displayName: 'G' } }, now);
    await assert.rejects(store.patchResource('Group', group.id, patchWith('Group', { op: 'add', path: 'members', value: [{ value: group.id }] }), {}, now, NO_EXTRAS));
    await store.createResource('User', { doc: { userName: 'b@contoso.com' } }, now);
    assert.deepEqual((await feed(store)).map((c) => [c.seq, c.type]), [
      [1, 'user.created'],
      [2, 'group.created'],
      [3, 'user.created'],
    ]);
  });

  it('prunes by age and count from the head only, never past what a consumer has not acknowledged, and never reuses a number', async () => {
    for (let i = 0; i < 10; i++) await store.createResource('User', { doc: { userName: `u${i}@contoso.com` } }, now);
    await store.addSubscription({
      id: 'sub', url: 'http://127.0.0.1:1/', events: null, filter: null, secretHint: 'whsec_••••AAAA', pauseAfter: 12, created: now.toISOString(), deliveredSeq: 4,
      inflightTo: null, paused: null, pauseReason: null, failures: 0, nextAttempt: null, lastError: null, lastSuccess: null,
    });
    const later = new Date(now.getTime() + 40 * 86_400_000);
    assert.equal(await store.pruneOutbox({ maxAgeDays: 30, maxRows: 1000 }, later), 4);
    assert.deepEqual(await store.outboxBounds(), { head: 10, oldest: 5, kept: 6 });
    await store.updateSubscription('sub', { deliveredSeq: 10 });
    assert.equal(await store.pruneOutbox({ maxAgeDays: 365, maxRows: 3 }, later), 3);
    // Everything is old and delivered: all but the newest go (it keeps the numbering going).
    assert.equal(await store.pruneOutbox({ maxAgeDays: 30, maxRows: 1000 }, later), 2);
    assert.deepEqual(await store.outboxBounds(), { head: 10, oldest: 10, kept: 1 });
    await store.createResource('User', { doc: { userName: 'next@contoso.com' } }, later);
    assert.deepEqual((await feed(store)).map((c) => c.seq), [10, 11]);
    // By age alone: what was written before the cut-off goes, what came after stays.
    await store.updateSubscription('sub', { deliveredSeq: 11 });
    assert.equal(await store.pruneOutbox({ maxAgeDays: 30, maxRows: 1000 }, new Date(later.getTime() + 20 * 86_400_000)), 1);
    assert.deepEqual((await feed(store)).map((c) => c.seq), [11]);
  });
});
