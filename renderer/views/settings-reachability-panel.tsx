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
  Radio,
  RadioGroup,
  Spinner,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowSyncRegular,
  CertificateRegular,
  CheckmarkCircleFilled,
  DismissCircleFilled,
  GlobeArrowForwardRegular,
  GlobeShieldRegular,
  SubtractCircleRegular,
  WarningFilled,
} from '@fluentui/react-icons';
import { useEffect, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ReachConfigureInput, type CheckStepView, type OutsideCheckView, type ReachabilityView, type ReachProvider, type TunnelStateView } from '../../shared/admin/reach-schemas';
import { toAdminCallError, type AdminCallError } from '../api/client';
import { CopyButton } from '../components/copy-button';
import { formatDateTime, formatRelative } from '../components/format';
import { ErrorBar, Loading } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Section } from '../components/page';
import { useAppStore } from '../state/store';

const useStyles = makeStyles({
  wide: { gridColumn: '1 / -1' },
  block: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  subhead: { margin: 0, marginTop: tokens.spacingVerticalM },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  columns: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(300px, 1fr))', gap: tokens.spacingHorizontalM, alignItems: 'start' },
  muted: { color: tokens.colorNeutralForeground2 },
  mono: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
  url: {
    fontFamily: tokens.fontFamilyMonospace,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    wordBreak: 'break-all',
  },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXS, margin: 0 },
  fact: { margin: 0, display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap', wordBreak: 'break-word' },
  steps: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  step: { display: 'grid', gridTemplateColumns: '24px 1fr', columnGap: tokens.spacingHorizontalS },
  stepIcon: { fontSize: '20px', marginTop: '1px' },
  pass: { color: tokens.colorPaletteGreenForeground1 },
  warn: { color: tokens.colorPaletteDarkOrangeForeground1 },
  fail: { color: tokens.colorPaletteRedForeground1 },
  skipped: { color: tokens.colorNeutralForeground3 },
  stepBody: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  fix: { color: tokens.colorNeutralForeground2 },
});

const PROVIDERS: ReadonlyArray<{ readonly value: ReachProvider; readonly label: string; readonly hint: string }> = [
  { value: 'none', label: 'None', hint: 'No tunnel: the Tenant URL is the address ScimDesk listens on, or the public URL of your own reverse proxy.' },
  { value: 'ngrok', label: 'ngrok', hint: 'ngrok’s SDK is built in: nothing to install. A reserved domain keeps the URL from changing.' },
  { value: 'cloudflare', label: 'Cloudflare Tunnel', hint: 'Runs your cloudflared (it must be on PATH) with a tunnel token from the Cloudflare dashboard.' },
  { value: 'azureRelay', label: 'Azure Relay Hybrid Connections', hint: 'Microsoft’s outbound-only listener (one WebSocket on port 443), which enterprises often allow already.' },
];

const STATUS_BADGE: Record<TunnelStateView['status'], { readonly color: 'success' | 'warning' | 'danger' | 'informative' | 'subtle'; readonly label: string }> = {
  stopped: { color: 'subtle', label: 'Stopped' },
  starting: { color: 'informative', label: 'Starting' },
  online: { color: 'success', label: 'Online' },
  reconnecting: { color: 'warning', label: 'Reconnecting' },
  failed: { color: 'danger', label: 'Failed' },
};

/** A saved secret: say so, show its last characters, and leave the field empty to keep it. */
function secretHint(secret: { readonly set: boolean; readonly hint: string | null }, what: string): string {
  return secret.set ? `Saved (${secret.hint ?? '••••'}): leave empty to keep it.` : `Kept in the secret store, never shown again. Required: no ${what} is saved yet.`;
}

/** Where the tunnel stands, its public URL, and why it is not online. */
function TunnelStatus({ view }: { readonly view: ReachabilityView }) {
  const styles = useStyles();
  const notify = useNotify();
  const reconnect = useAppStore((s) => s.reconnectReach);
  const [busy, setBusy] = useState(false);
  const { tunnel } = view;
  const badge = STATUS_BADGE[tunnel.status];
  return (
    <div className={styles.block}>
      <dl className={styles.facts}>
        <dt className={styles.muted}>
          <Text>Tunnel</Text>
        </dt>
        <dd className={styles.fact}>
          <Badge color={badge.color} appearance="filled" data-testid="tunnel-status">
            {badge.label}
          </Badge>
          {tunnel.status !== 'stopped' && <Text className={styles.muted}>since {formatRelative(tunnel.since)}</Text>}
          {view.provider !== 'none' && (
            <Button
              size="small"
              icon={busy ? <Spinner size="tiny" /> : <ArrowSyncRegular />}
              disabled={busy}
              onClick={() => {
                setBusy(true);
                reconnect()
                  .then(() => notify('Reconnecting the tunnel'))
                  .catch((error: unknown) => notify(toAdminCallError(error).message, 'error'))
                  .finally(() => setBusy(false));
              }}
            >
              Reconnect
            </Button>
          )}
        </dd>
        {tunnel.publicUrl && (
          <>
            <dt className={styles.muted}>
              <Text>Public URL</Text>
            </dt>
            <dd className={styles.fact}>
              <Text className={styles.mono} data-testid="tunnel-url">
                {tunnel.publicUrl}
              </Text>
            </dd>
          </>
        )}
        <dt className={styles.muted}>
          <Text>Tenant URL now</Text>
        </dt>
        <dd className={styles.fact}>
          {view.tenantUrl ? (
            <>
              <Text className={styles.url} data-testid="reach-tenant-url">
                {view.tenantUrl}
              </Text>
              <CopyButton text={view.tenantUrl} what="Tenant URL" />
            </>
          ) : (
            <Text>The endpoint is not listening.</Text>
          )}
        </dd>
      </dl>
      {tunnel.status === 'failed' && tunnel.reason && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>The tunnel failed</MessageBarTitle>
            {tunnel.reason}. ScimDesk does not try again until the settings change or you press Reconnect.
          </MessageBarBody>
        </MessageBar>
      )}
      {tunnel.status === 'reconnecting' && tunnel.reason && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Reconnecting</MessageBarTitle>
            {tunnel.reason}
            {tunnel.nextAttemptAt ? ` Next attempt ${formatRelative(tunnel.nextAttemptAt)} (attempt ${tunnel.attempts + 1}).` : ''}
          </MessageBarBody>
        </MessageBar>
      )}
      {tunnel.warning && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Check the tunnel’s route</MessageBarTitle>
            {tunnel.warning}
          </MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}

type Draft = {
  provider: ReachProvider;
  authtoken: string;
  domain: string;
  token: string;
  hostname: string;
  namespace: string;
  connectionName: string;
  keyName: string;
  key: string;
};

function draftOf(view: ReachabilityView): Draft {
  return {
    provider: view.provider,
    authtoken: '',
    domain: view.ngrok.domain,
    token: '',
    hostname: view.cloudflare.hostname,
    namespace: view.azureRelay.namespace,
    connectionName: view.azureRelay.connectionName,
    keyName: view.azureRelay.keyName,
    key: '',
  };
}

function inputOf(draft: Draft) {
  switch (draft.provider) {
    case 'none':
      return { provider: 'none' as const };
    case 'ngrok':
      return { provider: 'ngrok' as const, authtoken: draft.authtoken.trim(), domain: draft.domain.trim() };
    case 'cloudflare':
      return { provider: 'cloudflare' as const, token: draft.token.trim(), hostname: draft.hostname.trim() };
    case 'azureRelay':
      return { provider: 'azureRelay' as const, namespace: draft.namespace.trim(), connectionName: draft.connectionName.trim(), keyName: draft.keyName.trim(), key: draft.key.trim() };
  }
}

/** The provider and its settings; saving starts, restarts or stops the tunnel. */
function ProviderForm({ view }: { readonly view: ReachabilityView }) {
  const styles = useStyles();
  const notify = useNotify();
  const configure = useAppStore((s) => s.configureReach);
  const [draft, setDraft] = useState<Draft>(() => draftOf(view));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AdminCallError | null>(null);
  const input = inputOf(draft);
  const parsed = ReachConfigureInput.safeParse(input);
  const messages: Record<string, string> = {};
  if (!parsed.success) for (const issue of parsed.error.issues) messages[issue.path.map(String).join('.')] ??= issue.message;
  for (const issue of error?.issues ?? []) messages[issue.path] ??= issue.message;
  const edit = (change: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...change }));
    setError(null);
  };
  const field = (name: keyof Draft) => ({ validationMessage: messages[name], validationState: messages[name] ? ('error' as const) : ('none' as const) });

  const save = async () => {
    if (!parsed.success) return;
    setBusy(true);
    setError(null);
    try {
      const saved = await configure(input);
      setDraft(draftOf(saved));
      notify(saved.provider === 'none' ? 'Tunnel turned off' : 'Reachability saved: the tunnel is starting');
    } catch (failure) {
      setError(toAdminCallError(failure));
    } finally {
      setBusy(false);
    }
  };

  const chosen = PROVIDERS.find((p) => p.value === draft.provider)!;
  let fields: ReactNode = null;
  if (draft.provider === 'ngrok') {
    fields = (
      <div className={styles.columns}>
        <Field label="Authtoken" hint={`ngrok dashboard → Your Authtoken. ${secretHint(view.ngrok.authtoken, 'authtoken')}`} {...field('authtoken')}>
          <Input type="password" autoComplete="off" value={draft.authtoken} onChange={(_, d) => edit({ authtoken: d.value })} />
        </Field>
        <Field label="Reserved domain (optional)" hint="A domain reserved in the ngrok dashboard (Domains). Empty: a random URL that changes on every start." {...field('domain')}>
          <Input value={draft.domain} onChange={(_, d) => edit({ domain: d.value })} spellCheck={false} placeholder="scimdesk.ngrok.app" />
        </Field>
      </div>
    );
  } else if (draft.provider === 'cloudflare') {
    fields = (
      <>
        {view.cloudflare.cloudflaredPath ? (
          <Text size={200} className={styles.muted} data-testid="cloudflared-path">
            cloudflared found at <span className={styles.mono}>{view.cloudflare.cloudflaredPath}</span>
          </Text>
        ) : (
          <MessageBar intent="warning" layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>cloudflared is not on PATH</MessageBarTitle>
              Install Cloudflare’s cloudflared on this machine (and restart ScimDesk if PATH changed): ScimDesk runs it for the tunnel.
            </MessageBarBody>
          </MessageBar>
        )}
        <div className={styles.columns}>
          <Field
            label="Tunnel token"
            hint={`Zero Trust → Networks → Tunnels → your tunnel: the long token in the connector’s install command. ${secretHint(view.cloudflare.token, 'token')}`}
            {...field('token')}
          >
            <Input type="password" autoComplete="off" value={draft.token} onChange={(_, d) => edit({ token: d.value })} />
          </Field>
          <Field label="Public hostname" hint="The hostname you added to this tunnel in the Cloudflare dashboard." {...field('hostname')}>
            <Input value={draft.hostname} onChange={(_, d) => edit({ hostname: d.value })} spellCheck={false} placeholder="scim.contoso.com" />
          </Field>
        </div>
        {view.localUrl && (
          <Text size={200} className={styles.muted}>
            In the dashboard, the hostname’s service must be <span className={styles.mono}>{view.localUrl.replace('127.0.0.1', 'localhost')}</span>
            {view.localUrl.startsWith('https:') ? ' with No TLS Verify (the endpoint’s own certificate is for Entra)' : ''}.
            {view.cloudflare.tunnelId && (
              <>
                {' '}
                Its DNS record is a CNAME to <span className={styles.mono}>{view.cloudflare.tunnelId}.cfargotunnel.com</span>.
              </>
            )}
          </Text>
        )}
      </>
    );
  } else if (draft.provider === 'azureRelay') {
    fields = (
      <>
        <div className={styles.columns}>
          <Field label="Relay namespace" hint="contoso-scim, or its full name contoso-scim.servicebus.windows.net" {...field('namespace')}>
            <Input value={draft.namespace} onChange={(_, d) => edit({ namespace: d.value })} spellCheck={false} />
          </Field>
          <Field label="Hybrid connection" hint="Created with “Requires Client Authorization” off: Entra sends its own bearer token." {...field('connectionName')}>
            <Input value={draft.connectionName} onChange={(_, d) => edit({ connectionName: d.value })} spellCheck={false} />
          </Field>
          <Field label="Shared access policy" hint="A policy with the Listen claim (on the hybrid connection or the namespace)." {...field('keyName')}>
            <Input value={draft.keyName} onChange={(_, d) => edit({ keyName: d.value })} spellCheck={false} />
          </Field>
          <Field label="Policy key" hint={secretHint(view.azureRelay.key, 'key')} {...field('key')}>
            <Input type="password" autoComplete="off" value={draft.key} onChange={(_, d) => edit({ key: d.value })} />
          </Field>
        </div>
      </>
    );
  }

  return (
    <form
      noValidate
      className={styles.block}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <Field label="Reach ScimDesk through" hint={chosen.hint}>
        <RadioGroup layout="horizontal" value={draft.provider} onChange={(_, d) => edit({ provider: d.value as ReachProvider })}>
          {PROVIDERS.map((p) => (
            <Radio key={p.value} value={p.value} label={p.label} />
          ))}
        </RadioGroup>
      </Field>
      {fields}
      {error && error.issues.length === 0 && <ErrorBar error={error} title="Reachability was not saved" />}
      <div className={styles.row}>
        <Button type="submit" appearance="primary" disabled={busy || !parsed.success} icon={busy ? <Spinner size="tiny" /> : undefined}>
          {draft.provider === 'none' ? (view.provider === 'none' ? 'Save' : 'Turn off the tunnel') : 'Save and connect'}
        </Button>
      </div>
    </form>
  );
}

const STEP_ICON: Record<CheckStepView['status'], { readonly icon: ReactNode; readonly label: string }> = {
  pass: { icon: <CheckmarkCircleFilled />, label: 'Passed' },
  warn: { icon: <WarningFilled />, label: 'Warning' },
  fail: { icon: <DismissCircleFilled />, label: 'Failed' },
  skipped: { icon: <SubtractCircleRegular />, label: 'Not tried' },
};

/** The check's results, one line per step with its fix. */
export function CheckResults({ check }: { readonly check: OutsideCheckView }) {
  const styles = useStyles();
  const failed = check.steps.find((step) => step.status === 'fail');
  return (
    <div className={styles.block} data-testid="check-results">
      <MessageBar intent={check.passed ? 'success' : 'error'} layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{check.passed ? 'Entra would get through' : `Entra could not get through: ${failed?.title ?? ''}`}</MessageBarTitle>
          <span className={styles.mono}>{check.url}</span>, checked {formatRelative(check.at)} from {check.from === 'internet' ? 'the internet' : 'inside the network'} with{' '}
          {check.credential === 'token' ? 'the Secret Token you gave' : 'ScimDesk’s check key'} ({check.durationMs} ms).
        </MessageBarBody>
      </MessageBar>
      <ol className={styles.steps} aria-label="Check from outside, step by step">
        {check.steps.map((step) => (
          <li key={step.id} className={styles.step} data-status={step.status}>
            <span className={mergeClasses(styles.stepIcon, styles[step.status])} role="img" aria-label={STEP_ICON[step.status].label}>
              {STEP_ICON[step.status].icon}
            </span>
            <div className={styles.stepBody}>
              <Text weight="semibold">{step.title}</Text>
              <Text>{step.summary}</Text>
              {step.fix && (step.status === 'fail' || step.status === 'warn') && <Text className={styles.fix}>Fix: {step.fix}</Text>}
            </div>
          </li>
        ))}
      </ol>
      <Text size={200} className={styles.muted}>
        The request, as Entra’s Test Connection sends it: <span className={styles.mono}>{check.request}</span>
      </Text>
    </div>
  );
}

/** Calls the Tenant URL as Entra does and shows each result. */
function CheckFromOutside({ view }: { readonly view: ReachabilityView }) {
  const styles = useStyles();
  const { check, checking } = useAppStore(useShallow((s) => ({ check: s.checkReach, checking: s.reachChecking })));
  const [inside, setInside] = useState(false);
  const [token, setToken] = useState('');
  const [error, setError] = useState<AdminCallError | null>(null);
  const run = async () => {
    setError(null);
    try {
      await check({ from: inside ? 'network' : 'internet', ...(token.trim() ? { token: token.trim() } : {}) });
    } catch (failure) {
      setError(toAdminCallError(failure));
    }
  };
  return (
    <div className={styles.block}>
      <Text as="h3" weight="semibold" size={400} className={styles.subhead}>
        Check from outside
      </Text>
      <Text className={styles.muted}>
        Calls the Tenant URL the way Entra’s Test Connection does (a query for a random user, no User-Agent) and reports the name, the connection, the certificate, the
        token and the answer. It runs by itself after every tunnel start. Without a token it uses ScimDesk’s own check key, which opens nothing but that query.
      </Text>
      <div className={styles.columns}>
        <Field label="Secret Token (optional)" hint="To check the token Entra has. Not saved.">
          <Input type="password" autoComplete="off" value={token} onChange={(_, d) => setToken(d.value)} />
        </Field>
        <Checkbox
          checked={inside}
          onChange={(_, d) => setInside(d.checked === true)}
          label="From inside the network (Microsoft’s on-premises provisioning agent calls ScimDesk; private addresses are fine)"
        />
      </div>
      <div className={styles.row}>
        <Button appearance="primary" icon={checking ? <Spinner size="tiny" /> : <GlobeShieldRegular />} disabled={checking || !view.tenantUrl} onClick={() => void run()}>
          Check from outside
        </Button>
        {checking && <Text className={styles.muted}>Checking {view.tenantUrl}…</Text>}
      </div>
      {error && <ErrorBar error={error} title="The check did not run" />}
      {view.lastCheck && <CheckResults check={view.lastCheck} />}
    </div>
  );
}

/** HTTPS without a tunnel: a self-signed certificate for testing, with the warning that Entra refuses it. */
function TestCertificate() {
  const styles = useStyles();
  const notify = useNotify();
  const { settings, create } = useAppStore(useShallow((s) => ({ settings: s.settings.data, create: s.createTestCertificate })));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AdminCallError | null>(null);
  const certificate = settings?.certificate ?? null;
  const selfSigned = certificate !== null && certificate.subject === certificate.issuer;
  return (
    <div className={styles.block}>
      <Text as="h3" weight="semibold" size={400} className={styles.subhead}>
        HTTPS without a tunnel
      </Text>
      <Text className={styles.muted}>
        Behind a port forward or your own reverse proxy, Entra needs a certificate from a public certificate authority for the public name: install it under HTTPS
        certificate. To try HTTPS first (with curl, or the provisioning agent on this machine), ScimDesk can make a self-signed one.
      </Text>
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>Entra refuses self-signed certificates</MessageBarTitle>A self-signed certificate is for testing only: Entra’s Test Connection and provisioning fail
          with it. It replaces the endpoint’s current certificate.
        </MessageBarBody>
        <MessageBarActions>
          <Button
            icon={busy ? <Spinner size="tiny" /> : <CertificateRegular />}
            disabled={busy}
            onClick={() => {
              setBusy(true);
              setError(null);
              create({ days: 90 })
                .then(() => notify('Self-signed certificate installed: the endpoint serves HTTPS (not for Entra)'))
                .catch((failure: unknown) => setError(toAdminCallError(failure)))
                .finally(() => setBusy(false));
            }}
          >
            Create a self-signed certificate for testing
          </Button>
        </MessageBarActions>
      </MessageBar>
      {certificate && (
        <Text size={200} className={styles.muted} data-testid="reach-certificate">
          The endpoint serves {selfSigned ? 'a self-signed certificate' : 'a certificate'} for {certificate.subject}, valid until {formatDateTime(certificate.validTo)}.
        </Text>
      )}
      {error && <ErrorBar error={error} title="No certificate was created" />}
    </div>
  );
}

/**
 * Settings → Reachability: the tunnel that gives Entra a public HTTPS Tenant URL (none, ngrok,
 * Cloudflare, Azure Relay), its state, the check from outside, and HTTPS without a tunnel.
 */
export function ReachabilityPanel() {
  const styles = useStyles();
  const { reach, loadReach } = useAppStore(useShallow((s) => ({ reach: s.reach, loadReach: s.loadReach })));

  useEffect(() => {
    void loadReach();
  }, [loadReach]);

  const view = reach.data;
  return (
    <Section title="Reachability" icon={<GlobeArrowForwardRegular />} className={styles.wide}>
      <Text className={styles.muted}>
        Entra’s provisioning service runs in Microsoft’s cloud and calls the Tenant URL over HTTPS. A tunnel gives ScimDesk such a URL without opening a port; where nothing may
        be reachable from the internet, Microsoft’s on-premises provisioning agent (the “On-premises SCIM app” in Entra) can call ScimDesk from inside your network
        instead: the README’s Reachability section has its exact settings.
      </Text>
      {reach.error && <ErrorBar error={reach.error} title="Could not load the reachability settings" onRetry={() => void loadReach()} />}
      {!view && reach.status !== 'error' && <Loading label="Loading reachability…" />}
      {view && (
        <>
          <TunnelStatus view={view} />
          <ProviderForm key={`${view.provider}:${view.ngrok.domain}:${view.cloudflare.hostname}:${view.azureRelay.namespace}`} view={view} />
          <CheckFromOutside view={view} />
          <TestCertificate />
        </>
      )}
    </Section>
  );
}
