import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { ReactNode } from 'react';
import type { AdminCallError } from '../api/client';

const useStyles = makeStyles({
  center: { display: 'flex', justifyContent: 'center', padding: tokens.spacingVerticalXXL },
  empty: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    textAlign: 'center',
    gap: tokens.spacingVerticalS,
    padding: `${tokens.spacingVerticalXXL} ${tokens.spacingHorizontalXL}`,
    color: tokens.colorNeutralForeground2,
  },
  emptyIcon: { fontSize: '40px', color: tokens.colorNeutralForeground3 },
  emptyBody: { maxWidth: '56ch' },
});

/** A centred spinner with a label that says what is loading. */
export function Loading({ label }: { readonly label: string }) {
  const styles = useStyles();
  return (
    <div className={styles.center}>
      <Spinner label={label} />
    </div>
  );
}

/** What went wrong, in the contract's words, with a Retry button. */
export function ErrorBar({ error, title = 'Something went wrong', onRetry }: { readonly error: AdminCallError | Error; readonly title?: string; readonly onRetry?: () => void }) {
  return (
    <MessageBar intent="error" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {error.message}
      </MessageBarBody>
      {onRetry && (
        <MessageBarActions>
          <Button onClick={onRetry}>Retry</Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}

/** An empty list that explains why it is empty and what happens next. */
export function EmptyState({ icon, title, children }: { readonly icon?: ReactNode; readonly title: string; readonly children?: ReactNode }) {
  const styles = useStyles();
  return (
    <div className={styles.empty} role="status">
      {icon && <span className={styles.emptyIcon} aria-hidden>{icon}</span>}
      <Text weight="semibold" size={400}>
        {title}
      </Text>
      {children && <Text className={styles.emptyBody}>{children}</Text>}
    </div>
  );
}
