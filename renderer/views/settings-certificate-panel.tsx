import { Badge, Field, Input, Text, makeStyles, tokens } from '@fluentui/react-components';
import { CertificateRegular, DeleteRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SettingsView as Settings } from '../../shared/admin/contract';
import { ConfirmButton } from '../components/confirm-dialog';
import { Fact, Facts } from '../components/facts';
import { FileField, SubmitButton, SubmitForm } from '../components/form';
import { formatDateTime } from '../components/format';
import { ErrorBar } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Section } from '../components/page';
import { MAX_PFX_BYTES, readAsBase64 } from '../components/read-file';
import { useAction } from '../components/use-action';
import { useAppStore } from '../state/store';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  muted: { color: tokens.colorNeutralForeground2 },
  mono: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
});

/** The endpoint's HTTPS certificate: what is installed, a .pfx to install or replace it, and removing it. */
export function CertificatePanel({ settings }: { readonly settings: Settings }) {
  const styles = useStyles();
  const notify = useNotify();
  const { setCertificate, clearCertificate } = useAppStore(useShallow((s) => ({ setCertificate: s.setCertificate, clearCertificate: s.clearCertificate })));
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const { busy, error, setError, run } = useAction();
  const [inputKey, setInputKey] = useState(0);
  const certificate = settings.certificate;
  const fileMessage = file && file.size > MAX_PFX_BYTES ? 'The .pfx file is larger than 150 KB' : error?.issueAt('pfxBase64');

  const install = async () => {
    if (!file || fileMessage) return;
    await run(async () => {
      await setCertificate(await readAsBase64(file), passphrase);
      setFile(null);
      setPassphrase('');
      setInputKey((key) => key + 1);
      notify('Certificate installed: the endpoint now serves HTTPS');
    });
  };

  return (
    <Section title="HTTPS certificate" icon={<CertificateRegular />}>
      {certificate ? (
        <>
          <Facts>
            <Fact label="Subject">
              <Text>{certificate.subject}</Text>
            </Fact>
            <Fact label="Issuer">
              <Text>{certificate.issuer}</Text>
            </Fact>
            <Fact label="Valid">
              <Text>
                {formatDateTime(certificate.validFrom)} to {formatDateTime(certificate.validTo)}
              </Text>{' '}
              {new Date(certificate.validTo).getTime() < Date.now() && <Badge color="danger">Expired</Badge>}
            </Fact>
            <Fact label="SHA-256 fingerprint">
              <Text className={styles.mono} size={200}>
                {certificate.fingerprint256}
              </Text>
            </Fact>
          </Facts>
          <div className={styles.buttons}>
            <ConfirmButton
              label="Remove certificate"
              icon={<DeleteRegular />}
              title="Remove the HTTPS certificate?"
              confirmLabel="Remove"
              danger
              onConfirm={async () => {
                await clearCertificate();
                return 'Certificate removed: the endpoint serves plain HTTP';
              }}
            >
              <Text>
                The endpoint switches to plain HTTP at once and the Tenant URL changes to http://. Do this only when a TLS reverse proxy or tunnel is in front of
                ScimDesk.
              </Text>
            </ConfirmButton>
          </div>
        </>
      ) : (
        <Text className={styles.muted}>
          No certificate: the endpoint serves plain HTTP. That is right behind a TLS reverse proxy or tunnel; otherwise add the server's certificate (a .pfx
          file with its private key).
        </Text>
      )}
      <SubmitForm className={styles.form} onSubmit={() => void install()}>
        <FileField
          key={inputKey}
          label={certificate ? 'Replace with a certificate file (.pfx)' : 'Certificate file (.pfx)'}
          accept=".pfx,.p12,application/x-pkcs12"
          message={fileMessage}
          onChange={(chosen) => {
            setFile(chosen);
            setError(null);
          }}
        />
        <Field label="Passphrase" hint="The password that protects the .pfx file; kept in the secret store, never in the database.">
          <Input type="password" value={passphrase} onChange={(_, d) => setPassphrase(d.value)} autoComplete="off" />
        </Field>
        {error && !error.issueAt('pfxBase64') && <ErrorBar error={error} title="The certificate was not installed" />}
        <div className={styles.buttons}>
          <SubmitButton busy={busy} disabled={!file || fileMessage !== undefined}>
            Use this certificate
          </SubmitButton>
        </div>
      </SubmitForm>
    </Section>
  );
}
