import type { MethodInput, MethodOutput } from '../../shared/admin/contract';
import type { Category } from '../../shared/admin/entra-schemas';
import { call, toAdminCallError, type AdminCallError } from '../api/client';
import { createLatest, idle, loadInto, ready, type Loadable } from './loadable';
import type { SliceCreator } from './slice-creator';

export type ReportSummary = NonNullable<MethodOutput<'compare.latest'>>;
export type ReportRow = MethodOutput<'compare.rows'>['items'][number];
export type ReportKind = ReportRow['kind'];

/** The report table's filters and page, as the screen shows them. */
interface ReportQuery {
  readonly kind: ReportKind;
  readonly category: Category | 'all';
  readonly search: string;
  readonly onlyDrift: boolean;
  readonly startIndex: number;
  readonly count: number;
}

interface CompareState {
  /** The report shown: compare.latest on load, then each compare.run. null data = no comparison yet. */
  readonly report: Loadable<ReportSummary | null>;
  /** A comparison being run (kept apart so the last report stays on screen meanwhile). */
  readonly running: boolean;
  readonly runError: AdminCallError | null;
  readonly query: ReportQuery;
  readonly rows: Loadable<MethodOutput<'compare.rows'>>;
  /** The row whose side-by-side detail is open (rows have no id of their own: the row itself). */
  readonly selected: ReportRow | null;
}

export interface CompareSlice {
  readonly compare: CompareState;
  loadLatestReport(): Promise<void>;
  /** Compares the local records with a snapshot; the report and its first page replace the old ones. */
  runCompare(snapshotId: string): Promise<void>;
  loadReportRows(): Promise<void>;
  /** A new kind, category, search or drift filter starts again at the first page. */
  setReportQuery(patch: Partial<ReportQuery>): Promise<void>;
  selectReportRow(row: ReportRow | null): void;
  /** The report as CSV; throws AdminCallError. */
  exportReportCsv(): Promise<MethodOutput<'compare.exportCsv'>>;
}

const initialReportQuery: ReportQuery = { kind: 'User', category: 'all', search: '', onlyDrift: false, startIndex: 1, count: 25 };

const initialCompare: CompareState = {
  report: idle(),
  running: false,
  runError: null,
  query: initialReportQuery,
  rows: idle(),
  selected: null,
};

function toRowsInput(reportId: string, query: ReportQuery): MethodInput<'compare.rows'> {
  const search = query.search.trim();
  return {
    reportId,
    kind: query.kind,
    onlyDrift: query.onlyDrift,
    startIndex: query.startIndex,
    count: query.count,
    ...(query.category !== 'all' ? { category: query.category } : {}),
    ...(search ? { search } : {}),
  };
}

const latestRows = createLatest();

/** What the comparison uses of the fix slice, by shape: fix-slice reads the report, so importing it here would cycle. */
interface CompareUses {
  /** A new report makes any previewed plan stale. */
  resetFixPlan(): void;
}

export const createCompareSlice: SliceCreator<CompareSlice, CompareUses> = (set, get) => {
  const update = (patch: Partial<CompareState>) => set((state) => ({ compare: { ...state.compare, ...patch } }));
  return {
    compare: initialCompare,
    async loadLatestReport() {
      const report = await loadInto(() => get().compare.report, (next) => update({ report: next }), () => call('compare.latest', {}));
      if (report) await get().loadReportRows();
    },
    async runCompare(snapshotId) {
      update({ running: true, runError: null });
      try {
        const report = await call('compare.run', { snapshotId });
        update({ report: ready(report), running: false, selected: null, query: { ...get().compare.query, startIndex: 1 } });
        // A new report makes any previewed plan stale (the core forgets its plans too).
        get().resetFixPlan();
        await get().loadReportRows();
      } catch (error) {
        update({ running: false, runError: toAdminCallError(error) });
      }
    },
    async loadReportRows() {
      const report = get().compare.report.data;
      if (!report) return;
      await loadInto(() => get().compare.rows, (rows) => update({ rows }), () => call('compare.rows', toRowsInput(report.id, get().compare.query)), latestRows);
    },
    async setReportQuery(patch) {
      const query = { ...get().compare.query, ...patch };
      const restart = patch.startIndex === undefined;
      update({ query: restart ? { ...query, startIndex: 1 } : query });
      await get().loadReportRows();
    },
    selectReportRow(row) {
      update({ selected: row });
    },
    exportReportCsv() {
      const report = get().compare.report.data;
      if (!report) return Promise.reject(toAdminCallError(new Error('Run a comparison first')));
      return call('compare.exportCsv', { reportId: report.id });
    },
  };
};
