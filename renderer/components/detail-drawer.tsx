import { Button, DrawerBody, DrawerHeader, DrawerHeaderTitle, OverlayDrawer, Text, makeStyles, tokens } from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import type { ReactNode } from 'react';

const useStyles = makeStyles({
  drawer: { width: 'min(780px, 100vw)' },
  // Children keep their height: in a scrolling flex column taller than the window they would shrink and overlap.
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, paddingBottom: tokens.spacingVerticalXXL, '& > *': { flexShrink: 0 } },
  subtitle: { color: tokens.colorNeutralForeground2, fontWeight: tokens.fontWeightRegular },
});

/** The detail pane that slides in from the right; modal, so focus stays inside and Escape closes it. */
export function DetailDrawer({ open, title, subtitle, onClose, children }: { readonly open: boolean; readonly title: string; readonly subtitle?: string; readonly onClose: () => void; readonly children: ReactNode }) {
  const styles = useStyles();
  return (
    <OverlayDrawer open={open} position="end" className={styles.drawer} onOpenChange={(_, data) => !data.open && onClose()}>
      <DrawerHeader>
        <DrawerHeaderTitle action={<Button appearance="subtle" aria-label="Close" icon={<DismissRegular />} onClick={onClose} />}>
          {title}
          {subtitle && (
            <Text block size={300} className={styles.subtitle}>
              {subtitle}
            </Text>
          )}
        </DrawerHeaderTitle>
      </DrawerHeader>
      <DrawerBody className={styles.body}>{children}</DrawerBody>
    </OverlayDrawer>
  );
}
