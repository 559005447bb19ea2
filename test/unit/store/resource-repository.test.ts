import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { parseFilter } from '../../../main/scim/filter/parse-filter';
import { resolveFilter } from '../../../main/scim/filter/resolve-filter';
import { applyPatch } from '../../../main/scim/patch/apply-patch';
import { normalizePatchRequest } from '../../../main/scim/patch/normalize-patch';
import { buildResourceSchemas } from '../../../main/scim/schema/resource-schema';
import { ScimError } from '../../../main/scim/scim-error';
import type { ListQuery } from '../../../main/store/directory-store';
import { createSqliteStore } from '../../../main/store/sqlite-store';
import { StoreUniquenessError, StoreVersionError } from '../../../main/store/store-errors';

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

describe('ResourceRepository', () => {
  let statements: string[];
  let store: ReturnType<typeof createSqliteStore>;

  beforeEach(() => {
    statements = [];
    store = createSqliteStore(':memory:', { onStatement: (sql) => statements.push(sql) });
  });

  it('creates a user with a stable id, version 1 and created = lastModified', async () => {
    const user = await store.createResource('User', { doc: { userName: 'Adele@Contoso.com', active: true } }, now);
    assert.match(user.id, /^[0-9a-f-]{36}$/);
    assert.equal(user.version, 1);
    assert.equal(user.created, now.toISOString());
    assert.equal(user.lastModified, now.toISOString());
    const again = await store.getResource('User', user.id, { withMembers: false, withGroups: false });
    assert.deepEqual(again?.doc, { userName: 'Adele@Contoso.com', active: true });
  });

  it('rejects a userName that differs only in case, including non-ASCII letters, with 409 uniqueness', async () => {
    await store.createResource('User', { doc: { userName: 'Ärzte@contoso.com' } }, now);
    await assert.rejects(
      store.createResource('User', { doc: { userName: 'äRZTE@CONTOSO.COM' } }, now),
      (error: unknown) => error instanceof StoreUniquenessError && error.attribute === 'userName',
    );
    assert.equal(await store.countResources('User'), 1);
  });

  it('stores the userName as sent and finds it case-insensitively', async () => {
    await store.createResource('User', { doc: { userName: 'MiXeD@Contoso.com' } }, now);
    const result = await store.listResources('User', query('User', 'userName eq "mixed@contoso.COM"'));
    assert.equal(result.total, 1);
    assert.equal(result.resources[0]?.doc['userName'], 'MiXeD@Contoso.com');
  });

  it('compares externalId exactly (caseExact)', async () => {
    await store.createResource('User', { doc: { userName: 'a', externalId: 'AbC' } }, now);
    assert.equal((await store.listResources('User', query('User', 'externalId eq "abc"'))).total, 0);
    assert.equal((await store.listResources('User', query('User', 'externalId eq "AbC"'))).total, 1);
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

  it('leaves the document, version and emails untouched when a PATCH fails half-way', async () => {
    const user = await store.createResource(
      'User',
      { doc: { userName: 'half@contoso.com', displayName: 'Before', emails: [{ value: 'half@contoso.com', type: 'work' }] } },
      now,
    );
    const bad = patchWith(
      {
        schemas: [PATCH],
        Operations: [
          { op: 'replace', path: 'displayName', value: 'After' },
          { op: 'replace', path: 'emails[type eq "home" and value co "x"].value', value: 'nope' },
        ],
      },
      'User',
    );
    await assert.rejects(store.patchResource('User', user.id, bad, {}, now, NO_EXTRAS), (error: unknown) => error instanceof ScimError);
    const after = await store.getResource('User', user.id, { withMembers: false, withGroups: false });
    assert.equal(after?.doc['displayName'], 'Before');
    assert.equal(after?.version, 1);
  });

  it('keeps version and lastModified for a PATCH that changes nothing', async () => {
    const user = await store.createResource('User', { doc: { userName: 'same@contoso.com', active: true } }, now);
    const later = new Date(now.getTime() + 60_000);
    const result = await store.patchResource(
      'User',
      user.id,
      patchWith({ schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] }, 'User'),
      {},
      later,
      NO_EXTRAS,
    );
    assert.equal(result.changed, false);
    assert.equal(result.resource.version, 1);
    assert.equal(result.resource.lastModified, now.toISOString());
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

  it('refuses a write whose If-Match version is stale with 412 and writes nothing', async () => {
    const user = await store.createResource('User', { doc: { userName: 'etag@contoso.com' } }, now);
    await store.replaceResource('User', user.id, { doc: { userName: 'etag@contoso.com', title: 'v2' } }, { versions: [1] }, now);
    await assert.rejects(
      store.replaceResource('User', user.id, { doc: { userName: 'etag@contoso.com', title: 'v3' } }, { versions: [1] }, now),
      (error: unknown) => error instanceof StoreVersionError && error.version === 2,
    );
    const after = await store.getResource('User', user.id, { withMembers: false, withGroups: false });
    assert.equal(after?.doc['title'], 'v2');
    assert.equal(after?.version, 2);
  });

  it('keeps a deleted user for the retention period when the policy says so, invisible to SCIM', async () => {
    const user = await store.createResource('User', { doc: { userName: 'kept@contoso.com', externalId: 'X1' } }, now);
    await store.deleteResource('User', user.id, {}, { mode: 'retain', days: 7 }, now);
    assert.equal(await store.getResource('User', user.id, { withMembers: false, withGroups: false }), undefined);
    const kept = store.db.prepare('SELECT id, name, external_id, purge_after FROM deleted_resources').all();
    assert.deepEqual(kept, [{ id: user.id, name: 'kept@contoso.com', external_id: 'X1', purge_after: '2026-01-09T03:04:05.000Z' }]);
    // The userName is free again: Entra may re-create the user.
    await store.createResource('User', { doc: { userName: 'kept@contoso.com' } }, now);
    assert.equal(await store.purgeDeletedResources(new Date('2026-01-09T03:04:04.000Z')), 0);
    assert.equal(await store.purgeDeletedResources(new Date('2026-01-09T03:04:05.000Z')), 1);
  });

  it('removes a deleted user from every group and lowers their member counts', async () => {
    const user = await store.createResource('User', { doc: { userName: 'member@contoso.com' } }, now);
    const group = await store.createResource('Group', { doc: { displayName: 'G' }, members: [{ value: user.id }] }, now);
    assert.equal(group.memberCount, 1);
    await store.deleteResource('User', user.id, {}, { mode: 'hard' }, now);
    const after = await store.getResource('Group', group.id, { withMembers: true, withGroups: false });
    assert.deepEqual(after?.members, []);
    assert.equal(after?.memberCount, 0);
    assert.equal(after?.version, 2);
  });

  it('keeps unknown member ids pending: not members, listed apart, and says which ones', async () => {
    const user = await store.createResource('User', { doc: { userName: 'known@contoso.com' } }, now);
    const group = await store.createResource('Group', { doc: { displayName: 'G' } }, now);
    const add = patchWith(
      { schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: [{ value: user.id }, { value: 'no-such-id', display: 'Later' }] }] },
      'Group',
    );
    const { resource, changed } = await store.patchResource('Group', group.id, add, {}, now, NO_EXTRAS);
    assert.equal(changed, true);
    assert.deepEqual(resource.pendingMembers, ['no-such-id']);
    const read = await store.getResource('Group', group.id, { withMembers: true, withGroups: false });
    assert.deepEqual(read?.members, [{ value: user.id, type: 'User' }]);
    assert.equal(read?.memberCount, 1);
    const listed = await store.listMembers(group.id, 1, 50);
    assert.equal(listed.pendingTotal, 1);
    assert.deepEqual(listed.pending, [{ value: 'no-such-id', display: 'Later', since: now.toISOString() }]);
  });

  it('returns direct and indirect groups of a user', async () => {
    const user = await store.createResource('User', { doc: { userName: 'nested@contoso.com' } }, now);
    const inner = await store.createResource('Group', { doc: { displayName: 'Inner' }, members: [{ value: user.id }] }, now);
    await store.createResource('Group', { doc: { displayName: 'Outer' }, members: [{ value: inner.id }] }, now);
    const read = await store.getResource('User', user.id, { withMembers: false, withGroups: true });
    assert.deepEqual(
      read?.groups?.map((g) => [g.display, g.type]),
      [
        ['Inner', 'direct'],
        ['Outer', 'indirect'],
      ],
    );
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
      // 50 inserted membership rows + the group's member_count + its version/lastModified.
      assert.equal(after.n - before.n, 52);
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
      assert.equal(after.n - before.n, 52);
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
    const directory = { name: 'D', description: '', onInactive: 'suspend', onDelete: { mode: 'hard' } } as const;
    const groupNamed = (displayName: string, externalId?: string) =>
      store.createResource('Group', { doc: { displayName, ...(externalId ? { externalId } : {}) } }, now);
    const pendingRows = () => store.db.prepare('SELECT group_id, member_id FROM pending_members ORDER BY member_id').all();

    it('refuses a group displayName another group holds, in any letter case, with a StoreUniquenessError naming the holder', async () => {
      const first = await groupNamed('Ärzte');
      await assert.rejects(groupNamed('äRZTE'), (error: unknown) => error instanceof StoreUniquenessError && error.attribute === 'displayName' && error.holderId === first.id);
      assert.equal(await store.countResources('Group'), 1);
    });

    it('refuses a duplicate externalId unless the directory allows it; a directory row saying allow is read inside the write', async () => {
      await store.createResource('User', { doc: { userName: 'a', externalId: 'e1' } }, now);
      await assert.rejects(
        store.createResource('User', { doc: { userName: 'b', externalId: 'e1' } }, now),
        (error: unknown) => error instanceof StoreUniquenessError && error.attribute === 'externalId',
      );
      await store.saveDirectory({ ...directory, duplicateExternalIds: 'allow' }, now);
      await store.createResource('User', { doc: { userName: 'b', externalId: 'e1' } }, now);
      await store.saveDirectory({ ...directory, duplicateExternalIds: 'refuse' }, now);
      await assert.rejects(store.createResource('User', { doc: { userName: 'c', externalId: 'e1' } }, now), StoreUniquenessError);
      assert.equal((await store.listResources('User', query('User', 'externalId eq "e1"'))).total, 2);
    });

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

    it('resolves a pending member by externalId in any letter case, once, with a new version of the group', async () => {
      const objectId = 'ab12cd34-0000-4000-8000-00000000abcd';
      const group = await store.createResource('Group', { doc: { displayName: 'Waiting' }, members: [{ value: objectId.toUpperCase() }] }, now);
      assert.deepEqual(group.pendingMembers, [objectId.toUpperCase()]);
      assert.equal(group.memberCount, 0);
      const later = new Date(now.getTime() + 1000);
      const user = await store.createResource('User', { doc: { userName: 'late@contoso.com', externalId: objectId } }, later);
      assert.deepEqual(user.joinedGroups, [group.id]);
      const read = await store.getResource('Group', group.id, { withMembers: true, withGroups: false });
      assert.deepEqual(read?.members, [{ value: user.id, type: 'User' }]);
      assert.equal(read?.memberCount, 1);
      assert.equal(read?.version, group.version + 1);
      assert.equal(read?.lastModified, later.toISOString());
      assert.deepEqual(pendingRows(), []);
    });

    it('resolves a pending member when the admin links an existing user to that Object ID', async () => {
      const objectId = 'cd34ef56-0000-4000-8000-00000000cdef';
      const group = await store.createResource('Group', { doc: { displayName: 'Linked later' }, members: [{ value: objectId }] }, now);
      const user = await store.createResource('User', { doc: { userName: 'unlinked@contoso.com' } }, now);
      const record = { time: now.toISOString(), actor: 'admin', action: 'setExternalId', resourceType: 'User' as const, resourceId: user.id, summary: 'linked' };
      await store.setExternalId('User', user.id, objectId, record, now);
      const read = await store.getResource('Group', group.id, { withMembers: true, withGroups: false });
      assert.deepEqual(read?.members, [{ value: user.id, type: 'User' }]);
      assert.deepEqual(pendingRows(), []);
    });

    it('finds pending members of a new resource through the member index, not by reading every pending row', () => {
      const plan = store.db
        .prepare(`EXPLAIN QUERY PLAN SELECT group_id, member_id FROM pending_members WHERE member_id IN (?, ?, ?, ?)`)
        .all('a', 'b', 'c', 'd')
        .map((row) => String((row as { detail: string }).detail));
      assert.ok(plan.some((line) => /pending_members_member/.test(line)), plan.join('\n'));
    });

    it('drops pending members with their group, and keeps the first time a member was added', async () => {
      const group = await store.createResource('Group', { doc: { displayName: 'Doomed' }, members: [{ value: 'ghost' }] }, now);
      const again = patchWith({ schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: 'ghost', type: 'User' }] }] }, 'Group');
      await store.patchResource('Group', group.id, again, {}, new Date(now.getTime() + 60_000), NO_EXTRAS);
      const listed = await store.listMembers(group.id, 1, 10);
      assert.deepEqual(listed.pending, [{ value: 'ghost', type: 'User', since: now.toISOString() }]);
      await store.deleteResource('Group', group.id, {}, { mode: 'hard' }, now);
      assert.deepEqual(pendingRows(), []);
    });
  });
});
