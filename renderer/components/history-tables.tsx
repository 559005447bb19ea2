import { Text, makeStyles, tokens } from '@fluentui/react-components';
import type { AuditEntry, SyncLogEntry } from '../../shared/admin/contract';
import { DataTable, type DataColumn } from './data-table';
import { formatDuration, formatEventTime, operationLabel } from './format';
import { EmptyState } from './load-states';
import { StatusBadge } from './status-badge';

const useStyles = makeStyles({
  error: { color: tokens.colorPaletteRedForeground1 },
  path: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, wordBreak: 'break-all' },
  nowrap: { whiteSpace: 'nowrap' },
});

/** Log entries, newest first: when, then the given columns. */
function EntryTable<T extends { readonly seq: number; readonly time: string }>({ entries, label, columns }: { readonly entries: ReadonlyArray<T>; readonly label: string; readonly columns: ReadonlyArray<DataColumn<T>> }) {
  const styles = useStyles();
  return (
    <DataTable
      label={label}
      rows={entries}
      rowKey={(entry) => entry.seq}
      columns={[{ header: 'Time', className: styles.nowrap, render: (entry) => formatEventTime(entry.time) }, ...columns]}
    />
  );
}

/** The SCIM requests that touched one record, newest first. */
export function SyncHistoryTable({ entries, label }: { readonly entries: ReadonlyArray<SyncLogEntry>; readonly label: string }) {
  const styles = useStyles();
  if (entries.length === 0) {
    return <EmptyState title="No requests recorded">Entra's requests about this record appear here (as long as the sync log keeps them).</EmptyState>;
  }
  return (
    <EntryTable
      label={label}
      entries={entries}
      columns={[
        { header: 'Operation', render: (entry) => operationLabel(entry.operation) },
        { header: 'Status', render: (entry) => <StatusBadge status={entry.status} /> },
        {
          header: 'Request',
          render: (entry) => (
            <>
              <Text className={styles.path} block>
                {entry.method} {entry.path} · {formatDuration(entry.durationMs)}
              </Text>
              {entry.error && (
                <Text className={styles.error} size={200} block>
                  {entry.scimType ? `${entry.scimType}: ` : ''}
                  {entry.error}
                </Text>
              )}
            </>
          ),
        },
      ]}
    />
  );
}

/** Changes administrators made to one record, newest first. */
export function AuditTable({ entries, label }: { readonly entries: ReadonlyArray<AuditEntry>; readonly label: string }) {
  if (entries.length === 0) {
    return <EmptyState title="No administrator changes">Edits made in ScimDesk (such as a corrected Object ID) are recorded here.</EmptyState>;
  }
  return (
    <EntryTable
      label={label}
      entries={entries}
      columns={[
        { header: 'Who', render: (entry) => entry.actor },
        { header: 'Change', render: (entry) => entry.summary },
      ]}
    />
  );
}
