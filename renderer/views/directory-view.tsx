import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Radio,
  RadioGroup,
  Spinner,
  Text,
  Textarea,
  makeStyles,
  mergeClasses,
  tokens,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import { BuildingRegular, DeleteRegular, KeyRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { DirectorySettings, type TokenInfo } from '../../shared/admin/contract';
import { type AdminCallError } from '../api/client';
import { ConfirmDialog } from '../components/confirm-dialog';
import { DataTable } from '../components/data-table';
import { SubmitForm, fieldValidation } from '../components/form';
import { formatDateTimeShort } from '../components/format';
import { ErrorBar, Loading } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Page, Section } from '../components/page';
import { BreakerPanel } from './held-operations';
import { useTableStyles } from '../components/table-styles';
import { TokenSummary } from '../components/token-summary';
import { useAction } from '../components/use-action';
import { useAppStore } from '../state/store';
import { GenerateTokenDialog } from './token-dialogs';
import { AuthMethods } from './auth-methods';

const useStyles = makeStyles({
  columns: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))', gap: tokens.spacingHorizontalL, alignItems: 'start' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  days: { display: 'flex', alignItems: 'flex-end', gap: tokens.spacingHorizontalS, paddingLeft: tokens.spacingHorizontalXXL },
  daysInput: { width: '120px' },
  readOnly: {
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
  },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  hint: { fontFamily: tokens.fontFamilyMonospace },
  muted: { color: tokens.colorNeutralForeground2 },
});

interface DirectoryForm {
  name: string;
  description: string;
  mode: 'hard' | 'retain';
  days: string;
  duplicates: DirectorySettings['duplicateExternalIds'];
}

function toForm(settings: DirectorySettings): DirectoryForm {
  return {
    name: settings.name,
    description: settings.description,
    mode: settings.onDelete.mode,
    days: settings.onDelete.mode === 'retain' ? String(settings.onDelete.days) : '30',
    duplicates: settings.duplicateExternalIds,
  };
}

function fromForm(form: DirectoryForm): DirectorySettings {
  return {
    name: form.name,
    description: form.description,
    onInactive: 'suspend',
    onDelete: form.mode === 'hard' ? { mode: 'hard' } : { mode: 'retain', days: form.days.trim() === '' ? Number.NaN : Number(form.days) },
    duplicateExternalIds: form.duplicates,
  };
}

/** Field messages from the contract's own schema (client side) or from the server's `issues`. */
function issuesOf(form: DirectoryForm, serverError: AdminCallError | null): Record<string, string> {
  const messages: Record<string, string> = {};
  const parsed = DirectorySettings.safeParse(fromForm(form));
  if (!parsed.success) for (const issue of parsed.error.issues) messages[issue.path.map(String).join('.')] ??= issue.message;
  for (const issue of serverError?.issues ?? []) messages[issue.path] ??= issue.message;
  return messages;
}

function DirectoryPanel({ settings }: { readonly settings: DirectorySettings }) {
  const styles = useStyles();
  const notify = useNotify();
  const saveDirectory = useAppStore((s) => s.saveDirectory);
  const [form, setForm] = useState(() => toForm(settings));
  const [touched, setTouched] = useState(false);
  const { busy, error, setError, run } = useAction();

  const messages = issuesOf(form, error);
  const shown = touched ? messages : {};
  const invalid = Object.keys(messages).length > 0;
  const change = (patch: Partial<DirectoryForm>) => {
    setForm((current) => ({ ...current, ...patch }));
    setError(null);
  };
  const message = (path: string) => shown[path];

  const save = async () => {
    setTouched(true);
    if (invalid) return;
    if (await run(() => saveDirectory(fromForm(form)))) {
      setTouched(false);
      notify('Directory settings saved');
    }
  };

  return (
    <Section title="Directory" icon={<BuildingRegular />}>
      <SubmitForm className={styles.form} onSubmit={() => void save()}>
        <Text className={styles.muted}>The one SCIM directory that Entra provisions into. The name helps you recognise it; Entra never sees it.</Text>
        <Field label="Directory name" required {...fieldValidation(message('name'))}>
          <Input value={form.name} onChange={(_, data) => change({ name: data.value })} />
        </Field>
        <Field label="Description" {...fieldValidation(message('description'))}>
          <Textarea value={form.description} resize="vertical" onChange={(_, data) => change({ description: data.value })} />
        </Field>

        <div className={styles.readOnly} role="group" aria-labelledby="on-inactive-label">
          <Text weight="semibold" id="on-inactive-label">
            When Entra disables a user (active = false)
          </Text>
          <Text>Suspend: the user stays in ScimDesk, marked inactive, and Entra still finds it.</Text>
          <Text size={200} className={styles.muted}>
            Entra's soft delete works this way: when a user leaves the scope or is disabled, Entra sets active to false; if the user comes back, Entra sets it
            to true again. This is fixed, not a setting.
          </Text>
        </div>

        <Field label="When Entra deletes a user or group (DELETE)" hint="Entra sends DELETE only after a user is deleted for good in Entra, about 30 days later.">
          <RadioGroup value={form.mode} onChange={(_, data) => change({ mode: data.value === 'retain' ? 'retain' : 'hard' })}>
            <Radio value="hard" label="Delete it at once" />
            <Radio value="retain" label="Keep it as deleted for a number of days, then delete it" />
          </RadioGroup>
        </Field>
        {form.mode === 'retain' && (
          <div className={styles.days}>
            <Field
              label="Days to keep deleted records"
              {...fieldValidation(message('onDelete.days'))}
            >
              <Input
                className={styles.daysInput}
                type="number"
                min={1}
                max={3650}
                value={form.days}
                onChange={(_, data) => change({ days: data.value })}
              />
            </Field>
          </div>
        )}
        <Field
          label="When Entra sends an Object ID another user or group already has"
          hint="Entra finds the record it provisioned by its Object ID (externalId). Two records with one Object ID make it match the wrong one."
        >
          <RadioGroup value={form.duplicates} onChange={(_, data) => change({ duplicates: data.value === 'allow' ? 'allow' : 'refuse' })}>
            <Radio value="refuse" label="Refuse it (409 uniqueness) — recommended" />
            <Radio value="allow" label="Accept it, and leave the duplicates to Compare & Fix" />
          </RadioGroup>
        </Field>
        {form.duplicates === 'refuse' ? (
          <Text size={200} className={styles.muted}>
            Entra logs the refused create or update as a failure, does not link the existing record, and retries in later cycles: fix the data (Compare
            & Fix), then Entra's next retry succeeds. Records that already share an Object ID keep it; Compare & Fix lists them as duplicates.
          </Text>
        ) : (
          <MessageBar intent="warning" layout="multiline">
            <MessageBarBody>
              A second user or group with an Object ID that another one holds is stored: Entra may then update or deprovision the wrong record.
            </MessageBarBody>
          </MessageBar>
        )}
        {error && error.issues.length === 0 && <ErrorBar error={error} title="The directory settings were not saved" />}
        <div className={styles.buttons}>
          <Button type="submit" appearance="primary" disabled={busy} icon={busy ? <Spinner size="tiny" /> : undefined}>
            Save directory
          </Button>
          <Button onClick={() => { setForm(toForm(settings)); setError(null); setTouched(false); }} disabled={busy}>
            Discard changes
          </Button>
        </div>
      </SubmitForm>
    </Section>
  );
}

function TokenHistory({ history, current }: { readonly history: ReadonlyArray<TokenInfo>; readonly current: TokenInfo | null }) {
  const styles = useStyles();
  const table = useTableStyles();
  const earlier = history.filter((token) => !(current && token.hint === current.hint && token.created === current.created));
  if (earlier.length === 0) return null;
  return (
    <>
      <Text weight="semibold" id="token-history-label">
        Earlier tokens (no longer accepted)
      </Text>
      <DataTable
        labelledBy="token-history-label"
        rows={earlier.slice(0, 10)}
        rowKey={(token) => `${token.hint}-${token.created}`}
        columns={[
          { header: 'Token', className: mergeClasses(styles.hint, table.nowrap), render: (token) => token.hint },
          { header: 'Created', className: table.nowrap, render: (token) => formatDateTimeShort(token.created) },
          {
            header: 'Ended',
            render: (token) => (token.revoked ? `Revoked ${formatDateTimeShort(token.revoked)}` : token.expires ? `Expired ${formatDateTimeShort(token.expires)}` : '—'),
          },
          { header: 'Last used', render: (token) => formatDateTimeShort(token.lastUsed, 'Never') },
        ]}
      />
    </>
  );
}

function TokenPanel() {
  const styles = useStyles();
  const notify = useNotify();
  const { token, loadTokenStatus, revokeToken } = useAppStore(
    useShallow((s) => ({ token: s.token, loadTokenStatus: s.loadTokenStatus, revokeToken: s.revokeToken })),
  );
  const restoreFocus = useRestoreFocusTarget();
  const [generating, setGenerating] = useState(false);
  const [revoking, setRevoking] = useState(false);
  const current = token.data?.current ?? null;

  return (
    <Section title="Secret Token" icon={<KeyRegular />}>
      <Text className={styles.muted}>
        Entra sends this token with every request (Provisioning → Admin Credentials → Secret Token). ScimDesk keeps only a hash of it, so it can show the
        token once and never again.
      </Text>
      {token.error && <ErrorBar error={token.error} title="Could not load the token status" onRetry={() => void loadTokenStatus()} />}
      {!token.data && token.status !== 'error' && <Loading label="Loading the token status…" />}
      {token.data &&
        (current ? (
          <>
            <TokenSummary token={current} />
            <div className={styles.buttons}>
              <Button {...restoreFocus} appearance="primary" icon={<KeyRegular />} onClick={() => setGenerating(true)}>
                Regenerate token
              </Button>
              <Button {...restoreFocus} icon={<DeleteRegular />} onClick={() => setRevoking(true)}>
                Revoke token
              </Button>
            </div>
          </>
        ) : (
          <>
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody>No active token: ScimDesk answers every SCIM request with 401, so Entra cannot connect or provision.</MessageBarBody>
            </MessageBar>
            <div className={styles.buttons}>
              <Button {...restoreFocus} appearance="primary" icon={<KeyRegular />} onClick={() => setGenerating(true)}>
                Generate token
              </Button>
            </div>
          </>
        ))}
      {token.data && <TokenHistory history={token.data.history} current={current} />}
      <GenerateTokenDialog open={generating} regenerate={current !== null} onClose={() => setGenerating(false)} />
      <ConfirmDialog
        open={revoking}
        title="Revoke the Secret Token?"
        confirmLabel="Revoke"
        danger
        onClose={() => setRevoking(false)}
        onConfirm={async () => {
          const result = await revokeToken();
          notify(result.revoked > 0 ? 'Token revoked: SCIM now answers 401' : 'There was no active token');
        }}
      >
        <Text>
          Entra's provisioning fails with 401 from now on, until you generate a new token and paste it into Entra's Secret Token field. Use this when the
          token may have leaked.
        </Text>
      </ConfirmDialog>
    </Section>
  );
}

/** Authentication (the three ways Entra signs in) and the directory's settings. */
export function DirectoryView() {
  const { directory, loadDirectory, loadTokenStatus } = useAppStore(
    useShallow((s) => ({ directory: s.directory, loadDirectory: s.loadDirectory, loadTokenStatus: s.loadTokenStatus })),
  );
  const styles = useStyles();

  useEffect(() => {
    void loadDirectory();
    void loadTokenStatus();
  }, [loadDirectory, loadTokenStatus]);

  return (
    <Page
      title="Authentication"
      description="How Entra's provisioning service signs in to ScimDesk (three methods, the recommended one first), what the directory does with deprovisioned records and duplicate Object IDs, and the limit on mass deprovisioning."
    >
      <AuthMethods secretToken={<TokenPanel />} />
      <div className={styles.columns}>
        {directory.error && <ErrorBar error={directory.error} title="Could not load the directory" onRetry={() => void loadDirectory()} />}
        {directory.data ? (
          <DirectoryPanel key={JSON.stringify(directory.data)} settings={directory.data} />
        ) : (
          directory.status !== 'error' && <Loading label="Loading the directory…" />
        )}
      </div>
      <BreakerPanel />
    </Page>
  );
}
