import type { ResourceKind } from '../scim/schema/attribute-def';
import { formatExpression, parseExpression, type Expression } from './expression';

/**
 * Entra's side of the mapping, read from a provisioning job's synchronization schema
 * (Graph `GET /servicePrincipals/{id}/synchronization/jobs/{jobId}/schema`, or the same JSON pasted
 * by an admin): per object mapping, each attribute mapping's source expression and matching
 * precedence, and the scoping filters. Reads plain JSON so Graph's wire types stay in main/graph.
 */

export interface EntraAttributeMapping {
  readonly target: string;
  /** The source as Entra's expression language writes it. */
  readonly source: string;
  readonly expression: Expression | undefined;
  /** 0 = not matched on; 1 first. */
  readonly matchingPriority: number;
}

export interface EntraObjectMapping {
  readonly resourceType: ResourceKind;
  readonly sourceObject: string;
  readonly enabled: boolean;
  readonly attributes: ReadonlyArray<EntraAttributeMapping>;
  /** Scoping filter clauses in words (`department EQUALS "Sales"`). */
  readonly scopingFilters: ReadonlyArray<string>;
}

export interface EntraMapping {
  readonly objects: ReadonlyArray<EntraObjectMapping>;
}

export class EntraSchemaError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** attributeMappingSource without its `expression` text: rebuilt from name, type and parameters. */
function sourceText(source: Record<string, unknown>): string {
  const expression = text(source['expression']);
  if (expression !== '') return expression;
  const type = text(source['type']).toLowerCase();
  const name = text(source['name']);
  if (type === 'constant') return JSON.stringify(name);
  if (type === 'function') {
    const args = list(source['parameters']).map((parameter) => (isRecord(parameter) && isRecord(parameter['value']) ? sourceText(parameter['value']) : ''));
    return `${name}(${args.join(', ')})`;
  }
  return `[${name}]`;
}

/** The attribute alone (`objectId`) when the source is a plain attribute; the expression as written otherwise. */
function display(expression: Expression | undefined, raw: string): string {
  if (expression?.kind === 'attribute') return expression.name;
  return expression ? formatExpression(expression) : raw;
}

function kindOf(targetObjectName: string): ResourceKind | undefined {
  const name = targetObjectName.toLowerCase();
  if (name === 'user' || name.endsWith(':user')) return 'User';
  if (name === 'group' || name.endsWith(':group')) return 'Group';
  return undefined;
}

function scopingFilters(scope: unknown): string[] {
  if (!isRecord(scope)) return [];
  const found: string[] = [];
  for (const groups of [scope['groups'], scope['inputFilterGroups'], scope['categoryFilterGroups']]) {
    for (const group of list(groups)) {
      if (!isRecord(group)) continue;
      const clauses = list(group['clauses'])
        .filter(isRecord)
        .map((clause) => {
          const values = isRecord(clause['targetOperand']) ? list(clause['targetOperand']['values']).map((v) => JSON.stringify(v)) : [];
          return `${text(clause['sourceOperandName'])} ${text(clause['operatorName'])}${values.length ? ' ' + values.join(', ') : ''}`.trim();
        });
      if (clauses.length) found.push(clauses.join(' AND '));
    }
  }
  return found;
}

/** Reads a synchronization schema (the whole schema, or one of its rules); throws EntraSchemaError when it holds no object mapping. */
export function readEntraSchema(json: unknown): EntraMapping {
  if (!isRecord(json)) throw new EntraSchemaError('The synchronization schema must be a JSON object.');
  const rules = 'synchronizationRules' in json ? list(json['synchronizationRules']) : [json];
  const objects: EntraObjectMapping[] = [];
  for (const rule of rules) {
    if (!isRecord(rule)) continue;
    for (const mapping of list(rule['objectMappings'])) {
      if (!isRecord(mapping)) continue;
      const resourceType = kindOf(text(mapping['targetObjectName']));
      if (!resourceType) continue;
      const attributes: EntraAttributeMapping[] = [];
      for (const attribute of list(mapping['attributeMappings'])) {
        if (!isRecord(attribute) || !isRecord(attribute['source'])) continue;
        const raw = sourceText(attribute['source']);
        let expression: Expression | undefined;
        try {
          expression = parseExpression(raw);
        } catch {
          expression = undefined;
        }
        attributes.push({
          target: text(attribute['targetAttributeName']),
          source: display(expression, raw),
          expression,
          matchingPriority: typeof attribute['matchingPriority'] === 'number' ? attribute['matchingPriority'] : 0,
        });
      }
      objects.push({
        resourceType,
        sourceObject: text(mapping['sourceObjectName']),
        enabled: mapping['enabled'] !== false,
        attributes,
        scopingFilters: scopingFilters(mapping['scope']),
      });
    }
  }
  if (objects.length === 0) throw new EntraSchemaError('No user or group object mapping in this synchronization schema.');
  return { objects };
}

/** The enabled object mapping for users or groups, if Entra provisions that kind at all. */
export function objectMapping(mapping: EntraMapping, kind: ResourceKind): EntraObjectMapping | undefined {
  return mapping.objects.find((object) => object.resourceType === kind && object.enabled);
}
