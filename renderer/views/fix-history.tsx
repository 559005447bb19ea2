import { Badge, Button, Table, TableBody, TableCell, TableRow, Text, makeStyles, tokens, useRestoreFocusTarget } from '@fluentui/react-components';
import { ArrowUndoRegular, HistoryRegular } from '@fluentui/react-icons';
import { Fragment, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ConfirmDialog } from '../components/confirm-dialog';
import { TableHead } from '../components/data-table';
import { formatDateTime, formatDateTimeShort, formatNumber, plural } from '../components/format';
import { ErrorBar, Loading } from '../components/load-states';
import { useNotify } from '../components/notify';
import { useTableStyles } from '../components/table-styles';
import { useLoadOnShow } from '../components/use-load-on-show';
import type { FixBatch } from '../state/fix-slice';
import { useAppStore } from '../state/store';

const useStyles = makeStyles({
  muted: { color: tokens.colorNeutralForeground2 },
  heading: { margin: 0 },
  tableWrap: { overflowX: 'auto', border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  changes: { backgroundColor: tokens.colorNeutralBackground2 },
});

function BatchRow({ batch, onUndo }: { readonly batch: FixBatch; readonly onUndo: (batch: FixBatch) => void }) {
  const styles = useStyles();
  const table = useTableStyles();
  const restoreFocus = useRestoreFocusTarget();
  const [open, setOpen] = useState(false);
  const when = formatDateTime(batch.created);
  return (
    <Fragment>
      <TableRow aria-label={`Fix of ${when}`}>
        <TableCell className={table.nowrap}>{formatDateTimeShort(batch.created)}</TableCell>
        <TableCell>{batch.actor}</TableCell>
        <TableCell className={table.wrap}>
          <Text block>{batch.summary}</Text>
          <Button size="small" appearance="transparent" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Hide' : 'Show'} {plural(batch.changes.length, 'change')}
          </Button>
        </TableCell>
        <TableCell className={table.nowrap}>
          {batch.undone ? (
            <Badge appearance="tint" color="subtle">
              Undone {formatDateTimeShort(batch.undone)}
              {batch.undoneBy ? ` by ${batch.undoneBy}` : ''}
            </Badge>
          ) : (
            <Badge appearance="tint" color="success">
              Applied
            </Badge>
          )}
        </TableCell>
        <TableCell>
          <Button
            {...restoreFocus}
            size="small"
            icon={<ArrowUndoRegular />}
            disabled={batch.undone !== null}
            aria-label={`Undo the fix of ${when}`}
            onClick={() => onUndo(batch)}
          >
            Undo
          </Button>
        </TableCell>
      </TableRow>
      {open && (
        <TableRow className={styles.changes}>
          <TableCell colSpan={5}>
            <ul className={styles.list}>
              {batch.changes.slice(0, 500).map((change) => (
                <li key={`${change.resourceType}:${change.resourceId}`}>
                  <Text>
                    <strong>{change.name}</strong> ({change.resourceType}):{' '}
                    <span className={styles.mono}>
                      {change.before ?? 'empty'} → {change.after ?? 'empty'}
                    </span>
                  </Text>
                </li>
              ))}
            </ul>
            {batch.changes.length > 500 && <Text className={styles.muted}>and {formatNumber(batch.changes.length - 500)} more.</Text>}
          </TableCell>
        </TableRow>
      )}
    </Fragment>
  );
}

/** The applied fix batches, newest first, each with its changes and an Undo behind a confirmation. */
export function FixHistory() {
  const styles = useStyles();
  const table = useTableStyles();
  const notify = useNotify();
  const { batches, loadFixBatches, undoFixBatch } = useAppStore(
    useShallow((s) => ({ batches: s.fix.batches, loadFixBatches: s.loadFixBatches, undoFixBatch: s.undoFixBatch })),
  );
  const [undoing, setUndoing] = useState<FixBatch | null>(null);

  useLoadOnShow(loadFixBatches);

  const items = batches.data ?? [];
  return (
    <>
      <Text as="h3" weight="semibold" className={styles.heading} id="fix-history-title">
        <HistoryRegular aria-hidden /> Fix history
      </Text>
      {batches.error && <ErrorBar error={batches.error} title="Could not load the fix history" onRetry={() => void loadFixBatches()} />}
      {!batches.data && batches.status !== 'error' && <Loading label="Loading the fix history…" />}
      {batches.data && items.length === 0 && <Text className={styles.muted}>No fixes applied yet. Each applied plan appears here with an Undo.</Text>}
      {items.length > 0 && (
        <div className={styles.tableWrap}>
          <Table aria-labelledby="fix-history-title" size="small" className={table.auto}>
            <TableHead headers={['Applied', 'By', 'What', 'State', <span className="visually-hidden">Actions</span>]} />
            <TableBody>
              {items.map((batch) => (
                <BatchRow key={batch.id} batch={batch} onUndo={setUndoing} />
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      <ConfirmDialog
        open={undoing !== null}
        title="Undo this fix?"
        confirmLabel="Undo fix"
        danger
        onClose={() => setUndoing(null)}
        onConfirm={async () => {
          if (!undoing) return;
          await undoFixBatch(undoing.id);
          notify(`Undone: ${plural(undoing.changes.length, 'record')} back as they were`);
        }}
      >
        <Text>
          ScimDesk puts back the previous externalId of the {plural(undoing?.changes.length ?? 0, 'record')} changed on {formatDateTime(undoing?.created)}, in one
          transaction, with an audit entry per record. If any of them changed since, nothing is undone and ScimDesk says which. Compare again afterwards.
        </Text>
      </ConfirmDialog>
    </>
  );
}
