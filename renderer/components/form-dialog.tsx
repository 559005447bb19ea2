import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { SubmitButton, SubmitForm } from './form';

interface FormDialogProps {
  readonly open: boolean;
  readonly title: ReactNode;
  /** The form's action runs: the dialog stays open and its buttons are off. */
  readonly busy: boolean;
  /** Cancel, Escape or a click outside, while nothing runs. */
  readonly onClose: () => void;
  /** The dialog opens: a fresh form. */
  readonly onOpen?: () => void;
  /** Enter or the submit button. */
  readonly onSubmit: () => void;
  readonly submitLabel: string;
  readonly submitDisabled?: boolean;
  readonly surfaceClassName?: string;
  readonly contentClassName?: string;
  readonly children: ReactNode;
}

/** A dialog that is one form: its fields, then Cancel and a primary submit button that shows the action running. */
export function FormDialog({ open, title, busy, onClose, onOpen, onSubmit, submitLabel, submitDisabled, surfaceClassName, contentClassName, children }: FormDialogProps) {
  return (
    <Dialog
      open={open}
      onOpenChange={(_, data) => {
        if (data.open) onOpen?.();
        else if (!busy) onClose();
      }}
    >
      <DialogSurface className={surfaceClassName}>
        <SubmitForm onSubmit={onSubmit}>
          <DialogBody>
            <DialogTitle>{title}</DialogTitle>
            <DialogContent className={contentClassName}>{children}</DialogContent>
            <DialogActions>
              <Button onClick={onClose} disabled={busy}>
                Cancel
              </Button>
              <SubmitButton busy={busy} disabled={submitDisabled}>
                {submitLabel}
              </SubmitButton>
            </DialogActions>
          </DialogBody>
        </SubmitForm>
      </DialogSurface>
    </Dialog>
  );
}
