import {
  Badge,
  Button,
  Checkbox,
  Field,
  Input,
  Select,
  Spinner,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, ArrowDownRegular, ArrowUpRegular, DeleteRegular, DocumentArrowRightRegular, EditRegular, PlayRegular } from '@fluentui/react-icons';
import { useCallback, useEffect, useState } from 'react';
import {
  ExportScheduleInput,
  type ExportColumnChoices,
  type ExportKind,
  type ExportRun,
  type ExportScheduleView,
} from '../../shared/admin/contract';
import { call, subscribe, toAdminCallError, type AdminCallError } from '../api/client';
import { ConfirmDialog } from '../components/confirm-dialog';
import { SelectField, SubmitButton, SubmitForm, fieldMessages, fieldValidation } from '../components/form';
import { formatDateTime, formatDuration, formatNumber, plural } from '../components/format';
import { EmptyState, ErrorBar, Loading } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Section } from '../components/page';
import { useAction } from '../components/use-action';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, paddingTop: tokens.spacingVerticalM, borderTop: `1px solid ${tokens.colorNeutralStroke2}` },
  row: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(180px, 1fr))', gap: tokens.spacingHorizontalM, alignItems: 'start' },
  inline: { display: 'flex', gap: tokens.spacingHorizontalM, flexWrap: 'wrap', alignItems: 'center' },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  muted: { color: tokens.colorNeutralForeground2 },
  error: { color: tokens.colorPaletteRedForeground1 },
  columns: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  column: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  columnName: { flexGrow: 1, overflowWrap: 'anywhere' },
  cell: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, paddingTop: tokens.spacingVerticalXS, paddingBottom: tokens.spacingVerticalXS },
});

const KIND_LABELS: Record<ExportKind, string> = { users: 'Users', groups: 'Groups', memberships: 'Memberships' };
const KINDS: ReadonlyArray<ExportKind> = ['users', 'groups', 'memberships'];
const FORMATS = [
  ['csv', 'CSV (Excel-safe)'],
  ['json', 'JSON (one array of whole records)'],
  ['ndjson', 'NDJSON (one record a line)'],
] as const;

/** The form as typed: numbers kept as text until saved. */
interface Draft {
  id: string | undefined;
  name: string;
  kinds: ExportKind[];
  format: ExportScheduleInput['format'];
  columns: Record<ExportKind, string[]>;
  folder: string;
  timing: 'none' | 'interval' | 'daily';
  minutes: string;
  at: string;
  afterCycle: boolean;
  keep: string;
  latestCopy: boolean;
  enabled: boolean;
}

function newDraft(choices: ExportColumnChoices): Draft {
  return {
    id: undefined,
    name: '',
    kinds: ['users', 'groups', 'memberships'],
    format: 'csv',
    columns: { users: [...choices.defaults.users], groups: [...choices.defaults.groups], memberships: [...choices.defaults.memberships] },
    folder: '',
    timing: 'daily',
    minutes: '60',
    at: '02:00',
    afterCycle: true,
    keep: '10',
    latestCopy: true,
    enabled: true,
  };
}

function toDraft(schedule: ExportScheduleView): Draft {
  return {
    id: schedule.id,
    name: schedule.name,
    kinds: [...schedule.kinds],
    format: schedule.format,
    columns: { users: [...schedule.columns.users], groups: [...schedule.columns.groups], memberships: [...schedule.columns.memberships] },
    folder: schedule.folder,
    timing: schedule.timing.kind,
    minutes: schedule.timing.kind === 'interval' ? String(schedule.timing.minutes) : '60',
    at: schedule.timing.kind === 'daily' ? schedule.timing.at : '02:00',
    afterCycle: schedule.afterCycle,
    keep: String(schedule.keep),
    latestCopy: schedule.latestCopy,
    enabled: schedule.enabled,
  };
}

function toInput(draft: Draft): unknown {
  const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
  return {
    ...(draft.id !== undefined ? { id: draft.id } : {}),
    name: draft.name,
    kinds: KINDS.filter((kind) => draft.kinds.includes(kind)),
    format: draft.format,
    columns: draft.columns,
    folder: draft.folder,
    timing: draft.timing === 'interval' ? { kind: 'interval', minutes: number(draft.minutes) } : draft.timing === 'daily' ? { kind: 'daily', at: draft.at } : { kind: 'none' },
    afterCycle: draft.afterCycle,
    keep: number(draft.keep),
    latestCopy: draft.latestCopy,
    enabled: draft.enabled,
  };
}

/** "Every 15 minutes and after each Entra cycle". */
export function whenText(schedule: Pick<ExportScheduleView, 'timing' | 'afterCycle' | 'enabled'>): string {
  const parts: string[] = [];
  if (schedule.timing.kind === 'interval') parts.push(`every ${plural(schedule.timing.minutes, 'minute')}`);
  if (schedule.timing.kind === 'daily') parts.push(`daily at ${schedule.timing.at}`);
  if (schedule.afterCycle) parts.push('after each Entra cycle');
  const text = parts.length === 0 ? 'only when run by hand' : parts.join(' and ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${schedule.enabled ? '' : ' (off: Run now only)'}`;
}

const TRIGGER_WORDS: Record<ExportRun['trigger'], string> = { manual: 'run by hand', timer: 'on schedule', cycle: 'after an Entra cycle', retry: 'tried again' };

function LastRun({ schedule }: { readonly schedule: ExportScheduleView }) {
  const styles = useStyles();
  const run = schedule.lastRun;
  if (!run) return <Text className={styles.muted}>Never run</Text>;
  if (run.status === 'running') {
    const progress = schedule.progress;
    return (
      <div className={styles.inline}>
        <Spinner size="tiny" />
        <Text>
          Running: {progress ? `${formatNumber(progress.done)}${progress.total !== null ? ` of ${formatNumber(progress.total)}` : ''} rows` : 'starting'}
        </Text>
      </div>
    );
  }
  return (
    <div className={styles.cell}>
      <div className={styles.inline}>
        <Badge appearance="tint" shape="rounded" color={run.status === 'ok' ? 'success' : 'danger'}>
          {run.status === 'ok' ? 'Succeeded' : 'Failed'}
        </Badge>
        <Text size={200}>{formatDateTime(run.finishedAt ?? run.startedAt)}</Text>
      </div>
      <Text size={200} className={styles.muted}>
        {`${TRIGGER_WORDS[run.trigger]}; ${plural(run.rows, 'row')} in ${plural(run.files.length, 'file')}, ${formatDuration(run.durationMs)}`}
      </Text>
      {run.files.length > 0 && (
        <Text size={200} className={styles.muted}>
          {run.files.map((file) => file.name).join(', ')}
        </Text>
      )}
      {run.error && (
        <Text size={200} className={styles.error} role="alert">
          {run.error}
        </Text>
      )}
    </div>
  );
}

/** The chosen CSV columns of one kind, in order: move up or down, remove, add from what is stored. */
function ColumnChooser({ kind, chosen, available, onChange }: { readonly kind: ExportKind; readonly chosen: ReadonlyArray<string>; readonly available: ReadonlyArray<string>; readonly onChange: (columns: string[]) => void }) {
  const styles = useStyles();
  const move = (index: number, by: number) => {
    const next = [...chosen];
    const [item] = next.splice(index, 1);
    next.splice(index + by, 0, item!);
    onChange(next);
  };
  const left = available.filter((path) => !chosen.includes(path));
  return (
    <div className={styles.columns}>
      <Text>{`${KIND_LABELS[kind]} columns, in order`}</Text>
      <div className={styles.columns} role="list" aria-label={`${KIND_LABELS[kind]} columns`}>
        {chosen.map((path, index) => (
          <div key={path} className={styles.column} role="listitem">
            <span className={styles.columnName}>{path}</span>
            <Button size="small" appearance="subtle" icon={<ArrowUpRegular />} aria-label={`Move ${path} up`} disabled={index === 0} onClick={() => move(index, -1)} />
            <Button size="small" appearance="subtle" icon={<ArrowDownRegular />} aria-label={`Move ${path} down`} disabled={index === chosen.length - 1} onClick={() => move(index, 1)} />
            <Button size="small" appearance="subtle" icon={<DeleteRegular />} aria-label={`Remove column ${path}`} onClick={() => onChange(chosen.filter((p) => p !== path))} />
          </div>
        ))}
        {left.length > 0 && (
          <Select
            aria-label={`Add a ${KIND_LABELS[kind].toLowerCase()} column`}
            value=""
            onChange={(_, d) => {
              if (d.value) onChange([...chosen, d.value]);
            }}
          >
            <option value="">Add a column…</option>
            {left.map((path) => (
              <option key={path} value={path}>
                {path}
              </option>
            ))}
          </Select>
        )}
      </div>
    </div>
  );
}

function ScheduleForm({ initial, choices, onSaved, onCancel }: { readonly initial: Draft; readonly choices: ExportColumnChoices; readonly onSaved: (view: ExportScheduleView) => void; readonly onCancel: () => void }) {
  const styles = useStyles();
  const [draft, setDraft] = useState(initial);
  const [tried, setTried] = useState(false);
  const { busy, error, run } = useAction();
  const input = toInput(draft);
  const messages = fieldMessages(tried ? ExportScheduleInput.safeParse(input) : null, error);
  const set = (fields: Partial<Draft>) => setDraft((d) => ({ ...d, ...fields }));

  const save = async () => {
    setTried(true);
    if (!ExportScheduleInput.safeParse(input).success) return;
    await run(async () => onSaved(await call('exports.save', input as ExportScheduleInput)));
  };

  return (
    <SubmitForm className={styles.form} onSubmit={() => void save()}>
      <Text weight="semibold">{draft.id ? `Edit “${initial.name}”` : 'New export schedule'}</Text>
      <div className={styles.row}>
        <Field label="Name" required {...fieldValidation(messages['name'])}>
          <Input value={draft.name} onChange={(_, d) => set({ name: d.value })} placeholder="HR system import" />
        </Field>
        <SelectField label="Format" value={draft.format} options={FORMATS} onChange={(format) => set({ format })} message={messages['format']} />
      </div>
      <Field label="Folder (the whole path; created when missing)" required {...fieldValidation(messages['folder'])}>
        <Input value={draft.folder} onChange={(_, d) => set({ folder: d.value })} placeholder="D:\Exports\ScimDesk" />
      </Field>
      <div className={styles.columns}>
        <Text id="export-kinds-label">What to export (one file each)</Text>
        <div className={styles.inline} role="group" aria-labelledby="export-kinds-label">
          {KINDS.map((kind) => (
            <Checkbox
              key={kind}
              label={KIND_LABELS[kind]}
              checked={draft.kinds.includes(kind)}
              onChange={(_, d) => setDraft((current) => ({ ...current, kinds: d.checked === true ? [...current.kinds.filter((k) => k !== kind), kind] : current.kinds.filter((k) => k !== kind) }))}
            />
          ))}
        </div>
        {messages['kinds'] && <Text className={styles.error}>{messages['kinds']}</Text>}
      </div>
      <div className={styles.row}>
        <SelectField
          label="On the clock"
          value={draft.timing}
          options={[
            ['none', 'No'],
            ['interval', 'Every N minutes'],
            ['daily', 'Daily at a time'],
          ]}
          onChange={(timing) => set({ timing })}
          message={messages['timing']}
        />
        {draft.timing === 'interval' && (
          <Field label="Every (minutes)" {...fieldValidation(messages['timing.minutes'])}>
            <Input type="number" min={1} value={draft.minutes} onChange={(_, d) => set({ minutes: d.value })} />
          </Field>
        )}
        {draft.timing === 'daily' && (
          <Field label="At (this machine's time, HH:MM)" {...fieldValidation(messages['timing.at'])}>
            <Input value={draft.at} onChange={(_, d) => set({ at: d.value })} placeholder="02:30" />
          </Field>
        )}
        <Field label="Keep the newest (files of each kind)" {...fieldValidation(messages['keep'])}>
          <Input type="number" min={1} value={draft.keep} onChange={(_, d) => set({ keep: d.value })} />
        </Field>
      </div>
      <div className={styles.inline}>
        <Checkbox label="Also after each Entra provisioning cycle" checked={draft.afterCycle} onChange={(_, d) => set({ afterCycle: d.checked === true })} />
        <Checkbox label="Also keep users-latest.csv (and so on), replaced on each run" checked={draft.latestCopy} onChange={(_, d) => set({ latestCopy: d.checked === true })} />
        <Switch label={draft.enabled ? 'On' : 'Off (Run now only)'} checked={draft.enabled} onChange={(_, d) => set({ enabled: d.checked })} />
      </div>
      {draft.format === 'csv' &&
        KINDS.filter((kind) => draft.kinds.includes(kind)).map((kind) => (
          <ColumnChooser key={kind} kind={kind} chosen={draft.columns[kind]} available={choices.available[kind]} onChange={(columns) => set({ columns: { ...draft.columns, [kind]: columns } })} />
        ))}
      {draft.format === 'csv' && (
        <Text size={200} className={styles.muted}>
          {`UTF-8 with a byte order mark, CRLF line ends, quoted as RFC 4180 says; cells that start with = + - @ get a leading apostrophe. Several values in one cell are joined by “${choices.separator}”.`}
        </Text>
      )}
      {(['columns.users', 'columns.groups', 'columns.memberships'] as const).map((path) => messages[path] && <Text key={path} className={styles.error}>{messages[path]}</Text>)}
      {error && error.issues.length === 0 && <ErrorBar error={error} title="The schedule was not saved" />}
      <div className={styles.buttons}>
        <SubmitButton busy={busy}>Save schedule</SubmitButton>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </SubmitForm>
  );
}

/**
 * Scheduled exports: each schedule with when it runs, its last run (status, files, rows, the error in
 * plain words) and Run now with its progress; add and edit with the column chooser.
 */
export function ExportSchedules() {
  const styles = useStyles();
  const notify = useNotify();
  const [items, setItems] = useState<ExportScheduleView[] | null>(null);
  const [choices, setChoices] = useState<ExportColumnChoices | null>(null);
  const [loadError, setLoadError] = useState<AdminCallError | null>(null);
  const [editing, setEditing] = useState<Draft | null>(null);
  const [removing, setRemoving] = useState<ExportScheduleView | null>(null);

  const load = useCallback(async () => {
    try {
      const list = await call('exports.list', {});
      setItems(list.items);
      setChoices(list.columns);
      setLoadError(null);
    } catch (error) {
      setLoadError(toAdminCallError(error));
    }
  }, []);

  useEffect(() => {
    void load();
    return subscribe('exports.changed', ({ schedule }) => setItems((current) => current?.map((s) => (s.id === schedule.id ? schedule : s)) ?? current));
  }, [load]);

  const replace = (view: ExportScheduleView) => setItems((current) => (current?.some((s) => s.id === view.id) ? current.map((s) => (s.id === view.id ? view : s)) : [...(current ?? []), view]));

  const runNow = async (schedule: ExportScheduleView) => {
    try {
      const run = await call('exports.runNow', { id: schedule.id });
      if (run.status === 'ok') notify(`“${schedule.name}” written: ${plural(run.rows, 'row')} in ${plural(run.files.length, 'file')}`);
      else notify(`“${schedule.name}” failed: ${run.error ?? 'unknown error'}`, 'error');
    } catch (error) {
      notify(`Run now failed: ${toAdminCallError(error).message}`, 'error');
    }
    await load();
  };

  const remove = async (schedule: ExportScheduleView) => {
    await call('exports.remove', { id: schedule.id });
    setItems((current) => current?.filter((s) => s.id !== schedule.id) ?? current);
    notify(`“${schedule.name}” removed (its files stay)`);
  };

  return (
    <Section
      title="Scheduled exports"
      icon={<DocumentArrowRightRegular />}
      actions={
        choices && !editing ? (
          <Button icon={<AddRegular />} onClick={() => setEditing(newDraft(choices))}>
            Add schedule
          </Button>
        ) : undefined
      }
    >
      <Text className={styles.muted}>
        Users, groups and memberships as CSV or JSON files in a folder, for systems that import files: on a schedule and after each Entra cycle. Each file is written under a
        temporary name and then renamed, so an importer never reads half of one; the newest files are kept.
      </Text>
      {loadError && <ErrorBar error={loadError} title="Could not load the export schedules" onRetry={() => void load()} />}
      {!items && !loadError && <Loading label="Loading export schedules…" />}
      {items && items.length === 0 && !editing && <EmptyState title="No export schedule yet">Add one to write the directory to a folder.</EmptyState>}
      {items && items.length > 0 && (
        <Table aria-label="Export schedules" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>What, where, when</TableHeaderCell>
              <TableHeaderCell>Last run</TableHeaderCell>
              <TableHeaderCell>Actions</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((schedule) => (
              <TableRow key={schedule.id} aria-label={`Export schedule ${schedule.name}`}>
                <TableCell>
                  <Text weight="semibold">{schedule.name}</Text>
                </TableCell>
                <TableCell>
                  <div className={styles.cell}>
                    <Text size={200}>{`${schedule.kinds.map((k) => KIND_LABELS[k]).join(', ')} as ${schedule.format.toUpperCase()}, newest ${schedule.keep} kept`}</Text>
                    <Text size={200} className={styles.muted}>
                      {schedule.folder}
                    </Text>
                    <Text size={200} className={styles.muted}>
                      {whenText(schedule)}
                      {schedule.nextRunAt ? `; next ${formatDateTime(schedule.nextRunAt)}` : ''}
                    </Text>
                  </div>
                </TableCell>
                <TableCell>
                  <LastRun schedule={schedule} />
                </TableCell>
                <TableCell>
                  <div className={styles.buttons}>
                    <Button size="small" icon={<PlayRegular />} disabled={schedule.lastRun?.status === 'running'} onClick={() => void runNow(schedule)}>
                      Run now
                    </Button>
                    <Button size="small" icon={<EditRegular />} aria-label={`Edit ${schedule.name}`} onClick={() => setEditing(toDraft(schedule))} />
                    <Button size="small" icon={<DeleteRegular />} aria-label={`Remove ${schedule.name}`} onClick={() => setRemoving(schedule)} />
                  </div>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {editing && choices && (
        <ScheduleForm
          key={editing.id ?? 'new'}
          initial={editing}
          choices={choices}
          onCancel={() => setEditing(null)}
          onSaved={(view) => {
            replace(view);
            setEditing(null);
            notify(`“${view.name}” saved`);
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          open
          title={`Remove “${removing.name}”?`}
          confirmLabel="Remove"
          danger
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await remove(removing);
            setRemoving(null);
          }}
        >
          The files it wrote stay in {removing.folder}.
        </ConfirmDialog>
      )}
    </Section>
  );
}
