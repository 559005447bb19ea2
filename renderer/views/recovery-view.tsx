import { Badge, Button, MessageBar, MessageBarBody, MessageBarTitle, ProgressBar, Text, makeStyles, tokens } from '@fluentui/react-components';
import { ArrowDownloadRegular, ArrowUndoRegular, BinRecycleRegular, DatabaseRegular, SaveRegular } from '@fluentui/react-icons';
import { useCallback, useEffect, useState } from 'react';
import type { DeletedRecordView, DirectoryCountsView, MethodOutput, SnapshotView } from '../../shared/admin/contract';
import { formatBytes } from '../../shared/bytes';
import { call, subscribe, toAdminCallError, type AdminCallError } from '../api/client';
import { ConfirmButton } from '../components/confirm-dialog';
import { DataTable, type DataColumn } from '../components/data-table';
import { downloadText } from '../components/download-file';
import { formatDateTime, formatDateTimeShort, formatNumber, plural } from '../components/format';
import { EmptyState, ErrorBar, Loading } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Page, RefreshButton, Section } from '../components/page';
import { useTableStyles } from '../components/table-styles';
import { useAction } from '../components/use-action';

const useStyles = makeStyles({
  muted: { color: tokens.colorNeutralForeground2 },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  compare: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  tableWrap: { overflowX: 'auto' },
  progress: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
});

type SnapshotList = MethodOutput<'snapshots.list'>;

const COUNT_ROWS: ReadonlyArray<readonly [keyof DirectoryCountsView, string]> = [
  ['users', 'Users'],
  ['activeUsers', 'Active users'],
  ['groups', 'Groups'],
  ['memberships', 'Memberships'],
  ['deleted', 'In the recycle bin'],
];

function countsText(counts: DirectoryCountsView): string {
  return `${plural(counts.users, 'user')} (${formatNumber(counts.activeUsers)} active), ${plural(counts.groups, 'group')}, ${plural(counts.memberships, 'membership')}`;
}

const TRIGGER_LABEL: Record<SnapshotView['trigger'], string> = { daily: 'Daily', event: 'Before an action', manual: 'By hand' };

/** The running restore or export, from the job.progress events the snapshot service sends. */
function useSnapshotProgress(): { readonly message: string; readonly value: number | undefined } | null {
  const [progress, setProgress] = useState<{ message: string; value: number | undefined } | null>(null);
  useEffect(
    () =>
      subscribe('job.progress', (event) => {
        if (event.kind !== 'restore' && event.kind !== 'export') return;
        if (event.finished) setProgress(null);
        else setProgress({ message: event.message, value: event.total ? event.done / event.total : undefined });
      }),
    [],
  );
  return progress;
}

function RecycleBin({ onChanged }: { readonly onChanged: () => void }) {
  const styles = useStyles();
  const table = useTableStyles();
  const notify = useNotify();
  const [items, setItems] = useState<ReadonlyArray<DeletedRecordView> | null>(null);
  const [error, setError] = useState<AdminCallError | null>(null);
  const load = useCallback(async () => {
    try {
      setItems((await call('recovery.bin', {})).items);
      setError(null);
    } catch (failure) {
      setError(toAdminCallError(failure));
    }
  }, []);
  useEffect(() => void load(), [load]);
  const restore = useAction();

  const columns: ReadonlyArray<DataColumn<DeletedRecordView>> = [
    { header: 'Name', render: (row) => row.name ?? row.id, className: table.wrap },
    { header: 'Kind', render: (row) => (row.kind === 'User' ? 'User' : 'Group') },
    { header: 'Deleted at', render: (row) => formatDateTimeShort(row.deletedAt), className: table.nowrap },
    { header: 'Kept until', render: (row) => formatDateTimeShort(row.keptUntil), className: table.nowrap },
    {
      header: 'Actions',
      render: (row) => (
        <Button
          size="small"
          icon={<ArrowUndoRegular />}
          disabled={restore.busy}
          aria-label={`Restore ${row.name ?? row.id}`}
          onClick={() =>
            void restore
              .run(async () => {
                const restored = await call('recovery.restoreDeleted', { seq: row.seq });
                notify(`${restored.name ?? restored.id} restored${restored.kind === 'User' ? ` (${plural(restored.groups, 'group')})` : ` (${plural(restored.members, 'member')})`}`);
              })
              .then((done) => {
                if (!done) return;
                void load();
                onChanged();
              })
          }
        >
          Restore
        </Button>
      ),
    },
  ];

  return (
    <Section title="Recycle bin" icon={<BinRecycleRegular />} actions={<RefreshButton onClick={() => void load()} />}>
      <Text className={styles.muted}>
        Users and groups Entra deleted while Directory &amp; token keeps deleted records for some days. SCIM no longer sees them, so Entra can create the same person again; restore
        brings one back with its id and its groups.
      </Text>
      {error && <ErrorBar error={error} onRetry={() => void load()} />}
      {restore.error && <ErrorBar error={restore.error} title="Not restored" />}
      {items === null && !error ? (
        <Loading label="Reading the recycle bin" />
      ) : items && items.length === 0 ? (
        <EmptyState title="The recycle bin is empty">Deleted users and groups appear here when the directory keeps them (Directory &amp; token → on DELETE).</EmptyState>
      ) : (
        items && (
          <div className={styles.tableWrap}>
            <DataTable label="Recycle bin" rows={items} columns={columns} rowKey={(row) => row.seq} rowLabel={(row) => row.name ?? row.id} />
          </div>
        )
      )}
    </Section>
  );
}

function Snapshots({ version, onChanged }: { readonly version: number; readonly onChanged: () => void }) {
  const styles = useStyles();
  const table = useTableStyles();
  const notify = useNotify();
  const progress = useSnapshotProgress();
  const [list, setList] = useState<SnapshotList | null>(null);
  const [error, setError] = useState<AdminCallError | null>(null);
  const [compared, setCompared] = useState<{ snapshot: SnapshotView; now: DirectoryCountsView } | null>(null);
  const action = useAction();
  const load = useCallback(async () => {
    try {
      setList(await call('snapshots.list', {}));
      setError(null);
    } catch (failure) {
      setError(toAdminCallError(failure));
    }
  }, []);
  useEffect(() => void load(), [load, version]);

  const exportFiles = (source: string, format: 'csv' | 'json') =>
    void action.run(async () => {
      const { files } = await call('snapshots.export', { source, format });
      for (const file of files) downloadText(file.content, file.name, format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json');
      notify(`Exported ${files.map((file) => file.name).join(', ')}`);
    });

  const columns: ReadonlyArray<DataColumn<SnapshotView>> = [
    { header: 'Time', render: (row) => formatDateTimeShort(row.time), className: table.nowrap },
    {
      header: 'Reason',
      render: (row) => (
        <>
          {row.reason}{' '}
          <Badge appearance="tint" color={row.trigger === 'daily' ? 'informative' : row.trigger === 'manual' ? 'brand' : 'warning'}>
            {TRIGGER_LABEL[row.trigger]}
          </Badge>
        </>
      ),
      className: table.wrap,
    },
    { header: 'Counts', render: (row) => countsText(row.counts), className: table.wrap },
    { header: 'Size', render: (row) => formatBytes(row.bytes), className: table.nowrap },
    {
      header: 'Actions',
      render: (row) => (
        <div className={styles.buttons}>
          <Button size="small" aria-label={`Compare the snapshot of ${formatDateTime(row.time)} with now`} disabled={action.busy} onClick={() => void action.run(async () => setCompared(await call('snapshots.compare', { id: row.id })))}>
            Compare with now
          </Button>
          <ConfirmButton
            size="small"
            icon={<ArrowUndoRegular />}
            label="Restore"
            aria-label={`Restore the snapshot of ${formatDateTime(row.time)}`}
            disabled={action.busy || list?.restoring === true}
            title="Restore this snapshot?"
            confirmLabel="Restore"
            danger
            onConfirm={async () => {
              const result = await call('snapshots.restore', { id: row.id });
              setCompared(null);
              await load();
              onChanged();
              return `Restored the snapshot of ${formatDateTimeShort(result.restored.time)}: ${countsText(result.counts)}`;
            }}
          >
            <Text block>
              Users, groups, memberships and the recycle bin go back to {formatDateTime(row.time)} ({countsText(row.counts)}). Tokens, settings, the sync log and the audit trail stay as they
              are.
            </Text>
            <Text block>
              <strong>Provisioning is paused meanwhile</strong>: Entra&apos;s requests get 503 and are retried in its next cycle. A snapshot of the current state is taken first, so
              this restore can be undone.
            </Text>
          </ConfirmButton>
          <Button size="small" icon={<ArrowDownloadRegular />} aria-label={`Export the snapshot of ${formatDateTime(row.time)} as CSV`} disabled={action.busy} onClick={() => exportFiles(row.id, 'csv')}>
            CSV
          </Button>
          <Button size="small" icon={<ArrowDownloadRegular />} aria-label={`Export the snapshot of ${formatDateTime(row.time)} as JSON`} disabled={action.busy} onClick={() => exportFiles(row.id, 'json')}>
            JSON
          </Button>
        </div>
      ),
    },
  ];

  return (
    <Section
      title="Snapshots"
      icon={<DatabaseRegular />}
      actions={
        <>
          <Button
            icon={<SaveRegular />}
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => {
                const taken = await call('snapshots.take', {});
                notify(`Snapshot taken: ${countsText(taken.counts)}`);
                await load();
              })
            }
          >
            Take snapshot now
          </Button>
          <Button icon={<ArrowDownloadRegular />} disabled={action.busy} onClick={() => exportFiles('now', 'csv')}>
            Export now (CSV)
          </Button>
          <Button icon={<ArrowDownloadRegular />} disabled={action.busy} onClick={() => exportFiles('now', 'json')}>
            Export now (JSON)
          </Button>
          <RefreshButton onClick={() => void load()} />
        </>
      }
    >
      <Text className={styles.muted}>
        Copies of the whole database made with SQLite&apos;s online backup: once a day, before each fix batch, token regeneration and restore, and when you take one.
        {list && ` Kept: the newest ${list.retention.daily} daily ones and the newest ${list.retention.other} others, in ${list.folder}.`}
      </Text>
      {progress && (
        <div className={styles.progress} role="status">
          <Text>{progress.message}</Text>
          <ProgressBar value={progress.value} />
        </div>
      )}
      {list?.restoring && (
        <MessageBar intent="warning">
          <MessageBarBody>A restore is running: provisioning is paused until it ends.</MessageBarBody>
        </MessageBar>
      )}
      {error && <ErrorBar error={error} onRetry={() => void load()} />}
      {action.error && <ErrorBar error={action.error} title="That did not work" />}
      {compared && (
        <MessageBar intent="info" data-testid="snapshot-compare">
          <MessageBarBody className={styles.compare}>
            <MessageBarTitle>Snapshot of {formatDateTime(compared.snapshot.time)} compared with now</MessageBarTitle>
            {COUNT_ROWS.map(([key, label]) => {
              const then = compared.snapshot.counts[key];
              const now = compared.now[key];
              const delta = now - then;
              return (
                <Text key={key}>
                  {label}: {formatNumber(then)} then, {formatNumber(now)} now{delta === 0 ? '' : ` (${delta > 0 ? '+' : ''}${formatNumber(delta)})`}
                </Text>
              );
            })}
          </MessageBarBody>
        </MessageBar>
      )}
      {list === null && !error ? (
        <Loading label="Reading the snapshots" />
      ) : list && list.items.length === 0 ? (
        <EmptyState title="No snapshots yet">The first is taken before the first risky action, or today once the directory holds records.</EmptyState>
      ) : (
        list && (
          <div className={styles.tableWrap}>
            <DataTable label="Snapshots" rows={list.items} columns={columns} rowKey={(row) => row.id} rowLabel={(row) => `Snapshot of ${formatDateTime(row.time)}`} />
          </div>
        )
      )}
    </Section>
  );
}

/** Recycle bin & snapshots: deleted users and groups brought back one at a time, and the whole directory from a snapshot. */
export function RecoveryView() {
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((n) => n + 1);
  return (
    <Page title="Recycle bin & snapshots" description="Bring back what was deleted, or the whole directory as it was.">
      <RecycleBin key={`bin-${version}`} onChanged={changed} />
      <Snapshots version={version} onChanged={changed} />
    </Page>
  );
}
