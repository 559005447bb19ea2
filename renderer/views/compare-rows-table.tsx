import {
  Badge,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
  useArrowNavigationGroup,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import { useShallow } from 'zustand/react/shallow';
import { isGuid } from '../../shared/guid';
import { activatableRow } from '../components/activatable-row';
import { Pager } from '../components/pager';
import { useTableStyles } from '../components/table-styles';
import type { ReportRow } from '../state/compare-slice';
import { useAppStore } from '../state/store';
import { CATEGORY_COLORS, CATEGORY_LABELS, CONFIDENCE_COLORS, KIND_LABELS, bestCandidate } from './compare-words';

const useStyles = makeStyles({
  muted: { color: tokens.colorNeutralForeground2 },
  tableWrap: {
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    overflowX: 'auto',
  },
  row: { cursor: 'pointer' },
  stale: { opacity: 0.6 },
  candidate: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: tokens.spacingVerticalXXS },
  badges: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
  clamp: { display: '-webkit-box', WebkitLineClamp: 3, WebkitBoxOrient: 'vertical', overflow: 'hidden' },
  /** A label longer than its column wraps inside the badge: Fluent's fixed badge height let the border strike through the second line. */
  categoryBadge: { height: 'auto', minHeight: '20px', whiteSpace: 'normal', textAlign: 'start', lineHeight: tokens.lineHeightBase200, paddingBlock: '1px' },
});

/** externalId on one line (GUIDs must not break), flagged when it is not a GUID. */
function ExternalIdCell({ row }: { readonly row: ReportRow }) {
  const styles = useStyles();
  if (row.localId === null) return <Text className={styles.muted}>—</Text>;
  if (row.externalId === null || row.externalId === '') return <Text className={styles.muted}>Not linked</Text>;
  return (
    <div className={styles.candidate}>
      <Text font="monospace" size={200} wrap={false}>
        {row.externalId}
      </Text>
      {!isGuid(row.externalId) && (
        <Badge appearance="tint" color="warning" size="small">
          Not a GUID
        </Badge>
      )}
    </div>
  );
}

function CandidateCell({ row }: { readonly row: ReportRow }) {
  const styles = useStyles();
  const best = bestCandidate(row);
  if (!best) return <Text className={styles.muted}>—</Text>;
  return (
    <div className={styles.candidate}>
      <Text>{best.userPrincipalName ?? best.displayName ?? best.objectId}</Text>
      <div className={styles.badges}>
        <Badge appearance="tint" color={CONFIDENCE_COLORS[best.confidence]} size="small">
          {best.confidence}
        </Badge>
        {row.candidates.length > 1 && (
          <Text size={200} className={styles.muted}>
            +{row.candidates.length - 1} more
          </Text>
        )}
      </div>
    </div>
  );
}

/** One page of the comparison's rows; a row opens its detail (keyboard: arrows, then Enter). */
export function RowsTable() {
  const styles = useStyles();
  const table = useTableStyles();
  const arrows = useArrowNavigationGroup({ axis: 'vertical', memorizeCurrent: true });
  const restoreFocus = useRestoreFocusTarget();
  const { rows, query, selected, selectReportRow, setReportQuery } = useAppStore(
    useShallow((s) => ({
      rows: s.compare.rows,
      query: s.compare.query,
      selected: s.compare.selected,
      selectReportRow: s.selectReportRow,
      setReportQuery: s.setReportQuery,
    })),
  );
  const data = rows.data;
  if (!data || data.items.length === 0) return null;
  const last = data.startIndex + data.items.length - 1;
  return (
    <>
      <div className={styles.tableWrap}>
        <Table aria-label={`${KIND_LABELS[query.kind]} in the comparison`} size="small" className={rows.status === 'loading' ? styles.stale : undefined}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell style={{ width: '18%' }}>Name</TableHeaderCell>
              <TableHeaderCell style={{ width: '150px' }}>Category</TableHeaderCell>
              <TableHeaderCell>Reason</TableHeaderCell>
              <TableHeaderCell style={{ width: '280px' }}>externalId</TableHeaderCell>
              <TableHeaderCell style={{ width: '16%' }}>Best candidate</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody {...arrows}>
            {data.items.map((row, index) => {
              const key = `${row.localId ?? ''}:${row.objectId ?? ''}:${index}`;
              const isSelected = selected !== null && selected.localId === row.localId && selected.objectId === row.objectId;
              return (
                <TableRow
                  key={key}
                  {...restoreFocus}
                  className={styles.row}
                  appearance={isSelected ? 'brand' : 'none'}
                  aria-label={`${row.name}, ${CATEGORY_LABELS[row.category]}`}
                  {...activatableRow(() => selectReportRow(row))}
                >
                  <TableCell className={table.wrap}>
                    <Text weight="semibold">{row.name}</Text>
                    {row.localId === null && (
                      <Text block size={200} className={styles.muted}>
                        Entra only
                      </Text>
                    )}
                  </TableCell>
                  <TableCell>
                    <div className={styles.badges}>
                      <Badge appearance="tint" color={CATEGORY_COLORS[row.category]} className={styles.categoryBadge}>
                        {CATEGORY_LABELS[row.category]}
                      </Badge>
                      {row.drift.length > 0 && (
                        <Badge appearance="outline" color="warning" title={row.drift.map((d) => d.note).join('; ')}>
                          Drift ({row.drift.length})
                        </Badge>
                      )}
                    </div>
                  </TableCell>
                  <TableCell className={table.wrap}>
                    {/* Three lines at most: the whole reason is in the detail pane. */}
                    <Text size={200} className={styles.clamp} title={row.reason}>
                      {row.reason}
                    </Text>
                  </TableCell>
                  <TableCell className={table.nowrap}>
                    <ExternalIdCell row={row} />
                  </TableCell>
                  <TableCell className={table.wrap}>
                    <CandidateCell row={row} />
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
      <Pager
        label="Pages of the comparison"
        sizeLabelId="compare-page-size"
        startIndex={query.startIndex}
        count={query.count}
        first={data.startIndex}
        last={last}
        total={data.total}
        loading={rows.status === 'loading'}
        onQuery={(change) => void setReportQuery(change)}
      />
    </>
  );
}
