import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { invertFixPlan, type FixAction } from '../../../main/reconcile/fix-plan';
import { AuditRepository } from '../../../main/store/audit-repository';
import type { IdentifierChange } from '../../../main/store/directory-store';
import { FixRepository } from '../../../main/store/fix-repository';
import { createSqliteStore } from '../../../main/store/sqlite-store';
import { StoreConflictError } from '../../../main/store/store-errors';

const now = new Date('2026-03-01T10:00:00.000Z');
const A = '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef';
const B = '5f1c3a7e-64d0-4a8e-9b2f-0c9d2b7e41aa';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('FixRepository', () => {
  let store: ReturnType<typeof createSqliteStore>;
  let adele: string;
  let alex: string;

  beforeEach(async () => {
    store = createSqliteStore(':memory:');
    adele = (await store.createResource('User', { doc: { userName: 'adele@contoso.com' } }, now)).id;
    alex = (await store.createResource('User', { doc: { userName: 'alex@contoso.com', externalId: 'alex' } }, now)).id;
  });

  const link = (resourceId: string, name: string, before: string | null, after: string | null): IdentifierChange => ({
    resourceType: 'User',
    resourceId,
    name,
    before,
    after,
    reason: 'test',
  });

  it('applies a batch in one transaction with an audit entry per record', async () => {
    const batch = await store.applyIdentifierChanges(
      { id: 'fix-1', actor: 'admin', summary: '2 links', changes: [link(adele, 'adele', null, A), link(alex, 'alex', 'alex', B)] },
      now,
    );
    assert.equal(batch.changes.length, 2);
    const read = await store.getResource('User', adele, { withMembers: false, withGroups: false });
    assert.equal(read?.doc['externalId'], A);
    assert.equal(read?.version, 2);
    const audit = await store.listAudit({ limit: 10 });
    assert.deepEqual(audit.map((a) => a.action).sort(), ['fix.link', 'fix.link']);
    assert.deepEqual(audit.find((a) => a.resourceId === alex)?.before, { externalId: 'alex' });
  });

  it('writes nothing when one record changed since the comparison, and names it', async () => {
    await store.setExternalId('User', alex, 'changed', { time: now.toISOString(), actor: 'x', action: 'setExternalId', resourceType: 'User', resourceId: alex, summary: 's' }, now);
    await assert.rejects(
      store.applyIdentifierChanges({ id: 'fix-2', actor: 'admin', summary: 's', changes: [link(adele, 'adele', null, A), link(alex, 'alex', 'alex', B)] }, now),
      (error: unknown) => error instanceof StoreConflictError && error.conflicts.length === 1 && /alex: Object ID in Entra is now changed/.test(error.conflicts[0]!),
    );
    assert.equal((await store.getResource('User', adele, { withMembers: false, withGroups: false }))?.doc['externalId'], undefined);
    assert.equal(await store.getFixBatch('fix-2'), undefined);
  });

  it('refuses an objectId another record already holds, in any letter case', async () => {
    await store.setExternalId('User', alex, A.toUpperCase(), { time: now.toISOString(), actor: 'x', action: 'a', resourceType: 'User', resourceId: alex, summary: 's' }, now);
    await assert.rejects(
      store.applyIdentifierChanges({ id: 'fix-3', actor: 'admin', summary: 's', changes: [link(adele, 'adele', null, A)] }, now),
      (error: unknown) => error instanceof StoreConflictError && /already belongs to/.test(error.conflicts[0]!),
    );
  });

  it('allows moving an objectId from one record to another within one batch', async () => {
    await store.applyIdentifierChanges({ id: 'fix-4a', actor: 'admin', summary: 's', changes: [link(alex, 'alex', 'alex', A)] }, now);
    const moved = await store.applyIdentifierChanges(
      { id: 'fix-4b', actor: 'admin', summary: 's', changes: [link(alex, 'alex', A, null), link(adele, 'adele', null, A)] },
      now,
    );
    assert.equal(moved.changes.length, 2);
  });

  it('undoes a batch as a whole, once, and refuses when a record changed since', async () => {
    await store.applyIdentifierChanges({ id: 'fix-5', actor: 'admin', summary: 's', changes: [link(adele, 'adele', null, A), link(alex, 'alex', 'alex', B)] }, now);
    const undone = await store.undoFixBatch('fix-5', 'admin2', now);
    assert.equal(undone.undoneBy, 'admin2');
    assert.equal((await store.getResource('User', alex, { withMembers: false, withGroups: false }))?.doc['externalId'], 'alex');
    assert.equal((await store.getResource('User', adele, { withMembers: false, withGroups: false }))?.doc['externalId'], undefined);
    await assert.rejects(store.undoFixBatch('fix-5', 'admin', now), StoreConflictError);

    await store.applyIdentifierChanges({ id: 'fix-6', actor: 'admin', summary: 's', changes: [link(adele, 'adele', null, A)] }, now);
    await store.setExternalId('User', adele, B, { time: now.toISOString(), actor: 'x', action: 'a', resourceType: 'User', resourceId: adele, summary: 's' }, now);
    await assert.rejects(store.undoFixBatch('fix-6', 'admin', now), (error: unknown) => error instanceof StoreConflictError && /expected/.test(error.conflicts[0]!));
  });

  it('undoes by applying invertFixPlan, the inverse the fix-plan property tests check, and exactly what it returns', async () => {
    const applied = await store.applyIdentifierChanges({ id: 'fix-7', actor: 'admin', summary: 's', changes: [link(adele, 'adele', null, A), link(alex, 'alex', 'alex', B)] }, now);
    const audit = new AuditRepository(store.db);
    assert.equal(new FixRepository(store.db, audit, store.resources).invert, invertFixPlan, 'the store undoes with invertFixPlan');

    // An inverse that keeps only its first action: undo must apply that and nothing of its own.
    const seen: FixAction[][] = [];
    const partial = new FixRepository(store.db, audit, store.resources, (actions) => {
      seen.push([...actions]);
      return invertFixPlan(actions).slice(0, 1);
    });
    partial.undo('fix-7', 'admin', now);
    assert.deepEqual(
      seen,
      [applied.changes.map((c) => ({ kind: c.after === null ? 'unlink' : 'link', resourceType: c.resourceType, localId: c.resourceId, name: c.name, from: c.before, to: c.after, reason: c.reason }))],
      'the inverse is asked for with the batch as plan actions',
    );
    const externalId = async (id: string) => (await store.getResource('User', id, { withMembers: false, withGroups: false }))?.doc['externalId'];
    assert.equal(await externalId(alex), 'alex', "the inverse's one action (the last change, undone first) is applied");
    assert.equal(await externalId(adele), A, 'what the inverse left out stays as it is');
  });

  it('takes a local snapshot with primary email first and the employee number', async () => {
    await store.createResource(
      'User',
      {
        doc: {
          userName: 'diego@contoso.com',
          displayName: 'Diego',
          active: false,
          emails: [
            { value: 'home@x.example', type: 'home' },
            { value: 'diego@contoso.com', type: 'work', primary: true },
          ],
          [ENT]: { employeeNumber: '0042' },
        },
      },
      now,
    );
    await store.createResource('Group', { doc: { displayName: 'Sales', externalId: B } }, now);
    const snapshot = await store.localSnapshot(now);
    const diego = snapshot.users.find((u) => u.userName === 'diego@contoso.com');
    assert.deepEqual(diego, {
      id: diego!.id,
      userName: 'diego@contoso.com',
      externalId: null,
      displayName: 'Diego',
      emails: ['diego@contoso.com', 'home@x.example'],
      active: false,
      employeeNumber: '0042',
    });
    assert.deepEqual(snapshot.groups.map((g) => [g.displayName, g.externalId]), [['Sales', B]]);
  });
});
