import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { ReactNode } from 'react';
import type { QuarantineAssessment } from '../../shared/admin/contract';
import { TableHead } from '../components/data-table';
import { formatDateTimeShort, formatNumber, plural } from '../components/format';

const useStyles = makeStyles({
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  table: { backgroundColor: tokens.colorNeutralBackground1, maxWidth: '980px' },
  met: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground2 },
});

const percent = (rate: number) => `${formatNumber(Math.round(rate * 1000) / 10)} %`;

/** The banner's title: the strongest reason, in the measured numbers. */
function title(q: QuarantineAssessment): string {
  const window = `in the last ${q.windowHours} hours`;
  if (q.met.refusedCredentials) {
    return `Entra's token was refused (401/403, or 429 when sent too often) ${plural(q.refusedCredentials.count, 'time')} ${window}: Entra quarantines an application for this at once`;
  }
  if (q.met.notFoundQueries) {
    return `Entra's queries got 404 ${plural(q.notFoundQueries.count, 'time')} ${window}: Entra quarantines an application for this at once`;
  }
  const failed = `${formatNumber(q.failures)} of Entra's ${plural(q.operations, 'operation')} failed ${window}`;
  if (q.level === 'met') return `Entra's quarantine thresholds are reached: ${failed}${q.failureRate !== null ? ` (${percent(q.failureRate)})` : ''}`;
  return `${q.failureRate !== null ? `${percent(q.failureRate)} of Entra's operations failed ${window}` : failed}: halfway to a quarantine threshold`;
}

interface RuleRow {
  readonly rule: string;
  readonly measured: ReactNode;
  readonly distance: string;
  readonly met: boolean;
}

/** Each of Microsoft's rules, what was measured against it, and how far it is. */
function ruleRows(q: QuarantineAssessment): RuleRow[] {
  const r = q.rules;
  const since = (last: string | null, open: boolean) =>
    last === null ? '' : `, last ${formatDateTimeShort(last)}${open ? '' : ` (Entra's requests succeed since ${formatDateTimeShort(q.lastSuccess)})`}`;
  const allFailures = q.failures + q.referenceFailures;
  const rateDistance =
    q.failureRate === null
      ? 'no operations yet'
      : q.met.failureRate
        ? `${formatNumber(Math.round((q.failureRate - r.failureRateAbove) * 1000) / 10)} points above`
        : q.failureRate > r.failureRateAbove
          ? `above, but counted only from ${formatNumber(r.evaluationMinimum)} failures`
          : `${formatNumber(Math.round((r.failureRateAbove - q.failureRate) * 1000) / 10)} points below`;
  return [
    {
      rule: 'Refused credentials (401/403, 429 to a wrong token): quarantine at once',
      measured: `${formatNumber(q.refusedCredentials.count)}${since(q.refusedCredentials.last, q.refusedCredentials.open)}`,
      distance: q.refusedCredentials.open ? 'reached' : q.refusedCredentials.count > 0 ? 'fixed since' : 'none',
      met: q.met.refusedCredentials,
    },
    {
      rule: 'A 404 where a query expected 200 (a wrong Tenant URL): quarantine at once',
      measured: `${formatNumber(q.notFoundQueries.count)}${since(q.notFoundQueries.last, q.notFoundQueries.open)}`,
      distance: q.notFoundQueries.open ? 'reached' : q.notFoundQueries.count > 0 ? 'fixed since' : 'none',
      met: q.met.notFoundQueries,
    },
    {
      rule: `Evaluation starts at ${formatNumber(r.evaluationMinimum)} failed operations`,
      measured: plural(q.failures, 'failed operation'),
      distance: q.toEvaluation > 0 ? `${formatNumber(q.toEvaluation)} to go` : 'started',
      met: q.toEvaluation === 0,
    },
    {
      rule: `More than ${percent(r.failureRateAbove)} of operations failed`,
      measured: q.failureRate === null ? 'no operations' : `${percent(q.failureRate)} (${formatNumber(q.failures)} of ${formatNumber(q.operations)})`,
      distance: rateDistance,
      met: q.met.failureRate,
    },
    {
      rule: `More than ${formatNumber(r.failuresAbove)} failed operations`,
      measured: formatNumber(q.failures),
      distance: q.met.failureCount ? 'reached' : `${formatNumber(q.toFailureCount)} to go`,
      met: q.met.failureCount,
    },
    {
      rule: `More than ${formatNumber(r.allFailuresAbove)} failures, group-member and manager updates included`,
      measured: `${formatNumber(allFailures)} (${plural(q.referenceFailures, 'reference failure')})`,
      distance: q.met.allFailures ? 'reached' : `${formatNumber(q.toAllFailures)} to go`,
      met: q.met.allFailures,
    },
  ];
}

/**
 * Entra's own requests measured against Microsoft's quarantine rules: shown while a rule holds or a
 * trend is halfway to one, with every figure and its distance, and a way to the failing requests.
 */
export function QuarantineWatch({
  quarantine: q,
  onShowFailures,
  onGoToToken,
}: {
  readonly quarantine: QuarantineAssessment;
  readonly onShowFailures: () => void;
  readonly onGoToToken: () => void;
}) {
  const styles = useStyles();
  if (q.level === 'clear') return null;
  const retries = q.rules.retryHours.map((hours) => `${hours} h`).join(', ');
  return (
    <MessageBar intent={q.level === 'met' ? 'error' : 'warning'} layout="multiline" data-testid="quarantine-watch">
      <MessageBarBody className={styles.body}>
        <MessageBarTitle>{title(q)}</MessageBarTitle>
        <Text>
          Measured from Entra's {plural(q.entraRequests, 'request')} (those carrying its ADSCIMVersion header) since {formatDateTimeShort(q.since)}, against
          Microsoft's quarantine rules. An operation is a create, update or delete of a user or group, or a query that failed before one.
        </Text>
        <Table size="extra-small" aria-label="Quarantine rules and what was measured" className={styles.table}>
          <TableHead headers={["Microsoft's rule", 'Measured', 'How far']} />
          <TableBody>
            {ruleRows(q).map((row) => (
              <TableRow key={row.rule}>
                <TableCell>{row.rule}</TableCell>
                <TableCell>{row.measured}</TableCell>
                <TableCell className={row.met ? styles.met : undefined}>{row.distance}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <Text size={200} className={styles.muted}>
          Entra retries a failed object after {retries}, then daily for {q.rules.retryDays} days; in quarantine its cycles slow to once a day. Microsoft says these
          thresholds may change.
        </Text>
        {q.met.refusedCredentials && (
          <Text>The Secret Token saved in Entra is wrong, revoked or expired: generate a token and paste it into Entra.</Text>
        )}
        {q.met.notFoundQueries && <Text>The Tenant URL in Entra should be exactly the one below, ending in /scim/v2.</Text>}
      </MessageBarBody>
      <MessageBarActions>
        <Button onClick={onShowFailures}>Show Entra's failed requests</Button>
        {q.met.refusedCredentials && <Button onClick={onGoToToken}>Go to Authentication</Button>}
      </MessageBarActions>
    </MessageBar>
  );
}
