import {
  Badge,
  Button,
  Field,
  Label,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Select,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
  useArrowNavigationGroup,
} from '@fluentui/react-components';
import { BranchCompareRegular, CloudArrowDownRegular, DismissRegular, DocumentArrowUpRegular } from '@fluentui/react-icons';
import { useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { type AdminCallError } from '../api/client';
import { activatableRow } from '../components/activatable-row';
import { TableHead } from '../components/data-table';
import { formatDateTime, formatDateTimeShort, formatNumber, formatRelative, plural } from '../components/format';
import { EmptyState, ErrorBar, Loading } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Section } from '../components/page';
import { useTableStyles } from '../components/table-styles';
import { useAction } from '../components/use-action';
import { useLoadOnShow } from '../components/use-load-on-show';
import { isActive, type FetchJob, type Snapshot } from '../state/graph-slice';
import { useAppStore } from '../state/store';
import { fetchPhaseLabel } from './compare-words';

const useStyles = makeStyles({
  columns: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(360px, 1fr))', gap: tokens.spacingHorizontalXL, alignItems: 'start' },
  column: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'flex-end' },
  muted: { color: tokens.colorNeutralForeground2 },
  progress: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  file: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  heading: { margin: 0 },
  problems: { margin: `${tokens.spacingVerticalXS} 0`, paddingLeft: tokens.spacingHorizontalXL },
  tableWrap: { overflowX: 'auto' },
  row: { cursor: 'pointer' },
  select: { minWidth: '280px', flexGrow: 1 },
  compareBar: {
    display: 'flex',
    gap: tokens.spacingHorizontalM,
    alignItems: 'flex-end',
    flexWrap: 'wrap',
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorBrandBackground2,
    borderRadius: tokens.borderRadiusMedium,
  },
});

/** "Graph" or "CSV", and the label the core gave the snapshot. */
function snapshotName(snapshot: Snapshot): string {
  const source = snapshot.source === 'graph' ? 'Graph' : 'CSV';
  return `${source}, ${formatDateTimeShort(snapshot.fetchedAt)} (${plural(snapshot.users, 'user')}, ${plural(snapshot.groups, 'group')})`;
}

function FetchProgress({ job }: { readonly job: FetchJob }) {
  const styles = useStyles();
  const cancelFetch = useAppStore((s) => s.cancelFetch);
  const progress = job.progress;
  const running = isActive(job);
  if (!running) return null;
  const total = progress?.total ?? null;
  const value = total !== null && total > 0 ? Math.min(1, (progress?.done ?? 0) / total) : undefined;
  const phase = fetchPhaseLabel(progress?.phase ?? 'starting');
  const counts =
    progress && progress.phase !== 'starting'
      ? total !== null
        ? `${formatNumber(progress.done)} of ${formatNumber(total)}`
        : `${formatNumber(progress.done)} so far`
      : '';
  return (
    <div className={styles.progress}>
      <Field
        label={`${phase}${counts ? `: ${counts}` : ''}`}
        validationMessage={progress?.message ?? 'Starting…'}
        validationState="none"
      >
        <ProgressBar value={value} thickness="large" aria-label="Fetch progress" />
      </Field>
      <div className={styles.buttons}>
        <Button
          icon={job.cancelling ? <Spinner size="tiny" /> : <DismissRegular />}
          disabled={job.cancelling || job.jobId === null}
          onClick={() => void cancelFetch()}
        >
          Cancel fetch
        </Button>
      </div>
    </div>
  );
}

function FetchOutcome({ job }: { readonly job: FetchJob }) {
  const runCompare = useAppStore((s) => s.runCompare);
  if (job.error) return <ErrorBar error={job.error} title="The fetch did not start" />;
  if (job.status === 'done' && job.progress) {
    return (
      <MessageBar intent="success" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>Snapshot saved</MessageBarTitle>
          {job.progress.message}. Compare it with ScimDesk's records now.
        </MessageBarBody>
        {job.snapshotId && (
          <MessageBarActions>
            <Button onClick={() => job.snapshotId && void runCompare(job.snapshotId)}>Compare this snapshot</Button>
          </MessageBarActions>
        )}
      </MessageBar>
    );
  }
  if (job.status === 'failed' && job.progress) {
    return (
      <MessageBar intent="error" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>The fetch failed: nothing was saved</MessageBarTitle>
          {job.progress.error ?? job.progress.message} Test the connection to see which permission is missing.
        </MessageBarBody>
      </MessageBar>
    );
  }
  if (job.status === 'cancelled') {
    return (
      <MessageBar intent="info">
        <MessageBarBody>Fetch cancelled: nothing was saved.</MessageBarBody>
      </MessageBar>
    );
  }
  return null;
}

/** The core's "<file> could not be imported: line 2, objectId: …; line 3, …" as a list, one problem a line (else the message as it came). */
function CsvError({ error }: { readonly error: AdminCallError }) {
  const styles = useStyles();
  const parts = /^(.*? could not be imported): (line \d.*)$/s.exec(error.message);
  if (!parts) return <ErrorBar error={error} title="The CSV was not imported" />;
  const problems = (parts[2] ?? '').split(/; (?=line \d|\(and )/);
  return (
    <MessageBar intent="error" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>The CSV was not imported</MessageBarTitle>
        {parts[1]}:
        <ul className={styles.problems}>
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
        Nothing was saved. Correct the file (or export it again from the Entra admin center) and import it again.
      </MessageBarBody>
    </MessageBar>
  );
}

function CsvImport() {
  const styles = useStyles();
  const notify = useNotify();
  const fileId = useId();
  const importCsv = useAppStore((s) => s.importCsv);
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const { busy, error, setError, run } = useAction();

  const importFile = async () => {
    if (!file) return;
    await run(async () => {
      const snapshot = await importCsv(await file.text(), file.name);
      notify(`Imported ${plural(snapshot.users, 'user')} from ${file.name}`);
      setFile(null);
      setInputKey((key) => key + 1);
    });
  };

  return (
    <form
      className={styles.column}
      onSubmit={(event) => {
        event.preventDefault();
        void importFile();
      }}
    >
      <Text as="h3" weight="semibold" className={styles.heading}>
        No Graph permission? Import the users CSV
      </Text>
      <Text size={200} className={styles.muted}>
        Where no Graph permission can be granted: in the Entra admin center, Users → All users → Download users, then import the file here. A CSV holds users
        only (groups are not compared) and no scope (nothing is reported as never provisioned or only local).
      </Text>
      <div className={styles.file}>
        <Label htmlFor={fileId}>Users CSV from the Entra admin center</Label>
        <input
          key={inputKey}
          id={fileId}
          type="file"
          accept=".csv,text/csv"
          onChange={(event) => {
            setFile(event.target.files?.[0] ?? null);
            setError(null);
          }}
        />
      </div>
      {error && <CsvError error={error} />}
      <div className={styles.buttons}>
        <Button type="submit" disabled={!file || busy} icon={busy ? <Spinner size="tiny" /> : <DocumentArrowUpRegular />}>
          Import CSV
        </Button>
      </div>
    </form>
  );
}

function SnapshotTable({
  items,
  chosen,
  fresh,
  onChoose,
}: {
  readonly items: ReadonlyArray<Snapshot>;
  readonly chosen: string | null;
  readonly fresh: string | null;
  readonly onChoose: (id: string) => void;
}) {
  const styles = useStyles();
  const table = useTableStyles();
  const arrows = useArrowNavigationGroup({ axis: 'vertical', memorizeCurrent: true });
  return (
    <div className={styles.tableWrap}>
      <Table aria-label="Snapshots, newest first" size="small" className={table.auto}>
        <TableHead headers={['Taken', 'Source', 'Users', 'Groups', 'Scope']} />
        <TableBody {...arrows}>
          {items.map((snapshot) => (
            <TableRow
              key={snapshot.id}
              className={styles.row}
              appearance={snapshot.id === chosen ? 'brand' : 'none'}
              aria-selected={snapshot.id === chosen}
              aria-label={snapshotName(snapshot)}
              {...activatableRow(() => onChoose(snapshot.id))}
            >
              <TableCell className={table.nowrap}>
                <Text title={formatDateTime(snapshot.fetchedAt)}>{formatDateTimeShort(snapshot.fetchedAt)}</Text>{' '}
                {snapshot.id === fresh && (
                  <Badge appearance="filled" color="brand" size="small">
                    New
                  </Badge>
                )}
              </TableCell>
              <TableCell>
                <Badge appearance="tint" color={snapshot.source === 'graph' ? 'brand' : 'informative'}>
                  {snapshot.source === 'graph' ? 'Graph' : 'CSV'}
                </Badge>{' '}
                <Text size={200}>{snapshot.label}</Text>
              </TableCell>
              <TableCell>{formatNumber(snapshot.users)}</TableCell>
              <TableCell>{formatNumber(snapshot.groups)}</TableCell>
              <TableCell className={table.nowrap}>
                {snapshot.scopeKnown ? (
                  <Badge appearance="tint" color="success">
                    Scope known
                  </Badge>
                ) : (
                  <Badge
                    appearance="tint"
                    color="warning"
                    title="No enterprise application chosen, or a CSV: nothing is reported as never provisioned or only local"
                  >
                    Scope unknown
                  </Badge>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/** Entra's side: fetch a snapshot through Graph (with progress and Cancel), or import the CSV; then Compare. */
export function SnapshotsPanel({ connected }: { readonly connected: boolean }) {
  const styles = useStyles();
  const { snapshots, snapshotsKept, fetchJob, chosenSnapshotId, loadSnapshots, startFetch, chooseSnapshot, runCompare, running, runError } = useAppStore(
    useShallow((s) => ({
      snapshots: s.snapshots,
      snapshotsKept: s.snapshotsKept,
      fetchJob: s.fetchJob,
      chosenSnapshotId: s.chosenSnapshotId,
      loadSnapshots: s.loadSnapshots,
      startFetch: s.startFetch,
      chooseSnapshot: s.chooseSnapshot,
      runCompare: s.runCompare,
      running: s.compare.running,
      runError: s.compare.runError,
    })),
  );
  const fetching = isActive(fetchJob);
  const items = snapshots.data ?? [];
  const chosen = items.find((snapshot) => snapshot.id === chosenSnapshotId) ?? null;

  useLoadOnShow(loadSnapshots);

  return (
    <Section title="Entra data" icon={<CloudArrowDownRegular />}>
      <div className={styles.columns}>
        <div className={styles.column}>
          <Text as="h3" weight="semibold" className={styles.heading}>
            Fetch through Microsoft Graph
          </Text>
          <Text size={200} className={styles.muted}>
            Reads every user and group, and the enterprise application's assignments (the scope), a page of 999 at a time. Large tenants take minutes;
            Graph's throttling is waited out. Nothing in Entra changes.
          </Text>
          <div className={styles.buttons}>
            <Button
              appearance="primary"
              icon={fetching ? <Spinner size="tiny" /> : <CloudArrowDownRegular />}
              disabled={!connected || fetching}
              onClick={() => void startFetch()}
            >
              Fetch from Entra
            </Button>
          </div>
          {!connected && (
            <Text size={200} className={styles.muted}>
              Connect to Microsoft Graph first, or import the CSV.
            </Text>
          )}
          <FetchProgress job={fetchJob} />
          <FetchOutcome job={fetchJob} />
        </div>
        <CsvImport />
      </div>

      {snapshots.error && <ErrorBar error={snapshots.error} title="Could not list the snapshots" onRetry={() => void loadSnapshots()} />}
      {!snapshots.data && snapshots.status !== 'error' && <Loading label="Loading snapshots…" />}
      {snapshots.data && items.length === 0 && (
        <EmptyState icon={<CloudArrowDownRegular />} title="No snapshot yet: fetch from Entra or import the CSV">
          A snapshot is a copy of Entra's users and groups taken at one moment. The comparison runs against it, so it can be repeated without calling Graph
          again.
        </EmptyState>
      )}
      {items.length > 0 && (
        <>
          <SnapshotTable items={items} chosen={chosenSnapshotId} fresh={fetchJob.status === 'done' ? fetchJob.snapshotId : null} onChoose={chooseSnapshot} />
          <Text size={200} className={styles.muted}>
            {plural(items.length, 'snapshot')} on disk{snapshotsKept !== null ? ` (ScimDesk keeps the newest ${formatNumber(snapshotsKept)} and removes older ones)` : ''}. Click a row to choose it.
          </Text>
          <div className={styles.compareBar}>
            <Field label="Snapshot to compare" className={styles.select}>
              <Select value={chosenSnapshotId ?? ''} onChange={(_, d) => chooseSnapshot(d.value)}>
                {items.map((snapshot) => (
                  <option key={snapshot.id} value={snapshot.id}>
                    {snapshotName(snapshot)}
                  </option>
                ))}
              </Select>
            </Field>
            <Button
              appearance="primary"
              icon={running ? <Spinner size="tiny" /> : <BranchCompareRegular />}
              disabled={chosen === null || running}
              onClick={() => chosen && void runCompare(chosen.id)}
            >
              Compare
            </Button>
          </div>
          {chosen && (
            <Text size={200} className={styles.muted}>
              Compares ScimDesk's records as they are now with Entra as it was {formatRelative(chosen.fetchedAt)}. No Graph call, nothing is changed.
            </Text>
          )}
          {runError && <ErrorBar error={runError} title="The comparison did not run" onRetry={() => chosen && void runCompare(chosen.id)} />}
        </>
      )}
    </Section>
  );
}
