import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Select,
  Spinner,
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
import { AddRegular, DeleteRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { ExtensionAttribute, ExtensionSchema } from '../../shared/admin/contract';
import { toAdminCallError, type AdminCallError } from '../api/client';
import { SubmitForm } from '../components/form';
import { ErrorBar } from '../components/load-states';
import { useTableStyles } from '../components/table-styles';

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

const emptyAttribute = (): AttributeDraft => ({ name: '', type: 'string', multiValued: false, required: false, caseExact: false, description: '' });

export const newExtension = (): ExtensionSchema => ({
  urn: 'urn:ietf:params:scim:schemas:extension:',
  resourceType: 'User',
  name: '',
  description: '',
  attributes: [emptyAttribute()],
});

/** Messages by path ("urn", "attributes.0.name", "attributes"), from the contract's schema and the server's issues. */
function messagesFor(draft: ExtensionSchema, serverError: AdminCallError | null): Record<string, string> {
  const messages: Record<string, string> = {};
  const parsed = ExtensionSchema.safeParse(draft);
  if (!parsed.success) for (const issue of parsed.error.issues) messages[issue.path.map(String).join('.')] ??= issue.message;
  for (const issue of serverError?.issues ?? []) messages[issue.path] ??= issue.message;
  return messages;
}

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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AdminCallError | null>(null);

  const all = messagesFor(draft, error);
  const messages = touched ? all : {};
  const message = (path: string) => messages[path];
  const state = (path: string) => (messages[path] ? 'error' : 'none');

  const change = (patch: Partial<ExtensionSchema>) => {
    setDraft((current) => ({ ...current, ...patch }));
    setError(null);
  };
  const changeAttribute = (index: number, patch: Partial<AttributeDraft>) =>
    change({ attributes: draft.attributes.map((attribute, i) => (i === index ? { ...attribute, ...patch } : attribute)) });

  const save = async () => {
    setTouched(true);
    if (Object.keys(all).length > 0) return;
    setBusy(true);
    try {
      await onSave(ExtensionSchema.parse(draft));
      setBusy(false);
      onClose();
    } catch (failure) {
      setBusy(false);
      setError(toAdminCallError(failure));
    }
  };

  return (
    <Dialog open={initial !== null} onOpenChange={(_, data) => !data.open && !busy && onClose()}>
      <DialogSurface className={styles.surface}>
        <SubmitForm onSubmit={() => void save()}>
          <DialogBody>
            <DialogTitle>{isNew ? 'Add an extension schema' : `Edit ${draft.name || 'extension schema'}`}</DialogTitle>
            <DialogContent className={styles.form}>
              <Text>
                Entra sends custom attributes under a schema URN you choose in its attribute mapping (for example
                urn:ietf:params:scim:schemas:extension:acme:2.0:User:role). Define that schema here so ScimDesk stores them.
              </Text>
              <div className={styles.pair}>
                <Field label="Schema URN" required validationMessage={message('urn')} validationState={state('urn')} hint={isNew ? undefined : 'The URN identifies the schema and cannot change.'}>
                  <Input value={draft.urn} readOnly={!isNew} onChange={(_, d) => change({ urn: d.value })} spellCheck={false} />
                </Field>
                <Field label="Resource type" required>
                  <Select value={draft.resourceType} onChange={(_, d) => change({ resourceType: d.value === 'Group' ? 'Group' : 'User' })}>
                    <option value="User">User</option>
                    <option value="Group">Group</option>
                  </Select>
                </Field>
              </div>
              <Field label="Schema name" required validationMessage={message('name')} validationState={state('name')}>
                <Input value={draft.name} onChange={(_, d) => change({ name: d.value })} />
              </Field>
              <Field label="Description" validationMessage={message('description')} validationState={state('description')}>
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
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell>Name</TableHeaderCell>
                      <TableHeaderCell>Type</TableHeaderCell>
                      <TableHeaderCell>Multi-valued</TableHeaderCell>
                      <TableHeaderCell>Required</TableHeaderCell>
                      <TableHeaderCell>Case-exact</TableHeaderCell>
                      <TableHeaderCell>Description</TableHeaderCell>
                      <TableHeaderCell>
                        <span className="visually-hidden">Remove</span>
                      </TableHeaderCell>
                    </TableRow>
                  </TableHeader>
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
                          <TableCell className={styles.checkCell}>
                            <Checkbox
                              aria-label={`Attribute ${n} is multi-valued`}
                              checked={attribute.multiValued}
                              onChange={(_, d) => changeAttribute(index, { multiValued: d.checked === true })}
                            />
                          </TableCell>
                          <TableCell className={styles.checkCell}>
                            <Checkbox
                              aria-label={`Attribute ${n} is required`}
                              checked={attribute.required}
                              onChange={(_, d) => changeAttribute(index, { required: d.checked === true })}
                            />
                          </TableCell>
                          <TableCell className={styles.checkCell}>
                            <Checkbox
                              aria-label={`Attribute ${n} is case-exact`}
                              checked={attribute.caseExact}
                              onChange={(_, d) => changeAttribute(index, { caseExact: d.checked === true })}
                            />
                          </TableCell>
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
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" appearance="primary" disabled={busy} icon={busy ? <Spinner size="tiny" /> : undefined}>
                Save schema
              </Button>
            </DialogActions>
          </DialogBody>
        </SubmitForm>
      </DialogSurface>
    </Dialog>
  );
}
