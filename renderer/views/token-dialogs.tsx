import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { MethodOutput } from '../../shared/admin/contract';
import { CopyButton } from '../components/copy-button';
import { fieldValidation } from '../components/form';
import { formatDateTime } from '../components/format';
import { ErrorBar } from '../components/load-states';
import { useAction } from '../components/use-action';
import { useAppStore } from '../state/store';

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  token: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase400,
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    wordBreak: 'break-all',
    userSelect: 'all',
  },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
});

type Phase = { readonly step: 'confirm' } | { readonly step: 'shown'; readonly issued: MethodOutput<'token.generate'> };

/**
 * Generate or regenerate the Secret Token: first a confirmation (with the
 * lifetime, and the warning that the current token stops working at once),
 * then the new token, shown this once with a Copy button. The token lives
 * only in this component's state and is dropped when the dialog closes.
 */
export function GenerateTokenDialog({ open, regenerate, onClose }: { readonly open: boolean; readonly regenerate: boolean; readonly onClose: () => void }) {
  const styles = useStyles();
  const generateToken = useAppStore((s) => s.generateToken);
  const [phase, setPhase] = useState<Phase>({ step: 'confirm' });
  const [lifetime, setLifetime] = useState('0');
  const { busy, error, setError, run } = useAction();

  const lifetimeDays = Number(lifetime);
  const lifetimeError =
    lifetime.trim() === '' || !Number.isInteger(lifetimeDays) || lifetimeDays < 0 || lifetimeDays > 3650
      ? 'Enter whole days from 0 to 3650 (0 = never expires)'
      : error?.issueAt('lifetimeDays');

  const close = () => {
    if (busy) return;
    onClose();
  };

  // Reset after the closing animation, so the fading dialog does not flash its first step;
  // this also drops the shown token from memory.
  useEffect(() => {
    if (open) return;
    const timer = setTimeout(() => {
      setPhase({ step: 'confirm' });
      setLifetime('0');
      setError(null);
    }, 300);
    return () => clearTimeout(timer);
  }, [open]);

  const generate = async () => {
    if (lifetimeError) return;
    await run(async () => setPhase({ step: 'shown', issued: await generateToken(lifetimeDays) }));
  };

  const action = regenerate ? 'Regenerate' : 'Generate';

  return (
    <Dialog open={open} modalType="alert" onOpenChange={(_, data) => !data.open && phase.step === 'confirm' && close()}>
      <DialogSurface>
        {phase.step === 'confirm' ? (
          <DialogBody>
            <DialogTitle>{regenerate ? 'Regenerate the Secret Token?' : 'Generate a Secret Token'}</DialogTitle>
            <DialogContent className={styles.content}>
              {regenerate && (
                <MessageBar intent="warning" layout="multiline">
                  <MessageBarBody>
                    <MessageBarTitle>The current token stops working at once</MessageBarTitle>
                    Entra's provisioning fails with 401 until you paste the new token into Entra's Secret Token field and Save.
                  </MessageBarBody>
                </MessageBar>
              )}
              <Text>ScimDesk will show the new token once. Copy it straight into Entra (Provisioning → Admin Credentials → Secret Token).</Text>
              <Field
                label="Lifetime in days"
                hint="0 = never expires (recommended: an expiring token means updating Entra's Secret Token before it runs out)."
                {...fieldValidation(lifetimeError)}
              >
                <Input type="number" min={0} max={3650} step={1} value={lifetime} onChange={(_, data) => setLifetime(data.value)} />
              </Field>
              {error && !error.issueAt('lifetimeDays') && <ErrorBar error={error} title="No token was generated" />}
            </DialogContent>
            <DialogActions>
              <Button onClick={close} disabled={busy}>
                Cancel
              </Button>
              <Button appearance="primary" onClick={() => void generate()} disabled={busy || lifetimeError !== undefined} icon={busy ? <Spinner size="tiny" /> : undefined}>
                {action}
              </Button>
            </DialogActions>
          </DialogBody>
        ) : (
          <DialogBody>
            <DialogTitle>Copy your new Secret Token</DialogTitle>
            <DialogContent className={styles.content}>
              <MessageBar intent="warning">
                <MessageBarBody>You will not see this token again. Copy it now.</MessageBarBody>
              </MessageBar>
              <Text id="new-token-label" weight="semibold">
                New Secret Token
              </Text>
              <Text className={styles.token} data-testid="new-token" aria-labelledby="new-token-label">
                {phase.issued.token}
              </Text>
              <div className={styles.row}>
                <CopyButton text={phase.issued.token} what="Secret Token" appearance="primary" />
                <Text size={200}>Expires: {phase.issued.info.expires ? formatDateTime(phase.issued.info.expires) : 'never'}</Text>
              </div>
              <Text>
                In Entra: Provisioning → Admin Credentials, paste it as <strong>Secret Token</strong>, press <strong>Test Connection</strong>, then{' '}
                <strong>Save</strong>.
              </Text>
            </DialogContent>
            <DialogActions>
              <Button appearance="secondary" onClick={close}>
                Done
              </Button>
            </DialogActions>
          </DialogBody>
        )}
      </DialogSurface>
    </Dialog>
  );
}
