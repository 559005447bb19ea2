import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DirectoryStore, SyncLogEntry } from '../../main/store/directory-store';
import { at, FAILING_REQUEST_ID, NO_EXTRAS, NOW, patchWith, query, WITH_MEMBERS, type ContractContext, type FailurePoint } from './contract-context';
import { syncLogEntry } from '../support/sync-log-entry';

/**
 * One operation that writes something, then fails at `failAt` (a later write of the same
 * operation): the store must leave no trace of it. `state` reads everything the operation could
 * have changed; it must read the same before and after the failed attempt.
 */
interface AtomicCase<S extends DirectoryStore> {
  readonly name: string;
  readonly failAt: FailurePoint;
  /** Builds what the operation works on; returns what `run` needs. */
  readonly arrange: (store: S) => Promise<Record<string, string>>;
  readonly run: (store: S, ids: Record<string, string>) => Promise<unknown>;
  readonly state: (store: S, ids: Record<string, string>) => Promise<unknown>;
}

const entry = (requestId: string, i: number): SyncLogEntry => syncLogEntry(new Date(NOW.getTime() + i).toISOString(), { requestId });

const users = async (store: DirectoryStore) =>
  (await store.listResources('User', query('User', undefined, { withGroups: true }))).resources.map((r) => ({ id: r.id, version: r.version, doc: r.doc, groups: r.groups }));
const groups = async (store: DirectoryStore) =>
  (await store.listResources('Group', query('Group', undefined, WITH_MEMBERS))).resources.map((r) => ({
    id: r.id,
    version: r.version,
    lastModified: r.lastModified,
    doc: r.doc,
    members: r.members,
    memberCount: r.memberCount,
  }));
const pending = async (store: DirectoryStore, groupId: string) => (await store.listMembers(groupId, 1, 100)).pending;
const everything = async (store: DirectoryStore) => ({ users: await users(store), groups: await groups(store) });
const link = (resourceId: string, before: string | null, after: string | null) => ({ resourceType: 'User' as const, resourceId, name: resourceId, before, after, reason: 'test' });

/** Every write operation is all-or-nothing, proven by a failure injected after it has written something. */
export function describeAtomicityContract<S extends DirectoryStore>(ctx: ContractContext<S>): void {
  const cases: ReadonlyArray<AtomicCase<S>> = [
    {
      name: 'creating a user (the user is written before its email addresses)',
      failAt: 'userEmails',
      arrange: async () => ({}),
      run: (store) => store.createResource('User', { doc: { userName: 'new@contoso.com', emails: [{ value: 'new@contoso.com', type: 'work' }] } }, NOW),
      state: async (store) => ({ ...(await everything(store)), count: await store.countResources('User') }),
    },
    {
      name: 'replacing a user (the user is rewritten before its email addresses)',
      failAt: 'userEmails',
      arrange: async (store) => ({ id: (await store.createResource('User', { doc: { userName: 'put@contoso.com', displayName: 'Before' } }, NOW)).id }),
      run: (store, { id }) =>
        store.replaceResource('User', id!, { doc: { userName: 'renamed@contoso.com', displayName: 'After', emails: [{ value: 'a@contoso.com' }] } }, { versions: [1] }, NOW),
      state: everything,
    },
    {
      name: 'patching a user (displayName and userName are written before the emails)',
      failAt: 'userEmails',
      arrange: async (store) => ({
        id: (await store.createResource('User', { doc: { userName: 'half@contoso.com', displayName: 'Before', emails: [{ value: 'half@contoso.com', type: 'work' }] } }, NOW))
          .id,
      }),
      run: (store, { id }) =>
        store.patchResource(
          'User',
          id!,
          patchWith('User', [
            { op: 'replace', path: 'displayName', value: 'After' },
            { op: 'replace', path: 'userName', value: 'moved@contoso.com' },
            { op: 'replace', path: 'emails[type eq "work"].value', value: 'moved@contoso.com' },
          ]),
          {},
          NOW,
          NO_EXTRAS,
        ),
      state: async (store) => ({ ...(await everything(store)), byEmail: (await store.listResources('User', query('User', 'emails eq "moved@contoso.com"'))).total }),
    },
    {
      name: 'creating a group with members (the group is written before its memberships)',
      failAt: 'groupMembers',
      arrange: async (store) => ({ user: (await store.createResource('User', { doc: { userName: 'm@contoso.com' } }, NOW)).id }),
      run: (store, { user }) => store.createResource('Group', { doc: { displayName: 'New' }, members: [{ value: user! }] }, NOW),
      state: async (store) => ({ ...(await everything(store)), count: await store.countResources('Group') }),
    },
    {
      name: 'patching a group (its new name is written before the member it adds)',
      failAt: 'groupMembers',
      arrange: async (store) => ({
        user: (await store.createResource('User', { doc: { userName: 'm@contoso.com' } }, NOW)).id,
        group: (await store.createResource('Group', { doc: { displayName: 'Before' } }, NOW)).id,
      }),
      run: (store, { user, group }) =>
        store.patchResource(
          'Group',
          group!,
          patchWith('Group', [
            { op: 'replace', path: 'displayName', value: 'After' },
            { op: 'add', path: 'members', value: [{ value: user }, { value: 'pending-id' }] },
          ]),
          {},
          NOW,
          NO_EXTRAS,
        ),
      state: async (store, { group }) => ({ ...(await everything(store)), pending: await pending(store, group!) }),
    },
    {
      name: 'replacing a group and its members (the old members are removed before the new ones are added)',
      failAt: 'groupMembers',
      arrange: async (store) => {
        const a = await store.createResource('User', { doc: { userName: 'a@contoso.com' } }, NOW);
        const b = await store.createResource('User', { doc: { userName: 'b@contoso.com' } }, NOW);
        const group = await store.createResource('Group', { doc: { displayName: 'G' }, members: [{ value: a.id }, { value: 'waiting' }] }, NOW);
        return { b: b.id, group: group.id };
      },
      run: (store, { b, group }) => store.replaceResource('Group', group!, { doc: { displayName: 'G2' }, members: [{ value: b! }] }, {}, NOW),
      state: async (store, { group }) => ({ ...(await everything(store)), pending: await pending(store, group!) }),
    },
    {
      name: 'creating a user a group was waiting for (the user is written before it joins the group)',
      failAt: 'groupMembers',
      arrange: async (store) => ({ group: (await store.createResource('Group', { doc: { displayName: 'Waiting' }, members: [{ value: 'objectid-1' }] }, NOW)).id }),
      run: (store) => store.createResource('User', { doc: { userName: 'late@contoso.com', externalId: 'objectid-1' } }, NOW),
      state: async (store, { group }) => ({ ...(await everything(store)), pending: await pending(store, group!) }),
    },
    {
      name: 'deleting a user kept for retention (the copy is kept and the memberships go before the user)',
      failAt: 'resourceRemoval',
      arrange: async (store) => {
        const user = await store.createResource('User', { doc: { userName: 'gone@contoso.com' } }, NOW);
        await store.createResource('Group', { doc: { displayName: 'G' }, members: [{ value: user.id }] }, NOW);
        return { user: user.id };
      },
      run: (store, { user }) => store.deleteResource('User', user!, {}, { mode: 'retain', days: 1 }, NOW),
      // Purging far in the future counts (and removes) any copy the failed delete kept.
      state: async (store) => ({ ...(await everything(store)), kept: await store.purgeDeletedResources(new Date('9999-01-01T00:00:00.000Z')) }),
    },
    {
      name: 'deleting a nested group (the group it belonged to changes, and its own members and pending members go, before the group)',
      failAt: 'resourceRemoval',
      arrange: async (store) => {
        const user = await store.createResource('User', { doc: { userName: 'm@contoso.com' } }, NOW);
        const inner = await store.createResource('Group', { doc: { displayName: 'Inner' }, members: [{ value: user.id }, { value: 'waiting' }] }, NOW);
        await store.createResource('Group', { doc: { displayName: 'Outer' }, members: [{ value: inner.id }] }, NOW);
        return { inner: inner.id };
      },
      run: (store, { inner }) => store.deleteResource('Group', inner!, {}, { mode: 'hard' }, at(60)),
      // After the delete succeeds the group is gone, and so is the list of its pending members.
      state: async (store, { inner }) => ({ ...(await everything(store)), pending: await pending(store, inner!).catch(() => 'gone') }),
    },
    {
      name: "the admin's externalId edit (the externalId is written before its audit record)",
      failAt: 'auditRecord',
      arrange: async (store) => ({ user: (await store.createResource('User', { doc: { userName: 'link@contoso.com' } }, NOW)).id }),
      run: (store, { user }) =>
        store.setExternalId('User', user!, 'objectid-2', { time: NOW.toISOString(), actor: 'admin', action: 'setExternalId', resourceType: 'User', resourceId: user!, summary: 's' }, NOW),
      state: async (store) => ({ ...(await everything(store)), audit: await store.listAudit({ limit: 10 }) }),
    },
    {
      name: 'applying a fix batch (externalIds are written before the batch records its changes)',
      failAt: 'fixRecord',
      arrange: async (store) => ({
        a: (await store.createResource('User', { doc: { userName: 'a@contoso.com' } }, NOW)).id,
        b: (await store.createResource('User', { doc: { userName: 'b@contoso.com', externalId: 'old' } }, NOW)).id,
      }),
      run: (store, { a, b }) => store.applyIdentifierChanges({ id: 'fix-1', actor: 'admin', summary: 's', changes: [link(a!, null, 'new-a'), link(b!, 'old', 'new-b')] }, NOW),
      state: async (store) => ({ ...(await everything(store)), audit: await store.listAudit({ limit: 10 }), batches: await store.listFixBatches(10) }),
    },
    {
      name: 'undoing a fix batch (externalIds and audit records are written before the batch is marked undone)',
      failAt: 'fixRecord',
      arrange: async (store) => {
        const a = await store.createResource('User', { doc: { userName: 'a@contoso.com' } }, NOW);
        await store.applyIdentifierChanges({ id: 'fix-2', actor: 'admin', summary: 's', changes: [link(a.id, null, 'new-a')] }, NOW);
        return {};
      },
      run: (store) => store.undoFixBatch('fix-2', 'admin', NOW),
      state: async (store) => ({ ...(await everything(store)), audit: await store.listAudit({ limit: 10 }), batch: await store.getFixBatch('fix-2') }),
    },
    {
      name: 'replacing the token (the others are revoked before the new one is stored)',
      failAt: 'tokenStored',
      arrange: async (store) => {
        await store.replaceToken(Buffer.from('first'), 'first', null, NOW);
        return {};
      },
      run: (store) => store.replaceToken(Buffer.from('second'), 'second', null, NOW),
      state: async (store) => ({ tokens: await store.listTokens(), active: await store.activeTokenHashes() }),
    },
    {
      name: 'appending a batch of sync log entries (the first fifty are written before the last)',
      failAt: 'syncLogEntry',
      arrange: async () => ({}),
      run: (store) => store.appendSyncLog([...Array.from({ length: 59 }, (_, i) => entry(`ok-${i}`, i)), entry(FAILING_REQUEST_ID, 59)]),
      state: async (store) => ({ entries: await store.querySyncLog({ limit: 100 }), summary: await store.summarizeSyncLog('2000-01-01T00:00:00.000Z') }),
    },
    {
      name: 'pruning the sync log (entries past their age are removed before the oldest past the count)',
      failAt: 'syncLogRemoval',
      arrange: async (store) => {
        await store.appendSyncLog([
          { ...entry('old-1', 0), time: '2025-01-01T00:00:00.000Z' },
          { ...entry('old-2', 1), time: '2025-01-01T00:00:01.000Z' },
          entry(FAILING_REQUEST_ID, 2),
          entry('new-1', 3),
          entry('new-2', 4),
        ]);
        return {};
      },
      run: (store) => store.pruneSyncLog('2026-01-01T00:00:00.000Z', 2),
      state: async (store) => ({ entries: await store.querySyncLog({ limit: 100 }) }),
    },
  ];

  describe('atomicity: a failure after a write leaves nothing of the operation', () => {
    for (const c of cases) {
      it(`${c.name}, failing at ${c.failAt}`, async () => {
        const store = ctx.store();
        const ids = await c.arrange(store);
        const before = await c.state(store, ids);
        const restore = ctx.hooks.failAt(store, c.failAt);
        try {
          await assert.rejects(c.run(store, ids), 'the injected failure reaches the caller');
        } finally {
          restore();
        }
        assert.deepEqual(await c.state(store, ids), before);
        // The failure was the injected one: without it the same operation succeeds.
        await c.run(store, ids);
        assert.notDeepEqual(await c.state(store, ids), before, 'the operation does change what the case reads');
      });
    }
  });
}
