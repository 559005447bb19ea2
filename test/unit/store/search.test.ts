import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { ListQuery } from '../../../main/scim/directory';
import { parseFilter } from '../../../main/scim/filter/parse-filter';
import { resolveFilter } from '../../../main/scim/filter/resolve-filter';
import { applyPatch } from '../../../main/scim/patch/apply-patch';
import { normalizePatchRequest } from '../../../main/scim/patch/normalize-patch';
import { buildResourceSchemas } from '../../../main/scim/schema/resource-schema';
import { migrations } from '../../../main/store/migrations';
import { createSqliteStore } from '../../../main/store/sqlite-store';

const schemas = buildResourceSchemas([]);
const now = new Date('2026-01-02T03:04:05.000Z');
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function search(kind: 'User' | 'Group', text: string, extra: Partial<ListQuery> = {}): ListQuery {
  return {
    filter: undefined,
    search: text,
    startIndex: 1,
    count: 100,
    sortBy: schemas[kind].resolve({ uri: undefined, attr: kind === 'User' ? 'userName' : 'displayName', subAttr: undefined }),
    descending: false,
    withMembers: false,
    withGroups: false,
    ...extra,
  };
}

function patchWith(body: unknown, kind: 'User' | 'Group') {
  const normalized = normalizePatchRequest(body, schemas[kind]);
  return (doc: Record<string, unknown>) => applyPatch(doc, normalized.operations, schemas[kind]);
}

const user = (userName: string, displayName: string, emails: string[] = [userName]) => ({
  doc: { userName, displayName, emails: emails.map((value, i) => ({ value, type: i === 0 ? 'work' : 'other', primary: i === 0 })) },
});

describe('ResourceRepository search (the admin UI\'s Users and Groups search)', () => {
  let store: ReturnType<typeof createSqliteStore>;
  const names = async (kind: 'User' | 'Group', text: string, extra: Partial<ListQuery> = {}) => {
    const result = await store.listResources(kind, search(kind, text, extra));
    const shown = result.resources.map((r) => String(r.doc[kind === 'User' ? 'userName' : 'displayName']));
    return { total: result.total, shown };
  };
  /** Every search line equals the one rebuilt from the records: the index never drifts from the data. */
  const assertIndexConsistent = () => {
    const stored = store.db.prepare(`SELECT seq, text FROM users_search_text ORDER BY seq`).all();
    const rebuilt = store.db
      .prepare(
        `SELECT u.seq, concat_ws(' ', u.user_name_key, u.display_name_key, (SELECT group_concat(value_key, ' ') FROM user_emails WHERE user_seq = u.seq)) AS text
         FROM users u ORDER BY u.seq`,
      )
      .all();
    assert.deepEqual(stored, rebuilt, 'users_search_text matches the users table');
    store.db.exec(`INSERT INTO users_search (users_search, rank) VALUES ('integrity-check', 1)`);
  };

  beforeEach(async () => {
    store = createSqliteStore(':memory:');
    await store.createResource('User', user('megan.bowen@contoso.com', 'Megan Bowen'), now);
    await store.createResource('User', user('adele.vance@contoso.com', 'Adele Vance', ['adele.vance@contoso.com', 'adele@fabrikam.com']), now);
    await store.createResource('User', user('AlexW@Contoso.com', 'Alex Wilber'), now);
    await store.createResource('User', user('lee.gu@northwind.example', 'Lee Gu'), now);
  });

  it('finds users by any part of a user name, display name or email address, in any letter case', async () => {
    assert.deepEqual(await names('User', 'contoso.com'), { total: 3, shown: ['adele.vance@contoso.com', 'AlexW@Contoso.com', 'megan.bowen@contoso.com'] });
    assert.deepEqual((await names('User', 'BOWEN')).shown, ['megan.bowen@contoso.com']);
    assert.deepEqual((await names('User', 'x wil')).shown, ['AlexW@Contoso.com'], 'inside the display name');
    assert.deepEqual((await names('User', 'fabrikam')).shown, ['adele.vance@contoso.com'], 'a second email address');
    assert.deepEqual((await names('User', 'nowhere')).total, 0);
  });

  it('treats search text literally, quotes and FTS syntax included', async () => {
    await store.createResource('User', user('o"brien@contoso.com', 'Pat "OB" O\'Brien'), now);
    assert.deepEqual((await names('User', 'o"brien')).shown, ['o"brien@contoso.com']);
    assert.deepEqual((await names('User', '"ob"')).shown, ['o"brien@contoso.com']);
    assert.equal((await names('User', 'bowen OR vance')).total, 0, 'OR is text, not an operator');
    assert.equal((await names('User', 'bow*')).total, 0, '* is text, not a wildcard');
  });

  it('matches one or two characters at the start of a user name, display name or email only (the trigram index needs three)', async () => {
    assert.deepEqual((await names('User', 'ad')).shown, ['adele.vance@contoso.com']);
    assert.deepEqual((await names('User', 'Le')).shown, ['lee.gu@northwind.example']);
    assert.equal((await names('User', 'en')).total, 0, '"en" inside "megan" and "bowen" is not a prefix');
  });

  it('matches an externalId or a ScimDesk id only in full', async () => {
    const objectId = '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef';
    const created = await store.createResource('User', { doc: { userName: 'linked@contoso.com', externalId: objectId } }, now);
    assert.deepEqual((await names('User', objectId)).shown, ['linked@contoso.com']);
    assert.deepEqual((await names('User', created.id)).shown, ['linked@contoso.com']);
    assert.equal((await names('User', objectId.slice(0, 8))).total, 0);
  });

  it('keeps the index in step with creates, PATCHes, PUTs and deletes, inside their transactions', async () => {
    const megan = (await store.listResources('User', search('User', 'megan'))).resources[0]!;
    await store.patchResource(
      'User',
      megan.id,
      patchWith(
        {
          schemas: [PATCH],
          Operations: [
            { op: 'Replace', path: 'userName', value: 'megan.b@tailspin.example' },
            { op: 'Replace', path: 'emails[type eq "work"].value', value: 'megan.b@tailspin.example' },
          ],
        },
        'User',
      ),
      {},
      now,
      { withMembers: false, withGroups: false },
    );
    assert.equal((await names('User', 'megan.bowen')).total, 0, 'the old user name and email are gone from the index');
    assert.deepEqual((await names('User', 'tailspin')).shown, ['megan.b@tailspin.example']);
    assert.deepEqual((await names('User', 'n bow')).shown, ['megan.b@tailspin.example'], 'the display name still matches');
    await store.patchResource(
      'User',
      megan.id,
      patchWith({ schemas: [PATCH], Operations: [{ op: 'Replace', path: 'displayName', value: 'Megan Bowen-Tailor' }] }, 'User'),
      {},
      now,
      { withMembers: false, withGroups: false },
    );
    assert.deepEqual((await names('User', 'tailor')).shown, ['megan.b@tailspin.example'], 'a display name changed alone');

    await store.patchResource(
      'User',
      megan.id,
      patchWith({ schemas: [PATCH], Operations: [{ op: 'Add', path: 'emails[type eq "other"].value', value: 'mbowen@wingtip.example' }] }, 'User'),
      {},
      now,
      { withMembers: false, withGroups: false },
    );
    assert.deepEqual((await names('User', 'wingtip')).shown, ['megan.b@tailspin.example'], 'an email added by PATCH');

    const alex = (await store.listResources('User', search('User', 'alexw'))).resources[0]!;
    await store.replaceResource('User', alex.id, user('alex.wilber@contoso.com', 'Alexander Wilber', ['alex@litware.example']), {}, now);
    assert.deepEqual((await names('User', 'litware')).shown, ['alex.wilber@contoso.com'], 'PUT replaced the emails');
    assert.deepEqual((await names('User', 'alexander')).shown, ['alex.wilber@contoso.com']);

    // A write that fails (userName taken) leaves the index as it was.
    await assert.rejects(store.replaceResource('User', alex.id, user('adele.vance@contoso.com', 'Someone Else', ['else@litware.example']), {}, now));
    assert.equal((await names('User', 'someone')).total, 0);

    const lee = (await store.listResources('User', search('User', 'northwind'))).resources[0]!;
    await store.deleteResource('User', lee.id, {}, { mode: 'hard' }, now);
    assert.equal((await names('User', 'northwind')).total, 0, 'a deleted user is gone');
    assertIndexConsistent();
  });

  it('serves a term most users share (a domain) by reading the search text, with the same answer and total', async () => {
    store.db.transaction(() => {
      for (let i = 0; i < 10_050; i++) store.resources.create('User', user(`user${String(i).padStart(5, '0')}@contoso.com`, `User ${i}`), now);
    })();
    const broad = await names('User', 'contoso.com', { count: 3 });
    assert.equal(broad.total, 10_053);
    assert.deepEqual(broad.shown, ['adele.vance@contoso.com', 'AlexW@Contoso.com', 'megan.bowen@contoso.com']);
    const page = await names('User', 'contoso.com', { count: 2, startIndex: 5001 });
    assert.deepEqual(page.shown, ['user04997@contoso.com', 'user04998@contoso.com']);
    // With a SCIM filter too, the total counts what both match.
    const both = await store.listResources('User', { ...search('User', 'contoso.com'), filter: resolveFilter(parseFilter('displayName sw "user 1"'), schemas.User) });
    assert.equal(both.total, 1 + 10 + 100 + 1000 + 50, 'User 1, 10–19, 100–199, 1000–1999, 10000–10049');
    assert.deepEqual((await names('User', 'user0999')).total, 10, 'a selective term still goes through the index');
    assertIndexConsistent();
  });

  it('finds groups by any part of their display name and follows renames and deletes', async () => {
    const sales = await store.createResource('Group', { doc: { displayName: 'Sales Team EMEA' } }, now);
    await store.createResource('Group', { doc: { displayName: 'Retail Managers' } }, now);
    assert.deepEqual((await names('Group', 'team')).shown, ['Sales Team EMEA']);
    assert.deepEqual((await names('Group', 'MANAGER')).shown, ['Retail Managers']);
    assert.deepEqual((await names('Group', 're')).shown, ['Retail Managers'], 'two characters: from the start');
    await store.patchResource(
      'Group',
      sales.id,
      patchWith({ schemas: [PATCH], Operations: [{ op: 'Replace', path: 'displayName', value: 'Sales Team APAC' }] }, 'Group'),
      {},
      now,
      { withMembers: false, withGroups: false },
    );
    assert.equal((await names('Group', 'emea')).total, 0);
    assert.deepEqual((await names('Group', 'apac')).shown, ['Sales Team APAC']);
    await store.deleteResource('Group', sales.id, {}, { mode: 'hard' }, now);
    assert.equal((await names('Group', 'sales')).total, 0);
  });
});

describe('the search index migration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scimdesk-search-migration-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('indexes the users and groups a database already holds', async () => {
    const file = join(dir, 'before-search.db');
    const step = migrations.findIndex((migration) => migration.toString().includes('users_search_text'));
    assert.ok(step > 0, 'a migration creates the search index');
    // A data folder from before the index: its schema, written the way that version wrote rows.
    const raw = new Database(file);
    for (let version = 0; version < step; version++) {
      migrations[version]!(raw);
      raw.pragma(`user_version = ${version + 1}`);
    }
    raw
      .prepare(`INSERT INTO users (seq, id, user_name, user_name_key, display_name_key, doc, created, last_modified) VALUES (1, 'u1', ?, ?, ?, ?, ?, ?)`)
      .run(
        'Megan.Bowen@Contoso.com',
        'megan.bowen@contoso.com',
        'megan bowen',
        JSON.stringify({ userName: 'Megan.Bowen@Contoso.com', displayName: 'Megan Bowen', emails: [{ value: 'Megan@Fabrikam.com', type: 'work', primary: true }] }),
        now.toISOString(),
        now.toISOString(),
      );
    raw.prepare(`INSERT INTO user_emails (user_seq, position, value_key, type_key, is_primary) VALUES (1, 0, 'megan@fabrikam.com', 'work', 1)`).run();
    raw.prepare(`INSERT INTO groups (seq, id, display_name_key, doc, created, last_modified) VALUES (1, 'g1', 'retail managers', '{}', ?, ?)`).run(now.toISOString(), now.toISOString());
    raw.close();

    const store = createSqliteStore(file, { checkpointWorker: false });
    try {
      assert.equal((await store.listResources('User', search('User', 'fabrikam'))).total, 1);
      assert.equal((await store.listResources('User', search('User', 'contoso.com'))).total, 1);
      assert.equal((await store.listResources('Group', search('Group', 'manager'))).total, 1);
    } finally {
      await store.close();
    }
  });
});
