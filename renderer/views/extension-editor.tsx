import {
  Button,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Select,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, DeleteRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { ExtensionAttribute, ExtensionSchema } from '../../shared/admin/contract';
import { TableHead } from '../components/data-table';
import { fieldMessages, fieldValidation } from '../components/form';
import { FormDialog } from '../components/form-dialog';
import { ErrorBar } from '../components/load-states';
import { useTableStyles } from '../components/table-styles';
import { useAction } from '../components/use-action';

const useStyles = makeStyles({
  surface: { maxWidth: 'min(1040px, 96vw)', width: '100%' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  pair: { display: 'grid', gridTemplateColumns: '2fr 1fr', gap: tokens.spacingHorizontalM, alignItems: 'start' },
  tableWrap: { overflowX: 'auto' },
  checkCell: { textAlign: 'center' },
  error: { color: tokens.colorPaletteRedForeground1 },
  nameInput: { minWidth: '160px' },
});

const TYPES = ExtensionAttribute.shape.type.options;

type AttributeDraft = ExtensionSchema['attributes'][number];

/** The yes/no columns of an attribute, with what their checkbox says. */
const FLAGS = [
  ['multiValued', 'is multi-valued'],
  ['required', 'is required'],
  ['caseExact', 'is case-exact'],
] as const;

const emptyAttribute = (): AttributeDraft => ({ name: '', type: 'string', multiValued: false, required: false, caseExact: false, description: '' });

export const newExtension = (): ExtensionSchema => ({
  urn: 'urn:ietf:params:scim:schemas:extension:',
  resourceType: 'User',
  name: '',
  description: '',
  attributes: [emptyAttribute()],
});

interface ExtensionEditorProps {
  /** The schema to edit, or a new one; null when closed. */
  readonly initial: ExtensionSchema | null;
  readonly isNew: boolean;
  readonly onSave: (extension: ExtensionSchema) => Promise<void>;
  readonly onClose: () => void;
}

/**
 * Adds or edits an admin-defined extension schema (such as a role extension
 * Entra maps a custom attribute to): URN, resource type, name, description and
 * its attributes. Checked with the contract's own schema before saving.
 */
export function ExtensionEditor({ initial, isNew, onSave, onClose }: ExtensionEditorProps) {
  const styles = useStyles();
  const table = useTableStyles();
  const [draft, setDraft] = useState<ExtensionSchema>(initial ?? newExtension());
  const [touched, setTouched] = useState(false);
  const { busy, error, setError, run } = useAction();

  // Checked with the contract's own schema (the server checks with the same), then the server's issues.
  const all = fieldMessages(ExtensionSchema.safeParse(draft), error);
  const messages = touched ? all : {};
  const message = (path: string) => messages[path];

  const change = (patch: Partial<ExtensionSchema>) => {
    setDraft((current) => ({ ...current, ...patch }));
    setError(null);
  };
  const changeAttribute = (index: number, patch: Partial<AttributeDraft>) =>
    change({ attributes: draft.attributes.map((attribute, i) => (i === index ? { ...attribute, ...patch } : attribute)) });

  const save = async () => {
    setTouched(true);
    if (Object.keys(all).length > 0) return;
    if (await run(() => onSave(ExtensionSchema.parse(draft)))) onClose();
  };

  return (
    <FormDialog
      open={initial !== null}
      title={isNew ? 'Add an extension schema' : `Edit ${draft.name || 'extension schema'}`}
      busy={busy}
      onClose={onClose}
      onSubmit={() => void save()}
      submitLabel="Save schema"
      surfaceClassName={styles.surface}
      contentClassName={styles.form}
    >
      <Text>
        Entra sends custom attributes under a schema URN you choose in its attribute mapping (for example
        urn:ietf:params:scim:schemas:extension:acme:2.0:User:role). Define that schema here so ScimDesk stores them.
      </Text>
      <div className={styles.pair}>
        <Field label="Schema URN" required {...fieldValidation(message('urn'))} hint={isNew ? undefined : 'The URN identifies the schema and cannot change.'}>
          <Input value={draft.urn} readOnly={!isNew} onChange={(_, d) => change({ urn: d.value })} spellCheck={false} />
        </Field>
        <Field label="Resource type" required>
          <Select value={draft.resourceType} onChange={(_, d) => change({ resourceType: d.value === 'Group' ? 'Group' : 'User' })}>
            <option value="User">User</option>
            <option value="Group">Group</option>
          </Select>
        </Field>
      </div>
      <Field label="Schema name" required {...fieldValidation(message('name'))}>
        <Input value={draft.name} onChange={(_, d) => change({ name: d.value })} />
      </Field>
      <Field label="Description" {...fieldValidation(message('description'))}>
        <Textarea value={draft.description} onChange={(_, d) => change({ description: d.value })} resize="vertical" />
      </Field>

      <Text weight="semibold" id="extension-attributes-label">
        Attributes
      </Text>
      {message('attributes') && (
        <MessageBar intent="error">
          <MessageBarBody>{message('attributes')}</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.tableWrap}>
        <Table size="small" className={table.auto} aria-labelledby="extension-attributes-label">
          <TableHead headers={['Name', 'Type', 'Multi-valued', 'Required', 'Case-exact', 'Description', <span className="visually-hidden">Remove</span>]} />
          <TableBody>
            {draft.attributes.map((attribute, index) => {
              const n = index + 1;
              const nameMessage = message(`attributes.${index}.name`);
              return (
                <TableRow key={index}>
                  <TableCell>
                    <Input
                      className={styles.nameInput}
                      aria-label={`Attribute ${n} name`}
                      value={attribute.name}
                      onChange={(_, d) => changeAttribute(index, { name: d.value })}
                      aria-invalid={nameMessage ? true : undefined}
                      aria-describedby={nameMessage ? `attribute-${index}-error` : undefined}
                    />
                    {nameMessage && (
                      <Text size={200} block className={styles.error} id={`attribute-${index}-error`}>
                        {nameMessage}
                      </Text>
                    )}
                  </TableCell>
                  <TableCell>
                    <Select
                      aria-label={`Attribute ${n} type`}
                      value={attribute.type}
                      onChange={(_, d) => changeAttribute(index, { type: d.value as AttributeDraft['type'] })}
                    >
                      {TYPES.map((type) => (
                        <option key={type} value={type}>
                          {type}
                        </option>
                      ))}
                    </Select>
                  </TableCell>
                  {FLAGS.map(([flag, what]) => (
                    <TableCell key={flag} className={styles.checkCell}>
                      <Checkbox
                        aria-label={`Attribute ${n} ${what}`}
                        checked={attribute[flag]}
                        onChange={(_, d) => changeAttribute(index, { [flag]: d.checked === true })}
                      />
                    </TableCell>
                  ))}
                  <TableCell>
                    <Input
                      aria-label={`Attribute ${n} description`}
                      value={attribute.description}
                      onChange={(_, d) => changeAttribute(index, { description: d.value })}
                    />
                  </TableCell>
                  <TableCell>
                    <Button
                      appearance="subtle"
                      icon={<DeleteRegular />}
                      aria-label={`Remove attribute ${n}${attribute.name ? ` (${attribute.name})` : ''}`}
                      onClick={() => change({ attributes: draft.attributes.filter((_, i) => i !== index) })}
                    />
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
      <div>
        <Button icon={<AddRegular />} onClick={() => change({ attributes: [...draft.attributes, emptyAttribute()] })}>
          Add attribute
        </Button>
      </div>
      {error && error.issues.length === 0 && <ErrorBar error={error} title="The schema was not saved" />}
    </FormDialog>
  );
}
