import {
  Badge,
  Button,
  Dropdown,
  Field,
  Option,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { ArrowDownloadRegular } from '@fluentui/react-icons';
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MethodOutput } from '../../shared/admin/contract';
import type { Cycle, Diagnostic, MappingRow, PresetId } from '../../shared/admin/mapping-schemas';
import { CopyButton } from '../components/copy-button';
import { DataTable } from '../components/data-table';
import { downloadText } from '../components/download-file';
import { formatDateTime, formatNumber } from '../components/format';
import { ErrorBar, Loading } from '../components/load-states';
import { Page, RefreshButton, Section } from '../components/page';
import { useAction } from '../components/use-action';
import { useLoadOnShow } from '../components/use-load-on-show';
import { useAppStore } from '../state/store';
import { MappingDiagram } from './mapping-diagram';
import { AttributeRulesPanel } from './mapping-rules-panel';

const useStyles = makeStyles({
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, wordBreak: 'break-all' },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  sheet: { whiteSpace: 'pre-wrap', fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, backgroundColor: tokens.colorNeutralBackground3, padding: tokens.spacingHorizontalM, margin: 0 },
  timeline: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  bar: { height: '8px', backgroundColor: tokens.colorNeutralBackground5, borderRadius: '4px', overflow: 'hidden', width: '160px' },
  sortable: { cursor: 'pointer', userSelect: 'none' },
});

const SEVERITY_COLOR = { error: 'danger', warning: 'warning', info: 'informative' } as const;

function SeverityBadge({ severity }: { readonly severity: Diagnostic['severity'] }) {
  return (
    <Badge appearance="tint" color={SEVERITY_COLOR[severity]}>
      {severity}
    </Badge>
  );
}

type SortKey = 'resourceType' | 'attribute' | 'localField' | 'recommendedSource' | 'entraSource' | 'records' | 'lastSeen' | 'diagnostics';

const COLUMNS: ReadonlyArray<{ key: SortKey; label: string }> = [
  { key: 'resourceType', label: 'Type' },
  { key: 'attribute', label: 'SCIM attribute' },
  { key: 'localField', label: 'Local field' },
  { key: 'recommendedSource', label: 'Recommended source' },
  { key: 'entraSource', label: "Entra's source" },
  { key: 'records', label: 'Records' },
  { key: 'lastSeen', label: 'Last seen' },
  { key: 'diagnostics', label: 'Diagnostics' },
];

function sortValue(row: MappingRow, key: SortKey): string | number {
  switch (key) {
    case 'records':
      return row.observed.records;
    case 'lastSeen':
      return row.observed.lastSeen ?? '';
    case 'diagnostics':
      return row.diagnostics.length;
    default:
      return row[key] ?? '';
  }
}

/** The mapping rows as a table, sorted by a click on a column header (again: the other way). */
function MappingTable({ rows }: { readonly rows: ReadonlyArray<MappingRow> }) {
  const styles = useStyles();
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'resourceType', descending: false });
  const sorted = useMemo(() => {
    const copy = [...rows];
    copy.sort((a, b) => {
      const x = sortValue(a, sort.key);
      const y = sortValue(b, sort.key);
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sort.descending ? -order : order;
    });
    return copy;
  }, [rows, sort]);
  return (
    <Table size="small" aria-label="Mapping table">
      <TableHeader>
        <TableRow>
          {COLUMNS.map((column) => (
            <TableHeaderCell
              key={column.key}
              className={styles.sortable}
              sortDirection={sort.key === column.key ? (sort.descending ? 'descending' : 'ascending') : undefined}
              onClick={() => setSort((current) => ({ key: column.key, descending: current.key === column.key ? !current.descending : false }))}
            >
              {column.label}
            </TableHeaderCell>
          ))}
          <TableHeaderCell>Flags</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {sorted.map((row) => (
          <TableRow key={`${row.resourceType}|${row.attribute}`}>
            <TableCell>{row.resourceType}</TableCell>
            <TableCell className={styles.mono}>{row.attribute}</TableCell>
            <TableCell>{row.localField}</TableCell>
            <TableCell className={styles.mono}>{row.recommendedSource ?? '— (leave unmapped)'}</TableCell>
            <TableCell className={styles.mono} title={row.entraSourceText ?? undefined}>
              {row.entraSource ?? '—'}
              {row.entraSourceText && row.entraSourceText !== row.entraSource ? <Text size={200} block>{row.entraSourceText}</Text> : null}
            </TableCell>
            <TableCell>
              {formatNumber(row.observed.records)}
              {row.observed.sample ? <Text size={200} block className={styles.mono}>{row.observed.sample}</Text> : null}
            </TableCell>
            <TableCell>{formatDateTime(row.observed.lastSeen)}</TableCell>
            <TableCell>{row.diagnostics.join(', ')}</TableCell>
            <TableCell>
              {[row.required && 'required', row.unique && 'unique', row.matching && 'match', row.entraMatchingPriority !== null && `Entra match #${row.entraMatchingPriority}`, row.rule && 'rule']
                .filter(Boolean)
                .join(' · ')}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function CycleTimeline({ cycles }: { readonly cycles: ReadonlyArray<Cycle> }) {
  const styles = useStyles();
  if (cycles.length === 0) return <Text>No provisioning requests in the sync log yet.</Text>;
  return (
    <DataTable
      label="Provisioning cycles"
      rows={[...cycles].reverse()}
      rowKey={(cycle) => cycle.start}
      columns={[
        { header: 'Started', render: (c) => formatDateTime(c.start) },
        { header: 'Kind', render: (c) => <Badge appearance="outline">{c.kind}</Badge> },
        { header: 'Requests', render: (c) => formatNumber(c.requests) },
        { header: 'Creates · updates · deactivations · deletes', render: (c) => `${c.creates} · ${c.updates} · ${c.deactivations} · ${c.deletes}` },
        {
          header: 'Failures',
          render: (c) => (
            <div className={styles.timeline}>
              <div className={styles.bar} role="img" aria-label={`${Math.round(c.failureRate * 100)} % failed`}>
                <div style={{ width: `${Math.min(100, c.failureRate * 250)}%`, height: '100%', backgroundColor: c.failureRate >= 0.25 ? tokens.colorPaletteRedBackground3 : tokens.colorPaletteGreenBackground3 }} />
              </div>
              <Text size={200}>{c.errors.map((e) => `${e.endpoint} ${e.status} ×${e.count}`).join(', ') || 'none'}</Text>
              {c.warning && <Text size={200} weight="semibold">{c.warning}</Text>}
            </div>
          ),
        },
      ]}
    />
  );
}

function AffectedRecords({ title, diagnostics, onClose }: { readonly title: string; readonly diagnostics: ReadonlyArray<Diagnostic>; readonly onClose: () => void }) {
  return (
    <Section title={`Affected records: ${title}`} actions={<Button onClick={onClose}>Close</Button>}>
      {diagnostics.map((diagnostic, index) => (
        <DiagnosticRecords key={`${diagnostic.code}-${index}`} diagnostic={diagnostic} />
      ))}
    </Section>
  );
}

function DiagnosticRecords({ diagnostic }: { readonly diagnostic: Diagnostic }) {
  const showSyncLog = useAppStore((s) => s.showSyncLog);
  return (
    <>
      <Text weight="semibold">
        <SeverityBadge severity={diagnostic.severity} /> {diagnostic.code}
      </Text>
      <Text>{diagnostic.message}</Text>
      <Text weight="semibold">Fix: {diagnostic.fix}</Text>
      {diagnostic.sample.length === 0 ? (
        <Text>No single record shows it: it is about the mapping as a whole.</Text>
      ) : (
        <DataTable
          label="Affected records"
          rows={diagnostic.sample}
          rowKey={(r, i) => `${r.id ?? r.name}-${i}`}
          columns={[
            { header: 'Record', render: (r) => r.name },
            { header: 'Value', render: (r) => r.value ?? '—' },
            {
              header: 'Sync log',
              render: (r) => (
                <Button size="small" onClick={() => showSyncLog({ range: 'all', text: r.id ?? r.name })}>
                  Show requests
                </Button>
              ),
            },
          ]}
        />
      )}
    </>
  );
}

function SetupSheetPanel() {
  const styles = useStyles();
  const loadSetupSheet = useAppStore((s) => s.loadSetupSheet);
  const [sheet, setSheet] = useState<MethodOutput<'mapping.setupSheet'> | null>(null);
  const action = useAction();
  return (
    <Section
      title="Entra setup sheet"
      actions={
        <Button onClick={() => void action.run(async () => setSheet(await loadSetupSheet()))} disabled={action.busy}>
          {sheet ? 'Rebuild' : 'Build the sheet'}
        </Button>
      }
    >
      {action.error && <ErrorBar error={action.error} />}
      {sheet ? (
        <>
          <div className={styles.row}>
            <CopyButton text={sheet.markdown} what="Entra setup sheet" />
            <Button icon={<ArrowDownloadRegular />} onClick={() => downloadText(sheet.markdown, 'entra-setup-sheet.md', 'text/markdown;charset=utf-8')}>
              Markdown
            </Button>
            <Button icon={<ArrowDownloadRegular />} onClick={() => downloadText(sheet.csv, 'entra-setup-sheet.csv')}>
              CSV
            </Button>
          </div>
          <pre className={styles.sheet} aria-label="Entra setup sheet">
            {sheet.markdown}
          </pre>
        </>
      ) : (
        <Text>The exact mapping table to enter in Entra for the chosen preset, with the Tenant URL and matching advice.</Text>
      )}
    </Section>
  );
}

function EntraSchemaPanel({ view }: { readonly view: MethodOutput<'mapping.view'> }) {
  const { importEntraSchema, clearEntraSchema, readEntraSchemaFromGraph } = useAppStore(
    useShallow((s) => ({ importEntraSchema: s.importEntraSchema, clearEntraSchema: s.clearEntraSchema, readEntraSchemaFromGraph: s.readEntraSchemaFromGraph })),
  );
  const [json, setJson] = useState('');
  const action = useAction();
  return (
    <Section
      title="Entra's mapping"
      actions={
        <Button disabled={action.busy} onClick={() => void action.run(() => readEntraSchemaFromGraph())}>
          Read from Entra (Graph)
        </Button>
      }
    >
      <Text>
        {view.entra.source === 'none'
          ? "Entra's mapping is not known: the diagram shows the recommended sources. Read it through the Graph connection (Compare & Fix), or paste the provisioning job's synchronization schema (Graph: GET servicePrincipals/{id}/synchronization/jobs/{jobId}/schema)."
          : `From ${view.entra.source === 'graph' ? 'Microsoft Graph' : 'an imported schema'}, ${formatDateTime(view.entra.fetchedAt)}.${view.entra.scopingFilters.length ? ` Scoping filters: ${view.entra.scopingFilters.join('; ')}.` : ''}`}
      </Text>
      {action.error && <ErrorBar error={action.error} />}
      <Field label="Synchronization schema (JSON)">
        <Textarea value={json} onChange={(_e, data) => setJson(data.value)} resize="vertical" rows={4} />
      </Field>
      <div style={{ display: 'flex', gap: tokens.spacingHorizontalS }}>
        <Button appearance="primary" disabled={json.trim() === '' || action.busy} onClick={() => void action.run(async () => { await importEntraSchema(json); setJson(''); })}>
          Import
        </Button>
        {view.entra.source !== 'none' && (
          <Button disabled={action.busy} onClick={() => void action.run(() => clearEntraSchema())}>
            Forget Entra's mapping
          </Button>
        )}
      </div>
    </Section>
  );
}

/** Attribute mappings: the diagram, the diagnostics, the table, the cycles and the Entra setup sheet (issue 13). */
export function MappingView() {
  const { mapping, loadMapping, chooseMappingPreset, focus, focusDiagnostic } = useAppStore(
    useShallow((s) => ({
      mapping: s.mapping,
      loadMapping: s.loadMapping,
      chooseMappingPreset: s.chooseMappingPreset,
      focus: s.mappingFocus,
      focusDiagnostic: s.focusDiagnostic,
    })),
  );
  useLoadOnShow(loadMapping);
  const action = useAction();
  const view = mapping.data;
  const focused =
    view && focus
      ? view.diagnostics.filter(
          (d) => (focus.code === null || d.code === focus.code) && d.resourceType === focus.resourceType && (d.attribute ?? '').toLowerCase() === (focus.attribute ?? '').toLowerCase(),
        )
      : [];
  const focusTitle = focus ? (focus.code === null ? `${focus.resourceType ?? ''} ${focus.attribute ?? ''}`.trim() : `${focus.code}${focus.attribute ? ` (${focus.attribute})` : ''}`) : '';
  const presetLabel = view?.presets.find((p) => p.id === view.preset)?.name ?? "ScimDesk's recommendation";

  return (
    <Page
      title="Mappings"
      description="Which Entra attribute lands in which SCIM attribute and local field, what Entra really sends, and what is wrong, with the fix."
      actions={
        <>
          {view && (
            <Dropdown
              aria-label="Preset"
              value={presetLabel}
              selectedOptions={[view.preset ?? 'none']}
              onOptionSelect={(_e, data) => void action.run(() => chooseMappingPreset(data.optionValue === 'none' ? null : (data.optionValue as PresetId)))}
            >
              <Option value="none">ScimDesk's recommendation</Option>
              {view.presets.map((preset) => (
                <Option key={preset.id} value={preset.id} text={preset.name}>
                  {preset.name}
                </Option>
              ))}
            </Dropdown>
          )}
          <RefreshButton onClick={() => void loadMapping()} loading={mapping.status === 'loading'} />
        </>
      }
    >
      {action.error && <ErrorBar error={action.error} />}
      {mapping.error && <ErrorBar error={mapping.error} onRetry={() => void loadMapping()} />}
      {!view ? (
        <Loading label="Reading the records and the sync log…" />
      ) : (
        <>
          <Section title={`Diagnostics (${view.diagnostics.length})`}>
            <Text size={200}>
              Read {formatNumber(view.read.users)} users, {formatNumber(view.read.groups)} groups and {formatNumber(view.read.logRows)} sync-log rows in {formatNumber(view.read.ms)} ms.
            </Text>
            {view.diagnostics.length === 0 ? (
              <Text>Nothing wrong found.</Text>
            ) : (
              <DataTable
                label="Diagnostics"
                rows={view.diagnostics}
                rowKey={(d, i) => `${d.code}-${d.attribute ?? ''}-${i}`}
                columns={[
                  { header: 'Severity', render: (d) => <SeverityBadge severity={d.severity} /> },
                  { header: 'Code', render: (d) => <Text font="monospace">{d.code}</Text> },
                  { header: 'Attribute', render: (d) => d.attribute ?? '—' },
                  { header: 'Count', render: (d) => formatNumber(d.count) },
                  { header: 'What is wrong', render: (d) => d.message },
                  {
                    header: 'Records',
                    render: (d) => (
                      <Button size="small" onClick={() => focusDiagnostic({ code: d.code, attribute: d.attribute, resourceType: d.resourceType })}>
                        Show
                      </Button>
                    ),
                  },
                ]}
              />
            )}
          </Section>
          {focused.length > 0 && <AffectedRecords title={focusTitle} diagnostics={focused} onClose={() => focusDiagnostic(null)} />}
          <Section title="Mapping diagram">
            <Text size={200}>Entra source → SCIM attribute → local field. A marked edge carries a diagnostic: click it for the records affected.</Text>
            <MappingDiagram rows={view.rows} diagnostics={view.diagnostics} onPick={(resourceType, attribute) => focusDiagnostic({ code: null, attribute, resourceType })} />
          </Section>
          <Section title="Mapping table">
            <MappingTable rows={view.rows} />
          </Section>
          <AttributeRulesPanel rows={view.rows} rules={view.rules} />
          <Section title="Provisioning cycles">
            <CycleTimeline cycles={view.cycles} />
          </Section>
          {/* A sheet built for another preset would be wrong: a new preset starts a new sheet. */}
          <SetupSheetPanel key={view.preset ?? 'none'} />
          <EntraSchemaPanel view={view} />
        </>
      )}
    </Page>
  );
}
