import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { eventually } from '../../support/eventually';
import { chooseSecretStore, FileSecretStore, KeyringSecretStore, type KeyringEntry } from '../../../main/lib/secret-store';

/** An OS credential store in memory, standing in for @napi-rs/keyring. */
function memoryKeyring(store = new Map<string, string>()) {
  return (service: string, account: string): KeyringEntry => ({
    async setPassword(password) {
      store.set(`${service}/${account}`, password);
    },
    async getPassword() {
      return store.get(`${service}/${account}`) ?? null;
    },
    async deletePassword() {
      return store.delete(`${service}/${account}`);
    },
  });
}

describe('secret stores', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scimdesk-secrets-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps secrets in a file only this account can read, written atomically', async () => {
    const file = join(dir, 'secrets.json');
    const store = new FileSecretStore(file);
    await store.set('graph.clientSecret', 's3cret');
    assert.equal(await store.get('graph.clientSecret'), 's3cret');
    if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);
    await store.delete('graph.clientSecret');
    assert.equal(await store.get('graph.clientSecret'), undefined);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), {});
  });

  it('loses no secret when several processes write the file at the same moment', async () => {
    const file = join(dir, 'shared-secrets.json');
    const race = mkdtempSync(join(dir, 'race-'));
    const module = pathToFileURL(join(import.meta.dirname, '..', '..', '..', 'main', 'lib', 'secret-store.ts')).href;
    // Each process says it is ready, waits for the others, then writes its own 100 names as fast as it
    // can. Without the lock most were lost (measured: 4 processes kept 137 of 400).
    const writer = (n: number) =>
      new Promise<number | null>((resolve) => {
        const code = `
          const { writeFileSync, existsSync } = await import('node:fs');
          const { FileSecretStore } = await import(${JSON.stringify(module)});
          const store = new FileSecretStore(${JSON.stringify(file)});
          writeFileSync(${JSON.stringify(join(race, 'ready-'))} + ${n}, '');
          while (!existsSync(${JSON.stringify(join(race, 'go'))})) await new Promise((r) => setTimeout(r, 2));
          for (let i = 0; i < 100; i++) await store.set('p${n}.' + i, 'v' + i);`;
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: 'inherit' });
        child.once('exit', resolve);
      });
    const exits = Promise.all([0, 1, 2, 3].map(writer));
    await eventually(() => assert.equal(readdirSync(race).length, 4), 60_000);
    writeFileSync(join(race, 'go'), '');
    assert.deepEqual(await exits, [0, 0, 0, 0]);
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    assert.equal(Object.keys(kept).length, 400, `kept ${Object.keys(kept).length} of 400`);
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('shared-secrets.json.')), [], 'no temporary file or lock left behind');
  });

  it('uses the OS credential store when it answers, one namespace per data folder', async () => {
    const shared = new Map<string, string>();
    const a = await chooseSecretStore(join(dir, 'a'), { keyring: memoryKeyring(shared), platform: 'win32' });
    const b = await chooseSecretStore(join(dir, 'b'), { keyring: memoryKeyring(shared), platform: 'win32' });
    assert.ok(a instanceof KeyringSecretStore);
    assert.match(a.description, /Windows Credential Manager/);
    await a.set('graph.clientSecret', 'for-a');
    await b.set('graph.clientSecret', 'for-b');
    assert.equal(await a.get('graph.clientSecret'), 'for-a');
    assert.equal(await b.get('graph.clientSecret'), 'for-b');
    assert.ok(![...shared.keys()].some((key) => key.includes('probe')), 'the probe entry is removed again');
  });

  it('falls back to the file when the credential store refuses, and says so', async () => {
    const refusing = () => ({
      setPassword: async () => {
        throw new Error("Couldn't access platform storage: AccessDenied");
      },
      getPassword: async () => null,
      deletePassword: async () => false,
    });
    const store = await chooseSecretStore(join(dir, 'c'), { keyring: refusing, platform: 'linux' });
    assert.ok(store instanceof FileSecretStore);
    assert.match(store.description, /a file only this account can read/);
  });

  it('falls back to the file where no keyring module is installed', async () => {
    assert.ok((await chooseSecretStore(join(dir, 'd'), { keyring: null })) instanceof FileSecretStore);
  });

  it('keeps the first choice for the data folder, so every later process looks in the same place', async () => {
    const folder = join(dir, 'e');
    let probes = 0;
    const counting = (service: string, account: string) => {
      const entry = memoryKeyring()(service, account);
      return { ...entry, setPassword: async (value: string) => (probes++, entry.setPassword(value)) };
    };
    const refusing = () => ({ setPassword: async () => Promise.reject(new Error('AccessDenied')), getPassword: async () => null, deletePassword: async () => false });
    assert.ok((await chooseSecretStore(folder, { keyring: refusing })) instanceof FileSecretStore);
    // A later run where the credential store would answer still uses the file, without probing.
    assert.ok((await chooseSecretStore(folder, { keyring: counting })) instanceof FileSecretStore);
    assert.equal(probes, 0);
  });

  it('chooses the file for a data folder that already has a secrets file', async () => {
    const folder = join(dir, 'f');
    await new FileSecretStore(join(folder, 'secrets.json')).set('x', 'y');
    assert.ok((await chooseSecretStore(folder, { keyring: memoryKeyring() })) instanceof FileSecretStore);
  });
});
