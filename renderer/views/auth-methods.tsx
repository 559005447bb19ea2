import {
  Badge,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Option,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { CertificateRegular, KeyMultipleRegular, ShieldCheckmarkRegular } from '@fluentui/react-icons';
import { useEffect, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { AuthStatus, EntraField, MethodOutput } from '../../shared/admin/contract';
import { ConfirmDialog } from '../components/confirm-dialog';
import { CopyButton, CopyableValue } from '../components/copy-button';
import { DataTable } from '../components/data-table';
import { Fact, Facts } from '../components/facts';
import { SubmitForm, fieldValidation } from '../components/form';
import { formatDateTime, formatDateTimeShort } from '../components/format';
import { ErrorBar, Loading } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Section } from '../components/page';
import { useAction } from '../components/use-action';
import { useAppStore } from '../state/store';

const useStyles = makeStyles({
  row: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(340px, 1fr))', gap: tokens.spacingHorizontalL, alignItems: 'start' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  muted: { color: tokens.colorNeutralForeground2 },
  mono: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
  secret: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase400,
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    wordBreak: 'break-all',
    userSelect: 'all',
  },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

const CLOUDS: ReadonlyArray<{ value: 'global' | 'usgov' | 'china' | 'custom'; label: string }> = [
  { value: 'global', label: 'Global (Microsoft Entra ID)' },
  { value: 'usgov', label: 'US Government (GCC High)' },
  { value: 'china', label: 'China (operated by 21Vianet)' },
  { value: 'custom', label: 'Custom sign-in host' },
];

/** Entra's Admin Credentials fields for one method, each with its value and a Copy button. */
export function EntraFields({ fields, testId }: { readonly fields: ReadonlyArray<EntraField>; readonly testId?: string }) {
  const styles = useStyles();
  return (
    <Facts inline label="Entra's Admin Credentials form">
      {fields.map((field) => {
        // Values to paste (URLs, ids, the scope) in monospace with a Copy button; instructions as text.
        const pasted = !field.secret && /^(https?:|[0-9a-f-]{36}$|scim$)/.test(field.value);
        return (
          <Fact key={field.label} label={field.label} {...(testId ? { testId: `${testId}-${field.label.toLowerCase().replace(/[^a-z]+/g, '-')}` } : {})}>
            <Text className={pasted ? styles.mono : styles.muted}>{field.value}</Text>
            {pasted && <CopyButton text={field.value} what={field.label} />}
          </Fact>
        );
      })}
    </Facts>
  );
}

function FederationForm({ status, onDone }: { readonly status: AuthStatus; readonly onDone: () => void }) {
  const styles = useStyles();
  const notify = useNotify();
  const configureFederation = useAppStore((s) => s.configureFederation);
  const current = status.federation;
  const [form, setForm] = useState({
    tenantId: current?.tenantId ?? status.graphTenant?.tenantId ?? '',
    cloud: current?.cloud ?? status.graphTenant?.cloud ?? 'global',
    authorityHost: current?.authorityHost ?? status.graphTenant?.authorityHost ?? '',
    subject: current?.subject ?? '',
    audience: current?.audience ?? '',
  });
  const { busy, error, run } = useAction();
  const save = async () => {
    const input = { tenantId: form.tenantId, cloud: form.cloud, subject: form.subject, audience: form.audience, ...(form.cloud === 'custom' ? { authorityHost: form.authorityHost } : {}) };
    if (await run(() => configureFederation(input))) {
      notify('ScimDesk now trusts Entra\u2019s provisioning service');
      onDone();
    }
  };
  return (
    <SubmitForm className={styles.form} onSubmit={() => void save()}>
      <Text className={styles.muted}>Copy these from Entra (Provisioning → Admin Credentials → Workload identity federation → the values to copy to the app).</Text>
      <Field label="Directory (tenant) ID" hint={status.graphTenant ? 'Filled in from the Graph connection.' : 'A GUID: Entra signs with it in the issuer.'} {...fieldValidation(error?.issueAt('tenantId'))}>
        <Input value={form.tenantId} onChange={(_, data) => setForm({ ...form, tenantId: data.value })} />
      </Field>
      <Field label="Cloud" hint="The same clouds as the Graph connection.">
        <Dropdown
          value={CLOUDS.find((c) => c.value === form.cloud)?.label ?? ''}
          selectedOptions={[form.cloud]}
          onOptionSelect={(_, data) => setForm({ ...form, cloud: (data.optionValue as typeof form.cloud | undefined) ?? 'global' })}
        >
          {CLOUDS.map((cloud) => (
            <Option key={cloud.value} value={cloud.value}>
              {cloud.label}
            </Option>
          ))}
        </Dropdown>
      </Field>
      {form.cloud === 'custom' && (
        <Field label="Sign-in (authority) host" {...fieldValidation(error?.issueAt('authorityHost'))}>
          <Input value={form.authorityHost} placeholder="https://login.example.net" onChange={(_, data) => setForm({ ...form, authorityHost: data.value })} />
        </Field>
      )}
      <Field label="Subject (sub)" hint="The provisioning service's workload identity, as Entra shows it." required {...fieldValidation(error?.issueAt('subject'))}>
        <Input value={form.subject} onChange={(_, data) => setForm({ ...form, subject: data.value })} />
      </Field>
      <Field label="Audience (aud)" hint="As Entra shows it, e.g. api://<app id>/.default (accepted with or without /.default)." required {...fieldValidation(error?.issueAt('audience'))}>
        <Input value={form.audience} onChange={(_, data) => setForm({ ...form, audience: data.value })} />
      </Field>
      {error && error.issues.length === 0 && <ErrorBar error={error} title="Federation was not set up" />}
      <div className={styles.buttons}>
        <Button type="submit" appearance="primary" disabled={busy} icon={busy ? <Spinner size="tiny" /> : undefined}>
          Trust Entra's provisioning service
        </Button>
        {current?.enabled && (
          <Button onClick={onDone} disabled={busy}>
            Cancel
          </Button>
        )}
      </div>
    </SubmitForm>
  );
}

function LastAttempt({ attempt }: { readonly attempt: NonNullable<AuthStatus['lastFederationAttempt']> }) {
  const styles = useStyles();
  const p = attempt.presented;
  return (
    <div data-testid="federation-last-attempt">
      <Text weight="semibold">Last attempt, {formatDateTimeShort(attempt.at)}: </Text>
      {attempt.ok ? (
        <Badge color="success">accepted</Badge>
      ) : (
        <Text>
          <Badge color="danger">refused</Badge> check <strong>{attempt.check}</strong>: {attempt.reason}
        </Text>
      )}
      {p && (
        <Facts label="What the assertion presented">
          <Fact label="iss">
            <span className={styles.mono}>{p.iss ?? '—'}</span>
          </Fact>
          <Fact label="sub">
            <span className={styles.mono}>{p.sub ?? '—'}</span>
          </Fact>
          <Fact label="aud">
            <span className={styles.mono}>{p.aud ?? '—'}</span>
          </Fact>
          <Fact label="kid">
            <span className={styles.mono}>{p.kid ?? '—'}</span>
          </Fact>
          <Fact label="exp">{p.exp ? formatDateTime(new Date(p.exp * 1000).toISOString()) : '—'}</Fact>
        </Facts>
      )}
    </div>
  );
}

function FederationPanel({ status }: { readonly status: AuthStatus }) {
  const styles = useStyles();
  const notify = useNotify();
  const disableFederation = useAppStore((s) => s.disableFederation);
  const federation = status.federation?.enabled ? status.federation : null;
  const [editing, setEditing] = useState(false);
  const [disabling, setDisabling] = useState(false);
  return (
    <Section title="Workload identity federation" icon={<ShieldCheckmarkRegular />} actions={<Badge color="brand">Recommended</Badge>}>
      <Text className={styles.muted}>
        No shared secret at all: Entra presents a JWT it signed, and ScimDesk checks it against your tenant's published keys (issuer, subject, audience,
        signature, expiry), then issues a short-lived access token.
      </Text>
      {federation && !editing ? (
        <>
          <EntraFields fields={status.entraForm.federation} testId="federation-field" />
          <Facts label="What ScimDesk trusts">
            <Fact label="Issuer">
              <span className={styles.mono}>{federation.issuer}</span>
            </Fact>
            <Fact label="Subject">
              <span className={styles.mono}>{federation.subject}</span>
            </Fact>
            <Fact label="Audience">
              <span className={styles.mono}>{federation.audience}</span>
            </Fact>
          </Facts>
          {status.lastFederationAttempt ? <LastAttempt attempt={status.lastFederationAttempt} /> : <Text className={styles.muted}>No attempt since ScimDesk started.</Text>}
          <div className={styles.buttons}>
            <Button onClick={() => setEditing(true)}>Edit</Button>
            <Button onClick={() => setDisabling(true)}>Turn off</Button>
          </div>
        </>
      ) : (
        <FederationForm status={status} onDone={() => setEditing(false)} />
      )}
      <ConfirmDialog
        open={disabling}
        title="Turn off workload identity federation?"
        confirmLabel="Turn off"
        danger
        onClose={() => setDisabling(false)}
        onConfirm={async () => {
          await disableFederation();
          notify('Federation turned off: its access tokens stopped working');
        }}
      >
        <Text>Entra's provisioning fails with 401 from now on if it signs in this way.</Text>
      </ConfirmDialog>
    </Section>
  );
}

type ShownSecret = MethodOutput<'auth.createClient'> & { readonly rotated: boolean };

/** A client's secret, shown this once; dropped from memory when the dialog closes. */
function SecretDialog({ shown, onClose }: { readonly shown: ShownSecret | null; readonly onClose: () => void }) {
  const styles = useStyles();
  return (
    <Dialog open={shown !== null} modalType="alert">
      <DialogSurface>
        {shown && (
          <DialogBody>
            <DialogTitle>{shown.rotated ? 'Copy the new client secret' : 'Copy your new OAuth client'}</DialogTitle>
            <DialogContent className={styles.content}>
              <MessageBar intent="warning">
                <MessageBarBody>You will not see this secret again. Copy it now.</MessageBarBody>
              </MessageBar>
              <Text weight="semibold" id="client-id-label">
                Client ID
              </Text>
              <CopyableValue value={shown.client.clientId} what="Client ID" labelledBy="client-id-label" testId="new-client-id" />
              <Text weight="semibold" id="client-secret-label">
                Client Secret
              </Text>
              <Text className={styles.secret} data-testid="new-client-secret" aria-labelledby="client-secret-label">
                {shown.secret}
              </Text>
              <div className={styles.buttons}>
                <CopyButton text={shown.secret} what="Client Secret" appearance="primary" />
                <Text size={200}>Expires: {formatDateTime(shown.client.expires)}</Text>
              </div>
              <Text weight="semibold" id="token-endpoint-label">
                OAuth token endpoint
              </Text>
              <CopyableValue value={shown.tokenEndpoint} what="OAuth token endpoint" labelledBy="token-endpoint-label" />
              <Text>
                In Entra: Provisioning → Admin Credentials → <strong>OAuth 2.0 client credentials</strong>; paste these three, scope <strong>scim</strong>,
                credentials sent either way; <strong>Test Connection</strong>, then <strong>Save</strong>.
                {shown.rotated && ' The earlier secret keeps working for 7 days.'}
              </Text>
            </DialogContent>
            <DialogActions>
              <Button appearance="secondary" onClick={onClose}>
                Done
              </Button>
            </DialogActions>
          </DialogBody>
        )}
      </DialogSurface>
    </Dialog>
  );
}

function ClientCredentialsPanel({ status }: { readonly status: AuthStatus }) {
  const styles = useStyles();
  const notify = useNotify();
  const { createClient, rotateClient, revokeClient } = useAppStore(useShallow((s) => ({ createClient: s.createClient, rotateClient: s.rotateClient, revokeClient: s.revokeClient })));
  const [lifetime, setLifetime] = useState('730');
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const days = Number(lifetime);
  const lifetimeError = !Number.isInteger(days) || days < 1 || days > 3650 ? 'Whole days from 1 to 3650 (Microsoft suggests 1 to 3 years)' : undefined;
  const active = status.clients.filter((client) => client.revoked === null);
  return (
    <Section title="OAuth 2.0 client credentials" icon={<KeyMultipleRegular />}>
      <Text className={styles.muted}>
        Entra signs in with a Client ID and Client Secret at ScimDesk's token endpoint and gets an access token that lasts {Math.round(status.accessTokenSeconds / 60)} minutes;
        it asks for a new one when it ends. The secret is shown once and stored only as a hash.
      </Text>
      <EntraFields fields={status.entraForm.clientCredentials} testId="client-field" />
      {active.some((client) => client.expiresSoon) && (
        <MessageBar intent="warning">
          <MessageBarBody>
            <MessageBarTitle>A client secret ends within 30 days</MessageBarTitle>
            Rotate it and paste the new secret into Entra.
          </MessageBarBody>
        </MessageBar>
      )}
      {status.clients.length > 0 && (
        <DataTable
          labelledBy="section-oauth-2-0-client-credentials"
          rows={status.clients}
          rowKey={(client) => client.clientId}
          columns={[
            { header: 'Client ID', className: styles.mono, render: (client) => client.clientId },
            {
              header: 'Secret',
              render: (client) =>
                client.revoked ? `Revoked ${formatDateTimeShort(client.revoked)}` : client.expires ? `Ends ${formatDateTimeShort(client.expires)}${client.expiresSoon ? ' (soon)' : ''}` : 'None active',
            },
            { header: 'Last used', render: (client) => formatDateTimeShort(client.lastUsed, 'Never') },
            {
              header: 'Actions',
              render: (client) =>
                client.revoked ? null : (
                  <div className={styles.buttons}>
                    <Button
                      size="small"
                      aria-label={`Rotate the secret of ${client.clientId}`}
                      onClick={() => void run(async () => setShown({ ...(await rotateClient(client.clientId)), rotated: true }))}
                    >
                      Rotate secret
                    </Button>
                    <Button size="small" aria-label={`Revoke ${client.clientId}`} onClick={() => setRevoking(client.clientId)}>
                      Revoke
                    </Button>
                  </div>
                ),
            },
          ]}
        />
      )}
      <SubmitForm className={styles.buttons} onSubmit={() => void (lifetimeError ? undefined : run(async () => setShown({ ...(await createClient(days)), rotated: false })))}>
        <Field label="Secret lifetime in days" {...fieldValidation(lifetimeError)}>
          <Input type="number" min={1} max={3650} value={lifetime} onChange={(_, data) => setLifetime(data.value)} />
        </Field>
        <Button type="submit" appearance={active.length === 0 ? 'primary' : 'secondary'} disabled={busy || lifetimeError !== undefined}>
          Create client
        </Button>
      </SubmitForm>
      {error && <ErrorBar error={error} title="The client was not changed" />}
      <SecretDialog shown={shown} onClose={() => setShown(null)} />
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this OAuth client?"
        confirmLabel="Revoke"
        danger
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          if (revoking) await revokeClient(revoking);
          notify('Client revoked: its secrets and access tokens stopped working');
        }}
      >
        <Text>Its secrets and every access token issued to it stop working at once: Entra fails with 401 until it signs in another way.</Text>
      </ConfirmDialog>
    </Section>
  );
}

/**
 * The Authentication screen's three methods side by side, the recommended one first: workload identity
 * federation, OAuth 2.0 client credentials, and the Secret Token (`secretToken`: the existing panel).
 */
export function AuthMethods({ secretToken }: { readonly secretToken: ReactNode }) {
  const styles = useStyles();
  const { auth, loadAuth } = useAppStore(useShallow((s) => ({ auth: s.auth, loadAuth: s.loadAuth })));
  useEffect(() => {
    void loadAuth();
  }, [loadAuth]);
  return (
    <>
      {auth.error && <ErrorBar error={auth.error} title="Could not load the authentication methods" onRetry={() => void loadAuth()} />}
      {!auth.data && auth.status !== 'error' && <Loading label="Loading the authentication methods…" />}
      <div className={styles.row}>
        {auth.data && <FederationPanel status={auth.data} />}
        {auth.data && <ClientCredentialsPanel status={auth.data} />}
        <div>
          {secretToken}
          <Text size={200} className={styles.muted}>
            <CertificateRegular /> Microsoft: a long-lived bearer token still works for existing and non-gallery apps, but not for new apps.
          </Text>
        </div>
      </div>
    </>
  );
}

/**
 * The Overview's and the setup checklist's view of Entra's Admin Credentials form for the OAuth methods:
 * the recommended method's fields when it is set up, else client credentials' when a client exists.
 */
export function EntraCredentials({ onManage }: { readonly onManage: () => void }) {
  const styles = useStyles();
  const { auth, loadAuth } = useAppStore(useShallow((s) => ({ auth: s.auth, loadAuth: s.loadAuth })));
  useEffect(() => {
    void loadAuth();
  }, [loadAuth]);
  const status = auth.data;
  if (!status) return null;
  const federation = status.federation?.enabled === true;
  const client = status.clients.some((c) => c.revoked === null && c.expires !== null);
  return (
    <div data-testid="entra-credentials">
      <Text weight="semibold" block>
        {federation ? 'Workload identity federation (recommended)' : client ? 'OAuth 2.0 client credentials' : 'Recommended for a new app: workload identity federation'}
      </Text>
      {status.clients.some((c) => c.revoked === null && c.expiresSoon) && (
        <MessageBar intent="warning">
          <MessageBarBody>An OAuth client secret ends within 30 days: rotate it on the Authentication screen and paste the new one into Entra.</MessageBarBody>
        </MessageBar>
      )}
      {federation ? (
        <EntraFields fields={status.entraForm.federation} testId="overview-field" />
      ) : client ? (
        <EntraFields fields={status.entraForm.clientCredentials} testId="overview-field" />
      ) : (
        <Text className={styles.muted} block>
          Microsoft no longer accepts a long-lived Secret Token for new apps. Set up workload identity federation (no secret) or an OAuth client on the
          Authentication screen; the OAuth token endpoint is {status.tokenEndpoint}.
        </Text>
      )}
      <Button onClick={onManage}>Authentication methods</Button>
    </div>
  );
}
