import { Badge, Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Spinner, Text, makeStyles, tokens } from '@fluentui/react-components';
import { PauseRegular, PlayRegular } from '@fluentui/react-icons';
import type { Overview } from '../../shared/admin/contract';
import { pauseSafety, type PauseSafety } from '../../shared/admin/pause-safety';
import { ConfirmButton } from '../components/confirm-dialog';
import { formatDateTimeShort, formatNumber, plural } from '../components/format';
import { ErrorBar } from '../components/load-states';
import { useAction } from '../components/use-action';

const useStyles = makeStyles({
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  paragraph: { margin: 0 },
});

/** "25 minutes", "3 h 10 min", "4 days". */
function duration(minutes: number): string {
  if (minutes < 60) return plural(Math.max(1, Math.round(minutes)), 'minute');
  if (minutes >= 48 * 60) return plural(Math.round(minutes / (24 * 60)), 'day');
  const hours = Math.floor(minutes / 60);
  const rest = Math.round(minutes % 60);
  return rest === 0 ? `${formatNumber(hours)} h` : `${formatNumber(hours)} h ${rest} min`;
}

/** Past this, an estimate says "more than two weeks": Entra disables a job that stays quarantined four weeks anyway. */
const LONGEST_ESTIMATE_HOURS = 14 * 24;

/** The estimate of when Entra would weigh quarantine, or why there is none. */
function estimate(safety: PauseSafety): string {
  if (safety.failuresToEvaluation === 0) return 'Entra has counted 5,000 failed operations in the last 24 hours: enough for it to weigh quarantine.';
  if (safety.operationsPerHour === null || safety.hoursToEvaluation === null) {
    return `Entra sent no operations in the last 24 hours, so there is no pace to estimate from; it starts weighing quarantine after ${formatNumber(safety.failuresToEvaluation)} more failed operations.`;
  }
  const pace = safety.operationsPerHour < 1 ? 'less than one operation an hour' : `about ${plural(Math.round(safety.operationsPerHour), 'operation')} an hour`;
  const time = safety.hoursToEvaluation > LONGEST_ESTIMATE_HOURS ? 'more than two weeks' : `about ${duration(safety.hoursToEvaluation * 60)}`;
  return `At Entra's pace of the last 24 hours (${pace}), it would start weighing quarantine after ${time} more of pause (${formatNumber(safety.failuresToEvaluation)} more failed operations).`;
}

/** Microsoft's quarantine page, "Retry duration". */
const RETRIES = '6, 12 and 24 hours after a change failed, then daily';

/** What the admin reads before pausing: what a pause does, and how long it is safe. */
function PauseQuestion({ safety }: { readonly safety: PauseSafety }) {
  const styles = useStyles();
  return (
    <div className={styles.body}>
      <p className={styles.paragraph}>
        While paused, ScimDesk answers every request from Entra with 503 (Service Unavailable) and writes nothing. Entra keeps what failed and retries it in
        later cycles, so no change is lost.
      </p>
      <p className={styles.paragraph}>
        <strong>Safe for about {safety.safeMinutes} minutes</strong>, one Entra cycle. Longer, and the changes Entra sends meanwhile wait for its retries ({RETRIES}) unless you restart provisioning in Entra after resuming. {estimate(safety)}
      </p>
      <p className={styles.paragraph}>The pause stays in force after ScimDesk or this computer restarts, until you resume.</p>
    </div>
  );
}

/** What the banner says about a pause in force, by how long it has lasted. */
function pausedAdvice(safety: PauseSafety): string {
  if (safety.level === 'quarantine') return `${estimate(safety)} Resume now.`;
  if (safety.level === 'late') {
    return `That is longer than one Entra cycle (about ${safety.safeMinutes} minutes): the changes Entra sent meanwhile wait for its retries (${RETRIES}). After resuming, restart provisioning in Entra (or provision on demand) to get them now. ${estimate(safety)}`;
  }
  return `A pause of up to one Entra cycle (about ${safety.safeMinutes} minutes) is safe: what Entra tries now is retried in a later cycle.`;
}

/** The pause's state on the Overview's endpoint card, with the button that pauses or resumes. */
export function ProvisioningControl({ overview, onPause, onResume }: { readonly overview: Overview; readonly onPause: () => Promise<void>; readonly onResume: () => Promise<void> }) {
  const styles = useStyles();
  const { busy, error, run } = useAction();
  const safety = pauseSafety(overview.provisioning, overview.quarantine, new Date());
  return (
    <div className={styles.body}>
      <div className={styles.row}>
        {overview.provisioning.paused ? (
          <>
            <Badge color="warning" appearance="filled">
              Paused
            </Badge>
            <Button icon={busy ? <Spinner size="tiny" /> : <PlayRegular />} disabled={busy} onClick={() => void run(onResume)}>
              Resume provisioning
            </Button>
          </>
        ) : (
          <>
            <Badge color="success" appearance="tint">
              Accepting changes
            </Badge>
            <ConfirmButton
              icon={<PauseRegular />}
              label="Pause provisioning"
              title="Pause provisioning?"
              confirmLabel="Pause provisioning"
              onConfirm={async () => {
                await onPause();
                return 'Provisioning paused';
              }}
            >
              <PauseQuestion safety={safety} />
            </ConfirmButton>
          </>
        )}
      </div>
      {error && <ErrorBar error={error} title="Could not resume provisioning" />}
    </div>
  );
}

/** The banner at the top of the Overview while provisioning is paused: since when, by whom, how safe, and Resume. */
export function PausedBanner({ overview, onResume }: { readonly overview: Overview; readonly onResume: () => Promise<void> }) {
  const styles = useStyles();
  const { busy, error, run } = useAction();
  const { provisioning } = overview;
  if (!provisioning.paused || provisioning.since === null) return null;
  const safety = pauseSafety(provisioning, overview.quarantine, new Date());
  return (
    <MessageBar intent={safety.level === 'quarantine' ? 'error' : 'warning'} layout="multiline" data-testid="provisioning-paused">
      <MessageBarBody className={styles.body}>
        <MessageBarTitle>Provisioning is paused: Entra's requests get 503</MessageBarTitle>
        <Text>
          Paused {formatDateTimeShort(provisioning.since)} ({duration(safety.pausedMinutes ?? 0)} ago) by {provisioning.by}. {pausedAdvice(safety)}
        </Text>
        {error && <ErrorBar error={error} title="Could not resume provisioning" />}
      </MessageBarBody>
      <MessageBarActions>
        <Button appearance="primary" icon={busy ? <Spinner size="tiny" /> : <PlayRegular />} disabled={busy} onClick={() => void run(onResume)}>
          Resume provisioning
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
