import {
  Badge,
  Button,
  Field,
  Input,
  Label,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import {
  AddRegular,
  CertificateRegular,
  DeleteRegular,
  EditRegular,
  FolderRegular,
  GlobeRegular,
  HistoryRegular,
  PuzzlePieceRegular,
} from '@fluentui/react-icons';
import { useEffect, useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { EndpointSettings, Retention, type ExtensionSchema, type SettingsView as Settings } from '../../shared/admin/contract';
import { toAdminCallError, type AdminCallError } from '../api/client';
import { ConfirmDialog } from '../components/confirm-dialog';
import { CopyButton } from '../components/copy-button';
import { formatDateTime, isLoopbackHost } from '../components/format';
import { EmptyState, ErrorBar, Loading } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Page, Section } from '../components/page';
import { MAX_PFX_BYTES, readAsBase64 } from '../components/read-file';
import { useTableStyles } from '../components/table-styles';
import { useAppStore } from '../state/store';
import { ExtensionEditor, newExtension } from './extension-editor';
import { ReachabilityPanel } from './settings-reachability-panel';

const useStyles = makeStyles({
  columns: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(440px, 1fr))', gap: tokens.spacingHorizontalL, alignItems: 'start' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  pair: { display: 'grid', gridTemplateColumns: '2fr 1fr', gap: tokens.spacingHorizontalM, alignItems: 'start' },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  muted: { color: tokens.colorNeutralForeground2 },
  mono: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXS, margin: 0 },
  fact: { margin: 0, wordBreak: 'break-word' },
  file: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  path: {
    fontFamily: tokens.fontFamilyMonospace,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    wordBreak: 'break-all',
  },
  wide: { gridColumn: '1 / -1' },
  error: { color: tokens.colorPaletteRedForeground1 },
});

/** Field messages from a contract schema (client side) and from the server's `issues`. */
function fieldMessages(result: { success: boolean; error?: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } }, server: AdminCallError | null) {
  const messages: Record<string, string> = {};
  if (!result.success) for (const issue of result.error?.issues ?? []) messages[issue.path.map(String).join('.')] ??= issue.message;
  for (const issue of server?.issues ?? []) messages[issue.path] ??= issue.message;
  return messages;
}

function EndpointPanel({ settings }: { readonly settings: Settings }) {
  const styles = useStyles();
  const notify = useNotify();
  const updateEndpoint = useAppStore((s) => s.updateEndpoint);
  const [host, setHost] = useState(settings.endpoint.host);
  const [port, setPort] = useState(String(settings.endpoint.port));
  const [publicUrl, setPublicUrl] = useState(settings.endpoint.publicUrl);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AdminCallError | null>(null);
  const [moved, setMoved] = useState<string | null>(null);

  const input = { host: host.trim(), port: port.trim() === '' ? Number.NaN : Number(port), publicUrl: publicUrl.trim() };
  const messages = fieldMessages(EndpointSettings.safeParse(input), error);
  const onNetwork = host.trim() !== '' && !isLoopbackHost(host);
  const listening = settings.listening;

  const save = async () => {
    if (Object.keys(messages).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const view = await updateEndpoint(input);
      setMoved(view.listening?.url ?? null);
      notify('Endpoint settings saved');
    } catch (failure) {
      setError(toAdminCallError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="SCIM endpoint" icon={<GlobeRegular />}>
      <dl className={styles.facts}>
        <dt className={styles.muted}>
          <Text>Listening at</Text>
        </dt>
        <dd className={styles.fact}>
          {listening ? (
            <Text className={styles.mono} data-testid="listening-url">
              {listening.url}
            </Text>
          ) : (
            <Badge color="danger">Not listening</Badge>
          )}
        </dd>
      </dl>
      <form
        noValidate
        className={styles.form}
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <div className={styles.pair}>
          <Field
            label="Listen on address"
            hint="127.0.0.1: this computer only. 0.0.0.0: every network interface."
            validationMessage={messages['host']}
            validationState={messages['host'] ? 'error' : 'none'}
          >
            <Input value={host} onChange={(_, d) => setHost(d.value)} spellCheck={false} />
          </Field>
          <Field label="Port" validationMessage={messages['port']} validationState={messages['port'] ? 'error' : 'none'}>
            <Input type="number" min={1} max={65535} value={port} onChange={(_, d) => setPort(d.value)} />
          </Field>
        </div>
        {onNetwork && (
          <MessageBar intent="warning" layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>Reachable from the network</MessageBarTitle>
              {host.trim()} accepts connections from other machines. Use HTTPS (a certificate below, or a TLS reverse proxy or tunnel) so the Secret Token and
              user data are not sent in clear text.
            </MessageBarBody>
          </MessageBar>
        )}
        <Field
          label="Public URL"
          hint="The https address Entra uses when a reverse proxy or tunnel is in front (for example https://scim.contoso.com). Leave empty for none."
          validationMessage={messages['publicUrl']}
          validationState={messages['publicUrl'] ? 'error' : 'none'}
        >
          <Input value={publicUrl} onChange={(_, d) => setPublicUrl(d.value)} spellCheck={false} placeholder="https://" />
        </Field>
        {error && error.issues.length === 0 && <ErrorBar error={error} title="The endpoint did not move" />}
        {moved && (
          <MessageBar intent="success" layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>Now listening</MessageBarTitle>
              The Tenant URL is <span className={styles.mono}>{moved}</span>. If it changed, update it in Entra (Provisioning → Admin Credentials).
            </MessageBarBody>
          </MessageBar>
        )}
        <div className={styles.buttons}>
          <Button type="submit" appearance="primary" disabled={busy} icon={busy ? <Spinner size="tiny" /> : undefined}>
            Save endpoint
          </Button>
        </div>
      </form>
    </Section>
  );
}

function CertificatePanel({ settings }: { readonly settings: Settings }) {
  const styles = useStyles();
  const notify = useNotify();
  const fileId = useId();
  const { setCertificate, clearCertificate } = useAppStore(useShallow((s) => ({ setCertificate: s.setCertificate, clearCertificate: s.clearCertificate })));
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AdminCallError | null>(null);
  const [removing, setRemoving] = useState(false);
  const restoreFocus = useRestoreFocusTarget();
  const [inputKey, setInputKey] = useState(0);
  const certificate = settings.certificate;
  const fileMessage = file && file.size > MAX_PFX_BYTES ? 'The .pfx file is larger than 150 KB' : error?.issueAt('pfxBase64');

  const install = async () => {
    if (!file || fileMessage) return;
    setBusy(true);
    setError(null);
    try {
      await setCertificate(await readAsBase64(file), passphrase);
      setFile(null);
      setPassphrase('');
      setInputKey((key) => key + 1);
      notify('Certificate installed: the endpoint now serves HTTPS');
    } catch (failure) {
      setError(toAdminCallError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="HTTPS certificate" icon={<CertificateRegular />}>
      {certificate ? (
        <>
          <dl className={styles.facts}>
            <dt className={styles.muted}>
              <Text>Subject</Text>
            </dt>
            <dd className={styles.fact}>
              <Text>{certificate.subject}</Text>
            </dd>
            <dt className={styles.muted}>
              <Text>Issuer</Text>
            </dt>
            <dd className={styles.fact}>
              <Text>{certificate.issuer}</Text>
            </dd>
            <dt className={styles.muted}>
              <Text>Valid</Text>
            </dt>
            <dd className={styles.fact}>
              <Text>
                {formatDateTime(certificate.validFrom)} to {formatDateTime(certificate.validTo)}
              </Text>{' '}
              {new Date(certificate.validTo).getTime() < Date.now() && <Badge color="danger">Expired</Badge>}
            </dd>
            <dt className={styles.muted}>
              <Text>SHA-256 fingerprint</Text>
            </dt>
            <dd className={styles.fact}>
              <Text className={styles.mono} size={200}>
                {certificate.fingerprint256}
              </Text>
            </dd>
          </dl>
          <div className={styles.buttons}>
            <Button {...restoreFocus} icon={<DeleteRegular />} onClick={() => setRemoving(true)}>
              Remove certificate
            </Button>
          </div>
        </>
      ) : (
        <Text className={styles.muted}>
          No certificate: the endpoint serves plain HTTP. That is right behind a TLS reverse proxy or tunnel; otherwise add the server's certificate (a .pfx
          file with its private key).
        </Text>
      )}
      <form
        noValidate
        className={styles.form}
        onSubmit={(event) => {
          event.preventDefault();
          void install();
        }}
      >
        <div className={styles.file}>
          <Label htmlFor={fileId}>{certificate ? 'Replace with a certificate file (.pfx)' : 'Certificate file (.pfx)'}</Label>
          <input
            key={inputKey}
            id={fileId}
            type="file"
            accept=".pfx,.p12,application/x-pkcs12"
            onChange={(event) => {
              setFile(event.target.files?.[0] ?? null);
              setError(null);
            }}
          />
          {fileMessage && (
            <Text size={200} className={styles.error}>
              {fileMessage}
            </Text>
          )}
        </div>
        <Field label="Passphrase" hint="The password that protects the .pfx file; kept in the secret store, never in the database.">
          <Input type="password" value={passphrase} onChange={(_, d) => setPassphrase(d.value)} autoComplete="off" />
        </Field>
        {error && !error.issueAt('pfxBase64') && <ErrorBar error={error} title="The certificate was not installed" />}
        <div className={styles.buttons}>
          <Button type="submit" appearance="primary" disabled={!file || busy || fileMessage !== undefined} icon={busy ? <Spinner size="tiny" /> : undefined}>
            Use this certificate
          </Button>
        </div>
      </form>
      <ConfirmDialog
        open={removing}
        title="Remove the HTTPS certificate?"
        confirmLabel="Remove"
        danger
        onClose={() => setRemoving(false)}
        onConfirm={async () => {
          await clearCertificate();
          notify('Certificate removed: the endpoint serves plain HTTP');
        }}
      >
        <Text>
          The endpoint switches to plain HTTP at once and the Tenant URL changes to http://. Do this only when a TLS reverse proxy or tunnel is in front of
          ScimDesk.
        </Text>
      </ConfirmDialog>
    </Section>
  );
}

function RetentionPanel({ settings }: { readonly settings: Settings }) {
  const styles = useStyles();
  const notify = useNotify();
  const updateRetention = useAppStore((s) => s.updateRetention);
  const [days, setDays] = useState(String(settings.retention.maxAgeDays));
  const [rows, setRows] = useState(String(settings.retention.maxRows));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AdminCallError | null>(null);
  const toNumber = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
  const input = { maxAgeDays: toNumber(days), maxRows: toNumber(rows) };
  const messages = fieldMessages(Retention.safeParse(input), error);

  const save = async () => {
    if (Object.keys(messages).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      await updateRetention(input);
      notify('Retention saved');
    } catch (failure) {
      setError(toAdminCallError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Sync log retention" icon={<HistoryRegular />}>
      <Text className={styles.muted}>Older entries are removed every hour (and at start); whichever limit is reached first applies.</Text>
      <form
        noValidate
        className={styles.form}
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <div className={styles.pair}>
          <Field label="Keep entries for (days)" validationMessage={messages['maxAgeDays']} validationState={messages['maxAgeDays'] ? 'error' : 'none'}>
            <Input type="number" min={1} max={3650} value={days} onChange={(_, d) => setDays(d.value)} />
          </Field>
          <Field label="Keep at most (entries)" validationMessage={messages['maxRows']} validationState={messages['maxRows'] ? 'error' : 'none'}>
            <Input type="number" min={1000} step={1000} value={rows} onChange={(_, d) => setRows(d.value)} />
          </Field>
        </div>
        {error && error.issues.length === 0 && <ErrorBar error={error} title="Retention was not saved" />}
        <div className={styles.buttons}>
          <Button type="submit" appearance="primary" disabled={busy} icon={busy ? <Spinner size="tiny" /> : undefined}>
            Save retention
          </Button>
        </div>
      </form>
    </Section>
  );
}

function ExtensionsPanel() {
  const styles = useStyles();
  const table = useTableStyles();
  const notify = useNotify();
  const { extensions, loadExtensions, saveExtension, deleteExtension } = useAppStore(
    useShallow((s) => ({ extensions: s.extensions, loadExtensions: s.loadExtensions, saveExtension: s.saveExtension, deleteExtension: s.deleteExtension })),
  );
  const [editing, setEditing] = useState<{ schema: ExtensionSchema; isNew: boolean } | null>(null);
  const [deleting, setDeleting] = useState<ExtensionSchema | null>(null);
  const restoreFocus = useRestoreFocusTarget();
  const items = extensions.data ?? [];

  useEffect(() => {
    void loadExtensions();
  }, [loadExtensions]);

  return (
    <Section
      title="Extension schemas"
      icon={<PuzzlePieceRegular />}
      className={styles.wide}
      actions={
        <Button {...restoreFocus} icon={<AddRegular />} onClick={() => setEditing({ schema: newExtension(), isNew: true })}>
          Add extension schema
        </Button>
      }
    >
      <Text className={styles.muted}>
        Users carry the core and enterprise schemas. Add a schema for attributes Entra sends beyond those, such as a role mapped from a custom Entra
        attribute.
      </Text>
      {extensions.error && <ErrorBar error={extensions.error} title="Could not load the extension schemas" onRetry={() => void loadExtensions()} />}
      {!extensions.data && extensions.status !== 'error' && <Loading label="Loading extension schemas…" />}
      {extensions.data && items.length === 0 && (
        <EmptyState icon={<PuzzlePieceRegular />} title="No extension schemas">
          Not needed unless Entra's mapping sends attributes under a schema of your own.
        </EmptyState>
      )}
      {items.length > 0 && (
        <Table aria-label="Extension schemas" size="small" className={table.auto}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>URN</TableHeaderCell>
              <TableHeaderCell>Resource type</TableHeaderCell>
              <TableHeaderCell>Attributes</TableHeaderCell>
              <TableHeaderCell>Actions</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((schema) => (
              <TableRow key={schema.urn}>
                <TableCell>
                  <Text weight="semibold">{schema.name}</Text>
                </TableCell>
                <TableCell className={styles.mono}>{schema.urn}</TableCell>
                <TableCell>{schema.resourceType}</TableCell>
                <TableCell>{schema.attributes.map((attribute) => attribute.name).join(', ')}</TableCell>
                <TableCell>
                  <div className={styles.buttons}>
                    <Button {...restoreFocus} size="small" icon={<EditRegular />} aria-label={`Edit ${schema.name}`} onClick={() => setEditing({ schema, isNew: false })}>
                      Edit
                    </Button>
                    <Button {...restoreFocus} size="small" icon={<DeleteRegular />} aria-label={`Delete ${schema.name}`} onClick={() => setDeleting(schema)}>
                      Delete
                    </Button>
                  </div>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {editing && (
        <ExtensionEditor
          initial={editing.schema}
          isNew={editing.isNew}
          onClose={() => setEditing(null)}
          onSave={async (schema) => {
            await saveExtension(schema);
            notify(`Extension schema ${schema.name} saved`);
          }}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete the extension schema ${deleting?.name ?? ''}?`}
        confirmLabel="Delete"
        danger
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await deleteExtension(deleting.urn);
          notify(`Extension schema ${deleting.name} deleted`);
        }}
      >
        <Text>
          ScimDesk stops accepting and returning the attributes of {deleting?.urn}. Values already stored stay in the records. If Entra's mapping still sends
          them, its requests will report errors.
        </Text>
      </ConfirmDialog>
    </Section>
  );
}

function StoragePanel({ settings }: { readonly settings: Settings }) {
  const styles = useStyles();
  return (
    <Section title="Data and secrets" icon={<FolderRegular />}>
      <Text id="data-folder-label" className={styles.muted}>
        Data folder (database, certificate, log files)
      </Text>
      <div className={styles.buttons}>
        <Text className={styles.path} data-testid="data-dir" aria-labelledby="data-folder-label">
          {settings.dataDir}
        </Text>
        <CopyButton text={settings.dataDir} what="data folder path" />
      </div>
      <Text className={styles.muted}>Where secrets are kept</Text>
      <Text data-testid="secret-store">{settings.secretStore}</Text>
      <Text size={200} className={styles.muted}>
        The Secret Token itself is never stored: ScimDesk keeps only a keyed hash of it.
      </Text>
    </Section>
  );
}

/** Endpoint address, HTTPS, retention, extension schemas, and where the data lives. */
export function SettingsView() {
  const styles = useStyles();
  const { settings, loadSettings } = useAppStore(useShallow((s) => ({ settings: s.settings, loadSettings: s.loadSettings })));

  useEffect(() => {
    void loadSettings();
  }, [loadSettings]);

  const data = settings.data;
  return (
    <Page title="Settings" description={`Where the SCIM endpoint listens and how, how long the sync log is kept, and the schemas beyond the standard ones.`}>
      {settings.error && <ErrorBar error={settings.error} title="Could not load the settings" onRetry={() => void loadSettings()} />}
      {!data && settings.status !== 'error' && <Loading label="Loading settings…" />}
      {data && (
        <div className={styles.columns}>
          <EndpointPanel settings={data} />
          <CertificatePanel settings={data} />
          <ReachabilityPanel />
          <RetentionPanel settings={data} />
          <StoragePanel settings={data} />
          <ExtensionsPanel />
        </div>
      )}
    </Page>
  );
}
