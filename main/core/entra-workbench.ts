import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type {
  ConnectionReport,
  FixBatchView,
  FixPlanView,
  GraphConnectInput,
  GraphSettingsView,
  ReportRow,
  ReportSummary,
  SnapshotSummary,
} from '../../shared/admin/entra-schemas';
import { CLOUD_ENDPOINTS, GRAPH_SECRET_NAMES, type GraphConnection } from '../graph/graph-config';
import { isAbortError } from '../graph/graph-errors';
import { GraphService, testGraphConnection, type FetchSnapshotOptions, type ServicePrincipalSummary } from '../graph/graph-service';
import { ResetScopeRefusedError, type ResetScope } from '../graph/reset-scope';
import { parseFilter } from '../scim/filter/parse-filter';
import { resolveFilter } from '../scim/filter/resolve-filter';
import { compareDirectories, type CompareReport, type ReportRow as ReconcileRow } from '../reconcile/compare';
import { importEntraUsersCsv } from '../reconcile/csv-import';
import { buildFixPlan, type FixPlan } from '../reconcile/fix-plan';
import { toReportCsv } from '../reconcile/report-csv';
import type { EntraSnapshot } from '../reconcile/snapshot';
import type { FixBatchRecord } from '../store/directory-store';
import { StoreConflictError } from '../store/store-errors';
import { toSyncLogEntry, toTokenInfo } from './admin-views';
import type { Core } from './create-core';
import { plural } from '../../shared/plural';

/** A problem an admin can act on, with the contract's error code. */
export class WorkbenchError extends Error {
  constructor(
    readonly code: 'invalidInput' | 'notFound' | 'conflict' | 'unavailable' | 'forbidden',
    message: string,
    /** Set when the fix is known: no Graph connection saved yet (the CLI then prints the connect command). */
    readonly reason?: 'notConnected',
  ) {
    super(message);
    this.name = 'WorkbenchError';
  }
}

const CONNECTION_SETTING = 'graph.connection';
/** Snapshots kept on disk; older ones are removed when a new one is saved. */
/** Snapshots kept on disk; each new one removes the oldest beyond this. */
export const KEEP_SNAPSHOTS = 10;

interface StoredReport {
  readonly summary: ReportSummary;
  readonly report: CompareReport;
  /** The rows with the problems first, so an unfiltered first page shows what needs attention. */
  readonly bySeverity: ReadonlyArray<ReconcileRow>;
}

const SEVERITY: Readonly<Record<string, number>> = { mismatch: 0, duplicate: 1, unlinked: 2, orphan: 3, notProvisioned: 4, linked: 5 };

const rowKey = (row: ReconcileRow) => `${row.kind}:${row.localId ?? 'entra:' + row.objectId}`;

/**
 * Compare & Fix against Microsoft Graph, for both transports and the CLI: the
 * connection (secrets in the secret store), snapshots on disk, reports and fix
 * plans in memory, and the Entra-side job actions. Long work reports progress
 * through the core's job.progress events.
 */
export class EntraWorkbench {
  private readonly snapshotDir: string;
  private graph: { key: string; service: Promise<GraphService> } | undefined;
  private servicePrincipal: { appId: string; sp: ServicePrincipalSummary } | undefined;
  private readonly fetches = new Map<string, AbortController>();
  private readonly fetchState = new Map<string, { startedAt: string; phase: string; done: number; total: number | null; message: string }>();
  private latest: StoredReport | undefined;
  private readonly plans = new Map<string, { reportId: string; plan: FixPlan }>();

  constructor(private readonly core: Core) {
    this.snapshotDir = join(core.dataDir, 'snapshots');
  }

  // ---- connection

  async connection(): Promise<GraphConnection | undefined> {
    return (await this.core.store.getSetting<GraphConnection>(CONNECTION_SETTING)) ?? undefined;
  }

  async settings(): Promise<GraphSettingsView> {
    const connection = await this.connection();
    const secretName = connection?.auth.kind === 'certificate' ? GRAPH_SECRET_NAMES.certificate : GRAPH_SECRET_NAMES.clientSecret;
    return {
      connection: connection
        ? {
            tenantId: connection.tenantId,
            clientId: connection.clientId,
            cloud: connection.cloud,
            authorityHost: connection.authorityHost ?? null,
            graphBaseUrl: connection.graphBaseUrl ?? null,
            graphResource: connection.graphResource ?? null,
            appId: connection.appId ?? null,
            auth: connection.auth.kind,
            certificateFormat: connection.auth.kind === 'certificate' ? connection.auth.format : null,
          }
        : null,
      secretStored: connection !== undefined && (await this.core.secrets.get(secretName)) !== undefined,
      certificatePasswordStored:
        connection?.auth.kind === 'certificate' && (await this.core.secrets.get(GRAPH_SECRET_NAMES.certificatePassword)) !== undefined,
      secretStore: this.core.secrets.description,
      clouds: [
        ...Object.entries(CLOUD_ENDPOINTS).map(([id, cloud]) => ({
          id: id as 'global' | 'usgov' | 'china',
          label: cloud.label,
          authorityHost: cloud.authorityHost,
          graphBaseUrl: cloud.graphBaseUrl,
        })),
        { id: 'custom' as const, label: 'Custom (sovereign cloud or test tenant)', authorityHost: null, graphBaseUrl: null },
      ],
    };
  }

  async connect(input: GraphConnectInput): Promise<GraphSettingsView> {
    const connection: GraphConnection = {
      tenantId: input.tenantId,
      clientId: input.clientId,
      cloud: input.cloud,
      auth: input.auth.kind === 'secret' ? { kind: 'secret' } : { kind: 'certificate', format: input.auth.format },
      ...(input.cloud === 'custom' && input.authorityHost ? { authorityHost: input.authorityHost.replace(/\/+$/, '') } : {}),
      ...(input.cloud === 'custom' && input.graphBaseUrl ? { graphBaseUrl: input.graphBaseUrl.replace(/\/+$/, '') } : {}),
      // Absent means "Graph's own resource" (the default), as in connections saved before the field existed.
      ...(input.cloud === 'custom' && input.graphResource ? { graphResource: input.graphResource.replace(/\/+$/, '') } : {}),
      ...(input.appId ? { appId: input.appId } : {}),
    };
    const secrets = this.core.secrets;
    if (input.auth.kind === 'secret') {
      if (input.auth.clientSecret !== undefined) await secrets.set(GRAPH_SECRET_NAMES.clientSecret, input.auth.clientSecret);
      else if ((await secrets.get(GRAPH_SECRET_NAMES.clientSecret)) === undefined) {
        throw new WorkbenchError('invalidInput', 'Enter the client secret value (not its Secret ID)');
      }
      await secrets.delete(GRAPH_SECRET_NAMES.certificate);
      await secrets.delete(GRAPH_SECRET_NAMES.certificatePassword);
    } else {
      if (input.auth.certificate !== undefined) await secrets.set(GRAPH_SECRET_NAMES.certificate, input.auth.certificate);
      else if ((await secrets.get(GRAPH_SECRET_NAMES.certificate)) === undefined) {
        throw new WorkbenchError('invalidInput', 'Choose the certificate (PEM with its private key, or a .pfx file)');
      }
      if (input.auth.password !== undefined) await secrets.set(GRAPH_SECRET_NAMES.certificatePassword, input.auth.password);
      await secrets.delete(GRAPH_SECRET_NAMES.clientSecret);
    }
    await this.core.store.setSetting(CONNECTION_SETTING, connection);
    this.graph = undefined;
    this.servicePrincipal = undefined;
    return this.settings();
  }

  async disconnect(): Promise<GraphSettingsView> {
    for (const name of Object.values(GRAPH_SECRET_NAMES)) await this.core.secrets.delete(name);
    await this.core.store.setSetting(CONNECTION_SETTING, null);
    this.graph = undefined;
    this.servicePrincipal = undefined;
    return this.settings();
  }

  async test(): Promise<ConnectionReport> {
    const connection = await this.requireConnection();
    const report = await testGraphConnection(connection, this.core.secrets, this.graphOptions());
    const token = report.token;
    const app = report.enterpriseApp;
    return {
      testedAt: this.core.now().toISOString(),
      token: token.ok
        ? { ok: true, expiresOn: token.expiresOn, roles: [...token.roles], appDisplayName: token.appDisplayName, problem: null, advice: null, code: null }
        : { ok: false, expiresOn: null, roles: [], appDisplayName: null, problem: token.problem, advice: token.advice, code: token.code },
      certificate: report.certificate ? { subject: report.certificate.subject, thumbprint: report.certificate.thumbprint, notAfter: report.certificate.notAfter } : null,
      permissions: report.permissions.map((p) => ({ ...p, permission: p.permission, feature: String(p.feature) })),
      enterpriseApp: app
        ? app.found
          ? { found: true, id: app.servicePrincipal.id, appId: app.servicePrincipal.appId, displayName: app.servicePrincipal.displayName, jobs: app.jobs, detail: null }
          : { found: false, id: null, appId: app.appId, displayName: null, jobs: null, detail: app.detail }
        : null,
      canCompare: report.canCompare,
      canManageJobs: report.canManageJobs,
      canReadLogs: report.canReadLogs,
    };
  }

  async findApps(query: string): Promise<Array<{ id: string; appId: string; displayName: string }>> {
    const service = await this.service();
    return (await service.findServicePrincipals(query)).map((sp) => ({ id: sp.id, appId: sp.appId, displayName: sp.displayName }));
  }

  // ---- snapshots

  /** Starts a fetch; progress and the outcome arrive as job.progress events. */
  async startFetch(): Promise<string> {
    if (this.fetches.size > 0) throw new WorkbenchError('conflict', 'A fetch is already running: wait for it or cancel it');
    // Reserve the slot before the first await, so a double click cannot start a second fetch.
    const jobId = randomUUID();
    const controller = new AbortController();
    this.fetches.set(jobId, controller);
    let run: (options: Omit<FetchSnapshotOptions, 'servicePrincipalId'>) => Promise<SnapshotSummary>;
    try {
      run = await this.prepareFetch();
    } catch (error) {
      this.fetches.delete(jobId);
      throw error;
    }
    const startedAt = this.core.now().toISOString();
    const emit = (patch: { phase: string; done: number; total: number | null; message: string; finished?: boolean; resultId?: string; error?: string; cancelled?: boolean }) => {
      if (patch.finished) this.fetchState.delete(jobId);
      else this.fetchState.set(jobId, { startedAt, phase: patch.phase, done: patch.done, total: patch.total, message: patch.message });
      this.core.events.emit('job.progress', {
        jobId,
        kind: 'graph.fetch',
        phase: patch.phase,
        done: patch.done,
        total: patch.total,
        message: patch.message,
        finished: patch.finished ?? false,
        resultId: patch.resultId ?? null,
        error: patch.error ?? null,
        cancelled: patch.cancelled ?? false,
      });
    };
    emit({ phase: 'starting', done: 0, total: null, message: 'Signing in to Microsoft Graph' });
    void (async () => {
      let last = { objects: 0 };
      try {
        const meta = await run({
          signal: controller.signal,
          onProgress: (progress) => {
            last = progress;
            emit({
              phase: progress.phase,
              done: progress.phaseObjects,
              total: progress.phaseTotal,
              message:
                `${plural(progress.objects, 'object')} in ${plural(progress.pages, 'page')}` +
                (progress.throttles > 0 ? `; Graph throttled ${plural(progress.throttles, 'time')}, waited as asked` : ''),
            });
          },
        });
        emit({ phase: 'done', done: last.objects, total: last.objects, message: `Fetched ${meta.users} users and ${meta.groups} groups`, finished: true, resultId: meta.id });
      } catch (error) {
        const cancelled = isAbortError(error);
        if (!cancelled) this.core.logger.error({ err: error }, 'Graph fetch failed');
        emit({
          phase: 'failed',
          done: last.objects,
          total: null,
          message: cancelled ? 'Cancelled: nothing was saved' : `The fetch failed: ${(error as Error).message}`,
          finished: true,
          ...(cancelled ? { cancelled: true } : { error: (error as Error).message }),
        });
      } finally {
        this.fetches.delete(jobId);
      }
    })();
    return jobId;
  }

  /** Fetches still running, with their last progress. */
  runningFetches(): Array<{ jobId: string; startedAt: string; phase: string; done: number; total: number | null; message: string }> {
    return [...this.fetchState].map(([jobId, state]) => ({ jobId, ...state }));
  }

  /** Stops every running fetch (the core is stopping). */
  cancelAll(): void {
    for (const controller of this.fetches.values()) controller.abort();
  }

  cancelFetch(jobId: string): boolean {
    const controller = this.fetches.get(jobId);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  /** Fetches and waits (the CLI's `compare`): the same work as startFetch without events. */
  async fetchNow(onProgress?: (message: string) => void, signal?: AbortSignal): Promise<SnapshotSummary> {
    const run = await this.prepareFetch();
    return run({
      ...(signal ? { signal } : {}),
      ...(onProgress
        ? { onProgress: (p) => onProgress(`${p.phase}: ${p.objects} objects, ${p.pages} pages${p.throttles ? `, ${p.throttles} throttled` : ''}`) }
        : {}),
    });
  }

  /** Signs in and finds the application (the part that can fail before any work), then returns the fetch-and-save step. */
  private async prepareFetch(): Promise<(options: Omit<FetchSnapshotOptions, 'servicePrincipalId'>) => Promise<SnapshotSummary>> {
    // One read of the connection for all three steps: a connection saved meanwhile cannot mix in.
    const connection = await this.requireConnection();
    const service = await this.service(connection);
    const spId = connection.appId ? (await this.requireServicePrincipal(connection)).id : undefined;
    const label = spId ? 'Graph, with the application scope' : 'Graph, no application chosen (scope unknown)';
    return async (options) => this.saveSnapshot(await service.fetchSnapshot({ ...options, ...(spId ? { servicePrincipalId: spId } : {}) }), label);
  }

  importCsv(csv: string, fileName: string): SnapshotSummary {
    try {
      const snapshot = importEntraUsersCsv(csv, { importedAt: this.core.now().toISOString() });
      return this.saveSnapshot(snapshot, `CSV import (${fileName})`);
    } catch (error) {
      const problems = (error as { problems?: ReadonlyArray<{ line: number; column: string; message: string }> }).problems;
      if (problems) {
        const shown = problems.slice(0, 5).map((p) => `line ${p.line}${p.column ? `, ${p.column}` : ''}: ${p.message}`);
        throw new WorkbenchError('invalidInput', `${fileName} could not be imported: ${shown.join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`);
      }
      throw error;
    }
  }

  snapshots(): SnapshotSummary[] {
    if (!existsSync(this.snapshotDir)) return [];
    return readdirSync(this.snapshotDir)
      .filter((name) => name.endsWith('.meta.json'))
      .map((name) => JSON.parse(readFileSync(join(this.snapshotDir, name), 'utf8')) as SnapshotSummary)
      .sort((a, b) => (a.fetchedAt < b.fetchedAt ? 1 : a.fetchedAt > b.fetchedAt ? -1 : 0));
  }

  // ---- compare

  async compare(snapshotId: string): Promise<ReportSummary> {
    const entra = this.loadSnapshot(snapshotId);
    const now = this.core.now();
    const local = await this.core.store.localSnapshot(now);
    const report = compareDirectories(local, entra, { generatedAt: now.toISOString() });
    const previous = this.latest;
    let changed: number | null = null;
    if (previous) {
      const before = new Map(previous.report.rows.map((row) => [rowKey(row), row.category as string]));
      changed = report.rows.filter((row) => before.get(rowKey(row)) !== row.category).length;
    }
    const summary: ReportSummary = {
      id: randomUUID(),
      snapshotId,
      generatedAt: report.generatedAt,
      source: report.source,
      compared: report.compared,
      notes: [...report.notes],
      counts: report.counts,
      changedSincePrevious: changed,
    };
    // Array.prototype.sort is stable: within a category the rows keep the comparison's order.
    const bySeverity = [...report.rows].sort((a, b) => (SEVERITY[a.category] ?? 9) - (SEVERITY[b.category] ?? 9));
    this.latest = { summary, report, bySeverity };
    this.plans.clear();
    return summary;
  }

  latestReport(): ReportSummary | null {
    return this.latest?.summary ?? null;
  }

  rows(query: {
    reportId: string;
    kind: 'User' | 'Group';
    category?: string | undefined;
    search?: string | undefined;
    onlyDrift: boolean;
    startIndex: number;
    count: number;
  }): { total: number; startIndex: number; items: ReportRow[] } {
    const { bySeverity } = this.requireReport(query.reportId);
    const text = query.search?.toLowerCase();
    const matching = bySeverity.filter(
      (row) =>
        row.kind === query.kind &&
        (query.category === undefined || row.category === query.category) &&
        (!query.onlyDrift || row.drift.length > 0) &&
        (!text ||
          row.name.toLowerCase().includes(text) ||
          (row.externalId?.toLowerCase().includes(text) ?? false) ||
          (row.objectId?.toLowerCase().includes(text) ?? false) ||
          row.candidates.some((c) => c.userPrincipalName?.toLowerCase().includes(text) || c.objectId.toLowerCase().includes(text))),
    );
    const page = matching.slice(query.startIndex - 1, query.startIndex - 1 + query.count);
    return { total: matching.length, startIndex: query.startIndex, items: page.map((row) => JSON.parse(JSON.stringify(row)) as ReportRow) };
  }

  exportCsv(reportId: string): { csv: string; rows: number } {
    const { report } = this.requireReport(reportId);
    return { csv: toReportCsv(report), rows: report.rows.length };
  }

  // ---- fix

  preview(input: { reportId: string; approve: ReadonlyArray<string>; include?: ReadonlyArray<string> | undefined }): FixPlanView {
    const { report } = this.requireReport(input.reportId);
    const plan = buildFixPlan(
      report,
      { approveMailOnly: new Set(input.approve), ...(input.include ? { include: new Set(input.include) } : {}) },
      randomUUID(),
      this.core.now().toISOString(),
    );
    this.plans.set(plan.id, { reportId: input.reportId, plan });
    return { ...(JSON.parse(JSON.stringify(plan)) as Omit<FixPlanView, 'reportId'>), reportId: input.reportId };
  }

  async apply(planId: string, actor: string): Promise<FixBatchView> {
    const entry = this.plans.get(planId);
    if (!entry) throw new WorkbenchError('notFound', 'This plan is no longer available (a newer comparison replaced it): preview again');
    const { plan } = entry;
    if (plan.actions.length === 0) throw new WorkbenchError('invalidInput', 'The plan changes nothing');
    try {
      const batch = await this.applyPlan(plan, actor, '');
      this.plans.delete(planId);
      this.core.events.emit('overview.changed', {});
      return toBatchView(batch);
    } catch (error) {
      if (error instanceof StoreConflictError) throw conflict(error, 'Run the comparison again.');
      throw error;
    }
  }

  /**
   * Writes a plan's actions as one fix batch (one transaction, an audit entry per record); throws the
   * store's StoreConflictError when a record changed since the comparison. Shared by the admin API
   * and the command line, which words its own errors.
   */
  async applyPlan(plan: FixPlan, actor: string, origin: string): Promise<FixBatchRecord> {
    const links = plan.actions.filter((a) => a.kind === 'link').length;
    const unlinks = plan.actions.length - links;
    return this.core.store.applyIdentifierChanges(
      {
        id: plan.id,
        actor,
        summary: `${plural(links, 'link')}, ${plural(unlinks, 'unlink')}${origin ? ` (${origin})` : ''}`,
        changes: plan.actions.map((action) => ({
          resourceType: action.resourceType,
          resourceId: action.localId,
          name: action.name,
          before: action.from,
          after: action.to,
          reason: action.reason,
        })),
      },
      this.core.now(),
    );
  }

  async batches(): Promise<FixBatchView[]> {
    return (await this.core.store.listFixBatches(100)).map(toBatchView);
  }

  async undo(batchId: string, actor: string): Promise<FixBatchView> {
    try {
      const batch = await this.core.store.undoFixBatch(batchId, actor, this.core.now());
      this.core.events.emit('overview.changed', {});
      return toBatchView(batch);
    } catch (error) {
      if (error instanceof StoreConflictError) throw conflict(error, '');
      throw error;
    }
  }

  // ---- Entra-side actions

  async jobs() {
    const { sp, service } = await this.application();
    return { servicePrincipalId: sp.id, items: await service.listJobs(sp.id) };
  }

  async restartJob(jobId: string, resetScope: ReadonlyArray<ResetScope>, insist: boolean): Promise<{ resetScope: string }> {
    const { sp, service } = await this.application();
    try {
      return await service.restartJob(sp.id, jobId, resetScope, { insist });
    } catch (error) {
      if (error instanceof ResetScopeRefusedError) throw new WorkbenchError('forbidden', error.message);
      throw error;
    }
  }

  async provisionOnDemand(jobId: string, userObjectId: string) {
    const { sp, service } = await this.application();
    const [ruleId] = await service.listRuleIds(sp.id, jobId);
    if (!ruleId) throw new WorkbenchError('notFound', 'The provisioning job has no synchronization rule to provision with');
    return service.provisionOnDemand(sp.id, jobId, ruleId, userObjectId);
  }

  async provisioningLogs(query: { userObjectId?: string | undefined; localUserId?: string | undefined; top: number }) {
    const { sp, service } = await this.application();
    let objectId = query.userObjectId;
    let localId = query.localUserId;
    if (!objectId && localId) {
      const user = await this.core.store.getResource('User', localId, { withMembers: false, withGroups: false });
      if (!user) throw new WorkbenchError('notFound', `User ${localId} does not exist`);
      const externalId = user.doc['externalId'];
      if (typeof externalId !== 'string') throw new WorkbenchError('invalidInput', 'This user has no Object ID in Entra: link it first');
      objectId = externalId;
    }
    if (objectId && !localId) {
      const linked = await this.core.store.listResources('User', {
        filter: resolveFilter(parseFilter(`externalId eq ${JSON.stringify(objectId)}`), this.core.schemas().User),
        startIndex: 1,
        count: 1,
        sortBy: undefined,
        descending: false,
        withMembers: false,
        withGroups: false,
      });
      localId = linked.resources[0]?.id;
    }
    const items = await service.provisioningLogs({ servicePrincipalId: sp.id, ...(objectId ? { userObjectId: objectId } : {}), top: query.top });
    const local = localId ? await this.core.store.querySyncLog({ resourceId: localId, limit: query.top }) : [];
    return { items, local: local.map(toSyncLogEntry) };
  }

  /**
   * Rotation without downtime: a second token, pushed into the enterprise
   * application, checked against this endpoint over HTTP; the old tokens keep
   * working until the overlap ends, then expire. A failed push revokes the new
   * token again, so nothing half-done is left behind.
   */
  async rotateToken(overlapMinutes: number, lifetimeDays: number, actor: string) {
    const { sp, service } = await this.application();
    const endpoint = this.core.endpoint();
    if (!endpoint) throw new WorkbenchError('unavailable', 'The SCIM endpoint is not listening');
    const issued = await this.core.tokens.issueAdditional(lifetimeDays);
    try {
      await service.pushScimToken(sp.id, endpoint.url, issued.token);
    } catch (error) {
      // Entra still has the old token, which still works: withdraw the new one so nothing is half done.
      await this.core.tokens.revokeOne(issued.record.id);
      throw error;
    }
    const validated = await this.probe(endpoint, issued.token);
    if (!validated) {
      throw new WorkbenchError('unavailable', 'The new token was pushed to Entra but this endpoint did not accept it; both tokens still work');
    }
    const at = new Date(this.core.now().getTime() + overlapMinutes * 60_000);
    if (overlapMinutes === 0) await this.core.tokens.revoke(issued.record.id);
    else await this.core.tokens.retireOthers(issued.record.id, at);
    await this.core.store.appendAudit({
      time: this.core.now().toISOString(),
      actor,
      action: 'rotateToken',
      resourceType: null,
      resourceId: null,
      summary: `Secret token rotated through Graph (${issued.record.hint}) into ${sp.displayName}; the earlier tokens ${overlapMinutes === 0 ? 'revoked' : `expire ${at.toISOString()}`}`,
    });
    this.core.events.emit('overview.changed', {});
    return {
      info: toTokenInfo(issued.record),
      pushedTo: sp.displayName,
      validated,
      oldTokensExpire: overlapMinutes === 0 ? null : at.toISOString(),
    };
  }

  // ---- internals

  private graphOptions() {
    return {
      now: this.core.now,
      log: (event: { method: string; path: string; status: number | 'error'; durationMs: number }) => this.core.logger.debug(event, 'graph request'),
    };
  }

  private async requireConnection(): Promise<GraphConnection> {
    const connection = await this.connection();
    if (!connection) throw new WorkbenchError('unavailable', 'Connect to Microsoft Graph first (tenant ID, client ID and a secret or certificate)', 'notConnected');
    return connection;
  }

  /** The signed-in Graph service for the saved connection (or for `known`, when the caller has just read it). */
  private async service(known?: GraphConnection): Promise<GraphService> {
    const connection = known ?? (await this.requireConnection());
    const key = JSON.stringify(connection);
    if (!this.graph || this.graph.key !== key) {
      const service = GraphService.connect(connection, this.core.secrets, this.graphOptions());
      this.graph = { key, service };
      // A failed sign-in is not cached; a newer connection's service is left alone.
      service.catch(() => {
        if (this.graph?.service === service) this.graph = undefined;
      });
    }
    return this.graph.service;
  }

  /** The enterprise application and the Graph service to act on it, from one read of the connection. */
  private async application(): Promise<{ sp: ServicePrincipalSummary; service: GraphService }> {
    const connection = await this.requireConnection();
    const sp = await this.requireServicePrincipal(connection);
    return { sp, service: await this.service(connection) };
  }

  private async requireServicePrincipal(known?: GraphConnection): Promise<ServicePrincipalSummary> {
    const connection = known ?? (await this.requireConnection());
    if (!connection.appId) throw new WorkbenchError('unavailable', 'Choose the enterprise application that provisions into ScimDesk (its Application ID) in the Graph connection');
    if (this.servicePrincipal?.appId === connection.appId) return this.servicePrincipal.sp;
    const sp = await (await this.service(connection)).resolveServicePrincipal(connection.appId);
    if (!sp) throw new WorkbenchError('notFound', `No enterprise application with Application ID or object ID ${connection.appId} in this tenant`);
    this.servicePrincipal = { appId: connection.appId, sp };
    return sp;
  }

  private requireReport(reportId: string): StoredReport {
    if (!this.latest || this.latest.summary.id !== reportId) {
      throw new WorkbenchError('notFound', 'This report is no longer available (a newer comparison replaced it, or ScimDesk restarted): run the comparison again');
    }
    return this.latest;
  }

  private saveSnapshot(snapshot: EntraSnapshot, label: string): SnapshotSummary {
    mkdirSync(this.snapshotDir, { recursive: true });
    const id = `${snapshot.fetchedAt.replace(/[:.]/g, '-')}-${snapshot.source}`;
    const meta: SnapshotSummary = {
      id,
      fetchedAt: snapshot.fetchedAt,
      source: snapshot.source,
      label,
      users: snapshot.users.length,
      groups: snapshot.groups.length,
      scopeKnown: snapshot.scope !== null,
    };
    writeFileSync(join(this.snapshotDir, `${id}.json.gz`), gzipSync(JSON.stringify(snapshot)), { mode: 0o600 });
    writeFileSync(join(this.snapshotDir, `${id}.meta.json`), JSON.stringify(meta), { mode: 0o600 });
    for (const old of this.snapshots().slice(KEEP_SNAPSHOTS)) {
      rmSync(join(this.snapshotDir, `${old.id}.json.gz`), { force: true });
      rmSync(join(this.snapshotDir, `${old.id}.meta.json`), { force: true });
    }
    return meta;
  }

  private loadSnapshot(id: string): EntraSnapshot {
    if (!/^[\w-]+$/.test(id)) throw new WorkbenchError('invalidInput', `Not a snapshot id: ${id}`);
    const file = join(this.snapshotDir, `${id}.json.gz`);
    if (!existsSync(file)) throw new WorkbenchError('notFound', `No snapshot ${id} (snapshots older than the last ${KEEP_SNAPSHOTS} are removed)`);
    return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as EntraSnapshot;
  }

  /** Test Connection's own request (a filter for a random userName) against the local listener. */
  private probe(endpoint: { host: string; port: number; https: boolean }, token: string): Promise<boolean> {
    const host = endpoint.host === '0.0.0.0' || endpoint.host === '::' ? '127.0.0.1' : endpoint.host;
    const path = `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${randomUUID()}"`)}`;
    const request = endpoint.https ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const req = request(
        // The certificate names the public host, not this loopback address: this check is about the token.
        { host, port: endpoint.port, path, method: 'GET', headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false, timeout: 10_000 },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve(res.statusCode === 200 && body.includes('ListResponse')));
        },
      );
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
  }
}

function toBatchView(batch: FixBatchRecord): FixBatchView {
  return { ...batch, changes: batch.changes.map((change) => ({ ...change })) };
}

function conflict(error: StoreConflictError, advice: string): WorkbenchError {
  const shown = error.conflicts.slice(0, 10).join('; ');
  return new WorkbenchError('conflict', `${error.message}: ${shown}${error.conflicts.length > 10 ? ` (and ${error.conflicts.length - 10} more)` : ''}.${advice ? ` ${advice}` : ''}`);
}
