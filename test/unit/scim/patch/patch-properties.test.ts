import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { storeErrorToScim } from '../../../../main/http/scim-error-body';
import { applyPatch } from '../../../../main/scim/patch/apply-patch';
import { normalizePatchRequest } from '../../../../main/scim/patch/normalize-patch';
import { newTrace } from '../../../../main/scim/request-trace';
import { isScimError } from '../../../../main/scim/scim-error';
import { ScimService } from '../../../../main/scim/scim-service';
import { createSqliteStore, type SqliteStore } from '../../../../main/store/sqlite-store';
import { loadPatchFixtures, schemas } from './patch-fixtures';

/**
 * Properties of the PATCH engine (issue 14) over requests generated and mutated from the fixture
 * table: every request is either applied or refused with a 4xx SCIM error (never a 500), a
 * refused request changes nothing that is stored (document, version, members, pending members),
 * and the pure engine never changes the document it is given. FC_SEED / FC_RUNS replay or widen.
 */
const SEED = Number(process.env['FC_SEED'] ?? 14);
const RUNS = Number(process.env['FC_RUNS'] ?? 300);
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const fixtures = loadPatchFixtures();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every node of a JSON value in pre-order, with a way to replace or remove it. */
function nodes(value: Json): Array<{ replace: (next: Json) => Json; remove: () => Json }> {
  const found: Array<{ replace: (next: Json) => Json; remove: () => Json }> = [];
  const walk = (node: Json, rebuild: (next: Json | undefined) => Json) => {
    found.push({ replace: (next) => rebuild(next), remove: () => rebuild(undefined) });
    if (Array.isArray(node)) {
      node.forEach((item, i) =>
        walk(item, (next) => rebuild(next === undefined ? node.filter((_, j) => j !== i) : node.map((other, j) => (j === i ? next : other)))),
      );
    } else if (node !== null && typeof node === 'object') {
      for (const key of Object.keys(node)) {
        walk(node[key]!, (next) => {
          const copy = { ...node };
          if (next === undefined) delete copy[key];
          else copy[key] = next;
          return rebuild(copy);
        });
      }
    }
  };
  walk(value, (next) => (next === undefined ? null : next));
  return found;
}

/** Values a client could put anywhere in a PATCH: small JSON, Entra-ish strings, paths and filters. */
const anyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>('False', 'true', '', 'members', 'emails[type eq "work"].value', 'name.givenName', `${ENT}:manager`, 'members[value eq "x"]', 'userName', 'id', 'groups', 'meta.created', 'Replace', 'Remove', 'Add', 'x[', '"', null, [], {}, [{}], { value: null }, [{ value: 'u-none' }], { $ref: null, value: 'id' }),
);

const mutation = fc.record({ at: fc.nat(), kind: fc.constantFrom('replace', 'remove', 'rename'), value: anyValue, upper: fc.boolean() });

function mutateBody(body: Json, steps: ReadonlyArray<{ at: number; kind: string; value: Json; upper: boolean }>): Json {
  let out = body;
  for (const step of steps) {
    const all = nodes(out);
    const target = all[step.at % all.length]!;
    if (step.kind === 'replace') out = target.replace(step.value);
    else if (step.kind === 'remove') out = target.remove();
    else {
      // The member names in another letter case (Entra's `Operations`, `Value`), which the engine must read alike.
      out = JSON.parse(JSON.stringify(out).replace(/"(op|path|value|operations|schemas)":/gi, (_, k: string) => `"${step.upper ? k.toUpperCase() : k.toLowerCase()}":`)) as Json;
    }
  }
  return out;
}

/** A generated operation, valid or not, in either of Entra's dialects. */
const operation = fc.record(
  {
    op: fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'Remove', 'REPLACE', 'move', ''),
    path: fc.oneof(
      fc.constantFrom('displayName', 'title', 'active', 'name.givenName', 'emails', 'emails[type eq "work"].value', 'emails[type eq "work"]', 'phoneNumbers[type eq "mobile"].value', `${ENT}:department`, `${ENT}:manager`, 'manager', 'members', 'members[value eq "u-none"]', 'externalId', 'userName', 'groups', 'id', 'meta.lastModified', 'addresses[type eq "work"].locality', 'x509Certificates', 'urn:unknown:ext:attr'),
      fc.string({ maxLength: 12 }),
    ),
    value: anyValue,
  },
  { requiredKeys: ['op'] },
);

const requests: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...fixtures.map((f) => f.request as Json)), fc.array(mutation, { maxLength: 2 })).map(([request, steps]) => mutateBody(request, steps)) },
  { weight: 2, arbitrary: fc.array(operation, { minLength: 0, maxLength: 5 }).map((Operations) => ({ schemas: [PATCH_OP], Operations }) as Json) },
  { weight: 1, arbitrary: anyValue },
);

describe('PATCH engine properties (fast-check)', () => {
  let store: SqliteStore;
  let service: ScimService;
  const ids: Record<string, string> = {};

  before(async () => {
    store = createSqliteStore(':memory:');
    service = new ScimService({ store, schemas: () => schemas, now: () => new Date('2026-03-01T00:00:00.000Z') });
    const at = new Date('2026-01-01T00:00:00.000Z');
    const adele = await store.createResource('User', { doc: { userName: 'adele@contoso.com', displayName: 'Adele', title: 'Manager', active: true, name: { givenName: 'Adele', familyName: 'Vance' }, emails: [{ value: 'adele@contoso.com', type: 'work', primary: true }], [ENT]: { department: 'Retail' } } }, at);
    const alex = await store.createResource('User', { doc: { userName: 'alex@contoso.com', externalId: '6f1e2d3c-0000-4000-8000-000000000001' } }, at);
    const sales = await store.createResource('Group', { doc: { displayName: 'Sales' }, members: [{ value: adele.id }, { value: alex.id }] }, at);
    Object.assign(ids, { adele: adele.id, alex: alex.id, sales: sales.id });
  });

  after(async () => {
    await store.close();
  });

  /** Everything a PATCH may change, read back from the store. */
  const state = async () => ({
    users: (await store.listResources('User', { filter: undefined, sortBy: undefined, descending: false, startIndex: 1, count: 100, withMembers: false, withGroups: true })).resources,
    groups: (await store.listResources('Group', { filter: undefined, sortBy: undefined, descending: false, startIndex: 1, count: 100, withMembers: true, withGroups: false })).resources,
    pending: store.db.prepare('SELECT * FROM pending_members ORDER BY group_id, member_id').all(),
  });

  it('applies or refuses with a 4xx any PATCH, generated or mutated, and a refused one changes nothing stored', async () => {
    let refused = 0;
    let applied = 0;
    await fc.assert(
      fc.asyncProperty(requests, fc.constantFrom<'adele' | 'alex' | 'sales'>('adele', 'alex', 'sales'), async (body, target) => {
        const kind = target === 'sales' ? 'Group' : 'User';
        const before = await state();
        try {
          await service.patch(kind, ids[target]!, { baseUrl: 'https://scim.example/scim/v2', query: {}, body, trace: newTrace('patch') });
          applied += 1;
        } catch (error) {
          const scim = storeErrorToScim(error) ?? error;
          assert.ok(isScimError(scim) && scim.status < 500, `a 5xx for ${JSON.stringify(body)}: ${String(error)}`);
          assert.deepEqual(await state(), before, `refused (${scim.status} ${scim.scimType ?? ''}) but changed: ${JSON.stringify(body)}`);
          refused += 1;
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The generator must exercise both outcomes, or the property says little.
    assert.ok(refused > RUNS / 10 && applied > RUNS / 20, `refused ${refused}, applied ${applied}`);
    if (process.env['FC_VERBOSE']) console.log(`PATCH properties: ${applied} applied, ${refused} refused`);
  });

  it('never changes the document it is given, whatever the request', () => {
    fc.assert(
      fc.property(requests, fc.constantFrom(...fixtures.filter((f) => f.resource === 'User').map((f) => f.source)), (body, source) => {
        const snapshot = structuredClone(source);
        try {
          const normalized = normalizePatchRequest(body, schemas.User);
          applyPatch(source, normalized.operations, schemas.User);
        } catch (error) {
          assert.ok(isScimError(error) && error.status < 500, `${JSON.stringify(body)}: ${String(error)}`);
        }
        assert.deepEqual(source, snapshot);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
