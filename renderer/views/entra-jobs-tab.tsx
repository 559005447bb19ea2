import {
  Badge,
  Button,
  Checkbox,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
  mergeClasses,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import { ArrowResetRegular, WarningFilled } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ConfirmDialog } from '../components/confirm-dialog';
import { DataTable } from '../components/data-table';
import { formatDateTimeShort, formatRelative } from '../components/format';
import { EmptyState, ErrorBar, Loading } from '../components/load-states';
import { useNotify } from '../components/notify';
import { useTableStyles } from '../components/table-styles';
import type { ProvisioningJob, ResetScopeName } from '../state/entra-slice';
import { useAppStore } from '../state/store';
import { RESET_SCOPES } from './compare-words';
import { useEntraStyles } from './entra-styles';

/** "PT40M" → "every 40 minutes" (Graph's schedule interval is an ISO 8601 duration). */
function intervalText(interval: string | null): string | null {
  if (!interval) return null;
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(interval);
  if (!match) return interval;
  const [, d, h, m] = match;
  const parts = [d && `${d} day${d === '1' ? '' : 's'}`, h && `${h} hour${h === '1' ? '' : 's'}`, m && `${m} minute${m === '1' ? '' : 's'}`].filter(Boolean);
  return parts.length > 0 ? `every ${parts.join(' ')}` : interval;
}

const WIPE_WARNING =
  'Entra forgets which ScimDesk record each user and group is and matches them all again: with wrong externalIds this creates duplicates ' +
  'or updates the wrong records. Fix the identifiers first. ';
const DELETE_WARNING = 'Users that accidental-deletion prevention was holding back are deleted (deprovisioned here) at once.';

/** "Succeeded · ended 3 minutes ago". */
function lastRunText(run: NonNullable<ProvisioningJob['lastRun']>): string {
  const when = run.ended ? ` · ended ${formatRelative(run.ended)}` : run.began ? ` · began ${formatRelative(run.began)}` : '';
  return `${run.state ?? '—'}${when}`;
}

/** Whether Entra holds the job in quarantine, since when, why, and when it tries again. */
function QuarantineState({ job }: { readonly job: ProvisioningJob }) {
  const styles = useEntraStyles();
  if (!job.quarantine) {
    return (
      <Badge appearance="tint" color="success">
        Not in quarantine
      </Badge>
    );
  }
  return (
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
  );
}

function RestartDialog({ job, onClose }: { readonly job: ProvisioningJob | null; readonly onClose: () => void }) {
  const styles = useEntraStyles();
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

/** The application's provisioning jobs, their state and quarantine, and Restart job behind a choice of reset scopes. */
export function JobsTab() {
  const styles = useEntraStyles();
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
          <DataTable
            label="Provisioning jobs"
            rows={items}
            rowKey={(job) => job.id}
            columns={[
              {
                header: 'Job',
                className: table.wrap,
                render: (job) => (
                  <>
                    <Text block className={styles.mono}>
                      {job.id}
                    </Text>
                    <Text size={200} className={styles.muted}>
                      Template {job.templateId}
                    </Text>
                  </>
                ),
              },
              {
                header: 'Status',
                render: (job) => (
                  <>
                    <Badge appearance="tint" color={job.status === 'Active' ? 'success' : job.status === 'Quarantine' ? 'danger' : 'informative'}>
                      {job.status ?? 'Unknown'}
                    </Badge>
                    <Text block size={200} className={styles.muted}>
                      {[job.scheduleState, intervalText(job.interval)].filter(Boolean).join(', ')}
                    </Text>
                  </>
                ),
              },
              {
                header: 'Last run',
                className: table.wrap,
                render: (job) =>
                  job.lastRun ? (
                    <>
                      <Text block>{lastRunText(job.lastRun)}</Text>
                      {job.lastRun.error && (
                        <Text size={200} className={styles.danger}>
                          {job.lastRun.error}
                        </Text>
                      )}
                    </>
                  ) : (
                    <Text className={styles.muted}>Never ran</Text>
                  ),
              },
              { header: 'Quarantine', className: mergeClasses(table.wrap, styles.quarantineCell), render: (job) => <QuarantineState job={job} /> },
              {
                header: <span className="visually-hidden">Actions</span>,
                className: table.nowrap,
                render: (job) => (
                  <Button
                    {...restoreFocus}
                    icon={<ArrowResetRegular />}
                    aria-label={items.length > 1 ? `Restart job ${job.id}` : 'Restart job'}
                    onClick={() => setRestarting(job)}
                  >
                    Restart job
                  </Button>
                ),
              },
            ]}
          />
        </div>
      )}
      <RestartDialog key={restarting?.id ?? 'none'} job={restarting} onClose={() => setRestarting(null)} />
    </div>
  );
}

