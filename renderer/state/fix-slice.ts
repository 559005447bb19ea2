import type { MethodOutput } from '../../shared/admin/contract';
import { call, toAdminCallError, type AdminCallError } from '../api/client';
import type { CompareSlice } from './compare-slice';
import { failed, idle, loadInto, loading, ready, type Loadable } from './loadable';
import type { SliceCreator } from './slice-creator';

export type FixPlan = MethodOutput<'fix.preview'>;
export type FixBatch = MethodOutput<'fix.apply'>;

/** A record the admin chose to fix on its own (from the report's detail pane). */
interface FixTarget {
  readonly localId: string;
  readonly name: string;
}

/** What the last Apply did: a batch, or nothing at all (all or nothing) and why. */
type FixOutcome = { readonly kind: 'applied'; readonly batch: FixBatch } | { readonly kind: 'failed'; readonly error: AdminCallError } | null;

interface FixState {
  readonly plan: Loadable<FixPlan>;
  /** The records the plan covers: null = every row the comparison can propose a fix for. */
  readonly include: ReadonlyArray<FixTarget> | null;
  /** localIds whose medium/low-confidence link (mail alone, alias) the admin approved. */
  readonly approvals: ReadonlyArray<string>;
  /** The approvals the shown plan was built with: Apply waits for a new preview when they differ. */
  readonly planApprovals: ReadonlyArray<string>;
  readonly outcome: FixOutcome;
  readonly batches: Loadable<ReadonlyArray<FixBatch>>;
}

export interface FixSlice {
  readonly fix: FixState;
  /** Builds the plan; `include` undefined keeps the current choice, null = every proposable row. */
  previewFix(include?: ReadonlyArray<FixTarget> | null): Promise<void>;
  setFixApproval(localId: string, approved: boolean): void;
  /** Applies the shown plan; never throws: the outcome (batch, or why nothing changed) lands in `fix.outcome`. */
  applyFix(): Promise<void>;
  /** Forgets the plan (a new comparison replaced the report it came from). */
  resetFixPlan(): void;
  loadFixBatches(): Promise<void>;
  /** Reverts a whole batch; throws AdminCallError (conflict when a record changed since). */
  undoFixBatch(batchId: string): Promise<FixBatch>;
}

const initialFix: FixState = { plan: idle(), include: null, approvals: [], planApprovals: [], outcome: null, batches: idle() };

/** Whether two approval lists hold the same localIds. */
export function sameApprovals(a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}

export const createFixSlice: SliceCreator<FixSlice, Pick<CompareSlice, 'compare'>> = (set, get) => {
  const update = (patch: Partial<FixState>) => set((state) => ({ fix: { ...state.fix, ...patch } }));
  return {
    fix: initialFix,
    async previewFix(include) {
      const report = get().compare.report.data;
      if (!report) return;
      const targets = include === undefined ? get().fix.include : include;
      const approvals = get().fix.approvals;
      update({ plan: loading(get().fix.plan), include: targets, outcome: null });
      try {
        const plan = await call('fix.preview', {
          reportId: report.id,
          approve: [...approvals],
          ...(targets !== null ? { include: targets.map((target) => target.localId) } : {}),
        });
        update({ plan: ready(plan), planApprovals: approvals });
      } catch (error) {
        update({ plan: failed(get().fix.plan, error) });
      }
    },
    setFixApproval(localId, approved) {
      const approvals = get().fix.approvals.filter((id) => id !== localId);
      update({ approvals: approved ? [...approvals, localId] : approvals });
    },
    async applyFix() {
      const plan = get().fix.plan.data;
      if (!plan) return;
      try {
        const batch = await call('fix.apply', { planId: plan.id });
        update({ plan: idle(), outcome: { kind: 'applied', batch }, approvals: [], planApprovals: [], include: null });
        await get().loadFixBatches();
      } catch (error) {
        const failure = toAdminCallError(error);
        // A conflict or a vanished plan means this plan can never apply: it goes, the reason stays on screen.
        const dead = failure.code === 'conflict' || failure.code === 'notFound';
        update({ outcome: { kind: 'failed', error: failure }, ...(dead ? { plan: idle<FixPlan>() } : {}) });
      }
    },
    resetFixPlan() {
      update({ plan: idle(), outcome: null, approvals: [], planApprovals: [], include: null });
    },
    async loadFixBatches() {
      await loadInto(() => get().fix.batches, (batches) => update({ batches }), async () => (await call('fix.batches', {})).items);
    },
    async undoFixBatch(batchId) {
      const batch = await call('fix.undo', { batchId });
      const outcome = get().fix.outcome;
      // "Applied N changes" would now be untrue.
      if (outcome?.kind === 'applied' && outcome.batch.id === batchId) update({ outcome: null });
      await get().loadFixBatches();
      return batch;
    },
  };
};
