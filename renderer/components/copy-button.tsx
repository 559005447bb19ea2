import { Button, type ButtonProps } from '@fluentui/react-components';
import { CopyRegular } from '@fluentui/react-icons';
import { useNotify } from './notify';

/** Copies text to the clipboard; falls back to a hidden text area where the Clipboard API is unavailable. */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Denied (no user gesture, insecure context): try the old way.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  area.remove();
  return copied;
}

interface CopyButtonProps {
  readonly text: string;
  /** What is copied, for the accessible name ("Copy Tenant URL") and the confirmation. */
  readonly what: string;
  readonly appearance?: ButtonProps['appearance'];
  readonly children?: string;
}

/** A "Copy" button whose accessible name says what it copies. */
export function CopyButton({ text, what, appearance = 'secondary', children = 'Copy' }: CopyButtonProps) {
  const notify = useNotify();
  return (
    <Button
      appearance={appearance}
      icon={<CopyRegular />}
      aria-label={`${children} ${what}`}
      onClick={() => {
        void copyText(text).then((copied) =>
          notify(copied ? `${what} copied` : `Could not copy the ${what}: select it and press Ctrl+C`, copied ? 'success' : 'warning'),
        );
      }}
    >
      {children}
    </Button>
  );
}
