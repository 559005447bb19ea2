/**
 * Attribute characteristics of RFC 7643 §2.2 and §7, in the exact shape
 * `/Schemas` publishes, so one definition serves discovery and validation.
 */
export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'reference'
  | 'complex'
  | 'binary';

export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDef {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: ReadonlyArray<string>;
  readonly referenceTypes?: ReadonlyArray<string>;
  readonly subAttributes?: ReadonlyArray<AttributeDef>;
}

export interface SchemaDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: ReadonlyArray<AttributeDef>;
}

export type ResourceKind = 'User' | 'Group';

export interface ResourceTypeDef {
  readonly name: ResourceKind;
  readonly endpoint: '/Users' | '/Groups';
  readonly description: string;
  readonly schema: string;
  readonly schemaExtensions: ReadonlyArray<{ readonly schema: string; readonly required: boolean }>;
}
