import { ExportRefusal, type ExportService } from '../../exports/export-service';
import { AdminApiError } from '../admin-error';
import { AdminInputError } from '../dispatch';
import type { Audit, Handlers } from './handler-types';

export interface ExportHandlerDeps {
  readonly exports: Pick<ExportService, 'list' | 'columns' | 'save' | 'remove' | 'runNow' | 'runs'>;
  readonly audit: Audit;
}

/** The export service's refusals as the contract's errors: a field's problem goes back on that field of the form. */
async function answer<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ExportRefusal)) throw error;
    if (error.kind === 'invalidInput' && error.field !== undefined) throw new AdminInputError([{ path: error.field, message: error.message }]);
    throw new AdminApiError(error.kind, error.message);
  }
}

/** Scheduled exports: the schedules, their runs, and a run now. */
export function createExportHandlers(deps: ExportHandlerDeps): Handlers<'exports.list' | 'exports.save' | 'exports.remove' | 'exports.runNow' | 'exports.runs'> {
  const { exports, audit } = deps;
  return {
    'exports.list': async () => ({ items: exports.list(), columns: exports.columns() }),
    'exports.save': (input, context) =>
      answer(async () => {
        const view = await exports.save(input);
        const { lastRun: _lastRun, nextRunAt: _nextRunAt, progress: _progress, ...schedule } = view;
        await audit(context, 'saveExport', `Export schedule "${view.name}" ${input.id === undefined ? 'added' : 'changed'}: ${view.kinds.join(', ')} as ${view.format.toUpperCase()} to ${view.folder}`, { after: schedule });
        return view;
      }),
    'exports.remove': (input, context) =>
      answer(async () => {
        const name = exports.list().find((s) => s.id === input.id)?.name;
        const removed = await exports.remove(input.id);
        if (removed) await audit(context, 'removeExport', `Export schedule "${name ?? input.id}" removed (its files stay)`);
        return { removed };
      }),
    'exports.runNow': (input) => answer(() => exports.runNow(input.id)),
    'exports.runs': (input) => answer(() => ({ items: exports.runs(input.id) })),
  };
}
