import {
  Badge,
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
  Table,
  TableBody,
  TableCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, KeyRegular } from '@fluentui/react-icons';
import { useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ConfirmButton } from '../components/confirm-dialog';
import { CopyButton, CopyableValue } from '../components/copy-button';
import { TableHead } from '../components/data-table';
import { FormDialog } from '../components/form-dialog';
import { formatDateTime, formatNumber, formatRelative } from '../components/format';
import { ErrorBar } from '../components/load-states';
import { Section } from '../components/page';
import { useTableStyles } from '../components/table-styles';
import { useAction } from '../components/use-action';
import { useAppStore } from '../state/store';

const useStyles = makeStyles({
  muted: { color: tokens.colorNeutralForeground2 },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  secret: {
    fontFamily: tokens.fontFamilyMonospace,
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    wordBreak: 'break-all',
    userSelect: 'all',
  },
});

/** Shown once after it was made: the secret (or credential) with a Copy button; it is never shown again. */
export function ShownOnce({ title, value, what, onClose, children }: { readonly title: string; readonly value: string; readonly what: string; readonly onClose: () => void; readonly children: ReactNode }) {
  const styles = useStyles();
  return (
    <Dialog open onOpenChange={(_, data) => !data.open && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent className={styles.form}>
            <MessageBar intent="warning">
              <MessageBarBody>Copy it now: ScimDesk keeps only what checks it and never shows it again.</MessageBarBody>
            </MessageBar>
            <Text className={styles.secret} data-testid="shown-once">
              {value}
            </Text>
            {children}
          </DialogContent>
          <DialogActions>
            <CopyButton text={value} what={what} appearance="primary" />
            <Button onClick={onClose}>Done</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** The Delivery screen's read-only credentials: the feed URL, the list (masked), issue (shown once) and revoke. */
export function CredentialsSection() {
  const styles = useStyles();
  const table = useTableStyles();
  const view = useAppStore((s) => s.delivery.data);
  const { issueReadCredential, revokeReadCredential } = useAppStore(
    useShallow((s) => ({ issueReadCredential: s.issueReadCredential, revokeReadCredential: s.revokeReadCredential })),
  );
  const { busy, error, run } = useAction();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<string | null>(null);
  if (!view) return null;
  return (
    <Section
      title="Read-only credentials"
      icon={<KeyRegular />}
      actions={
        <Button icon={<AddRegular />} onClick={() => setOpen(true)}>
          Issue a credential
        </Button>
      }
    >
      <Text className={styles.muted}>
        For systems that read the directory: SCIM GET and the change feed, never a write (403). Not the Secret Token Entra uses.
      </Text>
      {view.feedUrl && (
        <Field label={<span id="feed-url-label">Change feed</span>}>
          <CopyableValue value={`${view.feedUrl}?after=0`} what="Feed URL" labelledBy="feed-url-label" testId="feed-url" />
        </Field>
      )}
      {view.credentials.length === 0 ? (
        <Text className={styles.muted}>No read-only credential yet.</Text>
      ) : (
        <Table size="small" aria-label="Read-only credentials" className={table.auto}>
          <TableHead headers={['Name', 'Credential', 'Issued', 'Last used', 'Read through', '']} />
          <TableBody>
            {view.credentials.map((credential) => (
              <TableRow key={credential.id}>
                <TableCell>{credential.name}</TableCell>
                <TableCell>
                  <code>{credential.hint}</code>
                </TableCell>
                <TableCell>{formatDateTime(credential.created)}</TableCell>
                <TableCell>{formatRelative(credential.lastUsed, new Date(), 'never')}</TableCell>
                <TableCell>{formatNumber(credential.ackedSeq)}</TableCell>
                <TableCell>
                  {credential.revoked ? (
                    <Badge appearance="tint" color="subtle">Revoked</Badge>
                  ) : (
                    <ConfirmButton size="small" label="Revoke" title={`Revoke "${credential.name}"?`} confirmLabel="Revoke" danger onConfirm={() => revokeReadCredential(credential.id)}>
                      It stops working at once, for SCIM reads and the feed.
                    </ConfirmButton>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <FormDialog
        open={open}
        title="Issue a read-only credential"
        busy={busy}
        onOpen={() => setName('')}
        onClose={() => setOpen(false)}
        submitLabel="Issue"
        submitDisabled={name.trim() === ''}
        onSubmit={() =>
          void run(async () => {
            const result = await issueReadCredential(name.trim());
            setOpen(false);
            setIssued(result.credential);
          })
        }
      >
        {error && <ErrorBar error={error} title="Not issued" />}
        <Field label="Which system reads with it" required>
          <Input value={name} onChange={(_, data) => setName(data.value)} placeholder="HR system" />
        </Field>
      </FormDialog>
      {issued && (
        <ShownOnce title="Read-only credential issued" value={issued} what="Credential" onClose={() => setIssued(null)}>
          <Text>Send it as <code>Authorization: Bearer …</code> to GET /scim/v2/Users, /Groups and the change feed.</Text>
        </ShownOnce>
      )}
    </Section>
  );
}

