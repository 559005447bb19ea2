import { SyncLogFilter } from '../../shared/admin/contract';

/**
 * The Sync log screen's filters a link may set (the screen's SyncLogView, stated here without the slice,
 * so this file needs neither the store nor the DOM).
 */
export interface SyncLogLinkFilter {
  range?: 'hour' | 'day' | 'week' | 'all';
  outcome?: NonNullable<SyncLogFilter['outcome']> | 'all';
  client?: NonNullable<SyncLogFilter['client']> | 'all';
  operation?: NonNullable<SyncLogFilter['operation']> | 'all';
  text?: string;
}

type Values<K extends keyof SyncLogLinkFilter> = ReadonlyArray<NonNullable<SyncLogLinkFilter[K]>>;

const RANGES: Values<'range'> = ['hour', 'day', 'week', 'all'];
// The contract's own values, plus the screen's "all".
const OUTCOMES: Values<'outcome'> = ['all', ...SyncLogFilter.shape.outcome.unwrap().options];
const CLIENTS: Values<'client'> = ['all', ...SyncLogFilter.shape.client.unwrap().options];
const OPERATIONS: Values<'operation'> = ['all', ...SyncLogFilter.shape.operation.unwrap().options];

function oneOf<T extends string>(values: ReadonlyArray<T>, raw: string | null): T | undefined {
  return raw !== null && (values as ReadonlyArray<string>).includes(raw) ? (raw as T) : undefined;
}

/**
 * The Sync log's filters named by a link to it, `#/sync-log?outcome=error&client=entra&range=day` (the
 * desktop app's error notification opens one), or undefined for any other hash. Unknown names and values
 * are ignored, so a link can only narrow the list, never break the screen.
 */
export function syncLogFilterFromHash(hash: string): SyncLogLinkFilter | undefined {
  const match = /^#\/?sync-log\?(.*)$/.exec(hash);
  if (!match) return undefined;
  const query = new URLSearchParams(match[1]);
  const filter: SyncLogLinkFilter = {};
  const range = oneOf(RANGES, query.get('range'));
  const outcome = oneOf(OUTCOMES, query.get('outcome'));
  const client = oneOf(CLIENTS, query.get('client'));
  const operation = oneOf(OPERATIONS, query.get('operation'));
  const text = query.get('text');
  if (range) filter.range = range;
  if (outcome) filter.outcome = outcome;
  if (client) filter.client = client;
  if (operation) filter.operation = operation;
  if (text !== null) filter.text = text.slice(0, 256);
  return filter;
}
