import { Accordion, AccordionHeader, AccordionItem, AccordionPanel, makeStyles, tokens } from '@fluentui/react-components';
import { CopyButton } from './copy-button';

const useStyles = makeStyles({
  pre: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    backgroundColor: tokens.colorNeutralBackground3,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    overflow: 'auto',
    maxHeight: '480px',
    // Inside the drawer's flex column a block would otherwise shrink to two lines.
    flexShrink: 0,
    margin: `0 0 ${tokens.spacingVerticalS}`,
    whiteSpace: 'pre',
  },
});

/** JSON, pretty-printed in monospace. */
export function JsonBlock({ value, label }: { readonly value: unknown; readonly label: string }) {
  const styles = useStyles();
  return (
    <pre className={styles.pre} aria-label={label} tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** A collapsible JSON block ("Raw SCIM JSON"), closed until asked for, with a Copy button. */
export function CollapsibleJson({ title, value, defaultOpen = false }: { readonly title: string; readonly value: unknown; readonly defaultOpen?: boolean }) {
  return (
    <Accordion collapsible defaultOpenItems={defaultOpen ? ['json'] : []}>
      <AccordionItem value="json">
        <AccordionHeader>{title}</AccordionHeader>
        <AccordionPanel>
          <JsonBlock value={value} label={title} />
          <CopyButton text={JSON.stringify(value, null, 2)} what={title} />
        </AccordionPanel>
      </AccordionItem>
    </Accordion>
  );
}
