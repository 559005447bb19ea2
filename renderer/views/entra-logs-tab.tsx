import { Badge, Field, Input, Text } from '@fluentui/react-components';
import { DocumentBulletListRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isGuid } from '../../shared/guid';
import { DataTable } from '../components/data-table';
import { SubmitButton, SubmitForm, fieldValidation } from '../components/form';
import { formatDateTime, formatDateTimeShort } from '../components/format';
import { SyncHistoryTable } from '../components/history-tables';
import { EmptyState, ErrorBar, Loading } from '../components/load-states';
import { useTableStyles } from '../components/table-styles';
import type { ProvisioningLogs } from '../state/entra-slice';
import { useAppStore } from '../state/store';
import { useEntraStyles } from './entra-styles';

/** What Entra did with one log entry: its status, error code and Entra's explanation or reason. */
function EntryResult({ entry }: { readonly entry: ProvisioningLogs['items'][number] }) {
  const styles = useEntraStyles();
  return (
    <>
      <Badge appearance="tint" color={entry.status === 'success' ? 'success' : entry.status === 'failure' ? 'danger' : 'warning'}>
        {entry.status ?? 'unknown'}
      </Badge>
      {entry.errorCode && (
        <Text block weight="semibold" size={200}>
          {entry.errorCode}
        </Text>
      )}
      {entry.explanation ? (
        <div className={styles.explain}>
          <Text size={200}>
            <strong>Means:</strong> {entry.explanation.meaning}
          </Text>
          <Text size={200}>
            <strong>Fix:</strong> {entry.explanation.fix}
          </Text>
        </div>
      ) : (
        entry.reason && (
          <Text block size={200}>
            {entry.reason}
          </Text>
        )
      )}
      {entry.recommendedAction && (
        <Text block size={200} className={styles.muted}>
          Entra recommends: {entry.recommendedAction}
        </Text>
      )}
    </>
  );
}

function EntraLogTable({ items }: { readonly items: ProvisioningLogs['items'] }) {
  const styles = useEntraStyles();
  const table = useTableStyles();
  if (items.length === 0) {
    return <EmptyState title="No provisioning log entries">Entra has recorded nothing here (provisioning logs need an Entra ID P1 or P2 licence).</EmptyState>;
  }
  return (
    <DataTable
      label="Entra provisioning logs"
      rows={items}
      rowKey={(entry) => entry.id}
      columns={[
        { header: 'Time', className: table.nowrap, render: (entry) => <Text title={formatDateTime(entry.at)}>{formatDateTimeShort(entry.at)}</Text> },
        {
          header: 'User',
          className: table.wrap,
          render: (entry) => (
            <>
              <Text block>{entry.sourceName ?? entry.targetName ?? '—'}</Text>
              <Text size={200} className={styles.muted}>
                {entry.action ?? ''}
              </Text>
            </>
          ),
        },
        { header: 'Result', className: table.wrap, render: (entry) => <EntryResult entry={entry} /> },
      ]}
    />
  );
}

/** Entra's provisioning logs, explained, beside ScimDesk's own sync log for the same user. */
export function LogsTab() {
  const styles = useEntraStyles();
  const { query, logs, setLogsQuery, loadProvisioningLogs } = useAppStore(
    useShallow((s) => ({ query: s.entra.logsQuery, logs: s.entra.logs, setLogsQuery: s.setLogsQuery, loadProvisioningLogs: s.loadProvisioningLogs })),
  );
  const [touched, setTouched] = useState(false);
  const text = query.userObjectId.trim();
  const fieldMessage = touched && text !== '' && !isGuid(text) ? 'An Entra Object ID is a GUID; leave empty for the whole application' : undefined;
  const forUser = text !== '' || query.localUserId !== null;

  return (
    <div className={styles.panel}>
      <Text className={styles.muted}>
        Entra's provisioning logs for this application, newest first, with its error codes explained; for one user, ScimDesk's own sync log for the same user
        beside them, so you can see what Entra sent and what ScimDesk answered.
      </Text>
      <SubmitForm
        className={styles.form}
        onSubmit={() => {
          setTouched(true);
          if (text === '' || isGuid(text)) void loadProvisioningLogs();
        }}
      >
        <Field
          label="User Object ID in Entra (optional)"
          className={styles.wideField}
          hint={query.label && query.localUserId ? `From the comparison: ${query.label}` : 'Leave empty for every user of the application.'}
          {...fieldValidation(fieldMessage)}
        >
          <Input value={query.userObjectId} onChange={(_, d) => setLogsQuery({ userObjectId: d.value, localUserId: null, label: null })} spellCheck={false} />
        </Field>
        <SubmitButton className={styles.formButton} icon={<DocumentBulletListRegular />} busy={logs.status === 'loading'}>
          Show provisioning logs
        </SubmitButton>
      </SubmitForm>
      {logs.error && <ErrorBar error={logs.error} title="Could not read the provisioning logs" onRetry={() => void loadProvisioningLogs()} />}
      {!logs.data && logs.status === 'loading' && <Loading label="Reading Entra's provisioning logs…" />}
      {logs.data && (
        <div className={styles.columns}>
          <div className={styles.column}>
            <Text as="h3" weight="semibold" className={styles.heading}>
              Entra's provisioning logs ({logs.data.items.length})
            </Text>
            <EntraLogTable items={logs.data.items} />
          </div>
          <div className={styles.column}>
            <Text as="h3" weight="semibold" className={styles.heading}>
              ScimDesk's sync log for the same user ({logs.data.local.length})
            </Text>
            {forUser ? (
              <SyncHistoryTable entries={logs.data.local} label="ScimDesk sync log for the user" />
            ) : (
              <Text className={styles.muted}>Enter a user's Object ID to see ScimDesk's requests for that user here.</Text>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

