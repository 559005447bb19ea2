import { Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, type TableProps } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { useTableStyles } from './table-styles';

/** One column of a DataTable: its header, how to draw its cell of a row, and that cell's class. */
export interface DataColumn<T> {
  /** The header cell's content (a visually hidden name for a column of buttons). */
  readonly header: ReactNode;
  readonly render: (row: T, index: number) => ReactNode;
  /** Each body cell's class (nowrap, wrap, monospace). */
  readonly className?: string;
}

interface DataTableProps<T> {
  readonly rows: ReadonlyArray<T>;
  readonly columns: ReadonlyArray<DataColumn<T>>;
  readonly rowKey: (row: T, index: number) => string | number;
  /** A row's accessible name, where its first cell alone does not say enough. */
  readonly rowLabel?: (row: T) => string;
  /** The table's accessible name; or `labelledBy`, the id of the text that names it. */
  readonly label?: string;
  readonly labelledBy?: string;
  readonly size?: TableProps['size'];
  /** `auto` sizes the columns to their content (the default); `fixed` gives them equal widths. */
  readonly layout?: 'auto' | 'fixed';
  readonly className?: string;
}

/** A table's header row, a cell per column name (a visually hidden name for a column of buttons). */
export function TableHead({ headers }: { readonly headers: ReadonlyArray<ReactNode> }) {
  return (
    <TableHeader>
      <TableRow>
        {headers.map((header, index) => (
          <TableHeaderCell key={index}>{header}</TableHeaderCell>
        ))}
      </TableRow>
    </TableHeader>
  );
}

/** A read-only table: a header row, then one row per item, a cell per column. */
export function DataTable<T>({ rows, columns, rowKey, rowLabel, label, labelledBy, size = 'small', layout = 'auto', className }: DataTableProps<T>) {
  const table = useTableStyles();
  return (
    <Table size={size} aria-label={label} aria-labelledby={labelledBy} className={className ?? (layout === 'auto' ? table.auto : undefined)}>
      <TableHead headers={columns.map((column) => column.header)} />
      <TableBody>
        {rows.map((row, index) => (
          <TableRow key={rowKey(row, index)} aria-label={rowLabel?.(row)}>
            {columns.map((column, at) => (
              <TableCell key={at} className={column.className}>
                {column.render(row, index)}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
