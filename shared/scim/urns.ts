/**
 * SCIM schema and message URNs (RFC 7643 §8.7, RFC 7644 §3).
 * Shared by the core and the renderer so both spell them the same way.
 */
export const URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  searchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
  /** Entra adds this to every group it creates; accepted and ignored. */
  entraAdscimGroup: 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
} as const;

/** SCIM media type (RFC 7644 §3.1). */
export const SCIM_CONTENT_TYPE = 'application/scim+json';
