import { Field, Input, Text, makeStyles, tokens } from '@fluentui/react-components';
import { FolderRegular, HistoryRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Retention, type SettingsView as Settings } from '../../shared/admin/contract';
import { CopyableValue } from '../components/copy-button';
import { SubmitButton, SubmitForm, fieldMessages, fieldValidation } from '../components/form';
import { ErrorBar, Loading } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Page, Section } from '../components/page';
import { useAction } from '../components/use-action';
import { useLoadOnShow } from '../components/use-load-on-show';
import { useAppStore } from '../state/store';
import { CertificatePanel } from './settings-certificate-panel';
import { EndpointPanel } from './settings-endpoint-panel';
import { ExtensionsPanel } from './settings-extensions-panel';
import { ReachabilityPanel } from './settings-reachability-panel';
import { SupportBundlePanel } from './settings-support-panel';
const useStyles = makeStyles({
  columns: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(440px, 1fr))', gap: tokens.spacingHorizontalL, alignItems: 'start' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  pair: { display: 'grid', gridTemplateColumns: '2fr 1fr', gap: tokens.spacingHorizontalM, alignItems: 'start' },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  muted: { color: tokens.colorNeutralForeground2 },
});

function RetentionPanel({ settings }: { readonly settings: Settings }) {
  const styles = useStyles();
  const notify = useNotify();
  const updateRetention = useAppStore((s) => s.updateRetention);
  const [days, setDays] = useState(String(settings.retention.maxAgeDays));
  const [rows, setRows] = useState(String(settings.retention.maxRows));
  const { busy, error, run } = useAction();
  const toNumber = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
  const input = { maxAgeDays: toNumber(days), maxRows: toNumber(rows) };
  const messages = fieldMessages(Retention.safeParse(input), error);

  const save = async () => {
    if (Object.keys(messages).length > 0) return;
    await run(async () => {
      await updateRetention(input);
      notify('Retention saved');
    });
  };

  return (
    <Section title="Sync log retention" icon={<HistoryRegular />}>
      <Text className={styles.muted}>Older entries are removed every hour (and at start); whichever limit is reached first applies.</Text>
      <SubmitForm className={styles.form} onSubmit={() => void save()}>
        <div className={styles.pair}>
          <Field label="Keep entries for (days)" {...fieldValidation(messages['maxAgeDays'])}>
            <Input type="number" min={1} max={3650} value={days} onChange={(_, d) => setDays(d.value)} />
          </Field>
          <Field label="Keep at most (entries)" {...fieldValidation(messages['maxRows'])}>
            <Input type="number" min={1000} step={1000} value={rows} onChange={(_, d) => setRows(d.value)} />
          </Field>
        </div>
        {error && error.issues.length === 0 && <ErrorBar error={error} title="Retention was not saved" />}
        <div className={styles.buttons}>
          <SubmitButton busy={busy}>Save retention</SubmitButton>
        </div>
      </SubmitForm>
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
      <CopyableValue value={settings.dataDir} what="data folder path" labelledBy="data-folder-label" testId="data-dir" />
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

  useLoadOnShow(loadSettings);

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
          <SupportBundlePanel />
        </div>
      )}
      {/* Moves to the Delivery screen when that screen lands. */}
    </Page>
  );
}
