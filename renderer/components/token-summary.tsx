import { Badge, makeStyles, Text, tokens } from '@fluentui/react-components';
import type { TokenInfo } from '../../shared/admin/contract';
import { formatDateTime, formatRelative } from './format';

const useStyles = makeStyles({
  list: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground2 },
  value: { margin: 0, display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  hint: { fontFamily: tokens.fontFamilyMonospace },
});

const SOON_MS = 14 * 86_400_000;

/** Whether a token has expired, expires within 14 days, or neither. */
function tokenExpiry(token: TokenInfo, now = new Date()): 'expired' | 'soon' | 'ok' | 'never' {
  if (!token.expires) return 'never';
  const left = new Date(token.expires).getTime() - now.getTime();
  return left <= 0 ? 'expired' : left < SOON_MS ? 'soon' : 'ok';
}

/** The masked token and its dates: what an admin needs to tell whether Entra still has the right one. */
export function TokenSummary({ token }: { readonly token: TokenInfo }) {
  const styles = useStyles();
  const expiry = tokenExpiry(token);
  return (
    <dl className={styles.list}>
      <dt className={styles.term}>
        <Text>Token</Text>
      </dt>
      <dd className={styles.value}>
        <Text className={styles.hint} data-testid="token-hint">
          {token.hint}
        </Text>
        <Text size={200}>(masked: the full token was shown once)</Text>
      </dd>
      <dt className={styles.term}>
        <Text>Created</Text>
      </dt>
      <dd className={styles.value}>
        <Text title={formatDateTime(token.created)}>
          {formatDateTime(token.created)} ({formatRelative(token.created)})
        </Text>
      </dd>
      <dt className={styles.term}>
        <Text>Expires</Text>
      </dt>
      <dd className={styles.value}>
        {expiry === 'never' ? (
          <Text>Never</Text>
        ) : (
          <>
            <Text>
              {formatDateTime(token.expires)} ({formatRelative(token.expires)})
            </Text>
            {expiry === 'expired' && (
              <Badge color="danger" appearance="filled">
                Expired: Entra gets 401
              </Badge>
            )}
            {expiry === 'soon' && (
              <Badge color="warning" appearance="filled">
                Expires soon
              </Badge>
            )}
          </>
        )}
      </dd>
      <dt className={styles.term}>
        <Text>Last used</Text>
      </dt>
      <dd className={styles.value}>
        {token.lastUsed ? (
          <Text title={formatDateTime(token.lastUsed)}>{formatRelative(token.lastUsed)}</Text>
        ) : (
          <Text>Never: Entra has not connected with this token yet</Text>
        )}
      </dd>
    </dl>
  );
}
