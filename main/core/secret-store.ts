import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

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
 * Written atomically so a crash never leaves half a file.
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
    this.write({ ...this.read(), [name]: value });
  }

  async delete(name: string): Promise<void> {
    const secrets = this.read();
    delete secrets[name];
    this.write(secrets);
  }

  private read(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
  }

  private write(secrets: Record<string, string>): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(secrets), { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.file);
  }
}
