import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { adminMethods, type MethodName, type MethodOutput } from '../../shared/admin/contract';
import { PAUSE_RETRY_AFTER_SECONDS } from '../../main/lib/provisioning-pause';
import { eventually } from '../support/eventually';
import { startTestAdmin, type TestAdmin } from '../support/start-test-admin';
import { startTestCore } from '../support/start-test-core';
import { assertListResponse, filterPath, readEmpty, readScim, readScimError, URN_GROUP, URN_USER } from './protocol-helpers';

/**
 * The recycle bin and the database snapshots over the real SCIM endpoint and admin API: a deleted
 * user kept and invisible to SCIM, re-created by Entra without a 409 loop, restored with its
 * memberships; snapshots before token regeneration, restored with provisioning paused (a SCIM
 * write meanwhile gets 503), exported as CSV and JSON.
 */

const ENTRA = { ADSCIMVersion: 'Date: 2026-01-01, ActivityId: 11111111-2222-3333-4444-555555555555' };

function useAdmin(getAdmin: () => TestAdmin) {
  async function ok<M extends MethodName>(method: M, input: unknown): Promise<MethodOutput<M>> {
    const { status, body } = await getAdmin().call<MethodOutput<M>>(method, input);
    assert.equal(status, 200, `${method}: status`);
    assert.ok(body.ok, `${method} failed: ${JSON.stringify(body)}`);
    const parsed = adminMethods[method].output.safeParse(body.value);
    assert.ok(parsed.success, `${method}: the value does not match the output schema: ${JSON.stringify(parsed.error?.issues)}`);
    return body.value;
  }
  async function refused(method: MethodName, input: unknown, code: string, pattern: RegExp): Promise<string> {
    const { body } = await getAdmin().call(method, input);
    assert.equal(body.ok, false, `${method} should be refused`);
    if (body.ok) return '';
    assert.equal(body.error.code, code, `${method}: ${body.error.message}`);
    assert.match(body.error.message, pattern);
    return body.error.message;
  }
  return { ok, refused };
}

async function createUser(a: TestAdmin, userName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const body = await readScim(
    await a.scim('/Users', { method: 'POST', headers: ENTRA, body: JSON.stringify({ schemas: [URN_USER], userName, active: true, ...extra }) }),
    201,
    `create ${userName}`,
  );
  return body['id'] as string;
}

describe('the recycle bin over SCIM and the admin API', () => {
  let a: TestAdmin;
  const { ok, refused } = useAdmin(() => a);
  before(async () => {
    a = await startTestAdmin();
    await ok('directory.update', { name: 'Contoso', description: '', onInactive: 'suspend', onDelete: { mode: 'retain', days: 30 }, duplicateExternalIds: 'refuse' });
  });
  after(() => a?.stop());

  it('keeps a deleted user invisible to SCIM, lets Entra re-create the same userName and Object ID (no 409 loop), and restores the kept one with its group', async () => {
    const adele = await createUser(a, 'adele.vance@contoso.com', { externalId: 'AV-OBJECT-1' });
    const sales = (await readScim(
      await a.scim('/Groups', { method: 'POST', headers: ENTRA, body: JSON.stringify({ schemas: [URN_GROUP], displayName: 'Sales', members: [{ value: adele }] }) }),
      201,
    ))['id'] as string;
    await readEmpty(await a.scim(`/Users/${adele}`, { method: 'DELETE', headers: ENTRA }), 204, 'delete');

    // Invisible to SCIM: read by id, Entra's matching query by userName and by externalId.
    await readScimError(await a.scim(`/Users/${adele}`, { headers: ENTRA }), 404, undefined, 'read after delete');
    assertListResponse(await readScim(await a.scim(filterPath('/Users', 'userName eq "adele.vance@contoso.com"'), { headers: ENTRA }), 200), 0, 'query by userName');
    assertListResponse(await readScim(await a.scim(filterPath('/Users', 'externalId eq "AV-OBJECT-1"'), { headers: ENTRA }), 200), 0, 'query by externalId');

    const bin = (await ok('recovery.bin', {})).items;
    assert.equal(bin.length, 1);
    assert.equal(bin[0]!.id, adele);
    assert.equal(bin[0]!.name, 'adele.vance@contoso.com');
    assert.equal(Date.parse(bin[0]!.keptUntil) - Date.parse(bin[0]!.deletedAt), 30 * 86_400_000);

    // Entra brings her back in scope: it queries, finds nothing, and creates her again. The kept copy does not block it.
    const again = await createUser(a, 'adele.vance@contoso.com', { externalId: 'AV-OBJECT-1' });
    assert.notEqual(again, adele);
    const message = await refused('recovery.restoreDeleted', { seq: bin[0]!.seq }, 'conflict', /Cannot restore user "adele\.vance@contoso\.com": the live user .* has the userName/);
    assert.ok(message.includes(again), 'names the live record');

    // Entra deletes the new one; the first one can then come back, with her id and her group.
    await readEmpty(await a.scim(`/Users/${again}`, { method: 'DELETE', headers: ENTRA }), 204, 'delete the re-created one');
    assert.equal((await ok('recovery.bin', {})).items.length, 2);
    const restored = await ok('recovery.restoreDeleted', { seq: bin[0]!.seq });
    assert.deepEqual(restored, { kind: 'User', id: adele, name: 'adele.vance@contoso.com', groups: 1, members: 0 });
    const back = await readScim(await a.scim(`/Users/${adele}`, { headers: ENTRA }), 200, 'read the restored user');
    assert.equal(back['externalId'], 'AV-OBJECT-1');
    assert.deepEqual((back['groups'] as Array<{ value: string }>).map((group) => group.value), [sales]);
    const group = await readScim(await a.scim(`/Groups/${sales}`, { headers: ENTRA }), 200);
    assert.deepEqual((group['members'] as Array<{ value: string }>).map((member) => member.value), [adele]);

    const left = (await ok('recovery.bin', {})).items;
    assert.deepEqual(left.map((record) => record.id), [again]);
    await refused('recovery.restoreDeleted', { seq: left[0]!.seq }, 'conflict', /has the userName/);
    const audit = await ok('audit.list', { limit: 10 });
    assert.ok(audit.items.some((entry) => entry.action === 'restoreDeleted' && entry.summary.includes('adele.vance@contoso.com')));
  });

  it('brings a deleted group back with its members', async () => {
    const alex = await createUser(a, 'alex.wilber@contoso.com');
    const retail = (await readScim(
      await a.scim('/Groups', { method: 'POST', headers: ENTRA, body: JSON.stringify({ schemas: [URN_GROUP], displayName: 'Retail', members: [{ value: alex }] }) }),
      201,
    ))['id'] as string;
    await readEmpty(await a.scim(`/Groups/${retail}`, { method: 'DELETE', headers: ENTRA }), 204);
    await readScimError(await a.scim(`/Groups/${retail}`, { headers: ENTRA }), 404, undefined, 'group read after delete');
    const kept = (await ok('recovery.bin', {})).items.find((record) => record.id === retail)!;
    assert.equal(kept.kind, 'Group');
    const restored = await ok('recovery.restoreDeleted', { seq: kept.seq });
    assert.equal(restored.members, 1);
    const group = await readScim(await a.scim(`/Groups/${retail}`, { headers: ENTRA }), 200);
    assert.deepEqual((group['members'] as Array<{ value: string }>).map((member) => member.value), [alex]);
  });
});

describe('database snapshots over the admin API', () => {
  let a: TestAdmin;
  const { ok, refused } = useAdmin(() => a);
  before(async () => {
    a = await startTestAdmin();
  });
  after(() => a?.stop());

  it('takes a snapshot before a token regeneration, owner-only in the data folder with its counts', async () => {
    await createUser(a, 'megan.bowen@contoso.com');
    assert.equal((await ok('snapshots.list', {})).items.length, 0);
    const issued = await ok('token.generate', { lifetimeDays: 0 });
    a.token = issued.token;
    const [snapshot] = (await ok('snapshots.list', {})).items;
    assert.equal(snapshot?.reason, 'before token regeneration');
    assert.deepEqual(snapshot.counts, { users: 1, activeUsers: 1, groups: 0, memberships: 0, deleted: 0 });
    const folder = join(a.t.dataDir, 'database-snapshots');
    assert.deepEqual(readdirSync(folder).sort(), [`${snapshot.id}.db`, `${snapshot.id}.json`]);
    if (process.platform !== 'win32') {
      assert.equal(statSync(join(folder, `${snapshot.id}.db`)).mode & 0o777, 0o600);
      assert.equal(statSync(folder).mode & 0o777, 0o700);
    }
    assert.match(snapshot.id, /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-before-token-regeneration$/);
  });

  it('restores a snapshot with provisioning paused (a SCIM write meanwhile gets 503), keeps a snapshot of the state before, and resumes', async () => {
    // A directory large enough that the backups take many steps, between which requests are served.
    const big = 'x'.repeat(4000);
    for (let n = 0; n < 2500; n++) {
      await a.core.store.createResource('User', { doc: { schemas: [URN_USER], userName: `bulk${n}@contoso.com`, active: n % 5 !== 0, title: big } }, new Date());
    }
    const keep = await createUser(a, 'keep@contoso.com');
    const group = (await readScim(await a.scim('/Groups', { method: 'POST', headers: ENTRA, body: JSON.stringify({ schemas: [URN_GROUP], displayName: 'Kept', members: [{ value: keep }] }) }), 201))['id'] as string;
    const taken = await ok('snapshots.take', { reason: 'Before the cleanup' });
    assert.equal(taken.trigger, 'manual');
    assert.equal(taken.reason, 'Before the cleanup');
    assert.deepEqual(taken.counts, { users: 2502, activeUsers: 2002, groups: 1, memberships: 1, deleted: 0 });

    // Afterwards: the user is deleted, another appears.
    await readEmpty(await a.scim(`/Users/${keep}`, { method: 'DELETE', headers: ENTRA }), 204);
    const late = await createUser(a, 'late@contoso.com');
    const compared = await ok('snapshots.compare', { id: taken.id });
    assert.deepEqual(compared.now, { users: 2502, activeUsers: 2002, groups: 1, memberships: 0, deleted: 0 });
    assert.deepEqual(compared.snapshot.counts, taken.counts);

    const during: Array<Promise<Response>> = [];
    const phases: string[] = [];
    const unsubscribe = a.core.events.subscribe('job.progress', (progress) => {
      if (progress.kind !== 'restore') return;
      phases.push(progress.phase);
      if (progress.phase === 'before' && during.length === 0) {
        during.push(a.scim('/Users', { method: 'POST', headers: ENTRA, body: JSON.stringify({ schemas: [URN_USER], userName: 'during@contoso.com' }) }));
      }
    });
    const result = await ok('snapshots.restore', { id: taken.id });
    unsubscribe();
    assert.equal(during.length, 1);
    const refusedWrite = await during[0]!;
    await readScimError(refusedWrite, 503, undefined, 'a SCIM write during the restore');
    assert.equal(refusedWrite.headers.get('retry-after'), String(PAUSE_RETRY_AFTER_SECONDS));
    assert.ok(phases.includes('restore') && phases.at(-1) === 'done', phases.join(','));
    assert.equal(result.resumed, true);
    assert.equal(a.core.pause.state(), undefined, 'provisioning resumed');
    assert.deepEqual(result.counts, taken.counts);
    assert.equal(result.before.reason, `before restore of ${taken.time}`);
    assert.deepEqual(result.before.counts, compared.now);

    // The data equals the snapshot: the deleted user is back in her group, the later one is gone, the refused write left nothing.
    const back = await readScim(await a.scim(`/Users/${keep}`, { headers: ENTRA }), 200);
    assert.deepEqual((back['groups'] as Array<{ value: string }>).map((g) => g.value), [group]);
    await readScimError(await a.scim(`/Users/${late}`, { headers: ENTRA }), 404, undefined, 'created after the snapshot');
    assertListResponse(await readScim(await a.scim(filterPath('/Users', 'userName eq "during@contoso.com"'), { headers: ENTRA }), 200), 0);
    assert.deepEqual(await a.core.store.directoryCounts(), taken.counts);
    // SCIM writes work again, and the audit says what happened.
    await createUser(a, 'after@contoso.com');
    const audit = await ok('audit.list', { limit: 5 });
    assert.ok(audit.items.some((entry) => entry.action === 'restoreSnapshot' && entry.summary.includes(result.before.id)));

    // The restore is undone by restoring the snapshot taken before it.
    const undone = await ok('snapshots.restore', { id: result.before.id });
    assert.deepEqual(undone.counts, compared.now);
    await readScim(await a.scim(`/Users/${late}`, { headers: ENTRA }), 200, 'back after undoing the restore');
  });

  it('keeps provisioning paused after a restore when it was paused before', async () => {
    const [latest] = (await ok('snapshots.list', {})).items;
    await ok('provisioning.pause', {});
    const result = await ok('snapshots.restore', { id: latest!.id });
    assert.equal(result.resumed, false);
    assert.ok(a.core.pause.state(), 'still paused');
    await ok('provisioning.resume', {});
  });

  it('refuses an unknown snapshot', async () => {
    await refused('snapshots.restore', { id: '2020-01-01T00-00-00-000Z-nothing' }, 'notFound', /No snapshot "2020-01-01T00-00-00-000Z-nothing"/);
  });

  it('exports users, groups and memberships as Excel-safe CSV and as JSON, from now and from a snapshot', async () => {
    const risky = await createUser(a, '=HYPERLINK("http://evil")@contoso.com', { displayName: '=cmd|"/c calc"!A1', name: { givenName: 'Zoë', familyName: '+Ünal' }, emails: [{ value: 'zoe@contoso.com', primary: true }] });
    const team = (await readScim(await a.scim('/Groups', { method: 'POST', headers: ENTRA, body: JSON.stringify({ schemas: [URN_GROUP], displayName: '@Team, "quoted"', members: [{ value: risky }] }) }), 201))['id'] as string;
    const counts = await a.core.store.directoryCounts();

    const csv = (await ok('snapshots.export', { source: 'now', format: 'csv' })).files;
    assert.deepEqual(csv.map((file) => file.name.replace(/^scimdesk-[0-9TZ-]+-/, '')), ['users.csv', 'groups.csv', 'memberships.csv']);
    const [users, groups, memberships] = csv.map((file) => file.content);
    for (const content of [users!, groups!, memberships!]) {
      assert.ok(content.startsWith('\uFEFF'), 'a UTF-8 byte order mark for Excel');
      assert.ok(content.endsWith('\r\n'));
    }
    const userLines = users!.slice(1).trimEnd().split('\r\n');
    assert.equal(userLines[0], 'id,userName,externalId,active,displayName,givenName,familyName,email,created,lastModified');
    assert.equal(userLines.length, counts.users + 1);
    const line = userLines.find((l) => l.startsWith(risky))!;
    assert.ok(line.includes(`"'=HYPERLINK(""http://evil"")@contoso.com"`), line);
    assert.ok(line.includes(`"'=cmd|""/c calc""!A1",Zoë,'+Ünal,zoe@contoso.com`), line);
    assert.ok(groups!.includes(`${team},"'@Team, ""quoted""",,1,`), groups);
    assert.ok(memberships!.includes(`${team},"'@Team, ""quoted""",${risky},User,"'=HYPERLINK(""http://evil"")@contoso.com"`), memberships);
    assert.equal(memberships!.slice(1).trimEnd().split('\r\n').length, counts.memberships + 1);
    assert.equal(existsSync(join(a.t.dataDir, 'database-snapshots')) && readdirSync(join(a.t.dataDir, 'database-snapshots')).some((name) => name.includes('.tmp')), false, 'no export copy left');

    const json = (await ok('snapshots.export', { source: 'now', format: 'json' })).files;
    assert.equal(json.length, 1);
    const parsed = JSON.parse(json[0]!.content) as { counts: unknown; users: Array<Record<string, unknown>>; groups: Array<Record<string, unknown>>; memberships: Array<Record<string, unknown>> };
    assert.deepEqual(parsed.counts, counts);
    assert.equal(parsed.users.length, counts.users);
    const exported = parsed.users.find((user) => user['id'] === risky)!;
    assert.equal(exported['displayName'], '=cmd|"/c calc"!A1', 'JSON keeps values as they are');
    assert.deepEqual(exported['name'], { givenName: 'Zoë', familyName: '+Ünal' });
    assert.deepEqual(parsed.memberships.filter((m) => m['groupId'] === team), [{ groupId: team, groupDisplayName: '@Team, "quoted"', memberId: risky, memberType: 'User', memberName: '=HYPERLINK("http://evil")@contoso.com' }]);

    // From a snapshot: the records of that moment, not of now.
    const snapshot = await ok('snapshots.take', {});
    await readEmpty(await a.scim(`/Users/${risky}`, { method: 'DELETE', headers: ENTRA }), 204);
    const fromSnapshot = JSON.parse((await ok('snapshots.export', { source: snapshot.id, format: 'json' })).files[0]!.content) as { users: Array<{ id: string }> };
    assert.ok(fromSnapshot.users.some((user) => user.id === risky));
    const audit = await ok('audit.list', { limit: 5 });
    assert.ok(audit.items.some((entry) => entry.action === 'exportDirectory'));
  });
});

describe('the daily snapshot', () => {
  it('is taken by the maintenance once a day when the directory holds anything, and only the newest are kept', async () => {
    let clock = new Date('2026-03-01T08:00:00.000Z');
    const t = await startTestCore({ now: () => clock, maintenanceIntervalMs: 25, snapshotRetention: { daily: 2, other: 20 } });
    try {
      const dailies = () => t.core.snapshots.list().filter((info) => info.trigger === 'daily');
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(dailies().length, 0, 'an empty directory has nothing to keep');
      await readScim(await t.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'first@contoso.com' }) }), 201);
      await eventually(() => assert.equal(dailies().length, 1));
      assert.equal(dailies()[0]!.time, clock.toISOString());
      clock = new Date('2026-03-01T20:00:00.000Z');
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(dailies().length, 1, 'not again within 24 hours');
      for (const day of ['2026-03-02T08:30:00.000Z', '2026-03-03T09:00:00.000Z']) {
        clock = new Date(day);
        await eventually(() => assert.equal(dailies()[0]?.time, day));
      }
      assert.deepEqual(dailies().map((info) => info.time), ['2026-03-03T09:00:00.000Z', '2026-03-02T08:30:00.000Z'], 'the oldest daily one was removed');
      await readScim(await t.scim(`/Users?filter=${encodeURIComponent('userName eq "first@contoso.com"')}`), 200);
    } finally {
      await t.stop();
    }
  });
});

describe('a restore in the change feed', () => {
  let a: TestAdmin;
  const { ok } = useAdmin(() => a);
  before(async () => {
    a = await startTestAdmin();
    await ok('directory.update', { name: 'Contoso', description: '', onInactive: 'suspend', onDelete: { mode: 'retain', days: 30 }, duplicateExternalIds: 'refuse' });
  });
  after(() => a?.stop());

  it('appends what a snapshot restore and a recycle-bin restore change, so a webhook or feed consumer follows them', async () => {
    const renamed = await createUser(a, 'renamed@contoso.com', { displayName: 'Before' });
    const removed = await createUser(a, 'removed@contoso.com');
    const member = await createUser(a, 'member@contoso.com');
    const group = (await readScim(await a.scim('/Groups', { method: 'POST', headers: ENTRA, body: JSON.stringify({ schemas: [URN_GROUP], displayName: 'Team', members: [{ value: member }] }) }), 201))['id'] as string;
    const taken = await ok('snapshots.take', { reason: 'feed' });

    const patch = (id: string, body: unknown) => a.scim(`/Users/${id}`, { method: 'PATCH', headers: ENTRA, body: JSON.stringify(body) });
    await readScim(await patch(renamed, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: 'After' }] }), 200);
    await readEmpty(await a.scim(`/Users/${removed}`, { method: 'DELETE', headers: ENTRA }), 204);
    const late = await createUser(a, 'late@contoso.com');
    await readEmpty(
      await a.scim(`/Groups/${group}`, { method: 'PATCH', headers: ENTRA, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'remove', path: `members[value eq "${member}"]` }] }) }),
      204,
    );
    const before = (await a.core.store.readChanges(0, 100_000)).at(-1)!.seq;

    await ok('snapshots.restore', { id: taken.id });
    const restore = (await a.core.store.readChanges(before, 1000)).map((change) => ({ type: change.type, id: change.resourceId, data: change.data }));
    const of = (id: string) => restore.filter((change) => change.id === id);
    assert.deepEqual(of(renamed).map((c) => [c.type, c.data]), [['user.updated', { attributes: { displayName: 'Before' } }]]);
    assert.deepEqual(of(removed).map((c) => c.type), ['user.restored']);
    assert.equal((of(removed)[0]!.data['resource'] as { userName: string }).userName, 'removed@contoso.com');
    assert.deepEqual(of(late).map((c) => c.type), ['user.deleted']);
    assert.deepEqual(of(group).map((c) => [c.type, c.data]), [['group.members.added', { members: [{ value: member, type: 'User' }] }]]);
    assert.equal(of(member).length, 0, 'a record the restore leaves as it was is not in the feed');

    // Versions never go back: a record changed since the snapshot gets one above both, so an ETag a
    // client saw after the snapshot no longer matches; one the restore left as it was keeps its own.
    const read = async (id: string, path = 'Users') => {
      const response = await a.scim(`/${path}/${id}`);
      const etag = response.headers.get('etag');
      return { etag, body: await readScim(response, 200) };
    };
    const now = await read(renamed);
    assert.equal((now.body['meta'] as { version: string }).version, 'W/"3"', 'created 1, renamed 2, restored 3');
    assert.equal(now.etag, 'W/"3"');
    assert.equal(now.body['displayName'], 'Before');
    assert.equal((await a.core.store.readChanges(before, 1000)).find((c) => c.resourceId === renamed)?.version, 3, 'the feed says the version after the restore');
    await readScimError(
      await a.scim(`/Users/${renamed}`, { method: 'PATCH', headers: { ...ENTRA, 'if-match': 'W/"2"' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'x' }] }) }),
      412,
      undefined,
      'the ETag seen before the restore no longer matches',
    );
    assert.equal((await read(member)).etag, 'W/"1"', 'unchanged since the snapshot: its version stays');
    const groupVersion = Number(/\d+/.exec((await read(group, 'Groups')).etag ?? '')![0]);
    assert.equal((await a.core.store.readChanges(before, 1000)).find((c) => c.resourceId === group)?.version, groupVersion);

    // A user brought back from the recycle bin is "restored", not "created".
    await readEmpty(await a.scim(`/Users/${member}`, { method: 'DELETE', headers: ENTRA }), 204);
    const bin = await ok('recovery.bin', {});
    const afterDelete = (await a.core.store.readChanges(0, 100_000)).at(-1)!.seq;
    await ok('recovery.restoreDeleted', { seq: bin.items.find((item) => item.id === member)!.seq });
    const back = await a.core.store.readChanges(afterDelete, 100);
    assert.equal(back.find((change) => change.resourceId === member)?.type, 'user.restored');
  });
});
