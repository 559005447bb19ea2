import { Button, Tab, TabList, makeStyles, tokens } from '@fluentui/react-components';
import { useState, type ReactNode } from 'react';
import type { AuditEntry, SyncLogEntry } from '../../shared/admin/contract';
import type { Loadable } from '../state/loadable';
import { AttributeList, type AttributeLine } from './attribute-list';
import { AuditTable, SyncHistoryTable } from './history-tables';
import { CollapsibleJson } from './json-view';
import { ErrorBar, Loading } from './load-states';
import { ObjectIdPanel } from './object-id';

const useStyles = makeStyles({
  tabPanel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, paddingTop: tokens.spacingVerticalS },
});

/** One tab of a record's detail pane: its name in the tab list, its panel's accessible name, and the panel. */
interface RecordTab {
  readonly value: string;
  readonly label: string;
  readonly panelLabel: string;
  readonly panel: ReactNode;
}

/** What users.get and groups.get have in common. */
interface RecordData {
  readonly resource: Record<string, unknown>;
  readonly history: ReadonlyArray<SyncLogEntry>;
  readonly audit: ReadonlyArray<AuditEntry>;
}

/** The Attributes tab: every attribute as readable lines (`renderValue` may draw one itself), then the raw SCIM JSON. */
export function attributesTab(resource: Record<string, unknown>, renderValue?: (line: AttributeLine) => ReactNode | undefined): RecordTab {
  return {
    value: 'attributes',
    label: 'Attributes',
    panelLabel: 'Attributes',
    panel: (
      <>
        <AttributeList resource={resource} renderValue={renderValue} />
        <CollapsibleJson title="Raw SCIM JSON" value={resource} />
      </>
    ),
  };
}

/** The Sync history tab: the requests that touched the record, and the way to the sync log filtered to it. */
export function historyTab(entries: ReadonlyArray<SyncLogEntry>, onShowInSyncLog: () => void): RecordTab {
  return {
    value: 'history',
    label: `Sync history (${entries.length})`,
    panelLabel: 'Sync history',
    panel: (
      <>
        <SyncHistoryTable entries={entries} label="Sync history" />
        <div>
          <Button onClick={onShowInSyncLog}>Show in the sync log</Button>
        </div>
      </>
    ),
  };
}

/** The Audit tab: what administrators changed on the record. */
export function auditTab(entries: ReadonlyArray<AuditEntry>): RecordTab {
  return { value: 'audit', label: `Audit (${entries.length})`, panelLabel: 'Audit', panel: <AuditTable entries={entries} label="Audit entries" /> };
}

interface RecordDetailProps<T extends RecordData> {
  readonly kind: 'user' | 'group';
  /** The open record's ScimDesk id. */
  readonly id: string | null;
  readonly detail: Loadable<T>;
  readonly onReload: () => void;
  readonly onSaveExternalId: (id: string, externalId: string | null, reason: string) => Promise<{ audit: AuditEntry }>;
  /** The tabs, the first one open. */
  readonly tabs: (data: T, id: string) => ReadonlyArray<RecordTab>;
}

/** A user's or group's detail pane: its Object ID in Entra (editable), then its tabs. */
export function RecordDetail<T extends RecordData>({ kind, id, detail, onReload, onSaveExternalId, tabs }: RecordDetailProps<T>) {
  const data = detail.data;
  if (detail.error && !data) return <ErrorBar error={detail.error} title={`Could not load the ${kind}`} onRetry={onReload} />;
  if (!data || id === null) return <Loading label={`Loading the ${kind}…`} />;
  const externalId = typeof data.resource['externalId'] === 'string' ? data.resource['externalId'] : null;
  return (
    <>
      {detail.error && <ErrorBar error={detail.error} title={`Could not refresh the ${kind}`} onRetry={onReload} />}
      <ObjectIdPanel kind={kind} externalId={externalId} onSave={(value, reason) => onSaveExternalId(id, value, reason)} />
      <RecordTabs label={kind === 'user' ? 'User details' : 'Group details'} tabs={tabs(data, id)} />
    </>
  );
}

function RecordTabs({ label, tabs }: { readonly label: string; readonly tabs: ReadonlyArray<RecordTab> }) {
  const styles = useStyles();
  const [value, setValue] = useState(tabs[0]?.value);
  const open = tabs.find((tab) => tab.value === value);
  return (
    <>
      <TabList selectedValue={value} onTabSelect={(_, d) => setValue(String(d.value))} aria-label={label}>
        {tabs.map((tab) => (
          <Tab key={tab.value} value={tab.value}>
            {tab.label}
          </Tab>
        ))}
      </TabList>
      <div className={styles.tabPanel} role="tabpanel" aria-label={open?.panelLabel}>
        {open?.panel}
      </div>
    </>
  );
}
