import { Button, Field, MessageBar, MessageBarBody, MessageBarTitle, ProgressBar, Select, Spinner, Text, makeStyles, tokens } from '@fluentui/react-components';
import { ArchiveRegular, ArrowDownloadRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { downloadBase64 } from '../components/download-file';
import { formatNumber, plural } from '../components/format';
import { ErrorBar } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Section } from '../components/page';
import { useAppStore } from '../state/store';

const useStyles = makeStyles({
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  row: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'end', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground2 },
});

const CYCLE_CHOICES = [1, 3, 5, 10] as const;

/** Settings › Support bundle: what the redacted zip holds, how many provisioning cycles of the sync log, and Download. */
export function SupportBundlePanel() {
  const styles = useStyles();
  const notify = useNotify();
  const { job, build } = useAppStore(useShallow((s) => ({ job: s.supportBundle, build: s.buildSupportBundle })));
  const [cycles, setCycles] = useState(3);
  const running = job.status === 'running';

  const download = async () => {
    try {
      const bundle = await build(cycles);
      downloadBase64(bundle.zipBase64, bundle.fileName);
      notify(`Support bundle saved: ${bundle.fileName}`);
    } catch {
      // The panel shows the error.
    }
  };

  const progress = job.progress;
  return (
    <Section title="Support bundle" icon={<ArchiveRegular />}>
      <Text className={styles.muted}>One redacted zip to send to support when provisioning goes wrong. It holds:</Text>
      <ul className={styles.list} data-testid="support-bundle-contents">
        <li>ScimDesk, Node and Electron versions and the operating system</li>
        <li>Directory, endpoint, Graph and tunnel settings, without any secret</li>
        <li>Extension schemas and the endpoint's /Schemas</li>
        <li>Token hints and fingerprints only: never a token or its hash</li>
        <li>Mapping diagnostics, provisioning cycles and the last comparison's counts</li>
        <li>Storage, disk and the quarantine assessment</li>
        <li>The sync log of the last provisioning cycles, with personal data masked (j***@contoso.com); object IDs (GUIDs) stay</li>
      </ul>
      <div className={styles.row}>
        <Field label="Sync log of the last">
          <Select value={String(cycles)} onChange={(_, d) => setCycles(Number(d.value))} disabled={running} aria-label="Provisioning cycles in the bundle">
            {CYCLE_CHOICES.map((n) => (
              <option key={n} value={n}>
                {plural(n, 'provisioning cycle')}
              </option>
            ))}
          </Select>
        </Field>
        <Button appearance="primary" icon={running ? <Spinner size="tiny" /> : <ArrowDownloadRegular />} disabled={running} onClick={() => void download()}>
          Download support bundle
        </Button>
      </div>
      {running && progress && (
        <Field label="Building the support bundle" validationMessage={progress.message} validationState="none">
          <ProgressBar value={progress.total > 0 ? Math.min(1, progress.done / progress.total) : undefined} thickness="large" aria-label="Support bundle progress" />
        </Field>
      )}
      {job.status === 'done' && job.result && (
        <MessageBar intent="success" layout="multiline" data-testid="support-bundle-done">
          <MessageBarBody>
            <MessageBarTitle>Support bundle saved</MessageBarTitle>
            {job.result.fileName}: {formatNumber(Math.max(1, Math.round(job.result.bytes / 1024)))} KB,{' '}
            {job.result.cycles > 0 ? `${plural(job.result.entries, 'sync-log entry', 'sync-log entries')} of ${plural(job.result.cycles, 'provisioning cycle')}` : `${plural(job.result.entries, 'sync-log entry', 'sync-log entries')} of the last hours (no provisioning cycle in the log)`}.
          </MessageBarBody>
        </MessageBar>
      )}
      {job.status === 'failed' && job.error && <ErrorBar error={job.error} title="The support bundle could not be built" />}
    </Section>
  );
}
