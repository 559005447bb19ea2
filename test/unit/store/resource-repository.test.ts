import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { parseFilter } from '../../../main/scim/filter/parse-filter';
import { resolveFilter } from '../../../main/scim/filter/resolve-filter';
import { applyPatch } from '../../../main/scim/patch/apply-patch';
import { normalizePatchRequest } from '../../../main/scim/patch/normalize-patch';
import { buildResourceSchemas } from '../../../main/scim/schema/resource-schema';
import type { ListQuery } from '../../../main/scim/directory';
import { createSqliteStore } from '../../../main/store/sqlite-store';
import { StoreUniquenessError } from '../../../main/store/store-errors';

const schemas = buildResourceSchemas([]);
const now = new Date('2026-01-02T03:04:05.000Z');
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const NO_EXTRAS = { withMembers: false, withGroups: false };

function patchWith(body: unknown, kind: 'User' | 'Group') {
  const normalized = normalizePatchRequest(body, schemas[kind]);
  return (doc: Record<string, unknown>) => applyPatch(doc, normalized.operations, schemas[kind]);
}

function query(kind: 'User' | 'Group', filter?: string, extra: Partial<ListQuery> = {}): ListQuery {
  return {
    filter: filter === undefined ? undefined : resolveFilter(parseFilter(filter), schemas[kind]),
    startIndex: 1,
    count: 100,
    sortBy: undefined,
    descending: false,
    withMembers: false,
    withGroups: false,
    ...extra,
  };
}

/**
 * What only SQLite can show: index use, the statements a write runs, the rows it stores, and data
 * written around the store's rules. What every store must do is in the contract suite
 * (test/store-contract/, run for SQLite by sqlite-store-contract.test.ts).
 */
describe('ResourceRepository', () => {
  let statements: string[];
  let store: ReturnType<typeof createSqliteStore>;

  beforeEach(() => {
    statements = [];
    store = createSqliteStore(':memory:', { onStatement: (sql) => statements.push(sql) });
  });

  it('gives each resource a UUID for its id', async () => {
    const user = await store.createResource('User', { doc: { userName: 'Adele@Contoso.com', active: true } }, now);
    const group = await store.createResource('Group', { doc: { displayName: 'G' } }, now);
    assert.match(user.id, /^[0-9a-f-]{36}$/);
    assert.match(group.id, /^[0-9a-f-]{36}$/);
  });

  it('answers an Entra userName probe from the unique index, not a table scan', async () => {
    await store.createResource('User', { doc: { userName: 'probe@contoso.com' } }, now);
    const plan = store.db
      .prepare('EXPLAIN QUERY PLAN SELECT r.id FROM users AS r WHERE r.user_name_key = ?')
      .all('probe@contoso.com')
      .map((row) => (row as { detail: string }).detail)
      .join('\n');
    assert.match(plan, /USING INDEX sqlite_autoindex_users_2|USING COVERING INDEX/);
    assert.doesNotMatch(plan, /SCAN r\b/);
  });

  it('writes only the index columns a PATCH changed, and the emails rows only when emails changed', async () => {
    const user = await store.createResource('User', { doc: { userName: 'lean@contoso.com', title: 'A', emails: [{ value: 'lean@contoso.com', type: 'work' }] } }, now);
    statements.length = 0;
    await store.patchResource('User', user.id, patchWith({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'B' }] }, 'User'), {}, now, NO_EXTRAS);
    const update = statements.find((sql) => sql.startsWith('UPDATE users'));
    assert.ok(update && !/user_name_key|external_id|display_name_key/.test(update), update);
    assert.ok(!statements.some((sql) => /user_emails/.test(sql)), 'emails untouched');

    statements.length = 0;
    await store.patchResource('User', user.id, patchWith({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'externalId', value: 'X1' }] }, 'User'), {}, now, NO_EXTRAS);
    assert.match(statements.find((sql) => sql.startsWith('UPDATE users')) ?? '', /SET external_id = 'X1', doc = /);
    const found = await store.listResources('User', query('User', 'externalId eq "X1"'));
    assert.equal(found.total, 1, 'the changed column is indexed and found');
  });

  it('keeps a deleted user in deleted_resources with its name, externalId and purge date when the policy says so', async () => {
    const user = await store.createResource('User', { doc: { userName: 'kept@contoso.com', externalId: 'X1' } }, now);
    await store.deleteResource('User', user.id, {}, { mode: 'retain', days: 7 }, now);
    assert.equal(await store.getResource('User', user.id, { withMembers: false, withGroups: false }), undefined);
    const kept = store.db.prepare('SELECT id, name, external_id, purge_after FROM deleted_resources').all();
    assert.deepEqual(kept, [{ id: user.id, name: 'kept@contoso.com', external_id: 'X1', purge_after: '2026-01-09T03:04:05.000Z' }]);
  });

  describe('membership at scale', () => {
    const BIG = 100_000;

    async function bigGroup() {
      const group = await store.createResource('Group', { doc: { displayName: 'Everyone' } }, now);
      // Seed the membership rows directly: the point is the size of the table, not how it got there.
      store.db
        .prepare(
          `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
           INSERT INTO group_members (group_id, member_id, member_type) SELECT ?, 'seed-' || i, 'User' FROM n`,
        )
        .run(BIG, group.id);
      store.db.prepare('UPDATE groups SET member_count = ? WHERE id = ?').run(BIG, group.id);
      const users = [];
      for (let i = 0; i < 50; i++) users.push(await store.createResource('User', { doc: { userName: `new${i}@contoso.com` } }, now));
      return { group, users };
    }

    it('adds 50 members to a group of 100,000 by writing 50 membership rows', async () => {
      const { group, users } = await bigGroup();
      const before = store.db.prepare('SELECT total_changes() AS n').get() as { n: number };
      statements.length = 0;
      const add = patchWith(
        { schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: users.map((u) => ({ value: u.id, $ref: null })) }] },
        'Group',
      );
      await store.patchResource('Group', group.id, add, {}, now, NO_EXTRAS);
      const after = store.db.prepare('SELECT total_changes() AS n').get() as { n: number };
      // 50 inserted membership rows + the group's member_count + its version/lastModified + one outbox entry (members added).
      assert.equal(after.n - before.n, 53);
      const memberInserts = statements.filter((sql) => /INSERT OR IGNORE INTO group_members/.test(sql));
      assert.equal(memberInserts.length, 50);
      assert.ok(!statements.some((sql) => /FROM group_members WHERE group_id = \?$/m.test(sql) && /SELECT member_id/.test(sql)), 'the member list is never read');
      const plan = store.resources.explainMemberAdd().join('\n');
      assert.doesNotMatch(plan, /SCAN/);
      const read = await store.getResource('Group', group.id, { withMembers: false, withGroups: false });
      assert.equal(read?.memberCount, BIG + 50);
    });

    it('removes 50 listed members from a group of 100,000 by deleting 50 rows', async () => {
      const { group, users } = await bigGroup();
      const add = patchWith({ schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: users.map((u) => ({ value: u.id })) }] }, 'Group');
      await store.patchResource('Group', group.id, add, {}, now, NO_EXTRAS);
      const before = store.db.prepare('SELECT total_changes() AS n').get() as { n: number };
      const remove = patchWith({ schemas: [PATCH], Operations: [{ op: 'Remove', path: 'members', value: users.map((u) => ({ value: u.id })) }] }, 'Group');
      await store.patchResource('Group', group.id, remove, {}, now, NO_EXTRAS);
      const after = store.db.prepare('SELECT total_changes() AS n').get() as { n: number };
      // 50 deleted rows + member_count + version/lastModified + one outbox entry (members removed).
      assert.equal(after.n - before.n, 53);
      assert.equal((await store.getResource('Group', group.id, { withMembers: false, withGroups: false }))?.memberCount, BIG);
    });

    it('lists groups without touching the membership table when members are not wanted', async () => {
      await bigGroup();
      statements.length = 0;
      const result = await store.listResources('Group', query('Group', 'displayName eq "Everyone"'));
      assert.equal(result.total, 1);
      assert.equal(result.resources[0]?.members, undefined);
      assert.equal(result.resources[0]?.memberCount, BIG);
      assert.deepEqual(
        statements.filter((sql) => /group_members/.test(sql)),
        [],
      );
    });
  });

  describe('uniqueness and pending members', () => {
    it('updates groups that already share a name (written before the rule) as long as the write does not take a taken name', async () => {
      const time = now.toISOString();
      const insert = store.db.prepare(`INSERT INTO groups (id, display_name_key, doc, created, last_modified) VALUES (?, 'sales', ?, ?, ?)`);
      insert.run('g1', JSON.stringify({ displayName: 'Sales' }), time, time);
      insert.run('g2', JSON.stringify({ displayName: 'SALES' }), time, time);
      const retitle = patchWith({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'externalId', value: 'x-1' }] }, 'Group');
      assert.equal((await store.patchResource('Group', 'g2', retitle, {}, now, NO_EXTRAS)).changed, true);
      const replaced = await store.replaceResource('Group', 'g1', { doc: { displayName: 'Sales', externalId: 'x-2' } }, {}, now);
      assert.equal(replaced.doc['externalId'], 'x-2');
      // Renaming one away frees the name for nobody else while the other still holds it.
      await store.replaceResource('Group', 'g1', { doc: { displayName: 'Sales (old)' } }, {}, now);
      await assert.rejects(store.replaceResource('Group', 'g1', { doc: { displayName: 'sales' } }, {}, now), StoreUniquenessError);
    });

    it('leaves no pending_members row behind once a pending member resolves, or its group is deleted', async () => {
      const pendingRows = () => store.db.prepare('SELECT group_id, member_id FROM pending_members ORDER BY member_id').all();
      const objectId = 'ab12cd34-0000-4000-8000-00000000abcd';
      await store.createResource('Group', { doc: { displayName: 'Waiting' }, members: [{ value: objectId.toUpperCase() }] }, now);
      const doomed = await store.createResource('Group', { doc: { displayName: 'Doomed' }, members: [{ value: 'ghost' }] }, now);
      assert.equal(pendingRows().length, 2);
      await store.createResource('User', { doc: { userName: 'late@contoso.com', externalId: objectId } }, now);
      assert.deepEqual(pendingRows(), [{ group_id: doomed.id, member_id: 'ghost' }]);
      await store.deleteResource('Group', doomed.id, {}, { mode: 'hard' }, now);
      assert.deepEqual(pendingRows(), []);
    });

    it('finds pending members of a new resource through the member index, not by reading every pending row', () => {
      const plan = store.db
        .prepare(`EXPLAIN QUERY PLAN SELECT group_id, member_id FROM pending_members WHERE member_id IN (?, ?, ?, ?)`)
        .all('a', 'b', 'c', 'd')
        .map((row) => String((row as { detail: string }).detail));
      assert.ok(plan.some((line) => /pending_members_member/.test(line)), plan.join('\n'));
    });
  });
});
