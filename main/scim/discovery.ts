import { URN } from '../../shared/scim/urns';
import type { ResourceKind, SchemaDef } from './schema/attribute-def';
import type { ResourceSchema } from './schema/resource-schema';

/** The largest page a list or search returns (advertised as filter.maxResults). */
export const MAX_RESULTS = 1000;
/** The page size when the client gives no `count`. */
export const DEFAULT_COUNT = 100;

/**
 * RFC 7643 §5: what this service provider supports, stated exactly (PATCH,
 * filter, sort and ETags yes; bulk and password change no), so a client such as
 * Entra never tries what would fail.
 */
export function serviceProviderConfig(baseUrl: string): Record<string, unknown> {
  return {
    schemas: [URN.serviceProviderConfig],
    documentationUri: 'https://github.com/scimdesk/scimdesk#readme',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with the Secret Token ScimDesk generated, sent as "Authorization: Bearer <token>".',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

/** Every schema the resources use (RFC 7643 §7), core first, each once. */
export function allSchemas(schemas: Record<ResourceKind, ResourceSchema>): SchemaDef[] {
  const seen = new Map<string, SchemaDef>();
  for (const resource of [schemas.User, schemas.Group]) {
    for (const schema of [resource.core, ...resource.extensions]) seen.set(schema.id, schema);
  }
  return [...seen.values()];
}

/** One schema as `/Schemas` publishes it. */
export function schemaRepresentation(schema: SchemaDef, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [URN.schema],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes,
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  };
}

/** One resource type as `/ResourceTypes` publishes it (RFC 7643 §6). */
export function resourceTypeRepresentation(resource: ResourceSchema, baseUrl: string): Record<string, unknown> {
  const type = resource.type;
  return {
    schemas: [URN.resourceType],
    id: type.name,
    name: type.name,
    endpoint: type.endpoint,
    description: type.description,
    schema: type.schema,
    schemaExtensions: type.schemaExtensions,
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${type.name}` },
  };
}

/** A ListResponse (RFC 7644 §3.4.2) around discovery resources, which are never paged. */
export function discoveryList(resources: ReadonlyArray<Record<string, unknown>>): Record<string, unknown> {
  return {
    schemas: [URN.listResponse],
    totalResults: resources.length,
    itemsPerPage: resources.length,
    startIndex: 1,
    Resources: resources,
  };
}
