import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Spinner, Text, makeStyles, tokens } from '@fluentui/react-components';
import { WrenchRegular } from '@fluentui/react-icons';
import { useShallow } from 'zustand/react/shallow';
import { plural } from '../components/format';
import { EmptyState, ErrorBar, Loading } from '../components/load-states';
import { Section } from '../components/page';
import { useAppStore } from '../state/store';
import { FixHistory } from './fix-history';
import { PlanView } from './fix-plan-view';

const useStyles = makeStyles({
  muted: { color: tokens.colorNeutralForeground2 },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
});

function Outcome() {
  const styles = useStyles();
  const { outcome, report, runCompare, previewFix } = useAppStore(
    useShallow((s) => ({ outcome: s.fix.outcome, report: s.compare.report.data, runCompare: s.runCompare, previewFix: s.previewFix })),
  );
  if (!outcome) return null;
  const compareAgain = report ? (
    <MessageBarActions>
      <Button onClick={() => void runCompare(report.snapshotId)}>Compare again</Button>
    </MessageBarActions>
  ) : undefined;
  if (outcome.kind === 'applied') {
    return (
      <MessageBar intent="success" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>Applied {plural(outcome.batch.changes.length, 'change')}</MessageBarTitle>
          {plural(outcome.batch.changes.length, 'record')} changed in one transaction ({outcome.batch.summary}). Compare again to see the new state; Undo is in
          Fix history below.
        </MessageBarBody>
        {compareAgain}
      </MessageBar>
    );
  }
  const { error } = outcome;
  if (error.code === 'conflict') {
    return (
      <MessageBar intent="error" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>Nothing was changed: some records changed since the comparison</MessageBarTitle>
          <Text className={styles.mono} block>
            {error.message}
          </Text>
          Compare again, then preview the fixes again.
        </MessageBarBody>
        {compareAgain}
      </MessageBar>
    );
  }
  return (
    <MessageBar intent="error" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>Nothing was changed</MessageBarTitle>
        {error.message}
      </MessageBarBody>
      <MessageBarActions>
        {error.code === 'notFound' && report ? (
          <Button onClick={() => void runCompare(report.snapshotId)}>Compare again</Button>
        ) : (
          <Button onClick={() => void previewFix()}>Preview again</Button>
        )}
      </MessageBarActions>
    </MessageBar>
  );
}

/** Fix identifiers: preview the plan (changes, refusals, approvals), apply it all or nothing, and undo from the history. */
export function FixPanel() {
  const styles = useStyles();
  const { plan, report, previewFix } = useAppStore(useShallow((s) => ({ plan: s.fix.plan, report: s.compare.report.data, previewFix: s.previewFix })));
  const busy = plan.status === 'loading';
  return (
    <Section
      title="Fix identifiers"
      icon={<WrenchRegular />}
      actions={
        <Button appearance="primary" icon={busy ? <Spinner size="tiny" /> : <WrenchRegular />} disabled={busy || !report} onClick={() => void previewFix(null)}>
          Preview fixes
        </Button>
      }
    >
      <Text className={styles.muted}>
        A fix sets each record's externalId to the objectId of the Entra object it is, so Entra's matching (externalId eq objectId) finds it. Nothing is
        linked on mail alone without your approval; a link to an objectId another record holds is refused. Preview first: nothing changes until you apply.
      </Text>
      {!report && (
        <EmptyState icon={<WrenchRegular />} title="Compare first">
          Fixes come from a comparison: run one above, then preview the fixes it proposes.
        </EmptyState>
      )}
      {plan.error && <ErrorBar error={plan.error} title="Could not build the plan" onRetry={() => void previewFix()} />}
      {busy && !plan.data && <Loading label="Building the fix plan…" />}
      <Outcome />
      {plan.data && <PlanView key={plan.data.id} plan={plan.data} />}
      <FixHistory />
    </Section>
  );
}
