import { Button, Text, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { ArrowClockwiseRegular, CheckmarkCircleFilled, CircleRegular } from '@fluentui/react-icons';
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatRelative, plural } from '../components/format';
import { ErrorBar, Loading } from '../components/load-states';
import { Page } from '../components/page';
import { useLoadOnShow } from '../components/use-load-on-show';
import { useAppStore } from '../state/store';
import { CompareReportPanel } from './compare-report-panel';
import { EntraActionsPanel } from './entra-actions-panel';
import { FixPanel } from './fix-panel';
import { GraphConnectionPanel } from './graph-connection-panel';
import { GraphConnectionSummary } from './graph-connection-summary';
import { GraphTestPanel } from './graph-test-panel';
import { SnapshotsPanel } from './snapshots-panel';

const useStyles = makeStyles({
  steps: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(180px, 1fr))',
    gap: tokens.spacingHorizontalS,
  },
  step: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    alignItems: 'flex-start',
    width: '100%',
    height: '100%',
    boxSizing: 'border-box',
    textDecoration: 'none',
    padding: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '2px' },
  },
  stepIcon: { fontSize: '20px', flexShrink: 0, marginTop: '1px' },
  done: { color: tokens.colorPaletteGreenForeground1 },
  todo: { color: tokens.colorNeutralForeground3 },
  stepText: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  stepNote: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200, lineHeight: tokens.lineHeightBase200 },
});

interface Step {
  readonly title: string;
  readonly done: boolean;
  readonly note: string;
  /** The id of the section heading it scrolls to. */
  readonly target: string;
}

/** Where the admin stands in Connect → Test → Fetch → Compare → Fix, each a button that scrolls to its section. */
function Steps() {
  const styles = useStyles();
  const { graph, graphTest, snapshots, report, batches } = useAppStore(
    useShallow((s) => ({
      graph: s.graph.data,
      graphTest: s.graphTest.data,
      snapshots: s.snapshots.data,
      report: s.compare.report.data,
      batches: s.fix.batches.data,
    })),
  );
  const connected = graph?.connection != null;
  const newest = snapshots?.[0];
  const counts = report ? report.counts.User : null;
  const problems = report ? (['mismatch', 'unlinked', 'duplicate'] as const).reduce((sum, c) => sum + report.counts.User[c] + report.counts.Group[c], 0) : 0;
  const steps: Step[] = [
    {
      title: '1. Connect to Graph',
      done: connected,
      note: connected ? `Tenant ${graph?.connection?.tenantId ?? ''}` : 'Tenant, app registration, secret or certificate',
      target: 'section-microsoft-graph-connection',
    },
    {
      title: '2. Test the connection',
      done: graphTest !== null && graphTest.canCompare,
      note: graphTest ? (graphTest.canCompare ? 'Can compare' : 'Permissions missing') : 'Not tested in this session',
      target: 'section-test-connection',
    },
    {
      title: "3. Get Entra's data",
      done: newest !== undefined,
      note: newest ? `Newest snapshot ${formatRelative(newest.fetchedAt)}` : 'Or import the users CSV',
      target: 'section-entra-data',
    },
    {
      title: '4. Compare',
      done: report !== null && report !== undefined,
      note: report && counts ? `${plural(problems, 'record')} to look at` : 'No comparison yet',
      target: 'section-comparison',
    },
    {
      title: '5. Fix identifiers',
      done: (batches?.length ?? 0) > 0,
      note: batches && batches.length > 0 ? `Last fix ${formatRelative(batches[0]?.created)}` : 'Preview, approve, apply, undo',
      target: 'section-fix-identifiers',
    },
  ];
  return (
    <nav aria-label="Compare and fix steps">
      <ol className={styles.steps}>
        {steps.map((step) => (
          <li key={step.title}>
            {/* A link, not a button: it goes to a place on the page (and its name never shadows the buttons of the sections). */}
            <a
              href={`#/compare/${step.target.replace(/^section-/, '')}`}
              className={styles.step}
              onClick={(event) => {
                event.preventDefault();
                document.getElementById(step.target)?.scrollIntoView({ behavior: 'smooth', block: 'start' });
              }}
            >
              {step.done ? (
                <CheckmarkCircleFilled className={mergeClasses(styles.stepIcon, styles.done)} aria-label="Done" role="img" />
              ) : (
                <CircleRegular className={mergeClasses(styles.stepIcon, styles.todo)} aria-label="Not done yet" role="img" />
              )}
              <span className={styles.stepText}>
                <Text weight="semibold">{step.title}</Text>
                <span className={styles.stepNote}>{step.note}</span>
              </span>
            </a>
          </li>
        ))}
      </ol>
    </nav>
  );
}

/**
 * Compare & Fix: connect to Microsoft Graph, fetch Entra's users and groups (or
 * import the CSV), compare them with ScimDesk's records, fix the identifiers
 * Entra matches on, and act on Entra's provisioning job, all from one screen.
 */
export function CompareView() {
  const { graph, loadGraph, loadSnapshots, loadLatestReport, loadFixBatches } = useAppStore(
    useShallow((s) => ({
      graph: s.graph,
      loadGraph: s.loadGraph,
      loadSnapshots: s.loadSnapshots,
      loadLatestReport: s.loadLatestReport,
      loadFixBatches: s.loadFixBatches,
    })),
  );

  useLoadOnShow(loadGraph);

  const view = graph.data;
  const connected = view?.connection != null;
  const hasApp = Boolean(view?.connection?.appId);
  // Once connected the form folds to a summary; "Edit connection" opens it, Save or Cancel folds it again.
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    if (!connected) setEditing(false);
  }, [connected]);

  // A comparison that finishes brings its results into view: they sit below the connection and the snapshots.
  const running = useAppStore((s) => s.compare.running);
  const finished = useAppStore((s) => s.compare.report.data?.generatedAt ?? null);
  const wasRunning = useRef(false);
  useEffect(() => {
    if (wasRunning.current && !running && finished !== null) {
      document.getElementById('section-comparison')?.closest('[role="region"]')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    }
    wasRunning.current = running;
  }, [running, finished]);

  return (
    <Page
      title="Compare & Fix"
      description={
        'Check that every ScimDesk record holds the Entra objectId Entra matches it by, see what differs, and repair the identifiers safely: ' +
        'preview, approve, apply in one transaction, undo.'
      }
      actions={
        <Button
          icon={<ArrowClockwiseRegular />}
          onClick={() => {
            void loadGraph();
            void loadSnapshots();
            void loadLatestReport();
            void loadFixBatches();
          }}
        >
          Refresh
        </Button>
      }
    >
      {graph.error && <ErrorBar error={graph.error} title="Could not load the Graph connection" onRetry={() => void loadGraph()} />}
      {!view && graph.status !== 'error' && <Loading label="Loading the Graph connection…" />}
      {view && (
        <>
          <Steps />
          {connected && !editing ? (
            <GraphConnectionSummary view={view} onEdit={() => setEditing(true)} />
          ) : (
            <GraphConnectionPanel view={view} {...(connected ? { onSaved: () => setEditing(false), onCancel: () => setEditing(false) } : {})} />
          )}
          <GraphTestPanel connected={connected} />
          <SnapshotsPanel connected={connected} />
          <CompareReportPanel />
          <FixPanel />
          <EntraActionsPanel connected={connected} hasApp={hasApp} />
        </>
      )}
    </Page>
  );
}
