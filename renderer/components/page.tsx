import { Button, Card, Text, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { ArrowClockwiseRegular } from '@fluentui/react-icons';
import type { ReactNode } from 'react';

const useStyles = makeStyles({
  page: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    padding: `${tokens.spacingVerticalXL} ${tokens.spacingHorizontalXXL}`,
    maxWidth: '1280px',
    boxSizing: 'border-box',
    width: '100%',
  },
  header: { display: 'flex', alignItems: 'flex-start', justifyContent: 'space-between', gap: tokens.spacingHorizontalL, flexWrap: 'wrap' },
  titles: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, maxWidth: '80ch' },
  title: { margin: 0 },
  description: { color: tokens.colorNeutralForeground2 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, padding: tokens.spacingHorizontalL },
  sectionHeader: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  sectionTitle: { margin: 0, display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
});

/** A screen: its title (the page's h1), a sentence on what it is for, actions on the right. */
export function Page({ title, description, actions, children }: { readonly title: string; readonly description?: ReactNode; readonly actions?: ReactNode; readonly children: ReactNode }) {
  const styles = useStyles();
  return (
    <div className={styles.page}>
      <header className={styles.header}>
        <div className={styles.titles}>
          <Text as="h1" size={700} weight="semibold" className={styles.title}>
            {title}
          </Text>
          {description && <Text className={styles.description}>{description}</Text>}
        </div>
        {actions && <div className={styles.actions}>{actions}</div>}
      </header>
      {children}
    </div>
  );
}

/** A titled card on a screen (an h2 region, so screen readers can jump between sections). */
export function Section({ title, icon, actions, children, className }: { readonly title: string; readonly icon?: ReactNode; readonly actions?: ReactNode; readonly children: ReactNode; readonly className?: string }) {
  const styles = useStyles();
  const id = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <Card className={mergeClasses(styles.section, className)} role="region" aria-labelledby={id}>
      <div className={styles.sectionHeader}>
        <Text as="h2" id={id} size={500} weight="semibold" className={styles.sectionTitle}>
          {icon}
          {title}
        </Text>
        {actions && <div className={styles.actions}>{actions}</div>}
      </div>
      {children}
    </Card>
  );
}

/** A screen's Refresh action; off while the screen is loading, when it says so. */
export function RefreshButton({ onClick, loading = false }: { readonly onClick: () => void; readonly loading?: boolean }) {
  return (
    <Button icon={<ArrowClockwiseRegular />} onClick={onClick} disabled={loading}>
      Refresh
    </Button>
  );
}
