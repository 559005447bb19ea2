import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { ExportRun, ExportScheduleInput, ExportScheduleView, ExportList, Overview, SyncLogEntry } from '../../shared/admin/contract';
import { CYCLE_QUIET_MS } from '../../main/exports/cycle-end';
import { RETRY_MS } from '../../main/exports/export-service';
import { parseCsv } from '../../main/reconcile/csv-import';
import { eventually } from '../support/eventually';
import { mountSmallFilesystem, smallFilesystemUnavailable } from '../support/small-filesystem';
import { startTestAdmin, type TestAdmin } from '../support/start-test-admin';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ENTRA = { ADSCIMVersion: '2.0' };
const START = Date.parse('2026-12-03T15:40:00.000Z');
/** How long a background run may take to show on a loaded machine (assertions inside carry messages: a bare assert.ok re-reads the source on every failure). */
const WAIT = 30_000;

/** Scheduled exports over real HTTP: SCIM writes the directory, the admin API runs the exports, the files are read back from disk. */
describe('scheduled exports', () => {
  let clock = START;
  let t: TestAdmin;
  let scratch: string;

  before(async () => {
    t = await startTestAdmin({ core: { now: () => new Date(clock), exportTickMs: 40 } });
  });
  after(async () => {
    await t.stop();
  });
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'scimdesk-exports-'));
  });
  afterEach(async () => {
    for (const schedule of (await ok<ExportList>('exports.list', {})).items) await ok('exports.remove', { id: schedule.id });
    rmSync(scratch, { recursive: true, force: true });
  });

  async function ok<T>(method: string, input: unknown): Promise<T> {
    const { body } = await t.call<T>(method, input);
    if (!body.ok) throw new Error(`${method}: ${body.error.code} ${body.error.message}`);
    return body.value;
  }

  const schedule = (fields: Partial<ExportScheduleInput> = {}): ExportScheduleInput => ({
    name: 'Nightly HR feed',
    kinds: ['users', 'groups', 'memberships'],
    format: 'csv',
    columns: { users: [], groups: [], memberships: [] },
    folder: join(scratch, 'out'),
    timing: { kind: 'none' },
    afterCycle: false,
    keep: 5,
    latestCopy: true,
    enabled: false,
    ...fields,
  });

  async function createUser(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<string> {
    const response = await t.scim('/Users', { method: 'POST', headers, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], active: true, ...body }) });
    assert.equal(response.status, 201, await response.clone().text());
    return ((await response.json()) as { id: string }).id;
  }

  const stamped = (folder: string, kind: string) => readdirSync(folder).filter((f) => new RegExp(`^${kind}-\\d{8}T\\d{6}Z(-\\d+)?\\.(csv|json|ndjson)$`).test(f)).sort();

  it('writes users, groups and memberships provisioned over SCIM as Excel-safe CSV with the chosen columns in order, now', async () => {
    const adele = await createUser({ userName: 'adele@contoso.com', externalId: 'e-adele', displayName: 'Vance, Adele "AV"', emails: [{ value: 'adele@contoso.com', type: 'work' }] });
    const zoe = await createUser({ userName: 'zoe@contoso.com', displayName: '=HYPERLINK("http://evil.example")', name: { givenName: 'Zoë', familyName: 'Łukasiewicz 张' }, [ENTERPRISE]: { department: 'R&D\nLab' } });
    const group = await t.scim('/Groups', { method: 'POST', body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Sales', externalId: 'e-sales', members: [{ value: adele }, { value: zoe }] }) });
    assert.equal(group.status, 201);
    const groupId = ((await group.json()) as { id: string }).id;

    const saved = await ok<ExportScheduleView>('exports.save', schedule({ columns: { users: ['userName', 'id', 'displayName', 'name.givenName', `${ENTERPRISE}:department`], groups: [], memberships: ['member.userName', 'group.displayName'] } }));
    assert.deepEqual(saved.columns.users, ['userName', 'id', 'displayName', 'name.givenName', `${ENTERPRISE}:department`]);
    const run = await ok<ExportRun>('exports.runNow', { id: saved.id });
    assert.equal(run.status, 'ok', run.error ?? '');
    assert.equal(run.trigger, 'manual');
    assert.deepEqual(run.files.map((f) => [f.kind, f.name, f.rows]), [
      ['users', 'users-20261203T154000Z.csv', 2],
      ['groups', 'groups-20261203T154000Z.csv', 1],
      ['memberships', 'memberships-20261203T154000Z.csv', 2],
    ]);
    const folder = join(scratch, 'out');
    const text = readFileSync(join(folder, 'users-20261203T154000Z.csv'), 'utf8');
    assert.equal(text.charCodeAt(0), 0xfeff, 'UTF-8 byte order mark');
    assert.ok(text.endsWith('\r\n') && !/[^\r]\n(?![^"]*")/.test(text.split('"R&D')[0]!), 'CRLF line ends');
    const records = parseCsv(text).map((r) => r.fields);
    assert.deepEqual(records, [
      ['userName', 'id', 'displayName', 'name.givenName', `${ENTERPRISE}:department`],
      ['adele@contoso.com', adele, 'Vance, Adele "AV"', '', ''],
      ['zoe@contoso.com', zoe, `'=HYPERLINK("http://evil.example")`, 'Zoë', 'R&D\nLab'],
    ]);
    assert.deepEqual(parseCsv(readFileSync(join(folder, 'groups-20261203T154000Z.csv'), 'utf8')).map((r) => r.fields), [['id', 'externalId', 'displayName'], [groupId, 'e-sales', 'Sales']]);
    assert.deepEqual(
      parseCsv(readFileSync(join(folder, 'memberships-20261203T154000Z.csv'), 'utf8')).map((r) => r.fields).slice(1).sort(),
      [['adele@contoso.com', 'Sales'], ['zoe@contoso.com', 'Sales']],
    );
    assert.equal(readFileSync(join(folder, 'users-latest.csv'), 'utf8'), text, 'the stable copy is the same file');

    const listed = (await ok<ExportList>('exports.list', {})).items.find((s) => s.id === saved.id);
    assert.equal(listed?.lastRun?.id, run.id);
    assert.deepEqual((await ok<{ items: ExportRun[] }>('exports.runs', { id: saved.id })).items.map((r) => r.id), [run.id]);

    // JSON: the whole stored records, one array; NDJSON: one a line.
    const json = await ok<ExportScheduleView>('exports.save', schedule({ name: 'JSON', kinds: ['users'], format: 'json', folder: join(scratch, 'json') }));
    clock += 1000;
    const jsonRun = await ok<ExportRun>('exports.runNow', { id: json.id });
    const users = JSON.parse(readFileSync(join(scratch, 'json', jsonRun.files[0]!.name), 'utf8')) as Array<Record<string, unknown>>;
    assert.deepEqual(users.map((u) => [u['id'], u['userName']]).sort(), [[adele, 'adele@contoso.com'], [zoe, 'zoe@contoso.com']].sort());
    const nd = await ok<ExportScheduleView>('exports.save', schedule({ name: 'NDJSON', kinds: ['memberships'], format: 'ndjson', folder: join(scratch, 'nd') }));
    const ndRun = await ok<ExportRun>('exports.runNow', { id: nd.id });
    const lines = readFileSync(join(scratch, 'nd', ndRun.files[0]!.name), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(lines.map((l) => l['groupDisplayName']), ['Sales', 'Sales']);
  });

  it('refuses a relative folder, one inside the data folder, one another schedule uses, and unknown columns, naming the field', async () => {
    const refused = async (input: ExportScheduleInput, field: string, words: RegExp) => {
      const { body } = await t.call('exports.save', input);
      assert.equal(body.ok, false);
      if (body.ok) return;
      assert.equal(body.error.code, 'invalidInput');
      assert.equal(body.error.issues?.[0]?.path, field);
      assert.match(body.error.message, words);
    };
    await refused(schedule({ folder: 'exports' }), 'folder', /whole path/);
    await refused(schedule({ folder: join(t.t.dataDir, 'exports') }), 'folder', /data folder/);
    await refused(schedule({ folder: t.t.dataDir }), 'folder', /data folder/);
    await refused(schedule({ columns: { users: ['userName', 'password'], groups: [], memberships: [] } }), 'columns.users', /password/);
    writeFileSync(join(scratch, 'a-file'), 'x');
    await refused(schedule({ folder: join(scratch, 'a-file', 'out') }), 'folder', /is a file, not a folder/);
    await ok('exports.save', schedule());
    await refused(schedule({ name: 'Second' }), 'folder', /writes to .* already/);
  });

  it('runs after an Entra cycle once Entra has been silent for CYCLE_QUIET_MS, once per cycle', async () => {
    const saved = await ok<ExportScheduleView>('exports.save', schedule({ kinds: ['users'], afterCycle: true, enabled: true }));
    const folder = join(scratch, 'out');
    // A cycle: Entra's probe, then a create, each with its ADSCIMVersion header; another client's request does not count.
    const probe = await t.scim('/Users?filter=userName+eq+%22cycle%40contoso.com%22', { headers: ENTRA });
    assert.equal(probe.status, 200);
    await createUser({ userName: 'cycle@contoso.com' }, ENTRA);
    clock += 60_000;
    await createUser({ userName: 'not-entra@contoso.com' });
    await eventually(async () => assert.equal((await t.core.store.querySyncLog({ client: 'entra', limit: 5 })).length, 2), WAIT);

    clock += CYCLE_QUIET_MS - 60_000 - 1000;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(existsSync(folder) ? stamped(folder, 'users') : [], [], 'Entra may still be sending: no export yet');

    clock += 1000;
    const run = await eventually(async () => {
      const last = (await ok<ExportList>('exports.list', {})).items.find((s) => s.id === saved.id)?.lastRun;
      assert.equal(last?.status, 'ok');
      return last!;
    }, WAIT);
    assert.equal(run.trigger, 'cycle');
    assert.equal(stamped(folder, 'users').length, 1);
    assert.equal(parseCsv(readFileSync(join(folder, stamped(folder, 'users')[0]!), 'utf8')).length, 1 + (await t.core.store.countResources('User')));

    clock += CYCLE_QUIET_MS * 3;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await ok<{ items: ExportRun[] }>('exports.runs', { id: saved.id })).items.length, 1, 'one run per cycle');

    // The next cycle: one more run.
    await createUser({ userName: 'cycle2@contoso.com' }, ENTRA);
    clock += CYCLE_QUIET_MS;
    await eventually(async () => assert.equal((await ok<{ items: ExportRun[] }>('exports.runs', { id: saved.id })).items.length, 2), WAIT);
  });

  it('runs every N minutes on the clock, and keeps only the newest N files of each kind', async () => {
    const saved = await ok<ExportScheduleView>('exports.save', schedule({ kinds: ['users', 'groups'], timing: { kind: 'interval', minutes: 5 }, keep: 2, enabled: true }));
    const folder = join(scratch, 'out');
    const runs = async () => (await ok<{ items: ExportRun[] }>('exports.runs', { id: saved.id })).items;
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await runs()).length, 0, 'not before the first five minutes');
    for (let i = 1; i <= 4; i++) {
      clock += 5 * 60_000;
      await eventually(async () => assert.equal((await runs()).length, i), WAIT);
    }
    assert.ok((await runs()).every((r) => r.trigger === 'timer' && r.status === 'ok'), 'every run by the clock, each ok');
    const newest = (await runs()).slice(0, 2).map((r) => r.files.find((f) => f.kind === 'users')!.name).sort();
    assert.deepEqual(stamped(folder, 'users'), newest, 'the two newest users files, the older ones removed');
    assert.equal(stamped(folder, 'groups').length, 2);
    assert.deepEqual(readdirSync(folder).filter((f) => f.includes('.tmp-')), []);
    assert.ok(existsSync(join(folder, 'users-latest.csv')) && existsSync(join(folder, 'groups-latest.csv')), 'the -latest copies');
    // Four runs 5 minutes apart with no request between: ScimDesk's own work, not an Entra cycle.
    const mapping = await ok<{ cycles: Array<{ requests: number; end: string }> }>('mapping.view', {});
    const firstRun = Date.parse((await runs())[3]!.startedAt);
    assert.equal(mapping.cycles.filter((c) => Date.parse(c.end) >= firstRun).length, 0, 'the export runs are in no cycle');
  });

  it('records a failing folder (run, Overview, sync log, event) and tries it again after RETRY_MS', async () => {
    const folder = join(scratch, 'share');
    const saved = await ok<ExportScheduleView>('exports.save', schedule({ kinds: ['users'], folder, timing: { kind: 'daily', at: '03:00' }, enabled: true }));
    const events: ExportScheduleView[] = [];
    const unsubscribe = t.core.events.subscribe('exports.changed', ({ schedule: s }) => events.push(s));
    try {
      // The share is gone and a file now stands where the folder was.
      rmSync(folder, { recursive: true });
      writeFileSync(folder, 'not a folder');
      await t.core.syncLog.flush();
      const requestsBefore = (await ok<Overview>('overview.get', {})).last24h.requests;
      const failed = await ok<ExportRun>('exports.runNow', { id: saved.id });
      assert.equal(failed.status, 'failed');
      assert.match(failed.error ?? '', /is a file, not a folder/);
      assert.ok(failed.finishedAt !== null && failed.durationMs >= 0, 'finished, with its duration');
      assert.ok(events.some((e) => e.lastRun?.status === 'failed'), 'an exports.changed event tells the UI');

      const overview = await ok<Overview>('overview.get', {});
      assert.deepEqual(overview.exports.failing.map((f) => [f.name, f.error]), [['Nightly HR feed', failed.error]]);
      const entry = await eventually(async () => {
        const [found] = await t.core.store.querySyncLog({ operation: 'export', limit: 1 });
        assert.equal(found?.requestId, failed.id);
        return found!;
      }, WAIT);
      assert.equal(entry.status, 500);
      assert.equal(entry.error, failed.error);
      assert.equal(entry.adscimVersion, null);
      assert.equal((await ok<Overview>('overview.get', {})).last24h.requests, requestsBefore, 'an export is not a SCIM request');
      const logged = await ok<{ items: SyncLogEntry[] }>('syncLog.query', { operation: 'export' });
      assert.equal(logged.items[0]?.operation, 'export');

      // The folder is back: the next try succeeds on its own after RETRY_MS, and the Overview clears.
      rmSync(folder);
      clock += RETRY_MS - 1000;
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal((await ok<{ items: ExportRun[] }>('exports.runs', { id: saved.id })).items.length, 1, 'not before RETRY_MS');
      clock += 1000;
      const retried = await eventually(async () => {
        const [last] = (await ok<{ items: ExportRun[] }>('exports.runs', { id: saved.id })).items;
        assert.equal(last?.trigger, 'retry');
        assert.equal(last.status, 'ok');
        return last;
      }, WAIT);
      assert.equal(stamped(folder, 'users').length, 1, retried.files[0]?.name);
      assert.deepEqual((await ok<Overview>('overview.get', {})).exports.failing, []);
    } finally {
      unsubscribe();
    }
  });

  it('never shows a reader polling the folder a partial file under a final name', async () => {
    const seeded = 4000;
    const before = await t.core.store.countResources('User');
    for (let i = 0; i < seeded; i++) {
      await t.core.store.createResource('User', { doc: { userName: `bulk${i}@contoso.com`, displayName: `Bulk ${i} ${'x'.repeat(600)}`, active: true } }, new Date(clock));
      // The store answers at once: let the servers' timers run (an idle keep-alive socket closes now, not under the next call).
      if (i % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const total = before + seeded;
    const folder = join(scratch, 'out');
    const saved = await ok<ExportScheduleView>('exports.save', schedule({ kinds: ['users'], folder }));
    const seen = new Map<string, number>();
    const versions = new Set<string>();
    let reading = true;
    // Reads every file under a final name, as an importer would, while the export writes.
    const reader = (async () => {
      while (reading) {
        for (const file of existsSync(folder) ? readdirSync(folder) : []) {
          if (file.includes('.tmp-')) continue;
          let text: string;
          try {
            // Each version of a file once (by size and time), as an importer picks up a new file.
            const stat = statSync(join(folder, file));
            const version = `${file}|${stat.size}|${stat.mtimeMs}|${stat.ino}`;
            if (versions.has(version)) continue;
            versions.add(version);
            text = readFileSync(join(folder, file), 'utf8');
          } catch {
            continue;
          }
          const records = parseCsv(text);
          seen.set(file, (seen.get(file) ?? 0) + 1);
          if (records.length !== total + 1 || !text.endsWith('\r\n')) throw new Error(`${file} read with ${records.length - 1} of ${total} rows`);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    try {
      const run = await ok<ExportRun>('exports.runNow', { id: saved.id });
      assert.equal(run.status, 'ok', run.error ?? '');
      assert.equal(run.rows, total);
      assert.ok(statSync(join(folder, run.files[0]!.name)).size > 2 * 1024 * 1024, 'larger than one write, so a half file could be seen');
    } finally {
      reading = false;
    }
    await reader;
    assert.ok(seen.size > 0, 'the reader read the finished files');
  });

  it('on a full disk fails in plain words and leaves no partial or temporary file', { skip: smallFilesystemUnavailable() }, async () => {
    const disk = mountSmallFilesystem(1);
    try {
      for (let i = 0; i < 30; i++) await t.core.store.createResource('User', { doc: { userName: `filler${i}@contoso.com`, displayName: 'x'.repeat(2000) } }, new Date(clock));
      const saved = await ok<ExportScheduleView>('exports.save', schedule({ kinds: ['users'], folder: disk.path, latestCopy: false }));
      disk.fill();
      const run = await ok<ExportRun>('exports.runNow', { id: saved.id });
      assert.equal(run.status, 'failed');
      assert.match(run.error ?? '', /disk holding .* is full/);
      assert.deepEqual(readdirSync(disk.path).filter((f) => f.startsWith('users-')), [], 'no half file under a final name, no temporary file');
    } finally {
      disk.unmount();
    }
  });
});
