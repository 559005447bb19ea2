import { Button, Card, Text, makeStyles, tokens } from '@fluentui/react-components';
import { LockClosedRegular, PlugDisconnectedRegular } from '@fluentui/react-icons';
import { type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ErrorBar, Loading } from '../components/load-states';
import { useLoadOnShow } from '../components/use-load-on-show';
import { useAppStore } from '../state/store';

const useStyles = makeStyles({
  backdrop: {
    minHeight: '100vh',
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    backgroundColor: tokens.colorNeutralBackground2,
    padding: tokens.spacingHorizontalXL,
    boxSizing: 'border-box',
  },
  card: { maxWidth: '560px', display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, padding: tokens.spacingHorizontalXXL },
  icon: { fontSize: '40px', color: tokens.colorBrandForeground1 },
  code: {
    fontFamily: tokens.fontFamilyMonospace,
    backgroundColor: tokens.colorNeutralBackground3,
    padding: `0 ${tokens.spacingHorizontalXS}`,
    borderRadius: tokens.borderRadiusSmall,
  },
  steps: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});

/** Shows the admin screens once there is an admin session; explains how to get one otherwise. */
export function SessionGate({ children }: { readonly children: ReactNode }) {
  const styles = useStyles();
  const { session, checkSession } = useAppStore(useShallow((s) => ({ session: s.session, checkSession: s.checkSession })));

  useLoadOnShow(checkSession);

  if (session.status === 'ready') return <>{children}</>;
  if (session.status === 'checking' && session.version === null) {
    return (
      <div className={styles.backdrop}>
        <Loading label="Connecting to ScimDesk…" />
      </div>
    );
  }

  const retry = (
    <Button appearance="primary" onClick={() => void checkSession()} disabled={session.status === 'checking'}>
      {session.status === 'checking' ? 'Checking…' : 'Try again'}
    </Button>
  );

  if (session.status === 'signedOut' || (session.status === 'checking' && session.error === null)) {
    return (
      <div className={styles.backdrop}>
        <Card className={styles.card} role="main" aria-labelledby="signin-title">
          <LockClosedRegular className={styles.icon} aria-hidden />
          <Text as="h1" id="signin-title" size={600} weight="semibold">
            {session.ended ? 'Your admin session has ended' : 'Sign in to ScimDesk'}
          </Text>
          <Text>
            {session.ended ? 'Sign in again to continue. ' : ''}The admin pages open only from this computer, through a one-time login link. Get one of
            these ways:
          </Text>
          <ol className={styles.steps}>
            <li>
              <Text>
                Open the login link that ScimDesk printed when it started: the line that begins with <span className={styles.code}>Admin UI:</span>
              </Text>
            </li>
            <li>
              <Text>
                Or run <span className={styles.code}>npm run admin-link</span> in the ScimDesk folder for a new link.
              </Text>
            </li>
          </ol>
          <Text size={200}>A link works once; your session then lasts until it expires or ScimDesk restarts.</Text>
          <div>{retry}</div>
        </Card>
      </div>
    );
  }

  return (
    <div className={styles.backdrop}>
      <Card className={styles.card} role="main" aria-labelledby="unreachable-title">
        <PlugDisconnectedRegular className={styles.icon} aria-hidden />
        <Text as="h1" id="unreachable-title" size={600} weight="semibold">
          {session.status === 'unreachable' ? 'Cannot reach ScimDesk' : 'ScimDesk did not answer as expected'}
        </Text>
        {session.error && <ErrorBar error={session.error} title="Details" />}
        <div>{retry}</div>
      </Card>
    </div>
  );
}
