import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { unzipSync } from 'fflate';
import type { MethodOutput } from '../../shared/admin/contract';
import { createCloudflareTunnel } from '../../main/tunnel/cloudflare-tunnel';
import { cloudflareToken } from '../support/fake-cloudflared';
import { startTestAdmin, type TestAdmin } from '../support/start-test-admin';
import { URN_ENTERPRISE, URN_GROUP, URN_USER, type Json } from './protocol-helpers';
import { cliCommand } from '../support/cli-command';

/**
 * The support bundle (issue 14), end to end: users provisioned through real SCIM requests with
 * known personal data, a token, a Graph client secret and a tunnel token saved through the admin
 * API; the bundle built through the admin API and through `npm run support-bundle`, unzipped, and
 * every byte of every file searched for each secret (also base64 and URL-encoded) and each
 * personal value in the clear.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTRA = { adscimversion: 'Date: 2026-01-01, ActivityId: 00000000-0000-4000-8000-0000000b0b0e' };
const GRAPH_SECRET = 'Gx8Q~bundle.Client-Secret_Value9274';
const FILES = ['manifest.json', 'settings.json', 'schemas.json', 'tokens.json', 'diagnostics.json', 'compare-summary.json', 'sync-log.ndjson', 'storage.json', 'README.txt'];

interface Person {
  readonly userName: string;
  readonly email: string;
  readonly displayName: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly phone: string;
  readonly street: string;
  readonly objectId: string;
}

/** Three batches, a provisioning cycle each (the clock moves 11 minutes between them: a cycle ends after 10 silent minutes). */
const PEOPLE: ReadonlyArray<ReadonlyArray<Person>> = [0, 1, 2].map((batch) =>
  [0, 1].map((i) => ({
    userName: `zelda${batch}${i}.quokkaberg@fabrikam.example`,
    email: `zq${batch}${i}.private@mailbox.example`,
    displayName: `Zelda${batch}${i} Quokkaberg`,
    givenName: `Zeldina${batch}${i}`,
    familyName: `Quokkaberg${batch}${i}`,
    phone: `+1 425 555 01${batch}${i}`,
    street: `${batch}${i} Wombat Lane`,
    objectId: `0b0e0000-0000-4000-8000-0000000000${batch}${i}`,
  })),
);
const ALL = PEOPLE.flat();

/** Every personal value, as provisioned, that must never appear in the clear. */
const personalValues = (p: Person) => [p.userName, p.email, p.displayName, p.givenName, p.familyName, p.phone, p.street, `${p.displayName} Renamed`];

/** A value as it might sit in a file: itself, JSON-escaped, URL-encoded, base64 (standard and URL-safe). */
function forms(value: string): string[] {
  const b64 = Buffer.from(value).toString('base64');
  return [...new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), encodeURIComponent(value).replace(/%20/g, '+'), b64, b64.replace(/=+$/, ''), Buffer.from(value).toString('base64url')])];
}

/** Every place a value shows in the files, case-insensitively, as `file: form`. */
function findIn(files: Record<string, Uint8Array>, values: ReadonlyArray<string>): string[] {
  const found: string[] = [];
  for (const [name, data] of Object.entries(files)) {
    const text = Buffer.from(data).toString('utf8').toLowerCase();
    const latin = Buffer.from(data).toString('latin1').toLowerCase();
    for (const value of values) for (const form of forms(value)) if (text.includes(form.toLowerCase()) || latin.includes(form.toLowerCase())) found.push(`${name}: ${form}`);
  }
  return found;
}

function runCli(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...cliCommand('support-bundle-cli'), ...args], { cwd: ROOT, env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SCIMDESK_'))) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('support bundle', () => {
  let a: TestAdmin;
  let offsetMs = 0;
  let tunnelToken = '';
  const outDir = mkdtempSync(join(tmpdir(), 'scimdesk-bundle-out-'));
  // Its own data folder, so the last test can build a bundle from it after the service stopped.
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-bundle-data-'));
  let stopped = false;
  const secrets: string[] = [];

  const scim = async (path: string, init: RequestInit & { expect: number }) => {
    const response = await a.scim(path, { ...init, headers: { ...ENTRA, ...(init.headers as Record<string, string> | undefined) } });
    const text = await response.text();
    assert.equal(response.status, init.expect, `${init.method ?? 'GET'} ${path}: ${text}`);
    return text ? (JSON.parse(text) as Json) : {};
  };

  before(async () => {
    // Without cloudflared on PATH the tunnel fails to start, as on a machine without it; its token is saved all the same.
    a = await startTestAdmin({ core: { dataDir, now: () => new Date(Date.now() + offsetMs), tunnels: { cloudflare: (settings) => createCloudflareTunnel(settings, { env: { PATH: '/nonexistent' } }) } } });
    // Each cycle deactivates and deletes a few of 6 users: past the mass-deprovisioning breaker's default
    // limit, which would hold them (its own tests: deprovisioning-breaker.test.ts). The bundle is measured here.
    const off = await a.call('breaker.saveSettings', { enabled: false, maxCount: 20, maxPercent: 10, window: { mode: 'minutes', minutes: 60 } });
    assert.ok(off.body.ok, JSON.stringify(off.body));
    let group = '';
    for (const [batch, people] of PEOPLE.entries()) {
      if (batch > 0) offsetMs += 11 * 60_000;
      const ids: string[] = [];
      for (const p of people) {
        // As Entra does: look the user up by userName, then create it.
        const found = await scim(`/Users?filter=${encodeURIComponent(`userName eq "${p.userName}"`)}`, { expect: 200 });
        assert.equal(found['totalResults'], 0);
        const created = await scim('/Users', {
          method: 'POST',
          expect: 201,
          body: JSON.stringify({
            schemas: [URN_USER, URN_ENTERPRISE],
            externalId: p.objectId,
            userName: p.userName,
            active: true,
            displayName: p.displayName,
            name: { givenName: p.givenName, familyName: p.familyName, formatted: `${p.givenName} ${p.familyName}` },
            emails: [{ type: 'work', value: p.email, primary: true }],
            phoneNumbers: [{ type: 'work', value: p.phone }],
            addresses: [{ type: 'work', streetAddress: p.street, locality: 'Redmond', primary: true }],
            [URN_ENTERPRISE]: { department: 'Quokka Research' },
          }),
        });
        ids.push(String(created['id']));
        await scim(`/Users/${created['id']}`, {
          method: 'PATCH',
          expect: 200,
          body: JSON.stringify({ schemas: [PATCH], Operations: [{ op: 'Replace', path: 'displayName', value: `${p.displayName} Renamed` }, { op: 'Replace', path: 'active', value: 'False' }] }),
        });
        // A duplicate (409, its error names the userName) and a filter Entra never sends (400, quoting the value back).
        await scim('/Users', { method: 'POST', expect: 409, body: JSON.stringify({ schemas: [URN_USER], userName: p.userName }) });
        await scim(`/Users?filter=${encodeURIComponent(`userName eq "${p.email}" and`)}`, { expect: 400 });
      }
      if (batch === 0) group = String((await scim('/Groups', { method: 'POST', expect: 201, body: JSON.stringify({ schemas: [URN_GROUP], displayName: 'Quokka Research Team', members: [{ value: ids[0] }] }) }))['id']);
      else await scim(`/Groups/${group}`, { method: 'PATCH', expect: 204, body: JSON.stringify({ schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) }] }) });
    }
    await a.core.syncLog.flush();

    const connect = await a.call('graph.connect', { tenantId: '0b0e0000-aaaa-4000-8000-000000000001', clientId: '0b0e0000-bbbb-4000-8000-000000000002', cloud: 'global', auth: { kind: 'secret', clientSecret: GRAPH_SECRET } });
    assert.ok(connect.body.ok, JSON.stringify(connect.body));
    tunnelToken = cloudflareToken('QnVuZGxlVHVubmVsU2VjcmV0WHl6MTIzNDU2');
    const reach = await a.call('reach.configure', { provider: 'cloudflare', token: tunnelToken, hostname: 'scim.fabrikam.example' });
    assert.ok(reach.body.ok, JSON.stringify(reach.body));

    const hashes = await a.core.store.activeTokenHashes();
    assert.equal(hashes.length, 1);
    const tunnelParts = JSON.parse(Buffer.from(tunnelToken, 'base64').toString('utf8')) as Record<string, string>;
    secrets.push(a.token, a.token.slice('scimdesk_'.length), hashes[0]!.hash.toString('hex'), hashes[0]!.hash.toString('base64'), hashes[0]!.hash.toString('base64url'), GRAPH_SECRET, tunnelToken, tunnelParts['s']!);
  });

  after(async () => {
    if (!stopped) await a.stop();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** What every bundle must hold and must not hold, however it was built. */
  function check(files: Record<string, Uint8Array>, expected: { cycles: number; people: ReadonlyArray<Person> }) {
    assert.deepEqual(Object.keys(files).sort(), [...FILES].sort());
    assert.deepEqual(findIn(files, secrets), [], 'a secret in the bundle');
    assert.deepEqual(findIn(files, ALL.flatMap(personalValues)), [], 'personal data in the clear');

    const text = (name: string) => Buffer.from(files[name]!).toString('utf8');
    const manifest = JSON.parse(text('manifest.json')) as Json;
    const log = text('sync-log.ndjson').trim().split('\n').map((line) => JSON.parse(line) as Json);
    assert.equal(manifest['syncLog']['entries'], log.length);
    assert.equal(manifest['syncLog']['cyclesFound'], expected.cycles);
    assert.equal(manifest['app']['version'], JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    assert.equal(manifest['runtime']['node'], process.versions.node);
    // Per person: lookup, create, rename, duplicate, bad filter; the group's create or PATCH once a batch.
    assert.equal(log.filter((e) => e['operation'] !== 'reachability').length, expected.people.length * 5 + expected.cycles);
    // The identifiers support chases stay; the names are masked, recognisably.
    for (const p of expected.people) {
      const create = log.find((e) => e['method'] === 'POST' && e['status'] === 201 && e['externalId'] === p.objectId);
      assert.ok(create, `the create of ${p.objectId} is there, with its object id`);
      assert.equal(create['userName'], `${p.userName[0]}***@fabrikam.example`);
      assert.equal(create['detail']['request']['emails'][0]['value'], `${p.email[0]}***@mailbox.example`);
      assert.equal(create['detail']['request']['emails'][0]['type'], 'work');
      assert.equal(create['detail']['request']['active'], true);
    }
    const rename = log.find((e) => e['method'] === 'PATCH' && e['resourceType'] === 'User')!;
    assert.deepEqual(rename['detail']['request']['Operations'][1], { op: 'Replace', path: 'active', value: 'False' });
    assert.match(rename['detail']['request']['Operations'][0]['value'], /^Z\*\*\*$/);
    const badFilter = log.find((e) => e['status'] === 400)!;
    assert.equal(badFilter['detail']['query']['filter'], `userName eq "z***@mailbox.example" and`);
    // The error's words stay for support to read.
    assert.match(badFilter['error'], /^Invalid filter: expected an attribute name/);
    const duplicate = log.find((e) => e['status'] === 409)!;
    assert.match(duplicate['detail']['response']['body']['detail'], /^userName "z\*\*\*@fabrikam\.example" is already used by user [0-9a-f-]{36}$/);

    const tokens = JSON.parse(text('tokens.json')) as Json;
    assert.equal(tokens['tokens'].length, 1);
    assert.equal(tokens['tokens'][0]['hint'], `scimdesk_••••••••${a.token.slice(-4)}`);
    assert.match(tokens['tokens'][0]['fingerprint'], /^sha256:[0-9a-f]{16}$/);
    const settings = JSON.parse(text('settings.json')) as Json;
    assert.equal(settings['graph']['connection']['clientId'], '0b0e0000-bbbb-4000-8000-000000000002');
    assert.equal(settings['graph']['secretStored'], true);
    assert.equal(settings['reachability']['provider'], 'cloudflare');
    assert.equal(settings['reachability']['cloudflare']['hostname'], 'scim.fabrikam.example');
    const schemas = JSON.parse(text('schemas.json')) as Json;
    assert.ok(schemas['scimSchemas'].some((s: Json) => s['id'] === URN_USER));
    const storage = JSON.parse(text('storage.json')) as Json;
    assert.ok(['clear', 'watch', 'met'].includes(storage['quarantine']['level']));
    assert.ok(storage['storage']['databaseBytes'] > 0);
    const diagnostics = JSON.parse(text('diagnostics.json')) as Json;
    assert.equal(diagnostics['cycles'].length, 3);
    assert.match(text('README.txt'), /GUIDs|Object IDs/);
  }

  it('through the admin API: every file, the last 3 cycles, and no secret or personal value in the clear', { timeout: 60_000 }, async () => {
    const progress: string[] = [];
    const off = a.core.events.subscribe('job.progress', (p) => {
      if (p.kind === 'support.bundle' && p.jobId === 'bundle-test') progress.push(p.phase);
    });
    const { status, body } = await a.call<MethodOutput<'support.bundle'>>('support.bundle', { cycles: 3, jobId: 'bundle-test' });
    assert.equal(status, 200);
    assert.ok(body.ok, JSON.stringify(body));
    const zip = Buffer.from(body.value.zipBase64, 'base64');
    assert.equal(zip.length, body.value.bytes);
    assert.equal(body.value.cycles, 3);
    check(unzipSync(zip), { cycles: 3, people: ALL });
    off();
    assert.deepEqual(progress, ['settings', 'diagnostics', 'syncLog', 'redacting', 'zipping', 'done']);
  });

  it('through the admin API with 1 cycle: only the last batch', { timeout: 60_000 }, async () => {
    const { body } = await a.call<MethodOutput<'support.bundle'>>('support.bundle', { cycles: 1 });
    assert.ok(body.ok, JSON.stringify(body));
    check(unzipSync(Buffer.from(body.value.zipBase64, 'base64')), { cycles: 1, people: PEOPLE[2]! });
  });

  it('through `npm run support-bundle` beside the running service', { timeout: 120_000 }, async () => {
    const out = join(outDir, 'bundle.zip');
    const { code, output } = await runCli(['--data-dir', a.t.dataDir, '--out', out, '--cycles', '3']);
    assert.equal(code, 0, output);
    assert.match(output, /Support bundle: .*bundle\.zip/);
    assert.match(output, /of the last 3 provisioning cycle/);
    check(unzipSync(readFileSync(out)), { cycles: 3, people: ALL });
    assert.ok(!output.includes(a.token) && !output.includes(GRAPH_SECRET));
  });

  it('refuses a bad --cycles with the usage (exit 2), and a folder without data (exit 1)', { timeout: 60_000 }, async () => {
    const bad = await runCli(['--data-dir', a.t.dataDir, '--cycles', '0']);
    assert.equal(bad.code, 2, bad.output);
    assert.match(bad.output, /--cycles must be a whole number/);
    const empty = await runCli(['--data-dir', outDir]);
    assert.equal(empty.code, 1, empty.output);
    assert.match(empty.output, /No ScimDesk data/);
  });

  it('through `npm run support-bundle` once the service has stopped', { timeout: 120_000 }, async () => {
    await a.stop();
    stopped = true;
    const out = join(outDir, 'offline.zip');
    const { code, output } = await runCli(['--data-dir', dataDir, '--out', out]);
    assert.equal(code, 0, output);
    const files = unzipSync(readFileSync(out));
    check(files, { cycles: 3, people: ALL });
    assert.match(Buffer.from(files['compare-summary.json']!).toString('utf8'), /kept in the running service's memory/);
  });
});
