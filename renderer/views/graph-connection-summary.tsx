import { Badge, Button, Text, makeStyles, tokens } from '@fluentui/react-components';
import { EditRegular, LockClosedRegular, PlugConnectedRegular } from '@fluentui/react-icons';
import type { GraphSettingsView } from '../../shared/admin/entra-schemas';
import { Section } from '../components/page';

const useStyles = makeStyles({
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXS, margin: 0 },
  term: { color: tokens.colorNeutralForeground2 },
  fact: { margin: 0, display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap', minWidth: 0 },
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
      <dl className={styles.facts} aria-label="Saved connection">
        <dt className={styles.term}>
          <Text>Directory (tenant) ID</Text>
        </dt>
        <dd className={styles.fact}>
          <Text className={styles.mono}>{connection.tenantId}</Text>
        </dd>
        <dt className={styles.term}>
          <Text>Application (client) ID</Text>
        </dt>
        <dd className={styles.fact}>
          <Text className={styles.mono}>{connection.clientId}</Text>
        </dd>
        <dt className={styles.term}>
          <Text>Cloud</Text>
        </dt>
        <dd className={styles.fact}>
          <Text>{cloud?.label ?? connection.cloud}</Text>
          {connection.cloud === 'custom' && (
            <Text size={200} className={styles.muted}>
              signs in at <span className={styles.mono}>{connection.authorityHost}</span>, reads from <span className={styles.mono}>{connection.graphBaseUrl}</span>
            </Text>
          )}
        </dd>
        <dt className={styles.term}>
          <Text>Signs in with</Text>
        </dt>
        <dd className={styles.fact}>
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
        </dd>
        <dt className={styles.term}>
          <Text>Enterprise application</Text>
        </dt>
        <dd className={styles.fact}>
          {connection.appId ? <Text className={styles.mono}>{connection.appId}</Text> : <Text className={styles.muted}>None: comparisons run without the scope</Text>}
        </dd>
      </dl>
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
