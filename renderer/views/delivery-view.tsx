import {
  Badge,
  Button,
  Checkbox,
  Field,
  Input,
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
import { AddRegular, ArrowRepeatAllRegular, SendRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { CHANGE_TYPES, DEFAULT_PAUSE_AFTER, MAX_PAUSE_AFTER, type ChangeType, type SubscriptionView } from '../../shared/admin/contract';
import { ConfirmButton } from '../components/confirm-dialog';
import { TableHead } from '../components/data-table';
import { FormDialog } from '../components/form-dialog';
import { formatDateTime, formatNumber, formatRelative } from '../components/format';
import { EmptyState, ErrorBar, Loading } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Page, Section } from '../components/page';
import { useTableStyles } from '../components/table-styles';
import { useAction } from '../components/use-action';
import { useLoadOnShow } from '../components/use-load-on-show';
import { useAppStore } from '../state/store';
import { CredentialsSection, ShownOnce } from './delivery-credentials-panel';
import { ExportSchedules } from './export-schedules';

const useStyles = makeStyles({
  muted: { color: tokens.colorNeutralForeground2 },
  wrap: { overflowX: 'auto' },
  url: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
  actions: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
  events: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(210px, 1fr))' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

/** Paused by the worker (after its failures, or for a missing signing secret), not by an administrator: worth an alert. */
function pausedByWorker(subscription: SubscriptionView): boolean {
  return subscription.paused !== null && /^Paused (after|because)/.test(subscription.pauseReason ?? '');
}

/** The health of a subscription in words: caught up, behind by N, retrying, or paused with the error. */
export function HealthBadge({ subscription }: { readonly subscription: SubscriptionView }) {
  switch (subscription.health) {
    case 'caughtUp':
      return <Badge appearance="tint" color="success">Caught up</Badge>;
    case 'behind':
      return <Badge appearance="tint" color="informative">Behind by {formatNumber(subscription.behind)}</Badge>;
    case 'retrying':
      return <Badge appearance="tint" color="warning">Retrying ({subscription.failures} failed)</Badge>;
    case 'paused':
      return <Badge appearance="filled" color="danger">Paused</Badge>;
  }
}

function SubscribeDialog({ open, onClose }: { readonly open: boolean; readonly onClose: () => void }) {
  const styles = useStyles();
  const subscribeWebhook = useAppStore((s) => s.subscribeWebhook);
  const { busy, error, run } = useAction();
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [events, setEvents] = useState<ChangeType[]>([]);
  const [users, setUsers] = useState(true);
  const [groups, setGroups] = useState(true);
  const [attributes, setAttributes] = useState('');
  const [pauseAfter, setPauseAfter] = useState(String(DEFAULT_PAUSE_AFTER));
  const [made, setMade] = useState<{ id: string; secret: string } | null>(null);
  const reset = () => {
    setUrl('');
    setSecret('');
    setEvents([]);
    setUsers(true);
    setGroups(true);
    setAttributes('');
    setPauseAfter(String(DEFAULT_PAUSE_AFTER));
  };
  if (made) {
    return (
      <ShownOnce title="Subscription added" value={made.secret} what="Signing secret" onClose={() => (setMade(null), onClose())}>
        <Text>
          Give this signing secret to the receiver: it verifies the <code>webhook-signature</code> header of every delivery with it (Standard Webhooks).
          Subscription id: <code>{made.id}</code>
        </Text>
      </ShownOnce>
    );
  }
  const resourceTypes = [...(users ? (['User'] as const) : []), ...(groups ? (['Group'] as const) : [])];
  const pauseAfterValue = Number(pauseAfter.trim());
  const pauseAfterValid = /^\d+$/.test(pauseAfter.trim()) && pauseAfterValue >= 1 && pauseAfterValue <= MAX_PAUSE_AFTER;
  return (
    <FormDialog
      open={open}
      title="Add a webhook subscription"
      busy={busy}
      onOpen={reset}
      onClose={onClose}
      submitLabel="Add subscription"
      submitDisabled={url.trim() === '' || resourceTypes.length === 0 || !pauseAfterValid}
      contentClassName={styles.form}
      onSubmit={() =>
        void run(async () => {
          const result = await subscribeWebhook({
            url: url.trim(),
            ...(secret.trim() ? { secret: secret.trim() } : {}),
            pauseAfter: pauseAfterValue,
            ...(events.length > 0 ? { events } : {}),
            ...(resourceTypes.length === 1 ? { resourceTypes: [...resourceTypes] } : {}),
            ...(attributes.trim() ? { attributes: attributes.split(',').map((a) => a.trim()).filter(Boolean) } : {}),
          });
          setMade({ id: result.subscription.id, secret: result.secret });
        })
      }
    >
      {error && <ErrorBar error={error} title="The subscription was not added" />}
      <Field label="Receiver URL" required hint="https:// is verified; a receiver in your network may use http://. Never ScimDesk's own admin API.">
        <Input value={url} onChange={(_, data) => setUrl(data.value)} placeholder="https://hr.contoso.local/scim-changes" />
      </Field>
      <Field label="Changes of">
        <div className={styles.actions}>
          <Checkbox label="Users" checked={users} onChange={(_, data) => setUsers(data.checked === true)} />
          <Checkbox label="Groups" checked={groups} onChange={(_, data) => setGroups(data.checked === true)} />
        </div>
      </Field>
      <Field label="Events" hint="None ticked: every event.">
        <div className={styles.events}>
          {CHANGE_TYPES.map((type) => (
            <Checkbox
              key={type}
              label={type}
              checked={events.includes(type)}
              onChange={(_, data) => setEvents((current) => (data.checked === true ? [...current, type] : current.filter((t) => t !== type)))}
            />
          ))}
        </div>
      </Field>
      <Field label="Only updates of these attributes" hint="Comma-separated, e.g. active, department. Empty: every update.">
        <Input value={attributes} onChange={(_, data) => setAttributes(data.value)} />
      </Field>
      <Field
        label="Pause after failed attempts"
        hint={`Failed deliveries in a row (1 to ${MAX_PAUSE_AFTER}) after which this subscription is paused until you resume it. Set now only: to change it, add the subscription again.`}
        validationMessage={pauseAfterValid ? undefined : `A whole number from 1 to ${MAX_PAUSE_AFTER}`}
      >
        <Input value={pauseAfter} onChange={(_, data) => setPauseAfter(data.value)} inputMode="numeric" />
      </Field>
      <Field label="Signing secret" hint="whsec_ followed by base64. Leave empty to have one generated. Kept in the secret store, never in the database.">
        <Input value={secret} onChange={(_, data) => setSecret(data.value)} type="password" />
      </Field>
    </FormDialog>
  );
}

function ReplayDialog({ subscription, onClose }: { readonly subscription: SubscriptionView; readonly onClose: () => void }) {
  const replaySubscription = useAppStore((s) => s.replaySubscription);
  const oldest = useAppStore((s) => s.delivery.data?.outbox.oldest ?? 1);
  const { busy, error, run } = useAction();
  const [from, setFrom] = useState(String(Math.max(oldest, subscription.deliveredSeq)));
  const fromSeq = Number(from);
  const valid = Number.isInteger(fromSeq) && fromSeq >= 1;
  return (
    <FormDialog
      open
      title="Replay changes"
      busy={busy}
      onClose={onClose}
      submitLabel="Replay"
      submitDisabled={!valid}
      onSubmit={() => void run(() => replaySubscription(subscription.id, fromSeq)).then((done) => done && onClose())}
    >
      {error && <ErrorBar error={error} title="Not replayed" />}
      <Field label="From change number" hint={`Every change from this number on is sent again, in order (the oldest kept is ${formatNumber(oldest)}).`} validationMessage={valid ? undefined : 'A whole number from 1'}>
        <Input value={from} onChange={(_, data) => setFrom(data.value)} inputMode="numeric" />
      </Field>
    </FormDialog>
  );
}

function SubscriptionRow({ subscription }: { readonly subscription: SubscriptionView }) {
  const styles = useStyles();
  const notify = useNotify();
  const { changeSubscription, sendTestEvent, loadDeliveryLog } = useAppStore(
    useShallow((s) => ({ changeSubscription: s.changeSubscription, sendTestEvent: s.sendTestEvent, loadDeliveryLog: s.loadDeliveryLog })),
  );
  const { busy, run } = useAction();
  const [replaying, setReplaying] = useState(false);
  const act = (work: () => Promise<unknown>, done: string) => void run(work).then((ok) => notify(ok ? done : 'That did not work: see the delivery log', ok ? 'success' : 'error'));
  return (
    <TableRow>
      <TableCell>
        <Text className={styles.url}>{subscription.url}</Text>
        <br />
        <Text size={200} className={styles.muted}>
          {subscription.events ? subscription.events.join(', ') : 'every event'}
          {subscription.filter?.resourceTypes ? ` · ${subscription.filter.resourceTypes.join(', ')} only` : ''}
          {subscription.filter?.attributes ? ` · updates of ${subscription.filter.attributes.join(', ')}` : ''}
          {` · pauses after ${formatNumber(subscription.pauseAfter)} failed ${subscription.pauseAfter === 1 ? 'attempt' : 'attempts'}`}
        </Text>
      </TableCell>
      <TableCell>
        <HealthBadge subscription={subscription} />
        {(subscription.pauseReason || subscription.lastError) && (
          <Text size={200} block className={styles.muted}>
            {subscription.pauseReason ?? subscription.lastError}
          </Text>
        )}
      </TableCell>
      <TableCell>{formatNumber(subscription.deliveredSeq)}</TableCell>
      <TableCell>{formatRelative(subscription.lastSuccess, new Date(), 'never')}</TableCell>
      <TableCell>
        <div className={styles.actions}>
          <Button size="small" icon={<SendRegular />} disabled={busy} onClick={() => act(async () => {
            const attempt = await sendTestEvent(subscription.id);
            if (attempt.error) throw new Error(attempt.error);
          }, 'Test event delivered')}>
            Send a test event
          </Button>
          <Button size="small" onClick={() => void loadDeliveryLog(subscription.id)}>
            Log
          </Button>
          {subscription.paused ? (
            <Button size="small" disabled={busy} onClick={() => act(() => changeSubscription('resume', subscription.id), 'Resumed')}>
              Resume
            </Button>
          ) : (
            <Button size="small" disabled={busy} onClick={() => act(() => changeSubscription('pause', subscription.id), 'Paused')}>
              Pause
            </Button>
          )}
          <Button size="small" icon={<ArrowRepeatAllRegular />} onClick={() => setReplaying(true)}>
            Replay
          </Button>
          <ConfirmButton
            size="small"
            label="Remove"
            title="Remove this subscription?"
            confirmLabel="Remove"
            danger
            onConfirm={() => changeSubscription('remove', subscription.id)}
          >
            Nothing more is delivered to {subscription.url}, and its delivery log goes with it.
          </ConfirmButton>
        </div>
        {replaying && <ReplayDialog subscription={subscription} onClose={() => setReplaying(false)} />}
      </TableCell>
    </TableRow>
  );
}

function DeliveryLogPanel() {
  const styles = useStyles();
  const table = useTableStyles();
  const log = useAppStore((s) => s.deliveryLog);
  if (log.status === 'idle') return null;
  if (log.error) return <ErrorBar error={log.error} title="The delivery log could not be read" />;
  if (!log.data) return <Loading label="Reading the delivery log…" />;
  return (
    <Section title={`Delivery log of ${log.data.id}`}>
      {log.data.items.length === 0 ? (
        <Text className={styles.muted}>Nothing sent yet.</Text>
      ) : (
        <div className={styles.wrap}>
          <Table size="small" aria-label="Delivery log" className={table.auto}>
            <TableHead headers={['Time', 'Outcome', 'Response', 'Latency', 'Changes', 'Error']} />
            <TableBody>
              {log.data.items.map((entry) => (
                <TableRow key={entry.seq}>
                  <TableCell>{formatDateTime(entry.time)}</TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={entry.outcome === 'failed' ? 'danger' : entry.outcome === 'test' ? 'informative' : 'success'}>
                      {entry.outcome}
                    </Badge>
                  </TableCell>
                  <TableCell>{entry.responseCode ?? '—'}</TableCell>
                  <TableCell>{entry.latencyMs} ms</TableCell>
                  <TableCell>{entry.fromSeq === null ? 'test event' : `${entry.fromSeq}–${entry.toSeq} (${entry.count})`}</TableCell>
                  <TableCell>{entry.error ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </Section>
  );
}

/** The Overview's line about delivery: shown only when a subscription was paused after failing, with the way to it. */
export function DeliveryAlert() {
  const { delivery, loadDelivery, navigate } = useAppStore(useShallow((s) => ({ delivery: s.delivery, loadDelivery: s.loadDelivery, navigate: s.navigate })));
  useLoadOnShow(loadDelivery);
  const paused = delivery.data?.subscriptions.filter(pausedByWorker) ?? [];
  if (paused.length === 0) return null;
  return (
    <MessageBar intent="error" layout="multiline" data-testid="delivery-alert">
      <MessageBarBody>
        <MessageBarTitle>{paused.length === 1 ? 'A webhook subscription is paused' : `${paused.length} webhook subscriptions are paused`}</MessageBarTitle>
        {paused.map((s) => `${s.url}: ${s.lastError ?? s.pauseReason ?? ''}`).join('; ')}
      </MessageBarBody>
      <MessageBarActions>
        <Button onClick={() => navigate('delivery')}>Open Delivery</Button>
      </MessageBarActions>
    </MessageBar>
  );
}

/**
 * Delivery: what leaves ScimDesk for the on-premises system. Webhook subscriptions with their health at
 * a glance, the delivery log, replay and a test event; read-only credentials for SCIM reads and the
 * change feed; and the export schedules.
 */
export function DeliveryView() {
  const styles = useStyles();
  const table = useTableStyles();
  const delivery = useAppStore((s) => s.delivery);
  const loadDelivery = useAppStore((s) => s.loadDelivery);
  const [adding, setAdding] = useState(false);
  useLoadOnShow(loadDelivery);
  const view = delivery.data;
  const paused = view?.subscriptions.filter(pausedByWorker) ?? [];
  return (
    <Page
      title="Delivery"
      description="Every committed change of users and groups is kept in order in an outbox: webhooks push it to your systems, signed; read-only credentials read it as a feed."
      actions={
        <Button appearance="primary" icon={<AddRegular />} onClick={() => setAdding(true)}>
          Add subscription
        </Button>
      }
    >
      {delivery.error && <ErrorBar error={delivery.error} title="Delivery could not be read" onRetry={() => void loadDelivery()} />}
      {!view && !delivery.error && <Loading label="Reading subscriptions…" />}
      {paused.map((s) => (
        <MessageBar key={s.id} intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Deliveries to {s.url} are paused</MessageBarTitle>
            {s.pauseReason}. Changes wait in the outbox{s.pauseReason?.startsWith('Paused after') ? ': fix the receiver, then resume.' : '.'}
          </MessageBarBody>
        </MessageBar>
      ))}
      {view && (
        <Section title="Webhook subscriptions">
          <Text className={styles.muted}>
            {view.outbox.kept === 0
              ? 'Outbox: no change recorded yet.'
              : `Outbox: changes ${formatNumber(view.outbox.oldest)}–${formatNumber(view.outbox.head)} kept (${formatNumber(view.outbox.kept)}).`}
          </Text>
          {view.subscriptions.length === 0 ? (
            <EmptyState title="No subscriptions yet">Add one to have every change POSTed, signed, to a receiver in your network.</EmptyState>
          ) : (
            <div className={styles.wrap}>
              <Table aria-label="Webhook subscriptions" className={table.auto}>
                <TableHead headers={['Receiver', 'Health', 'Delivered through', 'Last delivery', '']} />
                <TableBody>
                  {view.subscriptions.map((subscription) => (
                    <SubscriptionRow key={subscription.id} subscription={subscription} />
                  ))}
                </TableBody>
              </Table>
            </div>
          )}
        </Section>
      )}
      <DeliveryLogPanel />
      <CredentialsSection />
      <ExportSchedules />
      <SubscribeDialog open={adding} onClose={() => setAdding(false)} />
    </Page>
  );
}
