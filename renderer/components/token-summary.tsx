import { Badge, makeStyles, Text, tokens } from '@fluentui/react-components';
import type { TokenInfo } from '../../shared/admin/contract';
import { Fact, Facts } from './facts';
import { formatDateTime, formatRelative } from './format';
const useStyles = makeStyles({
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
    <Facts inline>
      <Fact label="Token">
        <Text className={styles.hint} data-testid="token-hint">
          {token.hint}
        </Text>
        <Text size={200}>(masked: the full token was shown once)</Text>
      </Fact>
      <Fact label="Created">
        <Text title={formatDateTime(token.created)}>
          {formatDateTime(token.created)} ({formatRelative(token.created)})
        </Text>
      </Fact>
      <Fact label="Expires">
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
      </Fact>
      <Fact label="Last used">
        {token.lastUsed ? (
          <Text title={formatDateTime(token.lastUsed)}>{formatRelative(token.lastUsed)}</Text>
        ) : (
          <Text>Never: Entra has not connected with this token yet</Text>
        )}
      </Fact>
    </Facts>
  );
}
