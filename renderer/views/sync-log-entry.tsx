import { Text, makeStyles, tokens } from '@fluentui/react-components';
import { Fragment } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SyncLogDetail, SyncLogEntry } from '../../shared/admin/contract';
import { DetailDrawer } from '../components/detail-drawer';
import { Fact, Facts } from '../components/facts';
import { formatDateTime, formatDuration, formatEventTime, operationLabel, plural } from '../components/format';
import { JsonBlock } from '../components/json-view';
import { ErrorBar, Loading } from '../components/load-states';
import { StatusBadge } from '../components/status-badge';
import { useAppStore } from '../state/store';
import { isFromEntra } from '../state/sync-log-slice';

const useStyles = makeStyles({
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, wordBreak: 'break-all' },
  error: { color: tokens.colorPaletteRedForeground1 },
  muted: { color: tokens.colorNeutralForeground2 },
  heading: { margin: `${tokens.spacingVerticalM} 0 0` },
  notes: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

/** How a sync log entry names its user or group: the best name it has. */
export function who(entry: SyncLogEntry): string {
  return entry.userName ?? entry.displayName ?? entry.externalId ?? entry.resourceId ?? '—';
}

const KNOWN_DETAIL_KEYS = ['notes', 'ignoredAttributes', 'pendingMembers', 'joinedGroups', 'normalized', 'filterAsRead', 'query', 'request', 'response', 'clientRequestId', 'aggregated'];

const AUTH_METHODS: Record<string, string> = {
  secretToken: 'Secret Token',
  clientCredentials: 'OAuth 2.0 client credentials',
  federation: 'Workload identity federation',
  accessToken: 'An OAuth access token',
  checkKey: "ScimDesk's check key (the check from outside)",
};

/** The sync log's `auth` (issue 16): which credential let the request in, or which check refused it; never the credential. */
function authText(auth: unknown): string | undefined {
  if (auth === null || typeof auth !== 'object') return undefined;
  const a = auth as Record<string, unknown>;
  const method = typeof a['method'] === 'string' ? (AUTH_METHODS[a['method']] ?? a['method']) : 'No method';
  const client = typeof a['clientId'] === 'string' ? `, client ${a['clientId']}` : '';
  const failed = typeof a['failedCheck'] === 'string' ? ` — refused: check ${a['failedCheck']} failed` : '';
  return `${method}${client}${failed}`;
}

/** "1,234 requests summed up, the last at 10:05:12": a summed-up row of refusals from one address. */
export function repeatedText(entry: { readonly count?: number | undefined; readonly lastTime?: string | null | undefined }): string | undefined {
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
      <Facts>
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
          {entry.operation === 'reachability' ? (
            <Text>ScimDesk itself: a tunnel event or a check from outside (Settings → Reachability), not a client's request</Text>
          ) : entry.operation === 'export' ? (
            <Text>ScimDesk itself: a scheduled export run (Settings → Scheduled exports), not a client's request</Text>
          ) : isFromEntra(entry) ? (
            <Text>
              Entra's provisioning service <Text className={styles.mono}>(ADSCIMVersion: {entry.adscimVersion || 'empty'})</Text>
            </Text>
          ) : (
            <Text>A client that is not Entra: the request carried no ADSCIMVersion header (or came before ScimDesk recorded it)</Text>
          )}
        </Fact>
        {authText(detail['auth']) && (
          <Fact label="Signed in with" testId="sync-log-auth">
            {authText(detail['auth'])}
          </Fact>
        )}
        {entry.client && <Fact label="Client address">{entry.client}</Fact>}
        <Fact label="Request id">
          <Text className={styles.mono}>{entry.requestId}</Text>
        </Fact>
        {typeof detail['clientRequestId'] === 'string' && (
          <Fact label="Entra's client-request-id">
            <Text className={styles.mono}>{detail['clientRequestId']}</Text>
          </Fact>
        )}
      </Facts>

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

/** The open sync log entry in a side drawer: the request, ScimDesk's answer, and what it noted. */
export function EntryDrawer() {
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
