import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { invertFixPlan, type FixAction } from '../../../main/reconcile/fix-plan';
import { AuditRepository } from '../../../main/store/audit-repository';
import type { IdentifierChange } from '../../../main/store/directory-store';
import { FixRepository } from '../../../main/store/fix-repository';
import { createSqliteStore } from '../../../main/store/sqlite-store';

const now = new Date('2026-03-01T10:00:00.000Z');
const A = '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef';
const B = '5f1c3a7e-64d0-4a8e-9b2f-0c9d2b7e41aa';

/** The undo's inverse, which only the SQLite class lets a test swap; the rest of fixes and undo is in the contract suite. */
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
});
