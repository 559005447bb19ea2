import { Field, Input, MessageBar, MessageBarBody, MessageBarTitle, Tab, TabList, Text, useRestoreFocusTarget } from '@fluentui/react-components';
import { ArrowResetRegular, KeyResetRegular, PlugConnectedRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ConfirmDialog } from '../components/confirm-dialog';
import { SubmitButton, SubmitForm, fieldValidation } from '../components/form';
import { formatDateTime, plural } from '../components/format';
import { EmptyState } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Section } from '../components/page';
import type { EntraTab } from '../state/entra-slice';
import { useAppStore } from '../state/store';
import { JobsTab } from './entra-jobs-tab';
import { LogsTab } from './entra-logs-tab';
import { OnDemandTab } from './entra-on-demand-tab';
import { useEntraStyles } from './entra-styles';

function RotateTab() {
  const styles = useEntraStyles();
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
      <SubmitForm
        className={styles.form}
        onSubmit={() => {
          if (!overlapError && !lifetimeError) setConfirming(true);
        }}
      >
        <Field
          label="Overlap (minutes)"
          hint="How long the old token keeps working. 0 revokes it at once."
          className={styles.narrowField}
          {...fieldValidation(overlapError)}
        >
          <Input type="number" min={0} max={10080} value={overlap} onChange={(_, d) => setOverlap(d.value)} />
        </Field>
        <Field
          label="New token lifetime (days)"
          hint="0 = never expires."
          className={styles.narrowField}
          {...fieldValidation(lifetimeError)}
        >
          <Input type="number" min={0} max={3650} value={lifetime} onChange={(_, d) => setLifetime(d.value)} />
        </Field>
        <SubmitButton
          {...restoreFocus}
          className={styles.formButton}
          icon={<KeyResetRegular />}
          disabled={overlapError !== undefined || lifetimeError !== undefined}
        >
          Rotate token via Graph
        </SubmitButton>
      </SubmitForm>
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

const TABS: ReadonlyArray<[EntraTab, string]> = [
  ['jobs', 'Provisioning jobs'],
  ['onDemand', 'Provision on demand'],
  ['logs', 'Provisioning logs'],
  ['rotate', 'Rotate token'],
];

/** Actions on Entra's side of the application, each behind a confirmation: restart, provision one user, logs, token rotation. */
export function EntraActionsPanel({ connected, hasApp }: { readonly connected: boolean; readonly hasApp: boolean }) {
  const styles = useEntraStyles();
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
