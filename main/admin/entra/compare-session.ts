import { randomUUID } from 'node:crypto';
import type { FixBatchView, FixPlanView, ReportRow, ReportSummary } from '../../../shared/admin/entra-schemas';
import { plural } from '../../../shared/plural';
import type { AdminEventBus } from '../../lib/event-bus';
import { compareDirectories, type CompareReport } from '../../reconcile/compare';
import { buildFixPlan, type FixPlan } from '../../reconcile/fix-plan';
import { toReportCsv } from '../../reconcile/report-csv';
import type { FixBatchRecord, FixStore } from '../../store/directory-store';
import { StoreConflictError } from '../../store/store-errors';
import { AdminApiError } from '../admin-error';
import type { SnapshotFiles } from './snapshot-files';

interface StoredReport {
  readonly summary: ReportSummary;
  readonly report: CompareReport;
  /** The rows with the problems first, so an unfiltered first page shows what needs attention. */
  readonly bySeverity: ReadonlyArray<ReportRow>;
}

const SEVERITY: Readonly<Record<string, number>> = { mismatch: 0, duplicate: 1, unlinked: 2, orphan: 3, notProvisioned: 4, linked: 5 };

const rowKey = (row: ReportRow) => `${row.kind}:${row.localId ?? 'entra:' + row.objectId}`;

export interface RowQuery {
  readonly reportId: string;
  readonly kind: 'User' | 'Group';
  readonly category?: string | undefined;
  readonly search?: string | undefined;
  readonly onlyDrift: boolean;
  readonly startIndex: number;
  readonly count: number;
}

/**
 * The comparison and its fixes: the latest report and the plans previewed from it, in memory (a
 * restart or a newer comparison replaces them), and the fix batches, in the store, applied in one
 * transaction and undone as a whole.
 */
export class CompareSession {
  private latest: StoredReport | undefined;
  private readonly plans = new Map<string, { reportId: string; plan: FixPlan }>();

  constructor(
    private readonly deps: {
      readonly files: Pick<SnapshotFiles, 'load'>;
      readonly fixes: Pick<FixStore, 'localSnapshot' | 'applyIdentifierChanges' | 'listFixBatches' | 'undoFixBatch'>;
      readonly events: Pick<AdminEventBus, 'emit'>;
      readonly now: () => Date;
    },
  ) {}

  async compare(snapshotId: string): Promise<ReportSummary> {
    const entra = this.deps.files.load(snapshotId);
    const now = this.deps.now();
    const local = await this.deps.fixes.localSnapshot(now);
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

  rows(query: RowQuery): { total: number; startIndex: number; items: ReportRow[] } {
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

  preview(input: { reportId: string; approve: ReadonlyArray<string>; include?: ReadonlyArray<string> | undefined }): FixPlanView {
    const { report } = this.requireReport(input.reportId);
    const plan = buildFixPlan(
      report,
      { approveMailOnly: new Set(input.approve), ...(input.include ? { include: new Set(input.include) } : {}) },
      randomUUID(),
      this.deps.now().toISOString(),
    );
    this.plans.set(plan.id, { reportId: input.reportId, plan });
    return { ...(JSON.parse(JSON.stringify(plan)) as Omit<FixPlanView, 'reportId'>), reportId: input.reportId };
  }

  async apply(planId: string, actor: string): Promise<FixBatchView> {
    const entry = this.plans.get(planId);
    if (!entry) throw new AdminApiError('notFound', 'This plan is no longer available (a newer comparison replaced it): preview again');
    const { plan } = entry;
    if (plan.actions.length === 0) throw new AdminApiError('invalidInput', 'The plan changes nothing');
    try {
      const batch = await this.applyPlan(plan, actor, '');
      this.plans.delete(planId);
      this.deps.events.emit('overview.changed', {});
      return toBatchView(batch);
    } catch (error) {
      if (error instanceof StoreConflictError) throw conflict(error, 'Run the comparison again.');
      throw error;
    }
  }

  /**
   * Writes a plan's actions as one fix batch (one transaction, an audit entry per record); throws the
   * store's StoreConflictError when a record changed since the comparison. Shared by the admin API
   * and the command line (a plan built from a report file), which words its own errors.
   */
  async applyPlan(plan: FixPlan, actor: string, origin: string): Promise<FixBatchRecord> {
    const links = plan.actions.filter((a) => a.kind === 'link').length;
    const unlinks = plan.actions.length - links;
    return this.deps.fixes.applyIdentifierChanges(
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
      this.deps.now(),
    );
  }

  async batches(): Promise<FixBatchView[]> {
    return (await this.deps.fixes.listFixBatches(100)).map(toBatchView);
  }

  async undo(batchId: string, actor: string): Promise<FixBatchView> {
    try {
      const batch = await this.deps.fixes.undoFixBatch(batchId, actor, this.deps.now());
      this.deps.events.emit('overview.changed', {});
      return toBatchView(batch);
    } catch (error) {
      if (error instanceof StoreConflictError) throw conflict(error, '');
      throw error;
    }
  }

  private requireReport(reportId: string): StoredReport {
    if (!this.latest || this.latest.summary.id !== reportId) {
      throw new AdminApiError('notFound', 'This report is no longer available (a newer comparison replaced it, or ScimDesk restarted): run the comparison again');
    }
    return this.latest;
  }
}

function toBatchView(batch: FixBatchRecord): FixBatchView {
  return { ...batch, changes: batch.changes.map((change) => ({ ...change })) };
}

/** A store conflict as the admin sees it: what changed, the first ten records, and what to do. */
function conflict(error: StoreConflictError, advice: string): AdminApiError {
  const shown = error.conflicts.slice(0, 10).join('; ');
  return new AdminApiError('conflict', `${error.message}: ${shown}${error.conflicts.length > 10 ? ` (and ${error.conflicts.length - 10} more)` : ''}.${advice ? ` ${advice}` : ''}`);
}
