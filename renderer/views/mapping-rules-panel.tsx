import { Button, Checkbox, Dropdown, Field, Input, Option, Text, makeStyles, tokens } from '@fluentui/react-components';
import { DeleteRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import type { AttributeRule, MappingRow } from '../../shared/admin/mapping-schemas';
import { DataTable } from '../components/data-table';
import { ErrorBar } from '../components/load-states';
import { Section } from '../components/page';
import { useAction } from '../components/use-action';
import { useAppStore } from '../state/store';

const useStyles = makeStyles({
  form: { display: 'flex', gap: tokens.spacingHorizontalM, flexWrap: 'wrap', alignItems: 'flex-end' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
});

const describeRule = (rule: AttributeRule) =>
  [
    rule.required && 'required',
    rule.maxLength !== null && `at most ${rule.maxLength} characters`,
    rule.pattern !== null && `matches ${rule.pattern}`,
    rule.allowedValues.length > 0 && `one of ${rule.allowedValues.join(', ')}`,
  ]
    .filter(Boolean)
    .join('; ');

/**
 * The per-attribute rules the SCIM endpoint enforces (a violation is answered 400 invalidValue naming
 * the attribute, which Entra shows in its provisioning logs): listed, removed, added.
 */
export function AttributeRulesPanel({ rows, rules }: { readonly rows: ReadonlyArray<MappingRow>; readonly rules: ReadonlyArray<AttributeRule> }) {
  const styles = useStyles();
  const saveMappingRules = useAppStore((s) => s.saveMappingRules);
  const action = useAction();
  const [target, setTarget] = useState('');
  const [required, setRequired] = useState(false);
  const [maxLength, setMaxLength] = useState('');
  const [pattern, setPattern] = useState('');
  const [allowed, setAllowed] = useState('');
  const save = (next: ReadonlyArray<AttributeRule>) => action.run(() => saveMappingRules(next));

  const add = () => {
    const [resourceType, ...rest] = target.split('|');
    const attribute = rest.join('|');
    const rule: AttributeRule = {
      resourceType: resourceType === 'Group' ? 'Group' : 'User',
      attribute,
      required,
      maxLength: maxLength.trim() === '' ? null : Number(maxLength),
      pattern: pattern.trim() === '' ? null : pattern,
      allowedValues: allowed
        .split(',')
        .map((value) => value.trim())
        .filter((value) => value !== ''),
    };
    const others = rules.filter((r) => !(r.resourceType === rule.resourceType && r.attribute.toLowerCase() === rule.attribute.toLowerCase()));
    void save([...others, rule]).then((saved) => {
      if (!saved) return;
      setTarget('');
      setRequired(false);
      setMaxLength('');
      setPattern('');
      setAllowed('');
    });
  };

  return (
    <Section title="Attribute rules">
      <Text>Checked on every user or group Entra writes; a value that breaks a rule is refused with 400 invalidValue naming the attribute, so it shows in Entra's provisioning logs.</Text>
      {action.error && <ErrorBar error={action.error} />}
      {rules.length === 0 ? (
        <Text>No rules yet.</Text>
      ) : (
        <DataTable
          label="Attribute rules"
          rows={rules}
          rowKey={(rule) => `${rule.resourceType}|${rule.attribute}`}
          columns={[
            { header: 'Type', render: (rule) => rule.resourceType },
            { header: 'Attribute', render: (rule) => <span className={styles.mono}>{rule.attribute}</span> },
            { header: 'Rule', render: (rule) => describeRule(rule) },
            {
              header: 'Remove',
              render: (rule) => (
                <Button
                  size="small"
                  icon={<DeleteRegular />}
                  aria-label={`Remove the rule on ${rule.attribute}`}
                  disabled={action.busy}
                  onClick={() => void save(rules.filter((r) => r !== rule))}
                />
              ),
            },
          ]}
        />
      )}
      <div className={styles.form}>
        <Field label="Attribute">
          <Dropdown
            placeholder="Choose an attribute"
            value={target.split('|').slice(1).join('|')}
            selectedOptions={target ? [target] : []}
            onOptionSelect={(_e, data) => setTarget(data.optionValue ?? '')}
          >
            {rows.map((row) => (
              <Option key={`${row.resourceType}|${row.attribute}`} value={`${row.resourceType}|${row.attribute}`} text={row.attribute}>
                {`${row.resourceType}: ${row.attribute}`}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Checkbox label="Required" checked={required} onChange={(_e, data) => setRequired(data.checked === true)} />
        <Field label="Max length">
          <Input type="number" min={1} value={maxLength} onChange={(_e, data) => setMaxLength(data.value)} />
        </Field>
        <Field label="Pattern (regular expression)">
          <Input value={pattern} onChange={(_e, data) => setPattern(data.value)} />
        </Field>
        <Field label="Allowed values (comma-separated)">
          <Input value={allowed} onChange={(_e, data) => setAllowed(data.value)} />
        </Field>
        <Button appearance="primary" disabled={target === '' || action.busy} onClick={add}>
          Add rule
        </Button>
      </div>
    </Section>
  );
}
