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
  useRestoreFocusTarget,
  type ButtonProps,
} from '@fluentui/react-components';
import { useState, type ReactNode } from 'react';
import { ErrorBar } from './load-states';
import { useNotify } from './notify';
import { useAction } from './use-action';

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
  const { busy, error, setError, run } = useAction();

  const close = () => {
    if (busy) return;
    setError(null);
    onClose();
  };

  const confirm = async () => {
    if (await run(onConfirm)) onClose();
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

interface ConfirmButtonProps extends Pick<ButtonProps, 'icon' | 'appearance' | 'size' | 'disabled' | 'aria-label'> {
  /** The button's text. */
  readonly label: string;
  readonly title: string;
  readonly confirmLabel: string;
  readonly danger?: boolean;
  /** Runs on confirm; what it returns is confirmed in a toast. */
  readonly onConfirm: () => Promise<string | undefined | void>;
  /** What the question says. */
  readonly children: ReactNode;
}

/** A button that asks first (ConfirmDialog), runs the action, says it is done, and gives focus back to itself. */
export function ConfirmButton({ label, title, confirmLabel, danger, onConfirm, children, ...button }: ConfirmButtonProps) {
  const notify = useNotify();
  const restoreFocus = useRestoreFocusTarget();
  const [asking, setAsking] = useState(false);
  return (
    <>
      <Button {...restoreFocus} {...button} onClick={() => setAsking(true)}>
        {label}
      </Button>
      <ConfirmDialog
        open={asking}
        title={title}
        confirmLabel={confirmLabel}
        danger={danger}
        onClose={() => setAsking(false)}
        onConfirm={async () => {
          const done = await onConfirm();
          if (done) notify(done);
        }}
      >
        {children}
      </ConfirmDialog>
    </>
  );
}
