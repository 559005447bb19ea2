import { Button, Field, Label, Select, Spinner, Text, makeStyles, tokens, type ButtonProps } from '@fluentui/react-components';
import { useId, type ReactNode } from 'react';
import type { AdminCallError } from '../api/client';

const useStyles = makeStyles({
  file: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  error: { color: tokens.colorPaletteRedForeground1 },
});

/** A contract schema's safeParse result, as far as the messages need it. */
interface Checked {
  readonly success: boolean;
  readonly error?: { readonly issues: ReadonlyArray<{ readonly path: PropertyKey[]; readonly message: string }> } | undefined;
}

/**
 * Field messages by path ("name", "onDelete.days", "attributes.0.name"): what the contract's own
 * schema says of the form as typed (the server checks with the same schema), then the server's
 * `issues`; the first message for a path wins.
 */
export function fieldMessages(checked: Checked | null, server: AdminCallError | null): Record<string, string> {
  const messages: Record<string, string> = {};
  if (checked && !checked.success) for (const issue of checked.error?.issues ?? []) messages[issue.path.map(String).join('.')] ??= issue.message;
  for (const issue of server?.issues ?? []) messages[issue.path] ??= issue.message;
  return messages;
}

/** A Field's validation props for one message: red with the message, or plain. */
export function fieldValidation(message: string | undefined): { validationMessage: string | undefined; validationState: 'error' | 'none' } {
  return { validationMessage: message, validationState: message ? 'error' : 'none' };
}

/** A form the screen checks itself (noValidate): Enter or its submit button call `onSubmit`, and the page stays. */
export function SubmitForm({ className, onSubmit, children }: { readonly className?: string; readonly onSubmit: () => void; readonly children: ReactNode }) {
  return (
    <form
      noValidate
      className={className}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}

interface SubmitButtonProps extends Pick<ButtonProps, 'className' | 'disabled' | 'icon'> {
  /** The form's action runs: a spinner instead of the icon, and the button is off. */
  readonly busy?: boolean;
  readonly children: ReactNode;
}

/** A form's primary submit button: a spinner instead of its icon, and off, while the form's action runs. Other props (a focus-restore target) go to the button. */
export function SubmitButton({ busy = false, disabled = false, icon, children, ...button }: SubmitButtonProps) {
  return (
    <Button {...button} type="submit" appearance="primary" disabled={busy || disabled} icon={busy ? <Spinner size="tiny" /> : icon}>
      {children}
    </Button>
  );
}

interface SelectFieldProps<V extends string> {
  readonly label: string;
  readonly className?: string;
  readonly value: V;
  /** Each choice as [value, what the list shows]. */
  readonly options: ReadonlyArray<readonly [V, string]>;
  readonly onChange: (value: V) => void;
  /** What is wrong with the choice (the server's issue for it), if anything. */
  readonly message?: string | undefined;
}

/** A labelled drop-down list of fixed choices. */
export function SelectField<V extends string>({ label, className, value, options, onChange, message }: SelectFieldProps<V>) {
  return (
    <Field label={label} className={className} {...fieldValidation(message)}>
      <Select value={value} onChange={(_, d) => onChange(d.value as V)}>
        {options.map(([option, text]) => (
          <option key={option} value={option}>
            {text}
          </option>
        ))}
      </Select>
    </Field>
  );
}

interface FileFieldProps {
  readonly label: string;
  /** The file types offered, as the input's `accept`. */
  readonly accept: string;
  readonly onChange: (file: File | null) => void;
  /** What is wrong with the chosen file, if anything. */
  readonly message?: string | undefined;
}

/** A labelled file chooser (Fluent has none); a new `key` empties it. */
export function FileField({ label, accept, onChange, message }: FileFieldProps) {
  const styles = useStyles();
  const id = useId();
  return (
    <div className={styles.file}>
      <Label htmlFor={id}>{label}</Label>
      <input id={id} type="file" accept={accept} onChange={(event) => onChange(event.target.files?.[0] ?? null)} />
      {message && (
        <Text size={200} className={styles.error}>
          {message}
        </Text>
      )}
    </div>
  );
}
