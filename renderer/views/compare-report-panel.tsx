import {
  Badge,
  Button,
  Field,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  SearchBox,
  Select,
  Spinner,
  Switch,
  Tab,
  TabList,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { BranchCompareRegular } from '@fluentui/react-icons';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Category } from '../../shared/admin/entra-schemas';
import { DetailDrawer } from '../components/detail-drawer';
import { ExportCsvButton } from '../components/export-csv-button';
import { formatDateTime, formatNumber, formatRelative, plural } from '../components/format';
import { EmptyState, ErrorBar, Loading } from '../components/load-states';
import { Section } from '../components/page';
import { useSettledText } from '../components/use-settled-text';
import type { ReportKind, ReportSummary } from '../state/compare-slice';
import { useAppStore } from '../state/store';
import { CompareRowDetail } from './compare-row-detail';
import { RowsTable } from './compare-rows-table';
import { CATEGORY_LABELS, CATEGORY_ORDER, KIND_LABELS, categoryExplanation } from './compare-words';

const useStyles = makeStyles({
  muted: { color: tokens.colorNeutralForeground2 },
  facts: { display: 'flex', gap: tokens.spacingHorizontalL, flexWrap: 'wrap', alignItems: 'center' },
  kindBlock: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  heading: { margin: 0 },
  tiles: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(150px, 1fr))', gap: tokens.spacingHorizontalS },
  tile: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    gap: tokens.spacingVerticalXXS,
    textAlign: 'left',
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderLeftWidth: '4px',
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
    fontFamily: tokens.fontFamilyBase,
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '2px' },
  },
  tileActive: { backgroundColor: tokens.colorBrandBackground2, border: `1px solid ${tokens.colorBrandStroke1}`, borderLeftWidth: '4px' },
  tileCount: { fontSize: tokens.fontSizeHero700, lineHeight: tokens.lineHeightHero700, fontWeight: tokens.fontWeightSemibold },
  tileLabel: { fontWeight: tokens.fontWeightSemibold },
  tileText: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200, lineHeight: tokens.lineHeightBase200 },
  edge_linked: { borderLeftColor: tokens.colorPaletteGreenBorder2 },
  edge_mismatch: { borderLeftColor: tokens.colorPaletteRedBorder2 },
  edge_unlinked: { borderLeftColor: tokens.colorPaletteYellowBorder2 },
  edge_notProvisioned: { borderLeftColor: tokens.colorPaletteBlueBorderActive },
  edge_orphan: { borderLeftColor: tokens.colorNeutralStroke1 },
  edge_duplicate: { borderLeftColor: tokens.colorPaletteDarkOrangeBorder2 },
  notes: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  toolbar: { display: 'flex', alignItems: 'flex-end', gap: tokens.spacingHorizontalL, flexWrap: 'wrap' },
  search: { minWidth: '260px', flexGrow: 1, maxWidth: '420px' },
  select: { minWidth: '220px' },
  total: { color: tokens.colorNeutralForeground2, display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', minHeight: '32px' },
});

const EDGES: Record<Category, 'edge_linked' | 'edge_mismatch' | 'edge_unlinked' | 'edge_notProvisioned' | 'edge_orphan' | 'edge_duplicate'> = {
  linked: 'edge_linked',
  mismatch: 'edge_mismatch',
  unlinked: 'edge_unlinked',
  notProvisioned: 'edge_notProvisioned',
  orphan: 'edge_orphan',
  duplicate: 'edge_duplicate',
};

/** The counts of one kind as clickable tiles: each filters the table to its category. */
function CategoryTiles({
  report,
  kind,
  onPick,
}: {
  readonly report: ReportSummary;
  readonly kind: ReportKind;
  readonly onPick: (kind: ReportKind, category: Category) => void;
}) {
  const styles = useStyles();
  const query = useAppStore((s) => s.compare.query);
  const counts = report.counts[kind];
  const total = CATEGORY_ORDER.reduce((sum, category) => sum + counts[category], 0);
  const id = `tiles-${kind}`;
  return (
    <div className={styles.kindBlock} role="group" aria-labelledby={id}>
      <Text as="h3" id={id} weight="semibold" className={styles.heading}>
        {KIND_LABELS[kind]} ({formatNumber(total)} rows)
      </Text>
      {!report.compared[kind] ? (
        <Text className={styles.muted}>Not compared: this snapshot has no {kind === 'User' ? 'users' : 'groups'} (a CSV import holds users only).</Text>
      ) : (
        <div className={styles.tiles}>
          {CATEGORY_ORDER.map((category) => {
            const active = query.kind === kind && query.category === category;
            return (
              <button
                key={category}
                type="button"
                className={mergeClasses(styles.tile, styles[EDGES[category]], active ? styles.tileActive : undefined)}
                aria-pressed={active}
                aria-label={`${KIND_LABELS[kind]}, ${CATEGORY_LABELS[category]}: ${formatNumber(counts[category])}`}
                aria-describedby={`${id}-${category}`}
                onClick={() => onPick(kind, category)}
              >
                <span className={styles.tileCount}>{formatNumber(counts[category])}</span>
                <span className={styles.tileLabel}>{CATEGORY_LABELS[category]}</span>
                <span className={styles.tileText} id={`${id}-${category}`}>
                  {categoryExplanation(category, kind)}
                </span>
              </button>
            );
          })}
        </div>
      )}
    </div>
  );
}

function RowsFilters({ report }: { readonly report: ReportSummary }) {
  const styles = useStyles();
  const { query, rows, setReportQuery } = useAppStore(useShallow((s) => ({ query: s.compare.query, rows: s.compare.rows, setReportQuery: s.setReportQuery })));
  // A tile click resets the search from outside; the box follows it.
  const [search, setSearch] = useSettledText(query.search, (settled) => void setReportQuery({ search: settled }));

  const total = (kind: ReportKind) => CATEGORY_ORDER.reduce((sum, category) => sum + report.counts[kind][category], 0);
  return (
    <>
      <TabList selectedValue={query.kind} onTabSelect={(_, d) => void setReportQuery({ kind: d.value as ReportKind })} aria-label="Users or groups">
        <Tab value="User">Users ({formatNumber(total('User'))})</Tab>
        <Tab value="Group">Groups ({formatNumber(total('Group'))})</Tab>
      </TabList>
      <div className={styles.toolbar} role="search" aria-label="Filter the comparison">
        <Field label="Category" className={styles.select}>
          <Select value={query.category} onChange={(_, d) => void setReportQuery({ category: d.value as Category | 'all' })}>
            <option value="all">Every category</option>
            {CATEGORY_ORDER.map((category) => (
              <option key={category} value={category}>
                {CATEGORY_LABELS[category]} ({formatNumber(report.counts[query.kind][category])})
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Search the comparison" hint="Name, externalId, objectId or a candidate's UPN." className={styles.search}>
          <SearchBox value={search} onChange={(_, d) => setSearch(d.value)} placeholder="Type to search" />
        </Field>
        <Switch label="Only with drift" checked={query.onlyDrift} onChange={(_, d) => void setReportQuery({ onlyDrift: d.checked })} />
        <div className={styles.total} role="status" aria-live="polite">
          {rows.status === 'loading' && <Spinner size="tiny" aria-label="Loading rows" />}
          {rows.data && <Text data-testid="compare-total">{plural(rows.data.total, 'row')}</Text>}
        </div>
      </div>
    </>
  );
}

/** The report: counts per category as tiles, notes, and the filtered, server-paged rows with a side-by-side detail. */
export function CompareReportPanel() {
  const styles = useStyles();
  const { compare, loadLatestReport, loadReportRows, setReportQuery, selectReportRow, exportReportCsv, runCompare } = useAppStore(
    useShallow((s) => ({
      compare: s.compare,
      loadLatestReport: s.loadLatestReport,
      loadReportRows: s.loadReportRows,
      setReportQuery: s.setReportQuery,
      selectReportRow: s.selectReportRow,
      exportReportCsv: s.exportReportCsv,
      runCompare: s.runCompare,
    })),
  );
  const report = compare.report.data;

  useEffect(() => {
    if (compare.report.status === 'idle') void loadLatestReport();
  }, [loadLatestReport]);

  const pick = (kind: ReportKind, category: Category) => {
    void setReportQuery({ kind, category, search: '', onlyDrift: false });
    document.getElementById('compare-rows')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };

  const rowsGone = compare.rows.error?.code === 'notFound';
  const selected = compare.selected;

  return (
    <Section
      title="Comparison"
      icon={<BranchCompareRegular />}
      actions={
        report && <ExportCsvButton read={exportReportCsv} fileName="scimdesk-comparison" done={(result) => `Exported ${plural(result.rows, 'row')}`} />
      }
    >
      {compare.report.error && <ErrorBar error={compare.report.error} title="Could not load the last comparison" onRetry={() => void loadLatestReport()} />}
      {compare.report.status === 'loading' && !report && <Loading label="Loading the last comparison…" />}
      {compare.running && <Loading label="Comparing ScimDesk's records with the snapshot…" />}
      {compare.report.status === 'ready' && !report && !compare.running && (
        <EmptyState icon={<BranchCompareRegular />} title="No comparison yet">
          Choose a snapshot above and press Compare. Every user and group lands in exactly one category, with the reason and the Entra objects it could be.
        </EmptyState>
      )}
      {report && (
        <>
          <div className={styles.facts}>
            <Text>
              Compared {formatRelative(report.generatedAt)} ({formatDateTime(report.generatedAt)}): ScimDesk's records against{' '}
              {report.source.entra === 'graph' ? 'a Graph snapshot' : 'a CSV import'} of {formatDateTime(report.source.entraFetchedAt)}.
            </Text>
            {report.source.scopeKnown ? (
              <Badge appearance="tint" color="success">
                Scope known
              </Badge>
            ) : (
              <Badge appearance="tint" color="warning">
                Scope unknown
              </Badge>
            )}
            {report.changedSincePrevious !== null && (
              <Badge appearance="tint" color={report.changedSincePrevious > 0 ? 'brand' : 'subtle'} data-testid="changed-since-previous">
                {report.changedSincePrevious === 0
                  ? 'Nothing changed since the previous comparison'
                  : `${plural(report.changedSincePrevious, 'row')} changed category since the previous comparison`}
              </Badge>
            )}
          </div>
          {report.notes.length > 0 && (
            <MessageBar intent="info" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>Notes</MessageBarTitle>
                <ul className={styles.notes}>
                  {report.notes.map((note) => (
                    <li key={note}>{note}</li>
                  ))}
                </ul>
              </MessageBarBody>
            </MessageBar>
          )}
          <CategoryTiles report={report} kind="User" onPick={pick} />
          <CategoryTiles report={report} kind="Group" onPick={pick} />

          <Text as="h3" id="compare-rows" weight="semibold" className={styles.heading}>
            Records
          </Text>
          <RowsFilters report={report} />
          {compare.rows.error &&
            (rowsGone ? (
              <MessageBar intent="warning" layout="multiline">
                <MessageBarBody>
                  <MessageBarTitle>This comparison is no longer available</MessageBarTitle>
                  {compare.rows.error.message}
                </MessageBarBody>
                <MessageBarActions>
                  <Button onClick={() => void runCompare(report.snapshotId)}>Compare again</Button>
                </MessageBarActions>
              </MessageBar>
            ) : (
              <ErrorBar error={compare.rows.error} title="Could not load the rows" onRetry={() => void loadReportRows()} />
            ))}
          {!compare.rows.data && compare.rows.status === 'loading' && <Loading label="Loading rows…" />}
          {compare.rows.data && compare.rows.data.items.length === 0 && compare.rows.status !== 'loading' && (
            <EmptyState icon={<BranchCompareRegular />} title="No rows match these filters">
              Choose another category or clear the search.
            </EmptyState>
          )}
          <RowsTable />
        </>
      )}
      <DetailDrawer
        open={selected !== null}
        title={selected?.name ?? 'Record'}
        subtitle={selected ? `${selected.kind === 'User' ? 'User' : 'Group'} · ${CATEGORY_LABELS[selected.category]}` : undefined}
        onClose={() => selectReportRow(null)}
      >
        {selected && <CompareRowDetail row={selected} />}
      </DetailDrawer>
    </Section>
  );
}
