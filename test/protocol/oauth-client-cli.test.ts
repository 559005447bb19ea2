import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startTestCore, type TestCore } from '../support/start-test-core';
import { cliCommand } from '../support/cli-command';

const CLI = cliCommand('cli');

describe('npm run token -- client … beside a running service', () => {
  let t: TestCore;

  before(async () => {
    t = await startTestCore();
  });

  after(async () => {
    await t.stop();
  });

  const cli = (...args: string[]) => spawnSync(process.execPath, [...CLI, 'token', 'client', ...args, '--data-dir', t.dataDir], { encoding: 'utf8' });
  const line = (stdout: string, label: string) => new RegExp(`^${label}: (\\S+)$`, 'm').exec(stdout)?.[1];
  const requestToken = (id: string, secret: string) =>
    fetch(new URL('/oauth2/token', t.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }).toString(),
    });

  it('creates a client whose secret the running service accepts at once, lists, rotates and revokes it', async () => {
    const created = cli('create', '--lifetime-days', '365');
    assert.equal(created.status, 0, created.stderr);
    const id = line(created.stdout, 'Client ID');
    const secret = line(created.stdout, 'Client secret \\(shown once\\)');
    assert.ok(id && secret, created.stdout);
    assert.match(line(created.stdout, 'Token endpoint') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/oauth2\/token$/);
    const response = await requestToken(id, secret);
    assert.equal(response.status, 200, await response.clone().text());
    const access = ((await response.json()) as { access_token: string }).access_token;

    const list = cli('list');
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^Client ID: ${id} `, 'm'));
    assert.ok(!list.stdout.includes(secret), 'the secret is shown once only');

    const rotated = cli('rotate', id);
    assert.equal(rotated.status, 0, rotated.stderr);
    const newSecret = line(rotated.stdout, 'Client secret \\(shown once\\)');
    assert.ok(newSecret && newSecret !== secret);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await requestToken(id, newSecret)).status, 200, 'the new secret');
    assert.equal((await requestToken(id, secret)).status, 200, 'the old secret during the overlap');

    const revoked = cli('revoke', id);
    assert.equal(revoked.status, 0, revoked.stderr);
    // The service re-reads the clients within a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const users = await fetch(`${t.baseUrl}/Users?count=1`, { headers: { authorization: `Bearer ${access}` } });
    assert.equal(users.status, 401, 'a token of a client revoked by the CLI is refused by the running service');
  });

  it('says what is missing: an action, a client ID', () => {
    const none = cli();
    assert.equal(none.status, 2);
    assert.match(none.stderr, /token client needs one of: create, list, rotate, revoke/);
    const noId = cli('revoke');
    assert.equal(noId.status, 2);
    assert.match(noId.stderr, /needs a client ID/);
  });
});
