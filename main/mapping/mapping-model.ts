import type { AttributeRule, MappingRow, PresetId } from '../../shared/admin/mapping-schemas';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { ResourceSchema } from '../scim/schema/resource-schema';
import { targetAttributes } from './attribute-paths';
import { objectMapping, type EntraMapping } from './entra-schema';
import { describeExpression } from './expression';
import type { ObservedFacts } from './observe';
import { findPreset, RECOMMENDED_SOURCES, type PresetRow } from './presets';

/** Where ScimDesk keeps each attribute: an indexed column, a table of its own, or the record's document. */
function localField(kind: ResourceKind, path: string): string {
  if (path === 'externalId') return `${kind === 'User' ? 'users' : 'groups'}.external_id (Object ID in Entra, indexed)`;
  if (kind === 'User') {
    if (path === 'userName') return 'users.user_name (login, unique ignoring case)';
    if (path === 'active') return 'users.active (inactive = suspended)';
    if (path === 'displayName') return 'users.display_name (indexed)';
    if (path.startsWith('emails[')) return 'user_emails (indexed for lookups)';
  } else {
    if (path === 'displayName') return 'groups.display_name (indexed)';
    if (path === 'members') return 'group_members (one row per member)';
  }
  return `record document: ${path}`;
}

/** The recommended source rows: the preset's, or ScimDesk's defaults without one. */
export function recommendedRows(preset: PresetId | null): ReadonlyArray<PresetRow> {
  return findPreset(preset)?.rows ?? RECOMMENDED_SOURCES;
}

export interface MappingModelInput {
  readonly schemas: Record<ResourceKind, ResourceSchema>;
  readonly preset: PresetId | null;
  readonly rules: ReadonlyArray<AttributeRule>;
  readonly entra: EntraMapping | null;
  readonly observations: ObservedFacts | undefined;
}

const sameAttribute = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * One row per SCIM attribute ScimDesk stores (core, enterprise, each admin-defined extension; a
 * users-only preset leaves groups out), with its local field, rules, the recommended Entra source,
 * Entra's actual source when known, and what the records show.
 */
export function buildMappingRows(input: MappingModelInput): MappingRow[] {
  const preset = findPreset(input.preset);
  const recommended = recommendedRows(input.preset);
  const kinds: ResourceKind[] = preset?.usersOnly ? ['User'] : ['User', 'Group'];
  const rows: MappingRow[] = [];
  for (const kind of kinds) {
    const entra = input.entra ? objectMapping(input.entra, kind) : undefined;
    for (const target of targetAttributes(input.schemas[kind])) {
      const recommendation = recommended.find((row) => row.resourceType === kind && sameAttribute(row.attribute, target.path));
      const entraRow = entra?.attributes.find((row) => sameAttribute(row.target, target.path));
      const rule = input.rules.find((r) => r.resourceType === kind && sameAttribute(r.attribute, target.path)) ?? null;
      const matching = (recommendation?.matchingPriority ?? 0) > 0;
      rows.push({
        resourceType: kind,
        attribute: target.path,
        schema: target.schema,
        localField: localField(kind, target.path),
        required: target.definition.required || (rule?.required ?? false),
        // externalId: unique per kind when duplicates are refused (the default), and what Entra should match on.
        unique: target.unique || target.path === 'externalId',
        matching,
        recommendedSource: recommendation?.source ?? null,
        entraSource: entraRow?.source ?? null,
        entraSourceText: entraRow?.expression ? describeExpression(entraRow.expression) : (entraRow?.source ?? null),
        entraMatchingPriority: entraRow && entraRow.matchingPriority > 0 ? entraRow.matchingPriority : null,
        rule,
        observed: input.observations?.observed(kind, target.path) ?? { records: 0, lastSeen: null, sample: null },
        diagnostics: [],
      });
    }
  }
  return rows;
}
