import { tokenEndpointOf } from '../../shared/admin/auth-schemas';
import { csvCell } from '../../shared/csv';
import type { PresetId, SetupSheet } from '../../shared/admin/mapping-schemas';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { ResourceSchema } from '../scim/schema/resource-schema';
import { targetAttributes } from './attribute-paths';
import { recommendedRows } from './mapping-model';
import { findPreset } from './presets';

const mdCell = (value: string) => value.replace(/\|/g, '\\|');

/**
 * "Entra setup sheet": the exact table to enter in Entra's attribute mappings for the chosen preset
 * (or ScimDesk's recommendation), the Tenant URL and the matching advice, as Markdown and CSV.
 */
export function setupSheet(preset: PresetId | null, tenantUrl: string, schemas: Record<ResourceKind, ResourceSchema>): SetupSheet {
  const chosen = findPreset(preset);
  const rows = recommendedRows(preset).filter((row) => !(chosen?.usersOnly && row.resourceType === 'Group'));
  const kinds: ResourceKind[] = chosen?.usersOnly ? ['User'] : ['User', 'Group'];
  const lines: string[] = [
    `# Entra setup sheet${chosen ? `: ${chosen.name}` : ''}`,
    '',
    `- Tenant URL: ${tenantUrl}`,
    // Graph's synchronization secrets document only BaseAddress and SecretToken: the OAuth methods' fields are pasted by hand.
    `- Authentication Method (Admin Credentials), recommended: Workload identity federation. Token URL: ${tokenEndpointOf(tenantUrl)}; Client ID: the one on ScimDesk's Authentication screen (after you copied Entra's Issuer, Subject and Audience there).`,
    `- Or OAuth 2.0 client credentials: OAuth token endpoint: ${tokenEndpointOf(tenantUrl)}; Client ID and Client Secret: from ScimDesk's Authentication screen (the secret is shown once); How credentials are sent: either (header or body); Scope: scim.`,
    '- Or, for an existing app only, Bearer token: Secret Token: the token ScimDesk generated (Authentication).',
    '- Matching precedence: externalId ← objectId first (an objectId never changes and is unique); userName ← userPrincipalName second. Never match on mail alone.',
    chosen?.usersOnly ? '- Provision Microsoft Entra ID Groups: Enabled = No (this target takes users only).' : '- Provision Microsoft Entra ID Groups: Enabled = Yes.',
    '- Delete every other mapping in Entra: ScimDesk drops attributes it does not store, and Entra then re-sends them.',
    '',
  ];
  for (const extension of chosen?.extensions ?? []) {
    lines.push(`Edit attribute list for customappsso (${extension.resourceType}s): add ${extension.attributes.map((a) => `${extension.urn}:${a.name} (Type: String)`).join(', ')}.`, '');
  }
  const csv = ['Object,Entra source attribute or expression,Target attribute (customappsso),Matching precedence,Stored here'];
  for (const kind of kinds) {
    const stored = new Set(targetAttributes(schemas[kind]).map((t) => t.path.toLowerCase()));
    lines.push(`## ${kind === 'User' ? 'Users' : 'Groups'}`, '', '| Entra source | Target attribute | Matching precedence |', '|---|---|---|');
    for (const row of rows.filter((r) => r.resourceType === kind)) {
      const precedence = row.matchingPriority ? String(row.matchingPriority) : '';
      lines.push(`| ${mdCell(row.source)} | ${mdCell(row.attribute)} | ${precedence} |`);
      csv.push([kind, row.source, row.attribute, precedence, stored.has(row.attribute.toLowerCase()) ? 'yes' : 'no (add the extension schema first)'].map(csvCell).join(','));
    }
    lines.push('');
  }
  return { tenantUrl, markdown: lines.join('\n'), csv: csv.join('\r\n') + '\r\n' };
}
