import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createCore } from '../../main/core/create-core';
import { startTestCore, type TestCore } from '../support/start-test-core';
import { readScim, readScimError } from './protocol-helpers';

const DAY = 86_400_000;

/** GET /Users with a given bearer token (or none), answered 200 or 401. */
async function listWith(t: TestCore, token: string | undefined): Promise<Response> {
  return fetch(`${t.baseUrl}/Users?count=1`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
}

async function assertAccepted(t: TestCore, token: string, context: string): Promise<void> {
  await readScim(await listWith(t, token), 200, context);
}

async function assertRefused(t: TestCore, token: string | undefined, context: string, detail?: RegExp): Promise<void> {
  const response = await listWith(t, token);
  const body = await readScimError(response, 401, undefined, context);
  assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer\b/, `${context}: WWW-Authenticate`);
  if (detail) assert.match(body.detail, detail, `${context}: detail`);
}

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('SCIM bearer token lifecycle over HTTP', () => {
  let t: TestCore;
  let clock = Date.parse('2025-06-01T09:00:00.000Z');
  /** Every clear token this test has seen, to prove none of them is ever stored or logged. */
  const secrets: string[] = [];

  before(async () => {
    t = await startTestCore({ now: () => new Date(clock) });
    secrets.push(t.token);
  });

  after(async () => {
    await t.stop();
  });

  it('accepts the first token and refuses a missing or wrong one', async () => {
    await assertAccepted(t, t.token, 'first token');
    await assertAccepted(t, t.token, 'first token again');
    await assertRefused(t, undefined, 'no token', /No bearer token/);
    await assertRefused(t, `${t.token}x`, 'wrong token', /not valid/);
    const lower = await fetch(`${t.baseUrl}/Users?count=1`, { headers: { authorization: `bearer ${t.token}` } });
    await readScim(lower, 200, 'the scheme name is case-insensitive (RFC 7235 §2.1)');
  });

  it('records the last-used time, at most once a minute', async () => {
    const first = await t.core.tokens.current();
    assert.ok(first);
    assert.equal(first.lastUsed, new Date(clock).toISOString(), 'set by the requests above');
    assert.equal(first.revoked, null);
    assert.equal(first.expires, null, 'the first token never expires');

    const used = clock;
    clock += 30_000;
    await assertAccepted(t, t.token, '30 s later');
    assert.equal((await t.core.tokens.current())!.lastUsed, new Date(used).toISOString(), 'not rewritten within a minute');

    clock += 60_000;
    await assertAccepted(t, t.token, '90 s later');
    assert.equal((await t.core.tokens.current())!.lastUsed, new Date(clock).toISOString());
  });

  it('rotation refuses the old token at once and accepts the new one', async () => {
    const old = t.token;
    const issued = await t.core.tokens.rotate();
    secrets.push(issued.token);
    assert.notEqual(issued.token, old);
    assert.match(issued.token, /^scimdesk_[A-Za-z0-9_-]{43}$/, 'prefix and 256 bits in base64url');
    await assertRefused(t, old, 'the rotated-out token', /not valid/);
    await assertAccepted(t, issued.token, 'the new token');
    const tokens = await t.core.tokens.list();
    assert.equal(tokens.filter((record) => record.revoked === null).length, 1, 'one active token');
    assert.equal((await t.core.tokens.current())!.id, issued.record.id);
    assert.ok(!issued.record.hint.includes(issued.token.slice(9, -4)), 'the hint masks the token');
  });

  it('revocation refuses the token at once', async () => {
    const issued = await t.core.tokens.rotate();
    secrets.push(issued.token);
    await assertAccepted(t, issued.token, 'before revoke');
    assert.equal(await t.core.tokens.revoke(), 1);
    await assertRefused(t, issued.token, 'revoked token', /not valid/);
    assert.equal(await t.core.tokens.current(), undefined);
  });

  it('refuses a token once its lifetime has passed, as expired', async () => {
    const issued = await t.core.tokens.rotate(1);
    secrets.push(issued.token);
    assert.equal(issued.record.expires, new Date(clock + DAY).toISOString());
    await assertAccepted(t, issued.token, 'fresh');

    clock += DAY - 1000;
    await assertAccepted(t, issued.token, 'one second before expiry');

    clock += 1000;
    await assertRefused(t, issued.token, 'at expiry', /expired/);
    clock += DAY;
    await assertRefused(t, issued.token, 'a day after expiry', /expired/);
    assert.equal(await t.core.tokens.current(), undefined, 'an expired token is not current');

    const next = await t.core.tokens.rotate();
    secrets.push(next.token);
    await assertAccepted(t, next.token, 'a new token after expiry');
  });

  it('never writes a clear token to the sync log or the database', async () => {
    await t.core.syncLog.flush();
    const entries = await t.core.store.querySyncLog({ limit: 10_000 });
    // Refusals from one address are summed up: a row may stand for several requests.
    const requests = entries.reduce((sum, entry) => sum + (entry.count ?? 1), 0);
    assert.ok(requests >= 15, `the requests above were logged (${requests})`);
    assert.ok(entries.some((entry) => entry.status === 401));
    const logged = JSON.stringify(entries);
    for (const secret of secrets) {
      assert.equal(logged.includes(secret), false, 'token in the sync log');
      assert.equal(logged.includes(secret.slice('scimdesk_'.length)), false, 'token body in the sync log');
    }
    for (const file of readdirSync(t.dataDir).filter((name) => name.startsWith('scimdesk.db'))) {
      const bytes = readFileSync(join(t.dataDir, file));
      for (const secret of secrets) {
        assert.equal(bytes.includes(Buffer.from(secret)), false, `clear token in ${file}`);
        assert.equal(bytes.includes(Buffer.from(secret.slice('scimdesk_'.length))), false, `token body in ${file}`);
      }
    }
  });

  it('does not record a token sent as an access_token query parameter (RFC 6750 §2.3)', async () => {
    const current = await t.core.tokens.rotate();
    secrets.push(current.token);
    // ScimDesk only reads the Authorization header, so this is refused, and the secret must not be kept either.
    const response = await fetch(`${t.baseUrl}/Users?access_token=${encodeURIComponent(current.token)}`);
    await readScimError(response, 401, undefined, 'token in the query string');
    await t.core.syncLog.flush();
    const [entry] = await t.core.store.querySyncLog({ limit: 1 });
    assert.ok(entry);
    assert.equal(entry.status, 401);
    assert.equal(JSON.stringify(entry).includes(current.token), false, `sync log entry: ${entry.detail}`);
  });
});

describe('SCIM bearer token across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-token-'));

  after(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is refused as expired by a core started after its expiry, and accepted before', async () => {
    const start = Date.parse('2025-06-01T09:00:00.000Z');
    const first = await startTestCore({ dataDir, now: () => new Date(start) });
    const issued = await first.core.tokens.rotate(30);
    await assertAccepted(first, issued.token, 'before the restart');
    await first.stop();

    for (const [offset, accepted] of [
      [29 * DAY, true],
      [31 * DAY, false],
    ] as const) {
      const core = await createCore({ dataDir, host: '127.0.0.1', port: 0, fileLogs: false, now: () => new Date(start + offset) });
      const started = await core.start();
      assert.equal(started.firstToken, undefined, 'no new token on an existing data folder');
      try {
        const response = await fetch(`${started.scimUrl}/Users?count=1`, { headers: { authorization: `Bearer ${issued.token}` } });
        if (accepted) {
          await readScim(response, 200, 'day 29');
        } else {
          const body = await readScimError(response, 401, undefined, 'day 31');
          assert.match(body.detail, /expired/);
        }
      } finally {
        await core.stop();
      }
    }
  });
});

describe('SCIM log files', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-logs-'));
  let t: TestCore;
  const secrets: string[] = [];

  before(async () => {
    t = await startTestCore({ dataDir, fileLogs: true });
    secrets.push(t.token);
  });

  after(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never contain a clear token', async () => {
    await assertAccepted(t, t.token, 'first token');
    await readScim(
      await t.scim('/Users', { method: 'POST', body: JSON.stringify({ userName: 'logged.user@contoso.com', password: 'P@ssw0rd!' }) }),
      201,
    );
    await assertRefused(t, `${t.token}x`, 'wrong token');
    const issued = await t.core.tokens.rotate();
    secrets.push(issued.token);
    await assertRefused(t, t.token, 'rotated-out token');
    await assertAccepted(t, issued.token, 'new token');
    await t.stop();
    await delay(200); // the rolling file stream writes asynchronously

    const files = filesUnder(join(dataDir, 'logs'));
    assert.ok(files.length > 0, 'log files were written');
    const text = files.map((file) => readFileSync(file, 'utf8')).join('\n');
    assert.match(text, /scim request/, 'requests are logged');
    assert.match(text, /logged\.user@contoso\.com/, 'identifiers are logged');
    for (const secret of secrets) {
      assert.equal(text.includes(secret), false, 'clear token in a log file');
      assert.equal(text.includes(secret.slice('scimdesk_'.length)), false, 'token body in a log file');
    }
    assert.equal(text.includes('P@ssw0rd!'), false, 'password in a log file');
  });
});
