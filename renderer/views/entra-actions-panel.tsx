import {
  Badge,
  Button,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Select,
  Spinner,
  Tab,
  TabList,
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
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import { ArrowResetRegular, DocumentBulletListRegular, KeyResetRegular, PersonSyncRegular, PlugConnectedRegular, WarningFilled } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ConfirmDialog } from '../components/confirm-dialog';
import { formatDateTime, formatDateTimeShort, formatRelative, plural } from '../components/format';
import { SyncHistoryTable } from '../components/history-tables';
import { EmptyState, ErrorBar, Loading } from '../components/load-states';
import { useNotify } from '../components/notify';
import { isGuid } from '../../shared/guid';
import { Section } from '../components/page';
import { useTableStyles } from '../components/table-styles';
import type { EntraTab, OnDemandResult, ProvisioningJob, ProvisioningLogs, ResetScopeName } from '../state/entra-slice';
import { useAppStore } from '../state/store';
import { RESET_SCOPES } from './compare-words';

const useStyles = makeStyles({
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, paddingTop: tokens.spacingVerticalS },
  muted: { color: tokens.colorNeutralForeground2 },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'flex-end' },
  form: { display: 'flex', gap: tokens.spacingHorizontalM, flexWrap: 'wrap', alignItems: 'flex-start' },
  /** Lines a button up with the inputs (not their hints) of the fields beside it. */
  formButton: { marginTop: '26px' },
  wideField: { minWidth: '340px', flexGrow: 1, maxWidth: '480px' },
  narrowField: { width: '200px' },
  heading: { margin: 0 },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  tableWrap: { overflowX: 'auto', border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium },
  scopes: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  scopeMeaning: { color: tokens.colorNeutralForeground2, paddingLeft: '32px', marginTop: '-6px' },
  danger: { color: tokens.colorPaletteRedForeground1 },
  dangerBox: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    padding: tokens.spacingHorizontalS,
    border: `1px solid ${tokens.colorPaletteRedBorder2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorPaletteRedBackground1,
  },
  dialog: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  columns: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))', gap: tokens.spacingHorizontalL, alignItems: 'start' },
  column: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  explain: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

/** "PT40M" → "every 40 minutes" (Graph's schedule interval is an ISO 8601 duration). */
function intervalText(interval: string | null): string | null {
  if (!interval) return null;
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(interval);
  if (!match) return interval;
  const [, d, h, m] = match;
  const parts = [d && `${d} day${d === '1' ? '' : 's'}`, h && `${h} hour${h === '1' ? '' : 's'}`, m && `${m} minute${m === '1' ? '' : 's'}`].filter(Boolean);
  return parts.length > 0 ? `every ${parts.join(' ')}` : interval;
}

// ------------------------------------------------------------------ jobs and restart

const WIPE_WARNING =
  'Entra forgets which ScimDesk record each user and group is and matches them all again: with wrong externalIds this creates duplicates ' +
  'or updates the wrong records. Fix the identifiers first. ';
const DELETE_WARNING = 'Users that accidental-deletion prevention was holding back are deleted (deprovisioned here) at once.';

/** "Succeeded · ended 3 minutes ago". */
function lastRunText(run: NonNullable<ProvisioningJob['lastRun']>): string {
  const when = run.ended ? ` · ended ${formatRelative(run.ended)}` : run.began ? ` · began ${formatRelative(run.began)}` : '';
  return `${run.state ?? '—'}${when}`;
}

function RestartDialog({ job, onClose }: { readonly job: ProvisioningJob | null; readonly onClose: () => void }) {
  const styles = useStyles();
  const notify = useNotify();
  const restartProvisioningJob = useAppStore((s) => s.restartProvisioningJob);
  const [scopes, setScopes] = useState<ReadonlyArray<ResetScopeName>>(() => RESET_SCOPES.filter((s) => s.recommended).map((s) => s.scope));
  const [understood, setUnderstood] = useState(false);
  const dangerous = RESET_SCOPES.filter((s) => s.dangerous && scopes.includes(s.scope));
  const toggle = (scope: ResetScopeName, on: boolean) => {
    setScopes((current) => (on ? [...current.filter((s) => s !== scope), scope] : current.filter((s) => s !== scope)));
    setUnderstood(false);
  };
  const scopeBox = (entry: (typeof RESET_SCOPES)[number]) => (
    <div key={entry.scope}>
      <Checkbox
        checked={scopes.includes(entry.scope)}
        onChange={(_, d) => toggle(entry.scope, d.checked === true)}
        label={
          <span className={entry.dangerous ? styles.danger : undefined}>
            {entry.label}
            {entry.recommended ? ' (recommended)' : ''}
          </span>
        }
        aria-describedby={`scope-${entry.scope}`}
      />
      <Text block size={200} id={`scope-${entry.scope}`} className={mergeClasses(styles.scopeMeaning, entry.dangerous ? styles.danger : undefined)}>
        {entry.meaning}
      </Text>
    </div>
  );
  return (
    <ConfirmDialog
      open={job !== null}
      title="Restart the provisioning job?"
      confirmLabel="Restart"
      danger={dangerous.length > 0}
      confirmDisabled={scopes.length === 0 || (dangerous.length > 0 && !understood)}
      onClose={onClose}
      onConfirm={async () => {
        if (!job) return;
        const result = await restartProvisioningJob(job.id, scopes, dangerous.length > 0);
        notify(`Provisioning job restarted (${result.resetScope.split(',').join(', ')})`);
      }}
    >
      <div className={styles.dialog}>
        <Text>
          Entra stops the current cycle of job <span className={styles.mono}>{job?.id}</span> and starts a new one with what you reset below. This is what the
          admin center's “Restart provisioning” does with the recommended scopes; ScimDesk's own records do not change.
        </Text>
        <div className={styles.scopes} role="group" aria-label="Reset scope">
          {RESET_SCOPES.filter((entry) => !entry.dangerous).map(scopeBox)}
        </div>
        <div className={styles.dangerBox} role="group" aria-label="Reset scopes that wipe or delete">
          <Text weight="semibold" className={styles.danger}>
            <WarningFilled aria-hidden /> These wipe Entra's saved identifiers or delete users
          </Text>
          {RESET_SCOPES.filter((entry) => entry.dangerous).map(scopeBox)}
        </div>
        {dangerous.length > 0 && (
          <>
            <MessageBar intent="error" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>{dangerous.map((s) => s.label).join(' and ')}: think twice</MessageBarTitle>
                {dangerous.some((s) => s.scope !== 'ForceDeletes') && WIPE_WARNING}
                {dangerous.some((s) => s.scope === 'ForceDeletes') && DELETE_WARNING}
              </MessageBarBody>
            </MessageBar>
            <Checkbox
              checked={understood}
              onChange={(_, d) => setUnderstood(d.checked === true)}
              label={`I understand what ${dangerous.map((s) => s.label).join(' and ')} does and want it anyway`}
            />
          </>
        )}
        {scopes.length === 0 && <Text className={styles.danger}>Choose at least one reset scope.</Text>}
      </div>
    </ConfirmDialog>
  );
}

function JobsTab() {
  const styles = useStyles();
  const table = useTableStyles();
  const restoreFocus = useRestoreFocusTarget();
  const { jobs, loadProvisioningJobs } = useAppStore(useShallow((s) => ({ jobs: s.entra.jobs, loadProvisioningJobs: s.loadProvisioningJobs })));
  const [restarting, setRestarting] = useState<ProvisioningJob | null>(null);

  useEffect(() => {
    if (jobs.status === 'idle') void loadProvisioningJobs();
  }, [jobs.status, loadProvisioningJobs]);

  const items = jobs.data?.items ?? [];
  return (
    <div className={styles.panel}>
      <div className={styles.buttons}>
        <Button
          onClick={() => void loadProvisioningJobs()}
          disabled={jobs.status === 'loading'}
          icon={jobs.status === 'loading' ? <Spinner size="tiny" /> : undefined}
        >
          Refresh jobs
        </Button>
      </div>
      {jobs.error && <ErrorBar error={jobs.error} title="Could not read the provisioning jobs" onRetry={() => void loadProvisioningJobs()} />}
      {!jobs.data && jobs.status === 'loading' && <Loading label="Reading the provisioning jobs…" />}
      {jobs.data && items.length === 0 && (
        <EmptyState icon={<ArrowResetRegular />} title="No provisioning job">
          The enterprise application has no provisioning job yet: in Entra, open it → Provisioning → Get started.
        </EmptyState>
      )}
      {items.length > 0 && (
        <div className={styles.tableWrap}>
          <Table aria-label="Provisioning jobs" size="small" className={table.auto}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Job</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
                <TableHeaderCell>Last run</TableHeaderCell>
                <TableHeaderCell>Quarantine</TableHeaderCell>
                <TableHeaderCell>
                  <span className="visually-hidden">Actions</span>
                </TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((job) => (
                <TableRow key={job.id}>
                  <TableCell className={table.wrap}>
                    <Text block className={styles.mono}>
                      {job.id}
                    </Text>
                    <Text size={200} className={styles.muted}>
                      Template {job.templateId}
                    </Text>
                  </TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={job.status === 'Active' ? 'success' : job.status === 'Quarantine' ? 'danger' : 'informative'}>
                      {job.status ?? 'Unknown'}
                    </Badge>
                    <Text block size={200} className={styles.muted}>
                      {[job.scheduleState, intervalText(job.interval)].filter(Boolean).join(', ')}
                    </Text>
                  </TableCell>
                  <TableCell className={table.wrap}>
                    {job.lastRun ? (
                      <>
                        <Text block>
                          {lastRunText(job.lastRun)}
                        </Text>
                        {job.lastRun.error && (
                          <Text size={200} className={styles.danger}>
                            {job.lastRun.error}
                          </Text>
                        )}
                      </>
                    ) : (
                      <Text className={styles.muted}>Never ran</Text>
                    )}
                  </TableCell>
                  <TableCell className={table.wrap} style={{ minWidth: '140px' }}>
                    {job.quarantine ? (
                      <>
                        <Badge appearance="filled" color="danger">
                          In quarantine
                        </Badge>
                        <Text block size={200}>
                          {job.quarantine.reason ?? ''} {job.quarantine.since ? `since ${formatDateTimeShort(job.quarantine.since)}` : ''}
                        </Text>
                        {job.quarantine.nextAttempt && <Text block size={200}>Next attempt {formatDateTimeShort(job.quarantine.nextAttempt)}</Text>}
                        {job.quarantine.error && (
                          <Text block size={200} className={styles.danger}>
                            {job.quarantine.error}
                          </Text>
                        )}
                      </>
                    ) : (
                      <Badge appearance="tint" color="success">
                        Not in quarantine
                      </Badge>
                    )}
                  </TableCell>
                  <TableCell className={table.nowrap}>
                    <Button
                      {...restoreFocus}
                      icon={<ArrowResetRegular />}
                      aria-label={items.length > 1 ? `Restart job ${job.id}` : 'Restart job'}
                      onClick={() => setRestarting(job)}
                    >
                      Restart job
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      <RestartDialog key={restarting?.id ?? 'none'} job={restarting} onClose={() => setRestarting(null)} />
    </div>
  );
}

// ------------------------------------------------------------------ provision on demand

function OnDemandOutcome({ result }: { readonly result: OnDemandResult }) {
  const styles = useStyles();
  const table = useTableStyles();
  const ok = result.errorCode === null && !/fail/i.test(result.status);
  return (
    <>
      <MessageBar intent={ok ? 'success' : 'error'} layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>
            {result.status}
            {result.errorCode ? `: ${result.errorCode}` : ''}
          </MessageBarTitle>
          {result.reason && <Text block>{result.reason}</Text>}
          {result.explanation && (
            <div className={styles.explain}>
              <Text block>
                <strong>What it means:</strong> {result.explanation.meaning}
              </Text>
              <Text block>
                <strong>How to fix it:</strong> {result.explanation.fix}
              </Text>
              <Text block size={200}>
                {result.explanation.retriedByEntra ? 'Entra retries this by itself on its next cycles.' : 'Entra does not retry this by itself.'}
              </Text>
            </div>
          )}
          {result.targetId && (
            <Text block size={200}>
              ScimDesk id of the user: <span className={styles.mono}>{result.targetId}</span>
            </Text>
          )}
        </MessageBarBody>
      </MessageBar>
      {result.steps.length > 0 && (
        <Table aria-label="Provisioning steps" size="small" className={table.auto}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Step</TableHeaderCell>
              <TableHeaderCell>Result</TableHeaderCell>
              <TableHeaderCell>Detail</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {result.steps.map((step, index) => (
              <TableRow key={`${step.name}-${index}`}>
                <TableCell className={table.nowrap}>
                  {index + 1}. {step.name}
                </TableCell>
                <TableCell>
                  <Badge
                    appearance="tint"
                    color={/success/i.test(step.status) ? 'success' : /fail/i.test(step.status) ? 'danger' : /skip/i.test(step.status) ? 'warning' : 'informative'}
                  >
                    {step.status}
                  </Badge>
                </TableCell>
                <TableCell className={table.wrap}>
                  <Text size={200}>{step.description}</Text>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}

function OnDemandTab() {
  const styles = useStyles();
  const restoreFocus = useRestoreFocusTarget();
  const { jobs, loadProvisioningJobs, objectId, setOnDemandObjectId, onDemand, provisionOnDemand } = useAppStore(
    useShallow((s) => ({
      jobs: s.entra.jobs,
      loadProvisioningJobs: s.loadProvisioningJobs,
      objectId: s.entra.onDemandObjectId,
      setOnDemandObjectId: s.setOnDemandObjectId,
      onDemand: s.entra.onDemand,
      provisionOnDemand: s.provisionOnDemand,
    })),
  );
  const [jobId, setJobId] = useState<string | null>(null);
  const [touched, setTouched] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const items = jobs.data?.items ?? [];
  const chosenJob = items.find((job) => job.id === jobId) ?? items[0] ?? null;
  const fieldMessage = touched && !isGuid(objectId.trim()) ? 'The Entra Object ID of the user, a GUID such as 0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef' : undefined;

  useEffect(() => {
    if (jobs.status === 'idle') void loadProvisioningJobs();
  }, [jobs.status, loadProvisioningJobs]);

  return (
    <div className={styles.panel}>
      <Text className={styles.muted}>
        Entra evaluates one user now, against the scope and the attribute mappings, and sends the result to ScimDesk at once instead of waiting up to 40
        minutes for the next cycle. Each step's result shows where it stops.
      </Text>
      {jobs.error && <ErrorBar error={jobs.error} title="Could not read the provisioning jobs" onRetry={() => void loadProvisioningJobs()} />}
      <form
        noValidate
        className={styles.form}
        onSubmit={(event) => {
          event.preventDefault();
          setTouched(true);
          if (isGuid(objectId.trim()) && chosenJob) setConfirming(true);
        }}
      >
        <Field
          label="User Object ID in Entra"
          className={styles.wideField}
          validationMessage={fieldMessage}
          validationState={fieldMessage ? 'error' : 'none'}
          hint="Entra admin center → Users → the user → Object ID. Or open a row of the comparison."
        >
          <Input value={objectId} onChange={(_, d) => setOnDemandObjectId(d.value)} spellCheck={false} placeholder="00000000-0000-0000-0000-000000000000" />
        </Field>
        {items.length > 1 && (
          <Field label="Provisioning job">
            <Select value={chosenJob?.id ?? ''} onChange={(_, d) => setJobId(d.value)}>
              {items.map((job) => (
                <option key={job.id} value={job.id}>
                  {job.id}
                </option>
              ))}
            </Select>
          </Field>
        )}
        <Button
          {...restoreFocus}
          className={styles.formButton}
          type="submit"
          appearance="primary"
          icon={onDemand.status === 'loading' ? <Spinner size="tiny" /> : <PersonSyncRegular />}
          disabled={!chosenJob || onDemand.status === 'loading'}
        >
          Provision on demand
        </Button>
      </form>
      {jobs.data && items.length === 0 && (
        <Text className={styles.muted}>The enterprise application has no provisioning job: nothing can be provisioned on demand.</Text>
      )}
      {onDemand.data && <OnDemandOutcome result={onDemand.data} />}
      <ConfirmDialog
        open={confirming}
        title="Provision this user now?"
        confirmLabel="Provision now"
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          if (chosenJob) await provisionOnDemand(chosenJob.id, objectId.trim());
        }}
      >
        <Text>
          Entra provisions the user <span className={styles.mono}>{objectId.trim()}</span> right now, as its next cycle would: depending on the user's
          assignment and attributes, it creates the user in ScimDesk, updates it, or disables it. The result of each step is shown afterwards and recorded in
          both Entra's provisioning logs and ScimDesk's sync log.
        </Text>
      </ConfirmDialog>
    </div>
  );
}

// ------------------------------------------------------------------ provisioning logs

function EntraLogTable({ items }: { readonly items: ProvisioningLogs['items'] }) {
  const styles = useStyles();
  const table = useTableStyles();
  if (items.length === 0) {
    return <EmptyState title="No provisioning log entries">Entra has recorded nothing here (provisioning logs need an Entra ID P1 or P2 licence).</EmptyState>;
  }
  return (
    <Table aria-label="Entra provisioning logs" size="small" className={table.auto}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Time</TableHeaderCell>
          <TableHeaderCell>User</TableHeaderCell>
          <TableHeaderCell>Result</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((entry) => (
          <TableRow key={entry.id}>
            <TableCell className={table.nowrap}>
              <Text title={formatDateTime(entry.at)}>{formatDateTimeShort(entry.at)}</Text>
            </TableCell>
            <TableCell className={table.wrap}>
              <Text block>{entry.sourceName ?? entry.targetName ?? '—'}</Text>
              <Text size={200} className={styles.muted}>
                {entry.action ?? ''}
              </Text>
            </TableCell>
            <TableCell className={table.wrap}>
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
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function LogsTab() {
  const styles = useStyles();
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
      <form
        noValidate
        className={styles.form}
        onSubmit={(event) => {
          event.preventDefault();
          setTouched(true);
          if (text === '' || isGuid(text)) void loadProvisioningLogs();
        }}
      >
        <Field
          label="User Object ID in Entra (optional)"
          className={styles.wideField}
          hint={query.label && query.localUserId ? `From the comparison: ${query.label}` : 'Leave empty for every user of the application.'}
          validationMessage={fieldMessage}
          validationState={fieldMessage ? 'error' : 'none'}
        >
          <Input value={query.userObjectId} onChange={(_, d) => setLogsQuery({ userObjectId: d.value, localUserId: null, label: null })} spellCheck={false} />
        </Field>
        <Button
          className={styles.formButton}
          type="submit"
          appearance="primary"
          icon={logs.status === 'loading' ? <Spinner size="tiny" /> : <DocumentBulletListRegular />}
          disabled={logs.status === 'loading'}
        >
          Show provisioning logs
        </Button>
      </form>
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

// ------------------------------------------------------------------ token rotation

function RotateTab() {
  const styles = useStyles();
  const restoreFocus = useRestoreFocusTarget();
  const notify = useNotify();
  const { rotation, rotateTokenViaGraph, appName } = useAppStore(
    useShallow((s) => ({ rotation: s.entra.rotation, rotateTokenViaGraph: s.rotateTokenViaGraph, appName: s.graphTest.data?.enterpriseApp?.displayName ?? null })),
  );
  const [overlap, setOverlap] = useState('60');
  const [lifetime, setLifetime] = useState('0');
  const [confirming, setConfirming] = useState(false);
  const overlapMinutes = Number(overlap);
  const lifetimeDays = Number(lifetime);
  const whole = (text: string, value: number, max: number) => text.trim() !== '' && Number.isInteger(value) && value >= 0 && value <= max;
  const overlapError = whole(overlap, overlapMinutes, 10_080) ? undefined : 'Whole minutes from 0 to 10080 (a week)';
  const lifetimeError = whole(lifetime, lifetimeDays, 3650) ? undefined : 'Whole days from 0 to 3650 (0 = never expires)';
  const app = appName ? `the enterprise application “${appName}”` : 'the enterprise application';

  return (
    <div className={styles.panel}>
      <Text className={styles.muted}>
        A new Secret Token without downtime and without copying it by hand: ScimDesk generates it, puts it into {app} through Graph (Provisioning → Admin
        Credentials), checks that the endpoint accepts it, and keeps the old token working during the overlap so a cycle in progress finishes. Both tokens work
        until the overlap ends.
      </Text>
      <form
        noValidate
        className={styles.form}
        onSubmit={(event) => {
          event.preventDefault();
          if (!overlapError && !lifetimeError) setConfirming(true);
        }}
      >
        <Field
          label="Overlap (minutes)"
          hint="How long the old token keeps working. 0 revokes it at once."
          className={styles.narrowField}
          validationMessage={overlapError}
          validationState={overlapError ? 'error' : 'none'}
        >
          <Input type="number" min={0} max={10080} value={overlap} onChange={(_, d) => setOverlap(d.value)} />
        </Field>
        <Field
          label="New token lifetime (days)"
          hint="0 = never expires."
          className={styles.narrowField}
          validationMessage={lifetimeError}
          validationState={lifetimeError ? 'error' : 'none'}
        >
          <Input type="number" min={0} max={3650} value={lifetime} onChange={(_, d) => setLifetime(d.value)} />
        </Field>
        <Button
          {...restoreFocus}
          className={styles.formButton}
          type="submit"
          appearance="primary"
          icon={<KeyResetRegular />}
          disabled={overlapError !== undefined || lifetimeError !== undefined}
        >
          Rotate token via Graph
        </Button>
      </form>
      {rotation && (
        <MessageBar intent={rotation.validated ? 'success' : 'warning'} layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>
              New token {rotation.info.hint} is in the enterprise application “{rotation.pushedTo}”
            </MessageBarTitle>
            {rotation.validated ? 'The endpoint accepted it. ' : 'The endpoint did not confirm it. '}
            {rotation.oldTokensExpire
              ? `The old token works until ${formatDateTime(rotation.oldTokensExpire)}, then only the new one does.`
              : 'The old token was revoked.'}
            {rotation.info.expires ? ` The new token expires ${formatDateTime(rotation.info.expires)}.` : ' The new token never expires.'}
          </MessageBarBody>
        </MessageBar>
      )}
      <ConfirmDialog
        open={confirming}
        title="Rotate the Secret Token through Graph?"
        confirmLabel="Rotate token"
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          const result = await rotateTokenViaGraph(overlapMinutes, lifetimeDays);
          notify(`Token rotated: ${result.info.hint} is in ${result.pushedTo}`);
        }}
      >
        <ul className={styles.list}>
          <li>ScimDesk generates a new Secret Token and writes it into {app} in Entra through Graph. You do not copy anything.</li>
          <li>It then checks the new token against this endpoint, the way Entra's Test Connection does.</li>
          <li>
            {overlapMinutes === 0
              ? 'The current token stops working at once.'
              : `The current token keeps working for ${plural(overlapMinutes, 'minute')}: during that time both tokens work. Then only the new one does.`}
          </li>
          <li>If Entra does not take the new token, it is withdrawn and the current one stays as it is.</li>
        </ul>
      </ConfirmDialog>
    </div>
  );
}

// ------------------------------------------------------------------ the section

const TABS: ReadonlyArray<[EntraTab, string]> = [
  ['jobs', 'Provisioning jobs'],
  ['onDemand', 'Provision on demand'],
  ['logs', 'Provisioning logs'],
  ['rotate', 'Rotate token'],
];

/** Actions on Entra's side of the application, each behind a confirmation: restart, provision one user, logs, token rotation. */
export function EntraActionsPanel({ connected, hasApp }: { readonly connected: boolean; readonly hasApp: boolean }) {
  const styles = useStyles();
  const { tab, showEntraTab } = useAppStore(useShallow((s) => ({ tab: s.entra.tab, showEntraTab: s.showEntraTab })));
  const label = TABS.find(([value]) => value === tab)?.[1] ?? '';
  return (
    <Section title="Entra provisioning" icon={<ArrowResetRegular />}>
      {!connected ? (
        <EmptyState icon={<PlugConnectedRegular />} title="Connect to Microsoft Graph first">
          These actions run in Entra through Graph: restart the provisioning job, provision one user on demand, read Entra's provisioning logs, rotate the
          Secret Token.
        </EmptyState>
      ) : !hasApp ? (
        <EmptyState icon={<PlugConnectedRegular />} title="Choose the enterprise application first">
          Enter its Application ID in the connection above (or use Find) and save: these actions work on its provisioning job.
        </EmptyState>
      ) : (
        <>
          <TabList selectedValue={tab} onTabSelect={(_, d) => showEntraTab(d.value as EntraTab)} aria-label="Entra provisioning actions">
            {TABS.map(([value, text]) => (
              <Tab key={value} value={value}>
                {text}
              </Tab>
            ))}
          </TabList>
          <div role="tabpanel" aria-label={label} className={styles.panel}>
            {tab === 'jobs' && <JobsTab />}
            {tab === 'onDemand' && <OnDemandTab />}
            {tab === 'logs' && <LogsTab />}
            {tab === 'rotate' && <RotateTab />}
          </div>
        </>
      )}
    </Section>
  );
}
