import type { CompareSession } from '../entra/compare-session';
import type { Handlers } from './handler-types';

type CompareMethods = 'compare.run' | 'compare.latest' | 'compare.rows' | 'compare.exportCsv' | 'fix.preview' | 'fix.apply' | 'fix.batches' | 'fix.undo';

/** Compare (no Graph call: a snapshot against the local records) and Fix (preview, apply in one transaction, undo). */
export function createCompareHandlers(session: CompareSession): Handlers<CompareMethods> {
  return {
    'compare.run': (input) => session.compare(input.snapshotId),
    async 'compare.latest'() {
      return session.latestReport();
    },
    async 'compare.rows'(input) {
      return session.rows(input);
    },
    async 'compare.exportCsv'(input) {
      return session.exportCsv(input.reportId);
    },

    async 'fix.preview'(input) {
      return session.preview(input);
    },
    'fix.apply': (input, context) => session.apply(input.planId, context.actor),
    async 'fix.batches'() {
      return { items: await session.batches() };
    },
    'fix.undo': (input, context) => session.undo(input.batchId, context.actor),
  };
}
