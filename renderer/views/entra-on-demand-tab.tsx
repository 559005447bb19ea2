import { Badge, Field, Input, MessageBar, MessageBarBody, MessageBarTitle, Text, useRestoreFocusTarget } from '@fluentui/react-components';
import { PersonSyncRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isGuid } from '../../shared/guid';
import { ConfirmDialog } from '../components/confirm-dialog';
import { DataTable } from '../components/data-table';
import { SelectField, SubmitButton, SubmitForm, fieldValidation } from '../components/form';
import { ErrorBar } from '../components/load-states';
import { useTableStyles } from '../components/table-styles';
import type { OnDemandResult } from '../state/entra-slice';
import { useAppStore } from '../state/store';
import { useEntraStyles } from './entra-styles';

function OnDemandOutcome({ result }: { readonly result: OnDemandResult }) {
  const styles = useEntraStyles();
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
        <DataTable
          label="Provisioning steps"
          rows={result.steps}
          rowKey={(step, index) => `${step.name}-${index}`}
          columns={[
            {
              header: 'Step',
              className: table.nowrap,
              render: (step, index) => (
                <>
                  {index + 1}. {step.name}
                </>
              ),
            },
            {
              header: 'Result',
              render: (step) => (
                <Badge
                  appearance="tint"
                  color={/success/i.test(step.status) ? 'success' : /fail/i.test(step.status) ? 'danger' : /skip/i.test(step.status) ? 'warning' : 'informative'}
                >
                  {step.status}
                </Badge>
              ),
            },
            { header: 'Detail', className: table.wrap, render: (step) => <Text size={200}>{step.description}</Text> },
          ]}
        />
      )}
    </>
  );
}

/** Provision one user now (Entra's "Provision on demand"), behind a confirmation, and each step's result. */
export function OnDemandTab() {
  const styles = useEntraStyles();
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
      <SubmitForm
        className={styles.form}
        onSubmit={() => {
          setTouched(true);
          if (isGuid(objectId.trim()) && chosenJob) setConfirming(true);
        }}
      >
        <Field
          label="User Object ID in Entra"
          className={styles.wideField}
          {...fieldValidation(fieldMessage)}
          hint="Entra admin center → Users → the user → Object ID. Or open a row of the comparison."
        >
          <Input value={objectId} onChange={(_, d) => setOnDemandObjectId(d.value)} spellCheck={false} placeholder="00000000-0000-0000-0000-000000000000" />
        </Field>
        {items.length > 1 && (
          <SelectField label="Provisioning job" value={chosenJob?.id ?? ''} options={items.map((job) => [job.id, job.id] as const)} onChange={setJobId} />
        )}
        <SubmitButton
          {...restoreFocus}
          className={styles.formButton}
          icon={<PersonSyncRegular />}
          busy={onDemand.status === 'loading'}
          disabled={!chosenJob}
        >
          Provision on demand
        </SubmitButton>
      </SubmitForm>
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

