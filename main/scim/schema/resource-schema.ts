import { URN } from '../../../shared/scim/urns';
import type { AttrPath } from '../filter/filter-ast';
import type { AttributeDef, ResourceKind, ResourceTypeDef, SchemaDef } from './attribute-def';
import { commonAttributes, enterpriseUserSchema, groupSchema, userSchema } from './core-schemas';

/**
 * An attribute reference after resolution against the resource's schemas:
 * canonical spelling, its definition, and a stable `key` that printers and the
 * store use (`userName`, `name.givenName`, `urn:…:enterprise:2.0:User:manager.value`).
 */
export interface ResolvedAttr {
  /** URN of the schema that defines the attribute (the core schema for id/externalId/meta). */
  readonly schema: string;
  readonly isExtension: boolean;
  /** id, externalId, meta: attributes of every resource (RFC 7643 §3.1). */
  readonly isCommon: boolean;
  readonly attribute: AttributeDef;
  readonly sub: AttributeDef | undefined;
  readonly key: string;
}

/** The definition a value at this path must satisfy. */
export function effectiveDef(resolved: ResolvedAttr): AttributeDef {
  return resolved.sub ?? resolved.attribute;
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Finds a sub-attribute by name, case-insensitively (RFC 7643 §2.1). */
export function findSubAttribute(parent: AttributeDef, name: string): AttributeDef | undefined {
  return parent.subAttributes?.find((sub) => sameName(sub.name, name));
}

/**
 * The schemas of one resource type: its core schema, the common attributes,
 * and its extensions (enterprise for users, plus any the admin defined).
 * Immutable; the core builds a new one when the admin edits extensions.
 */
export class ResourceSchema {
  readonly type: ResourceTypeDef;
  readonly core: SchemaDef;
  readonly extensions: ReadonlyArray<SchemaDef>;
  private readonly byLowerUrn: ReadonlyMap<string, SchemaDef>;

  constructor(type: ResourceTypeDef, core: SchemaDef, extensions: ReadonlyArray<SchemaDef>) {
    this.type = type;
    this.core = core;
    this.extensions = extensions;
    const byLowerUrn = new Map<string, SchemaDef>([[core.id.toLowerCase(), core]]);
    for (const extension of extensions) byLowerUrn.set(extension.id.toLowerCase(), extension);
    this.byLowerUrn = byLowerUrn;
  }

  get kind(): ResourceKind {
    return this.type.name;
  }

  /** The schema with this URN (core or extension), matched case-insensitively. */
  schemaByUrn(urn: string): SchemaDef | undefined {
    return this.byLowerUrn.get(urn.toLowerCase());
  }

  /** The extension whose URN is exactly this path (a PATCH may target a whole extension). */
  extensionByUrn(urn: string): SchemaDef | undefined {
    const schema = this.schemaByUrn(urn);
    return schema && schema !== this.core ? schema : undefined;
  }

  /**
   * Resolves a path as written to its definition, or undefined when no schema
   * of this resource defines it. Callers turn undefined into the error their
   * context calls for (invalidFilter in a filter, invalidPath in a PATCH).
   */
  resolve(path: AttrPath): ResolvedAttr | undefined {
    const found = this.findTopLevel(path.uri, path.attr);
    if (!found) return undefined;
    const { schema, attribute, isCommon } = found;
    let sub: AttributeDef | undefined;
    if (path.subAttr !== undefined) {
      sub = findSubAttribute(attribute, path.subAttr);
      if (!sub) return undefined;
    }
    return this.build(schema, attribute, sub, isCommon);
  }

  /** Resolves a sub-attribute of a multi-valued complex attribute, as used inside a value filter. */
  resolveSub(parent: ResolvedAttr, subName: string): ResolvedAttr | undefined {
    const sub = findSubAttribute(parent.attribute, subName);
    if (!sub) return undefined;
    return this.build(parent.schema, parent.attribute, sub, parent.isCommon);
  }

  /** Resolves a top-level attribute of a known schema (used when walking a resource body). */
  resolveIn(schema: SchemaDef, name: string): ResolvedAttr | undefined {
    const attribute = schema.attributes.find((a) => sameName(a.name, name));
    return attribute ? this.build(schema.id, attribute, undefined, false) : undefined;
  }

  private build(schema: string, attribute: AttributeDef, sub: AttributeDef | undefined, isCommon: boolean): ResolvedAttr {
    const isExtension = schema !== this.core.id;
    const base = isExtension ? `${schema}:${attribute.name}` : attribute.name;
    return { schema, isExtension, isCommon, attribute, sub, key: sub ? `${base}.${sub.name}` : base };
  }

  private findTopLevel(
    uri: string | undefined,
    name: string,
  ): { schema: string; attribute: AttributeDef; isCommon: boolean } | undefined {
    if (uri !== undefined) {
      const schema = this.schemaByUrn(uri);
      if (!schema) return undefined;
      const attribute = schema.attributes.find((a) => sameName(a.name, name));
      if (attribute) return { schema: schema.id, attribute, isCommon: false };
      if (schema === this.core) {
        const common = commonAttributes.find((a) => sameName(a.name, name));
        if (common) return { schema: schema.id, attribute: common, isCommon: true };
      }
      return undefined;
    }
    const common = commonAttributes.find((a) => sameName(a.name, name));
    if (common) return { schema: this.core.id, attribute: common, isCommon: true };
    const core = this.core.attributes.find((a) => sameName(a.name, name));
    if (core) return { schema: this.core.id, attribute: core, isCommon: false };
    // Lenient: an unqualified extension attribute is accepted when exactly one extension defines it.
    const matches = this.extensions.flatMap((extension) =>
      extension.attributes.filter((a) => sameName(a.name, name)).map((attribute) => ({ schema: extension.id, attribute })),
    );
    const only = matches.length === 1 ? matches[0] : undefined;
    return only ? { ...only, isCommon: false } : undefined;
  }
}

export const userResourceType: ResourceTypeDef = {
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: URN.user,
  schemaExtensions: [{ schema: URN.enterpriseUser, required: false }],
};

export const groupResourceType: ResourceTypeDef = {
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: URN.group,
  schemaExtensions: [],
};

/** An extension the admin defined, attached to one resource type. */
export interface CustomExtension {
  readonly resourceType: ResourceKind;
  readonly schema: SchemaDef;
}

/** Builds the User and Group schemas with the enterprise extension and the admin's own extensions. */
export function buildResourceSchemas(custom: ReadonlyArray<CustomExtension>): Record<ResourceKind, ResourceSchema> {
  const extensionsFor = (kind: ResourceKind) => custom.filter((c) => c.resourceType === kind).map((c) => c.schema);
  const withExtensions = (type: ResourceTypeDef, extensions: ReadonlyArray<SchemaDef>): ResourceTypeDef => ({
    ...type,
    schemaExtensions: [...type.schemaExtensions, ...extensions.map((schema) => ({ schema: schema.id, required: false }))],
  });
  const userExtensions = [enterpriseUserSchema, ...extensionsFor('User')];
  const groupExtensions = extensionsFor('Group');
  return {
    User: new ResourceSchema(withExtensions(userResourceType, extensionsFor('User')), userSchema, userExtensions),
    Group: new ResourceSchema(withExtensions(groupResourceType, groupExtensions), groupSchema, groupExtensions),
  };
}
