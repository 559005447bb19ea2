import type { MethodInput } from '../../shared/admin/contract';

type ListInput = MethodInput<'users.list'>;

/** The columns the store can sort users and groups by. */
export type SortKey = NonNullable<ListInput['sortBy']>;
type SortOrder = NonNullable<ListInput['sortOrder']>;

/** One page request of users or groups, as the table shows it. */
export interface ListQuery {
  readonly search: string;
  readonly sortBy: SortKey;
  readonly sortOrder: SortOrder;
  readonly startIndex: number;
  readonly count: number;
}

export const initialListQuery: ListQuery = { search: '', sortBy: 'name', sortOrder: 'ascending', startIndex: 1, count: 50 };

/** The next query after a change: a new search, sort or page size starts again at the first page. */
export function nextListQuery(query: ListQuery, patch: Partial<ListQuery>): ListQuery {
  const next = { ...query, ...patch };
  const restart = patch.search !== undefined || patch.sortBy !== undefined || patch.sortOrder !== undefined || patch.count !== undefined;
  return restart && patch.startIndex === undefined ? { ...next, startIndex: 1 } : next;
}

export function toListInput(query: ListQuery): ListInput {
  const search = query.search.trim();
  return {
    startIndex: query.startIndex,
    count: query.count,
    sortBy: query.sortBy,
    sortOrder: query.sortOrder,
    ...(search ? { search } : {}),
  };
}
