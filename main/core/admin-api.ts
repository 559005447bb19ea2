import { URN } from '../../shared/scim/urns';
import {
  adminMethods,
  type AdminErrorCode,
  type AdminResult,
  type AuditEntry,
  type ExtensionSchema,
  type MethodName,
  type MethodOutput,
  type ParsedInput,
  type ResourceRow,
  type SettingsView,
  type SyncLogEntry,
  type TokenInfo,
} from '../../shared/admin/contract';
import type { FilterNode } from '../scim/filter/filter-ast';
import { parseFilter } from '../scim/filter/parse-filter';
import { resolveFilter } from '../scim/filter/resolve-filter';
import type { ResourceKind } from '../scim/schema/attribute-def';
import { defineAttribute } from '../scim/schema/core-schemas';
import type { CustomExtension, ResolvedAttr } from '../scim/schema/resource-schema';
import { isScimError } from '../scim/scim-error';
import type { StoredAuditRecord, StoredResource, StoredSyncLogEntry, SyncLogQuery, TokenRecord } from '../store/directory-store';
import { CertificateMaterialError, MissingSecretError } from '../graph/create-graph-client';
import { GraphConfigError } from '../graph/graph-config';
import { GraphRequestError } from '../graph/graph-errors';
import { describeListenError } from '../http/listen';
import { toDirectoryView, toSyncLogEntry, toTokenInfo } from './admin-views';
import { assessQuarantine, QuarantineMeter } from './quarantine';
import { currentToken } from './scim-token';
import { CertificateError } from './certificate';
import { KEEP_SNAPSHOTS, WorkbenchError } from './entra-workbench';
import { StoreConflictError, StoreError, StoreNotFoundError } from '../store/store-errors';
import type { Core } from './create-core';
import { DEFAULT_SYNC_LOG_RETENTION, type SyncLogRetention } from './sync-log-writer';
import { csvCell } from '../reconcile/report-csv';
import { plural } from '../../shared/plural';

/** Who made an admin call, for the audit trail. */
export interface AdminCallContext {
  readonly actor: string;
}

export type AdminHandlers = {
  readonly [M in MethodName]: (input: ParsedInput<M>, context: AdminCallContext) => Promise<MethodOutput<M>>;
};

/** An admin call that cannot be done, with the contract's error code. */
export class AdminApiError extends Error {
  constructor(
    readonly code: AdminErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}


const toAuditEntry = (record: StoredAuditRecord): AuditEntry => ({ ...record });

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

const CSV_COLUMNS: ReadonlyArray<keyof SyncLogEntry> = [
  'time',
  'requestId',
  'method',
  'path',
  'operation',
  'resourceType',
  'resourceId',
  'userName',
  'externalId',
  'displayName',
  'status',
  'durationMs',
  'scimType',
  'error',
  'client',
  'adscimVersion',
];

function toCustomExtension(extension: ExtensionSchema): CustomExtension {
  return {
    resourceType: extension.resourceType,
    schema: {
      id: extension.urn,
      name: extension.name,
      description: extension.description,
      attributes: extension.attributes.map((attribute) =>
        defineAttribute(attribute.name, attribute.type, {
          multiValued: attribute.multiValued,
          required: attribute.required,
          caseExact: attribute.caseExact,
          description: attribute.description,
        }),
      ),
    },
  };
}

function fromCustomExtension(extension: CustomExtension): ExtensionSchema {
  return {
    urn: extension.schema.id,
    resourceType: extension.resourceType,
    name: extension.schema.name,
    description: extension.schema.description,
    attributes: extension.schema.attributes.map((attribute) => ({
      name: attribute.name,
      type: attribute.type as ExtensionSchema['attributes'][number]['type'],
      multiValued: attribute.multiValued,
      required: attribute.required,
      caseExact: attribute.caseExact,
      description: attribute.description,
    })),
  };
}

/**
 * The admin methods of the contract, implemented once over the core. Both
 * transports (loopback HTTP in serve mode, IPC in Electron) dispatch here.
 */
export function createAdminHandlers(core: Core): AdminHandlers {
  const { store, tokens } = core;
  const quarantineMeter = new QuarantineMeter(store);

  const baseUrl = () => core.endpoint()?.url ?? 'http://127.0.0.1/scim/v2';

  const filterFor = (kind: ResourceKind, filter: string | undefined): FilterNode<ResolvedAttr> | undefined =>
    filter && filter.trim() !== '' ? resolveFilter(parseFilter(filter), core.schemas()[kind]) : undefined;

  const sortAttr = (kind: ResourceKind, sortBy: string): ResolvedAttr => {
    const schema = core.schemas()[kind];
    const path =
      sortBy === 'name'
        ? { uri: undefined, attr: kind === 'User' ? 'userName' : 'displayName', subAttr: undefined }
        : sortBy === 'lastModified' || sortBy === 'created'
          ? { uri: undefined, attr: 'meta', subAttr: sortBy }
          : { uri: undefined, attr: sortBy, subAttr: undefined };
    const resolved = schema.resolve(path);
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
    const [history, audit] = await Promise.all([
      store.querySyncLog({ resourceId: id, limit: 50 }),
      store.listAudit({ resourceId: id, limit: 50 }),
    ]);
    return {
      stored,
      resource: core.service.representation(stored, core.schemas()[kind], baseUrl()),
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
      { time: core.now().toISOString(), actor: context.actor, action: 'setExternalId', resourceType: kind, resourceId: input.id, summary },
      core.now(),
    );
    if (!result) throw new AdminApiError('notFound', `${kind} ${input.id} does not exist (it may have been deleted)`);
    return { resource: core.service.representation(result.resource, core.schemas()[kind], baseUrl()), audit: toAuditEntry(result.audit) };
  };

  const syncLogQuery = (input: Omit<SyncLogQuery, 'limit'>): Omit<SyncLogQuery, 'limit'> => {
    const query: { -readonly [K in keyof SyncLogQuery]?: SyncLogQuery[K] } = {};
    for (const key of ['since', 'until', 'operation', 'outcome', 'text', 'resourceId', 'client', 'beforeSeq'] as const) {
      if (input[key] !== undefined) (query as Record<string, unknown>)[key] = input[key];
    }
    return query;
  };

  const settingsView = async (): Promise<SettingsView> => {
    const endpoint = core.endpoint();
    const settings = await core.endpointSettings();
    return {
      // Port 0 means "any free port": show the one in use.
      endpoint: settings.port === 0 && endpoint ? { ...settings, port: endpoint.port } : settings,
      listening: endpoint ? { url: endpoint.url, host: endpoint.host, port: endpoint.port, https: endpoint.https } : null,
      certificate: await core.certificate(),
      retention: (await store.getSetting<SyncLogRetention>('syncLog.retention')) ?? DEFAULT_SYNC_LOG_RETENTION,
      dataDir: core.dataDir,
      secretStore: core.secrets.description,
    };
  };

  const extensions = async () => ({ items: (await store.listExtensions()).map(fromCustomExtension) });

  return {
    async 'overview.get'() {
      const directory = await store.getDirectory();
      if (!directory) throw new AdminApiError('unavailable', 'The directory has not been created yet: start the endpoint first');
      const endpoint = core.endpoint();
      const settings = await core.endpointSettings();
      const since = new Date(core.now().getTime() - 86_400_000).toISOString();
      const [history, users, inactive, groups, summary, quarantine] = await Promise.all([
        tokens.list(),
        store.countResources('User'),
        store.countInactiveUsers(),
        store.countResources('Group'),
        store.summarizeSyncLog(since),
        quarantineMeter.measure(core.now()),
      ]);
      const current = currentToken(history, core.now());
      const seen = core.setupSeen();
      return {
        scimUrl: endpoint?.url ?? null,
        endpoint: {
          listening: endpoint !== undefined,
          https: endpoint?.https ?? false,
          host: endpoint?.host ?? settings.host,
          port: endpoint?.port ?? settings.port,
        },
        directory: toDirectoryView(directory),
        token: current ? toTokenInfo(current) : null,
        // A user without `active` is not deprovisioned: "active" here means "not marked inactive".
        counts: { users, activeUsers: users - inactive, groups },
        lastActivity: summary.lastTime,
        last24h: { requests: summary.total, errors: summary.errors, since },
        quarantine: assessQuarantine(quarantine),
        publicUrl: settings.publicUrl ? { url: settings.publicUrl, verifiedAt: await core.publicUrlVerifiedAt(settings.publicUrl) } : null,
        setup: {
          tokenGenerated: history.length > 0,
          tokenUsed: history.some((token) => token.lastUsed !== null),
          connected: seen.connected,
          testConnection: seen.testConnection,
          schemaDiscovery: seen.schemaDiscovery,
          provisioned: seen.provisioned,
          usersProvisioned: users > 0,
          groupsProvisioned: groups > 0,
        },
      };
    },

    async 'directory.get'() {
      const directory = await store.getDirectory();
      if (!directory) throw new AdminApiError('unavailable', 'The directory has not been created yet: start the endpoint first');
      return toDirectoryView(directory);
    },
    async 'directory.update'(input, context) {
      const before = await store.getDirectory();
      const saved = await store.saveDirectory(input, core.now());
      const policy = input.onDelete.mode === 'hard' ? 'DELETE removes at once' : `DELETE keeps records ${input.onDelete.days} days`;
      const duplicates = input.duplicateExternalIds === 'refuse' ? 'duplicate Object IDs refused' : 'duplicate Object IDs accepted';
      await audit(context, 'updateDirectory', `Directory settings saved (${policy}; ${duplicates})`, { before, after: saved });
      core.events.emit('overview.changed', {});
      return toDirectoryView(saved);
    },

    async 'token.status'() {
      const history = await tokens.list();
      const current = currentToken(history, core.now());
      return { current: current ? toTokenInfo(current) : null, history: history.map(toTokenInfo) };
    },
    async 'token.generate'(input, context) {
      const issued = await tokens.rotate(input.lifetimeDays);
      await audit(context, 'generateToken', `Secret token regenerated (${issued.record.hint}); earlier tokens revoked`);
      core.events.emit('overview.changed', {});
      return { token: issued.token, info: toTokenInfo(issued.record) };
    },
    async 'token.revoke'(_input, context) {
      const revoked = await tokens.revoke();
      await audit(context, 'revokeToken', `Revoked ${plural(revoked, 'token')}`);
      core.events.emit('overview.changed', {});
      return { revoked };
    },

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

    async 'syncLog.query'(input) {
      const items = await store.querySyncLog({ ...syncLogQuery(input), limit: input.limit });
      const last = items[items.length - 1];
      return { items: items.map(toSyncLogEntry), nextBeforeSeq: items.length === input.limit && last ? last.seq : null };
    },
    async 'syncLog.entry'(input) {
      const entry = await store.getSyncLogEntry(input.seq);
      if (!entry) throw new AdminApiError('notFound', `Sync log entry ${input.seq} does not exist (retention may have removed it)`);
      return { ...toSyncLogEntry(entry), detail: entry.detail ? (JSON.parse(entry.detail) as Record<string, unknown>) : null };
    },
    async 'syncLog.exportCsv'(input) {
      const lines = [CSV_COLUMNS.join(',')];
      const query = syncLogQuery(input);
      let beforeSeq: number | undefined;
      let rows = 0;
      let more = false;
      for (;;) {
        const want = Math.min(1000, input.limit - rows);
        if (want === 0) {
          // At the limit: say whether anything older was left out.
          more = (await store.querySyncLog({ ...query, ...(beforeSeq !== undefined ? { beforeSeq } : {}), limit: 1 })).length > 0;
          break;
        }
        const page = await store.querySyncLog({ ...query, ...(beforeSeq !== undefined ? { beforeSeq } : {}), limit: want });
        for (const entry of page) lines.push(CSV_COLUMNS.map((column) => csvCell(entry[column])).join(','));
        rows += page.length;
        if (page.length < want) break;
        beforeSeq = page[page.length - 1]!.seq;
      }
      return { csv: lines.join('\r\n') + '\r\n', rows, truncated: more };
    },

    async 'audit.list'(input) {
      const items = await store.listAudit({ ...(input.beforeSeq !== undefined ? { beforeSeq: input.beforeSeq } : {}), limit: input.limit });
      return { items: items.map(toAuditEntry) };
    },

    'settings.get': () => settingsView(),
    async 'settings.updateEndpoint'(input, context) {
      try {
        await core.reconfigureEndpoint(input);
      } catch (error) {
        const failure = describeListenError(error, input.host, input.port);
        if (!failure) throw error;
        const code = ({ inUse: 'conflict', noAddress: 'invalidInput', forbidden: 'forbidden' } as const)[failure.problem];
        throw new AdminApiError(code, `${failure.message}; the endpoint stays where it was`);
      }
      await audit(context, 'updateEndpoint', `SCIM endpoint moved to ${input.host}:${input.port}${input.publicUrl ? ` (public URL ${input.publicUrl})` : ''}`);
      return settingsView();
    },
    async 'settings.updateRetention'(input) {
      await store.setSetting('syncLog.retention', input);
      return settingsView();
    },
    async 'settings.setCertificate'(input, context) {
      const pfx = Buffer.from(input.pfxBase64, 'base64');
      const summary = await core.setCertificate(pfx, input.passphrase);
      await audit(context, 'setCertificate', `HTTPS certificate installed: ${summary.subject} (valid to ${summary.validTo})`);
      return settingsView();
    },
    async 'settings.clearCertificate'(_input, context) {
      await core.clearCertificate();
      await audit(context, 'clearCertificate', 'HTTPS certificate removed: the endpoint serves plain HTTP');
      return settingsView();
    },

    'extensions.list': () => extensions(),
    async 'extensions.save'(input, context) {
      await store.saveExtension(toCustomExtension(input), core.now());
      await core.reloadSchemas();
      await audit(context, 'saveExtension', `Extension schema ${input.urn} saved (${plural(input.attributes.length, 'attribute')})`, { after: input });
      return extensions();
    },
    async 'extensions.delete'(input, context) {
      if (!(await store.deleteExtension(input.urn))) throw new AdminApiError('notFound', `No extension schema ${input.urn}`);
      await core.reloadSchemas();
      await audit(context, 'deleteExtension', `Extension schema ${input.urn} removed`);
      return extensions();
    },

    'graph.get': () => core.entra.settings(),
    async 'graph.connect'(input, context) {
      const view = await core.entra.connect(input);
      await audit(context, 'graph.connect', `Graph connection saved: tenant ${input.tenantId}, client ${input.clientId}, ${input.cloud} cloud, ${input.auth.kind}`);
      return view;
    },
    async 'graph.disconnect'(_input, context) {
      const view = await core.entra.disconnect();
      await audit(context, 'graph.disconnect', 'Graph connection and its secret removed');
      return view;
    },
    'graph.test': () => core.entra.test(),
    async 'graph.findApps'(input) {
      return { items: await core.entra.findApps(input.query) };
    },
    async 'graph.fetch'() {
      return { jobId: await core.entra.startFetch() };
    },
    async 'graph.fetchStatus'() {
      return { running: core.entra.runningFetches() };
    },
    async 'graph.cancel'(input) {
      return { cancelled: core.entra.cancelFetch(input.jobId) };
    },
    async 'graph.importCsv'(input) {
      return core.entra.importCsv(input.csv, input.fileName);
    },
    async 'graph.snapshots'() {
      return { items: core.entra.snapshots(), kept: KEEP_SNAPSHOTS };
    },

    'compare.run': (input) => core.entra.compare(input.snapshotId),
    async 'compare.latest'() {
      return core.entra.latestReport();
    },
    async 'compare.rows'(input) {
      return core.entra.rows(input);
    },
    async 'compare.exportCsv'(input) {
      return core.entra.exportCsv(input.reportId);
    },

    async 'fix.preview'(input) {
      return core.entra.preview(input);
    },
    'fix.apply': (input, context) => core.entra.apply(input.planId, context.actor),
    async 'fix.batches'() {
      return { items: await core.entra.batches() };
    },
    'fix.undo': (input, context) => core.entra.undo(input.batchId, context.actor),

    async 'entra.jobs'() {
      const jobs = await core.entra.jobs();
      return { servicePrincipalId: jobs.servicePrincipalId, items: [...jobs.items] };
    },
    async 'entra.restartJob'(input, context) {
      const result = await core.entra.restartJob(input.jobId, input.resetScope, input.insist);
      await audit(context, 'entra.restartJob', `Provisioning job ${input.jobId} restarted with reset scope ${result.resetScope}`);
      return result;
    },
    async 'entra.provisionOnDemand'(input, context) {
      const result = await core.entra.provisionOnDemand(input.jobId, input.userObjectId);
      await audit(context, 'entra.provisionOnDemand', `Provisioned Entra user ${input.userObjectId} on demand: ${result.status}`);
      return { ...result, steps: [...result.steps] };
    },
    'entra.provisioningLogs': (input) => core.entra.provisioningLogs(input),
    'entra.rotateToken': (input, context) => core.entra.rotateToken(input.overlapMinutes, input.lifetimeDays, context.actor),
  };

  /** An audit entry for an admin change that is not about one user or group. */
  async function audit(context: AdminCallContext, action: string, summary: string, values: { before?: unknown; after?: unknown } = {}): Promise<void> {
    await store.appendAudit({ time: core.now().toISOString(), actor: context.actor, action, resourceType: null, resourceId: null, summary, ...values });
  }
}

function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(adminMethods, name);
}

/**
 * Validates the input against the contract, runs the handler and turns every
 * outcome into an AdminResult: bad input names each field and what is wrong,
 * and no exception crosses the transport.
 */
export async function dispatchAdminCall(
  handlers: AdminHandlers,
  method: string,
  input: unknown,
  context: AdminCallContext,
  onInternalError?: (error: unknown) => void,
): Promise<AdminResult<unknown>> {
  if (!isMethodName(method)) return { ok: false, error: { code: 'notFound', message: `No admin method "${method}"` } };
  const parsed = adminMethods[method].input.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    return {
      ok: false,
      error: {
        code: 'invalidInput',
        message: issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; '),
        issues,
      },
    };
  }
  try {
    const handler = handlers[method] as (input: unknown, context: AdminCallContext) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data, context) };
  } catch (error) {
    if (error instanceof AdminApiError) return { ok: false, error: { code: error.code, message: error.message } };
    if (error instanceof CertificateError) return { ok: false, error: { code: 'invalidInput', message: error.message } };
    if (error instanceof WorkbenchError) return { ok: false, error: { code: error.code, message: error.message } };
    if (error instanceof StoreConflictError) return { ok: false, error: { code: 'conflict', message: error.message } };
    // The store's other refusals: a missing record is notFound; a stale version, a query or input it refuses, invalidInput.
    if (error instanceof StoreNotFoundError) return { ok: false, error: { code: 'notFound', message: error.message } };
    if (error instanceof StoreError) return { ok: false, error: { code: 'invalidInput', message: error.message } };
    if (error instanceof GraphConfigError || error instanceof MissingSecretError || error instanceof CertificateMaterialError) {
      return { ok: false, error: { code: 'invalidInput', message: error.message } };
    }
    if (error instanceof GraphRequestError) return { ok: false, error: { code: 'unavailable', message: `Microsoft Graph answered: ${error.message}` } };
    if (isScimError(error)) {
      const code: AdminErrorCode = error.status === 404 ? 'notFound' : error.status === 409 ? 'conflict' : error.status < 500 ? 'invalidInput' : 'internal';
      return { ok: false, error: { code, message: error.detail } };
    }
    onInternalError?.(error);
    return { ok: false, error: { code: 'internal', message: 'Something went wrong inside ScimDesk; the log file has the details' } };
  }
}
