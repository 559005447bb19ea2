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
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
  useArrowNavigationGroup,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular, ArrowDownloadRegular, DocumentBulletListRegular } from '@fluentui/react-icons';
import { Fragment, useEffect, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SyncLogDetail, SyncLogEntry } from '../../shared/admin/contract';
import { toAdminCallError } from '../api/client';
import { activatableRow } from '../components/activatable-row';
import { DetailDrawer } from '../components/detail-drawer';
import { downloadText } from '../components/download-file';
import { OPERATION_LABELS, formatDateTime, formatDuration, formatEventTime, localDateStamp, operationLabel, plural } from '../components/format';
import { JsonBlock } from '../components/json-view';
import { EmptyState, ErrorBar, Loading } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Page } from '../components/page';
import { StatusBadge } from '../components/status-badge';
import { useTableStyles } from '../components/table-styles';
import { useDebounced } from '../components/use-debounced';
import { useAppStore } from '../state/store';
import { initialSyncLogFilter, isFromEntra, type SyncClient, type SyncLogView as Filter, type SyncOperation, type SyncOutcome, type TimeRange } from '../state/sync-log-slice';

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
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXS, margin: 0 },
  fact: { margin: 0, wordBreak: 'break-word' },
  heading: { margin: `${tokens.spacingVerticalM} 0 0` },
  notes: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
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

function who(entry: SyncLogEntry): string {
  return entry.userName ?? entry.displayName ?? entry.externalId ?? entry.resourceId ?? '—';
}

/** Whether the filters show what a first visit shows (a link from the Overview may have narrowed them). */
function isDefaultFilter(filter: Filter): boolean {
  return (Object.keys(initialSyncLogFilter) as Array<keyof Filter>).every((key) => filter[key] === initialSyncLogFilter[key]);
}

function Filters() {
  const styles = useStyles();
  const notify = useNotify();
  const { filter, liveTail, setSyncLogFilter, setLiveTail, exportSyncLogCsv } = useAppStore(
    useShallow((s) => ({
      filter: s.syncLog.filter,
      liveTail: s.syncLog.liveTail,
      setSyncLogFilter: s.setSyncLogFilter,
      setLiveTail: s.setLiveTail,
      exportSyncLogCsv: s.exportSyncLogCsv,
    })),
  );
  const [text, setText] = useState(filter.text);
  const settled = useDebounced(text, 300);
  const [exporting, setExporting] = useState(false);

  useEffect(() => {
    if (settled !== filter.text) void setSyncLogFilter({ text: settled });
    // Only a newly settled text queries again.
  }, [settled]);

  const set = (patch: Partial<Filter>) => void setSyncLogFilter(patch);

  const exportCsv = async () => {
    setExporting(true);
    try {
      const result = await exportSyncLogCsv();
      downloadText(result.csv, `scimdesk-sync-log-${localDateStamp()}.csv`);
      notify(
        result.truncated ? `Exported the newest ${plural(result.rows, 'entry', 'entries')} (more match: narrow the filters)` : `Exported ${plural(result.rows, 'entry', 'entries')}`,
        result.truncated ? 'warning' : 'success',
      );
    } catch (error) {
      notify(`Export failed: ${toAdminCallError(error).message}`, 'error');
    } finally {
      setExporting(false);
    }
  };

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
      <Button icon={exporting ? <Spinner size="tiny" /> : <ArrowDownloadRegular />} onClick={() => void exportCsv()} disabled={exporting}>
        Export CSV
      </Button>
    </div>
  );
}

function Fact({ label, children }: { readonly label: string; readonly children: ReactNode }) {
  const styles = useStyles();
  return (
    <>
      <dt className={styles.muted}>
        <Text>{label}</Text>
      </dt>
      <dd className={styles.fact}>{children}</dd>
    </>
  );
}

const KNOWN_DETAIL_KEYS = ['notes', 'ignoredAttributes', 'pendingMembers', 'joinedGroups', 'normalized', 'filterAsRead', 'query', 'request', 'response', 'clientRequestId', 'aggregated'];

/** "1,234 refused requests, the last at 10:05:12": a summed-up row of refusals from one address. */
function repeatedText(entry: { readonly count?: number | undefined; readonly lastTime?: string | null | undefined }): string | undefined {
  if (entry.count === undefined || entry.count <= 1) return undefined;
  return `${plural(entry.count, 'request')} summed up${entry.lastTime ? `, the last at ${formatEventTime(entry.lastTime)}` : ''}`;
}

function EntryDetail({ entry }: { readonly entry: SyncLogDetail }) {
  const styles = useStyles();
  const detail = entry.detail ?? {};
  const notes = Array.isArray(detail['notes']) ? (detail['notes'] as unknown[]).map(String) : [];
  const ignored = Array.isArray(detail['ignoredAttributes']) ? (detail['ignoredAttributes'] as unknown[]).map(String) : [];
  const pending = Array.isArray(detail['pendingMembers']) ? (detail['pendingMembers'] as unknown[]).map(String) : [];
  const joined = Array.isArray(detail['joinedGroups']) ? (detail['joinedGroups'] as unknown[]).map(String) : [];
  const others = Object.keys(detail).filter((key) => !KNOWN_DETAIL_KEYS.includes(key));
  return (
    <>
      <dl className={styles.facts}>
        <Fact label="Time">{formatDateTime(entry.time)}</Fact>
        {repeatedText(entry) && (
          <Fact label="Requests">
            {`${plural(entry.count ?? 1, 'refused request')} from this client, ${formatDateTime(entry.time)} to ${formatDateTime(entry.lastTime ?? entry.time)}: refusals from one address are summed up (over 5 seconds at first, up to 10 minutes while they go on), so a flood of wrong tokens cannot fill the disk`}
          </Fact>
        )}
        <Fact label="Request">
          <Text className={styles.mono}>
            {entry.method} {entry.path}
          </Text>
        </Fact>
        <Fact label="Operation">{operationLabel(entry.operation)}</Fact>
        {typeof detail['filterAsRead'] === 'string' && (
          <Fact label="Filter as read">
            <Text className={styles.mono}>{detail['filterAsRead']}</Text>
          </Fact>
        )}
        <Fact label="Status">
          <StatusBadge status={entry.status} /> <Text>{formatDuration(entry.durationMs)}</Text>
        </Fact>
        {entry.error && (
          <Fact label="Error">
            <Text className={styles.error}>
              {entry.scimType ? `${entry.scimType}: ` : ''}
              {entry.error}
            </Text>
          </Fact>
        )}
        {entry.resourceType && <Fact label="Resource">{`${entry.resourceType} ${entry.resourceId ?? ''}`}</Fact>}
        {entry.userName && <Fact label="User name">{entry.userName}</Fact>}
        {entry.displayName && <Fact label="Display name">{entry.displayName}</Fact>}
        {entry.externalId && <Fact label="Object ID in Entra">{entry.externalId}</Fact>}
        <Fact label="Sent by">
          {isFromEntra(entry) ? (
            <Text>
              Entra's provisioning service <Text className={styles.mono}>(ADSCIMVersion: {entry.adscimVersion || 'empty'})</Text>
            </Text>
          ) : (
            <Text>A client that is not Entra: the request carried no ADSCIMVersion header (or came before ScimDesk recorded it)</Text>
          )}
        </Fact>
        {entry.client && <Fact label="Client address">{entry.client}</Fact>}
        <Fact label="Request id">
          <Text className={styles.mono}>{entry.requestId}</Text>
        </Fact>
        {typeof detail['clientRequestId'] === 'string' && (
          <Fact label="Entra's client-request-id">
            <Text className={styles.mono}>{detail['clientRequestId']}</Text>
          </Fact>
        )}
      </dl>

      {entry.detail === null && (
        <Text className={styles.muted}>No request detail was recorded for this entry (a request without query or body has none).</Text>
      )}
      {notes.length > 0 && (
        <>
          <Text as="h3" weight="semibold" className={styles.heading}>
            Entra quirks handled
          </Text>
          <Text size={200} className={styles.muted}>
            Entra's provisioning service does not follow SCIM to the letter; ScimDesk read this request as follows.
          </Text>
          <ul className={styles.notes}>
            {notes.map((note) => (
              <li key={note}>
                <Text>{note}</Text>
              </li>
            ))}
          </ul>
        </>
      )}
      {pending.length > 0 && (
        <>
          <Text as="h3" weight="semibold" className={styles.heading}>
            Members kept pending
          </Text>
          <Text size={200} className={styles.muted}>
            No user or group has these ids yet: they join the group the moment one with that id, or that Object ID as externalId, is created.
          </Text>
          <Text className={styles.mono} data-testid="pending-members">
            {pending.join(', ')}
          </Text>
        </>
      )}
      {joined.length > 0 && (
        <>
          <Text as="h3" weight="semibold" className={styles.heading}>
            Pending memberships resolved
          </Text>
          <Text>
            This {entry.resourceType === 'Group' ? 'group' : 'user'} joined the {joined.length === 1 ? 'group' : 'groups'} that were waiting for it:{' '}
            <span className={styles.mono}>{joined.join(', ')}</span>
          </Text>
        </>
      )}
      {ignored.length > 0 && (
        <>
          <Text as="h3" weight="semibold" className={styles.heading}>
            Attributes nothing stores
          </Text>
          <Text>{ignored.join(', ')}</Text>
        </>
      )}
      {detail['query'] !== undefined && (
        <>
          <Text as="h3" weight="semibold" className={styles.heading}>
            Query parameters
          </Text>
          <JsonBlock value={detail['query']} label="Query parameters" />
        </>
      )}
      {detail['request'] !== undefined && (
        <>
          <Text as="h3" weight="semibold" className={styles.heading}>
            Request body (secrets removed)
          </Text>
          <JsonBlock value={detail['request']} label="Request body" />
        </>
      )}
      {detail['normalized'] !== undefined && (
        <>
          <Text as="h3" weight="semibold" className={styles.heading}>
            Normalised operations
          </Text>
          <JsonBlock value={detail['normalized']} label="Normalised operations" />
        </>
      )}
      {detail['response'] !== undefined && (
        <>
          <Text as="h3" weight="semibold" className={styles.heading}>
            Response
          </Text>
          <JsonBlock value={detail['response']} label="Response" />
        </>
      )}
      {others.map((key) => (
        <Fragment key={key}>
          <Text as="h3" weight="semibold" className={styles.heading}>
            {key}
          </Text>
          <JsonBlock value={detail[key]} label={key} />
        </Fragment>
      ))}
    </>
  );
}

function EntryDrawer() {
  const { selectedSeq, entry, selectSyncLogEntry } = useAppStore(
    useShallow((s) => ({ selectedSeq: s.syncLog.selectedSeq, entry: s.syncLog.entry, selectSyncLogEntry: s.selectSyncLogEntry })),
  );
  const title = entry.data ? `${operationLabel(entry.data.operation)} · ${entry.data.status}` : 'Request detail';
  return (
    <DetailDrawer open={selectedSeq !== null} title={title} subtitle={entry.data ? who(entry.data) : undefined} onClose={() => void selectSyncLogEntry(null)}>
      {entry.error && <ErrorBar error={entry.error} title="Could not load this entry" onRetry={() => selectedSeq !== null && void selectSyncLogEntry(selectedSeq)} />}
      {entry.data ? <EntryDetail entry={entry.data} /> : !entry.error && <Loading label="Loading the request…" />}
    </DetailDrawer>
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
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Time</TableHeaderCell>
            <TableHeaderCell>Operation</TableHeaderCell>
            <TableHeaderCell>User or group</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell>Client</TableHeaderCell>
            <TableHeaderCell>Request</TableHeaderCell>
          </TableRow>
        </TableHeader>
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
