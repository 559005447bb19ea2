import type { AuditEntry, ParsedInput, ResourceRow } from '../../../shared/admin/contract';
import { URN } from '../../../shared/scim/urns';
import type { FilterNode } from '../../scim/filter/filter-ast';
import { parseFilter } from '../../scim/filter/parse-filter';
import { resolveFilter } from '../../scim/filter/resolve-filter';
import type { ResourceKind } from '../../scim/schema/attribute-def';
import type { ResolvedAttr, ResourceSchema } from '../../scim/schema/resource-schema';
import type { ScimService } from '../../scim/scim-service';
import type { AuditStore, ResourceStore, StoredAuditRecord, StoredResource, SyncLogStore } from '../../store/directory-store';
import { StoreNotFoundError } from '../../store/store-errors';
import { AdminApiError } from '../admin-error';
import { toSyncLogEntry } from '../admin-views';
import type { AdminCallContext } from '../dispatch';
import type { Handlers, ListeningState } from './handler-types';

export interface ResourceDeps {
  readonly store: ResourceStore & Pick<SyncLogStore, 'querySyncLog'> & Pick<AuditStore, 'listAudit' | 'setExternalId'>;
  readonly scim: Pick<ScimService, 'representation'>;
  readonly schemas: () => Record<ResourceKind, ResourceSchema>;
  readonly endpoint: () => ListeningState | undefined;
  readonly now: () => Date;
}

export const toAuditEntry = (record: StoredAuditRecord): AuditEntry => ({ ...record });

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The enterprise manager's id, stored as Entra sent it: a plain id or `{ value }`. */
function managerIdOf(doc: Record<string, unknown>): string | null {
  const enterprise = doc[URN.enterpriseUser];
  const manager = enterprise !== null && typeof enterprise === 'object' ? (enterprise as Record<string, unknown>)['manager'] : undefined;
  const id = manager !== null && typeof manager === 'object' ? (manager as Record<string, unknown>)['value'] : manager;
  return typeof id === 'string' && id !== '' ? id : null;
}

function primaryEmail(doc: Record<string, unknown>): string | null {
  const emails = Array.isArray(doc['emails']) ? (doc['emails'] as Array<Record<string, unknown>>) : [];
  const primary = emails.find((email) => email['primary'] === true) ?? emails[0];
  return primary ? str(primary['value']) : null;
}

function toRow(stored: StoredResource): ResourceRow {
  const doc = stored.doc;
  return {
    id: stored.id,
    name: (stored.kind === 'User' ? str(doc['userName']) : str(doc['displayName'])) ?? '',
    displayName: str(doc['displayName']),
    externalId: str(doc['externalId']),
    active: stored.kind === 'User' ? (typeof doc['active'] === 'boolean' ? doc['active'] : null) : null,
    email: stored.kind === 'User' ? primaryEmail(doc) : null,
    memberCount: stored.kind === 'Group' ? (stored.memberCount ?? 0) : null,
    lastModified: stored.lastModified,
  };
}

type ResourceMethods =
  | 'users.list'
  | 'users.get'
  | 'users.setExternalId'
  | 'groups.list'
  | 'groups.get'
  | 'groups.members'
  | 'groups.setExternalId';

/** Users and groups: server-side paged lists and search, each record with its history, audit and "Object ID in Entra". */
export function createResourceHandlers(deps: ResourceDeps): Handlers<ResourceMethods> {
  const { store, schemas, now } = deps;
  const baseUrl = () => deps.endpoint()?.url ?? 'http://127.0.0.1/scim/v2';

  const filterFor = (kind: ResourceKind, filter: string | undefined): FilterNode<ResolvedAttr> | undefined =>
    filter && filter.trim() !== '' ? resolveFilter(parseFilter(filter), schemas()[kind]) : undefined;

  const sortAttr = (kind: ResourceKind, sortBy: string): ResolvedAttr => {
    const path =
      sortBy === 'name'
        ? { uri: undefined, attr: kind === 'User' ? 'userName' : 'displayName', subAttr: undefined }
        : sortBy === 'lastModified' || sortBy === 'created'
          ? { uri: undefined, attr: 'meta', subAttr: sortBy }
          : { uri: undefined, attr: sortBy, subAttr: undefined };
    const resolved = schemas()[kind].resolve(path);
    if (!resolved) throw new AdminApiError('invalidInput', `Cannot sort by ${sortBy}`);
    return resolved;
  };

  const list = async (kind: ResourceKind, input: ParsedInput<'users.list'>) => {
    const result = await store.listResources(kind, {
      filter: filterFor(kind, input.filter),
      ...(input.search ? { search: input.search } : {}),
      startIndex: input.startIndex,
      count: input.count,
      sortBy: sortAttr(kind, input.sortBy),
      descending: input.sortOrder === 'descending',
      withMembers: false,
      withGroups: false,
    });
    return { total: result.total, startIndex: input.startIndex, items: result.resources.map(toRow) };
  };

  const details = async (kind: ResourceKind, id: string) => {
    const stored = await store.getResource(kind, id, { withMembers: false, withGroups: kind === 'User' });
    if (!stored) throw new AdminApiError('notFound', `${kind === 'User' ? 'User' : 'Group'} ${id} does not exist (it may have been deleted)`);
    const [history, audit] = await Promise.all([store.querySyncLog({ resourceId: id, limit: 50 }), store.listAudit({ resourceId: id, limit: 50 })]);
    return {
      stored,
      resource: deps.scim.representation(stored, schemas()[kind], baseUrl()),
      history: history.map(toSyncLogEntry),
      audit: audit.map(toAuditEntry),
    };
  };

  const setExternalId = async (kind: ResourceKind, input: ParsedInput<'users.setExternalId'>, context: AdminCallContext) => {
    const label = kind === 'User' ? 'user' : 'group';
    const summary =
      (input.externalId === null ? `Object ID in Entra cleared on the ${label}` : `Object ID in Entra set to ${input.externalId}`) +
      (input.reason ? ` — ${input.reason}` : '');
    const result = await store.setExternalId(
      kind,
      input.id,
      input.externalId,
      { time: now().toISOString(), actor: context.actor, action: 'setExternalId', resourceType: kind, resourceId: input.id, summary },
      now(),
    );
    if (!result) throw new AdminApiError('notFound', `${kind} ${input.id} does not exist (it may have been deleted)`);
    return { resource: deps.scim.representation(result.resource, schemas()[kind], baseUrl()), audit: toAuditEntry(result.audit) };
  };

  return {
    'users.list': (input) => list('User', input),
    async 'users.get'(input) {
      const { stored, resource, history, audit } = await details('User', input.id);
      const groups = (stored.groups ?? []).map((group) => ({ id: group.value, displayName: group.display, type: group.type }));
      const managerId = managerIdOf(stored.doc);
      const manager = managerId === null ? null : await store.getResource('User', managerId, { withMembers: false, withGroups: false });
      return {
        resource,
        groups,
        manager:
          managerId === null
            ? null
            : { id: managerId, userName: manager ? str(manager.doc['userName']) : null, displayName: manager ? str(manager.doc['displayName']) : null, found: manager !== undefined },
        history,
        audit,
      };
    },
    'users.setExternalId': (input, context) => setExternalId('User', input, context),

    'groups.list': (input) => list('Group', input),
    async 'groups.get'(input) {
      const { resource, history, audit } = await details('Group', input.id);
      return { resource, history, audit };
    },
    async 'groups.members'(input) {
      try {
        const page = await store.listMembers(input.id, input.startIndex, input.count);
        return {
          total: page.total,
          startIndex: input.startIndex,
          items: page.members.map((member) => ({
            id: member.value,
            type: member.type ?? 'User',
            display: member.display ?? null,
            userName: member.userName ?? null,
          })),
          pending: page.pending.map((member) => ({ id: member.value, type: member.type ?? null, display: member.display ?? null, since: member.since })),
          pendingTotal: page.pendingTotal,
        };
      } catch (error) {
        if (error instanceof StoreNotFoundError) throw new AdminApiError('notFound', `Group ${input.id} does not exist`);
        throw error;
      }
    },
    'groups.setExternalId': (input, context) => setExternalId('Group', input, context),
  };
}
