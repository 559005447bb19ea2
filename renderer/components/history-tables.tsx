import { Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, makeStyles, tokens } from '@fluentui/react-components';
import type { AuditEntry, SyncLogEntry } from '../../shared/admin/contract';
import { formatDuration, formatEventTime, operationLabel } from './format';
import { useTableStyles } from './table-styles';
import { EmptyState } from './load-states';
import { StatusBadge } from './status-badge';

const useStyles = makeStyles({
  error: { color: tokens.colorPaletteRedForeground1 },
  path: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, wordBreak: 'break-all' },
  nowrap: { whiteSpace: 'nowrap' },
});

/** The SCIM requests that touched one record, newest first. */
export function SyncHistoryTable({ entries, label }: { readonly entries: ReadonlyArray<SyncLogEntry>; readonly label: string }) {
  const styles = useStyles();
  const table = useTableStyles();
  if (entries.length === 0) {
    return <EmptyState title="No requests recorded">Entra's requests about this record appear here (as long as the sync log keeps them).</EmptyState>;
  }
  return (
    <Table size="small" aria-label={label} className={table.auto}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Time</TableHeaderCell>
          <TableHeaderCell>Operation</TableHeaderCell>
          <TableHeaderCell>Status</TableHeaderCell>
          <TableHeaderCell>Request</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {entries.map((entry) => (
          <TableRow key={entry.seq}>
            <TableCell className={styles.nowrap}>{formatEventTime(entry.time)}</TableCell>
            <TableCell>{operationLabel(entry.operation)}</TableCell>
            <TableCell>
              <StatusBadge status={entry.status} />
            </TableCell>
            <TableCell>
              <Text className={styles.path} block>
                {entry.method} {entry.path} · {formatDuration(entry.durationMs)}
              </Text>
              {entry.error && (
                <Text className={styles.error} size={200} block>
                  {entry.scimType ? `${entry.scimType}: ` : ''}
                  {entry.error}
                </Text>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Changes administrators made to one record, newest first. */
export function AuditTable({ entries, label }: { readonly entries: ReadonlyArray<AuditEntry>; readonly label: string }) {
  const styles = useStyles();
  const table = useTableStyles();
  if (entries.length === 0) {
    return <EmptyState title="No administrator changes">Edits made in ScimDesk (such as a corrected Object ID) are recorded here.</EmptyState>;
  }
  return (
    <Table size="small" aria-label={label} className={table.auto}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Time</TableHeaderCell>
          <TableHeaderCell>Who</TableHeaderCell>
          <TableHeaderCell>Change</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {entries.map((entry) => (
          <TableRow key={entry.seq}>
            <TableCell className={styles.nowrap}>{formatEventTime(entry.time)}</TableCell>
            <TableCell>{entry.actor}</TableCell>
            <TableCell>{entry.summary}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
