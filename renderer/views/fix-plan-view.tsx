import {
  Badge,
  Button,
  Checkbox,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import { CheckmarkRegular, WrenchRegular } from '@fluentui/react-icons';
import { useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ConfirmDialog } from '../components/confirm-dialog';
import { TableHead } from '../components/data-table';
import { formatDateTimeShort, formatNumber, plural } from '../components/format';
import { useNotify } from '../components/notify';
import { useTableStyles } from '../components/table-styles';
import { sameApprovals, type FixPlan } from '../state/fix-slice';
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
          <TableHead headers={headers} />
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

/** A previewed fix plan: the changes, the links awaiting approval, the refusals, and Apply behind a confirmation. */
export function PlanView({ plan }: { readonly plan: FixPlan }) {
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
