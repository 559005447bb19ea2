import type { ResourceDoc } from '../scim/resource/resource-doc';
import type { AttributeDef, ResourceKind, SchemaDef } from '../scim/schema/attribute-def';
import type { ResourceSchema } from '../scim/schema/resource-schema';

/**
 * SCIM attributes spelled as Entra's attribute-mapping screen and synchronization schema spell
 * them (`emails[type eq "work"].value`, `urn:…:enterprise:2.0:User:manager`), so a row of
 * ScimDesk's model and a row of Entra's mapping meet on the same string.
 */

/** One SCIM attribute Entra can write, as a mapping target. */
export interface TargetAttribute {
  readonly resourceType: ResourceKind;
  /** Entra's spelling, the key of every mapping row. */
  readonly path: string;
  /** The schema that defines it. */
  readonly schema: string;
  readonly definition: AttributeDef;
  readonly caseExact: boolean;
  readonly unique: boolean;
}

/** The `type` values Entra's default mappings fill for each multi-valued attribute; the others are one row each. */
const TYPED: Readonly<Record<string, { readonly types: ReadonlyArray<string>; readonly subs: ReadonlyArray<string> }>> = {
  emails: { types: ['work'], subs: ['value'] },
  phoneNumbers: { types: ['work', 'mobile', 'fax'], subs: ['value'] },
  addresses: { types: ['work'], subs: ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country'] },
};

function writable(def: AttributeDef): boolean {
  return def.mutability !== 'readOnly' && def.mutability !== 'writeOnly';
}

function targetsOf(kind: ResourceKind, schema: SchemaDef, isCore: boolean): TargetAttribute[] {
  const prefix = isCore ? '' : `${schema.id}:`;
  const rows: TargetAttribute[] = [];
  const add = (path: string, definition: AttributeDef) =>
    rows.push({
      resourceType: kind,
      path: prefix + path,
      schema: schema.id,
      definition,
      caseExact: definition.caseExact,
      unique: definition.uniqueness !== 'none',
    });
  for (const def of schema.attributes) {
    if (!writable(def)) continue;
    const typed = TYPED[def.name];
    if (isCore && def.multiValued && def.type === 'complex' && typed) {
      for (const type of typed.types) {
        for (const subName of typed.subs) {
          const sub = def.subAttributes?.find((s) => s.name === subName);
          if (sub) add(`${def.name}[type eq "${type}"].${subName}`, sub);
        }
      }
    } else if (!def.multiValued && def.type === 'complex' && def.name !== 'manager') {
      for (const sub of def.subAttributes ?? []) if (writable(sub)) add(`${def.name}.${sub.name}`, sub);
    } else {
      add(def.name, def);
    }
  }
  return rows;
}

const EXTERNAL_ID: AttributeDef = {
  name: 'externalId',
  type: 'string',
  multiValued: false,
  description: "The client's identifier of the resource: Entra's objectId when mapped as recommended.",
  required: false,
  caseExact: true,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
};

/** Every SCIM attribute of the resource type Entra can map to: externalId, the core schema, each extension. */
export function targetAttributes(schema: ResourceSchema): TargetAttribute[] {
  const kind = schema.kind;
  const rows: TargetAttribute[] = [
    { resourceType: kind, path: 'externalId', schema: schema.core.id, definition: EXTERNAL_ID, caseExact: true, unique: false },
    ...targetsOf(kind, schema.core, true),
  ];
  for (const extension of schema.extensions) rows.push(...targetsOf(kind, extension, false));
  return rows;
}

/** A target path taken apart: the extension URN (if any), the attribute, a `type eq` selector, a sub-attribute. */
export interface ParsedTarget {
  readonly urn: string | undefined;
  readonly attribute: string;
  readonly type: string | undefined;
  readonly sub: string | undefined;
}

const PATH = /^([A-Za-z][\w$-]*)(?:\[type eq "([^"]*)"\])?(?:\.([A-Za-z][\w$-]*))?$/;

export function parseTarget(path: string): ParsedTarget | undefined {
  let urn: string | undefined;
  let rest = path;
  if (/^urn:/i.test(path)) {
    const cut = path.lastIndexOf(':');
    urn = path.slice(0, cut);
    rest = path.slice(cut + 1);
  }
  const match = PATH.exec(rest);
  if (!match) return undefined;
  return { urn, attribute: match[1]!, type: match[2], sub: match[3] };
}

function field(record: unknown, name: string): unknown {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(record)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

function scalars(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(scalars);
  if (typeof value === 'object') return scalars(field(value, 'value'));
  return [String(value)];
}

/** The values a stored document holds at a target path (as strings), or [] when it has none. */
export function readTarget(doc: ResourceDoc, target: ParsedTarget): string[] {
  const container = target.urn === undefined ? doc : field(doc, target.urn);
  let value = field(container, target.attribute);
  if (target.type !== undefined) {
    const items = Array.isArray(value) ? value : [];
    const wanted = target.type.toLowerCase();
    value = items.filter((item) => String(field(item, 'type') ?? '').toLowerCase() === wanted);
  }
  if (target.sub !== undefined) {
    value = Array.isArray(value) ? value.map((item) => field(item, target.sub!)) : field(value, target.sub);
  }
  return scalars(value);
}
