import { Text, makeStyles, tokens } from '@fluentui/react-components';
import { Fragment, type ReactNode } from 'react';
import { formatDateTime, humanize } from './format';

const useStyles = makeStyles({
  group: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  groupTitle: { margin: `${tokens.spacingVerticalS} 0 0`, color: tokens.colorNeutralForeground2 },
  list: {
    display: 'grid',
    gridTemplateColumns: '220px 1fr',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground2 },
  value: { margin: 0, wordBreak: 'break-word' },
});

export interface AttributeLine {
  readonly group: string;
  readonly label: string;
  readonly value: string;
  /** Where it comes from: `userName`, `name.givenName`, `<extension URN>:manager`. */
  readonly path: string;
}

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** Shown elsewhere in the detail pane: group memberships and members have their own lists. */
const SKIPPED = new Set(['schemas', 'meta', 'members', 'groups']);
const LABELS: Record<string, string> = {
  id: 'ScimDesk id',
  externalId: 'Object ID in Entra (externalId)',
  userName: 'User name',
  displayName: 'Display name',
  nickName: 'Nickname',
  profileUrl: 'Profile URL',
  preferredLanguage: 'Preferred language',
  phoneNumbers: 'Phone',
  emails: 'Email',
  addresses: 'Address',
  ims: 'Instant messaging',
  x509Certificates: 'Certificate',
  employeeNumber: 'Employee number',
  costCenter: 'Cost center',
};

const label = (key: string) => LABELS[key] ?? humanize(key);

function scalar(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return String(value);
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function walk(value: unknown, name: string, group: string, out: AttributeLine[], path: string): void {
  if (value === null || value === undefined || value === '') return;
  if (isScalar(value)) {
    out.push({ group, label: name, value: scalar(value), path });
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return;
    if (value.every(isScalar)) {
      out.push({ group, label: name, value: value.map(scalar).join(', '), path });
      return;
    }
    value.forEach((item, index) => {
      if (typeof item !== 'object' || item === null) return walk(item, name, group, out, path);
      const element = item as Record<string, unknown>;
      const type = typeof element['type'] === 'string' ? element['type'] : null;
      const itemName = type ? `${name} (${type})` : value.length > 1 ? `${name} ${index + 1}` : name;
      const primary = element['primary'] === true || element['primary'] === 'True' ? ' (primary)' : '';
      const rest = Object.keys(element).filter((key) => !['type', 'primary', '$ref'].includes(key));
      if (rest.length === 1 && rest[0] === 'value') out.push({ group, label: itemName, value: `${scalar(element['value'])}${primary}`, path });
      else for (const key of rest) walk(element[key], `${itemName} › ${label(key)}`, group, out, `${path}.${key}`);
    });
    return;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).filter((key) => key !== '$ref');
  // A reference such as manager: {value, displayName}.
  if (keys.includes('value') && keys.every((key) => ['value', 'display', 'displayName'].includes(key))) {
    const shown = object['displayName'] ?? object['display'];
    out.push({ group, label: name, value: `${scalar(object['value'])}${typeof shown === 'string' ? ` (${shown})` : ''}`, path });
    return;
  }
  for (const key of keys) walk(object[key], `${name} › ${label(key)}`, group, out, `${path}.${key}`);
}

/** Every attribute of a SCIM resource as readable lines, grouped by schema, metadata last. */
function flattenResource(resource: Record<string, unknown>): AttributeLine[] {
  const out: AttributeLine[] = [];
  for (const [key, value] of Object.entries(resource)) {
    if (SKIPPED.has(key)) continue;
    if (key.startsWith('urn:')) {
      const group = key === ENTERPRISE ? 'Enterprise extension' : `Extension ${key.split(':').pop() ?? key}`;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        for (const [sub, subValue] of Object.entries(value as Record<string, unknown>)) walk(subValue, label(sub), group, out, `${key}:${sub}`);
      }
      continue;
    }
    walk(value, label(key), 'Core attributes', out, key);
  }
  const meta = resource['meta'];
  if (typeof meta === 'object' && meta !== null) {
    const m = meta as Record<string, unknown>;
    if (typeof m['created'] === 'string') out.push({ group: 'Metadata', label: 'Created', value: formatDateTime(m['created']), path: 'meta.created' });
    if (typeof m['lastModified'] === 'string') out.push({ group: 'Metadata', label: 'Last modified', value: formatDateTime(m['lastModified']), path: 'meta.lastModified' });
    if (typeof m['version'] === 'string') out.push({ group: 'Metadata', label: 'Version (ETag)', value: m['version'], path: 'meta.version' });
    if (typeof m['location'] === 'string') out.push({ group: 'Metadata', label: 'Location', value: m['location'], path: 'meta.location' });
  }
  return out;
}

/**
 * The attribute lines as definition lists, one per schema. `renderValue` may draw a line's value
 * itself (the manager as a link to that user); undefined keeps the text.
 */
export function AttributeList({
  resource,
  renderValue,
}: {
  readonly resource: Record<string, unknown>;
  readonly renderValue?: (line: AttributeLine) => ReactNode | undefined;
}) {
  const styles = useStyles();
  const lines = flattenResource(resource);
  const groups = [...new Set(lines.map((line) => line.group))];
  return (
    <>
      {groups.map((group) => (
        <section key={group} className={styles.group} aria-label={group}>
          <Text as="h3" weight="semibold" size={300} className={styles.groupTitle}>
            {group}
          </Text>
          <dl className={styles.list}>
            {lines
              .filter((line) => line.group === group)
              .map((line, index) => (
                <Fragment key={`${line.label}-${index}`}>
                  <dt className={styles.term}>
                    <Text>{line.label}</Text>
                  </dt>
                  <dd className={styles.value}>{renderValue?.(line) ?? <Text>{line.value}</Text>}</dd>
                </Fragment>
              ))}
          </dl>
        </section>
      ))}
    </>
  );
}
