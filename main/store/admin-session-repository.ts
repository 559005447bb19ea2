import type Database from 'better-sqlite3';
import type { AdminSession } from './directory-store';

/** One-time login codes and admin sessions, by hash only. */
export class AdminSessionRepository {
  constructor(private readonly db: Database.Database) {}

  addLoginCode(hash: Buffer, expires: Date): void {
    this.db.prepare(`INSERT INTO admin_login_codes (hash, expires) VALUES (?, ?)`).run(hash, expires.toISOString());
  }

  consumeLoginCode(hash: Buffer, now: Date): boolean {
    return this.db
      .transaction(() => {
        const time = now.toISOString();
        // Expired codes are useless: clear them whenever one is tried.
        this.db.prepare(`DELETE FROM admin_login_codes WHERE expires <= ?`).run(time);
        return this.db.prepare(`UPDATE admin_login_codes SET used = ? WHERE hash = ? AND used IS NULL`).run(time, hash).changes === 1;
      })
      .immediate();
  }

  createSession(hash: Buffer, csrf: string, expires: Date, now: Date): void {
    this.db.prepare(`DELETE FROM admin_sessions WHERE expires <= ?`).run(now.toISOString());
    this.db
      .prepare(`INSERT INTO admin_sessions (hash, csrf, created, expires, last_seen) VALUES (?, ?, ?, ?, ?)`)
      .run(hash, csrf, now.toISOString(), expires.toISOString(), now.toISOString());
  }

  getSession(hash: Buffer, now: Date): AdminSession | undefined {
    const row = this.db.prepare(`SELECT csrf, expires FROM admin_sessions WHERE hash = ?`).get(hash) as AdminSession | undefined;
    if (!row || row.expires <= now.toISOString()) return undefined;
    return row;
  }

  deleteSession(hash: Buffer): void {
    this.db.prepare(`DELETE FROM admin_sessions WHERE hash = ?`).run(hash);
  }
}
