import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FilterNode } from '../../../../main/scim/filter/filter-ast';
import type { MemberChange } from '../../../../main/scim/patch/patch-operation';
import type { ResourceDoc } from '../../../../main/scim/resource/resource-doc';
import { buildResourceSchemas, type ResolvedAttr } from '../../../../main/scim/schema/resource-schema';

/**
 * One table row of test/fixtures/patch/*.json, SCIMMY style: a stored document,
 * a PATCH body as Entra (or the RFC) sends it, and the expected outcome.
 */
export interface PatchFixture {
  readonly file: string;
  readonly name: string;
  readonly resource: 'User' | 'Group';
  readonly source: ResourceDoc;
  readonly request: unknown;
  /** The document after the PATCH (absent for error rows). */
  readonly target?: ResourceDoc;
  /** Expected member changes, `removeWhere` filters printed as text; [] when absent. */
  readonly memberChanges?: ReadonlyArray<unknown>;
  /** Expected `changed`; when absent, true unless target equals source and there are no member changes. */
  readonly changed?: boolean;
  readonly error?: { readonly status: number; readonly scimType: string };
  /** Notes that must appear among the normalisation notes. */
  readonly notes?: ReadonlyArray<string>;
  /** The exact normalisation notes. */
  readonly notesExact?: ReadonlyArray<string>;
}

export const fixtureDir = new URL('../../../fixtures/patch/', import.meta.url);

export const schemas = buildResourceSchemas([]);

export function loadPatchFixtures(): PatchFixture[] {
  return readdirSync(fixtureDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(join(fixtureDir.pathname, file), 'utf8')) as Omit<PatchFixture, 'file'>) }));
}

/** A filter as text (`value eq "x"`), so fixtures can state removeWhere filters in JSON. */
export function printFilter(filter: FilterNode<ResolvedAttr>): string {
  switch (filter.kind) {
    case 'compare':
      return `${(filter.path.sub ?? filter.path.attribute).name} ${filter.op} ${JSON.stringify(filter.value)}`;
    case 'present':
      return `${(filter.path.sub ?? filter.path.attribute).name} pr`;
    case 'and':
    case 'or':
      return `(${printFilter(filter.left)} ${filter.kind} ${printFilter(filter.right)})`;
    case 'not':
      return `not (${printFilter(filter.filter)})`;
    case 'valuePath':
      return `${filter.path.attribute.name}[${printFilter(filter.filter)}]`;
    default: {
      const unknown: never = filter;
      return String(unknown);
    }
  }
}

/** MemberChanges as plain JSON, comparable with a fixture's `memberChanges`. */
export function toJsonChanges(changes: ReadonlyArray<MemberChange>): unknown[] {
  return changes.map((change) => (change.kind === 'removeWhere' ? { kind: change.kind, filter: printFilter(change.filter) } : change));
}
