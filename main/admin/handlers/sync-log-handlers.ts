import type { SyncLogEntry } from '../../../shared/admin/contract';
import { CSV_EOL, csvCell } from '../../../shared/csv';
import type { AuditStore, SyncLogQuery, SyncLogStore } from '../../store/directory-store';
import { AdminApiError } from '../admin-error';
import { toSyncLogEntry } from '../admin-views';
import type { Handlers } from './handler-types';
import { toAuditEntry } from './resource-handlers';

export interface SyncLogDeps {
  readonly store: Pick<SyncLogStore, 'querySyncLog' | 'getSyncLogEntry'> & Pick<AuditStore, 'listAudit'>;
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
  // A refused request's row may stand for many from one address: how many, and the last one's time.
  'count',
  'lastTime',
];

/** Only the filters the admin set: the store reads an absent key as "any". */
function syncLogQuery(input: Omit<SyncLogQuery, 'limit'>): Omit<SyncLogQuery, 'limit'> {
  const query: { -readonly [K in keyof SyncLogQuery]?: SyncLogQuery[K] } = {};
  for (const key of ['since', 'until', 'operation', 'outcome', 'text', 'resourceId', 'client', 'beforeSeq'] as const) {
    if (input[key] !== undefined) (query as Record<string, unknown>)[key] = input[key];
  }
  return query;
}

/** The sync log (filters, a cursor for paging, one request's detail, CSV export) and the audit trail. */
export function createSyncLogHandlers(deps: SyncLogDeps): Handlers<'syncLog.query' | 'syncLog.entry' | 'syncLog.exportCsv' | 'audit.list'> {
  const { store } = deps;
  return {
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
      return { csv: lines.join(CSV_EOL) + CSV_EOL, rows, truncated: more };
    },

    async 'audit.list'(input) {
      const items = await store.listAudit({ ...(input.beforeSeq !== undefined ? { beforeSeq: input.beforeSeq } : {}), limit: input.limit });
      return { items: items.map(toAuditEntry) };
    },
  };
}
