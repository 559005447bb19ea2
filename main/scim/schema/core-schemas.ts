import { URN } from '../../../shared/scim/urns';
import type { AttributeDef, AttributeType, SchemaDef } from './attribute-def';

type AttrOptions = Partial<Omit<AttributeDef, 'name' | 'type'>>;

/** Builds an attribute with RFC 7643 §2.2 defaults (readWrite, returned by default, not case-exact). */
export function defineAttribute(name: string, type: AttributeType, options: AttrOptions = {}): AttributeDef {
  return {
    name,
    type,
    multiValued: false,
    description: '',
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

const str = (name: string, description: string, options: AttrOptions = {}): AttributeDef =>
  defineAttribute(name, 'string', { description, ...options });

/** The `type`/`primary`/`display`/`value` shape of RFC 7643 §2.4 multi-valued attributes. */
function multiValued(
  name: string,
  description: string,
  types: ReadonlyArray<string>,
  valueType: AttributeType = 'string',
  extra: ReadonlyArray<AttributeDef> = [],
): AttributeDef {
  return defineAttribute(name, 'complex', {
    description,
    multiValued: true,
    subAttributes: [
      defineAttribute('value', valueType, {
        description: `The ${name} value.`,
        ...(valueType === 'reference' ? { referenceTypes: ['external'] } : {}),
      }),
      str('display', 'A human-readable name, primarily used for display purposes.'),
      str('type', `A label indicating the ${name}'s function.`, types.length ? { canonicalValues: types } : {}),
      defineAttribute('primary', 'boolean', { description: 'Indicates the primary value; at most one is true.' }),
      ...extra,
    ],
  });
}

const memberReference = (name: string, description: string, referenceTypes: ReadonlyArray<string>, options: AttrOptions = {}) =>
  defineAttribute(name, 'reference', { description, referenceTypes, ...options });

/** RFC 7643 §4.1 User. */
export const userSchema: SchemaDef = {
  id: URN.user,
  name: 'User',
  description: 'User Account',
  attributes: [
    str('userName', 'Unique identifier for the User, typically used to authenticate. Compared case-insensitively.', {
      required: true,
      uniqueness: 'server',
    }),
    defineAttribute('name', 'complex', {
      description: "The components of the user's real name.",
      subAttributes: [
        str('formatted', 'The full name, formatted for display.'),
        str('familyName', 'The family name of the User.'),
        str('givenName', 'The given name of the User.'),
        str('middleName', 'The middle name(s) of the User.'),
        str('honorificPrefix', 'The honorific prefix(es) of the User.'),
        str('honorificSuffix', 'The honorific suffix(es) of the User.'),
      ],
    }),
    str('displayName', 'The name of the User, suitable for display to end-users.'),
    str('nickName', 'The casual way to address the user.'),
    memberReference('profileUrl', "A fully qualified URL pointing to the user's online profile.", ['external']),
    str('title', "The user's title, such as \"Vice President\"."),
    str('userType', 'Used to identify the relationship between the organization and the user.'),
    str('preferredLanguage', "The User's preferred written or spoken language."),
    str('locale', "The User's default location for localizing items."),
    str('timezone', "The User's time zone in the 'Olson' time zone database format."),
    defineAttribute('active', 'boolean', { description: "The User's administrative status. Entra sets false to deprovision (soft delete)." }),
    str('password', 'Accepted for compatibility and discarded: ScimDesk never stores passwords.', {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValued('emails', 'Email addresses for the user.', ['work', 'home', 'other']),
    multiValued('phoneNumbers', 'Phone numbers for the User.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multiValued('ims', 'Instant messaging addresses for the User.', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    multiValued('photos', 'URLs of photos of the User.', ['photo', 'thumbnail'], 'reference'),
    defineAttribute('addresses', 'complex', {
      description: 'A physical mailing address for this User.',
      multiValued: true,
      subAttributes: [
        str('formatted', 'The full mailing address, formatted for display.'),
        str('streetAddress', 'The full street address component.'),
        str('locality', 'The city or locality component.'),
        str('region', 'The state or region component.'),
        str('postalCode', 'The zip code or postal code component.'),
        str('country', 'The country name component.'),
        str('type', 'A label indicating the address function.', { canonicalValues: ['work', 'home', 'other'] }),
        defineAttribute('primary', 'boolean', { description: 'Indicates the primary address.' }),
      ],
    }),
    defineAttribute('groups', 'complex', {
      description: 'The groups the user belongs to, directly or through nested groups. Read-only: change membership on the Group.',
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        str('value', 'The identifier of the group.', { mutability: 'readOnly' }),
        memberReference('$ref', 'The URI of the group.', ['Group'], { mutability: 'readOnly' }),
        str('display', 'The displayName of the group.', { mutability: 'readOnly' }),
        str('type', 'direct or indirect.', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
      ],
    }),
    multiValued('entitlements', 'A list of entitlements for the User.', []),
    multiValued('roles', 'A list of roles for the User.', []),
    multiValued('x509Certificates', 'A list of certificates issued to the User.', [], 'binary'),
  ],
};

/** RFC 7643 §4.3 Enterprise User extension. */
export const enterpriseUserSchema: SchemaDef = {
  id: URN.enterpriseUser,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber', 'Numeric or alphanumeric identifier assigned to a person by the organization.'),
    str('costCenter', 'Identifies the name of a cost center.'),
    str('organization', 'Identifies the name of an organization.'),
    str('division', 'Identifies the name of a division.'),
    str('department', 'Identifies the name of a department.'),
    defineAttribute('manager', 'complex', {
      description:
        "The User's manager. Entra sends a bare id string; it is stored and returned as {\"value\": id}, the shape Entra reads back.",
      subAttributes: [
        str('value', 'The id of the SCIM resource representing the manager.'),
        memberReference('$ref', 'The URI of the manager.', ['User']),
        str('displayName', 'The displayName of the manager.', { mutability: 'readOnly' }),
      ],
    }),
  ],
};

/** RFC 7643 §4.2 Group. Members live in their own table, never in the group's document. */
export const groupSchema: SchemaDef = {
  id: URN.group,
  name: 'Group',
  description: 'Group',
  attributes: [
    str('displayName', 'A human-readable name for the Group.', { required: true }),
    defineAttribute('members', 'complex', {
      description: 'A list of members of the Group.',
      multiValued: true,
      subAttributes: [
        str('value', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
        memberReference('$ref', 'The URI of the member.', ['User', 'Group'], { mutability: 'immutable' }),
        str('display', 'The displayName of the member.', { mutability: 'readOnly' }),
        str('type', 'The type of the member: User or Group.', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
      ],
    }),
  ],
};

/**
 * Attributes every resource carries (RFC 7643 §3.1); not part of any schema's
 * `attributes` list but addressable in filters, sorting and projections.
 */
export const commonAttributes: ReadonlyArray<AttributeDef> = [
  str('id', 'Unique, stable identifier issued by ScimDesk.', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
  str('externalId', 'Identifier issued by the provisioning client; Entra should map objectId here.', { caseExact: true }),
  defineAttribute('meta', 'complex', {
    description: 'Resource metadata.',
    mutability: 'readOnly',
    subAttributes: [
      str('resourceType', 'The resource type.', { caseExact: true, mutability: 'readOnly' }),
      defineAttribute('created', 'dateTime', { description: 'When the resource was added.', mutability: 'readOnly' }),
      defineAttribute('lastModified', 'dateTime', { description: 'When the resource was last changed.', mutability: 'readOnly' }),
      memberReference('location', 'The URI of the resource.', ['uri'], { caseExact: true, mutability: 'readOnly' }),
      str('version', 'The version (ETag) of the resource.', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];
