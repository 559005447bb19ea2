import {
  Button,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Spinner,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { ShieldErrorRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { BreakerSettings, type BreakerView, type HeldOperationView, type Overview } from '../../shared/admin/contract';
import { ConfirmButton } from '../components/confirm-dialog';
import { fieldValidation, SubmitForm } from '../components/form';
import { formatDateTimeShort, formatNumber, plural } from '../components/format';
import { ErrorBar, Loading } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Section } from '../components/page';
import { TableHead } from '../components/data-table';
import { useTableStyles } from '../components/table-styles';
import { useAction } from '../components/use-action';
import { useLoadOnShow } from '../components/use-load-on-show';
import { useAppStore } from '../state/store';

const useStyles = makeStyles({
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: { display: 'flex', alignItems: 'flex-end', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  number: { width: '9em' },
  muted: { color: tokens.colorNeutralForeground3 },
  paragraph: { margin: 0 },
});

/** Microsoft's quarantine page, "Retry duration". */
const RETRIES = 'in its next cycle, then 6, 12 and 24 hours later, then daily';

/** What Entra sees of a held operation, and what that means for quarantine: the banner and the panel say the same. */
function WhatEntraSees({ breaker, overview }: { readonly breaker: BreakerView; readonly overview?: Overview }) {
  const styles = useStyles();
  const toEvaluation = overview?.quarantine.toEvaluation;
  return (
    <>
      <p className={styles.paragraph}>
        Entra is answered 503 (Service Unavailable) with Retry-After {formatNumber(breaker.retryAfterSeconds)} s for each held deactivation and delete, and
        nothing is changed. Entra logs it as failed and retries it {RETRIES}; a retry of a held operation is counted on it, not held twice. Creates and updates
        go through as usual.
      </p>
      <p className={styles.paragraph}>
        Each held answer counts as a failed operation in Entra's quarantine rules: it starts weighing quarantine after 5,000 failures
        {toEvaluation !== undefined ? ` (${formatNumber(toEvaluation)} more now)` : ''} and quarantines above 40 % failed, then runs once a day. Decide
        before that; after approving, Entra's next retries find the records already deprovisioned and succeed.
      </p>
    </>
  );
}

/** The Overview's banner while the breaker holds operations: how many, why, what Entra sees, and the way to the held list. */
export function BreakerBanner({ overview }: { readonly overview: Overview }) {
  const styles = useStyles();
  const { breaker, loadBreaker, navigate } = useAppStore(useShallow((s) => ({ breaker: s.breaker, loadBreaker: s.loadBreaker, navigate: s.navigate })));
  useLoadOnShow(loadBreaker);
  const view = breaker.data;
  if (!view || (view.held === 0 && view.tripped === null)) return null;
  return (
    <MessageBar intent="error" layout="multiline" data-testid="breaker-tripped">
      <MessageBarBody className={styles.body}>
        <MessageBarTitle>
          Mass deprovisioning held: {plural(view.held, 'deactivation or delete', 'deactivations and deletes')} wait for you
        </MessageBarTitle>
        <Text>
          {view.tripped ? `Since ${formatDateTimeShort(view.tripped.since)}: ${view.tripped.reason}.` : ''} Review them, then approve (a snapshot is taken
          first) or reject them.
        </Text>
        <WhatEntraSees breaker={view} overview={overview} />
      </MessageBarBody>
      <MessageBarActions>
        <Button appearance="primary" onClick={() => navigate('directory')}>
          Review held operations
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}

/** What a held operation would do, in one line. */
function describe(held: HeldOperationView): string {
  if (held.method === 'DELETE') return `Delete the ${held.resourceType.toLowerCase()}`;
  if (held.method === 'PUT') return 'Deactivate (active = false), replacing the whole user (PUT)';
  const others = held.changes.filter((change) => change.path?.toLowerCase() !== 'active');
  const rest = others.map((change) => `${change.op} ${change.path ?? '(several attributes)'}`).join(', ');
  return `Deactivate (active = false)${rest ? `, and ${rest}` : ''}`;
}

function HeldList({ items }: { readonly items: ReadonlyArray<HeldOperationView> }) {
  const styles = useStyles();
  const table = useTableStyles();
  const { approveHeld, rejectHeld } = useAppStore(useShallow((s) => ({ approveHeld: s.approveHeld, rejectHeld: s.rejectHeld })));
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const chosen = items.filter((held) => selected.has(held.id)).map((held) => held.id);
  const toggle = (id: number, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  // A failure stays in the dialog (nothing was changed), where the admin can read it and try again.
  const approve = async (ids: ReadonlyArray<number> | null) => {
    const result = await approveHeld(ids);
    setSelected(new Set());
    const skipped = result.skipped.length;
    return `Applied ${plural(result.applied, 'held operation')} after a snapshot${skipped > 0 ? `; ${plural(skipped, 'was', 'were')} skipped: the record changed since Entra sent it` : ''}`;
  };
  const reject = async (ids: ReadonlyArray<number> | null) => {
    const result = await rejectHeld(ids);
    setSelected(new Set());
    return `Rejected ${plural(result.rejected, 'held operation')}: nothing was changed`;
  };
  const all = items.length > 0 && chosen.length === items.length;
  return (
    <div className={styles.body}>
      <Table size="small" aria-label="Held deactivations and deletes, oldest first" className={table.auto}>
        <TableHead
          headers={[
            <Checkbox
              key="all"
              aria-label="Select all held operations"
              checked={all ? true : chosen.length > 0 ? 'mixed' : false}
              onChange={(_, data) => setSelected(data.checked === true ? new Set(items.map((held) => held.id)) : new Set())}
            />,
            'User or group',
            'What it would do',
            'Entra sent it',
            'Retries',
          ]}
        />
        <TableBody>
          {items.map((held) => (
            <TableRow key={held.id}>
              <TableCell>
                <Checkbox aria-label={`Select ${held.userName ?? held.displayName ?? held.resourceId}`} checked={selected.has(held.id)} onChange={(_, data) => toggle(held.id, data.checked === true)} />
              </TableCell>
              <TableCell className={table.wrap}>
                {held.userName ?? held.displayName ?? held.resourceId}
                <Text size={200} className={styles.muted} block>
                  {held.resourceType} {held.resourceId}
                </Text>
              </TableCell>
              <TableCell className={table.wrap}>{describe(held)}</TableCell>
              <TableCell className={table.nowrap}>
                {formatDateTimeShort(held.firstReceived)}
                {held.retries > 0 && (
                  <Text size={200} className={styles.muted} block>
                    last {formatDateTimeShort(held.lastReceived)}
                  </Text>
                )}
              </TableCell>
              <TableCell>{formatNumber(held.retries)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <div className={styles.buttons}>
        <ConfirmButton
          appearance="primary"
          label={`Approve all (${formatNumber(items.length)})`}
          title="Approve every held operation?"
          confirmLabel="Take a snapshot and apply"
          danger
          onConfirm={() => approve(null)}
        >
          ScimDesk takes a snapshot of its database, then applies all {plural(items.length, 'held operation')} in one transaction. One whose record changed since
          Entra sent it is skipped.
        </ConfirmButton>
        <ConfirmButton
          label={`Approve selected (${formatNumber(chosen.length)})`}
          title="Approve the selected held operations?"
          confirmLabel="Take a snapshot and apply"
          danger
          disabled={chosen.length === 0}
          onConfirm={() => approve(chosen)}
        >
          ScimDesk takes a snapshot of its database, then applies {plural(chosen.length, 'held operation')} in one transaction.
        </ConfirmButton>
        <ConfirmButton label="Reject all" title="Reject every held operation?" confirmLabel="Reject" onConfirm={() => reject(null)}>
          The held operations are discarded and nothing is changed. Entra still considers them failed and sends them again in later cycles; fix the scope or the
          mapping in Entra first, or they are held again.
        </ConfirmButton>
        <ConfirmButton
          label={`Reject selected (${formatNumber(chosen.length)})`}
          title="Reject the selected held operations?"
          confirmLabel="Reject"
          disabled={chosen.length === 0}
          onConfirm={() => reject(chosen)}
        >
          {plural(chosen.length, 'held operation')} will be discarded and nothing changed. Entra sends them again in later cycles unless its source changes.
        </ConfirmButton>
      </div>
    </div>
  );
}

interface SettingsForm {
  readonly enabled: boolean;
  readonly count: string;
  readonly percent: string;
  readonly mode: 'minutes' | 'cycle';
  readonly minutes: string;
  readonly silence: string;
}

const toForm = (settings: BreakerSettings): SettingsForm => ({
  enabled: settings.enabled,
  count: settings.maxCount === null ? '' : String(settings.maxCount),
  percent: settings.maxPercent === null ? '' : String(settings.maxPercent),
  mode: settings.window.mode,
  minutes: settings.window.mode === 'minutes' ? String(settings.window.minutes) : '60',
  silence: settings.window.mode === 'cycle' ? String(settings.window.silenceMinutes) : '10',
});

const fromForm = (form: SettingsForm) => ({
  enabled: form.enabled,
  maxCount: form.count.trim() === '' ? null : Number(form.count),
  maxPercent: form.percent.trim() === '' ? null : Number(form.percent),
  window: form.mode === 'minutes' ? { mode: 'minutes' as const, minutes: Number(form.minutes) } : { mode: 'cycle' as const, silenceMinutes: Number(form.silence) },
});

function BreakerSettingsForm({ view }: { readonly view: BreakerView }) {
  const styles = useStyles();
  const notify = useNotify();
  const saveBreakerSettings = useAppStore((s) => s.saveBreakerSettings);
  const [form, setForm] = useState(() => toForm(view.settings));
  const { busy, error, run } = useAction();
  const checked = BreakerSettings.safeParse(fromForm(form));
  const issue = (path: string) => (checked.success ? undefined : checked.error.issues.find((item) => item.path.join('.') === path)?.message);
  const change = (patch: Partial<SettingsForm>) => setForm((current) => ({ ...current, ...patch }));
  const save = async () => {
    if (!checked.success) return;
    if (await run(() => saveBreakerSettings(checked.data))) notify('Breaker settings saved');
  };
  return (
    <SubmitForm className={styles.body} onSubmit={() => void save()}>
      <Switch label="Hold deactivations and deletes past the limit" checked={form.enabled} onChange={(_, data) => change({ enabled: data.checked })} />
      <div className={styles.row}>
        <Field label="At most (count)" hint="Empty: no count limit" {...fieldValidation(issue('maxCount'))}>
          <Input className={styles.number} type="number" min={1} value={form.count} onChange={(_, data) => change({ count: data.value })} />
        </Field>
        <Field label="or at most (% of users and groups)" hint="Empty: no percentage" {...fieldValidation(issue('maxPercent'))}>
          <Input className={styles.number} type="number" min={0.1} max={100} step={0.1} value={form.percent} onChange={(_, data) => change({ percent: data.value })} />
        </Field>
      </div>
      <Field label="Counted within">
        <RadioGroup value={form.mode} onChange={(_, data) => change({ mode: data.value === 'cycle' ? 'cycle' : 'minutes' })}>
          <Radio value="minutes" label="The last minutes (a sliding window)" />
          <Radio value="cycle" label="Entra's current cycle (it starts after a silence)" />
        </RadioGroup>
      </Field>
      {form.mode === 'minutes' ? (
        <Field label="Minutes" {...fieldValidation(issue('window.minutes'))}>
          <Input className={styles.number} type="number" min={1} value={form.minutes} onChange={(_, data) => change({ minutes: data.value })} />
        </Field>
      ) : (
        <Field label="Minutes of silence that end a cycle" {...fieldValidation(issue('window.silenceMinutes'))}>
          <Input className={styles.number} type="number" min={1} value={form.silence} onChange={(_, data) => change({ silence: data.value })} />
        </Field>
      )}
      <Text size={200} className={styles.muted}>
        Now: {plural(view.window.applied, 'deactivation or delete', 'deactivations and deletes')} applied in the window, limit{' '}
        {view.window.limit === null ? 'none' : `${formatNumber(view.window.limit)} (${view.window.by === 'percent' ? `by percentage of ${formatNumber(view.window.records)} users and groups, never under 5` : 'by count'})`}.
      </Text>
      {error && <ErrorBar error={error} title="The breaker settings were not saved" />}
      <div className={styles.buttons}>
        <Button type="submit" appearance="primary" disabled={busy || !checked.success} icon={busy ? <Spinner size="tiny" /> : undefined}>
          Save breaker settings
        </Button>
      </div>
    </SubmitForm>
  );
}

/** The Directory screen's breaker section: the held list (approve or reject) and the limit. */
export function BreakerPanel() {
  const styles = useStyles();
  const { breaker, heldOperations, loadBreaker, loadHeldOperations } = useAppStore(
    useShallow((s) => ({ breaker: s.breaker, heldOperations: s.heldOperations, loadBreaker: s.loadBreaker, loadHeldOperations: s.loadHeldOperations })),
  );
  useLoadOnShow(loadBreaker, loadHeldOperations);
  const view = breaker.data;
  const items = heldOperations.data ?? [];
  return (
    <Section title="Mass-deprovisioning breaker" icon={<ShieldErrorRegular />}>
      {breaker.error && <ErrorBar error={breaker.error} title="Could not load the breaker" onRetry={() => void loadBreaker()} />}
      {heldOperations.error && <ErrorBar error={heldOperations.error} title="Could not load the held operations" onRetry={() => void loadHeldOperations()} />}
      {!view ? (
        !breaker.error && <Loading label="Loading the breaker…" />
      ) : (
        <div className={styles.body}>
          <Text className={styles.muted}>
            When Entra deactivates or deletes more users and groups within a window than the limit allows, ScimDesk holds the ones past it for you to approve
            or reject. Creates and updates keep flowing.
          </Text>
          {view.tripped && (
            <MessageBar intent="error" layout="multiline" data-testid="breaker-held-state">
              <MessageBarBody className={styles.body}>
                <MessageBarTitle>Holding since {formatDateTimeShort(view.tripped.since)}</MessageBarTitle>
                <Text>{view.tripped.reason}. Every further deactivation and delete is held until the list below is empty.</Text>
                <WhatEntraSees breaker={view} />
              </MessageBarBody>
            </MessageBar>
          )}
          {items.length > 0 ? <HeldList key={items.map((held) => held.id).join(',')} items={items} /> : <Text>No operations are held.</Text>}
          <BreakerSettingsForm key={JSON.stringify(view.settings)} view={view} />
        </div>
      )}
    </Section>
  );
}
