import { Button, Text, makeStyles, mergeClasses, tokens, type ButtonProps } from '@fluentui/react-components';
import { CopyRegular } from '@fluentui/react-icons';
import { useNotify } from './notify';

const useStyles = makeStyles({
  row: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  value: {
    fontFamily: tokens.fontFamilyMonospace,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    wordBreak: 'break-all',
  },
  large: { fontSize: tokens.fontSizeBase400 },
});

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

interface CopyableValueProps {
  readonly value: string;
  /** What it is, for the Copy button ("Tenant URL"). */
  readonly what: string;
  /** The id of the text that names the value. */
  readonly labelledBy: string;
  readonly testId?: string;
  /** The larger type of a value to paste elsewhere (the Tenant URL). */
  readonly large?: boolean;
}

/** A value to copy (a URL, a folder path) in a monospace box, with its Copy button beside it. */
export function CopyableValue({ value, what, labelledBy, testId, large = false }: CopyableValueProps) {
  const styles = useStyles();
  return (
    <div className={styles.row}>
      <Text className={mergeClasses(styles.value, large ? styles.large : undefined)} data-testid={testId} aria-labelledby={labelledBy}>
        {value}
      </Text>
      <CopyButton text={value} what={what} />
    </div>
  );
}
