import type { AttributeRule, PresetId, PresetSummary } from '../../shared/admin/mapping-schemas';
import { URN } from '../../shared/scim/urns';
import type { ResourceKind } from '../scim/schema/attribute-def';

/**
 * The mapping tables of the vendor guides in the reference folder, as presets: which Entra source
 * each SCIM attribute should have, which rows to delete in Entra, which extension schema and which
 * rules the target needs.
 */

/** One row of the table an admin enters in Entra. */
export interface PresetRow {
  readonly resourceType: ResourceKind;
  readonly attribute: string;
  /** An Entra attribute (`objectId`) or expression (`Switch(...)`). */
  readonly source: string;
  readonly matchingPriority?: number;
}

/** An extension schema the preset adds (Settings → extensions), in the contract's shape. */
export interface PresetExtension {
  readonly urn: string;
  readonly resourceType: ResourceKind;
  readonly name: string;
  readonly description: string;
  readonly attributes: ReadonlyArray<{ readonly name: string; readonly type: 'string'; readonly multiValued: boolean; readonly required: boolean; readonly caseExact: boolean; readonly description: string }>;
}

export interface Preset extends PresetSummary {
  readonly rows: ReadonlyArray<PresetRow>;
  readonly extensions: ReadonlyArray<PresetExtension>;
  readonly rules: ReadonlyArray<AttributeRule>;
}

/** Entra's soft delete as `active`: IsSoftDeleted true → active false (the Bizagi guide's exact expression). */
export const ACTIVE_FROM_SOFT_DELETE = 'Switch([IsSoftDeleted], , "False", "True", "True", "False")';

const rule = (resourceType: ResourceKind, attribute: string, parts: Partial<Omit<AttributeRule, 'resourceType' | 'attribute'>>): AttributeRule => ({
  resourceType,
  attribute,
  required: false,
  maxLength: null,
  pattern: null,
  allowedValues: [],
  ...parts,
});

const u = (attribute: string, source: string, matchingPriority?: number): PresetRow => ({
  resourceType: 'User',
  attribute,
  source,
  ...(matchingPriority !== undefined ? { matchingPriority } : {}),
});
const g = (attribute: string, source: string, matchingPriority?: number): PresetRow => ({
  resourceType: 'Group',
  attribute,
  source,
  ...(matchingPriority !== undefined ? { matchingPriority } : {}),
});

const WORKATO_ROLE_URN = 'urn:ietf:params:scim:schemas:workato:1.0:WorkatoRole';

export const PRESETS: ReadonlyArray<Preset> = [
  {
    id: 'workflowgen',
    name: 'Users and groups, externalId from objectId',
    description:
      'The WorkflowGen guide: Entra matches users and groups on externalId, mapped from objectId for both, so two groups can never share one; every other group mapping but displayName and members is deleted.',
    usersOnly: false,
    rows: [
      u('userName', 'userPrincipalName', 2),
      u('externalId', 'objectId', 1),
      u('active', ACTIVE_FROM_SOFT_DELETE),
      u('displayName', 'displayName'),
      u('title', 'jobTitle'),
      u('emails[type eq "work"].value', 'mail'),
      u('name.givenName', 'givenName'),
      u('name.familyName', 'surname'),
      u('phoneNumbers[type eq "work"].value', 'telephoneNumber'),
      u('phoneNumbers[type eq "mobile"].value', 'mobile'),
      u(`${URN.enterpriseUser}:department`, 'department'),
      u(`${URN.enterpriseUser}:employeeNumber`, 'employeeId'),
      u(`${URN.enterpriseUser}:manager`, 'manager'),
      g('externalId', 'objectId', 1),
      g('displayName', 'displayName'),
      g('members', 'members'),
    ],
    extensions: [],
    rules: [rule('User', 'externalId', { required: true }), rule('Group', 'externalId', { required: true })],
  },
  {
    id: 'bizagi',
    name: 'Users only, active from soft delete, mandatory email',
    description:
      'The Bizagi guide: users only (no group provisioning); every default mapping deleted but these; active from IsSoftDeleted through Switch, the work email mandatory, the user domain at most 25 characters.',
    usersOnly: true,
    rows: [
      u('userName', 'userPrincipalName', 1),
      u('active', ACTIVE_FROM_SOFT_DELETE),
      u('emails[type eq "work"].value', 'mail'),
      u('displayName', 'displayName'),
      u('phoneNumbers[type eq "mobile"].value', 'mobile'),
      u('externalId', 'objectId'),
    ],
    extensions: [],
    rules: [
      rule('User', 'emails[type eq "work"].value', { required: true }),
      rule('User', 'displayName', { required: true }),
      // "User domain cannot exceed 25 characters": the part after @ of the userName.
      rule('User', 'userName', { pattern: '^[^@]+(@[^@]{1,25})?$' }),
    ],
  },
  {
    id: 'workato',
    name: 'Users with a role extension attribute',
    description:
      "The Workato guide: users only, with a custom extension attribute (workato_role) mapped from an Entra directory extension to urn:ietf:params:scim:schemas:workato:1.0:WorkatoRole:workato_role; the role each user gets in the target.",
    usersOnly: true,
    rows: [
      u('userName', 'userPrincipalName', 2),
      u('externalId', 'objectId', 1),
      u('active', ACTIVE_FROM_SOFT_DELETE),
      u('emails[type eq "work"].value', 'mail'),
      u('name.givenName', 'givenName'),
      u('name.familyName', 'surname'),
      u(`${WORKATO_ROLE_URN}:workato_role`, 'extension_<appId>_workato_role'),
    ],
    extensions: [
      {
        urn: WORKATO_ROLE_URN,
        resourceType: 'User',
        name: 'WorkatoRole',
        description: "The user's role in the target (the Workato guide's workato_role).",
        attributes: [{ name: 'workato_role', type: 'string', multiValued: false, required: false, caseExact: false, description: 'System or custom role name' }],
      },
    ],
    rules: [],
  },
  {
    id: 'dragonce',
    name: 'Minimal users-only target',
    description:
      "The DragOnce guide: users only, the fewest mappings (every other default deleted); the target stores the Entra objectId as 'Object ID in Azure AD' and the login from userPrincipalName.",
    usersOnly: true,
    rows: [u('userName', 'userPrincipalName', 2), u('externalId', 'objectId', 1), u('active', ACTIVE_FROM_SOFT_DELETE), u('displayName', 'displayName'), u('emails[type eq "work"].value', 'mail')],
    extensions: [],
    rules: [rule('User', 'externalId', { required: true })],
  },
];

export function findPreset(id: PresetId | null | undefined): Preset | undefined {
  return PRESETS.find((preset) => preset.id === id);
}

/**
 * Entra's default customappsso source for each attribute, when no preset is chosen: what Entra
 * sends out of the box (externalId from mailNickname is its default, and the first thing to change).
 */
export const ENTRA_DEFAULT_SOURCES: ReadonlyArray<PresetRow> = [
  u('userName', 'userPrincipalName', 1),
  u('active', ACTIVE_FROM_SOFT_DELETE),
  u('displayName', 'displayName'),
  u('title', 'jobTitle'),
  u('emails[type eq "work"].value', 'mail'),
  u('preferredLanguage', 'preferredLanguage'),
  u('name.givenName', 'givenName'),
  u('name.familyName', 'surname'),
  u('name.formatted', 'Join(" ", [givenName], [surname])'),
  u('addresses[type eq "work"].formatted', 'physicalDeliveryOfficeName'),
  u('addresses[type eq "work"].streetAddress', 'streetAddress'),
  u('addresses[type eq "work"].locality', 'city'),
  u('addresses[type eq "work"].region', 'state'),
  u('addresses[type eq "work"].postalCode', 'postalCode'),
  u('addresses[type eq "work"].country', 'country'),
  u('phoneNumbers[type eq "work"].value', 'telephoneNumber'),
  u('phoneNumbers[type eq "mobile"].value', 'mobile'),
  u('phoneNumbers[type eq "fax"].value', 'facsimileTelephoneNumber'),
  u('externalId', 'mailNickname'),
  u(`${URN.enterpriseUser}:employeeNumber`, 'employeeId'),
  u(`${URN.enterpriseUser}:department`, 'department'),
  u(`${URN.enterpriseUser}:manager`, 'manager'),
  g('displayName', 'displayName', 1),
  g('externalId', 'objectId'),
  g('members', 'members'),
];

/** ScimDesk's own recommendation without a preset: Entra's defaults, but externalId from objectId, matched first. */
export const RECOMMENDED_SOURCES: ReadonlyArray<PresetRow> = ENTRA_DEFAULT_SOURCES.map((row) =>
  row.attribute === 'externalId' ? { ...row, source: 'objectId', matchingPriority: 1 } : row.attribute === 'userName' ? { ...row, matchingPriority: 2 } : row,
);
