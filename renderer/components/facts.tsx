import { Text, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

const useStyles = makeStyles({
  list: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
    '& > dt': { color: tokens.colorNeutralForeground2 },
  },
  text: { '& > dd': { margin: 0, wordBreak: 'break-word' } },
  inline: { '& > dd': { margin: 0, display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' } },
});

/**
 * Labelled facts, the label column as wide as its longest label. `inline` lines a fact's parts up
 * (a value and its badge) with a gap; otherwise a fact is text that wraps.
 */
export function Facts({ inline, className, label, children }: { readonly inline?: boolean; readonly className?: string; readonly label?: string; readonly children: ReactNode }) {
  const styles = useStyles();
  return (
    <dl className={mergeClasses(styles.list, inline ? styles.inline : styles.text, className)} aria-label={label}>
      {children}
    </dl>
  );
}

/** One fact of a Facts list. */
export function Fact({ label, testId, children }: { readonly label: string; readonly testId?: string; readonly children: ReactNode }) {
  return (
    <>
      <dt>
        <Text>{label}</Text>
      </dt>
      <dd data-testid={testId}>{children}</dd>
    </>
  );
}
