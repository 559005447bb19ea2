import {
  Badge,
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Text,
  Textarea,
  makeStyles,
  tokens,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import { EditRegular, LinkRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import type { AuditEntry } from '../../shared/admin/contract';
import { isGuid } from '../../shared/guid';
import { useBoxStyles } from './box-styles';
import { fieldValidation } from './form';
import { FormDialog } from './form-dialog';
import { ErrorBar } from './load-states';
import { useAction } from './use-action';

const useStyles = makeStyles({
  row: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  value: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase400 },
  muted: { color: tokens.colorNeutralForeground2 },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

/**
 * Why a typed value is not an Object ID, in terms of what was typed: the characters a GUID never
 * has, or how far a GUID still is. Undefined for a GUID.
 */
function whyNotObjectId(value: string): string | undefined {
  if (isGuid(value)) return undefined;
  const strange = [...new Set(value.replace(/[0-9a-fA-F-]/g, ''))];
  if (strange.length > 0) {
    const shown = strange.slice(0, 5).map((c) => (c === ' ' ? 'a space' : `“${c}”`)).join(', ');
    return `Not a GUID: it contains ${shown}. An Object ID has only 0–9, a–f and hyphens, grouped 8-4-4-4-12.`;
  }
  const digits = value.replace(/-/g, '').length;
  return digits === 32
    ? 'Not a GUID: the hyphens belong after the 8th, 12th, 16th and 20th digit (8-4-4-4-12).'
    : `Not a GUID: ${digits} of its 32 hexadecimal digits, grouped 8-4-4-4-12.`;
}

/** A cell or line showing an externalId: "Not linked", the GUID, or the value with a "Not a GUID" warning. */
export function ObjectIdValue({ value, testId }: { readonly value: string | null; readonly testId?: string }) {
  const styles = useStyles();
  if (value === null || value === '') {
    return (
      <Text className={styles.muted} data-testid={testId}>
        Not linked
      </Text>
    );
  }
  return (
    <span className={styles.row}>
      <Text font="monospace" size={200} data-testid={testId}>
        {value}
      </Text>
      {!isGuid(value) && (
        <Badge color="warning" appearance="tint" title="Entra still maps externalId from another attribute (such as mailNickname): map it from objectId">
          Not a GUID
        </Badge>
      )}
    </span>
  );
}

interface ObjectIdPanelProps {
  readonly kind: 'user' | 'group';
  readonly externalId: string | null;
  readonly onSave: (externalId: string | null, reason: string) => Promise<{ audit: AuditEntry }>;
}

/**
 * The record's "Object ID in Entra" (externalId), with an Edit button. Entra
 * matches its objects to ScimDesk's records through externalId = objectId, so
 * this is the field to repair when a record is matched to the wrong object.
 */
export function ObjectIdPanel({ kind, externalId, onSave }: ObjectIdPanelProps) {
  const styles = useStyles();
  const box = useBoxStyles();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<AuditEntry | null>(null);
  const restoreFocus = useRestoreFocusTarget();
  return (
    <div className={box.box}>
      <div className={styles.row}>
        <LinkRegular aria-hidden />
        <Text as="h3" weight="semibold" className={box.title}>
          Object ID in Entra
        </Text>
      </div>
      <div className={styles.row}>
        <span className={styles.value}>
          <ObjectIdValue value={externalId} testId="object-id" />
        </span>
        <Button
          {...restoreFocus}
          icon={<EditRegular />}
          onClick={() => {
            setSaved(null);
            setEditing(true);
          }}
        >
          Edit Object ID
        </Button>
      </div>
      <Text size={200} className={styles.muted}>
        Entra finds this {kind} here through externalId = its objectId in Entra (when the attribute mapping maps externalId from objectId). A wrong value makes
        Entra create a duplicate or update the wrong {kind}.
      </Text>
      {saved && (
        <MessageBar intent="success">
          <MessageBarBody>Saved. Audit entry: {saved.summary}</MessageBarBody>
        </MessageBar>
      )}
      <ObjectIdDialog
        key={externalId ?? ''}
        open={editing}
        initial={externalId ?? ''}
        kind={kind}
        onClose={() => setEditing(false)}
        onSave={async (value, reason) => {
          const result = await onSave(value, reason);
          setSaved(result.audit);
        }}
      />
    </div>
  );
}

interface ObjectIdDialogProps {
  readonly open: boolean;
  readonly initial: string;
  readonly kind: 'user' | 'group';
  readonly onClose: () => void;
  readonly onSave: (externalId: string | null, reason: string) => Promise<void>;
}

function ObjectIdDialog({ open, initial, kind, onClose, onSave }: ObjectIdDialogProps) {
  const styles = useStyles();
  const [value, setValue] = useState(initial);
  const [reason, setReason] = useState('');
  const { busy, error, setError, run } = useAction();

  const trimmed = value.trim();
  // Checked as it is typed: the reason shows under the field and Save stays off until it is a GUID (or empty).
  const clientMessage = trimmed !== '' ? whyNotObjectId(trimmed) : undefined;
  const serverMessage = error?.issueAt('externalId');
  const fieldMessage = clientMessage ?? serverMessage;

  const reset = () => {
    setValue(initial);
    setReason('');
    setError(null);
  };

  const close = () => {
    if (busy) return;
    reset();
    onClose();
  };

  const save = async () => {
    if (clientMessage) return;
    if (await run(() => onSave(trimmed === '' ? null : trimmed, reason.trim()))) {
      reset();
      onClose();
    }
  };

  return (
    <FormDialog
      open={open}
      title="Edit Object ID"
      busy={busy}
      onOpen={reset}
      onClose={close}
      onSubmit={() => void save()}
      submitLabel="Save"
      submitDisabled={clientMessage !== undefined}
      contentClassName={styles.form}
    >
      <Text>
        Enter the {kind}'s Object ID as Entra shows it (Entra admin center → {kind === 'user' ? 'Users' : 'Groups'} → the {kind} → Object ID).
      </Text>
      <Field
        label="Object ID in Entra"
        hint="A GUID such as 0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef. Leave it empty to unlink the record from Entra."
        {...fieldValidation(fieldMessage)}
      >
        <Input
          value={value}
          onChange={(_, data) => {
            setValue(data.value);
            setError(null);
          }}
          autoComplete="off"
          spellCheck={false}
        />
      </Field>
      <Field label="Reason (optional)" hint="Kept in the audit trail with your change.">
        <Textarea value={reason} onChange={(_, data) => setReason(data.value)} resize="vertical" />
      </Field>
      {trimmed === '' && initial !== '' && (
        <MessageBar intent="warning">
          <MessageBarBody>Saving an empty value unlinks this {kind}: Entra will no longer match it by Object ID.</MessageBarBody>
        </MessageBar>
      )}
      {error && !serverMessage && <ErrorBar error={error} title="The Object ID was not saved" />}
    </FormDialog>
  );
}
