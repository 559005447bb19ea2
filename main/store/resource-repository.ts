import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type {
  DeleteRetention,
  ListQuery,
  ListResult,
  MemberPage,
  ReadOptions,
  ResourceInput,
  StoredResource,
  WriteCondition,
} from '../scim/directory';
import type { PatchResult } from '../scim/patch/patch-operation';
import type { ResourceDoc } from '../scim/resource/resource-doc';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { AuditRepository } from './audit-repository';
import type { AuditRecord, MembershipRow, StoredAuditRecord } from './directory-store';
import { Membership, type MemberDelta } from './membership';
import { appendChange, changedAttributes, groupUpdateType, userUpdateType } from './outbox';
import { foldCase } from './open-database';
import { ResourceQueries } from './resource-queries';
import { ResourceReader, stringOrNull, TABLE } from './resource-reader';
import { StatementCache } from './statement-cache';
import { StoreConflictError, StoreInputError } from './store-errors';
import { UniquenessGuard } from './uniqueness-guard';

/** The users columns that userColumns() fills, in its order. */
const USER_COLUMNS = ['user_name', 'user_name_key', 'external_id', 'display_name_key', 'active'] as const;

/** A document's emails as user_emails rows, folded like the filters that read them. */
function emailRows(doc: ResourceDoc): Array<{ value: string | null; type: string | null; primary: number }> {
  const emails = Array.isArray(doc['emails']) ? (doc['emails'] as unknown[]) : [];
  return emails.map((email) => {
    const record = (email ?? {}) as Record<string, unknown>;
    const value = stringOrNull(record['value']);
    const type = stringOrNull(record['type']);
    return { value: value === null ? null : foldCase(value), type: type === null ? null : foldCase(type), primary: record['primary'] === true ? 1 : 0 };
  });
}

type PatchOutcome = { resource: StoredResource; changed: boolean };

/** Why a record's externalId changed, for the outbox: an admin's edit, or a fix batch from Compare & Fix (applied or undone). */
export type ExternalIdCause = { readonly kind: 'edit' } | { readonly kind: 'fix'; readonly batchId: string; readonly undo?: boolean };

/**
 * Users, groups and membership in SQLite. Every write is one transaction (reads run their few
 * statements without one); validation that needs the database (uniqueness, member existence,
 * versions) happens inside it, so a refused or failed request writes nothing. Reading rows,
 * membership, uniqueness and list queries live in their own modules; this one writes resources.
 */
export class ResourceRepository {
  private readonly sql: StatementCache;
  private readonly membership: Membership;
  private readonly reader: ResourceReader;
  private readonly unique: UniquenessGuard;
  private readonly queries: ResourceQueries;

  constructor(private readonly db: Database.Database) {
    this.sql = new StatementCache(db);
    this.membership = new Membership(this.sql);
    this.reader = new ResourceReader(this.sql, this.membership);
    this.unique = new UniquenessGuard(this.sql);
    this.queries = new ResourceQueries(this.sql, this.reader, this.membership);
  }

  /** `id` is given only when the recycle bin brings a record back under the id Entra knows it by. */
  /** `restored`: the recycle bin brings the record back under its id; the change feed says so instead of "created". */
  create(kind: ResourceKind, input: ResourceInput, now: Date, id: string = randomUUID(), restored = false): StoredResource {
    return this.write(() => {
      const time = now.toISOString();
      const externalId = stringOrNull(input.doc['externalId']);
      if (kind === 'User') {
        const columns = this.userColumns(input.doc);
        this.unique.assert(kind, id, undefined, { externalId, displayNameKey: null });
        const info = this.unique.userName(input.doc, () =>
          this.sql.run(
            `INSERT INTO users (id, user_name, user_name_key, external_id, display_name_key, active, doc, created, last_modified)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            id,
            ...columns,
            JSON.stringify(input.doc),
            time,
            time,
          ),
        );
        this.writeEmails(Number(info.lastInsertRowid), input.doc, false);
        appendChange(this.sql, time, { type: restored ? 'user.restored' : 'user.created', resourceType: kind, resourceId: id, externalId, version: 1, data: { resource: input.doc } });
        const joined = this.membership.resolvePending(kind, id, externalId, time);
        // A new user belongs to no group unless pending memberships named it: then read them.
        const created: StoredResource = { kind, id, doc: input.doc, created: time, lastModified: time, version: 1 };
        return joined.length > 0 ? { ...created, groups: this.membership.groupsOf(id), joinedGroups: joined } : created;
      }
      const columns = this.groupColumns(input.doc);
      this.unique.assert(kind, id, undefined, { externalId, displayNameKey: columns[0] });
      this.sql.run(
        `INSERT INTO groups (id, display_name_key, external_id, doc, created, last_modified) VALUES (?, ?, ?, ?, ?, ?)`,
        id,
        ...columns,
        JSON.stringify(input.doc),
        time,
        time,
      );
      const added = input.members?.length ? this.membership.add(id, input.members, time) : undefined;
      appendChange(this.sql, time, {
        type: restored ? 'group.restored' : 'group.created',
        resourceType: kind,
        resourceId: id,
        externalId,
        version: 1,
        data: { resource: input.doc, members: (added?.addedMembers ?? []).map((member) => ({ value: member.id, type: member.type })) },
      });
      const pending = added?.pending ?? [];
      const joined = this.membership.resolvePending(kind, id, externalId, time);
      return this.withOutcome(this.reader.read(kind, id, { withMembers: true, withGroups: false })!, pending, joined);
    });
  }

  get(kind: ResourceKind, id: string, options: ReadOptions): StoredResource | undefined {
    return this.reader.read(kind, id, options);
  }

  list(kind: ResourceKind, query: ListQuery): ListResult {
    return this.queries.list(kind, query);
  }

  listMembers(groupId: string, startIndex: number, count: number): MemberPage {
    return this.membership.list(groupId, startIndex, count);
  }

  replace(kind: ResourceKind, id: string, input: ResourceInput, condition: WriteCondition, now: Date): StoredResource {
    return this.write(() => {
      const row = this.reader.requireRow(kind, id, condition);
      const time = now.toISOString();
      const externalId = stringOrNull(input.doc['externalId']);
      let pending: string[] = [];
      let delta: MemberDelta | undefined;
      if (kind === 'User') {
        const columns = this.userColumns(input.doc);
        this.unique.assert(kind, id, row, { externalId, displayNameKey: null });
        this.unique.userName(input.doc, () =>
          this.sql.run(
            `UPDATE users SET user_name = ?, user_name_key = ?, external_id = ?, display_name_key = ?, active = ?, doc = ?,
               last_modified = ?, version = version + 1 WHERE id = ?`,
            ...columns,
            JSON.stringify(input.doc),
            time,
            id,
          ),
        );
        this.writeEmails(row.seq, input.doc, true);
      } else {
        const columns = this.groupColumns(input.doc);
        this.unique.assert(kind, id, row, { externalId, displayNameKey: columns[0] });
        this.updateGroupRow(id, columns, JSON.stringify(input.doc), time);
        if (input.members !== undefined) {
          const outcome = this.membership.apply(id, [{ kind: 'removeAll' }, { kind: 'add', members: [...input.members] }], time);
          pending = outcome.pending;
          delta = outcome.delta;
        }
      }
      this.recordUpdate(kind, id, externalId, row.version + 1, JSON.parse(row.doc) as ResourceDoc, input.doc, delta, time);
      const joined = externalId !== row.external_id ? this.membership.resolvePending(kind, id, externalId, time, false) : [];
      return this.withOutcome(this.reader.read(kind, id, { withMembers: kind === 'Group', withGroups: kind === 'User' })!, pending, joined);
    });
  }

  /** PATCH: `apply` (pure) runs on the stored document inside the write; see ResourceStore.patchResource. */
  patch(kind: ResourceKind, id: string, apply: (doc: ResourceDoc) => PatchResult, condition: WriteCondition, now: Date, options: ReadOptions): PatchOutcome {
    return this.write(() => {
      const row = this.reader.requireRow(kind, id, condition);
      // apply() is pure (it copies what it changes), so the parsed document serves as "before" too.
      const current = JSON.parse(row.doc) as ResourceDoc;
      const result = apply(current);
      const time = now.toISOString();
      const text = result.changed ? JSON.stringify(result.doc) : row.doc;
      const docChanged = text !== row.doc;
      const externalId = stringOrNull(result.doc['externalId']);
      if (docChanged) {
        if (kind === 'User') {
          // Only the columns whose values changed: SQLite rewrites an index entry for every indexed
          // column in the SET list, and each rewritten index page is another page in the commit.
          const oldColumns = this.userColumns(current);
          const newColumns = this.userColumns(result.doc);
          const changedColumns: string[] = [];
          const values: unknown[] = [];
          USER_COLUMNS.forEach((column, index) => {
            if (oldColumns[index] === newColumns[index]) return;
            changedColumns.push(column);
            values.push(newColumns[index]);
          });
          this.unique.assert(kind, id, row, { externalId, displayNameKey: null });
          this.unique.userName(result.doc, () =>
            this.sql.run(
              `UPDATE users SET ${changedColumns.map((column) => `${column} = ?, `).join('')}doc = ?, last_modified = ?, version = version + 1 WHERE id = ?`,
              ...values,
              text,
              time,
              id,
            ),
          );
          if (JSON.stringify(current['emails'] ?? null) !== JSON.stringify(result.doc['emails'] ?? null)) this.writeEmails(row.seq, result.doc, true);
        } else {
          const columns = this.groupColumns(result.doc);
          this.unique.assert(kind, id, row, { externalId, displayNameKey: columns[0] });
          this.updateGroupRow(id, columns, text, time);
        }
      }
      let membersChanged = false;
      let pending: string[] = [];
      let delta: MemberDelta | undefined;
      if (result.memberChanges.length > 0) {
        if (kind !== 'Group') throw StoreInputError.notAGroup();
        const outcome = this.membership.apply(id, result.memberChanges, time);
        pending = outcome.pending;
        delta = outcome.delta;
        // Pending members are not part of the group as SCIM shows it: only resolved ones make a new version.
        membersChanged = outcome.changed > 0;
        if (membersChanged && !docChanged) {
          this.sql.run(`UPDATE groups SET last_modified = ?, version = version + 1 WHERE id = ?`, time, id);
        }
      }
      const changed = docChanged || membersChanged;
      if (changed) this.recordUpdate(kind, id, externalId, row.version + 1, current, docChanged ? result.doc : current, delta, time);
      const joined = docChanged && externalId !== row.external_id ? this.membership.resolvePending(kind, id, externalId, time, false) : [];
      if (kind === 'Group') {
        // Group PATCH answers 204 unless asked for attributes: read only what the caller wants.
        return { resource: this.withOutcome(this.reader.read(kind, id, options)!, pending, joined), changed };
      }
      const doc = docChanged ? result.doc : current;
      const resource: StoredResource = {
        kind,
        id,
        doc,
        created: row.created,
        lastModified: changed ? time : row.last_modified,
        version: changed ? row.version + 1 : row.version,
        ...(options.withGroups ? { groups: this.membership.groupsOf(id) } : {}),
      };
      return { resource: this.withOutcome(resource, [], joined), changed };
    });
  }

  delete(kind: ResourceKind, id: string, condition: WriteCondition, retention: DeleteRetention, now: Date): void {
    this.write(() => {
      const row = this.reader.requireRow(kind, id, condition);
      const time = now.toISOString();
      if (retention.mode === 'retain') {
        const resource = this.reader.read(kind, id, { withMembers: kind === 'Group', withGroups: kind === 'User' })!;
        const purgeAfter = new Date(now.getTime() + retention.days * 86_400_000).toISOString();
        this.sql.run(
          `INSERT INTO deleted_resources (kind, id, name, external_id, resource, deleted_at, purge_after) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          kind,
          id,
          stringOrNull(resource.doc[kind === 'User' ? 'userName' : 'displayName']),
          stringOrNull(resource.doc['externalId']),
          JSON.stringify(resource),
          time,
          purgeAfter,
        );
      }
      // Groups that had this resource as a member change too: keep their counts and versions honest.
      this.membership.removeEverywhere(id, kind, time);
      this.sql.run(`DELETE FROM ${TABLE[kind]} WHERE id = ?`, id);
      appendChange(this.sql, time, {
        type: kind === 'User' ? 'user.deleted' : 'group.deleted',
        resourceType: kind,
        resourceId: id,
        externalId: row.external_id ?? null,
        version: row.version,
        data: { retained: retention.mode === 'retain' },
      });
    });
  }

  /** Sets externalId and records who did it, in one transaction (the admin's manual link/unlink). */
  setExternalId(
    kind: ResourceKind,
    id: string,
    externalId: string | null,
    audit: AuditRepository,
    record: Omit<AuditRecord, 'before' | 'after'>,
    now: Date,
  ): { resource: StoredResource; audit: StoredAuditRecord } | undefined {
    return this.write(() => {
      if (!this.sql.one<{ found: number }>(`SELECT 1 AS found FROM ${TABLE[kind]} WHERE id = ?`, id)) return undefined;
      if (externalId !== null) {
        const [holder] = this.unique.externalIdHolders(kind, externalId, id);
        if (holder) {
          const message = `Object ID ${externalId} is already linked to ${holder.name ?? holder.id} (${holder.id}); two records with one Object ID make Entra match the wrong one`;
          throw new StoreConflictError(message, [message]);
        }
      }
      const before = this.writeExternalId(kind, id, externalId, now.toISOString(), { kind: 'edit' });
      const stored = audit.append({ ...record, before: { externalId: before }, after: { externalId } });
      return { resource: this.reader.read(kind, id, { withMembers: false, withGroups: kind === 'User' })!, audit: stored };
    });
  }

  /**
   * Sets (or, with null, removes) a record's externalId in its column and its document, as one
   * more version; returns the value it replaced. Group members kept pending under that Object ID
   * join the record. No transaction or audit of its own: the callers (a manual edit, a fix batch)
   * wrap it in theirs.
   */
  writeExternalId(kind: ResourceKind, id: string, externalId: string | null, time: string, cause: ExternalIdCause): string | null {
    const row = this.sql.one<{ doc: string; version: number }>(`SELECT doc, version FROM ${TABLE[kind]} WHERE id = ?`, id);
    if (!row) throw new Error(`${kind} ${id} vanished inside its transaction`);
    const doc = JSON.parse(row.doc) as ResourceDoc;
    const before = stringOrNull(doc['externalId']);
    if (externalId === null) delete doc['externalId'];
    else doc['externalId'] = externalId;
    this.sql.run(
      `UPDATE ${TABLE[kind]} SET external_id = ?, doc = ?, last_modified = ?, version = version + 1 WHERE id = ?`,
      externalId,
      JSON.stringify(doc),
      time,
      id,
    );
    const prefix = kind === 'User' ? 'user' : 'group';
    appendChange(this.sql, time, {
      type: cause.kind === 'fix' ? `${prefix}.objectId.fixed` : `${prefix}.updated`,
      resourceType: kind,
      resourceId: id,
      externalId,
      version: row.version + 1,
      data: cause.kind === 'fix' ? { before, after: externalId, batchId: cause.batchId, undo: cause.undo === true } : { attributes: { externalId } },
    });
    if (externalId !== null && externalId !== before) this.membership.resolvePending(kind, id, externalId, time, false);
    return before;
  }

  /**
   * Other records whose externalId is `value`, in any letter case. Call inside the transaction
   * that then writes.
   */
  externalIdHolders(kind: ResourceKind, value: string, exceptId: string): Array<{ id: string; name: string | null }> {
    return this.unique.externalIdHolders(kind, value, exceptId);
  }

  countInactiveUsers(): number {
    return this.sql.one<{ n: number }>(`SELECT count(*) AS n FROM users WHERE active = 0`)!.n;
  }

  /** Documents in insertion order after `afterSeq` (keyset paging: each page costs its own rows, not the ones before). */
  scanDocuments(kind: ResourceKind, afterSeq: number, limit: number): Array<{ seq: number; id: string; doc: ResourceDoc }> {
    return this.sql
      .many<{ seq: number; id: string; doc: string }>(`SELECT seq, id, doc FROM ${TABLE[kind]} WHERE seq > ? ORDER BY seq LIMIT ?`, afterSeq, limit)
      .map((row) => ({ seq: row.seq, id: row.id, doc: JSON.parse(row.doc) as ResourceDoc }));
  }

  documentsAt(kind: ResourceKind, seqs: ReadonlyArray<number>): Array<{ seq: number; id: string; doc: ResourceDoc }> {
    return this.sql
      .many<{ seq: number; id: string; doc: string }>(`SELECT seq, id, doc FROM ${TABLE[kind]} WHERE seq IN (SELECT value FROM json_each(?)) ORDER BY seq`, JSON.stringify(seqs))
      .map((row) => ({ seq: row.seq, id: row.id, doc: JSON.parse(row.doc) as ResourceDoc }));
  }

  mappingGeneration(of: ResourceKind | 'SyncLog'): number {
    return this.sql.one<{ n: number }>(`SELECT n FROM mapping_generation WHERE kind = ?`, of)?.n ?? 0;
  }

  usersNamed(userNames: ReadonlyArray<string>): Array<{ id: string; userName: string }> {
    return this.sql
      .many<{ id: string; user_name: string }>(`SELECT id, user_name FROM users WHERE user_name_key IN (SELECT value FROM json_each(?)) ORDER BY seq`, JSON.stringify(userNames.map(foldCase)))
      .map((row) => ({ id: row.id, userName: row.user_name }));
  }

  scanMemberships(after: { readonly groupId: string; readonly memberId: string } | undefined, limit: number): MembershipRow[] {
    return this.membership.scan(after, limit);
  }

  count(kind: ResourceKind): number {
    return this.sql.one<{ n: number }>(`SELECT count(*) AS n FROM ${TABLE[kind]}`)!.n;
  }

  purgeDeleted(now: Date): number {
    return this.sql.run(`DELETE FROM deleted_resources WHERE purge_after <= ?`, now.toISOString()).changes;
  }

  /** Records came in below the repository (a snapshot restored): nested groups may exist now. */
  recheckNestedGroups(): void {
    if (this.sql.one<{ found: number }>(`SELECT EXISTS (SELECT 1 FROM group_members WHERE member_type = 'Group') AS found`)!.found === 1) {
      this.membership.hasNestedGroups = true;
    }
  }

  /** Adds members to a group inside the caller's transaction (the recycle bin's restore); members not found wait as pending. */
  addMembers(groupId: string, members: ReadonlyArray<{ readonly value: string; readonly type?: 'User' | 'Group' }>, time: string): number {
    const added = this.membership.add(groupId, members, time).added;
    if (added > 0) this.sql.run(`UPDATE groups SET last_modified = ?, version = version + 1 WHERE id = ?`, time, groupId);
    return added;
  }

  /** Query plan of the statement a member add runs, for tests that prove it touches only the new rows. */
  explainMemberAdd(): string[] {
    return this.membership.explainAdd();
  }

  /**
   * The outbox entries of an update: the changed attributes (named deactivated, reactivated or renamed
   * when that is what changed), then the members added and removed. Nothing when nothing changed.
   */
  private recordUpdate(
    kind: ResourceKind,
    id: string,
    externalId: string | null,
    version: number,
    before: ResourceDoc,
    after: ResourceDoc,
    delta: MemberDelta | undefined,
    time: string,
  ): void {
    const attributes = before === after ? {} : changedAttributes(before, after);
    if (kind === 'Group') delete attributes['members'];
    const base = { resourceType: kind, resourceId: id, externalId, version };
    if (Object.keys(attributes).length > 0) {
      appendChange(this.sql, time, { ...base, type: kind === 'User' ? userUpdateType(before, after) : groupUpdateType(attributes), data: { attributes } });
    }
    if (delta && delta.added.length > 0) appendChange(this.sql, time, { ...base, type: 'group.members.added', data: { members: delta.added } });
    if (delta && delta.removed.length > 0) appendChange(this.sql, time, { ...base, type: 'group.members.removed', data: { members: delta.removed } });
  }

  /** Runs a write as one transaction that takes the write lock at once (BEGIN IMMEDIATE): all of it, or nothing. */
  private write<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  private userColumns(doc: ResourceDoc): [string, string, string | null, string | null, number | null] {
    const userName = stringOrNull(doc['userName']);
    if (userName === null || userName === '') throw StoreInputError.nameRequired('userName');
    const displayName = stringOrNull(doc['displayName']);
    const active = typeof doc['active'] === 'boolean' ? (doc['active'] ? 1 : 0) : null;
    return [userName, foldCase(userName), stringOrNull(doc['externalId']), displayName === null ? null : foldCase(displayName), active];
  }

  private groupColumns(doc: ResourceDoc): [string, string | null] {
    const displayName = stringOrNull(doc['displayName']);
    if (displayName === null || displayName === '') throw StoreInputError.nameRequired('displayName');
    return [foldCase(displayName), stringOrNull(doc['externalId'])];
  }

  private updateGroupRow(id: string, columns: [string, string | null], doc: string, time: string): void {
    this.sql.run(
      `UPDATE groups SET display_name_key = ?, external_id = ?, doc = ?, last_modified = ?, version = version + 1 WHERE id = ?`,
      ...columns,
      doc,
      time,
      id,
    );
  }

  private writeEmails(userSeq: number, doc: ResourceDoc, replace: boolean): void {
    if (replace) this.sql.run(`DELETE FROM user_emails WHERE user_seq = ?`, userSeq);
    emailRows(doc).forEach((email, position) => {
      this.sql.run(
        `INSERT INTO user_emails (user_seq, position, value_key, type_key, is_primary) VALUES (?, ?, ?, ?, ?)`,
        userSeq,
        position,
        email.value,
        email.type,
        email.primary,
      );
    });
  }

  /** A written resource with what the write did to pending memberships, for the sync log. */
  private withOutcome(resource: StoredResource, pending: ReadonlyArray<string>, joined: ReadonlyArray<string>): StoredResource {
    if (pending.length === 0 && joined.length === 0) return resource;
    return { ...resource, ...(pending.length > 0 ? { pendingMembers: pending } : {}), ...(joined.length > 0 ? { joinedGroups: joined } : {}) };
  }
}
