import {
  Button,
  Field,
  Input,
  Label,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Select,
  Spinner,
  Text,
  Textarea,
  makeStyles,
  tokens,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import { LockClosedRegular, PlugConnectedRegular, PlugDisconnectedRegular } from '@fluentui/react-icons';
import { useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MethodInput } from '../../shared/admin/contract';
import { GraphConnectInput } from '../../shared/admin/entra-schemas';
import { defaultGraphResource } from '../../shared/admin/graph-resource';
import { type AdminCallError } from '../api/client';
import { useBoxStyles } from '../components/box-styles';
import { ConfirmDialog } from '../components/confirm-dialog';
import { SubmitForm, fieldValidation } from '../components/form';
import { ErrorBar } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Section } from '../components/page';
import { MAX_PFX_BYTES, readAsBase64 } from '../components/read-file';
import { useAction } from '../components/use-action';
import type { GraphSettings } from '../state/graph-slice';
import { useAppStore } from '../state/store';
import { AppFinder } from './graph-app-finder';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  formColumns: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))', gap: tokens.spacingHorizontalXL, alignItems: 'start' },
  pair: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(220px, 1fr))', gap: tokens.spacingHorizontalM, alignItems: 'start' },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  muted: { color: tokens.colorNeutralForeground2 },
  mono: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
  file: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  error: { color: tokens.colorPaletteRedForeground1 },
  secretNote: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-start' },
  secretIcon: { fontSize: '20px', flexShrink: 0, marginTop: '2px', color: tokens.colorNeutralForeground2 },
});

type Cloud = GraphSettings['clouds'][number]['id'];

interface ConnectionForm {
  readonly tenantId: string;
  readonly clientId: string;
  readonly cloud: Cloud;
  readonly authorityHost: string;
  readonly graphBaseUrl: string;
  /** Empty: the default for the Graph address (defaultGraphResource). */
  readonly graphResource: string;
  readonly appId: string;
  readonly authKind: 'secret' | 'certificate';
  readonly clientSecret: string;
  readonly certFormat: 'pem' | 'pfx';
  readonly pem: string;
  readonly pfx: File | null;
  readonly certPassword: string;
}

function toForm(view: GraphSettings): ConnectionForm {
  const c = view.connection;
  return {
    tenantId: c?.tenantId ?? '',
    clientId: c?.clientId ?? '',
    cloud: c?.cloud ?? 'global',
    authorityHost: c?.authorityHost ?? '',
    graphBaseUrl: c?.graphBaseUrl ?? '',
    graphResource: c?.graphResource ?? '',
    appId: c?.appId ?? '',
    authKind: c?.auth ?? 'secret',
    clientSecret: '',
    certFormat: c?.certificateFormat ?? 'pem',
    pem: '',
    pfx: null,
    certPassword: '',
  };
}

/** The contract input for a form; `certificate` is the PEM text, or the PFX as base64 once read. */
function toInput(form: ConnectionForm, pfxBase64: string | undefined): MethodInput<'graph.connect'> {
  const auth: MethodInput<'graph.connect'>['auth'] =
    form.authKind === 'secret'
      ? { kind: 'secret', ...(form.clientSecret !== '' ? { clientSecret: form.clientSecret } : {}) }
      : {
          kind: 'certificate',
          format: form.certFormat,
          ...(form.certFormat === 'pem' && form.pem.trim() !== '' ? { certificate: form.pem } : {}),
          ...(form.certFormat === 'pfx' && pfxBase64 !== undefined ? { certificate: pfxBase64 } : {}),
          ...(form.certFormat === 'pfx' && form.certPassword !== '' ? { password: form.certPassword } : {}),
        };
  return {
    tenantId: form.tenantId.trim(),
    clientId: form.clientId.trim(),
    cloud: form.cloud,
    ...(form.cloud === 'custom' ? { authorityHost: form.authorityHost.trim(), graphBaseUrl: form.graphBaseUrl.trim() } : {}),
    ...(form.cloud === 'custom' && form.graphResource.trim() !== '' ? { graphResource: form.graphResource.trim() } : {}),
    appId: form.appId.trim(),
    auth,
  };
}

/** Field messages: the contract's schema on the client, then the server's issues, then the credential rules. */
function formMessages(form: ConnectionForm, view: GraphSettings, server: AdminCallError | null, touched: boolean): Record<string, string> {
  const messages: Record<string, string> = {};
  if (touched) {
    const parsed = GraphConnectInput.safeParse(toInput(form, form.pfx ? 'chosen' : undefined));
    if (!parsed.success) for (const issue of parsed.error.issues) messages[issue.path.map(String).join('.')] ??= issue.message;
    const stored = view.secretStored && view.connection?.auth === form.authKind;
    const storedFormat = stored && view.connection?.certificateFormat === form.certFormat;
    if (form.authKind === 'secret' && form.clientSecret === '' && !stored) messages['auth.clientSecret'] ??= 'Enter the client secret value (not its Secret ID)';
    if (form.authKind === 'certificate' && form.certFormat === 'pem' && form.pem.trim() === '' && !storedFormat) {
      messages['auth.certificate'] ??= 'Paste the certificate with its private key (PEM)';
    }
    if (form.authKind === 'certificate' && form.certFormat === 'pfx' && !form.pfx && !storedFormat) messages['auth.certificate'] ??= 'Choose the .pfx file';
    if (form.pfx && form.pfx.size > MAX_PFX_BYTES) messages['auth.certificate'] = 'The .pfx file is larger than 150 KB';
  }
  for (const issue of server?.issues ?? []) messages[issue.path] ??= issue.message;
  return messages;
}

function ConnectionFormPanel({ view, onSaved, onCancel }: { readonly view: GraphSettings; readonly onSaved?: () => void; readonly onCancel?: () => void }) {
  const styles = useStyles();
  const box = useBoxStyles();
  const notify = useNotify();
  const fileId = useId();
  const restoreFocus = useRestoreFocusTarget();
  const { saveGraphConnection, disconnectGraph } = useAppStore(
    useShallow((s) => ({ saveGraphConnection: s.saveGraphConnection, disconnectGraph: s.disconnectGraph })),
  );
  const [form, setForm] = useState<ConnectionForm>(() => toForm(view));
  const [touched, setTouched] = useState(false);
  const { busy, error, setError, run } = useAction();
  const [disconnecting, setDisconnecting] = useState(false);

  const change = (patch: Partial<ConnectionForm>) => {
    setForm((current) => ({ ...current, ...patch }));
    setError(null);
  };
  const messages = formMessages(form, view, error, touched);
  const message = (path: string) => messages[path];
  const connection = view.connection;
  const cloud = view.clouds.find((c) => c.id === form.cloud);
  const secretKept = view.secretStored && connection?.auth === 'secret';
  const certificateKept = view.secretStored && connection?.auth === 'certificate' && connection.certificateFormat === form.certFormat;

  const save = async () => {
    setTouched(true);
    if (Object.keys(formMessages(form, view, null, true)).length > 0) return;
    await run(async () => {
      const pfx = form.authKind === 'certificate' && form.certFormat === 'pfx' && form.pfx ? await readAsBase64(form.pfx) : undefined;
      await saveGraphConnection(toInput(form, pfx));
      notify('Graph connection saved: test it now');
      onSaved?.();
    });
  };

  return (
    <SubmitForm className={styles.form} onSubmit={() => void save()}>
      <div className={styles.formColumns}>
        <div className={styles.form}>
          <div className={styles.pair}>
            <Field
              label="Directory (tenant) ID"
              required
              hint="Entra admin center → Overview: a GUID, or a domain such as contoso.onmicrosoft.com."
              {...fieldValidation(message('tenantId'))}
            >
              <Input value={form.tenantId} onChange={(_, d) => change({ tenantId: d.value })} spellCheck={false} autoComplete="off" />
            </Field>
            <Field
              label="Application (client) ID"
              required
              hint="App registrations → the app ScimDesk signs in as → Overview."
              {...fieldValidation(message('clientId'))}
            >
              <Input value={form.clientId} onChange={(_, d) => change({ clientId: d.value })} spellCheck={false} autoComplete="off" />
            </Field>
          </div>

          <Field label="Cloud" {...fieldValidation(message('cloud'))}>
            <Select value={form.cloud} onChange={(_, d) => change({ cloud: d.value as Cloud })}>
              {view.clouds.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.label}
                </option>
              ))}
            </Select>
          </Field>
          {form.cloud === 'custom' ? (
            <div className={styles.pair}>
              <Field
                label="Sign-in host"
                hint="The authority host, such as https://login.microsoftonline.us"
                {...fieldValidation(message('authorityHost'))}
              >
                <Input value={form.authorityHost} onChange={(_, d) => change({ authorityHost: d.value })} placeholder="https://" spellCheck={false} />
              </Field>
              <Field
                label="Graph address"
                hint="The Microsoft Graph base URL, such as https://graph.microsoft.us"
                {...fieldValidation(message('graphBaseUrl'))}
              >
                <Input value={form.graphBaseUrl} onChange={(_, d) => change({ graphBaseUrl: d.value })} placeholder="https://" spellCheck={false} />
              </Field>
              <Field
                label="Token resource"
                hint={`Leave empty for ${defaultGraphResource(form.graphBaseUrl)}. Sign-in issues tokens for Graph's own resource only: a proxy or private endpoint in front of Graph keeps it.`}
                {...fieldValidation(message('graphResource'))}
              >
                <Input
                  value={form.graphResource}
                  onChange={(_, d) => change({ graphResource: d.value })}
                  placeholder={defaultGraphResource(form.graphBaseUrl)}
                  spellCheck={false}
                />
              </Field>
            </div>
          ) : (
            cloud?.authorityHost && (
              <Text size={200} className={styles.muted}>
                Signs in at <span className={styles.mono}>{cloud.authorityHost}</span>, reads from <span className={styles.mono}>{cloud.graphBaseUrl}</span>.
              </Text>
            )
          )}

          <div className={box.box} role="group" aria-labelledby="graph-auth-title">
            <Text as="h3" id="graph-auth-title" weight="semibold" className={box.title}>
              Authentication
            </Text>
            <RadioGroup
              aria-labelledby="graph-auth-title"
              layout="horizontal"
              value={form.authKind}
              onChange={(_, d) => change({ authKind: d.value === 'certificate' ? 'certificate' : 'secret' })}
            >
              <Radio value="secret" label="Secret" />
              <Radio value="certificate" label="Certificate" />
            </RadioGroup>
            {form.authKind === 'secret' ? (
              <Field
                label="Client secret"
                hint={
                  secretKept
                    ? 'A secret is stored. Leave this empty to keep it; type a new value only to replace it.'
                    : 'Certificates & secrets → Client secrets: the Value column (shown once in Entra), not the Secret ID.'
                }
                {...fieldValidation(message('auth.clientSecret'))}
              >
                <Input
                  type="password"
                  value={form.clientSecret}
                  onChange={(_, d) => change({ clientSecret: d.value })}
                  autoComplete="new-password"
                  placeholder={secretKept ? 'A secret is stored' : ''}
                />
              </Field>
            ) : (
              <>
                <RadioGroup
                  aria-label="Certificate format"
                  layout="horizontal"
                  value={form.certFormat}
                  onChange={(_, d) => change({ certFormat: d.value === 'pfx' ? 'pfx' : 'pem' })}
                >
                  <Radio value="pem" label="PEM text" />
                  <Radio value="pfx" label=".pfx file" />
                </RadioGroup>
                {certificateKept && <Text size={200}>A certificate is stored. Leave the fields empty to keep it.</Text>}
                {form.certFormat === 'pem' ? (
                  <Field
                    label="Certificate and private key (PEM)"
                    hint="The certificate uploaded to the app registration, followed by its private key (-----BEGIN PRIVATE KEY-----)."
                    {...fieldValidation(message('auth.certificate'))}
                  >
                    <Textarea
                      value={form.pem}
                      onChange={(_, d) => change({ pem: d.value })}
                      resize="vertical"
                      rows={4}
                      spellCheck={false}
                      placeholder={certificateKept ? 'A certificate is stored' : '-----BEGIN CERTIFICATE-----'}
                    />
                  </Field>
                ) : (
                  <>
                    <div className={styles.file}>
                      <Label htmlFor={fileId}>Certificate file (.pfx)</Label>
                      <input
                        id={fileId}
                        type="file"
                        accept=".pfx,.p12,application/x-pkcs12"
                        onChange={(event) => change({ pfx: event.target.files?.[0] ?? null })}
                      />
                      {message('auth.certificate') && (
                        <Text size={200} className={styles.error}>
                          {message('auth.certificate')}
                        </Text>
                      )}
                    </div>
                    <Field label="Certificate password" hint="The password of the .pfx file. Leave empty to keep the stored one.">
                      <Input type="password" value={form.certPassword} onChange={(_, d) => change({ certPassword: d.value })} autoComplete="new-password" />
                    </Field>
                  </>
                )}
              </>
            )}
          </div>
        </div>
        <div className={styles.form}>
          <div className={box.box} role="group" aria-labelledby="graph-app-title">
            <Text as="h3" id="graph-app-title" weight="semibold" className={box.title}>
              Enterprise application
            </Text>
            <Text size={200} className={styles.muted}>
              The application that provisions into ScimDesk. Its assignments are the scope the comparison uses; its provisioning job is what the Entra actions
              below act on. Leave empty to compare without a scope.
            </Text>
            <Field label="Enterprise application (Application ID)" {...fieldValidation(message('appId'))}>
              <Input value={form.appId} onChange={(_, d) => change({ appId: d.value })} spellCheck={false} placeholder="00000000-0000-0000-0000-000000000000" />
            </Field>
            <AppFinder connected={connection !== null} chosen={form.appId.trim()} onPick={(appId) => change({ appId })} />
          </div>
        </div>
      </div>

      {error && error.issues.length === 0 && <ErrorBar error={error} title="The connection was not saved" />}
      <div className={styles.buttons}>
        <Button type="submit" appearance="primary" disabled={busy} icon={busy ? <Spinner size="tiny" /> : <PlugConnectedRegular />}>
          Save connection
        </Button>
        {onCancel && (
          <Button onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
        )}
        {connection && (
          <Button {...restoreFocus} icon={<PlugDisconnectedRegular />} onClick={() => setDisconnecting(true)} disabled={busy}>
            Disconnect
          </Button>
        )}
      </div>
      <ConfirmDialog
        open={disconnecting}
        title="Disconnect from Microsoft Graph?"
        confirmLabel="Disconnect"
        danger
        onClose={() => setDisconnecting(false)}
        onConfirm={async () => {
          await disconnectGraph();
          notify('Disconnected: the secret was deleted from the secret store');
        }}
      >
        <Text>
          ScimDesk forgets the tenant, the app registration and the enterprise application, and deletes the{' '}
          {connection?.auth === 'certificate' ? 'certificate' : 'client secret'} from {view.secretStore}. Snapshots already fetched stay and can still be
          compared. Fetching, the connection test and the Entra actions stop until you connect again. Nothing changes in Entra.
        </Text>
      </ConfirmDialog>
    </SubmitForm>
  );
}

/**
 * The Graph connection: tenant, app registration, credential (write-only), cloud and enterprise
 * application. `onSaved` and `onCancel` let the screen fold it back to a summary.
 */
export function GraphConnectionPanel({ view, onSaved, onCancel }: { readonly view: GraphSettings; readonly onSaved?: () => void; readonly onCancel?: () => void }) {
  const styles = useStyles();
  return (
    <Section title="Microsoft Graph connection" icon={<PlugConnectedRegular />}>
      {view.connection === null && (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Start here: connect to Microsoft Graph</MessageBarTitle>
            Register an app in Entra (App registrations → New registration), give it the application permissions listed under Test connection, grant admin
            consent, add a client secret or certificate, and enter its IDs here. No permission can be granted? Import the users CSV below instead.
          </MessageBarBody>
        </MessageBar>
      )}
      {/* Re-initialised from what was saved: the secret fields are empty again after Save. */}
      <ConnectionFormPanel key={JSON.stringify(view.connection) + String(view.secretStored)} view={view} {...(onSaved ? { onSaved } : {})} {...(onCancel ? { onCancel } : {})} />
      <div className={styles.secretNote} data-testid="graph-secret-store">
        <LockClosedRegular className={styles.secretIcon} aria-hidden />
        <Text size={200} className={styles.muted}>
          Secrets are kept in: <strong>{view.secretStore}</strong>. The client secret or certificate never leaves it: ScimDesk uses it only to sign in to
          Microsoft Graph, never shows it again, never sends it to this screen and never writes it to a log.
          {view.secretStored ? ' A credential is stored now.' : ' No credential is stored.'}
        </Text>
      </div>
    </Section>
  );
}
