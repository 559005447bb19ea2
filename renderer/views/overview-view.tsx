import {
  Badge,
  Button,
  Link,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowClockwiseRegular,
  CheckmarkCircleFilled,
  CircleRegular,
  GlobeRegular,
  KeyRegular,
  PlugConnectedRegular,
  QuestionCircleRegular,
  TaskListLtrRegular,
} from '@fluentui/react-icons';
import { useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Overview, SeenFrom } from '../../shared/admin/contract';
import { CopyableValue } from '../components/copy-button';
import { Fact, Facts } from '../components/facts';
import { formatDate, formatDateTime, formatNumber, formatRelative, isLoopbackHost, isPrivateUrl, plural } from '../components/format';
import { formatBytes } from '../../shared/bytes';
import { ErrorBar, Loading } from '../components/load-states';
import { Page, Section } from '../components/page';
import { TokenSummary } from '../components/token-summary';
import { useLoadOnShow } from '../components/use-load-on-show';
import { DeliveryAlert } from './delivery-view';
import { useAppStore } from '../state/store';
import { BreakerBanner } from './held-operations';
import { EntraCredentials } from './auth-methods';
import { PausedBanner, ProvisioningControl } from './provisioning-pause';
import { QuarantineWatch } from './quarantine-watch';

const useStyles = makeStyles({
  columns: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(380px, 1fr))', gap: tokens.spacingHorizontalL },
  stats: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(160px, 1fr))', gap: tokens.spacingHorizontalM },
  stat: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    boxShadow: tokens.shadow2,
  },
  statValue: { fontSize: tokens.fontSizeHero700, lineHeight: tokens.lineHeightHero700, fontWeight: tokens.fontWeightSemibold },
  statLabel: { color: tokens.colorNeutralForeground2 },
  statError: { color: tokens.colorPaletteRedForeground1 },
  label: { color: tokens.colorNeutralForeground2 },
  steps: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  step: { display: 'grid', gridTemplateColumns: '28px 1fr', columnGap: tokens.spacingHorizontalS },
  stepIcon: { fontSize: '24px', marginTop: '2px' },
  done: { color: tokens.colorPaletteGreenForeground1 },
  todo: { color: tokens.colorNeutralForeground3 },
  manual: { color: tokens.colorBrandForeground1 },
  stepBody: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  stepText: { color: tokens.colorNeutralForeground2 },
  stepNote: { color: tokens.colorNeutralForeground3, fontStyle: 'italic' },
  path: { fontWeight: tokens.fontWeightSemibold },
});

type StepState = 'done' | 'todo' | 'manual';

interface SetupStep {
  readonly title: string;
  readonly body: ReactNode;
  readonly state: StepState;
  /** How ScimDesk knows (or why it cannot). */
  readonly note: string;
  readonly action?: ReactNode;
}

/** Where a step stands given who it was seen from: only Entra's own requests tick it. */
function seenState(from: SeenFrom | null, otherwise: StepState): StepState {
  return from === 'entra' ? 'done' : otherwise;
}

/**
 * The note for a step Entra has not been seen doing: what was seen instead, in plain words. `what`
 * completes "A client … but not Entra", e.g. "queried the endpoint".
 */
function notEntraNote(from: SeenFrom | null, what: string, nothing: string): string {
  if (from === 'other') return `A client ${what}, but not Entra: its requests carry no ADSCIMVersion header (a curl or a script). Entra's own request ticks this step.`;
  if (from === 'unknown') return `A client ${what} before ScimDesk recorded which client sends a request, so it cannot say it was Entra. Entra's next request ticks this step.`;
  return nothing;
}

/** The vendor guides' steps, ticked from what the sync log has seen of Entra's own requests. */
function setupSteps(overview: Overview, goToToken: () => void, path: string): SetupStep[] {
  const s = overview.setup;
  const records = `${plural(overview.counts.users, 'user')} and ${plural(overview.counts.groups, 'group')}`;
  return [
    {
      title: 'Generate the Secret Token',
      body: 'ScimDesk shows it once. Keep it ready to paste into Entra in step 3.',
      state: overview.token ? 'done' : 'todo',
      note: overview.token
        ? 'Done: a token is active.'
        : s.tokenGenerated
          ? 'The last token was revoked: generate a new one and paste it into Entra again.'
          : 'No token yet.',
      action: !overview.token ? (
        <Button appearance="primary" icon={<KeyRegular />} onClick={goToToken}>
          Set up a token
        </Button>
      ) : undefined,
    },
    {
      title: 'Create an enterprise application in Entra',
      body: (
        <>
          In the Microsoft Entra admin center: <span className={path}>Enterprise applications → New application → Create your own application</span>, choose
          “Integrate any other application you don't find in the gallery (Non-gallery)”, name it (for example “ScimDesk”) and Create. Use a new application for each
          ScimDesk instance.
        </>
      ),
      state: seenState(s.connected, 'manual'),
      note:
        s.connected === 'entra'
          ? 'Done: Entra has connected to ScimDesk.'
          : notEntraNote(s.connected, 'used the token', 'Done in Entra: ScimDesk sees it once Entra connects.'),
    },
    {
      title: 'Turn on automatic provisioning',
      body: (
        <>
          In the application: <span className={path}>Provisioning → Get started</span>, Provisioning Mode <span className={path}>Automatic</span>. Under Admin
          Credentials paste the Tenant URL above as <span className={path}>Tenant URL</span> and the token as <span className={path}>Secret Token</span>; a new
          app offers an <span className={path}>Authentication Method</span> instead: workload identity federation (recommended) or OAuth 2.0 client credentials,
          with the fields listed under Connect Entra and on the Authentication screen.
        </>
      ),
      state: seenState(s.connected, 'manual'),
      note:
        s.connected === 'entra'
          ? 'Done: Entra has used the token.'
          : notEntraNote(s.connected, 'used the token', 'Done in Entra: ScimDesk sees it once Entra connects.'),
    },
    {
      title: 'Test Connection',
      body: 'Entra looks up a random user; ScimDesk answers that it does not exist, which is the expected success.',
      state: seenState(s.testConnection, 'todo'),
      note: s.testConnection === 'entra' ? 'Seen: Entra queried the endpoint successfully.' : notEntraNote(s.testConnection, 'queried the endpoint', 'Not seen yet in the sync log.'),
    },
    {
      title: 'Save the provisioning settings',
      body: 'On Save, Entra reads the endpoint’s schemas to offer its attributes in the mappings.',
      state: seenState(s.schemaDiscovery, 'todo'),
      note: s.schemaDiscovery === 'entra' ? 'Seen: Entra read the schemas.' : notEntraNote(s.schemaDiscovery, 'read the schemas', 'Not seen yet in the sync log.'),
    },
    {
      title: 'Review the attribute mappings',
      body: (
        <>
          <span className={path}>Mappings → Provision Microsoft Entra ID Users</span>: map <span className={path}>externalId</span> from{' '}
          <span className={path}>objectId</span> (Entra's default is mailNickname), and do the same under <span className={path}>… Groups</span>. ScimDesk then
          knows each record's Object ID in Entra. Remove mappings for attributes you do not need.
        </>
      ),
      state: 'manual',
      note: 'Done in Entra: check it there. The Users screen flags Object IDs that are not GUIDs.',
    },
    {
      title: 'Assign users and groups (the scope)',
      body: (
        <>
          <span className={path}>Users and groups → Add user/group</span>. With the scope “Sync only assigned users and groups” only these are provisioned.
        </>
      ),
      state: seenState(s.provisioned, 'manual'),
      note:
        s.provisioned === 'entra'
          ? 'Done: Entra has created records.'
          : notEntraNote(s.provisioned, 'created records', 'Done in Entra: ScimDesk sees it once Entra creates records.'),
    },
    {
      title: 'Start provisioning',
      body: 'Back on the Provisioning page: Start provisioning. The first cycle of a large directory takes hours; after that Entra syncs about every 40 minutes.',
      state: seenState(s.provisioned, 'todo'),
      note: s.provisioned === 'entra' ? `Seen: Entra is provisioning; ${records} here.` : notEntraNote(s.provisioned, `created records (${records} here)`, 'No users or groups provisioned yet.'),
    },
  ];
}

const TUNNEL_WORDS = { stopped: 'Stopped', starting: 'Starting', online: 'Online', reconnecting: 'Reconnecting', failed: 'Failed' } as const;
const PROVIDER_WORDS = { ngrok: 'ngrok', cloudflare: 'Cloudflare Tunnel', azureRelay: 'Azure Relay' } as const;

/**
 * "Entra must reach this URL": shown until a check from outside through the Tenant URL passed, and
 * again when a later one failed, with what failed and how to fix it.
 */
function ReachWarning({ overview, privateUrl }: { readonly overview: Overview; readonly privateUrl: boolean }) {
  const styles = useStyles();
  const { navigate, checkReach, checking } = useAppStore(useShallow((s) => ({ navigate: s.navigate, checkReach: s.checkReach, checking: s.reachChecking })));
  const [error, setError] = useState<string | null>(null);
  const check = overview.reachability.check;
  const failure = check?.failures[0];
  return (
    <MessageBar intent="warning" layout="multiline" data-testid="reach-warning">
      <MessageBarBody>
        <MessageBarTitle>Entra must reach this URL</MessageBarTitle>
        {check && !check.passed ? (
          <>
            The last check from {check.from === 'internet' ? 'outside' : 'inside the network'} ({formatRelative(check.at)}) did not get through
            {failure ? (
              <>
                : <span className={styles.path}>{failure.title}</span>: {failure.summary}. {failure.fix ? `Fix: ${failure.fix}` : ''}
              </>
            ) : (
              '.'
            )}
          </>
        ) : privateUrl ? (
          <>
            Entra's provisioning service runs in Microsoft's cloud and calls the Tenant URL over HTTPS. This address only works on this computer or network: turn on a tunnel in
            Settings → Reachability, or set the public URL of your reverse proxy, or let Microsoft's on-premises provisioning agent call ScimDesk from inside your network.
          </>
        ) : (
          <>
            Entra is to reach ScimDesk through <span className={styles.path}>{overview.scimUrl}</span>, but nothing has checked yet that this address reaches ScimDesk from the
            internet (the reverse proxy or tunnel in front of it). Check from outside calls it the way Entra's Test Connection does.
          </>
        )}
        {error && <> ({error})</>}
      </MessageBarBody>
      <MessageBarActions>
        <Button
          disabled={checking}
          icon={checking ? <Spinner size="tiny" /> : undefined}
          onClick={() => {
            setError(null);
            checkReach({ from: check?.from ?? 'internet' }).catch((failed: unknown) => setError(failed instanceof Error ? failed.message : String(failed)));
          }}
        >
          Check from outside
        </Button>
        <Button onClick={() => navigate('settings')}>Open Settings</Button>
      </MessageBarActions>
    </MessageBar>
  );
}

function StepIcon({ state }: { readonly state: StepState }) {
  const styles = useStyles();
  if (state === 'done') return <CheckmarkCircleFilled className={mergeClasses(styles.stepIcon, styles.done)} aria-label="Done" role="img" />;
  if (state === 'manual') return <QuestionCircleRegular className={mergeClasses(styles.stepIcon, styles.manual)} aria-label="Check in Entra" role="img" />;
  return <CircleRegular className={mergeClasses(styles.stepIcon, styles.todo)} aria-label="Not done yet" role="img" />;
}

function Stat({ label, value, detail, tone }: { readonly label: string; readonly value: string; readonly detail?: ReactNode; readonly tone?: 'error' }) {
  const styles = useStyles();
  return (
    <div className={styles.stat} role="group" aria-label={label}>
      <Text className={styles.statLabel}>{label}</Text>
      <Text className={mergeClasses(styles.statValue, tone === 'error' ? styles.statError : undefined)}>{value}</Text>
      {detail && <Text size={200}>{detail}</Text>}
    </div>
  );
}

/**
 * The data folder's disk when it is short of what ScimDesk needs, and log files that cannot be
 * written: both said before they stop provisioning (a full disk makes every write answer 503).
 */
function StorageWarnings({ storage }: { readonly storage: Overview['storage'] }) {
  const styles = useStyles();
  const logs = storage.logFiles;
  return (
    <>
      {storage.low && storage.freeBytes !== null && (
        <MessageBar intent="warning" layout="multiline" data-testid="storage-low">
          <MessageBarBody>
            <MessageBarTitle>Low disk space: {formatBytes(storage.freeBytes)} free</MessageBarTitle>
            The disk of the data folder <span className={styles.path}>{storage.folder}</span> has {formatBytes(storage.freeBytes)} free; ScimDesk asks for{' '}
            {formatBytes(storage.neededBytes)}. There: the database {formatBytes(storage.databaseBytes)}, its write-ahead log {formatBytes(storage.walBytes)}, the log
            files {formatBytes(storage.logBytes)}. When the disk is full, every write Entra sends is answered 503 (Entra retries it in a later cycle) until space
            is freed: free space on that disk, or move the data folder.
          </MessageBarBody>
        </MessageBar>
      )}
      {logs?.failing && (
        <MessageBar intent="error" layout="multiline" data-testid="log-files-failing">
          <MessageBarBody>
            <MessageBarTitle>The log files cannot be written</MessageBarTitle>
            {logs.lastError ? `${logs.lastError.code} since ${formatDateTime(logs.lastError.time)}: ${logs.lastError.message}. ` : ''}
            ScimDesk keeps serving; log lines wait in memory{logs.dropped > 0 ? ` (${plural(logs.dropped, 'line')} dropped so far)` : ''} and are written once the
            disk takes them again.
          </MessageBarBody>
        </MessageBar>
      )}
    </>
  );
}

/** Scheduled exports whose last run failed: which, when and why (each is tried again on its own). */
function ExportFailures({ failing }: { readonly failing: Overview['exports']['failing'] }) {
  if (failing.length === 0) return null;
  return (
    <MessageBar intent="error" layout="multiline" data-testid="exports-failing">
      <MessageBarBody>
        <MessageBarTitle>{failing.length === 1 ? `The export “${failing[0]!.name}” failed` : `${plural(failing.length, 'scheduled export')} failed`}</MessageBarTitle>
        {failing.map((f) => `${failing.length === 1 ? '' : `${f.name}: `}${formatDateTime(f.at)}: ${f.error}`).join(' ')} ScimDesk tries again in a few minutes (Settings → Scheduled exports).
      </MessageBarBody>
    </MessageBar>
  );
}

function OverviewContent({ overview }: { readonly overview: Overview }) {
  const styles = useStyles();
  const { navigate, showSyncLog, pauseProvisioning, resumeProvisioning } = useAppStore(
    useShallow((s) => ({ navigate: s.navigate, showSyncLog: s.showSyncLog, pauseProvisioning: s.pauseProvisioning, resumeProvisioning: s.resumeProvisioning })),
  );
  const goToToken = () => navigate('directory');
  // Issue 16: federation or an OAuth client lets Entra in without a Secret Token.
  const oauthReady = useAppStore((s) => s.auth.data !== null && (s.auth.data.federation?.enabled === true || s.auth.data.clients.some((c) => c.revoked === null && c.expires !== null)));
  const steps = setupSteps(overview, goToToken, styles.path);
  const confirmed = steps.filter((step) => step.state === 'done').length;
  const { endpoint, last24h, counts } = overview;
  const plainOnNetwork = endpoint.listening && !endpoint.https && !isLoopbackHost(endpoint.host);
  const privateUrl = overview.scimUrl !== null && isPrivateUrl(overview.scimUrl);
  const { tunnel, check } = overview.reachability;
  const certificate = overview.certificate;

  return (
    <>
      <PausedBanner overview={overview} onResume={resumeProvisioning} />
      <BreakerBanner overview={overview} />
      {!overview.token && !oauthReady && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Start here: Entra needs a Secret Token</MessageBarTitle>
            There is no active token, so ScimDesk answers every SCIM request with 401. Generate one, then paste it into Entra with the Tenant URL.
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={goToToken}>Go to Authentication</Button>
          </MessageBarActions>
        </MessageBar>
      )}
      <StorageWarnings storage={overview.storage} />
      <ExportFailures failing={overview.exports.failing} />
      <QuarantineWatch
        quarantine={overview.quarantine}
        onShowFailures={() => showSyncLog({ range: 'day', outcome: 'error', client: 'entra' })}
        onGoToToken={goToToken}
      />

      <div className={styles.columns}>
        <Section title="Connect Entra" icon={<PlugConnectedRegular />}>
          <Text className={styles.label} id="tenant-url-label">
            Tenant URL (paste into Entra's “Tenant URL”)
          </Text>
          {overview.scimUrl ? (
            <CopyableValue value={overview.scimUrl} what="Tenant URL" labelledBy="tenant-url-label" testId="tenant-url" large />
          ) : (
            <Text>The endpoint is not listening, so there is no Tenant URL. Check the address in Settings.</Text>
          )}
          <Text className={styles.label}>Secret Token (paste into Entra's “Secret Token”)</Text>
          {overview.token ? (
            <>
              <TokenSummary token={overview.token} />
              <div>
                <Button onClick={goToToken}>Manage token</Button>
              </div>
            </>
          ) : (
            <div>
              <Text block>No token: Entra cannot connect.</Text>
              <Button appearance="primary" icon={<KeyRegular />} onClick={goToToken}>
                Set up a token
              </Button>
            </div>
          )}
          <EntraCredentials onManage={goToToken} />
        </Section>

        <Section title="Endpoint" icon={<GlobeRegular />}>
          <Facts inline>
            <Fact label="Status">
              {endpoint.listening ? (
                <Badge color="success" appearance="filled">
                  Listening
                </Badge>
              ) : (
                <Badge color="danger" appearance="filled">
                  Not listening
                </Badge>
              )}
            </Fact>
            <Fact label="Provisioning">
              <ProvisioningControl overview={overview} onPause={pauseProvisioning} onResume={resumeProvisioning} />
            </Fact>
            <Fact label="Address">
              <Text>
                {endpoint.host}:{endpoint.port}
              </Text>
              <Text size={200}>{isLoopbackHost(endpoint.host) ? '(this computer only)' : '(reachable from the network)'}</Text>
            </Fact>
            <Fact label="Protocol">
              {endpoint.https ? (
                <Badge color="success" appearance="tint">
                  HTTPS
                </Badge>
              ) : (
                <Badge color={plainOnNetwork ? 'danger' : 'warning'} appearance="tint">
                  HTTP (not encrypted)
                </Badge>
              )}
            </Fact>
            {certificate && (
              <Fact label="Certificate" testId="certificate-expiry">
                <Text>
                  {certificate.daysLeft < 0 ? 'Expired on' : 'Valid until'} {formatDate(certificate.validTo)}
                  {certificate.daysLeft >= 0 ? ` (${plural(certificate.daysLeft, 'day')})` : ''}
                </Text>
                {certificate.selfSigned && (
                  <Badge color="warning" appearance="tint">
                    Self-signed
                  </Badge>
                )}
              </Fact>
            )}
            {tunnel && (
              <Fact label="Tunnel" testId="overview-tunnel">
                <Badge color={tunnel.status === 'online' ? 'success' : tunnel.status === 'failed' ? 'danger' : 'warning'} appearance="tint">
                  {TUNNEL_WORDS[tunnel.status]}
                </Badge>
                <Text size={200}>{tunnel.provider ? PROVIDER_WORDS[tunnel.provider] : ''}</Text>
                {tunnel.status === 'failed' && tunnel.reason && <Text size={200}>{tunnel.reason}</Text>}
              </Fact>
            )}
          </Facts>
          {plainOnNetwork && (
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>Plain HTTP on the network</MessageBarTitle>
                The Secret Token and user data travel unencrypted. Add an HTTPS certificate in Settings, or listen on 127.0.0.1 behind an HTTPS reverse proxy
                or tunnel.
              </MessageBarBody>
              <MessageBarActions>
                <Button onClick={() => navigate('settings')}>Open Settings</Button>
              </MessageBarActions>
            </MessageBar>
          )}
          {endpoint.listening && overview.scimUrl && !check?.passed && <ReachWarning overview={overview} privateUrl={privateUrl} />}
          {check?.passed && (
            <Text size={200} className={styles.label} data-testid="public-url-verified">
              Reachable: a check from {check.from === 'internet' ? 'outside' : 'inside the network'} got through this URL {formatRelative(check.at)}.
            </Text>
          )}
          {certificate && (certificate.selfSigned || certificate.daysLeft < 30) && (
            <MessageBar intent={certificate.daysLeft < 0 ? 'error' : 'warning'} layout="multiline" data-testid="certificate-warning">
              <MessageBarBody>
                <MessageBarTitle>
                  {certificate.daysLeft < 0
                    ? 'The HTTPS certificate has expired'
                    : certificate.daysLeft < 30
                      ? `The HTTPS certificate expires in ${plural(certificate.daysLeft, 'day')}`
                      : 'The HTTPS certificate is self-signed'}
                </MessageBarTitle>
                {certificate.daysLeft < 30 && <>Entra stops provisioning the day it expires ({formatDate(certificate.validTo)}): renew it and install the new one in Settings. </>}
                {certificate.selfSigned && <>It is self-signed, and Entra refuses self-signed certificates: use one from a public certificate authority, or a tunnel.</>}
              </MessageBarBody>
              <MessageBarActions>
                <Button onClick={() => navigate('settings')}>Open Settings</Button>
              </MessageBarActions>
            </MessageBar>
          )}
        </Section>
      </div>

      <div className={styles.stats}>
        <Stat label="Users" value={formatNumber(counts.users)} detail={`${formatNumber(counts.activeUsers)} active`} />
        <Stat label="Groups" value={formatNumber(counts.groups)} />
        <Stat
          label="Last SCIM request"
          value={overview.lastActivity ? formatRelative(overview.lastActivity) : 'None yet'}
          detail={overview.lastActivity ? formatDateTime(overview.lastActivity) : 'No client has sent one, Entra included'}
        />
        <Stat label="Requests, last 24 h" value={formatNumber(last24h.requests)} detail={<Link onClick={() => showSyncLog({ range: 'day' })}>Open the sync log</Link>} />
        <Stat
          label="Errors, last 24 h"
          value={formatNumber(last24h.errors)}
          tone={last24h.errors > 0 ? 'error' : undefined}
          detail={
            last24h.errors > 0 ? <Link onClick={() => showSyncLog({ range: 'day', outcome: 'error' })}>View the errors</Link> : 'No failed requests'
          }
        />
      </div>

      <Section
        title="Set up Entra"
        icon={<TaskListLtrRegular />}
        actions={<Text className={styles.label}>{`${confirmed} of ${steps.length} steps confirmed`}</Text>}
      >
        <Text className={styles.stepText}>
          The steps of Microsoft's and the vendors' guides. ScimDesk ticks a step when its sync log shows Entra did it; the steps done only inside Entra are
          marked with a question mark until their effect shows.
        </Text>
        <ol className={styles.steps} aria-label="Set up Entra steps">
          {steps.map((step, index) => (
            <li key={step.title} className={styles.step} data-state={step.state}>
              <StepIcon state={step.state} />
              <div className={styles.stepBody}>
                <Text weight="semibold">
                  {index + 1}. {step.title}
                </Text>
                <Text className={styles.stepText}>{step.body}</Text>
                <Text size={200} className={styles.stepNote}>
                  {step.note}
                </Text>
                {step.action && <div>{step.action}</div>}
              </div>
            </li>
          ))}
        </ol>
      </Section>
    </>
  );
}

/** The landing screen: how to connect Entra, whether it works, and what has arrived. */
export function OverviewView() {
  const { overview, loadOverview } = useAppStore(useShallow((s) => ({ overview: s.overview, loadOverview: s.loadOverview })));

  useLoadOnShow(loadOverview);

  return (
    <Page
      title="Overview"
      description="ScimDesk receives users and groups from Microsoft Entra ID over SCIM 2.0. Give Entra the Tenant URL and Secret Token below, then watch provisioning arrive."
      actions={
        <Button icon={<ArrowClockwiseRegular />} onClick={() => void loadOverview()} disabled={overview.status === 'loading'}>
          Refresh
        </Button>
      }
    >
      {overview.error && <ErrorBar error={overview.error} title="Could not load the overview" onRetry={() => void loadOverview()} />}
      <DeliveryAlert />
      {overview.data ? <OverviewContent overview={overview.data} /> : overview.status !== 'error' && <Loading label="Loading the overview…" />}
    </Page>
  );
}
