import { makeStyles, tokens } from '@fluentui/react-components';

/** The layout the Entra provisioning tabs share: a tab's column, its row of fields with the button lined up, its tables and warnings. */
export const useEntraStyles = makeStyles({
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, paddingTop: tokens.spacingVerticalS },
  muted: { color: tokens.colorNeutralForeground2 },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'flex-end' },
  form: { display: 'flex', gap: tokens.spacingHorizontalM, flexWrap: 'wrap', alignItems: 'flex-start' },
  /** Lines a button up with the inputs (not their hints) of the fields beside it. */
  formButton: { marginTop: '26px' },
  wideField: { minWidth: '340px', flexGrow: 1, maxWidth: '480px' },
  narrowField: { width: '200px' },
  heading: { margin: 0 },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  tableWrap: { overflowX: 'auto', border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium },
  scopes: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  scopeMeaning: { color: tokens.colorNeutralForeground2, paddingLeft: '32px', marginTop: '-6px' },
  danger: { color: tokens.colorPaletteRedForeground1 },
  dangerBox: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    padding: tokens.spacingHorizontalS,
    border: `1px solid ${tokens.colorPaletteRedBorder2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorPaletteRedBackground1,
  },
  dialog: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  columns: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))', gap: tokens.spacingHorizontalL, alignItems: 'start' },
  column: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  quarantineCell: { minWidth: '140px' },
  explain: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

