import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { lock } from 'proper-lockfile';

/**
 * Where secrets live (certificate passphrase; later the Graph client secret).
 * One interface, several backends: Electron safeStorage in the app, the OS
 * keychain where one exists, else a file only this account can read.
 * Secrets never go to the database, the logs or the renderer.
 */
export interface SecretStore {
  /** Where secrets are kept, in words the admin understands (shown in Settings). */
  readonly description: string;
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

/**
 * Secrets in a JSON file with owner-only permissions (0600 on POSIX; on
 * Windows the per-user %APPDATA% folder's ACL already limits it to the user).
 * Written atomically so a crash never leaves half a file, and changed under a
 * lock held across processes: the service and a CLI (a webhook subscribed from
 * the command line, an OAuth client created) both read, change and write the
 * one file, and without the lock one of two writes at the same moment was lost.
 */
export class FileSecretStore implements SecretStore {
  readonly description: string;

  constructor(private readonly file: string) {
    this.description = `a file only this account can read (${file})`;
  }

  async get(name: string): Promise<string | undefined> {
    return this.read()[name];
  }

  async set(name: string, value: string): Promise<void> {
    await this.change((secrets) => {
      secrets[name] = value;
    });
  }

  async delete(name: string): Promise<void> {
    await this.change((secrets) => {
      delete secrets[name];
    });
  }

  /** Reads, changes and writes the file while holding its lock (proper-lockfile: a lock folder beside it, stale after 10 s). */
  private async change(edit: (secrets: Record<string, string>) => void): Promise<void> {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const release = await lock(this.file, { realpath: false, stale: 10_000, retries: { retries: 50, minTimeout: 20, maxTimeout: 200 } });
    try {
      const secrets = this.read();
      edit(secrets);
      this.write(secrets);
    } finally {
      await release();
    }
  }

  private read(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
  }

  private write(secrets: Record<string, string>): void {
    // Its own name: another process's temporary file is never overwritten or renamed in its place.
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, JSON.stringify(secrets), { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.file);
  }
}

/** The part of @napi-rs/keyring's AsyncEntry this store uses (an interface, so tests can stand in for the OS). */
export interface KeyringEntry {
  setPassword(password: string): Promise<void>;
  getPassword(): Promise<string | null>;
  deletePassword(): Promise<boolean>;
}

export type KeyringEntryFactory = (service: string, account: string) => KeyringEntry;

const KEYRING_SERVICE = 'ScimDesk';

/**
 * Secrets in the operating system's credential store through @napi-rs/keyring:
 * Windows Credential Manager, macOS Keychain, the Secret Service on Linux
 * desktops. Each data folder gets its own accounts, so two instances on one
 * machine keep their secrets apart.
 */
export class KeyringSecretStore implements SecretStore {
  readonly description: string;

  constructor(
    private readonly namespace: string,
    private readonly entry: KeyringEntryFactory,
    platformName: string,
  ) {
    this.description = `the operating system's credential store (${platformName})`;
  }

  async get(name: string): Promise<string | undefined> {
    return (await this.entry(KEYRING_SERVICE, this.account(name)).getPassword()) ?? undefined;
  }

  async set(name: string, value: string): Promise<void> {
    await this.entry(KEYRING_SERVICE, this.account(name)).setPassword(value);
  }

  async delete(name: string): Promise<void> {
    await this.entry(KEYRING_SERVICE, this.account(name)).deletePassword();
  }

  private account(name: string): string {
    return `${this.namespace}:${name}`;
  }
}

/** The credential store's name as Windows, macOS and Linux users know it. */
function platformStoreName(platform: NodeJS.Platform): string {
  if (platform === 'win32') return 'Windows Credential Manager';
  if (platform === 'darwin') return 'macOS Keychain';
  return 'Secret Service';
}

/** @napi-rs/keyring's AsyncEntry, or undefined where its native part is not installed. */
function loadKeyring(): KeyringEntryFactory | undefined {
  try {
    const { AsyncEntry } = createRequire(import.meta.url)('@napi-rs/keyring') as {
      AsyncEntry: new (service: string, account: string) => KeyringEntry;
    };
    return (service, account) => new AsyncEntry(service, account);
  } catch {
    return undefined;
  }
}

/** Which backend a data folder's secrets live in, recorded once so every process picks the same one. */
interface BackendChoice {
  readonly backend: 'keyring' | 'file';
}

/**
 * The secret store for a data folder: the OS credential store where one
 * answers, else a file only this account can read; the Settings screen shows
 * which. The choice is made once per data folder (a probe entry is written,
 * read and deleted) and recorded in `secret-store.json`, so the service, the
 * CLI and a later start all find the secrets where they were put: a service
 * started without a desktop session and a CLI run inside one must not look in
 * different places.
 */
export async function chooseSecretStore(
  dataDir: string,
  options: { readonly keyring?: KeyringEntryFactory | null; readonly platform?: NodeJS.Platform } = {},
): Promise<SecretStore> {
  const secretsFile = join(dataDir, 'secrets.json');
  const file = new FileSecretStore(secretsFile);
  const marker = join(dataDir, 'secret-store.json');
  const factory = options.keyring === null ? undefined : (options.keyring ?? loadKeyring());
  const namespace = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
  const keyring = factory ? new KeyringSecretStore(namespace, factory, platformStoreName(options.platform ?? process.platform)) : undefined;

  const recorded = existsSync(marker) ? (JSON.parse(readFileSync(marker, 'utf8')) as BackendChoice).backend : undefined;
  if (recorded === 'file') return file;
  if (recorded === 'keyring') {
    // The secrets are in the credential store: without its module here, say so rather than look elsewhere.
    if (!keyring) throw new Error(`This data folder keeps its secrets in the operating system's credential store, which this installation cannot reach (${marker})`);
    return keyring;
  }
  // First use of this data folder (or one from before the choice was recorded): a secrets file means the file.
  let choice: SecretStore = file;
  if (keyring && !existsSync(secretsFile)) {
    try {
      const probe = `probe-${Date.now()}`;
      await keyring.set('probe', probe);
      const ok = (await keyring.get('probe')) === probe;
      await keyring.delete('probe');
      if (ok) choice = keyring;
    } catch {
      // No credential store here (a server without a desktop session, a locked keychain): the file it is.
    }
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(marker, JSON.stringify({ backend: choice === keyring ? 'keyring' : 'file' } satisfies BackendChoice), { mode: 0o600 });
  return choice;
}
