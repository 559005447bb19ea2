import type { AttributeRule } from '../../shared/admin/mapping-schemas';
import type { ResourceDoc } from '../scim/resource/resource-doc';
import type { ResourceKind } from '../scim/schema/attribute-def';
import { parseTarget, readTarget, type ParsedTarget } from './attribute-paths';

/** A value that breaks an admin's rule: which attribute, and why, in words Entra's provisioning log shows. */
export interface RuleViolation {
  readonly attribute: string;
  readonly detail: string;
}

interface CompiledRule {
  readonly rule: AttributeRule;
  readonly target: ParsedTarget;
  readonly pattern: RegExp | undefined;
  readonly allowed: ReadonlySet<string> | undefined;
}

/**
 * The admin's per-attribute rules, compiled once per change of the rule set (the SCIM endpoint
 * checks every written document against them).
 */
export class AttributeRules {
  private readonly byKind: Record<ResourceKind, CompiledRule[]> = { User: [], Group: [] };

  constructor(readonly rules: ReadonlyArray<AttributeRule>) {
    for (const rule of rules) {
      const target = parseTarget(rule.attribute);
      if (!target) continue;
      this.byKind[rule.resourceType].push({
        rule,
        target,
        pattern: rule.pattern === null ? undefined : new RegExp(`^(?:${rule.pattern})$`, 'u'),
        allowed: rule.allowedValues.length > 0 ? new Set(rule.allowedValues) : undefined,
      });
    }
  }

  /** The first rule the document breaks, or undefined. */
  check(kind: ResourceKind, doc: ResourceDoc): RuleViolation | undefined {
    for (const { rule, target, pattern, allowed } of this.byKind[kind]) {
      const values = readTarget(doc, target).filter((value) => value !== '');
      if (values.length === 0) {
        if (rule.required) return { attribute: rule.attribute, detail: `${rule.attribute} is required on this ${kind === 'User' ? 'user' : 'group'} and was not sent (a ScimDesk rule).` };
        continue;
      }
      for (const value of values) {
        if (rule.maxLength !== null && [...value].length > rule.maxLength) {
          return { attribute: rule.attribute, detail: `${rule.attribute} is at most ${rule.maxLength} characters; ${[...value].length} were sent (a ScimDesk rule).` };
        }
        if (pattern && !pattern.test(value)) {
          return { attribute: rule.attribute, detail: `${rule.attribute} must match ${rule.pattern}; "${value}" does not (a ScimDesk rule).` };
        }
        if (allowed && !allowed.has(value)) {
          return { attribute: rule.attribute, detail: `${rule.attribute} must be one of ${[...allowed].map((v) => `"${v}"`).join(', ')}; "${value}" is not (a ScimDesk rule).` };
        }
      }
    }
    return undefined;
  }
}
