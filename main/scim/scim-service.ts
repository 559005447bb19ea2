import { URN } from '../../shared/scim/urns';
import { deactivates, mayTouchActive, type DeprovisionAttempt, type DeprovisionGate } from './deprovision';
import type { ScimDirectory, StoredResource } from './directory';
import {
  allSchemas,
  discoveryList,
  resourceTypeRepresentation,
  schemaRepresentation,
  serviceProviderConfig,
} from './discovery';
import { ifNoneMatchHits, toEtag, versionsFromIfMatch } from './etag';
import type { FilterNode } from './filter/filter-ast';
import { formatFilter } from './filter/format-filter';
import { parseFilter } from './filter/parse-filter';
import { resolveFilter } from './filter/resolve-filter';
import { applyPatch } from './patch/apply-patch';
import { normalizePatchRequest } from './patch/normalize-patch';
import { canonicalizeResource } from './resource/canonicalize';
import type { ResourceDoc } from './resource/resource-doc';
import { parseAttributeList, projectResource, wantsAttribute } from './resource/project';
import type { ResourceKind } from './schema/attribute-def';
import type { ResolvedAttr, ResourceSchema } from './schema/resource-schema';
import { listParams, type ListParams } from './list-params';
import { describeOperations, traceDoc, traceFilterIdentifiers, traceMembership, type RequestTrace } from './request-trace';
import { ScimError } from './scim-error';

export interface ScimRequest {
  /** Base URL of the SCIM root as the client reached it, e.g. https://host/scim/v2. */
  readonly baseUrl: string;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly ifMatch?: string | undefined;
  readonly ifNoneMatch?: string | undefined;
  readonly body?: unknown;
  readonly trace: RequestTrace;
}

export interface ScimResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ScimServiceOptions {
  /** Only the resources and the directory's delete policy: the service never sees tokens, logs or settings. */
  readonly store: ScimDirectory;
  /** The current schemas (they change when the admin edits extensions). */
  readonly schemas: () => Record<ResourceKind, ResourceSchema>;
  readonly now?: () => Date;
  /**
   * The admin's per-attribute rules (required, length, pattern, allowed values), checked on every
   * document a write would store: a violation is answered 400 invalidValue naming the attribute, so it
   * shows in Entra's provisioning logs. The rules live outside the protocol; the root hands them in.
   */
  readonly checkDoc?: (kind: ResourceKind, doc: ResourceDoc) => { readonly attribute: string; readonly detail: string } | undefined;
  /**
   * The mass-deprovisioning breaker (issue 14): asked before a user's deactivation or a DELETE, it may hold
   * the whole request (nothing written; 503 with Retry-After) for an administrator to approve or reject.
   */
  readonly deprovisionGate?: DeprovisionGate;
}

const ENDPOINT: Record<ResourceKind, string> = { User: 'Users', Group: 'Groups' };

interface Projection {
  readonly attributes: ResolvedAttr[];
  readonly excluded: ResolvedAttr[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The manager as Entra reads it back: `{"value": id, "$ref": <base>/Users/<id>}` (RFC 7643 §4.3).
 * A bare string makes every later sync of the user fail; `$ref` is computed here from the base
 * URL the client used, never stored (the one a client sent may name another host).
 */
function managerReference(manager: Record<string, unknown>, baseUrl: string): Record<string, unknown> {
  const { value, $ref: _stored, ...rest } = manager;
  return { value, $ref: `${baseUrl}/Users/${encodeURIComponent(String(value))}`, ...rest };
}

/**
 * Why an attribute cannot order a list (RFC 7644 §3.4.2.3), or undefined when it can: a complex
 * attribute orders by a sub-attribute named in the path (`name.familyName`), a multi-valued one by
 * its primary (else first) element's `value`; an attribute never returned orders nothing a client
 * may see, and `meta.resourceType` and `meta.location` are not kept with each resource.
 */
function unsortable(attr: ResolvedAttr, kind: ResourceKind): string | undefined {
  const def = attr.sub ?? attr.attribute;
  if (def.returned === 'never') return 'it is never returned';
  if (attr.key === 'meta.resourceType') return `every ${kind} has the same resourceType`;
  if (attr.key === 'meta.location') return 'meta.location is derived from the address each client uses';
  if (def.type !== 'complex') return undefined;
  const hasValue = def.subAttributes?.some((sub) => sub.name === 'value') ?? false;
  if (def.multiValued && hasValue) return undefined;
  const example = def.subAttributes?.find((sub) => sub.type !== 'complex')?.name;
  return `it is complex; name one of its sub-attributes${example ? ` (e.g. ${attr.key}.${example})` : ''}`;
}

/**
 * The SCIM 2.0 service provider (RFC 7644), independent of HTTP and SQL: it
 * validates and normalises what clients send, calls the store's whole
 * operations, and shapes what goes back. The Koa routes are a thin layer on it.
 */
export class ScimService {
  private readonly store: ScimDirectory;
  private readonly schemas: () => Record<ResourceKind, ResourceSchema>;
  private readonly now: () => Date;
  private readonly checkDoc: ScimServiceOptions['checkDoc'];
  private readonly gate: DeprovisionGate | undefined;

  constructor(options: ScimServiceOptions) {
    this.store = options.store;
    this.schemas = options.schemas;
    this.now = options.now ?? (() => new Date());
    this.checkDoc = options.checkDoc;
    this.gate = options.deprovisionGate;
  }

  /**
   * Asks the breaker about a deprovisioning write; a held one ends the request here with 503 (the breaker's
   * detail and Retry-After), and the sync log's detail notes say it was held. The whole request is held,
   * never a part of it: a PATCH that deactivates and changes other attributes waits as one.
   */
  private async admitDeprovision(attempt: DeprovisionAttempt, trace: RequestTrace): Promise<void> {
    if (!this.gate) return;
    const verdict = await this.gate.admit(attempt, this.now());
    if (!verdict.held) return;
    trace.notes.push(verdict.note);
    throw ScimError.unavailable(verdict.detail, verdict.retryAfterSeconds);
  }

  /**
   * The record as it is before a write the breaker may weigh (no members or groups: not needed); undefined
   * when it is gone or the request's If-Match names another version: the store then refuses it (404, 412),
   * and a request that fails anyway is not held.
   */
  private async current(kind: ResourceKind, id: string, versions: ReadonlyArray<number> | undefined) {
    const current = await this.store.getResource(kind, id, { withMembers: false, withGroups: false });
    return current && (!versions || versions.includes(current.version)) ? current : undefined;
  }

  private enforceRules(kind: ResourceKind, doc: ResourceDoc): void {
    const violation = this.checkDoc?.(kind, doc);
    if (violation) throw ScimError.badRequest('invalidValue', violation.detail);
  }

  async create(kind: ResourceKind, request: ScimRequest): Promise<ScimResponse> {
    const schema = this.schemas()[kind];
    request.trace.resourceType = kind;
    const input = canonicalizeResource(request.body, schema);
    traceDoc(kind, null, input.doc, request.trace);
    request.trace.ignored.push(...input.ignored);
    this.enforceRules(kind, input.doc);
    const stored = await this.store.createResource(kind, input.members ? { doc: input.doc, members: input.members } : { doc: input.doc }, this.now());
    request.trace.resourceId = stored.id;
    traceMembership(stored, request.trace);
    return this.single(stored, schema, request, 201);
  }

  /** The schema of the resource a request names, noted in its trace for the sync log. */
  private target(kind: ResourceKind, id: string, request: ScimRequest) {
    request.trace.resourceType = kind;
    request.trace.resourceId = id;
    return this.schemas()[kind];
  }

  async get(kind: ResourceKind, id: string, request: ScimRequest): Promise<ScimResponse> {
    const schema = this.target(kind, id, request);
    const projection = this.projection(schema, request.query['attributes'], request.query['excludedAttributes']);
    const stored = await this.store.getResource(kind, id, this.readOptions(schema, projection));
    if (!stored) throw ScimError.notFound(`${kind} ${id} not found`);
    traceDoc(kind, id, stored.doc, request.trace);
    if (ifNoneMatchHits(request.ifNoneMatch, stored.version)) {
      return { status: 304, headers: { ETag: toEtag(stored.version) } };
    }
    return this.single(stored, schema, request, 200, projection);
  }

  async replace(kind: ResourceKind, id: string, request: ScimRequest): Promise<ScimResponse> {
    const schema = this.target(kind, id, request);
    const input = canonicalizeResource(request.body, schema);
    traceDoc(kind, id, input.doc, request.trace);
    request.trace.ignored.push(...input.ignored);
    this.enforceRules(kind, input.doc);
    const versions = versionsFromIfMatch(request.ifMatch);
    if (this.gate && kind === 'User' && input.doc['active'] === false) {
      const current = await this.current(kind, id, versions);
      if (current && deactivates(current.doc, input.doc)) {
        const changes = [{ op: 'replace', path: 'active', value: false }, { op: 'replace', value: 'the whole user (PUT)' }];
        await this.admitDeprovision(
          { resourceType: kind, resourceId: id, action: 'deactivate', method: 'PUT', body: request.body, ifMatch: versions ?? null, current, changes },
          request.trace,
        );
      }
    }
    const stored = await this.store.replaceResource(
      kind,
      id,
      input.members ? { doc: input.doc, members: input.members } : { doc: input.doc },
      versions ? { versions } : {},
      this.now(),
    );
    traceMembership(stored, request.trace);
    return this.single(stored, schema, request, 200);
  }

  async patch(kind: ResourceKind, id: string, request: ScimRequest): Promise<ScimResponse> {
    const schema = this.target(kind, id, request);
    const normalized = normalizePatchRequest(request.body, schema);
    request.trace.notes.push(...normalized.notes);
    const described = describeOperations(normalized.operations);
    request.trace.normalized = described;
    const versions = versionsFromIfMatch(request.ifMatch);
    const askedForBody = request.query['attributes'] !== undefined || request.query['excludedAttributes'] !== undefined;
    // Entra never re-reads membership and prefers 204 for group PATCH; that also spares reading every member.
    const noBody = kind === 'Group' && !askedForBody;
    const projection = this.projection(schema, request.query['attributes'], request.query['excludedAttributes']);
    if (this.gate && kind === 'User' && mayTouchActive(described)) {
      const current = await this.current(kind, id, versions);
      if (current && deactivates(current.doc, applyPatch(current.doc, normalized.operations, schema).doc)) {
        await this.admitDeprovision(
          { resourceType: kind, resourceId: id, action: 'deactivate', method: 'PATCH', body: request.body, ifMatch: versions ?? null, current, changes: described },
          request.trace,
        );
      }
    }
    const { resource } = await this.store.patchResource(
      kind,
      id,
      (doc) => {
        const result = applyPatch(doc, normalized.operations, schema);
        if (result.changed) this.enforceRules(kind, result.doc);
        return result;
      },
      versions ? { versions } : {},
      this.now(),
      noBody ? { withMembers: false, withGroups: false } : this.readOptions(schema, projection),
    );
    traceDoc(kind, id, resource.doc, request.trace);
    traceMembership(resource, request.trace);
    if (noBody) return { status: 204, headers: { ETag: toEtag(resource.version) } };
    return this.single(resource, schema, request, 200, projection);
  }

  async remove(kind: ResourceKind, id: string, request: ScimRequest): Promise<ScimResponse> {
    request.trace.resourceType = kind;
    request.trace.resourceId = id;
    const versions = versionsFromIfMatch(request.ifMatch);
    if (this.gate) {
      const current = await this.current(kind, id, versions);
      if (current) {
        traceDoc(kind, id, current.doc, request.trace);
        await this.admitDeprovision(
          { resourceType: kind, resourceId: id, action: 'delete', method: 'DELETE', body: undefined, ifMatch: versions ?? null, current, changes: [{ op: 'delete' }] },
          request.trace,
        );
      }
    }
    const directory = await this.store.getDirectory();
    await this.store.deleteResource(kind, id, versions ? { versions } : {}, directory?.onDelete ?? { mode: 'hard' }, this.now());
    return { status: 204 };
  }

  async list(kind: ResourceKind, request: ScimRequest): Promise<ScimResponse> {
    return this.search(kind, request, listParams(request.query));
  }

  /** POST /.search (RFC 7644 §3.4.3): the same query in a SearchRequest body. */
  async searchPost(kind: ResourceKind | undefined, request: ScimRequest): Promise<ScimResponse> {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw ScimError.badRequest('invalidSyntax', 'A SearchRequest must be a JSON object');
    }
    const params = listParams(body as Record<string, unknown>);
    if (kind) return this.search(kind, request, params);
    return this.searchRoot(request, params);
  }

  serviceProviderConfig(request: ScimRequest): ScimResponse {
    request.trace.operation = 'discovery';
    return { status: 200, body: serviceProviderConfig(request.baseUrl) };
  }

  schemasList(request: ScimRequest): ScimResponse {
    request.trace.operation = 'discovery';
    const schemas = allSchemas(this.schemas()).map((schema) => schemaRepresentation(schema, request.baseUrl));
    return { status: 200, body: discoveryList(schemas) };
  }

  schema(id: string, request: ScimRequest): ScimResponse {
    request.trace.operation = 'discovery';
    const schema = allSchemas(this.schemas()).find((s) => s.id.toLowerCase() === id.toLowerCase());
    if (!schema) throw ScimError.notFound(`Schema ${id} not found`);
    return { status: 200, body: schemaRepresentation(schema, request.baseUrl) };
  }

  resourceTypes(request: ScimRequest): ScimResponse {
    request.trace.operation = 'discovery';
    const schemas = this.schemas();
    return {
      status: 200,
      body: discoveryList([schemas.User, schemas.Group].map((resource) => resourceTypeRepresentation(resource, request.baseUrl))),
    };
  }

  resourceType(name: string, request: ScimRequest): ScimResponse {
    request.trace.operation = 'discovery';
    const schemas = this.schemas();
    const resource = [schemas.User, schemas.Group].find((r) => r.type.name.toLowerCase() === name.toLowerCase());
    if (!resource) throw ScimError.notFound(`ResourceType ${name} not found`);
    return { status: 200, body: resourceTypeRepresentation(resource, request.baseUrl) };
  }

  /** The full SCIM representation of a stored resource (before projection). */
  representation(stored: StoredResource, schema: ResourceSchema, baseUrl: string): Record<string, unknown> {
    const { externalId, ...rest } = stored.doc;
    const extensionUrns = schema.extensions.map((e) => e.id).filter((urn) => urn in stored.doc);
    const location = `${baseUrl}/${ENDPOINT[stored.kind]}/${stored.id}`;
    const resource: Record<string, unknown> = {
      schemas: [schema.core.id, ...extensionUrns],
      id: stored.id,
      ...(externalId !== undefined ? { externalId } : {}),
      ...rest,
    };
    const enterprise = rest[URN.enterpriseUser];
    if (stored.kind === 'User' && isRecord(enterprise) && isRecord(enterprise['manager']) && typeof enterprise['manager']['value'] === 'string') {
      resource[URN.enterpriseUser] = { ...enterprise, manager: managerReference(enterprise['manager'], baseUrl) };
    }
    if (stored.members && stored.members.length > 0) {
      resource['members'] = stored.members.map((member) => ({
        value: member.value,
        $ref: `${baseUrl}/${member.type === 'Group' ? 'Groups' : 'Users'}/${member.value}`,
        type: member.type ?? 'User',
      }));
    }
    if (stored.groups && stored.groups.length > 0) {
      resource['groups'] = stored.groups.map((group) => ({
        value: group.value,
        $ref: `${baseUrl}/Groups/${group.value}`,
        display: group.display,
        type: group.type,
      }));
    }
    resource['meta'] = {
      resourceType: stored.kind,
      created: stored.created,
      lastModified: stored.lastModified,
      location,
      version: toEtag(stored.version),
    };
    return resource;
  }

  private single(stored: StoredResource, schema: ResourceSchema, request: ScimRequest, status: number, projection?: Projection): ScimResponse {
    const full = this.representation(stored, schema, request.baseUrl);
    const body = projectResource(full, schema, projection ?? this.projection(schema, request.query['attributes'], request.query['excludedAttributes']));
    const location = `${request.baseUrl}/${ENDPOINT[stored.kind]}/${stored.id}`;
    return { status, body, headers: { ETag: toEtag(stored.version), ...(status === 201 ? { Location: location } : {}) } };
  }

  private projection(schema: ResourceSchema, attributes: string | undefined, excluded: string | undefined): Projection {
    return { attributes: parseAttributeList(attributes, schema), excluded: parseAttributeList(excluded, schema) };
  }

  private readOptions(schema: ResourceSchema, projection: Projection) {
    return {
      withMembers: schema.kind === 'Group' && wantsAttribute(schema, projection, 'members'),
      withGroups: schema.kind === 'User' && wantsAttribute(schema, projection, 'groups'),
    };
  }

  private resolveQuery(schema: ResourceSchema, params: ListParams, trace: RequestTrace) {
    let filter: FilterNode<ResolvedAttr> | undefined;
    if (params.filter !== undefined && params.filter.trim() !== '') {
      filter = resolveFilter(parseFilter(params.filter), schema);
      traceFilterIdentifiers(filter, trace);
      // A root search reads it once per resource type: the first reading stands for both.
      trace.filterAsRead ??= formatFilter(filter);
    }
    let sortBy: ResolvedAttr | undefined;
    if (params.sortBy !== undefined && params.sortBy.trim() !== '') {
      const [attr] = parseAttributeList(params.sortBy, schema);
      if (!attr) throw ScimError.badRequest('invalidValue', `sortBy names no attribute of ${schema.kind}: "${params.sortBy}"`);
      const problem = unsortable(attr, schema.kind);
      if (problem) throw ScimError.badRequest('invalidValue', `sortBy cannot use ${attr.key}: ${problem}`);
      sortBy = attr;
    }
    return { filter, sortBy };
  }

  private async search(kind: ResourceKind, request: ScimRequest, params: ListParams): Promise<ScimResponse> {
    request.trace.resourceType = kind;
    const page = await this.queryKind(kind, request, params, params.startIndex, params.count);
    return { status: 200, body: this.listResponse(page.total, params.startIndex, page.resources) };
  }

  /** A search at the service root covers users, then groups, paged as one list. */
  private async searchRoot(request: ScimRequest, params: ListParams): Promise<ScimResponse> {
    const resources: unknown[] = [];
    let total = 0;
    let skip = params.startIndex - 1;
    for (const kind of ['User', 'Group'] as const) {
      const page = await this.queryKind(kind, request, params, skip + 1, params.count - resources.length);
      total += page.total;
      skip = Math.max(0, skip - page.total);
      resources.push(...page.resources);
    }
    return { status: 200, body: this.listResponse(total, params.startIndex, resources) };
  }

  /** One resource type's page of a query, projected. */
  private async queryKind(kind: ResourceKind, request: ScimRequest, params: ListParams, startIndex: number, count: number) {
    const schema = this.schemas()[kind];
    const { filter, sortBy } = this.resolveQuery(schema, params, request.trace);
    const projection = this.projection(schema, params.attributes, params.excludedAttributes);
    const result = await this.store.listResources(kind, {
      filter,
      sortBy,
      descending: params.descending,
      startIndex,
      count,
      ...this.readOptions(schema, projection),
    });
    const resources = result.resources.map((stored) => projectResource(this.representation(stored, schema, request.baseUrl), schema, projection));
    return { total: result.total, resources };
  }

  private listResponse(total: number, startIndex: number, resources: ReadonlyArray<unknown>): Record<string, unknown> {
    return {
      schemas: [URN.listResponse],
      totalResults: total,
      itemsPerPage: resources.length,
      startIndex,
      Resources: resources,
    };
  }
}
