import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PatchResult } from '../../main/scim/patch/patch-operation';
import { ScimError } from '../../main/scim/scim-error';
import type { DirectoryStore } from '../../main/store/directory-store';
import {
  StoreError,
  StoreInputError,
  StoreNotFoundError,
  StoreUniquenessError,
  StoreVersionError,
} from '../../main/store/store-errors';
import { at, NO_EXTRAS, NOW, patchWith, query, WITH_MEMBERS, type ContractContext } from './contract-context';

const DIRECTORY = { name: 'D', description: '', onInactive: 'suspend', onDelete: { mode: 'hard' } } as const;

/** One refusal: what to set up, the operation, the error class, what it carries and its exact words. */
interface Refusal<S extends DirectoryStore> {
  readonly name: string;
  readonly run: (store: S) => Promise<unknown>;
  readonly error: Function & { readonly prototype: StoreError };
  readonly fields?: (store: S, error: StoreError) => Promise<Record<string, unknown>> | Record<string, unknown>;
  readonly message: string | ((store: S) => Promise<string>);
}

/** CRUD, the refusals every store makes in the same words, If-Match and uniqueness. */
export function describeResourceContract<S extends DirectoryStore>(ctx: ContractContext<S>): void {
  const userNamed = (userName: string, extra: Record<string, unknown> = {}, now = NOW) =>
    ctx.store().createResource('User', { doc: { userName, ...extra } }, now);
  const groupNamed = (displayName: string, extra: Record<string, unknown> = {}) =>
    ctx.store().createResource('Group', { doc: { displayName, ...extra } }, NOW);
  const idOf = async (store: S, userName: string) => (await store.listResources('User', query('User', `userName eq "${userName}"`))).resources[0]!.id;
  const groupIdOf = async (store: S, displayName: string) =>
    (await store.listResources('Group', query('Group', `displayName eq "${displayName}"`))).resources[0]!.id;

  describe('resources: create, read, replace, patch, delete', () => {
    it('creates a user with an id, version 1 and created = lastModified, and reads back the document as stored', async () => {
      const user = await userNamed('Adele@Contoso.com', { active: true, emails: [{ value: 'adele@contoso.com', type: 'work' }] });
      assert.equal(typeof user.id, 'string');
      assert.ok(user.id.length > 0);
      assert.equal(user.kind, 'User');
      assert.equal(user.version, 1);
      assert.equal(user.created, NOW.toISOString());
      assert.equal(user.lastModified, NOW.toISOString());
      const read = await ctx.store().getResource('User', user.id, NO_EXTRAS);
      assert.deepEqual(read?.doc, { userName: 'Adele@Contoso.com', active: true, emails: [{ value: 'adele@contoso.com', type: 'work' }] });
      assert.equal(await ctx.store().getResource('User', 'no-such-id', NO_EXTRAS), undefined);
      assert.equal(await ctx.store().getResource('Group', user.id, NO_EXTRAS), undefined, 'a user is not a group');
      assert.equal(await ctx.store().countResources('User'), 1);
      assert.equal(await ctx.store().countResources('Group'), 0);
    });

    it('scans every document of a kind once, a page at a time, continuing after the last position (deleted ones gone)', async () => {
      for (let i = 0; i < 7; i++) await userNamed(`scan${i}@contoso.com`, { externalId: `x${i}` });
      await groupNamed('Not a user');
      const gone = await idOf(ctx.store(), 'scan3@contoso.com');
      await ctx.store().deleteResource('User', gone, {}, { mode: 'hard' }, NOW);
      const seen: string[] = [];
      for (let after = 0; ; ) {
        const page = await ctx.store().scanDocuments('User', after, 2);
        seen.push(...page.map((row) => String(row.doc['userName'])));
        if (page.length < 2) break;
        after = page[page.length - 1]!.seq;
      }
      assert.deepEqual(seen.sort(), ['scan0', 'scan1', 'scan2', 'scan4', 'scan5', 'scan6'].map((n) => `${n}@contoso.com`));
      assert.deepEqual((await ctx.store().scanDocuments('Group', 0, 10)).map((row) => row.doc['displayName']), ['Not a user']);
    });

    it('marks every record written for the mapping diagnostics, and clears a mark only for what was read of it', async () => {
      const store = ctx.store();
      // The store keeps and groups the facts it is given (the mapping reads them from the documents).
      const kept = await userNamed('mark-kept@contoso.com');
      const gone = await userNamed('mark-gone@contoso.com');
      await groupNamed('Marked group');
      const pending = await store.pendingMappingRecords('User', 0, 10);
      assert.deepEqual(pending.map((p) => p.id), [kept.id, gone.id], 'both users, in position order');
      assert.equal(pending[0]!.doc?.['userName'], 'mark-kept@contoso.com');
      assert.equal((await store.pendingMappingRecords('User', pending[0]!.seq, 10)).length, 1, 'paged after a position');
      const facts = (p: (typeof pending)[number], shape: string) => ({ seq: p.seq, stamp: p.stamp, facts: { id: p.id!, name: String(p.doc!['userName']), externalId: 'nick-a', nonGuid: true, shape } });
      await store.saveMappingRecords('User', [facts(pending[0]!, '["userName","externalId"]'), facts(pending[1]!, '["userName","externalId"]')]);
      assert.equal((await store.pendingMappingRecords('User', 0, 10)).length, 0, 'read: no mark left');
      assert.equal((await store.pendingMappingRecords('Group', 0, 10)).length, 1, 'the group is still marked');
      let summary = await store.mappingRecordSummary('User');
      assert.deepEqual(summary.shapes.map((s) => [s.paths, s.records]), [['["userName","externalId"]', 2]]);
      assert.deepEqual(summary.duplicates.map((d) => d.id), [kept.id, gone.id]);
      assert.deepEqual(summary.nonGuid.map((d) => d.externalId), ['nick-a', 'nick-a']);

      // A write after the read marks the record again with a newer stamp: facts saved with the old one are dropped.
      await store.replaceResource('User', kept.id, { doc: { userName: 'mark-kept@contoso.com' } }, {}, NOW);
      const [before] = await store.pendingMappingRecords('User', 0, 10);
      await store.replaceResource('User', kept.id, { doc: { userName: 'mark-kept@contoso.com', title: 'Again' } }, {}, NOW);
      await store.saveMappingRecords('User', [{ seq: before!.seq, stamp: before!.stamp, facts: { id: kept.id, name: 'stale', externalId: null, nonGuid: false, shape: '["stale"]' } }]);
      const again = await store.pendingMappingRecords('User', 0, 10);
      assert.equal(again.length, 1, 'still marked');
      assert.equal(again[0]!.doc?.['title'], 'Again');
      summary = await store.mappingRecordSummary('User');
      assert.ok(!summary.shapes.some((s) => s.paths === '["stale"]'), 'the stale facts were not kept');

      // A deleted record is handed back without a document; saving that drops its facts.
      await store.deleteResource('User', gone.id, {}, { mode: 'hard' }, NOW);
      const afterDelete = await store.pendingMappingRecords('User', 0, 10);
      const deleted = afterDelete.find((p) => p.seq === pending[1]!.seq);
      assert.ok(deleted && deleted.doc === null && deleted.id === null, 'the deleted record, without its document');
      await store.saveMappingRecords('User', afterDelete.map((p) => ({ seq: p.seq, stamp: p.stamp, facts: p.doc === null ? null : { id: p.id!, name: 'k', externalId: null, nonGuid: false, shape: '["userName","title"]' } })));
      summary = await store.mappingRecordSummary('User');
      assert.deepEqual(summary.shapes.map((s) => [s.paths, s.records]), [['["userName","title"]', 1]]);
      assert.deepEqual(summary.duplicates, [], 'no longer shared');
    });

    it('gives every resource its own id', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 20; i++) ids.add((await userNamed(`u${i}@contoso.com`)).id);
      ids.add((await groupNamed('G')).id);
      assert.equal(ids.size, 21);
    });

    it('replaces the whole document on PUT, with a new version and lastModified', async () => {
      const user = await userNamed('put@contoso.com', { title: 'Old', displayName: 'Put' });
      const replaced = await ctx.store().replaceResource('User', user.id, { doc: { userName: 'put@contoso.com', title: 'New' } }, {}, at(60));
      assert.equal(replaced.version, 2);
      assert.equal(replaced.created, NOW.toISOString());
      assert.equal(replaced.lastModified, at(60).toISOString());
      assert.deepEqual((await ctx.store().getResource('User', user.id, NO_EXTRAS))?.doc, { userName: 'put@contoso.com', title: 'New' });
    });

    it('patches a document and reports whether anything changed; a PATCH that changes nothing keeps version and lastModified', async () => {
      const user = await userNamed('patch@contoso.com', { active: true });
      const changed = await ctx.store().patchResource('User', user.id, patchWith('User', [{ op: 'replace', path: 'title', value: 'Lead' }]), {}, at(60), NO_EXTRAS);
      assert.equal(changed.changed, true);
      assert.equal(changed.resource.version, 2);
      assert.equal(changed.resource.lastModified, at(60).toISOString());
      assert.equal(changed.resource.doc['title'], 'Lead');
      const same = await ctx.store().patchResource('User', user.id, patchWith('User', [{ op: 'Replace', path: 'active', value: 'True' }]), {}, at(120), NO_EXTRAS);
      assert.equal(same.changed, false);
      assert.equal(same.resource.version, 2);
      assert.equal(same.resource.lastModified, at(60).toISOString());
      assert.equal((await ctx.store().getResource('User', user.id, NO_EXTRAS))?.version, 2);
    });

    it('passes on what the PATCH function throws, unchanged, and writes nothing', async () => {
      const user = await userNamed('throws@contoso.com', { displayName: 'Before' });
      const thrown = new Error('the PATCH was refused');
      await assert.rejects(
        ctx.store().patchResource('User', user.id, () => { throw thrown; }, {}, NOW, NO_EXTRAS),
        (error: unknown) => error === thrown,
      );
      const read = await ctx.store().getResource('User', user.id, NO_EXTRAS);
      assert.equal(read?.doc['displayName'], 'Before');
      assert.equal(read?.version, 1);
    });

    it('leaves the document, version and emails untouched when a PATCH fails half-way, passing on its ScimError', async () => {
      const user = await userNamed('half@contoso.com', { displayName: 'Before', emails: [{ value: 'half@contoso.com', type: 'work' }] });
      const bad = patchWith('User', [
        { op: 'replace', path: 'displayName', value: 'After' },
        { op: 'replace', path: 'emails[type eq "home" and value co "x"].value', value: 'nope' },
      ]);
      await assert.rejects(ctx.store().patchResource('User', user.id, bad, {}, NOW, NO_EXTRAS), (error: unknown) => error instanceof ScimError);
      const read = await ctx.store().getResource('User', user.id, NO_EXTRAS);
      assert.equal(read?.doc['displayName'], 'Before');
      assert.deepEqual(read?.doc['emails'], [{ value: 'half@contoso.com', type: 'work' }]);
      assert.equal(read?.version, 1);
    });

    it('deletes a user for good by default; a kept copy is invisible, frees the userName and is purged after its days', async () => {
      const gone = await userNamed('gone@contoso.com');
      await ctx.store().deleteResource('User', gone.id, {}, { mode: 'hard' }, NOW);
      assert.equal(await ctx.store().getResource('User', gone.id, NO_EXTRAS), undefined);
      assert.equal(await ctx.store().purgeDeletedResources(at(86_400 * 365)), 0, 'nothing was kept');

      const kept = await userNamed('kept@contoso.com', { externalId: 'X1' });
      await ctx.store().deleteResource('User', kept.id, {}, { mode: 'retain', days: 7 }, NOW);
      assert.equal(await ctx.store().getResource('User', kept.id, NO_EXTRAS), undefined);
      assert.equal((await ctx.store().listResources('User', query('User'))).total, 0);
      await userNamed('kept@contoso.com', { externalId: 'X1' });
      assert.equal(await ctx.store().purgeDeletedResources(at(7 * 86_400 - 1)), 0);
      assert.equal(await ctx.store().purgeDeletedResources(at(7 * 86_400)), 1);
      assert.equal(await ctx.store().purgeDeletedResources(at(7 * 86_400)), 0);
    });

    it('counts users marked inactive', async () => {
      await userNamed('a@contoso.com', { active: false });
      await userNamed('b@contoso.com', { active: true });
      const c = await userNamed('c@contoso.com');
      assert.equal(await ctx.store().countInactiveUsers(), 1);
      await ctx.store().patchResource('User', c.id, patchWith('User', [{ op: 'replace', path: 'active', value: false }]), {}, NOW, NO_EXTRAS);
      assert.equal(await ctx.store().countInactiveUsers(), 2);
    });
  });

  const refusals: ReadonlyArray<Refusal<S>> = [
    {
      name: 'a PUT of a user that does not exist',
      run: (store) => store.replaceResource('User', 'no-such-user', { doc: { userName: 'x' } }, {}, NOW),
      error: StoreNotFoundError,
      fields: () => ({ kind: 'User', id: 'no-such-user' }),
      message: 'User no-such-user not found',
    },
    {
      name: 'a PATCH of a group that does not exist',
      run: (store) => store.patchResource('Group', 'no-such-group', patchWith('Group', [{ op: 'replace', path: 'displayName', value: 'x' }]), {}, NOW, NO_EXTRAS),
      error: StoreNotFoundError,
      message: 'Group no-such-group not found',
    },
    {
      name: 'a DELETE of a user that does not exist, even with If-Match',
      run: (store) => store.deleteResource('User', 'no-such-user', { versions: [1] }, { mode: 'hard' }, NOW),
      error: StoreNotFoundError,
      message: 'User no-such-user not found',
    },
    {
      name: 'the members of a group that does not exist',
      run: (store) => store.listMembers('no-such-group', 1, 10),
      error: StoreNotFoundError,
      message: 'Group no-such-group not found',
    },
    {
      name: 'a PUT whose If-Match names another version',
      run: async (store) => store.replaceResource('User', await idOf(store, 'seed@contoso.com'), { doc: { userName: 'seed@contoso.com' } }, { versions: [1] }, NOW),
      error: StoreVersionError,
      fields: async (store) => ({ kind: 'User', id: await idOf(store, 'seed@contoso.com'), version: 2, accepted: [1] }),
      message: async (store) => `User ${await idOf(store, 'seed@contoso.com')} is at version 2; If-Match named 1`,
    },
    {
      name: 'a DELETE whose If-Match names two other versions',
      run: async (store) => store.deleteResource('User', await idOf(store, 'seed@contoso.com'), { versions: [1, 3] }, { mode: 'hard' }, NOW),
      error: StoreVersionError,
      message: async (store) => `User ${await idOf(store, 'seed@contoso.com')} is at version 2; If-Match named 1, 3`,
    },
    {
      name: 'a user without userName',
      run: (store) => store.createResource('User', { doc: { displayName: 'Nameless' } }, NOW),
      error: StoreInputError,
      fields: () => ({ problem: 'nameRequired' }),
      message: 'userName is required',
    },
    {
      name: 'a user whose userName is empty',
      run: async (store) => store.replaceResource('User', await idOf(store, 'seed@contoso.com'), { doc: { userName: '' } }, {}, NOW),
      error: StoreInputError,
      message: 'userName is required',
    },
    {
      name: 'a group without displayName',
      run: (store) => store.createResource('Group', { doc: { externalId: 'x' } }, NOW),
      error: StoreInputError,
      fields: () => ({ problem: 'nameRequired' }),
      message: 'displayName is required',
    },
    {
      name: 'a group made a member of itself',
      run: async (store) => {
        const id = await groupIdOf(store, 'Seed Group');
        return store.patchResource('Group', id, patchWith('Group', [{ op: 'add', path: 'members', value: [{ value: id }] }]), {}, NOW, NO_EXTRAS);
      },
      error: StoreInputError,
      fields: () => ({ problem: 'selfMembership' }),
      message: async (store) => `Group ${await groupIdOf(store, 'Seed Group')} cannot be a member of itself`,
    },
    {
      name: 'member changes for a user',
      run: async (store) =>
        store.patchResource(
          'User',
          await idOf(store, 'seed@contoso.com'),
          (doc): PatchResult => ({ doc, memberChanges: [{ kind: 'removeAll' }], changed: true }),
          {},
          NOW,
          NO_EXTRAS,
        ),
      error: StoreInputError,
      fields: () => ({ problem: 'notAGroup' }),
      message: 'Only groups have members',
    },
    {
      name: 'a userName another user holds, in other letters case',
      run: (store) => store.createResource('User', { doc: { userName: 'SEED@contoso.com' } }, NOW),
      error: StoreUniquenessError,
      fields: async (store) => ({ attribute: 'userName', holderId: await idOf(store, 'seed@contoso.com') }),
      message: async (store) => `userName "SEED@contoso.com" is already used by user ${await idOf(store, 'seed@contoso.com')}`,
    },
    {
      name: 'a group displayName another group holds',
      run: (store) => store.createResource('Group', { doc: { displayName: 'SEED group' } }, NOW),
      error: StoreUniquenessError,
      fields: async (store) => ({ attribute: 'displayName', holderId: await groupIdOf(store, 'Seed Group') }),
      message: async (store) =>
        `displayName "Seed Group" is already used by group ${await groupIdOf(store, 'Seed Group')}: Entra matches groups by displayName, so a second group with that name would make its next match ambiguous`,
    },
    {
      name: "a user externalId another user holds (the directory's default is to refuse)",
      run: (store) => store.createResource('User', { doc: { userName: 'second@contoso.com', externalId: 'EXT-SEED' } }, NOW),
      error: StoreUniquenessError,
      fields: async (store) => ({ attribute: 'externalId', holderId: await idOf(store, 'seed@contoso.com') }),
      message: async (store) =>
        `externalId "EXT-SEED" is already held by user seed@contoso.com (${await idOf(store, 'seed@contoso.com')}): two records with one Entra Object ID make Entra match the wrong one, and this directory refuses duplicates (Authentication)`,
    },
    {
      name: 'a group externalId another group holds, given by PATCH',
      run: async (store) => {
        const other = await store.createResource('Group', { doc: { displayName: 'Other' } }, NOW);
        return store.patchResource('Group', other.id, patchWith('Group', [{ op: 'replace', path: 'externalId', value: 'ext-group' }]), {}, NOW, NO_EXTRAS);
      },
      error: StoreUniquenessError,
      fields: async (store) => ({ attribute: 'externalId', holderId: await groupIdOf(store, 'Seed Group') }),
      message: async (store) =>
        `externalId "ext-group" is already held by group Seed Group (${await groupIdOf(store, 'Seed Group')}): two records with one Entra Object ID make Entra match the wrong one, and this directory refuses duplicates (Authentication)`,
    },
  ];

  describe('refusals, in the same words from every store', () => {
    const seed = async (store: S) => {
      const user = await store.createResource('User', { doc: { userName: 'seed@contoso.com', externalId: 'ext-seed' } }, NOW);
      await store.patchResource('User', user.id, patchWith('User', [{ op: 'replace', path: 'title', value: 'v2' }]), {}, NOW, NO_EXTRAS);
      await store.createResource('Group', { doc: { displayName: 'Seed Group', externalId: 'ext-group' } }, NOW);
    };
    /** Everything a refused write could have touched. */
    const state = async (store: S) => ({
      users: (await store.listResources('User', query('User'))).resources.map((r) => [r.id, r.version, r.doc]),
      groups: (await store.listResources('Group', query('Group', undefined, WITH_MEMBERS))).resources.map((r) => [r.id, r.version, r.doc, r.members]),
    });

    for (const refusal of refusals) {
      it(`refuses ${refusal.name} with a ${refusal.error.name}, and writes nothing`, async () => {
        const store = ctx.store();
        await seed(store);
        const before = await state(store);
        const message = typeof refusal.message === 'string' ? refusal.message : await refusal.message(store);
        let caught: unknown;
        await assert.rejects(
          refusal.run(store).catch((error: unknown) => {
            caught = error;
            throw error;
          }),
        );
        assert.ok(caught instanceof refusal.error, `${String(caught)} is a ${refusal.error.name}`);
        const error = caught as StoreError;
        assert.equal(error.message, message);
        if (refusal.fields) {
          const expected = await refusal.fields(store, error);
          const actual = Object.fromEntries(Object.keys(expected).map((key) => [key, (error as unknown as Record<string, unknown>)[key]]));
          assert.deepEqual(actual, expected);
        }
        const after = await state(store);
        // The group a refused PATCH would have created first is the only difference allowed.
        assert.deepEqual(after.users, before.users);
        assert.deepEqual(
          after.groups.filter((g) => before.groups.some((b) => b[0] === g[0])),
          before.groups,
        );
      });
    }
  });

  describe('If-Match (RFC 7644 §3.14)', () => {
    it('writes when If-Match names the current version among others, and refuses a stale one without writing', async () => {
      const user = await userNamed('etag@contoso.com');
      const v2 = await ctx.store().replaceResource('User', user.id, { doc: { userName: 'etag@contoso.com', title: 'v2' } }, { versions: [1] }, NOW);
      assert.equal(v2.version, 2);
      await assert.rejects(
        ctx.store().replaceResource('User', user.id, { doc: { userName: 'etag@contoso.com', title: 'lost' } }, { versions: [1] }, NOW),
        StoreVersionError,
      );
      await assert.rejects(
        ctx.store().patchResource('User', user.id, patchWith('User', [{ op: 'replace', path: 'title', value: 'lost' }]), { versions: [1] }, NOW, NO_EXTRAS),
        StoreVersionError,
      );
      await assert.rejects(ctx.store().deleteResource('User', user.id, { versions: [3] }, { mode: 'hard' }, NOW), StoreVersionError);
      const read = await ctx.store().getResource('User', user.id, NO_EXTRAS);
      assert.equal(read?.doc['title'], 'v2');
      assert.equal(read?.version, 2);
      const v3 = await ctx.store().patchResource('User', user.id, patchWith('User', [{ op: 'replace', path: 'title', value: 'v3' }]), { versions: [7, 2] }, NOW, NO_EXTRAS);
      assert.equal(v3.resource.version, 3);
      await ctx.store().deleteResource('User', user.id, { versions: [3] }, { mode: 'hard' }, NOW);
      assert.equal(await ctx.store().getResource('User', user.id, NO_EXTRAS), undefined);
    });
  });

  describe('uniqueness', () => {
    it('compares userNames case-insensitively, non-ASCII letters included, on create, PUT and PATCH', async () => {
      await userNamed('Ärzte@contoso.com');
      const other = await userNamed('other@contoso.com');
      await assert.rejects(userNamed('äRZTE@CONTOSO.COM'), StoreUniquenessError);
      await assert.rejects(ctx.store().replaceResource('User', other.id, { doc: { userName: 'ÄRZTE@contoso.com' } }, {}, NOW), StoreUniquenessError);
      await assert.rejects(
        ctx.store().patchResource('User', other.id, patchWith('User', [{ op: 'replace', path: 'userName', value: 'ärzte@contoso.com' }]), {}, NOW, NO_EXTRAS),
        StoreUniquenessError,
      );
      assert.equal(await ctx.store().countResources('User'), 2);
      // A user may change the case of its own userName.
      const self = await ctx.store().replaceResource('User', other.id, { doc: { userName: 'OTHER@contoso.com' } }, {}, NOW);
      assert.equal(self.doc['userName'], 'OTHER@contoso.com');
    });

    it('refuses a group displayName another group holds in any case, and frees it when that group is renamed', async () => {
      const first = await groupNamed('Sales');
      const second = await groupNamed('Marketing');
      await assert.rejects(groupNamed('SALES'), StoreUniquenessError);
      await assert.rejects(ctx.store().replaceResource('Group', second.id, { doc: { displayName: 'sales' } }, {}, NOW), StoreUniquenessError);
      await ctx.store().replaceResource('Group', first.id, { doc: { displayName: 'Sales (old)' } }, {}, NOW);
      await ctx.store().replaceResource('Group', second.id, { doc: { displayName: 'sales' } }, {}, NOW);
      // A user and a group may share a displayName: groups are matched among groups.
      await userNamed('sales@contoso.com', { displayName: 'Sales' });
    });

    it('refuses an externalId another record of its kind holds, in any letter case, unless the directory allows duplicates', async () => {
      const objectId = 'ab12cd34-0000-4000-8000-00000000abcd';
      await userNamed('a@contoso.com', { externalId: objectId });
      await assert.rejects(userNamed('b@contoso.com', { externalId: objectId.toUpperCase() }), StoreUniquenessError);
      await groupNamed('Same id, other kind', { externalId: objectId });
      await ctx.store().saveDirectory({ ...DIRECTORY, duplicateExternalIds: 'allow' }, NOW);
      const b = await userNamed('b@contoso.com', { externalId: objectId });
      await ctx.store().saveDirectory({ ...DIRECTORY, duplicateExternalIds: 'refuse' }, NOW);
      await assert.rejects(userNamed('c@contoso.com', { externalId: objectId }), StoreUniquenessError);
      // Records that already share one can still be written, as long as the write does not take it anew.
      const retitled = await ctx.store().patchResource('User', b.id, patchWith('User', [{ op: 'replace', path: 'title', value: 'x' }]), {}, NOW, NO_EXTRAS);
      assert.equal(retitled.changed, true);
      await ctx.store().replaceResource('User', b.id, { doc: { userName: 'b@contoso.com', externalId: objectId, title: 'y' } }, {}, NOW);
      assert.equal((await ctx.store().listResources('User', query('User', `externalId eq "${objectId}"`))).total, 2);
    });

    it('reads the policy inside the write: a directory saved as allow takes effect on the next write', async () => {
      await userNamed('a@contoso.com', { externalId: 'e1' });
      await ctx.store().saveDirectory({ ...DIRECTORY, duplicateExternalIds: 'allow' }, NOW);
      await userNamed('b@contoso.com', { externalId: 'e1' });
      assert.equal((await ctx.store().getDirectory())?.duplicateExternalIds, 'allow');
    });
  });
}
