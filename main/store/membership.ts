import type { FilterNode } from '../scim/filter/filter-ast';
import type { GroupRef, MemberPage } from '../scim/directory';
import type { MembershipRow } from './directory-store';
import type { MemberChange } from '../scim/patch/patch-operation';
import type { MemberRef } from '../scim/resource/resource-doc';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { ResolvedAttr } from '../scim/schema/resource-schema';
import { appendChange } from './outbox';
import { memberRowsCollection, pendingRowsCollection } from './resource-column-maps';
import { printElementFilter } from './sql-filter';
import type { StatementCache } from './statement-cache';
import { StoreInputError, StoreNotFoundError } from './store-errors';

/**
 * What one write did to a group's members, net: a member removed and added back in one PUT is
 * neither. The outbox records it as `group.members.added` and `group.members.removed`.
 */
export interface MemberDelta {
  readonly added: MemberRef[];
  readonly removed: MemberRef[];
}

/** Tracks a write's member changes so a removal and a re-add cancel out. */
class DeltaTracker {
  private readonly states = new Map<string, { type: 'User' | 'Group' | undefined; added: boolean }>();

  add(id: string, type: 'User' | 'Group'): void {
    const state = this.states.get(id);
    if (state && !state.added) this.states.delete(id);
    else this.states.set(id, { type, added: true });
  }

  remove(id: string, type?: 'User' | 'Group'): void {
    const state = this.states.get(id);
    if (state?.added) this.states.delete(id);
    else this.states.set(id, { type, added: false });
  }

  delta(): MemberDelta {
    const ref = (id: string, type: 'User' | 'Group' | undefined): MemberRef => (type ? { value: id, type } : { value: id });
    const entries = [...this.states];
    return {
      added: entries.filter(([, state]) => state.added).map(([id, state]) => ref(id, state.type)),
      removed: entries.filter(([, state]) => !state.added).map(([id, state]) => ref(id, state.type)),
    };
  }
}

/** Most pending members listed for one group (the count says how many there are in all). */
const PENDING_SHOWN = 500;

/**
 * Group membership in SQLite: one row per member in group_members (so adding 50 members to a
 * group of 100,000 writes 50 rows), members named before their user or group exists kept in
 * pending_members until one is created, and the groups a user belongs to, directly or through
 * nested groups. No transactions of its own: every write runs inside the caller's.
 */
export class Membership {
  /** True once any group has a group as member; only then are indirect groups computed. Never reset (conservative). */
  hasNestedGroups: boolean;

  constructor(private readonly sql: StatementCache) {
    this.hasNestedGroups = sql.one<{ found: number }>(`SELECT EXISTS (SELECT 1 FROM group_members WHERE member_type = 'Group') AS found`)!.found === 1;
  }

  /**
   * Takes a deleted user or group out of every group it belonged to; those groups get a new
   * version (their member list changed).
   */
  removeEverywhere(memberId: string, memberType: 'User' | 'Group', time: string): void {
    const groups = this.sql.many<{ id: string; version: number; external_id: string | null }>(
      `UPDATE groups SET member_count = member_count - 1, version = version + 1, last_modified = ?
       WHERE id IN (SELECT group_id FROM group_members WHERE member_id = ?) RETURNING id, version, external_id`,
      time,
      memberId,
    );
    this.sql.run(`DELETE FROM group_members WHERE member_id = ?`, memberId);
    for (const group of groups) {
      appendChange(this.sql, time, {
        type: 'group.members.removed',
        resourceType: 'Group',
        resourceId: group.id,
        externalId: group.external_id,
        version: group.version,
        data: { members: [{ value: memberId, type: memberType }] },
      });
    }
  }

  /** A page of every membership with both ends named (MembershipScanStore.scanMemberships), on the primary key's order. */
  scan(after: { readonly groupId: string; readonly memberId: string } | undefined, limit: number): MembershipRow[] {
    const rows = this.sql.many<{
      group_id: string;
      group_display: string | null;
      group_external_id: string | null;
      member_id: string;
      member_type: 'User' | 'Group';
      user_name: string | null;
      member_display: string | null;
      member_external_id: string | null;
    }>(
      `SELECT m.group_id, json_extract(g.doc, '$.displayName') AS group_display, g.external_id AS group_external_id,
              m.member_id, m.member_type, u.user_name,
              COALESCE(json_extract(u.doc, '$.displayName'), json_extract(mg.doc, '$.displayName')) AS member_display,
              COALESCE(u.external_id, mg.external_id) AS member_external_id
       FROM group_members m JOIN groups g ON g.id = m.group_id
       LEFT JOIN users u ON m.member_type = 'User' AND u.id = m.member_id
       LEFT JOIN groups mg ON m.member_type = 'Group' AND mg.id = m.member_id
       WHERE (m.group_id, m.member_id) > (?, ?) ORDER BY m.group_id, m.member_id LIMIT ?`,
      after?.groupId ?? '',
      after?.memberId ?? '',
      limit,
    );
    return rows.map((r) => ({
      groupId: r.group_id,
      groupDisplayName: r.group_display,
      groupExternalId: r.group_external_id,
      memberId: r.member_id,
      memberType: r.member_type,
      memberUserName: r.user_name,
      memberDisplayName: r.member_display,
      memberExternalId: r.member_external_id,
    }));
  }

  /** A page of one group's members with display names, and its pending members (ResourceStore.listMembers). */
  list(groupId: string, startIndex: number, count: number): MemberPage {
    const group = this.sql.one<{ member_count: number }>(`SELECT member_count FROM groups WHERE id = ?`, groupId);
    if (!group) throw new StoreNotFoundError('Group', groupId);
    const members = this.sql.many<{ member_id: string; member_type: 'User' | 'Group'; display: string | null; user_name: string | null }>(
      `SELECT m.member_id, m.member_type, u.user_name,
              COALESCE(json_extract(u.doc, '$.displayName'), u.user_name, json_extract(g.doc, '$.displayName')) AS display
       FROM group_members m LEFT JOIN users u ON u.id = m.member_id LEFT JOIN groups g ON g.id = m.member_id
       WHERE m.group_id = ? ORDER BY m.member_id LIMIT ? OFFSET ?`,
      groupId,
      count,
      Math.max(0, startIndex - 1),
    );
    // Pending members are few and shown whole (oldest first): they are what an admin has to look into.
    const pending = this.sql.many<{ member_id: string; member_type: 'User' | 'Group' | null; display: string | null; since: string }>(
      `SELECT member_id, member_type, display, since FROM pending_members WHERE group_id = ? ORDER BY since, member_id LIMIT ${PENDING_SHOWN}`,
      groupId,
    );
    const pendingTotal =
      pending.length < PENDING_SHOWN ? pending.length : this.sql.one<{ n: number }>(`SELECT count(*) AS n FROM pending_members WHERE group_id = ?`, groupId)!.n;
    return {
      total: group.member_count,
      resources: [],
      pendingTotal,
      pending: pending.map((m) => ({
        value: m.member_id,
        since: m.since,
        ...(m.member_type !== null ? { type: m.member_type } : {}),
        ...(m.display !== null ? { display: m.display } : {}),
      })),
      members: members.map((m) => ({
        value: m.member_id,
        type: m.member_type,
        ...(m.display !== null ? { display: m.display } : {}),
        ...(m.user_name !== null ? { userName: m.user_name } : {}),
      })),
    };
  }

  /** Query plan of the statement a member add runs, for tests that prove it touches only the new rows. */
  explainAdd(): string[] {
    return this.sql
      .many<{ detail: string }>(`EXPLAIN QUERY PLAN INSERT OR IGNORE INTO group_members (group_id, member_id, member_type) VALUES (?, ?, ?)`, 'g', 'm', 'User')
      .map((row) => String(row.detail));
  }

  membersOf(groupId: string): MemberRef[] {
    return this.sql.many<{ member_id: string; member_type: 'User' | 'Group' }>(
      `SELECT member_id, member_type FROM group_members WHERE group_id = ?`,
      groupId,
    ).map((m) => ({ value: m.member_id, type: m.member_type }));
  }

  /** Direct groups and the groups those belong to (RFC 7643 §4.1.2 "direct" / "indirect"), cycles bounded. */
  groupsOf(memberId: string): GroupRef[] {
    return this.sql.many<{ id: string; depth: number; display: string | null }>(
      `WITH RECURSIVE up(id, depth) AS (
         SELECT group_id, 0 FROM group_members WHERE member_id = ?
         UNION
         SELECT m.group_id, up.depth + 1 FROM group_members m JOIN up ON m.member_id = up.id WHERE up.depth < 16
       )
       SELECT up.id, min(up.depth) AS depth, json_extract(g.doc, '$.displayName') AS display
       FROM up JOIN groups g ON g.id = up.id GROUP BY up.id ORDER BY display`,
      memberId,
    ).map((g) => ({ value: g.id, display: g.display ?? '', type: g.depth === 0 ? 'direct' : 'indirect' }));
  }

  /** groupsOf for a page of users in one query. */
  groupsOfMany(memberIds: ReadonlyArray<string>): Map<string, GroupRef[]> {
    const result = new Map<string, GroupRef[]>();
    if (memberIds.length === 0) return result;
    const rows = this.sql.many<{ member: string; id: string; depth: number; display: string | null }>(
      `WITH RECURSIVE up(member, id, depth) AS (
         SELECT member_id, group_id, 0 FROM group_members WHERE member_id IN (SELECT value FROM json_each(?))
         UNION
         SELECT up.member, m.group_id, up.depth + 1 FROM group_members m JOIN up ON m.member_id = up.id WHERE up.depth < 16
       )
       SELECT up.member, up.id, min(up.depth) AS depth, json_extract(g.doc, '$.displayName') AS display
       FROM up JOIN groups g ON g.id = up.id GROUP BY up.member, up.id ORDER BY display`,
      JSON.stringify(memberIds),
    );
    for (const row of rows) {
      const list = result.get(row.member) ?? [];
      list.push({ value: row.id, display: row.display ?? '', type: row.depth === 0 ? 'direct' : 'indirect' });
      result.set(row.member, list);
    }
    return result;
  }

  /**
   * Applies membership changes. `changed` counts the rows of group_members (what SCIM shows);
   * `pending` lists the member ids added before any user or group has them, kept in
   * pending_members until one is created (Microsoft's SCIM test collection and Entra's retries
   * expect 204 here, not a 400 that Entra logs as a failure every cycle).
   */
  apply(groupId: string, changes: ReadonlyArray<MemberChange>, time: string): { changed: number; pending: string[]; delta: MemberDelta } {
    let changedRows = 0;
    const pending = new Set<string>();
    const tracker = new DeltaTracker();
    for (const change of changes) {
      switch (change.kind) {
        case 'add': {
          const outcome = this.add(groupId, change.members, time);
          for (const member of outcome.addedMembers) tracker.add(member.id, member.type);
          changedRows += outcome.added;
          for (const id of outcome.pending) pending.add(id);
          break;
        }
        case 'remove': {
          let removed = 0;
          for (const memberId of new Set(change.ids)) {
            pending.delete(memberId);
            const direct = this.sql.many<{ member_type: 'User' | 'Group' }>(
              `DELETE FROM group_members WHERE group_id = ? AND member_id = ? RETURNING member_type`,
              groupId,
              memberId,
            );
            const wasPending = this.sql.run(`DELETE FROM pending_members WHERE group_id = ? AND member_id = ?`, groupId, memberId).changes;
            removed += direct.length;
            if (direct[0]) tracker.remove(memberId, direct[0].member_type);
            if (direct.length === 0 && wasPending === 0) {
              // Added by externalId (see findMember): removed the same way.
              const found = this.findMember(memberId);
              if (found && found.id !== memberId && this.sql.run(`DELETE FROM group_members WHERE group_id = ? AND member_id = ?`, groupId, found.id).changes > 0) {
                removed += 1;
                tracker.remove(found.id, found.type);
              }
            }
          }
          this.adjustCount(groupId, -removed);
          changedRows += removed;
          break;
        }
        case 'removeWhere': {
          const filter = change.filter as FilterNode<ResolvedAttr>;
          const where = printElementFilter(filter, memberRowsCollection);
          const removedRows = this.sql.many<{ member_id: string; member_type: 'User' | 'Group' }>(
            `DELETE FROM group_members WHERE group_id = ? AND (${where.sql}) RETURNING member_id, member_type`,
            groupId,
            ...where.params,
          );
          for (const row of removedRows) tracker.remove(row.member_id, row.member_type);
          const removed = removedRows.length;
          const pendingWhere = printElementFilter(filter, pendingRowsCollection);
          for (const row of this.sql.many<{ member_id: string }>(
            `DELETE FROM pending_members WHERE group_id = ? AND (${pendingWhere.sql}) RETURNING member_id`,
            groupId,
            ...pendingWhere.params,
          )) {
            pending.delete(row.member_id);
          }
          this.adjustCount(groupId, -removed);
          changedRows += removed;
          break;
        }
        case 'removeAll': {
          const removedRows = this.sql.many<{ member_id: string; member_type: 'User' | 'Group' }>(
            `DELETE FROM group_members WHERE group_id = ? RETURNING member_id, member_type`,
            groupId,
          );
          for (const row of removedRows) tracker.remove(row.member_id, row.member_type);
          const removed = removedRows.length;
          this.sql.run(`DELETE FROM pending_members WHERE group_id = ?`, groupId);
          pending.clear();
          this.sql.run(`UPDATE groups SET member_count = 0 WHERE id = ?`, groupId);
          changedRows += removed;
          break;
        }
      }
    }
    return { changed: changedRows, pending: [...pending], delta: tracker.delta() };
  }

  add(groupId: string, members: ReadonlyArray<MemberRef>, time: string): { added: number; addedMembers: Array<{ id: string; type: 'User' | 'Group' }>; pending: string[] } {
    const typed: Array<{ id: string; type: 'User' | 'Group' }> = [];
    const pending: MemberRef[] = [];
    for (const member of members) {
      const found = this.findMember(member.value);
      if (found?.id === groupId) throw StoreInputError.selfMembership(groupId);
      if (found) typed.push(found);
      else pending.push(member);
    }
    if (typed.some((member) => member.type === 'Group')) this.hasNestedGroups = true;
    const addedMembers: Array<{ id: string; type: 'User' | 'Group' }> = [];
    for (const member of typed) {
      if (this.sql.run(`INSERT OR IGNORE INTO group_members (group_id, member_id, member_type) VALUES (?, ?, ?)`, groupId, member.id, member.type).changes > 0) {
        addedMembers.push(member);
      }
    }
    const added = addedMembers.length;
    for (const member of pending) {
      // A repeated add keeps the first `since` (how long it has waited) and learns a type or display given later.
      this.sql.run(
        `INSERT INTO pending_members (group_id, member_id, member_type, display, since) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (group_id, member_id) DO UPDATE SET member_type = COALESCE(excluded.member_type, member_type),
           display = COALESCE(excluded.display, display)`,
        groupId,
        member.value,
        member.type ?? null,
        member.display ?? null,
        time,
      );
    }
    this.adjustCount(groupId, added);
    return { added, addedMembers, pending: pending.map((member) => member.value) };
  }

  /**
   * The resource a member value names: a user or group with that id, or else the one record
   * whose externalId it is (Entra's ordering: a group may name a member by the objectId it is
   * created with). undefined when none holds it, or two do (ambiguous: kept pending instead).
   */
  private findMember(value: string): { id: string; type: 'User' | 'Group' } | undefined {
    const byId = this.sql.one<{ type: 'User' | 'Group' }>(
      `SELECT 'User' AS type FROM users WHERE id = ? UNION ALL SELECT 'Group' FROM groups WHERE id = ?`,
      value,
      value,
    );
    if (byId) return { id: value, type: byId.type };
    const spellings = [value, value.toLowerCase(), value.toUpperCase()];
    const holders = this.sql.many<{ id: string; type: 'User' | 'Group' }>(
      `SELECT id, 'User' AS type FROM users WHERE external_id IN (?, ?, ?)
       UNION ALL SELECT id, 'Group' FROM groups WHERE external_id IN (?, ?, ?) LIMIT 2`,
      ...spellings,
      ...spellings,
    );
    return holders.length === 1 ? holders[0] : undefined;
  }

  /**
   * Moves pending memberships that name a resource just written (by its id, on create, and by its
   * externalId) into group_members, each group getting a new version. Returns those groups.
   */
  resolvePending(kind: ResourceKind, id: string, externalId: string | null, time: string, byId = true): string[] {
    if (!byId && externalId === null) return [];
    // Four fixed parameters (not json_each): this runs on every create, so it stays one index probe.
    const ext = externalId ?? id;
    const rows = this.sql.many<{ group_id: string; member_id: string }>(
      `SELECT group_id, member_id FROM pending_members WHERE member_id IN (?, ?, ?, ?)`,
      byId ? id : ext,
      ext,
      ext.toLowerCase(),
      ext.toUpperCase(),
    );
    const joined: string[] = [];
    for (const row of rows) {
      this.sql.run(`DELETE FROM pending_members WHERE group_id = ? AND member_id = ?`, row.group_id, row.member_id);
      if (row.group_id === id) continue; // a group named by its own externalId never joins itself
      const added = this.sql.run(`INSERT OR IGNORE INTO group_members (group_id, member_id, member_type) VALUES (?, ?, ?)`, row.group_id, id, kind).changes;
      if (added === 0) continue;
      const group = this.sql.one<{ version: number; external_id: string | null }>(
        `UPDATE groups SET member_count = member_count + 1, version = version + 1, last_modified = ? WHERE id = ? RETURNING version, external_id`,
        time,
        row.group_id,
      )!;
      appendChange(this.sql, time, {
        type: 'group.members.added',
        resourceType: 'Group',
        resourceId: row.group_id,
        externalId: group.external_id,
        version: group.version,
        data: { members: [{ value: id, type: kind }] },
      });
      joined.push(row.group_id);
    }
    if (kind === 'Group' && joined.length > 0) this.hasNestedGroups = true;
    return joined;
  }

  private adjustCount(groupId: string, delta: number): void {
    if (delta !== 0) this.sql.run(`UPDATE groups SET member_count = member_count + ? WHERE id = ?`, delta, groupId);
  }
}
