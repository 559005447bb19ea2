import { Badge, Field, Input, MessageBar, MessageBarBody, MessageBarTitle, Text, makeStyles, tokens } from '@fluentui/react-components';
import { GlobeRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { EndpointSettings, type SettingsView as Settings } from '../../shared/admin/contract';
import { Fact, Facts } from '../components/facts';
import { SubmitButton, SubmitForm, fieldMessages, fieldValidation } from '../components/form';
import { isLoopbackHost } from '../components/format';
import { ErrorBar } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Section } from '../components/page';
import { useAction } from '../components/use-action';
import { useAppStore } from '../state/store';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  pair: { display: 'grid', gridTemplateColumns: '2fr 1fr', gap: tokens.spacingHorizontalM, alignItems: 'start' },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  mono: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
});

/** Where the SCIM endpoint listens (address, port) and the public URL Entra uses when a proxy is in front. */
export function EndpointPanel({ settings }: { readonly settings: Settings }) {
  const styles = useStyles();
  const notify = useNotify();
  const updateEndpoint = useAppStore((s) => s.updateEndpoint);
  const [host, setHost] = useState(settings.endpoint.host);
  const [port, setPort] = useState(String(settings.endpoint.port));
  const [publicUrl, setPublicUrl] = useState(settings.endpoint.publicUrl);
  const { busy, error, run } = useAction();
  const [moved, setMoved] = useState<string | null>(null);

  const input = { host: host.trim(), port: port.trim() === '' ? Number.NaN : Number(port), publicUrl: publicUrl.trim() };
  const messages = fieldMessages(EndpointSettings.safeParse(input), error);
  const onNetwork = host.trim() !== '' && !isLoopbackHost(host);
  const listening = settings.listening;

  const save = async () => {
    if (Object.keys(messages).length > 0) return;
    await run(async () => {
      const view = await updateEndpoint(input);
      setMoved(view.listening?.url ?? null);
      notify('Endpoint settings saved');
    });
  };

  return (
    <Section title="SCIM endpoint" icon={<GlobeRegular />}>
      <Facts>
        <Fact label="Listening at">
          {listening ? (
            <Text className={styles.mono} data-testid="listening-url">
              {listening.url}
            </Text>
          ) : (
            <Badge color="danger">Not listening</Badge>
          )}
        </Fact>
      </Facts>
      <SubmitForm className={styles.form} onSubmit={() => void save()}>
        <div className={styles.pair}>
          <Field label="Listen on address" hint="127.0.0.1: this computer only. 0.0.0.0: every network interface." {...fieldValidation(messages['host'])}>
            <Input value={host} onChange={(_, d) => setHost(d.value)} spellCheck={false} />
          </Field>
          <Field label="Port" {...fieldValidation(messages['port'])}>
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
          {...fieldValidation(messages['publicUrl'])}
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
          <SubmitButton busy={busy}>Save endpoint</SubmitButton>
        </div>
      </SubmitForm>
    </Section>
  );
}
