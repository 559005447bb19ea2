import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SECRET_PLACEHOLDER, secretHintOf } from './delivery-repository';

/**
 * Blanks the webhook signing secrets an older ScimDesk copied in clear text into its snapshots (they
 * were in the database, so in every snapshot of it). Only the secret column changes, to the same
 * placeholder the live database holds, with the freed bytes overwritten: the snapshot restores as
 * before, and a subscription it holds finds its secret in the secret store (moved there from the live
 * database), or is paused with the reason when it was removed since. Returns how many were blanked;
 * throws, after doing the others, when a snapshot could not be read or written.
 */
export function blankSnapshotSecrets(folder: string, nativeBinding?: string): number {
  if (!existsSync(folder)) return 0;
  let blanked = 0;
  const failed: string[] = [];
  for (const name of readdirSync(folder)) {
    if (!name.endsWith('.db')) continue;
    let db: Database.Database | undefined;
    try {
      db = new Database(join(folder, name), { fileMustExist: true, ...(nativeBinding !== undefined ? { nativeBinding } : {}) });
      if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'delivery_subscriptions'`).get()) continue;
      const rows = db
        .prepare(`SELECT id, secret FROM delivery_subscriptions WHERE substr(secret, 1, ?) <> ?`)
        .all(SECRET_PLACEHOLDER.length, SECRET_PLACEHOLDER) as Array<{ id: string; secret: string }>;
      if (rows.length === 0) continue;
      db.pragma('secure_delete = ON');
      const blank = db.prepare(`UPDATE delivery_subscriptions SET secret = ? WHERE id = ?`);
      db.transaction(() => {
        for (const row of rows) blank.run(SECRET_PLACEHOLDER + secretHintOf(row.secret), row.id);
      })();
      // A snapshot in WAL mode (it should not be: they are set to the rollback journal) is folded back into one file.
      db.pragma('wal_checkpoint(TRUNCATE)');
      blanked += rows.length;
    } catch (error) {
      // The others are still blanked; this one is tried again at the next start.
      failed.push(`${name}: ${(error as Error).message}`);
    } finally {
      db?.close();
    }
  }
  if (failed.length > 0) throw new Error(`Snapshots not checked for clear-text webhook secrets: ${failed.join('; ')}`);
  return blanked;
}
