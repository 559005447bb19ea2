import {
  Badge,
  Button,
  Checkbox,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
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
import { ArrowUndoRegular, CheckmarkRegular, HistoryRegular, WrenchRegular } from '@fluentui/react-icons';
import { Fragment, useEffect, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ConfirmDialog } from '../components/confirm-dialog';
import { formatDateTime, formatDateTimeShort, formatNumber, plural } from '../components/format';
import { EmptyState, ErrorBar, Loading } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Section } from '../components/page';
import { useTableStyles } from '../components/table-styles';
import { sameApprovals, type FixBatch, type FixPlan } from '../state/fix-slice';
import { useAppStore } from '../state/store';
import { CONFIDENCE_COLORS, matchedOnText } from './compare-words';

const useStyles = makeStyles({
  muted: { color: tokens.colorNeutralForeground2 },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  heading: { margin: 0 },
  badges: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  tableWrap: { overflowX: 'auto', border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  /** Names such as demo000025@contoso-demo.com stay readable (the auto layout would squeeze them). */
  record: { minWidth: '200px' },
  change: { display: 'flex', flexDirection: 'column', fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, whiteSpace: 'nowrap' },
  from: { color: tokens.colorNeutralForeground3 },
  to: { fontWeight: tokens.fontWeightSemibold },
  applyBar: {
    display: 'flex',
    gap: tokens.spacingHorizontalM,
    alignItems: 'center',
    flexWrap: 'wrap',
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorBrandBackground2,
    borderRadius: tokens.borderRadiusMedium,
  },
  confirm: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  changes: { backgroundColor: tokens.colorNeutralBackground2 },
});

/** How many rows a plan table shows before "Show more" (a plan may hold 100,000 changes). */
const SHOWN = 100;

function Change({ from, to }: { readonly from: string | null; readonly to: string | null }) {
  const styles = useStyles();
  return (
    <span className={styles.change}>
      <span className={styles.from}>{from ?? 'empty'}</span>
      <span className={styles.to}>
        <span aria-label="becomes">→ </span>
        {to ?? 'empty (unlinked)'}
      </span>
    </span>
  );
}

function MoreRows({ total, shown, onMore }: { readonly total: number; readonly shown: number; readonly onMore: () => void }) {
  const styles = useStyles();
  if (shown >= total) return null;
  return (
    <div className={styles.buttons}>
      <Text className={styles.muted}>
        {formatNumber(shown)} of {formatNumber(total)} shown.
      </Text>
      <Button size="small" onClick={onMore}>
        Show {formatNumber(Math.min(SHOWN, total - shown))} more
      </Button>
    </div>
  );
}

function PlanTable({
  label,
  headers,
  count,
  children,
}: {
  readonly label: string;
  readonly headers: ReadonlyArray<string>;
  readonly count: number;
  readonly children: (shown: number) => ReactNode;
}) {
  const styles = useStyles();
  const table = useTableStyles();
  const [shown, setShown] = useState(SHOWN);
  return (
    <>
      <div className={styles.tableWrap}>
        <Table aria-label={label} size="small" className={table.auto}>
          <TableHeader>
            <TableRow>
              {headers.map((header) => (
                <TableHeaderCell key={header}>{header}</TableHeaderCell>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>{children(shown)}</TableBody>
        </Table>
      </div>
      <MoreRows total={count} shown={Math.min(shown, count)} onMore={() => setShown((n) => n + SHOWN)} />
    </>
  );
}

/** The warning above the rows awaiting approval, worded for what they would link: accounts, groups or both. */
function approvalRisk(items: FixPlan['needsApproval']): { title: string; body: string } {
  const users = items.some((item) => item.resourceType === 'User');
  const groups = items.some((item) => item.resourceType === 'Group');
  const evidence = 'These links rest on weak evidence such as a mail address, a name or an alias alone.';
  const account =
    'If that address was reused or is shared, linking hands this ScimDesk account, and everything it can access, to a different person in Entra.';
  const group = 'If a name or address was reused, linking ties a ScimDesk group to a different Entra group, whose members Entra then provisions into it.';
  if (users && groups) {
    return { title: 'Account takeover and wrong-membership risk', body: `${evidence} ${account} ${group} Approve a row only after checking both sides are the same.` };
  }
  if (groups) return { title: 'Wrong-membership risk', body: `${evidence} ${group} Approve a row only after checking it is the same group.` };
  return { title: 'Account takeover risk', body: `${evidence} ${account} Approve a row only after checking it is the same person.` };
}

function PlanView({ plan }: { readonly plan: FixPlan }) {
  const styles = useStyles();
  const table = useTableStyles();
  const notify = useNotify();
  const restoreFocus = useRestoreFocusTarget();
  const { approvals, planApprovals, include, busy, setFixApproval, previewFix, applyFix } = useAppStore(
    useShallow((s) => ({
      approvals: s.fix.approvals,
      planApprovals: s.fix.planApprovals,
      include: s.fix.include,
      busy: s.fix.plan.status === 'loading',
      setFixApproval: s.setFixApproval,
      previewFix: s.previewFix,
      applyFix: s.applyFix,
    })),
  );
  const [confirming, setConfirming] = useState(false);
  const approved = new Set(approvals);
  const dirty = !sameApprovals(approvals, planApprovals);
  const n = plan.actions.length;
  const links = plan.summary.link;
  const unlinks = plan.summary.unlink;

  return (
    <>
      <div className={styles.badges} role="group" aria-label="Plan summary">
        <Badge appearance="filled" color={n > 0 ? 'brand' : 'subtle'}>
          {plural(links, 'link')}
        </Badge>
        {unlinks > 0 && (
          <Badge appearance="filled" color="warning">
            {plural(unlinks, 'unlink')}
          </Badge>
        )}
        <Badge appearance="tint" color={plan.summary.needsApproval > 0 ? 'warning' : 'subtle'}>
          {formatNumber(plan.summary.needsApproval)} {plan.summary.needsApproval === 1 ? 'needs' : 'need'} approval
        </Badge>
        <Badge appearance="tint" color={plan.summary.refused > 0 ? 'danger' : 'subtle'}>
          {formatNumber(plan.summary.refused)} refused
        </Badge>
        <Badge appearance="tint" color="subtle">
          {formatNumber(plan.summary.left)} left unchanged
        </Badge>
        <Text size={200} className={styles.muted}>
          Previewed {formatDateTimeShort(plan.createdAt)}
          {include !== null ? ` for ${include.map((target) => target.name).join(', ')}` : ' for every record the comparison can fix'}.
        </Text>
      </div>

      <Text as="h3" weight="semibold" className={styles.heading}>
        Changes ({formatNumber(n)})
      </Text>
      {n === 0 ? (
        <Text className={styles.muted}>Nothing to change{plan.summary.needsApproval > 0 ? ' unless you approve the rows below' : ''}.</Text>
      ) : (
        <PlanTable label="Changes" headers={['Record', 'externalId', 'Reason']} count={n}>
          {(shown) =>
            plan.actions.slice(0, shown).map((action) => (
              <TableRow key={`${action.resourceType}:${action.localId}`}>
                <TableCell className={mergeClasses(table.wrap, styles.record)}>
                  <Text weight="semibold">{action.name}</Text>
                  <Text block size={200} className={styles.muted}>
                    {action.resourceType} · {action.kind === 'link' ? 'link' : 'unlink'}
                  </Text>
                  {approved.has(action.localId) && (
                    <Checkbox
                      checked
                      label="Approved"
                      onChange={(_, d) => setFixApproval(action.localId, d.checked === true)}
                      aria-label={`Approved: ${action.name}`}
                    />
                  )}
                </TableCell>
                <TableCell>
                  <Change from={action.from} to={action.to} />
                </TableCell>
                <TableCell className={table.wrap}>
                  <Text size={200}>{action.reason}</Text>
                </TableCell>
              </TableRow>
            ))
          }
        </PlanTable>
      )}

      {plan.needsApproval.length > 0 && (
        <>
          <Text as="h3" weight="semibold" className={styles.heading}>
            Needs your approval ({formatNumber(plan.needsApproval.length)})
          </Text>
          <MessageBar intent="warning" layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>{approvalRisk(plan.needsApproval).title}</MessageBarTitle>
              {approvalRisk(plan.needsApproval).body}
            </MessageBarBody>
          </MessageBar>
          <PlanTable label="Links that need approval" headers={['Approve', 'Record', 'externalId', 'Evidence']} count={plan.needsApproval.length}>
            {(shown) =>
              plan.needsApproval.slice(0, shown).map((item) => (
                <TableRow key={`${item.resourceType}:${item.localId}`}>
                  <TableCell>
                    <Checkbox
                      checked={approved.has(item.localId)}
                      label="Approve"
                      aria-label={`Approve ${item.name}`}
                      onChange={(_, d) => setFixApproval(item.localId, d.checked === true)}
                    />
                  </TableCell>
                  <TableCell className={mergeClasses(table.wrap, styles.record)}>
                    <Text weight="semibold">{item.name}</Text>
                    <Text block size={200}>
                      → {item.candidate.userPrincipalName ?? item.candidate.displayName ?? item.to}
                    </Text>
                  </TableCell>
                  <TableCell>
                    <Change from={item.from} to={item.to} />
                  </TableCell>
                  <TableCell className={table.wrap}>
                    <div className={styles.badges}>
                      <Badge appearance="tint" color={CONFIDENCE_COLORS[item.candidate.confidence]}>
                        {item.candidate.confidence}
                      </Badge>
                      <Text size={200}>matched on {matchedOnText(item.candidate.matchedOn)}</Text>
                    </div>
                    <Text block size={200} className={styles.muted}>
                      {item.reason}
                    </Text>
                  </TableCell>
                </TableRow>
              ))
            }
          </PlanTable>
        </>
      )}

      {plan.refused.length > 0 && (
        <>
          <Text as="h3" weight="semibold" className={styles.heading}>
            Refused ({formatNumber(plan.refused.length)})
          </Text>
          <Text size={200} className={styles.muted}>
            A safety rule stops these changes. Fix the cause (often another record already holds the objectId), compare again, then preview again.
          </Text>
          <PlanTable label="Refused" headers={['Record', 'externalId', 'Why not']} count={plan.refused.length}>
            {(shown) =>
              plan.refused.slice(0, shown).map((item) => (
                <TableRow key={`${item.resourceType}:${item.localId}`}>
                  <TableCell className={mergeClasses(table.wrap, styles.record)}>
                    <Text weight="semibold">{item.name}</Text>
                    <Text block size={200} className={styles.muted}>
                      {item.resourceType}
                    </Text>
                  </TableCell>
                  <TableCell>{item.to ? <Change from={item.from} to={item.to} /> : <Text className={styles.mono}>{item.from ?? 'empty'}</Text>}</TableCell>
                  <TableCell className={table.wrap}>
                    <Text size={200}>{item.reason}</Text>
                  </TableCell>
                </TableRow>
              ))
            }
          </PlanTable>
        </>
      )}

      {plan.left.length > 0 && include !== null && (
        <>
          <Text as="h3" weight="semibold" className={styles.heading}>
            Left as they are ({formatNumber(plan.left.length)})
          </Text>
          <ul className={styles.list}>
            {plan.left.slice(0, SHOWN).map((item) => (
              <li key={`${item.resourceType}:${item.localId}`}>
                <Text>
                  <strong>{item.name}</strong>: {item.reason}
                </Text>
              </li>
            ))}
          </ul>
        </>
      )}

      <div className={styles.applyBar}>
        {(dirty || plan.needsApproval.length > 0) && (
          <Button
            icon={busy ? <Spinner size="tiny" /> : <WrenchRegular />}
            disabled={busy}
            onClick={() => void previewFix()}
            appearance={dirty ? 'primary' : 'secondary'}
          >
            Preview again
          </Button>
        )}
        <Button
          {...restoreFocus}
          appearance={dirty ? 'secondary' : 'primary'}
          icon={<CheckmarkRegular />}
          disabled={n === 0 || dirty || busy}
          onClick={() => setConfirming(true)}
        >
          {`Apply ${plural(n, 'change')}`}
        </Button>
        <Text size={200}>
          {dirty
            ? 'Your approvals changed: preview again to see the plan they make, then apply it.'
            : n === 0
              ? 'Nothing to apply.'
              : 'One transaction, audited, can be undone from Fix history.'}
        </Text>
      </div>

      <ConfirmDialog
        open={confirming}
        title={`Apply ${plural(n, 'change')}?`}
        confirmLabel="Apply changes"
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          await applyFix();
          const outcome = useAppStore.getState().fix.outcome;
          if (outcome?.kind === 'applied') notify(`Applied ${plural(outcome.batch.changes.length, 'change')}`);
        }}
      >
        <div className={styles.confirm}>
          <Text>
            ScimDesk sets <strong>externalId := the Entra objectId</strong> for {plural(links, 'record')}
            {unlinks > 0 ? <> and clears it for {plural(unlinks, 'record')}</> : null}, exactly as listed.
          </Text>
          <ul className={styles.list}>
            <li>All in one transaction: either every change is made or none is (if a record changed since the comparison, nothing is).</li>
            <li>Each change is recorded in the audit trail with your session as the author.</li>
            <li>The whole batch can be undone from Fix history.</li>
            <li>From its next cycle Entra finds these records by their objectId; nothing is sent to Entra now.</li>
          </ul>
        </div>
      </ConfirmDialog>
    </>
  );
}

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

function BatchRow({ batch, onUndo }: { readonly batch: FixBatch; readonly onUndo: (batch: FixBatch) => void }) {
  const styles = useStyles();
  const table = useTableStyles();
  const restoreFocus = useRestoreFocusTarget();
  const [open, setOpen] = useState(false);
  const when = formatDateTime(batch.created);
  return (
    <Fragment>
      <TableRow aria-label={`Fix of ${when}`}>
        <TableCell className={table.nowrap}>{formatDateTimeShort(batch.created)}</TableCell>
        <TableCell>{batch.actor}</TableCell>
        <TableCell className={table.wrap}>
          <Text block>{batch.summary}</Text>
          <Button size="small" appearance="transparent" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Hide' : 'Show'} {plural(batch.changes.length, 'change')}
          </Button>
        </TableCell>
        <TableCell className={table.nowrap}>
          {batch.undone ? (
            <Badge appearance="tint" color="subtle">
              Undone {formatDateTimeShort(batch.undone)}
              {batch.undoneBy ? ` by ${batch.undoneBy}` : ''}
            </Badge>
          ) : (
            <Badge appearance="tint" color="success">
              Applied
            </Badge>
          )}
        </TableCell>
        <TableCell>
          <Button
            {...restoreFocus}
            size="small"
            icon={<ArrowUndoRegular />}
            disabled={batch.undone !== null}
            aria-label={`Undo the fix of ${when}`}
            onClick={() => onUndo(batch)}
          >
            Undo
          </Button>
        </TableCell>
      </TableRow>
      {open && (
        <TableRow className={styles.changes}>
          <TableCell colSpan={5}>
            <ul className={styles.list}>
              {batch.changes.slice(0, 500).map((change) => (
                <li key={`${change.resourceType}:${change.resourceId}`}>
                  <Text>
                    <strong>{change.name}</strong> ({change.resourceType}):{' '}
                    <span className={styles.mono}>
                      {change.before ?? 'empty'} → {change.after ?? 'empty'}
                    </span>
                  </Text>
                </li>
              ))}
            </ul>
            {batch.changes.length > 500 && <Text className={styles.muted}>and {formatNumber(batch.changes.length - 500)} more.</Text>}
          </TableCell>
        </TableRow>
      )}
    </Fragment>
  );
}

function FixHistory() {
  const styles = useStyles();
  const table = useTableStyles();
  const notify = useNotify();
  const { batches, loadFixBatches, undoFixBatch } = useAppStore(
    useShallow((s) => ({ batches: s.fix.batches, loadFixBatches: s.loadFixBatches, undoFixBatch: s.undoFixBatch })),
  );
  const [undoing, setUndoing] = useState<FixBatch | null>(null);

  useEffect(() => {
    void loadFixBatches();
  }, [loadFixBatches]);

  const items = batches.data ?? [];
  return (
    <>
      <Text as="h3" weight="semibold" className={styles.heading} id="fix-history-title">
        <HistoryRegular aria-hidden /> Fix history
      </Text>
      {batches.error && <ErrorBar error={batches.error} title="Could not load the fix history" onRetry={() => void loadFixBatches()} />}
      {!batches.data && batches.status !== 'error' && <Loading label="Loading the fix history…" />}
      {batches.data && items.length === 0 && <Text className={styles.muted}>No fixes applied yet. Each applied plan appears here with an Undo.</Text>}
      {items.length > 0 && (
        <div className={styles.tableWrap}>
          <Table aria-labelledby="fix-history-title" size="small" className={table.auto}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Applied</TableHeaderCell>
                <TableHeaderCell>By</TableHeaderCell>
                <TableHeaderCell>What</TableHeaderCell>
                <TableHeaderCell>State</TableHeaderCell>
                <TableHeaderCell>
                  <span className="visually-hidden">Actions</span>
                </TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((batch) => (
                <BatchRow key={batch.id} batch={batch} onUndo={setUndoing} />
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      <ConfirmDialog
        open={undoing !== null}
        title="Undo this fix?"
        confirmLabel="Undo fix"
        danger
        onClose={() => setUndoing(null)}
        onConfirm={async () => {
          if (!undoing) return;
          await undoFixBatch(undoing.id);
          notify(`Undone: ${plural(undoing.changes.length, 'record')} back as they were`);
        }}
      >
        <Text>
          ScimDesk puts back the previous externalId of the {plural(undoing?.changes.length ?? 0, 'record')} changed on {formatDateTime(undoing?.created)}, in one
          transaction, with an audit entry per record. If any of them changed since, nothing is undone and ScimDesk says which. Compare again afterwards.
        </Text>
      </ConfirmDialog>
    </>
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
