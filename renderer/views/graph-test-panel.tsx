import { Badge, Button, MessageBar, MessageBarBody, MessageBarTitle, Spinner, Text, makeStyles, tokens } from '@fluentui/react-components';
import { CheckmarkCircleFilled, DismissCircleFilled, ShieldCheckmarkRegular } from '@fluentui/react-icons';
import { useShallow } from 'zustand/react/shallow';
import { CopyButton } from '../components/copy-button';
import { DataTable } from '../components/data-table';
import { formatDateTime, formatRelative, plural } from '../components/format';
import { EmptyState, ErrorBar } from '../components/load-states';
import { Section } from '../components/page';
import { useTableStyles } from '../components/table-styles';
import type { ConnectionTest } from '../state/graph-slice';
import { useAppStore } from '../state/store';

const useStyles = makeStyles({
  muted: { color: tokens.colorNeutralForeground2 },
  badges: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  summaryBadge: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  step: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  consent: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    overflowWrap: 'anywhere',
    userSelect: 'all',
  },
  consentRow: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-start' },
  heading: { margin: 0 },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
});

type Permission = ConnectionTest['permissions'][number];

const STATUS_WORDS: Record<Permission['status'], { label: string; color: 'success' | 'danger' | 'warning' | 'informative' }> = {
  granted: { label: 'Granted', color: 'success' },
  missing: { label: 'Missing', color: 'danger' },
  refused: { label: 'Refused by Graph', color: 'danger' },
  unconfirmed: { label: 'Unconfirmed', color: 'warning' },
};

function Capability({ ok, label }: { readonly ok: boolean; readonly label: string }) {
  const styles = useStyles();
  return (
    <Badge
      size="large"
      appearance={ok ? 'filled' : 'tint'}
      color={ok ? 'success' : 'danger'}
      className={styles.summaryBadge}
      icon={ok ? <CheckmarkCircleFilled /> : <DismissCircleFilled />}
      data-testid={`capability-${ok ? 'yes' : 'no'}`}
    >
      {ok ? label : label.replace(/^Can /, 'Cannot ')}
    </Badge>
  );
}

function ConsentStep({ permission }: { readonly permission: Permission }) {
  const styles = useStyles();
  if (permission.consentStep === null) return null;
  return (
    <div className={styles.consentRow}>
      <Text className={styles.consent} data-testid={`consent-${permission.permission}`}>
        {permission.consentStep}
      </Text>
      <CopyButton text={permission.consentStep} what={`consent step for ${permission.permission}`} />
    </div>
  );
}

function Report({ report }: { readonly report: ConnectionTest }) {
  const styles = useStyles();
  const table = useTableStyles();
  const { token, enterpriseApp } = report;
  return (
    <>
      <div className={styles.badges} role="group" aria-label="What this connection allows">
        <Capability ok={report.canCompare} label="Can compare" />
        <Capability ok={report.canManageJobs} label="Can manage the provisioning job" />
        <Capability ok={report.canReadLogs} label="Can read provisioning logs" />
      </div>
      <Text size={200} className={styles.muted}>
        Tested {formatRelative(report.testedAt)} ({formatDateTime(report.testedAt)}).
      </Text>
      {token.ok && !report.canCompare && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Compare needs more permissions</MessageBarTitle>
            Grant the missing ones below (each step names the exact place in Entra). If no Graph permission can be granted in this tenant, import the users
            CSV under Entra data instead: the comparison works from it too.
          </MessageBarBody>
        </MessageBar>
      )}

      <Text as="h3" weight="semibold" className={styles.heading}>
        1. Sign in (token)
      </Text>
      {token.ok ? (
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Signed in{token.appDisplayName ? ` as ${token.appDisplayName}` : ''}</MessageBarTitle>
            The token is valid until {formatDateTime(token.expiresOn)}. Permissions in it: {token.roles.length > 0 ? token.roles.join(', ') : 'none'}.
          </MessageBarBody>
        </MessageBar>
      ) : (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Could not sign in{token.code ? ` (${token.code})` : ''}</MessageBarTitle>
            <Text block>{token.problem ?? 'Microsoft Entra refused the credentials.'}</Text>
            {token.advice && (
              <Text block>
                <strong>What to do:</strong> {token.advice}
              </Text>
            )}
          </MessageBarBody>
        </MessageBar>
      )}
      {report.certificate && (
        <Text size={200}>
          Certificate {report.certificate.subject}, thumbprint <span className={styles.mono}>{report.certificate.thumbprint}</span>, valid until{' '}
          {formatDateTime(report.certificate.notAfter)}.
        </Text>
      )}

      {report.permissions.length > 0 && (
        <>
          <Text as="h3" weight="semibold" className={styles.heading}>
            2. Permissions
          </Text>
          <DataTable
            label="Graph permissions"
            rows={report.permissions}
            rowKey={(permission) => permission.permission}
            rowLabel={(permission) => `${permission.permission}: ${STATUS_WORDS[permission.status].label}`}
            columns={[
              {
                header: 'Permission',
                className: table.nowrap,
                render: (permission) => (
                  <>
                    <Text weight="semibold">{permission.permission}</Text>
                    {permission.grantedBy && permission.grantedBy !== permission.permission && (
                      <Text block size={200} className={styles.muted}>
                        through {permission.grantedBy}
                      </Text>
                    )}
                  </>
                ),
              },
              {
                header: 'Status',
                className: table.nowrap,
                render: (permission) => (
                  <Badge appearance="tint" color={STATUS_WORDS[permission.status].color}>
                    {STATUS_WORDS[permission.status].label}
                  </Badge>
                ),
              },
              {
                header: 'Needed to',
                render: (permission) => (
                  <div className={styles.step}>
                    <Text>{permission.neededFor.charAt(0).toUpperCase() + permission.neededFor.slice(1)}.</Text>
                    {permission.detail && (
                      <Text size={200} className={styles.muted}>
                        {permission.detail}
                      </Text>
                    )}
                    {permission.consentStep && (
                      <>
                        <Text size={200} weight="semibold">
                          To grant it (an administrator with admin-consent rights):
                        </Text>
                        <ConsentStep permission={permission} />
                      </>
                    )}
                  </div>
                ),
              },
            ]}
          />
        </>
      )}

      {token.ok && (
        <>
          <Text as="h3" weight="semibold" className={styles.heading}>
            3. Enterprise application
          </Text>
          {enterpriseApp === null ? (
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>No enterprise application chosen</MessageBarTitle>
                Without it the comparison does not know the provisioning scope (nothing is reported as never provisioned or only local), and the Entra actions
                are unavailable. Find it by name in the connection above and save.
              </MessageBarBody>
            </MessageBar>
          ) : enterpriseApp.found ? (
            <MessageBar intent="success" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>Found: {enterpriseApp.displayName}</MessageBarTitle>
                Application ID <span className={styles.mono}>{enterpriseApp.appId}</span>
                {enterpriseApp.jobs !== null ? `, ${plural(enterpriseApp.jobs, 'provisioning job')}` : ''}.
              </MessageBarBody>
            </MessageBar>
          ) : (
            <MessageBar intent="error" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>Not found: {enterpriseApp.appId}</MessageBarTitle>
                {enterpriseApp.detail ?? 'No enterprise application with this Application ID in the tenant.'} Check the ID under Enterprise applications →
                the application → Overview, or use Find.
              </MessageBarBody>
            </MessageBar>
          )}
        </>
      )}
    </>
  );
}

/** Test connection: sign-in, each permission with its consent step, the enterprise application, what is possible. */
export function GraphTestPanel({ connected }: { readonly connected: boolean }) {
  const { graphTest, testGraph } = useAppStore(useShallow((s) => ({ graphTest: s.graphTest, testGraph: s.testGraph })));
  const busy = graphTest.status === 'loading';
  return (
    <Section
      title="Test connection"
      icon={<ShieldCheckmarkRegular />}
      actions={
        <Button
          appearance="primary"
          disabled={!connected || busy}
          icon={busy ? <Spinner size="tiny" /> : <ShieldCheckmarkRegular />}
          onClick={() => void testGraph()}
        >
          Test connection
        </Button>
      }
    >
      {!connected && (
        <EmptyState icon={<ShieldCheckmarkRegular />} title="Connect to Microsoft Graph first">
          Save the connection, then test it: ScimDesk signs in, tries each permission it needs, and tells you exactly what to grant in Entra.
        </EmptyState>
      )}
      {connected && graphTest.error && <ErrorBar error={graphTest.error} title="The test could not run" onRetry={() => void testGraph()} />}
      {connected && busy && !graphTest.data && (
        <Text role="status">
          <Spinner size="tiny" label="Signing in and checking each permission…" labelPosition="after" />
        </Text>
      )}
      {connected && graphTest.status === 'idle' && (
        <EmptyState icon={<ShieldCheckmarkRegular />} title="Not tested yet">
          Press Test connection: ScimDesk signs in, tries each permission (User.Read.All, Group.Read.All, GroupMember.Read.All, Application.Read.All,
          Synchronization.ReadWrite.All, AuditLog.Read.All) and names what is missing.
        </EmptyState>
      )}
      {connected && graphTest.data && <Report report={graphTest.data} />}
    </Section>
  );
}
