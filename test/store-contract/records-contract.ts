import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SchemaDef } from '../../main/scim/schema/attribute-def';
import type { DirectoryStore, IdentifierChange, SyncLogEntry } from '../../main/store/directory-store';
import { StoreConflictError } from '../../main/store/store-errors';
import { at, ENTERPRISE, NO_EXTRAS, NOW, type ContractContext } from './contract-context';
import { syncLogEntry } from '../support/sync-log-entry';

const A = '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef';
const B = '5f1c3a7e-64d0-4a8e-9b2f-0c9d2b7e41aa';

function logged(time: string, status: number, extra: Partial<SyncLogEntry> = {}): SyncLogEntry {
  return syncLogEntry(time, { requestId: `req-${time}-${status}`, status, adscimVersion: '2.0', ...extra });
}

const patchDetail = (paths: string[]) => JSON.stringify({ request: { Operations: paths.map((path) => ({ op: 'replace', path, value: 'x' })) } });

/** What the store keeps besides users and groups: sync log, tokens, identifier fixes, audit, settings, admin sessions. */
export function describeRecordsContract<S extends DirectoryStore>(ctx: ContractContext<S>): void {
  describe('sync log', () => {
    const seed = () =>
      ctx.store().appendSyncLog([
        logged(at(0).toISOString(), 200, { userName: 'Adele@contoso.com', adscimVersion: null }),
        logged(at(1).toISOString(), 201, { operation: 'create', method: 'POST', resourceId: 'u-1', externalId: 'AV_1' }),
        logged(at(2).toISOString(), 409, { operation: 'create', method: 'POST', displayName: '100% Sales', scimType: 'uniqueness', error: 'taken' }),
        logged(at(3).toISOString(), 500, { operation: 'patch', method: 'PATCH', resourceId: 'u-1' }),
        logged(at(4).toISOString(), 404, { operation: 'get', resourceId: 'gone', adscimVersion: null }),
      ]);

    it('appends in order with sequence numbers, reads one back, and lists newest first from a cursor', async () => {
      const stored = await seed();
      assert.deepEqual(stored.map((e) => e.status), [200, 201, 409, 500, 404]);
      const seqs = stored.map((e) => e.seq);
      assert.deepEqual([...seqs].sort((a, b) => a - b), seqs, 'increasing');
      assert.deepEqual(await ctx.store().getSyncLogEntry(seqs[2]!), stored[2]);
      assert.equal(await ctx.store().getSyncLogEntry(seqs[4]! + 100), undefined);
      const page = await ctx.store().querySyncLog({ limit: 2 });
      assert.deepEqual(page.map((e) => e.status), [404, 500]);
      const next = await ctx.store().querySyncLog({ limit: 2, beforeSeq: page[1]!.seq });
      assert.deepEqual(next.map((e) => e.status), [409, 201]);
      assert.deepEqual(await ctx.store().appendSyncLog([]), []);
    });

    it('filters by time, operation, status, outcome, resource, client and text (literal, any case)', async () => {
      await seed();
      const statuses = async (query: Parameters<DirectoryStore['querySyncLog']>[0]) => (await ctx.store().querySyncLog(query)).map((e) => e.status);
      assert.deepEqual(await statuses({ limit: 10, since: at(1).toISOString(), until: at(3).toISOString() }), [500, 409, 201]);
      assert.deepEqual(await statuses({ limit: 10, operation: 'create' }), [409, 201]);
      assert.deepEqual(await statuses({ limit: 10, status: 404 }), [404]);
      assert.deepEqual(await statuses({ limit: 10, outcome: 'success' }), [201, 200]);
      assert.deepEqual(await statuses({ limit: 10, outcome: 'error' }), [404, 500, 409]);
      assert.deepEqual(await statuses({ limit: 10, outcome: 'clientError' }), [404, 409]);
      assert.deepEqual(await statuses({ limit: 10, outcome: 'serverError' }), [500]);
      assert.deepEqual(await statuses({ limit: 10, resourceId: 'u-1' }), [500, 201]);
      assert.deepEqual(await statuses({ limit: 10, client: 'entra' }), [500, 409, 201]);
      assert.deepEqual(await statuses({ limit: 10, client: 'other' }), [404, 200]);
      assert.deepEqual(await statuses({ limit: 10, text: 'adele' }), [200]);
      assert.deepEqual(await statuses({ limit: 10, text: 'av_1' }), [201], 'userName, externalId, displayName or resource id');
      assert.deepEqual(await statuses({ limit: 10, text: 'AV%' }), [], '% is a character, not a wildcard');
      assert.deepEqual(await statuses({ limit: 10, text: '100%' }), [409]);
      assert.deepEqual(await statuses({ limit: 10, text: 'GONE' }), [404]);
    });

    it('summarizes a window and prunes by age and by count', async () => {
      await seed();
      assert.deepEqual(await ctx.store().summarizeSyncLog(at(2).toISOString()), { total: 3, errors: 3, lastTime: at(4).toISOString() });
      assert.equal(await ctx.store().pruneSyncLog(at(1).toISOString(), 100), 1);
      assert.equal(await ctx.store().pruneSyncLog('2000-01-01T00:00:00.000Z', 2), 2);
      assert.deepEqual((await ctx.store().querySyncLog({ limit: 10 })).map((e) => e.status), [404, 500]);
      const more = await ctx.store().appendSyncLog([logged(at(9).toISOString(), 200)]);
      assert.ok(more[0]!.seq > 5, 'sequence numbers are never reused');
    });

    it("counts Entra's requests minute by minute as the quarantine rules do, after a sequence number", async () => {
      const minute = (m: number, s = 0) => new Date(NOW.getTime() + m * 60_000 + s * 1000).toISOString();
      const stored = await ctx.store().appendSyncLog([
        logged(minute(-90), 500, { operation: 'create', method: 'POST' }), // before the window
        logged(minute(0), 200), // a probe that found nothing: not an event
        logged(minute(0, 10), 201, { operation: 'create', method: 'POST' }),
        logged(minute(0, 20), 409, { operation: 'create', method: 'POST' }),
        logged(minute(1), 400, { operation: 'patch', method: 'PATCH', resourceType: 'Group', detail: patchDetail(['members']) }),
        logged(minute(1, 5), 400, { operation: 'patch', method: 'PATCH', detail: patchDetail(['manager', 'title']) }),
        logged(minute(1, 10), 401),
        logged(minute(1, 20), 404, { operation: 'list' }),
        logged(minute(1, 30), 500, { operation: 'create', method: 'POST', adscimVersion: null }), // not Entra
      ]);
      const slice = await ctx.store().measureQuarantine(minute(0), 0);
      assert.equal(slice.throughSeq, stored[stored.length - 1]!.seq);
      const byMinute = Object.fromEntries(slice.minutes.map((m) => [m.minute, m]));
      assert.deepEqual(byMinute[minute(0).slice(0, 16)], {
        minute: minute(0).slice(0, 16),
        entraRequests: 3,
        operations: 2,
        failures: 1,
        referenceFailures: 0,
        refusedCredentials: 0,
        lastRefused: null,
        notFoundQueries: 0,
        lastNotFound: null,
        lastSuccess: minute(0, 10),
      });
      assert.deepEqual(byMinute[minute(1).slice(0, 16)], {
        minute: minute(1).slice(0, 16),
        entraRequests: 4,
        operations: 2,
        failures: 1,
        referenceFailures: 1,
        refusedCredentials: 1,
        lastRefused: minute(1, 10),
        notFoundQueries: 1,
        lastNotFound: minute(1, 20),
        lastSuccess: null,
      });
      assert.equal(slice.minutes.length, 2);
      const later = await ctx.store().measureQuarantine(minute(0), slice.throughSeq);
      assert.deepEqual(later, { throughSeq: slice.throughSeq, minutes: [] }, 'each entry is read once');
    });

    it('keeps a summed-up row of refused requests with its count and last time, and counts each refusal in summaries and the quarantine rules', async () => {
      const minute = (m: number, s = 0) => new Date(NOW.getTime() + m * 60_000 + s * 1000).toISOString();
      const [one, many, throttled] = await ctx.store().appendSyncLog([
        logged(minute(0), 401, { operation: 'refused' }),
        { ...logged(minute(0, 1), 401, { operation: 'refused' }), count: 40, lastTime: minute(0, 50) },
        { ...logged(minute(0, 55), 429, { operation: 'refused' }), count: 200, lastTime: minute(0, 59) },
      ]);
      assert.deepEqual([one!.count, one!.lastTime], [1, null]);
      const stored = await ctx.store().getSyncLogEntry(many!.seq);
      assert.deepEqual([stored?.count, stored?.lastTime], [40, minute(0, 50)]);
      assert.equal((await ctx.store().getSyncLogEntry(throttled!.seq))?.count, 200);
      assert.deepEqual(await ctx.store().summarizeSyncLog(minute(0)), { total: 241, errors: 241, lastTime: minute(0, 59) });
      const minutes = (await ctx.store().measureQuarantine(minute(0), 0)).minutes;
      const sum = (key: 'refusedCredentials' | 'entraRequests' | 'failures') => minutes.reduce((total, m) => total + m[key], 0);
      assert.equal(sum('refusedCredentials'), 241, 'a 429 to a wrong token is a refused credential too');
      assert.equal(minutes.map((m) => m.lastRefused).sort().at(-1), minute(0, 59));
      assert.equal(sum('entraRequests'), 241);
      assert.equal(sum('failures'), 0);
    });
  });

  describe('tokens', () => {
    const hash = (text: string) => Buffer.from(text);
    const activeIds = async () => (await ctx.store().activeTokenHashes()).map((t) => t.id).sort((a, b) => a - b);

    it('replaces every active token with a new one, or adds one beside them', async () => {
      const first = await ctx.store().replaceToken(hash('first'), 'sd_…1', null, NOW);
      assert.deepEqual(first, { id: first.id, hint: 'sd_…1', created: NOW.toISOString(), expires: null, revoked: null, lastUsed: null });
      const second = await ctx.store().addToken(hash('second'), 'sd_…2', at(3600), NOW);
      assert.equal(second.expires, at(3600).toISOString());
      assert.deepEqual(await activeIds(), [first.id, second.id]);
      assert.deepEqual((await ctx.store().activeTokenHashes()).find((t) => t.id === second.id)?.hash, hash('second'));
      const third = await ctx.store().replaceToken(hash('third'), 'sd_…3', null, at(60));
      assert.deepEqual(await activeIds(), [third.id]);
      const listed = await ctx.store().listTokens();
      assert.deepEqual(listed.map((t) => t.id), [third.id, second.id, first.id], 'newest first');
      assert.equal(listed[1]?.revoked, at(60).toISOString());
    });

    it('revokes one token or all but one, bounds an overlap, and records use', async () => {
      const a = await ctx.store().addToken(hash('a'), 'a', null, NOW);
      const b = await ctx.store().addToken(hash('b'), 'b', at(60), NOW);
      const c = await ctx.store().addToken(hash('c'), 'c', at(86_400), NOW);
      assert.equal(await ctx.store().expireTokens(a.id, at(3600)), 2 - 1, 'b already expires sooner: left as it is');
      const tokens = Object.fromEntries((await ctx.store().listTokens()).map((t) => [t.hint, t]));
      assert.equal(tokens['a']?.expires, null);
      assert.equal(tokens['b']?.expires, at(60).toISOString());
      assert.equal(tokens['c']?.expires, at(3600).toISOString());
      assert.equal(await ctx.store().revokeToken(b.id, NOW), true);
      assert.equal(await ctx.store().revokeToken(b.id, NOW), false, 'already revoked');
      assert.equal(await ctx.store().revokeTokens(NOW, a.id), 1);
      assert.deepEqual(await activeIds(), [a.id]);
      assert.equal(await ctx.store().revokeTokens(NOW), 1);
      assert.deepEqual(await activeIds(), []);
      await ctx.store().touchToken(c.id, at(5));
      assert.equal((await ctx.store().listTokens()).find((t) => t.id === c.id)?.lastUsed, at(5).toISOString());
    });

    it('creates the token hash key once and keeps it', async () => {
      const key = await ctx.store().tokenHashKey();
      assert.equal(key.length, 32);
      assert.deepEqual(await ctx.store().tokenHashKey(), key);
    });
  });

  describe('identifier fixes and undo', () => {
    const link = (resourceId: string, name: string, before: string | null, after: string | null): IdentifierChange => ({
      resourceType: 'User',
      resourceId,
      name,
      before,
      after,
      reason: 'test',
    });
    const externalIdOf = async (id: string) => (await ctx.store().getResource('User', id, NO_EXTRAS))?.doc['externalId'];
    const users = async () => ({
      adele: (await ctx.store().createResource('User', { doc: { userName: 'adele@contoso.com' } }, NOW)).id,
      alex: (await ctx.store().createResource('User', { doc: { userName: 'alex@contoso.com', externalId: 'alex' } }, NOW)).id,
    });
    const audit = (resourceId: string) => ({ time: NOW.toISOString(), actor: 'x', action: 'setExternalId', resourceType: 'User' as const, resourceId, summary: 's' });

    it('applies a batch with an audit entry per record, each record one version more', async () => {
      const { adele, alex } = await users();
      const batch = await ctx.store().applyIdentifierChanges({ id: 'fix-1', actor: 'admin', summary: '2 links', changes: [link(adele, 'adele', null, A), link(alex, 'alex', 'alex', B)] }, at(60));
      assert.deepEqual(
        { ...batch, changes: batch.changes.map((c) => c.resourceId) },
        { id: 'fix-1', created: at(60).toISOString(), actor: 'admin', summary: '2 links', undone: null, undoneBy: null, changes: [adele, alex] },
      );
      assert.deepEqual(await ctx.store().getFixBatch('fix-1'), batch);
      assert.deepEqual((await ctx.store().listFixBatches(10)).map((b) => b.id), ['fix-1']);
      const read = await ctx.store().getResource('User', adele, NO_EXTRAS);
      assert.equal(read?.doc['externalId'], A);
      assert.equal(read?.version, 2);
      const entries = await ctx.store().listAudit({ limit: 10 });
      assert.deepEqual(entries.map((a) => a.action), ['fix.link', 'fix.link']);
      assert.deepEqual(entries.find((a) => a.resourceId === alex)?.before, { externalId: 'alex' });
      assert.deepEqual(entries.find((a) => a.resourceId === alex)?.after, { externalId: B });
    });

    it('writes nothing when one record changed since the comparison, and names it', async () => {
      const { adele, alex } = await users();
      await ctx.store().setExternalId('User', alex, 'changed', audit(alex), NOW);
      await assert.rejects(
        ctx.store().applyIdentifierChanges({ id: 'fix-2', actor: 'admin', summary: 's', changes: [link(adele, 'adele', null, A), link(alex, 'alex', 'alex', B)] }, NOW),
        (error: unknown) =>
          error instanceof StoreConflictError &&
          error.message === 'No change was applied: 1 record changed since the comparison' &&
          error.conflicts.length === 1 &&
          error.conflicts[0] === 'alex: Object ID in Entra is now changed, expected alex',
      );
      assert.equal(await externalIdOf(adele), undefined);
      assert.equal(await ctx.store().getFixBatch('fix-2'), undefined);
    });

    it('refuses an objectId another record holds in any letter case, or one given twice, and a record that is gone', async () => {
      const { adele, alex } = await users();
      await ctx.store().setExternalId('User', alex, A.toUpperCase(), audit(alex), NOW);
      await assert.rejects(
        ctx.store().applyIdentifierChanges({ id: 'fix-3', actor: 'admin', summary: 's', changes: [link(adele, 'adele', null, A)] }, NOW),
        (error: unknown) => error instanceof StoreConflictError && error.conflicts[0] === `adele: Object ID ${A} already belongs to ${alex}`,
      );
      const third = (await ctx.store().createResource('User', { doc: { userName: 'third@contoso.com' } }, NOW)).id;
      await assert.rejects(
        ctx.store().applyIdentifierChanges({ id: 'fix-4', actor: 'admin', summary: 's', changes: [link(adele, 'adele', null, B), link(third, 'third', null, B)] }, NOW),
        (error: unknown) => error instanceof StoreConflictError && error.conflicts[0] === `third: Object ID ${B} is also given to adele in this batch`,
      );
      await assert.rejects(
        ctx.store().applyIdentifierChanges({ id: 'fix-5', actor: 'admin', summary: 's', changes: [link('gone-id', 'gone', null, B)] }, NOW),
        (error: unknown) => error instanceof StoreConflictError && error.conflicts[0] === 'gone (gone-id) no longer exists',
      );
    });

    it('moves an objectId from one record to another within one batch', async () => {
      const { adele, alex } = await users();
      await ctx.store().applyIdentifierChanges({ id: 'fix-6a', actor: 'admin', summary: 's', changes: [link(alex, 'alex', 'alex', A)] }, NOW);
      const moved = await ctx.store().applyIdentifierChanges({ id: 'fix-6b', actor: 'admin', summary: 's', changes: [link(alex, 'alex', A, null), link(adele, 'adele', null, A)] }, NOW);
      assert.equal(moved.changes.length, 2);
      assert.equal(await externalIdOf(alex), undefined);
      assert.equal(await externalIdOf(adele), A);
    });

    it('undoes a batch as a whole, once, and refuses when a record changed since', async () => {
      const { adele, alex } = await users();
      await ctx.store().applyIdentifierChanges({ id: 'fix-7', actor: 'admin', summary: 's', changes: [link(adele, 'adele', null, A), link(alex, 'alex', 'alex', B)] }, NOW);
      const undone = await ctx.store().undoFixBatch('fix-7', 'admin2', at(60));
      assert.equal(undone.undone, at(60).toISOString());
      assert.equal(undone.undoneBy, 'admin2');
      assert.equal(await externalIdOf(alex), 'alex');
      assert.equal(await externalIdOf(adele), undefined);
      assert.deepEqual((await ctx.store().listAudit({ limit: 2 })).map((a) => a.action), ['fix.undo', 'fix.undo']);
      await assert.rejects(ctx.store().undoFixBatch('fix-7', 'admin', NOW), (error: unknown) => error instanceof StoreConflictError && /already undone/.test(error.message));
      await assert.rejects(ctx.store().undoFixBatch('no-such-fix', 'admin', NOW), (error: unknown) => error instanceof StoreConflictError && error.message === 'No fix batch no-such-fix');

      await ctx.store().applyIdentifierChanges({ id: 'fix-8', actor: 'admin', summary: 's', changes: [link(adele, 'adele', null, A)] }, NOW);
      await ctx.store().setExternalId('User', adele, B, audit(adele), NOW);
      await assert.rejects(
        ctx.store().undoFixBatch('fix-8', 'admin', NOW),
        (error: unknown) => error instanceof StoreConflictError && error.conflicts[0] === `adele: Object ID in Entra is now ${B}, expected ${A}`,
      );
      assert.equal(await externalIdOf(adele), B);
    });

    it('takes a local snapshot with the primary email first and the employee number', async () => {
      await ctx.store().createResource(
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
            [ENTERPRISE]: { employeeNumber: '0042' },
          },
        },
        NOW,
      );
      await ctx.store().createResource('User', { doc: { userName: 'plain@contoso.com' } }, NOW);
      await ctx.store().createResource('Group', { doc: { displayName: 'Sales', externalId: B } }, NOW);
      const snapshot = await ctx.store().localSnapshot(NOW);
      assert.equal(snapshot.takenAt, NOW.toISOString());
      assert.deepEqual(
        snapshot.users.map(({ id: _id, ...rest }) => rest),
        [
          { userName: 'diego@contoso.com', externalId: null, displayName: 'Diego', emails: ['diego@contoso.com', 'home@x.example'], active: false, employeeNumber: '0042' },
          { userName: 'plain@contoso.com', externalId: null, displayName: null, emails: [], active: null, employeeNumber: null },
        ],
      );
      assert.deepEqual(snapshot.groups.map(({ id: _id, ...rest }) => rest), [{ displayName: 'Sales', externalId: B }]);
    });

    it("refuses the admin's externalId edit when another record holds it, and says nothing for a record that is gone", async () => {
      const { adele, alex } = await users();
      await assert.rejects(
        ctx.store().setExternalId('User', adele, 'ALEX', audit(adele), NOW),
        (error: unknown) =>
          error instanceof StoreConflictError &&
          error.message === `Object ID ALEX is already linked to alex@contoso.com (${alex}); two records with one Object ID make Entra match the wrong one`,
      );
      assert.equal(await ctx.store().setExternalId('User', 'gone-id', 'x', audit('gone-id'), NOW), undefined);
      const done = await ctx.store().setExternalId('User', adele, null, audit(adele), NOW);
      assert.equal(done?.resource.version, 2, 'removing an absent externalId is still a write');
      assert.deepEqual(done?.audit.before, { externalId: null });
    });
  });

  describe('audit, settings, directory, extensions, admin sessions', () => {
    it('appends audit records and lists them newest first, by resource and from a cursor', async () => {
      const append = (resourceId: string | null, summary: string) =>
        ctx.store().appendAudit({ time: NOW.toISOString(), actor: 'admin', action: 'a', resourceType: resourceId ? 'User' : null, resourceId, summary, ...(resourceId ? { before: { x: 1 } } : {}) });
      const first = await append('u-1', 'one');
      await append(null, 'two');
      const third = await append('u-1', 'three');
      assert.deepEqual(third.before, { x: 1 });
      assert.equal(third.after, undefined);
      assert.deepEqual((await ctx.store().listAudit({ limit: 10 })).map((a) => a.summary), ['three', 'two', 'one']);
      assert.deepEqual((await ctx.store().listAudit({ resourceId: 'u-1', limit: 10 })).map((a) => a.summary), ['three', 'one']);
      assert.deepEqual((await ctx.store().listAudit({ beforeSeq: third.seq, limit: 1 })).map((a) => a.summary), ['two']);
      assert.ok(first.seq < third.seq);
    });

    it('keeps settings as JSON values, the one directory row, and extension schemas by URN', async () => {
      assert.equal(await ctx.store().getSetting('missing'), undefined);
      await ctx.store().setSetting('k', { a: [1, 'b'] });
      await ctx.store().setSetting('k', { a: [2] });
      assert.deepEqual(await ctx.store().getSetting('k'), { a: [2] });

      assert.equal(await ctx.store().getDirectory(), undefined);
      const saved = await ctx.store().saveDirectory({ name: 'D', description: 'd', onInactive: 'suspend', onDelete: { mode: 'retain', days: 9 }, duplicateExternalIds: 'refuse' }, NOW);
      assert.deepEqual(saved, { name: 'D', description: 'd', onInactive: 'suspend', onDelete: { mode: 'retain', days: 9 }, duplicateExternalIds: 'refuse', created: NOW.toISOString(), updated: NOW.toISOString() });
      const again = await ctx.store().saveDirectory({ ...saved, onDelete: { mode: 'hard' } }, at(60));
      assert.equal(again.created, NOW.toISOString());
      assert.equal(again.updated, at(60).toISOString());
      assert.deepEqual(again.onDelete, { mode: 'hard' });

      const schema: SchemaDef = { id: 'urn:x:ext', name: 'Ext', description: '', attributes: [] };
      await ctx.store().saveExtension({ resourceType: 'User', schema }, NOW);
      await ctx.store().saveExtension({ resourceType: 'Group', schema: { ...schema, name: 'Ext 2' } }, NOW);
      assert.deepEqual(await ctx.store().listExtensions(), [{ resourceType: 'Group', schema: { ...schema, name: 'Ext 2' } }]);
      assert.equal(await ctx.store().deleteExtension('urn:x:ext'), true);
      assert.equal(await ctx.store().deleteExtension('urn:x:ext'), false);
    });

    it('accepts a login code once before it expires, and keeps sessions until they expire or are deleted', async () => {
      await ctx.store().addLoginCode(Buffer.from('code'), at(60));
      await ctx.store().addLoginCode(Buffer.from('old'), at(10));
      assert.equal(await ctx.store().consumeLoginCode(Buffer.from('old'), at(10)), false, 'expired');
      assert.equal(await ctx.store().consumeLoginCode(Buffer.from('code'), at(30)), true);
      assert.equal(await ctx.store().consumeLoginCode(Buffer.from('code'), at(30)), false, 'used');
      assert.equal(await ctx.store().consumeLoginCode(Buffer.from('never'), at(30)), false);

      await ctx.store().createSession(Buffer.from('s'), 'csrf', at(3600), NOW);
      assert.deepEqual(await ctx.store().getSession(Buffer.from('s'), at(60)), { csrf: 'csrf', expires: at(3600).toISOString() });
      assert.equal(await ctx.store().getSession(Buffer.from('s'), at(3600)), undefined, 'expired');
      assert.equal(await ctx.store().getSession(Buffer.from('other'), NOW), undefined);
      await ctx.store().deleteSession(Buffer.from('s'));
      assert.equal(await ctx.store().getSession(Buffer.from('s'), at(60)), undefined);
    });
  });
}
