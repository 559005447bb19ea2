import type { ResolvedAttr } from '../schema/resource-schema';
import type { FilterNode, PatchPath } from './filter-ast';

/** An attribute as an admin reads it: canonical name, extension URN-qualified. */
function attrName(attr: ResolvedAttr, inElement: boolean): string {
  if (inElement) return attr.sub?.name ?? attr.attribute.name;
  return attr.key;
}

function literal(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function format(node: FilterNode<ResolvedAttr>, inElement: boolean, parent: 'and' | 'or' | undefined): string {
  switch (node.kind) {
    case 'compare':
      return `${attrName(node.path, inElement)} ${node.op} ${literal(node.value)}`;
    case 'present':
      return `${attrName(node.path, inElement)} pr`;
    case 'not':
      return `not (${format(node.filter, inElement, undefined)})`;
    case 'valuePath':
      return `${node.path.key}[${format(node.filter, true, undefined)}]`;
    case 'and':
    case 'or': {
      const text = `${format(node.left, inElement, node.kind)} ${node.kind} ${format(node.right, inElement, node.kind)}`;
      // `or` inside `and` needs parentheses to keep its meaning.
      return parent === 'and' && node.kind === 'or' ? `(${text})` : text;
    }
  }
}

/**
 * A resolved filter back in RFC 7644 syntax with canonical attribute names,
 * e.g. for the sync log's "normalised operations" an admin reads.
 */
export function formatFilter(node: FilterNode<ResolvedAttr>): string {
  return format(node, false, undefined);
}

/** A resolved PATCH path back in RFC 7644 syntax: `emails[type eq "work"].value`. */
export function formatPatchPath(path: PatchPath<ResolvedAttr>): string {
  if (!path.filter) return path.path.key;
  const base = `${path.path.key}[${format(path.filter, true, undefined)}]`;
  return path.filterSubAttr ? `${base}.${path.filterSubAttr}` : base;
}
