import { makeStyles, tokens } from '@fluentui/react-components';

/** A bordered group inside a section (the Object ID panel, the connection form's parts) and its small heading. */
export const useBoxStyles = makeStyles({
  box: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  title: { margin: 0, fontSize: tokens.fontSizeBase300 },
});
