import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { TokenRecord } from './directory-store';

interface TokenRow {
  id: number;
  hint: string;
  created: string;
  expires: string | null;
  revoked: string | null;
  last_used: string | null;
}

const toRecord = (row: TokenRow): TokenRecord => ({
  id: row.id,
  hint: row.hint,
  created: row.created,
  expires: row.expires,
  revoked: row.revoked,
  lastUsed: row.last_used,
});

/** Token hashes and their lifecycle; the clear token never reaches this table. */
export class TokenRepository {
  /** Runs on every SCIM request: prepared once. */
  private readonly activeStatement: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.activeStatement = db.prepare(`SELECT id, hash, expires FROM tokens WHERE revoked IS NULL`);
  }

  replace(hash: Buffer, hint: string, expires: Date | null, now: Date): TokenRecord {
    return this.db
      .transaction(() => {
        this.revokeAll(now, undefined);
        return this.insert(hash, hint, expires, now);
      })
      .immediate();
  }

  add(hash: Buffer, hint: string, expires: Date | null, now: Date): TokenRecord {
    return this.insert(hash, hint, expires, now);
  }

  revokeAll(now: Date, exceptId: number | undefined): number {
    return this.db
      .prepare(`UPDATE tokens SET revoked = ? WHERE revoked IS NULL AND id IS NOT ?`)
      .run(now.toISOString(), exceptId ?? null).changes;
  }


  revokeOne(id: number, now: Date): boolean {
    return this.db.prepare(`UPDATE tokens SET revoked = ? WHERE id = ? AND revoked IS NULL`).run(now.toISOString(), id).changes === 1;
  }

  expireAll(exceptId: number, at: Date): number {
    const time = at.toISOString();
    return this.db
      .prepare(`UPDATE tokens SET expires = ? WHERE revoked IS NULL AND id <> ? AND (expires IS NULL OR expires > ?)`)
      .run(time, exceptId, time).changes;
  }

  active(): Array<{ id: number; hash: Buffer; expires: string | null }> {
    return this.activeStatement.all() as Array<{
      id: number;
      hash: Buffer;
      expires: string | null;
    }>;
  }

  touch(id: number, now: Date): void {
    this.db.prepare(`UPDATE tokens SET last_used = ? WHERE id = ?`).run(now.toISOString(), id);
  }

  list(): TokenRecord[] {
    return (this.db.prepare(`SELECT id, hint, created, expires, revoked, last_used FROM tokens ORDER BY id DESC`).all() as TokenRow[]).map(
      toRecord,
    );
  }

  /** 32 random bytes created once per installation and kept in the settings table. */
  hashKey(): Buffer {
    return this.db
      .transaction(() => {
        const row = this.db.prepare(`SELECT value FROM settings WHERE key = 'token.hashKey'`).get() as { value: string } | undefined;
        if (row) return Buffer.from(JSON.parse(row.value) as string, 'base64');
        const key = randomBytes(32);
        this.db.prepare(`INSERT INTO settings (key, value) VALUES ('token.hashKey', ?)`).run(JSON.stringify(key.toString('base64')));
        return key;
      })
      .immediate();
  }

  private insert(hash: Buffer, hint: string, expires: Date | null, now: Date): TokenRecord {
    const info = this.db
      .prepare(`INSERT INTO tokens (hash, hint, created, expires) VALUES (?, ?, ?, ?)`)
      .run(hash, hint, now.toISOString(), expires?.toISOString() ?? null);
    return toRecord(this.db.prepare(`SELECT id, hint, created, expires, revoked, last_used FROM tokens WHERE id = ?`).get(info.lastInsertRowid) as TokenRow);
  }
}
