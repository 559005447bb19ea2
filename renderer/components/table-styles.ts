import { makeStyles, tokens } from '@fluentui/react-components';

/**
 * Shared table cell styles. Fluent's Table lays columns out at equal widths
 * (`table-layout: fixed`); `auto` sizes them to their content instead, which
 * suits tables of mixed GUIDs, names and dates.
 */
export const useTableStyles = makeStyles({
  auto: { tableLayout: 'auto' },
  nowrap: { whiteSpace: 'nowrap' },
  wrap: { overflowWrap: 'anywhere' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  monoWrap: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
});
