import type { ResourceDoc } from '../scim/resource/resource-doc';
import type { ResourceKind } from '../scim/schema/attribute-def';
import { foldCase } from './open-database';
import { stringOrNull, TABLE, type ResourceRow } from './resource-reader';
import type { StatementCache } from './statement-cache';
import { StoreUniquenessError } from './store-errors';

/**
 * The values no two users or groups may share, checked inside the write that would share them:
 * a userName (the UNIQUE index decides), a group's displayName, and an externalId when the
 * directory refuses duplicates. A refusal is a StoreUniquenessError naming the holder.
 */
export class UniquenessGuard {
  constructor(private readonly sql: StatementCache) {}

  /**
   * Other records whose externalId is `value`, GUIDs in any letter case (the three spellings keep
   * the lookup on the external_id index). Call inside the transaction that then writes.
   */
  externalIdHolders(kind: ResourceKind, value: string, exceptId: string): Array<{ id: string; name: string | null }> {
    return this.sql.many<{ id: string; name: string | null }>(
      `SELECT id, ${kind === 'User' ? 'user_name' : "json_extract(doc, '$.displayName')"} AS name FROM ${TABLE[kind]}
       WHERE external_id IN (?, ?, ?) AND id <> ?`,
      value,
      value.toLowerCase(),
      value.toUpperCase(),
      exceptId,
    );
  }

  /**
   * Runs a write of the users table and turns a userName uniqueness violation into a
   * StoreUniquenessError. The UNIQUE index is the check (no SELECT before every write); the
   * holder is looked up only then.
   */
  userName<T>(doc: ResourceDoc, write: () => T): T {
    try {
      return write();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'SQLITE_CONSTRAINT_UNIQUE' || !/user_name_key/.test((error as Error).message)) throw error;
      const userName = stringOrNull(doc['userName']) ?? '';
      const holder = this.sql.one<{ id: string }>(`SELECT id FROM users WHERE user_name_key = ?`, foldCase(userName));
      throw new StoreUniquenessError('userName', { kind: 'User', value: userName, holderId: holder?.id ?? '', holderName: null });
    }
  }

  /**
   * Refuses a write that gives this record a value another record of its kind holds: a group's
   * displayName (case-insensitive; Entra matches groups by it) always, an externalId when the
   * directory refuses duplicates. Only values the write changes are checked, so records that
   * shared one before the rule existed can still be updated. Runs inside the write's transaction.
   */
  assert(
    kind: ResourceKind,
    id: string,
    before: ResourceRow | undefined,
    after: { readonly externalId: string | null; readonly displayNameKey: string | null },
  ): void {
    if (kind === 'Group' && after.displayNameKey !== null && after.displayNameKey !== before?.display_name_key) {
      const holder = this.sql.one<{ id: string; name: string | null }>(
        `SELECT id, json_extract(doc, '$.displayName') AS name FROM groups WHERE display_name_key = ? AND id <> ? LIMIT 1`,
        after.displayNameKey,
        id,
      );
      if (holder) {
        throw new StoreUniquenessError('displayName', { kind, value: after.displayNameKey, holderId: holder.id, holderName: holder.name });
      }
    }
    if (after.externalId === null || after.externalId === (before?.external_id ?? null)) return;
    // The holder first: most writes find none, and then the policy need not be read.
    const [holder] = this.externalIdHolders(kind, after.externalId, id);
    if (holder && this.externalIdPolicy() === 'refuse') {
      throw new StoreUniquenessError('externalId', { kind, value: after.externalId, holderId: holder.id, holderName: holder.name });
    }
  }

  /** The directory's answer to a second record with one externalId (migration 7 defaults it to refuse). */
  private externalIdPolicy(): 'refuse' | 'allow' {
    return this.sql.one<{ policy: 'refuse' | 'allow' }>(`SELECT external_id_policy AS policy FROM directory WHERE id = 1`)?.policy ?? 'refuse';
  }
}
