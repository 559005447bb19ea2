import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Spinner,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState, type ReactNode } from 'react';
import { toAdminCallError, type AdminCallError } from '../api/client';
import { ErrorBar } from './load-states';

const useStyles = makeStyles({
  danger: {
    backgroundColor: tokens.colorPaletteRedBackground3,
    ':hover': { backgroundColor: tokens.colorPaletteRedForeground1 },
    ':hover:active': { backgroundColor: tokens.colorPaletteRedForeground1 },
  },
});

interface ConfirmDialogProps {
  readonly open: boolean;
  readonly title: string;
  readonly children: ReactNode;
  /** The confirming button's text: the action itself ("Revoke", "Delete"), never "OK". */
  readonly confirmLabel: string;
  readonly danger?: boolean;
  /** Keeps the confirming button disabled (a required "I understand" box is not ticked yet). */
  readonly confirmDisabled?: boolean;
  /** Runs on confirm; the dialog stays open with the error if it throws, and closes when it resolves. */
  readonly onConfirm: () => Promise<void>;
  readonly onClose: () => void;
}

/** A yes/no question about a consequential action; Fluent traps focus and Escape cancels. */
export function ConfirmDialog({ open, title, children, confirmLabel, danger, confirmDisabled, onConfirm, onClose }: ConfirmDialogProps) {
  const styles = useStyles();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AdminCallError | null>(null);

  const close = () => {
    if (busy) return;
    setError(null);
    onClose();
  };

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      setBusy(false);
      onClose();
    } catch (failure) {
      setBusy(false);
      setError(toAdminCallError(failure));
    }
  };

  return (
    <Dialog open={open} modalType="alert" onOpenChange={(_, data) => !data.open && close()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent>
            {children}
            {error && <ErrorBar error={error} title="That did not work" />}
          </DialogContent>
          <DialogActions>
            <Button appearance="secondary" onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button
              appearance="primary"
              onClick={() => void confirm()}
              disabled={busy || confirmDisabled === true}
              icon={busy ? <Spinner size="tiny" /> : undefined}
              className={danger && confirmDisabled !== true ? styles.danger : undefined}
            >
              {confirmLabel}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
