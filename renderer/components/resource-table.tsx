import {
  Field,
  SearchBox,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
  useArrowNavigationGroup,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import type { ReactNode } from 'react';
import type { ResourceRow } from '../../shared/admin/contract';
import type { ListQuery, SortKey } from '../state/list-query';
import type { Loadable } from '../state/loadable';
import { activatableRow } from './activatable-row';
import { plural } from './format';
import { ErrorBar, Loading } from './load-states';
import { Pager } from './pager';
import { useTableStyles } from './table-styles';
import { useSettledText } from './use-settled-text';

const useStyles = makeStyles({
  toolbar: { display: 'flex', alignItems: 'flex-end', gap: tokens.spacingHorizontalL, flexWrap: 'wrap' },
  search: { minWidth: '320px', flexGrow: 1, maxWidth: '520px' },
  total: { color: tokens.colorNeutralForeground2, display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', minHeight: '32px' },
  tableWrap: { backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium, boxShadow: tokens.shadow2, overflowX: 'auto' },
  row: { cursor: 'pointer' },
  stale: { opacity: 0.6 },
  note: { color: tokens.colorNeutralForeground2 },
});

/** One column: its header, how to draw a cell, and the store's sort key when it can sort. */
export interface ResourceColumn {
  readonly id: string;
  readonly label: string;
  readonly sortKey?: SortKey;
  readonly render: (row: ResourceRow) => ReactNode;
  readonly width?: string;
  /** Keep the cell on one line (GUIDs, dates); other cells wrap anywhere. */
  readonly nowrap?: boolean;
}

interface ResourceTableProps {
  /** "users" or "groups": used in labels ("Search users", "12 users"). */
  readonly noun: string;
  readonly columns: ReadonlyArray<ResourceColumn>;
  readonly query: ListQuery;
  readonly page: Loadable<{ total: number; startIndex: number; items: ResourceRow[] }>;
  readonly selectedId: string | null;
  readonly searchHint: string;
  readonly empty: ReactNode;
  readonly onQuery: (patch: Partial<ListQuery>) => void;
  readonly onReload: () => void;
  readonly onOpen: (row: ResourceRow) => void;
}

/**
 * A server-paged, server-sorted, server-searched table of users or groups:
 * only one page is ever in the browser, so 100,000 records cost what 50 do.
 * Rows open with a click, Enter or Space; arrow keys move between rows.
 */
export function ResourceTable({ noun, columns, query, page, selectedId, searchHint, empty, onQuery, onReload, onOpen }: ResourceTableProps) {
  const styles = useStyles();
  const table = useTableStyles();
  const [search, setSearch] = useSettledText(query.search, (text) => onQuery({ search: text }));
  const arrows = useArrowNavigationGroup({ axis: 'vertical', memorizeCurrent: true });
  // Closing the detail pane returns focus to the row that opened it.
  const restoreFocus = useRestoreFocusTarget();

  const data = page.data;
  const total = data?.total ?? 0;
  const first = data && data.items.length > 0 ? data.startIndex : 0;
  const last = data ? data.startIndex + data.items.length - 1 : 0;

  const sortBy = (key: SortKey) =>
    onQuery({ sortBy: key, sortOrder: query.sortBy === key && query.sortOrder === 'ascending' ? 'descending' : 'ascending' });

  return (
    <>
      <div className={styles.toolbar}>
        <Field label={`Search ${noun}`} hint={searchHint} className={styles.search}>
          <SearchBox value={search} onChange={(_, d) => setSearch(d.value)} placeholder="Type to search" />
        </Field>
        <div className={styles.total} role="status" aria-live="polite">
          {page.status === 'loading' && <Spinner size="tiny" aria-label={`Loading ${noun}`} />}
          {data && (
            <Text data-testid="total-count">
              {plural(total, noun.replace(/s$/, ''), noun)}
              {query.search ? ` matching “${query.search}”` : ''}
            </Text>
          )}
        </div>
      </div>

      {page.error && <ErrorBar error={page.error} title={`Could not load the ${noun}`} onRetry={onReload} />}
      {!data && page.status !== 'error' && <Loading label={`Loading ${noun}…`} />}
      {data && data.items.length === 0 && page.status !== 'loading' && empty}
      {data && data.items.length > 0 && (
        <div className={styles.tableWrap}>
          <Table sortable aria-label={noun.charAt(0).toUpperCase() + noun.slice(1)} className={mergeClasses(table.auto, page.status === 'loading' ? styles.stale : undefined)}>
            <TableHeader>
              <TableRow>
                {columns.map((column) => (
                  <TableHeaderCell
                    key={column.id}
                    style={column.width ? { width: column.width } : undefined}
                    sortable={column.sortKey !== undefined}
                    sortDirection={column.sortKey !== undefined && query.sortBy === column.sortKey ? query.sortOrder : undefined}
                    onClick={column.sortKey !== undefined ? () => sortBy(column.sortKey as SortKey) : undefined}
                  >
                    {column.label}
                  </TableHeaderCell>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody {...arrows}>
              {data.items.map((row) => (
                <TableRow
                  key={row.id}
                  {...restoreFocus}
                  className={styles.row}
                  appearance={row.id === selectedId ? 'brand' : 'none'}
                  aria-label={`${row.name}${row.displayName && row.displayName !== row.name ? `, ${row.displayName}` : ''}`}
                  {...activatableRow(() => onOpen(row))}
                >
                  {columns.map((column) => (
                    <TableCell key={column.id} className={column.nowrap ? table.nowrap : table.wrap}>
                      {column.render(row)}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}

      {data && total > 0 && (
        <Pager
          label={`Pages of ${noun}`}
          sizeLabelId={`${noun}-page-size`}
          startIndex={query.startIndex}
          count={query.count}
          first={first}
          last={last}
          total={total}
          loading={page.status === 'loading'}
          onQuery={onQuery}
        />
      )}
      <Text size={200} className={styles.note}>
        Only the shown page is loaded: search and sorting run in ScimDesk's database, so large directories stay fast.
      </Text>
    </>
  );
}
