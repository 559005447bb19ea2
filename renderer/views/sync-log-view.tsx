import {
  Badge,
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Select,
  Spinner,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
  useArrowNavigationGroup,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular, DocumentBulletListRegular } from '@fluentui/react-icons';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { activatableRow } from '../components/activatable-row';
import { TableHead } from '../components/data-table';
import { ExportCsvButton } from '../components/export-csv-button';
import { OPERATION_LABELS, formatDateTime, formatDuration, formatEventTime, operationLabel, plural } from '../components/format';
import { EmptyState, ErrorBar, Loading } from '../components/load-states';
import { Page } from '../components/page';
import { StatusBadge } from '../components/status-badge';
import { useTableStyles } from '../components/table-styles';
import { useSettledText } from '../components/use-settled-text';
import { useAppStore } from '../state/store';
import {
  initialSyncLogFilter,
  isFromEntra,
  type SyncClient,
  type SyncLogView as Filter,
  type SyncOperation,
  type SyncOutcome,
  type TimeRange,
} from '../state/sync-log-slice';
import { EntryDrawer, repeatedText, who } from './sync-log-entry';
const useStyles = makeStyles({
  filters: {
    display: 'flex',
    alignItems: 'flex-end',
    gap: tokens.spacingHorizontalM,
    flexWrap: 'wrap',
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow2,
  },
  select: { minWidth: '160px' },
  text: { minWidth: '260px', flexGrow: 1, maxWidth: '420px' },
  spacer: { flexGrow: 1 },
  tableWrap: { backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium, boxShadow: tokens.shadow2, overflowX: 'auto' },
  row: { cursor: 'pointer' },
  nowrap: { whiteSpace: 'nowrap' },
  /**
   * A user name, email or id stays on one line (the column grows to hold it); a display name wraps
   * between its words. `anywhere` let the auto layout squeeze the column until names broke mid-word.
   */
  who: { overflowWrap: 'break-word' },
  token: { whiteSpace: 'nowrap' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, wordBreak: 'break-all' },
  error: { color: tokens.colorPaletteRedForeground1 },
  muted: { color: tokens.colorNeutralForeground2 },
  more: { display: 'flex', justifyContent: 'center', gap: tokens.spacingHorizontalM, alignItems: 'center' },
});

const RANGES: ReadonlyArray<[TimeRange, string]> = [
  ['hour', 'Last hour'],
  ['day', 'Last 24 hours'],
  ['week', 'Last 7 days'],
  ['all', 'All time'],
];

const CLIENTS: ReadonlyArray<[SyncClient | 'all', string]> = [
  ['all', 'Any client'],
  ['entra', 'Entra (ADSCIMVersion header)'],
  ['other', 'Other clients'],
];

const OUTCOMES: ReadonlyArray<[SyncOutcome | 'all', string]> = [
  ['all', 'Any outcome'],
  ['success', 'Success'],
  ['error', 'Any error (4xx or 5xx)'],
  ['clientError', 'Client error (4xx)'],
  ['serverError', 'Server error (5xx)'],
];

/** Whether the filters show what a first visit shows (a link from the Overview may have narrowed them). */
function isDefaultFilter(filter: Filter): boolean {
  return (Object.keys(initialSyncLogFilter) as Array<keyof Filter>).every((key) => filter[key] === initialSyncLogFilter[key]);
}

function Filters() {
  const styles = useStyles();
  const { filter, liveTail, setSyncLogFilter, setLiveTail, exportSyncLogCsv } = useAppStore(
    useShallow((s) => ({
      filter: s.syncLog.filter,
      liveTail: s.syncLog.liveTail,
      setSyncLogFilter: s.setSyncLogFilter,
      setLiveTail: s.setLiveTail,
      exportSyncLogCsv: s.exportSyncLogCsv,
    })),
  );
  const [text, setText] = useSettledText(filter.text, (settled) => void setSyncLogFilter({ text: settled }));

  const set = (patch: Partial<Filter>) => void setSyncLogFilter(patch);

  return (
    <div className={styles.filters} role="search" aria-label="Sync log filters">
      <Field label="Time range" className={styles.select}>
        <Select value={filter.range} onChange={(_, d) => set({ range: d.value as TimeRange })}>
          {RANGES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Operation" className={styles.select}>
        <Select value={filter.operation} onChange={(_, d) => set({ operation: d.value as SyncOperation | 'all' })}>
          <option value="all">Any operation</option>
          {Object.entries(OPERATION_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Outcome" className={styles.select}>
        <Select value={filter.outcome} onChange={(_, d) => set({ outcome: d.value as SyncOutcome | 'all' })}>
          {OUTCOMES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Client" className={styles.select}>
        <Select value={filter.client} onChange={(_, d) => set({ client: d.value as SyncClient | 'all' })}>
          {CLIENTS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="User" className={styles.text}>
        <Input value={text} onChange={(_, d) => setText(d.value)} type="search" placeholder="Name, Object ID or id" />
      </Field>
      {!isDefaultFilter(filter) && (
        <Button
          appearance="subtle"
          onClick={() => {
            setText('');
            set(initialSyncLogFilter);
          }}
        >
          Clear filters
        </Button>
      )}
      <div className={styles.spacer} />
      <Switch label="Live tail" checked={liveTail} onChange={(_, d) => setLiveTail(d.checked)} />
      <ExportCsvButton
        read={exportSyncLogCsv}
        fileName="scimdesk-sync-log"
        done={(result) =>
          result.truncated
            ? [`Exported the newest ${plural(result.rows, 'entry', 'entries')} (more match: narrow the filters)`, 'warning']
            : `Exported ${plural(result.rows, 'entry', 'entries')}`
        }
      />
    </div>
  );
}

function LogTable() {
  const styles = useStyles();
  const table = useTableStyles();
  const arrows = useArrowNavigationGroup({ axis: 'vertical', memorizeCurrent: true });
  const restoreFocus = useRestoreFocusTarget();
  const { items, selectSyncLogEntry } = useAppStore(useShallow((s) => ({ items: s.syncLog.items, selectSyncLogEntry: s.selectSyncLogEntry })));
  return (
    <div className={styles.tableWrap}>
      <Table aria-label="Sync log entries, newest first" size="small" className={table.auto}>
        <TableHead headers={['Time', 'Operation', 'User or group', 'Status', 'Client', 'Request']} />
        <TableBody {...arrows}>
          {items.map((entry) => (
            <TableRow
              key={entry.seq}
              {...restoreFocus}
              className={styles.row}
              aria-label={`${formatDateTime(entry.time)}, ${operationLabel(entry.operation)}, ${who(entry)}, ${isFromEntra(entry) ? 'Entra' : 'other client'}, status ${entry.status}${repeatedText(entry) ? `, ${repeatedText(entry)}` : ''}`}
              {...activatableRow(() => void selectSyncLogEntry(entry.seq))}
            >
              <TableCell className={styles.nowrap}>{formatEventTime(entry.time)}</TableCell>
              <TableCell className={styles.nowrap}>{operationLabel(entry.operation)}</TableCell>
              <TableCell className={styles.who}>
                <Text block className={/\s/.test(who(entry)) ? undefined : styles.token}>
                  {who(entry)}
                </Text>
                {entry.resourceType && (
                  <Text size={200} className={styles.muted}>
                    {entry.resourceType}
                  </Text>
                )}
              </TableCell>
              <TableCell>
                <StatusBadge status={entry.status} />
              </TableCell>
              <TableCell className={styles.nowrap}>
                {isFromEntra(entry) ? (
                  <Badge appearance="tint" color="brand">
                    Entra
                  </Badge>
                ) : (
                  <Text className={styles.muted}>Other</Text>
                )}
              </TableCell>
              <TableCell>
                <Text className={styles.mono} block>
                  {entry.method} {entry.path} · {formatDuration(entry.durationMs)}
                </Text>
                {repeatedText(entry) && (
                  <Text size={200} weight="semibold" block>
                    × {repeatedText(entry)}
                  </Text>
                )}
                {entry.error && (
                  <Text size={200} className={styles.error} block>
                    {entry.error}
                  </Text>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/** Every SCIM request Entra sent, filtered, live, with the detail of each and a CSV export. */
export function SyncLogView() {
  const styles = useStyles();
  const { syncLog, loadSyncLog, loadMoreSyncLog, setLiveTail } = useAppStore(
    useShallow((s) => ({ syncLog: s.syncLog, loadSyncLog: s.loadSyncLog, loadMoreSyncLog: s.loadMoreSyncLog, setLiveTail: s.setLiveTail })),
  );
  const filtered = syncLog.filter.operation !== 'all' || syncLog.filter.outcome !== 'all' || syncLog.filter.client !== 'all' || syncLog.filter.text.trim() !== '';

  useEffect(() => {
    void loadSyncLog();
  }, [loadSyncLog]);

  return (
    <Page
      title="Sync log"
      description="Every SCIM request, newest first: Entra's (they carry its ADSCIMVersion header) and any other client's. Open an entry to see the request, how ScimDesk read it, and why it failed."
      actions={
        <>
          {syncLog.liveTail && (
            <Badge appearance="filled" color="success">
              Live
            </Badge>
          )}
          <Button icon={<ArrowClockwiseRegular />} onClick={() => void loadSyncLog()} disabled={syncLog.status === 'loading'}>
            Refresh
          </Button>
        </>
      }
    >
      <Filters />
      {!syncLog.liveTail && syncLog.unseen > 0 && (
        <MessageBar intent="info">
          <MessageBarBody>{plural(syncLog.unseen, 'new entry', 'new entries')} since the live tail was paused.</MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => setLiveTail(true)}>Show them</Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {syncLog.error && <ErrorBar error={syncLog.error} title="Could not load the sync log" onRetry={() => void loadSyncLog()} />}
      {syncLog.status === 'loading' && syncLog.items.length === 0 && <Loading label="Loading the sync log…" />}
      {syncLog.status !== 'loading' && syncLog.status !== 'error' && syncLog.items.length === 0 && (
        <EmptyState icon={<DocumentBulletListRegular />} title={filtered || syncLog.filter.range !== 'all' ? 'No entries match these filters' : 'No requests yet'}>
          {filtered || syncLog.filter.range !== 'all'
            ? 'Widen the time range or clear a filter.'
            : 'Entra has not sent a request yet. Test Connection in Entra creates the first entry.'}
          {syncLog.liveTail ? ' New requests appear here as they arrive.' : ''}
        </EmptyState>
      )}
      {syncLog.items.length > 0 && <LogTable />}
      {syncLog.items.length > 0 && (
        <div className={styles.more}>
          <Text className={styles.muted}>{plural(syncLog.items.length, 'entry', 'entries')} shown</Text>
          {syncLog.nextBeforeSeq !== null && (
            <Button onClick={() => void loadMoreSyncLog()} disabled={syncLog.status === 'loadingMore'} icon={syncLog.status === 'loadingMore' ? <Spinner size="tiny" /> : undefined}>
              Load more
            </Button>
          )}
        </div>
      )}
      <EntryDrawer />
    </Page>
  );
}
