import { Button, Text, makeStyles, tokens, useRestoreFocusTarget } from '@fluentui/react-components';
import { AddRegular, DeleteRegular, EditRegular, PuzzlePieceRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ExtensionSchema } from '../../shared/admin/contract';
import { ConfirmButton } from '../components/confirm-dialog';
import { DataTable } from '../components/data-table';
import { EmptyState, ErrorBar, Loading } from '../components/load-states';
import { useNotify } from '../components/notify';
import { Section } from '../components/page';
import { useLoadOnShow } from '../components/use-load-on-show';
import { useAppStore } from '../state/store';
import { ExtensionEditor, newExtension } from './extension-editor';

const useStyles = makeStyles({
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  muted: { color: tokens.colorNeutralForeground2 },
  mono: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
  wide: { gridColumn: '1 / -1' },
});

/** The extension schemas users may carry beyond core and enterprise: the list, adding, editing and deleting one. */
export function ExtensionsPanel() {
  const styles = useStyles();
  const notify = useNotify();
  const { extensions, loadExtensions, saveExtension, deleteExtension } = useAppStore(
    useShallow((s) => ({ extensions: s.extensions, loadExtensions: s.loadExtensions, saveExtension: s.saveExtension, deleteExtension: s.deleteExtension })),
  );
  const [editing, setEditing] = useState<{ schema: ExtensionSchema; isNew: boolean } | null>(null);
  const restoreFocus = useRestoreFocusTarget();
  const items = extensions.data ?? [];

  useLoadOnShow(loadExtensions);

  return (
    <Section
      title="Extension schemas"
      icon={<PuzzlePieceRegular />}
      className={styles.wide}
      actions={
        <Button {...restoreFocus} icon={<AddRegular />} onClick={() => setEditing({ schema: newExtension(), isNew: true })}>
          Add extension schema
        </Button>
      }
    >
      <Text className={styles.muted}>
        Users carry the core and enterprise schemas. Add a schema for attributes Entra sends beyond those, such as a role mapped from a custom Entra
        attribute.
      </Text>
      {extensions.error && <ErrorBar error={extensions.error} title="Could not load the extension schemas" onRetry={() => void loadExtensions()} />}
      {!extensions.data && extensions.status !== 'error' && <Loading label="Loading extension schemas…" />}
      {extensions.data && items.length === 0 && (
        <EmptyState icon={<PuzzlePieceRegular />} title="No extension schemas">
          Not needed unless Entra's mapping sends attributes under a schema of your own.
        </EmptyState>
      )}
      {items.length > 0 && (
        <DataTable
          label="Extension schemas"
          rows={items}
          rowKey={(schema) => schema.urn}
          columns={[
            { header: 'Name', render: (schema) => <Text weight="semibold">{schema.name}</Text> },
            { header: 'URN', className: styles.mono, render: (schema) => schema.urn },
            { header: 'Resource type', render: (schema) => schema.resourceType },
            { header: 'Attributes', render: (schema) => schema.attributes.map((attribute) => attribute.name).join(', ') },
            {
              header: 'Actions',
              render: (schema) => (
                <div className={styles.buttons}>
                  <Button {...restoreFocus} size="small" icon={<EditRegular />} aria-label={`Edit ${schema.name}`} onClick={() => setEditing({ schema, isNew: false })}>
                    Edit
                  </Button>
                  <ConfirmButton
                    label="Delete"
                    size="small"
                    icon={<DeleteRegular />}
                    aria-label={`Delete ${schema.name}`}
                    title={`Delete the extension schema ${schema.name}?`}
                    confirmLabel="Delete"
                    danger
                    onConfirm={async () => {
                      await deleteExtension(schema.urn);
                      return `Extension schema ${schema.name} deleted`;
                    }}
                  >
                    <Text>
                      ScimDesk stops accepting and returning the attributes of {schema.urn}. Values already stored stay in the records. If Entra's mapping
                      still sends them, its requests will report errors.
                    </Text>
                  </ConfirmButton>
                </div>
              ),
            },
          ]}
        />
      )}
      {editing && (
        <ExtensionEditor
          initial={editing.schema}
          isNew={editing.isNew}
          onClose={() => setEditing(null)}
          onSave={async (schema) => {
            await saveExtension(schema);
            notify(`Extension schema ${schema.name} saved`);
          }}
        />
      )}
    </Section>
  );
}
