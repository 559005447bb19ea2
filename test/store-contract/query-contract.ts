import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { ListQuery } from '../../main/scim/directory';
import type { FilterNode } from '../../main/scim/filter/filter-ast';
import type { ResourceKind } from '../../main/scim/schema/attribute-def';
import type { ResolvedAttr } from '../../main/scim/schema/resource-schema';
import type { DirectoryStore } from '../../main/store/directory-store';
import { StoreQueryError } from '../../main/store/store-errors';
import { at, ENTERPRISE, NOW, query, sortBy, type ContractContext } from './contract-context';

/**
 * The directory every query row runs against: four users created a minute apart (so meta.created
 * orders them), three groups, one nested in another.
 */
async function seedDirectory(store: DirectoryStore): Promise<Record<string, string>> {
  const user = async (label: string, doc: Record<string, unknown>, minute: number) => [label, (await store.createResource('User', { doc }, at(minute * 60))).id] as const;
  const ids = Object.fromEntries([
    await user(
      'adele',
      {
        userName: 'Adele.Vance@contoso.com',
        externalId: 'AV-1',
        displayName: 'Adele Vance',
        title: 'Retail Manager',
        active: true,
        name: { givenName: 'Adele', familyName: 'Vance' },
        emails: [
          { value: 'adele.vance@contoso.com', type: 'work', primary: true },
          { value: 'adele@home.example', type: 'home' },
        ],
        [ENTERPRISE]: { department: 'Retail', employeeNumber: '0001' },
      },
      0,
    ),
    await user(
      'alex',
      {
        userName: 'AlexW@contoso.com',
        externalId: 'aw-2',
        displayName: 'Alex Wilber',
        title: 'engineer',
        active: false,
        emails: [{ value: 'alexw@contoso.com', type: 'work', primary: true }],
        [ENTERPRISE]: { department: 'Sales' },
      },
      1,
    ),
    await user('diego', { userName: 'diego@fabrikam.com', displayName: 'Diego Siciliani', active: true }, 2),
    await user('arne', { userName: 'Ärne@contoso.com', displayName: 'Ärne Åberg', title: '', active: true, emails: [{ value: 'arne@contoso.com', type: 'other' }] }, 3),
  ]);
  const sales = await store.createResource('Group', { doc: { displayName: 'Sales', externalId: 'g-sales' }, members: [{ value: ids['adele']! }, { value: ids['alex']! }] }, NOW);
  const retail = await store.createResource('Group', { doc: { displayName: 'Retail' }, members: [{ value: ids['adele']! }, { value: sales.id, type: 'Group' }] }, NOW);
  const empty = await store.createResource('Group', { doc: { displayName: 'Empty' } }, NOW);
  return { ...ids, sales: sales.id, retail: retail.id, empty: empty.id };
}

type CompareNode = Extract<FilterNode<ResolvedAttr>, { kind: 'compare' }>;

/** `{adele}` in a filter stands for that resource's id. */
const withIds = (filter: string, ids: Record<string, string>) => filter.replace(/\{(\w+)\}/g, (_, label: string) => ids[label] ?? label);

/** One filter and the labels of what it selects (RFC 7644 §3.4.2.2, with ScimDesk's choices for missing values and case). */
const FILTERS: ReadonlyArray<{ readonly kind: ResourceKind; readonly filter: string; readonly selects: ReadonlyArray<string> }> = [
  { kind: 'User', filter: 'userName eq "adele.vance@CONTOSO.com"', selects: ['adele'] },
  { kind: 'User', filter: 'userName ne "adele.vance@contoso.com"', selects: ['alex', 'diego', 'arne'] },
  { kind: 'User', filter: 'displayName co "ILB"', selects: ['alex'] },
  { kind: 'User', filter: 'userName sw "ALEX"', selects: ['alex'] },
  { kind: 'User', filter: 'userName sw "är"', selects: ['arne'] },
  { kind: 'User', filter: 'userName ew "@CONTOSO.COM"', selects: ['adele', 'alex', 'arne'] },
  { kind: 'User', filter: 'userName gt "b"', selects: ['diego', 'arne'] },
  { kind: 'User', filter: 'userName ge "diego@fabrikam.com"', selects: ['diego', 'arne'] },
  { kind: 'User', filter: 'userName lt "b"', selects: ['adele', 'alex'] },
  { kind: 'User', filter: 'userName le "alexw@contoso.com"', selects: ['adele', 'alex'] },
  { kind: 'User', filter: 'externalId eq "av-1"', selects: [] },
  { kind: 'User', filter: 'externalId eq "AV-1"', selects: ['adele'] },
  { kind: 'User', filter: 'externalId pr', selects: ['adele', 'alex'] },
  { kind: 'User', filter: 'title pr', selects: ['adele', 'alex'] },
  { kind: 'User', filter: 'not (title pr)', selects: ['diego', 'arne'] },
  { kind: 'User', filter: 'title eq null', selects: ['diego', 'arne'] },
  { kind: 'User', filter: 'title ne null', selects: ['adele', 'alex'] },
  { kind: 'User', filter: 'title ne "ENGINEER"', selects: ['adele', 'diego', 'arne'] },
  { kind: 'User', filter: 'not (title eq "retail manager")', selects: ['alex', 'diego', 'arne'] },
  { kind: 'User', filter: 'active eq true', selects: ['adele', 'diego', 'arne'] },
  { kind: 'User', filter: 'active eq false', selects: ['alex'] },
  { kind: 'User', filter: `meta.created gt "${at(0).toISOString()}"`, selects: ['alex', 'diego', 'arne'] },
  { kind: 'User', filter: `meta.created ge "${at(0).toISOString()}"`, selects: ['adele', 'alex', 'diego', 'arne'] },
  { kind: 'User', filter: `meta.created lt "${at(60).toISOString()}"`, selects: ['adele'] },
  { kind: 'User', filter: `meta.created le "2026-01-02T03:05:05Z"`, selects: ['adele', 'alex'] },
  { kind: 'User', filter: 'meta.resourceType eq "User"', selects: ['adele', 'alex', 'diego', 'arne'] },
  { kind: 'User', filter: 'id eq "{diego}"', selects: ['diego'] },
  { kind: 'User', filter: 'name.familyName eq "VANCE"', selects: ['adele'] },
  { kind: 'User', filter: `${ENTERPRISE}:department eq "retail"`, selects: ['adele'] },
  { kind: 'User', filter: `${ENTERPRISE}:employeeNumber pr`, selects: ['adele'] },
  { kind: 'User', filter: 'emails pr', selects: ['adele', 'alex', 'arne'] },
  { kind: 'User', filter: 'emails eq "ALEXW@contoso.com"', selects: ['alex'] },
  { kind: 'User', filter: 'emails.type eq "other"', selects: ['arne'] },
  { kind: 'User', filter: 'emails.value co "home"', selects: ['adele'] },
  { kind: 'User', filter: 'emails[type eq "home"]', selects: ['adele'] },
  { kind: 'User', filter: 'emails[type eq "work" and value co "alex"]', selects: ['alex'] },
  { kind: 'User', filter: 'emails[type eq "work" or type eq "other"]', selects: ['adele', 'alex', 'arne'] },
  { kind: 'User', filter: 'emails[not (type eq "work")]', selects: ['adele', 'arne'] },
  { kind: 'User', filter: 'groups[value eq "{sales}"]', selects: ['adele', 'alex'] },
  { kind: 'User', filter: 'groups.value eq "{retail}"', selects: ['adele'] },
  { kind: 'User', filter: '(userName sw "a" or userName sw "d") and active eq true', selects: ['adele', 'diego'] },
  { kind: 'User', filter: 'userName sw "a" and not (active eq false)', selects: ['adele'] },
  { kind: 'User', filter: 'title pr or emails[type eq "other"]', selects: ['adele', 'alex', 'arne'] },
  { kind: 'Group', filter: 'displayName eq "sales"', selects: ['sales'] },
  { kind: 'Group', filter: 'displayName sw "e"', selects: ['empty'] },
  { kind: 'Group', filter: 'externalId eq "g-sales"', selects: ['sales'] },
  { kind: 'Group', filter: 'members[value eq "{adele}"]', selects: ['sales', 'retail'] },
  { kind: 'Group', filter: 'members.value eq "{alex}"', selects: ['sales'] },
  { kind: 'Group', filter: 'members[type eq "Group"]', selects: ['retail'] },
  { kind: 'Group', filter: 'members pr', selects: ['sales', 'retail'] },
  { kind: 'Group', filter: 'not (members pr)', selects: ['empty'] },
  { kind: 'Group', filter: 'members eq "{diego}"', selects: [] },
];

/** Filters, sorting, paging and the admin search, through listResources. */
export function describeQueryContract<S extends DirectoryStore>(ctx: ContractContext<S>): void {
  describe('list queries', () => {
    let ids: Record<string, string>;
    const labelOf = (id: string) => Object.entries(ids).find(([, value]) => value === id)?.[0] ?? id;
    const list = async (kind: ResourceKind, filter: string | undefined, extra: Partial<ListQuery> = {}) => {
      const result = await ctx.store().listResources(kind, query(kind, filter === undefined ? undefined : withIds(filter, ids), extra));
      return { total: result.total, labels: result.resources.map((r) => labelOf(r.id)) };
    };

    beforeEach(async () => {
      ids = await seedDirectory(ctx.store());
    });

    describe('every filter operator', () => {
      for (const row of FILTERS) {
        it(`${row.kind}s where ${row.filter}`, async () => {
          const { total, labels } = await list(row.kind, row.filter);
          assert.deepEqual([...labels].sort(), [...row.selects].sort());
          assert.equal(total, row.selects.length);
        });
      }
    });

    it('lists in creation order without sortBy, and sorts by a column, a JSON attribute or the primary of a multi-valued one', async () => {
      assert.deepEqual((await list('User', undefined)).labels, ['adele', 'alex', 'diego', 'arne']);
      assert.deepEqual((await list('User', undefined, { sortBy: sortBy('User', 'userName') })).labels, ['adele', 'alex', 'diego', 'arne']);
      assert.deepEqual((await list('User', undefined, { sortBy: sortBy('User', 'userName'), descending: true })).labels, ['arne', 'diego', 'alex', 'adele']);
      // Missing sorts last ascending and first descending; an empty string is a value.
      assert.deepEqual((await list('User', undefined, { sortBy: sortBy('User', 'title') })).labels, ['arne', 'alex', 'adele', 'diego']);
      assert.deepEqual((await list('User', undefined, { sortBy: sortBy('User', 'title'), descending: true })).labels, ['diego', 'adele', 'alex', 'arne']);
      // Ties keep creation order, in either direction.
      assert.deepEqual((await list('User', undefined, { sortBy: sortBy('User', 'active') })).labels, ['alex', 'adele', 'diego', 'arne']);
      assert.deepEqual((await list('User', undefined, { sortBy: sortBy('User', 'active'), descending: true })).labels, ['adele', 'diego', 'arne', 'alex']);
      assert.deepEqual((await list('User', undefined, { sortBy: sortBy('User', 'emails') })).labels, ['adele', 'alex', 'arne', 'diego']);
      assert.deepEqual((await list('User', undefined, { sortBy: sortBy('User', 'meta.created'), descending: true })).labels, ['arne', 'diego', 'alex', 'adele']);
      assert.deepEqual((await list('Group', undefined, { sortBy: sortBy('Group', 'displayName') })).labels, ['empty', 'retail', 'sales']);
    });

    it('answers a tree of 3,000 or-terms (past any expression-depth limit), left- or right-leaning, and 3,000 nested nots', async () => {
      const leaf = (label: string) => query('User', `userName eq "${label === 'diego' ? 'diego@fabrikam.com' : `nobody${label}@x`}"`).filter!;
      const terms = Array.from({ length: 3000 }, (_, i) => leaf(i === 1500 ? 'diego' : String(i)));
      const left = terms.reduce((tree, term) => ({ kind: 'or' as const, left: tree, right: term }));
      const right = terms.reduceRight((tree, term) => ({ kind: 'or' as const, left: term, right: tree }));
      for (const filter of [left, right]) {
        const found = await ctx.store().listResources('User', { ...query('User'), filter });
        assert.deepEqual(found.resources.map((r) => r.id), [ids['diego']]);
      }
      let nots: NonNullable<ListQuery['filter']> = leaf('diego');
      for (let i = 0; i < 3000; i++) nots = { kind: 'not', filter: nots };
      // An even number of nots: the same as none. A store may refuse so deep a tree, but only as a query it cannot run.
      await ctx
        .store()
        .listResources('User', { ...query('User'), filter: nots })
        .then(
          (found) => assert.deepEqual(found.resources.map((r) => r.id), [ids['diego']]),
          (error: unknown) => assert.ok(error instanceof StoreQueryError, `${String(error)}`),
        );
    });

    it('keeps creation order when sorted by an attribute every resource shares (meta.resourceType)', async () => {
      assert.deepEqual((await list('User', undefined, { sortBy: sortBy('User', 'meta.resourceType') })).labels, ['adele', 'alex', 'diego', 'arne']);
    });

    it('pages with a 1-based startIndex; total counts every match', async () => {
      const sorted = { sortBy: sortBy('User', 'userName') };
      assert.deepEqual(await list('User', undefined, { ...sorted, startIndex: 2, count: 2 }), { total: 4, labels: ['alex', 'diego'] });
      assert.deepEqual(await list('User', undefined, { ...sorted, startIndex: 4, count: 10 }), { total: 4, labels: ['arne'] });
      assert.deepEqual(await list('User', undefined, { ...sorted, startIndex: 5, count: 10 }), { total: 4, labels: [] });
      assert.deepEqual(await list('User', undefined, { count: 0 }), { total: 4, labels: [] });
      assert.deepEqual(await list('User', 'userName ew "contoso.com"', { ...sorted, startIndex: 2, count: 1 }), { total: 3, labels: ['alex'] });
    });

    it('reads members and groups only when asked, members with their type and groups direct and indirect, sorted by name', async () => {
      const plain = await ctx.store().listResources('Group', query('Group', 'displayName eq "Retail"'));
      assert.equal(plain.resources[0]?.members, undefined);
      assert.equal(plain.resources[0]?.memberCount, 2);
      const full = await ctx.store().listResources('Group', query('Group', 'displayName eq "Retail"', { withMembers: true }));
      assert.deepEqual(
        [...(full.resources[0]?.members ?? [])].sort((a, b) => a.value.localeCompare(b.value)),
        [
          { value: ids['adele']!, type: 'User' },
          { value: ids['sales']!, type: 'Group' },
        ].sort((a, b) => a.value.localeCompare(b.value)),
      );
      const users = await ctx.store().listResources('User', query('User', 'userName sw "a"', { withGroups: true, sortBy: sortBy('User', 'userName') }));
      assert.deepEqual(
        users.resources.map((r) => r.groups?.map((g) => [g.display, g.type])),
        [
          [
            ['Retail', 'direct'],
            ['Sales', 'direct'],
          ],
          [
            ['Retail', 'indirect'],
            ['Sales', 'direct'],
          ],
        ],
      );
      const one = await ctx.store().getResource('User', ids['alex']!, { withMembers: false, withGroups: true });
      assert.deepEqual(one?.groups, [
        { value: ids['retail']!, display: 'Retail', type: 'indirect' },
        { value: ids['sales']!, display: 'Sales', type: 'direct' },
      ]);
    });

    it("finds by the admin search: part of a name or address, a name's first letters, a whole externalId or id", async () => {
      const search = async (kind: ResourceKind, text: string, filter?: string) => (await list(kind, filter, { search: text, sortBy: sortBy(kind, kind === 'User' ? 'userName' : 'displayName') })).labels;
      assert.deepEqual(await search('User', 'CONTOSO.com'), ['adele', 'alex', 'arne']);
      assert.deepEqual(await search('User', 'x wil'), ['alex'], 'inside a display name');
      assert.deepEqual(await search('User', 'home.example'), ['adele'], 'a second email address');
      assert.deepEqual(await search('User', 'di'), ['diego'], 'two letters: the start of a name');
      assert.deepEqual(await search('User', 'ce'), [], 'two letters inside a name match nothing');
      assert.deepEqual(await search('User', 'AV-1'), ['adele'], 'a whole externalId');
      assert.deepEqual(await search('User', ids['diego']!), ['diego'], 'a whole id');
      assert.deepEqual(await search('User', 'contoso', 'active eq true'), ['adele', 'arne'], 'with a filter, both apply');
      assert.deepEqual(await search('Group', 'ale'), ['sales']);
      assert.deepEqual((await list('User', undefined, { search: 'contoso', count: 1 })).total, 3);
    });
  });

  describe('bad queries: a tree the resolver would have refused, refused by the store in the same words', () => {
    const resolved = (kind: ResourceKind, filter: string) => query(kind, filter).filter!;
    const BAD: ReadonlyArray<{ readonly name: string; readonly kind: ResourceKind; readonly filter: () => NonNullable<ListQuery['filter']>; readonly message: string }> = [
      {
        name: 'a dateTime compared with text that is no dateTime',
        kind: 'User',
        filter: () => ({ ...(resolved('User', `meta.created gt "${NOW.toISOString()}"`) as CompareNode), value: 'yesterday', text: 'yesterday' }),
        message: '"yesterday" is not a dateTime',
      },
      {
        name: 'null with an ordering operator',
        kind: 'User',
        filter: () => ({ ...(resolved('User', 'title eq null') as CompareNode), op: 'gt' }),
        message: 'Operator "gt" cannot compare with null',
      },
      {
        name: 'a value filter inside a value filter',
        kind: 'User',
        filter: () => {
          const outer = resolved('User', 'emails[type eq "work"]') as Extract<FilterNode<ResolvedAttr>, { kind: 'valuePath' }>;
          return { ...outer, filter: outer };
        },
        message: 'Value filters cannot be nested',
      },
    ];
    for (const bad of BAD) {
      it(`refuses ${bad.name} with a StoreQueryError`, async () => {
        await ctx.store().createResource('User', { doc: { userName: 'someone@contoso.com', title: 't', emails: [{ value: 'a@b.example', type: 'work' }] } }, NOW);
        await assert.rejects(
          ctx.store().listResources(bad.kind, { ...query(bad.kind), filter: bad.filter() }),
          (error: unknown) => error instanceof StoreQueryError && error.message === bad.message,
        );
      });
    }
  });

  it('pages past the first thousand the same way', async () => {
    const store = ctx.store();
    for (let i = 0; i < 1010; i++) await store.createResource('User', { doc: { userName: `user${String(1009 - i).padStart(4, '0')}@contoso.com` } }, NOW);
    const page = async (extra: Partial<ListQuery>) => (await store.listResources('User', query('User', undefined, { count: 4, ...extra }))).resources.map((r) => r.doc['userName']);
    assert.deepEqual(await page({ startIndex: 1001 }), ['user0009@contoso.com', 'user0008@contoso.com', 'user0007@contoso.com', 'user0006@contoso.com']);
    assert.deepEqual(await page({ startIndex: 1001, sortBy: sortBy('User', 'userName') }), [
      'user1000@contoso.com',
      'user1001@contoso.com',
      'user1002@contoso.com',
      'user1003@contoso.com',
    ]);
    const deep = await store.listResources('User', query('User', 'userName sw "user1"', { startIndex: 1, count: 2, sortBy: sortBy('User', 'userName'), descending: true }));
    assert.equal(deep.total, 10);
    assert.deepEqual(deep.resources.map((r) => r.doc['userName']), ['user1009@contoso.com', 'user1008@contoso.com']);
    assert.equal((await store.listResources('User', query('User', undefined, { startIndex: 1009, count: 5 }))).resources.length, 2);
  });
}
