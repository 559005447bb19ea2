import { Badge, Button, Text, makeStyles, tokens } from '@fluentui/react-components';
import { EditRegular, LockClosedRegular, PlugConnectedRegular } from '@fluentui/react-icons';
import type { GraphSettingsView } from '../../shared/admin/entra-schemas';
import { Fact, Facts } from '../components/facts';
import { Section } from '../components/page';
const useStyles = makeStyles({
  /** Long ids wrap inside their column instead of widening it. */
  facts: { '& > dd': { minWidth: 0 } },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  muted: { color: tokens.colorNeutralForeground2 },
  note: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-start' },
});

/**
 * The saved Graph connection in a few lines, with "Edit connection": once connected, the form's
 * fields only push the comparison's results down the page.
 */
export function GraphConnectionSummary({ view, onEdit }: { readonly view: GraphSettingsView; readonly onEdit: () => void }) {
  const styles = useStyles();
  const connection = view.connection;
  if (!connection) return null;
  const cloud = view.clouds.find((option) => option.id === connection.cloud);
  const credential = connection.auth === 'secret' ? 'Client secret' : `Certificate (${connection.certificateFormat === 'pfx' ? '.pfx file' : 'PEM'})`;
  return (
    <Section
      title="Microsoft Graph connection"
      icon={<PlugConnectedRegular />}
      actions={
        <Button icon={<EditRegular />} onClick={onEdit}>
          Edit connection
        </Button>
      }
    >
      <Facts inline className={styles.facts} label="Saved connection">
        <Fact label="Directory (tenant) ID">
          <Text className={styles.mono}>{connection.tenantId}</Text>
        </Fact>
        <Fact label="Application (client) ID">
          <Text className={styles.mono}>{connection.clientId}</Text>
        </Fact>
        <Fact label="Cloud">
          <Text>{cloud?.label ?? connection.cloud}</Text>
          {connection.cloud === 'custom' && (
            <Text size={200} className={styles.muted}>
              signs in at <span className={styles.mono}>{connection.authorityHost}</span>, reads from <span className={styles.mono}>{connection.graphBaseUrl}</span>
            </Text>
          )}
        </Fact>
        <Fact label="Signs in with">
          <Text>{credential}</Text>
          {view.secretStored ? (
            <Badge appearance="tint" color="success">
              Stored
            </Badge>
          ) : (
            <Badge appearance="tint" color="danger">
              Not stored: edit the connection
            </Badge>
          )}
        </Fact>
        <Fact label="Enterprise application">
          {connection.appId ? <Text className={styles.mono}>{connection.appId}</Text> : <Text className={styles.muted}>None: comparisons run without the scope</Text>}
        </Fact>
      </Facts>
      <div className={styles.note} data-testid="graph-secret-store">
        <LockClosedRegular aria-hidden />
        <Text size={200} className={styles.muted}>
          Secrets are kept in: <strong>{view.secretStore}</strong>. ScimDesk never shows the credential again.
          {view.secretStored ? ' A credential is stored now.' : ' No credential is stored.'}
        </Text>
      </div>
    </Section>
  );
}
