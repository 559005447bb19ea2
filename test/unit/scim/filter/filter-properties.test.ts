import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { FilterNode } from '../../../../main/scim/filter/filter-ast';
import { formatFilter } from '../../../../main/scim/filter/format-filter';
import { matchesResource } from '../../../../main/scim/filter/match-filter';
import { MAX_FILTER_LENGTH, parseFilter } from '../../../../main/scim/filter/parse-filter';
import { resolveFilter } from '../../../../main/scim/filter/resolve-filter';
import { storeErrorToScim } from '../../../../main/http/scim-error-body';
import { newTrace } from '../../../../main/scim/request-trace';
import { isScimError } from '../../../../main/scim/scim-error';
import { ScimService } from '../../../../main/scim/scim-service';
import { buildResourceSchemas, type ResolvedAttr } from '../../../../main/scim/schema/resource-schema';
import { StoreQueryError } from '../../../../main/store/store-errors';
import { createSqliteStore, type SqliteStore } from '../../../../main/store/sqlite-store';

/**
 * Properties of the filter grammar (issue 14), over generated and mutated input rather than a
 * table: whatever the text, parsing and resolving either succeed or refuse with a SCIM 400
 * (invalidFilter, or invalidValue for a string that is not Unicode), never anything else; the store
 * runs whatever they accept or refuses it as a query it cannot run (400), never a fault (500); and a
 * filter printed back to text (formatFilter, which the sync log uses) means the same as the original.
 * FC_SEED and FC_RUNS replay or widen a run.
 */
const { User, Group } = buildResourceSchemas([]);
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SEED = Number(process.env['FC_SEED'] ?? 14);
const RUNS = Number(process.env['FC_RUNS'] ?? 400);

// ------------------------------------------------------------------ generated filters

type Leaf = { readonly kind: 'cmp'; readonly attr: string; readonly op: string; readonly value: string } | { readonly kind: 'pr'; readonly attr: string };
type Tree =
  | Leaf
  | { readonly kind: 'and' | 'or'; readonly left: Tree; readonly right: Tree }
  | { readonly kind: 'not'; readonly inner: Tree }
  | { readonly kind: 'vp'; readonly attr: string; readonly inner: Tree };

const STRING_ATTRS = ['userName', 'displayName', 'title', 'externalId', 'id', 'name.givenName', 'name.familyName', 'emails.value', 'emails.type', 'emails', 'phoneNumbers.value', `${ENT}:department`, `${ENT}:employeeNumber`, `${ENT}:manager.value`, 'groups.display'];
const ELEMENT_ATTRS = ['value', 'type', 'primary', 'display'];
const STRING_OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

/** Values as a client writes them: quoted JSON strings (any Unicode, escapes, quotes), bare words, numbers, booleans, null. */
const stringLiteral = fc.oneof(
  fc.constantFrom('adele', 'Adele.Vance@contoso.com', 'ärne', 'Ärne Åberg', 'x', '', 'a"b', 'back\\slash', 'tab\there', '😀', 'retail', 'EXT-1', '0001'),
  fc.string({ unit: 'binary', maxLength: 8 }),
).map((text) => JSON.stringify(text));
const bareLiteral = fc.constantFrom('007', 'true', 'FALSE', 'null', '12', '-3.5e2', 'adele@contoso.com', 'x+y');
const literal = fc.oneof({ weight: 4, arbitrary: stringLiteral }, { weight: 1, arbitrary: bareLiteral });

const leaf: fc.Arbitrary<Leaf> = fc.oneof(
  fc.record({ kind: fc.constant('cmp' as const), attr: fc.constantFrom(...STRING_ATTRS), op: fc.constantFrom(...STRING_OPS), value: literal }),
  fc.record({ kind: fc.constant('cmp' as const), attr: fc.constant('active'), op: fc.constantFrom('eq', 'ne'), value: fc.constantFrom('true', 'false', '"True"', 'null') }),
  fc.record({
    kind: fc.constant('cmp' as const),
    attr: fc.constantFrom('meta.created', 'meta.lastModified'),
    op: fc.constantFrom('eq', 'gt', 'ge', 'lt', 'le'),
    value: fc.constantFrom('"2026-01-01T00:00:00Z"', '"2026-06-01T12:30:00.000+02:00"', '"2025-12-31T23:59:59Z"'),
  }),
  fc.record({ kind: fc.constant('pr' as const), attr: fc.constantFrom(...STRING_ATTRS, 'active', 'name', 'emails', 'meta.created') }),
);

const elementLeaf: fc.Arbitrary<Leaf> = fc.oneof(
  fc.record({ kind: fc.constant('cmp' as const), attr: fc.constantFrom('value', 'type', 'display'), op: fc.constantFrom(...STRING_OPS), value: literal }),
  fc.record({ kind: fc.constant('cmp' as const), attr: fc.constant('primary'), op: fc.constantFrom('eq', 'ne'), value: fc.constantFrom('true', 'false') }),
  fc.record({ kind: fc.constant('pr' as const), attr: fc.constantFrom(...ELEMENT_ATTRS) }),
);

function treeOf(leaves: fc.Arbitrary<Leaf>, depth: number, withValuePaths: boolean): fc.Arbitrary<Tree> {
  if (depth === 0) return leaves;
  const smaller = treeOf(leaves, depth - 1, withValuePaths);
  const options: Array<fc.Arbitrary<Tree>> = [
    leaves,
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: smaller, right: smaller }),
    fc.record({ kind: fc.constant('not' as const), inner: smaller }),
  ];
  if (withValuePaths) options.push(fc.record({ kind: fc.constant('vp' as const), attr: fc.constantFrom('emails', 'phoneNumbers', 'addresses', 'groups'), inner: treeOf(elementLeaf, 2, false) }));
  return fc.oneof(...options);
}

const trees = treeOf(leaf, 4, true);

/** Keywords and operators in any letter case, with varied spacing and optional parentheses, as clients write them. */
const style = fc.record({ upper: fc.boolean(), space: fc.constantFrom(' ', '  ', '\t'), wrap: fc.boolean() });

function print(tree: Tree, s: { upper: boolean; space: string; wrap: boolean }): string {
  const kw = (word: string) => (s.upper ? word.toUpperCase() : word);
  const sp = s.space;
  switch (tree.kind) {
    case 'cmp':
      return `${tree.attr}${sp}${kw(tree.op)}${sp}${tree.value}`;
    case 'pr':
      return `${tree.attr}${sp}${kw('pr')}`;
    case 'not':
      return `${kw('not')}${sp}(${print(tree.inner, s)})`;
    case 'vp':
      return `${tree.attr}[${print(tree.inner, s)}]`;
    case 'and':
    case 'or': {
      // Parenthesised always: precedence is the parser's business, tested by its own table.
      const text = `(${print(tree.left, s)})${sp}${kw(tree.kind)}${sp}(${print(tree.right, s)})`;
      return s.wrap ? `(${text})` : text;
    }
  }
}

// ------------------------------------------------------------------ helpers

/** A SCIM 400, the only way the grammar may refuse text. */
function isFilterRefusal(error: unknown): boolean {
  return isScimError(error) && error.status === 400 && (error.scimType === 'invalidFilter' || error.scimType === 'invalidValue');
}

function parseAndResolve(text: string): FilterNode<ResolvedAttr> | undefined {
  try {
    return resolveFilter(parseFilter(text), User);
  } catch (error) {
    if (isFilterRefusal(error)) return undefined;
    throw error;
  }
}

/** The tree with and/or chains flattened (associativity is no difference of meaning) and literal spellings dropped. */
function canonical(node: FilterNode<ResolvedAttr>): unknown {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const operands: unknown[] = [];
      const stack: FilterNode<ResolvedAttr>[] = [node];
      while (stack.length > 0) {
        const item = stack.pop()!;
        if (item.kind === node.kind) stack.push(item.right, item.left);
        else operands.push(canonical(item));
      }
      return { kind: node.kind, operands };
    }
    case 'not':
      return { kind: 'not', filter: canonical(node.filter) };
    case 'valuePath':
      return { kind: 'valuePath', path: node.path.key, filter: canonical(node.filter) };
    case 'present':
      return { kind: 'present', path: node.path.key };
    case 'compare':
      return { kind: 'compare', path: node.path.key, op: node.op, value: node.value };
  }
}

const RESOURCES: ReadonlyArray<Record<string, unknown>> = [
  { id: 'u1', userName: 'Adele.Vance@contoso.com', displayName: 'Adele Vance', title: 'x', externalId: 'EXT-1', active: true, name: { givenName: 'Adele', familyName: 'Vance' }, emails: [{ value: 'adele@contoso.com', type: 'work', primary: true }], [ENT]: { department: 'Retail', employeeNumber: '0001', manager: { value: 'u2' } }, meta: { created: '2026-01-01T00:00:00.000Z', lastModified: '2026-03-01T00:00:00.000Z' } },
  { id: 'u2', userName: 'ärne', displayName: 'Ärne Åberg', title: '', active: false, emails: [{ value: 'a"b', type: 'home' }, { value: '😀', type: 'other' }], phoneNumbers: [{ value: '007', type: 'work' }], meta: { created: '2025-12-31T23:59:59.000Z', lastModified: '2026-06-01T10:30:00.000Z' } },
  { id: 'u3', userName: 'x', externalId: 'true', [ENT]: { department: 'retail' }, meta: { created: '2026-06-01T10:30:00.000Z', lastModified: '2026-06-01T10:30:00.000Z' } },
  { id: 'u4', userName: 'back\\slash', displayName: 'tab\there', title: '12', emails: [], meta: { created: '2026-02-01T00:00:00.000Z', lastModified: '2026-02-01T00:00:00.000Z' } },
];

/** Text changed the way a fuzzer or a careless client changes it: characters dropped, doubled, replaced, tokens inserted. */
const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'duplicate', 'insert', 'replace'),
  text: fc.oneof(fc.constantFrom('(', ')', '[', ']', '"', '\\', ' not ', ' and ', ' or ', ' pr', '.', ':', 'eq', '\\u', '\\ud800', '\u0000', 'urn:', '""'), fc.string({ unit: 'binary', maxLength: 3 })),
});

function mutate(text: string, steps: ReadonlyArray<{ at: number; kind: string; text: string }>): string {
  let out = text;
  for (const step of steps) {
    const at = out.length === 0 ? 0 : step.at % (out.length + 1);
    if (step.kind === 'delete') out = out.slice(0, at) + out.slice(at + 1);
    else if (step.kind === 'duplicate') out = out.slice(0, at) + out.slice(at, at + 4) + out.slice(at);
    else if (step.kind === 'insert') out = out.slice(0, at) + step.text + out.slice(at);
    else out = out.slice(0, at) + step.text + out.slice(at + step.text.length);
  }
  return out;
}

// ------------------------------------------------------------------ properties

describe('filter grammar properties (fast-check)', () => {
  let store: SqliteStore;

  before(async () => {
    store = createSqliteStore(':memory:');
    for (const resource of RESOURCES) {
      const { id: _id, meta: _meta, ...doc } = resource;
      await store.createResource('User', { doc }, new Date('2026-01-15T00:00:00.000Z'));
    }
  });

  after(async () => {
    await store.close();
  });

  it('reads a generated filter, printed with formatFilter, back to the same tree that selects the same resources', () => {
    fc.assert(
      fc.property(trees, style, (tree, s) => {
        const text = print(tree, s);
        fc.pre(text.length <= MAX_FILTER_LENGTH);
        const first = parseAndResolve(text);
        fc.pre(first !== undefined);
        const printed = formatFilter(first);
        const second = parseAndResolve(printed);
        assert.ok(second, `the printed filter must parse: ${printed}`);
        assert.deepEqual(canonical(second), canonical(first), `${text}\n→ ${printed}`);
        for (const resource of RESOURCES) {
          assert.equal(matchesResource(second, resource), matchesResource(first, resource), `${text}\n→ ${printed}\non ${String(resource['id'])}`);
        }
        // Printing is stable: the printed text prints as itself.
        assert.equal(formatFilter(second), printed);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('refuses any text, random or mutated from a valid filter, only with a SCIM 400, and the store runs or refuses as a query what it accepts', async () => {
    const inputs = fc.oneof(
      fc.tuple(trees, style, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([tree, s, steps]) => mutate(print(tree, s), steps)),
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.string({ unit: fc.constantFrom('(', ')', '[', ']', '"', ' ', 'a', 'eq', 'not', 'and', 'or', 'pr', '.', ':', '\\'), maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(inputs, async (text) => {
        let resolved: FilterNode<ResolvedAttr> | undefined;
        try {
          resolved = resolveFilter(parseFilter(text), User);
        } catch (error) {
          assert.ok(isFilterRefusal(error), `${JSON.stringify(text)}: ${String(error)}`);
          return;
        }
        try {
          await store.listResources('User', { filter: resolved, sortBy: undefined, descending: false, startIndex: 1, count: 10, withMembers: false, withGroups: false });
        } catch (error) {
          assert.ok(error instanceof StoreQueryError, `${JSON.stringify(text)}: the store failed with ${String(error)}`);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('answers any list parameters (startIndex, count, sortBy, sortOrder, attributes, in a query or a .search body) with a page or a SCIM 4xx', async () => {
    const service = new ScimService({ store, schemas: () => ({ User, Group }) });
    const number = fc.oneof(fc.constantFrom('1e19', '1e308', '-1e308', '9007199254740992', '0', '-1', '1.5', 'NaN', 'Infinity', ' 3 ', '0x10', ''), fc.integer().map(String));
    const attribute = fc.oneof(fc.constantFrom('meta.resourceType', 'meta.location', 'meta.created', 'name', 'name.familyName', 'emails', 'addresses', 'groups', 'password', 'members', `${ENT}:manager`, `${ENT}:manager.value`, 'x509Certificates', 'nope', 'a.b.c', '', ','), fc.string({ maxLength: 10 }));
    const params = fc.record(
      { startIndex: number, count: number, sortBy: attribute, sortOrder: fc.constantFrom('ascending', 'DESCENDING', 'sideways', ''), attributes: attribute, excludedAttributes: attribute },
      { requiredKeys: [] },
    );
    const asBody = (query: Record<string, string>) => Object.fromEntries(Object.entries(query).map(([key, value]) => [key, key === 'startIndex' || key === 'count' ? (Number.isNaN(Number(value)) ? value : Number(value)) : value]));
    await fc.assert(
      fc.asyncProperty(params, fc.constantFrom<'User' | 'Group'>('User', 'Group'), fc.boolean(), async (query, kind, post) => {
        const request = { baseUrl: 'https://scim.example/scim/v2', query: post ? {} : query, body: asBody(query), trace: newTrace('list') };
        try {
          const answer = post ? await service.searchPost(kind, request) : await service.list(kind, request);
          assert.equal(answer.status, 200);
        } catch (error) {
          const scim = storeErrorToScim(error) ?? error;
          assert.ok(isScimError(scim) && scim.status === 400, `${JSON.stringify(query)}: ${String(error)}`);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('selects in the store exactly what the matcher selects, for every generated filter it accepts', async () => {
    await fc.assert(
      fc.asyncProperty(trees, async (tree) => {
        const resolved = parseAndResolve(print(tree, { upper: false, space: ' ', wrap: false }));
        fc.pre(resolved !== undefined);
        let found: ReadonlyArray<string>;
        try {
          found = (await store.listResources('User', { filter: resolved, sortBy: undefined, descending: false, startIndex: 1, count: 100, withMembers: false, withGroups: true })).resources.map((r) => r.doc['userName'] as string);
        } catch (error) {
          assert.ok(error instanceof StoreQueryError, String(error));
          return;
        }
        // The matcher sees what the store keeps: each stored user as SCIM represents it (without meta, which the store sets).
        const stored = await store.listResources('User', { filter: undefined, sortBy: undefined, descending: false, startIndex: 1, count: 100, withMembers: false, withGroups: true });
        const expected = stored.resources
          .filter((r) => matchesResource(resolved, { id: r.id, ...r.doc, ...(r.groups ? { groups: r.groups } : {}), meta: { created: r.created, lastModified: r.lastModified } }))
          .map((r) => r.doc['userName'] as string);
        assert.deepEqual([...found].sort(), [...expected].sort(), print(tree, { upper: false, space: ' ', wrap: false }));
      }),
      { seed: SEED, numRuns: Math.ceil(RUNS / 2) },
    );
  });
});
