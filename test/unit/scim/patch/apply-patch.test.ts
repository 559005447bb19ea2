import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FilterNode } from '../../../../main/scim/filter/filter-ast';
import { parsePatchPath } from '../../../../main/scim/filter/parse-path';
import { resolvePatchPath } from '../../../../main/scim/filter/resolve-filter';
import { applyPatch } from '../../../../main/scim/patch/apply-patch';
import { normalizePatchRequest } from '../../../../main/scim/patch/normalize-patch';
import type { PatchOperation } from '../../../../main/scim/patch/patch-operation';
import type { ResolvedAttr } from '../../../../main/scim/schema/resource-schema';
import { isScimError } from '../../../../main/scim/scim-error';
import { URN } from '../../../../shared/scim/urns';
import { loadPatchFixtures, schemas, toJsonChanges } from './patch-fixtures';

const fixtures = loadPatchFixtures();

function attributeOp(op: PatchOperation['op'], path: string, value: unknown, resource: 'User' | 'Group' = 'User'): PatchOperation {
  return { op, target: { kind: 'attribute', path: resolvePatchPath(parsePatchPath(path), schemas[resource]) }, value };
}

function scimTypeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    assert.ok(isScimError(error), `expected a ScimError, got ${String(error)}`);
    assert.equal(error.status, 400);
    return error.scimType;
  }
  assert.fail('expected a ScimError');
}

describe('applyPatch (fixtures: normalizePatchRequest + applyPatch)', () => {
  for (const fixture of fixtures) {
    it(`${fixture.name} [${fixture.file}]`, () => {
      const schema = schemas[fixture.resource];
      const source = structuredClone(fixture.source);
      const run = () => applyPatch(source, normalizePatchRequest(fixture.request, schema).operations, schema);

      if (fixture.error) {
        assert.equal(scimTypeOf(run), fixture.error.scimType);
        assert.deepEqual(source, fixture.source, 'the source document is untouched after an error');
        return;
      }
      const result = run();
      assert.deepEqual(result.doc, fixture.target);
      assert.deepEqual(toJsonChanges(result.memberChanges), fixture.memberChanges ?? []);
      const expectChanged = fixture.changed ?? true;
      assert.equal(result.changed, expectChanged);
      assert.deepEqual(source, fixture.source, 'applyPatch never mutates its input');
    });
  }
});

describe('applyPatch', () => {
  const user = {
    userName: 'jane@contoso.com',
    emails: [{ value: 'jane@contoso.com', type: 'work', primary: true }],
    [URN.enterpriseUser]: { department: 'Finance' },
  };

  it('returns a new document and leaves the input and the operation values unshared', () => {
    const value = [{ value: 'home@example.com', type: 'home' }];
    const result = applyPatch(user, [attributeOp('add', 'emails', value)], schemas.User);
    assert.notEqual(result.doc, user);
    assert.equal(user.emails.length, 1);
    value[0]!.value = 'changed@example.com';
    assert.deepEqual((result.doc['emails'] as unknown[])[1], { value: 'home@example.com', type: 'home' });
  });

  it('applies nothing when a later operation fails (all-or-nothing)', () => {
    const before = structuredClone(user);
    const type = scimTypeOf(() =>
      applyPatch(user, [attributeOp('replace', 'title', 'CFO'), attributeOp('replace', 'emails[value sw "zz"].display', 'x')], schemas.User),
    );
    assert.equal(type, 'noTarget');
    assert.deepEqual(user, before);
  });

  it('reports changed false for a request that changes nothing', () => {
    const result = applyPatch(user, [attributeOp('replace', 'userName', 'jane@contoso.com'), attributeOp('remove', 'nickName', undefined)], schemas.User);
    assert.equal(result.changed, false);
    assert.deepEqual(result.doc, user);
  });

  it('reports changed true for member changes even though the document is untouched', () => {
    const group = { displayName: 'G' };
    const result = applyPatch(group, [attributeOp('add', 'members', [{ value: 'u1' }], 'Group')], schemas.Group);
    assert.equal(result.changed, true);
    assert.deepEqual(result.doc, group);
    assert.deepEqual(result.memberChanges, [{ kind: 'add', members: [{ value: 'u1' }] }]);
  });

  it('applies a path-less operation (target undefined) whose value is a canonical fragment', () => {
    const result = applyPatch(
      user,
      [{ op: 'replace', target: undefined, value: { title: 'CFO', [URN.enterpriseUser]: { costCenter: 'CC-1' } } }],
      schemas.User,
    );
    assert.equal(result.doc['title'], 'CFO');
    assert.deepEqual(result.doc[URN.enterpriseUser], { department: 'Finance', costCenter: 'CC-1' });
  });

  it('merges an extension target on add and deletes it on remove', () => {
    const enterprise = schemas.User.extensionByUrn(URN.enterpriseUser)!;
    const added = applyPatch(user, [{ op: 'add', target: { kind: 'extension', schema: enterprise }, value: { manager: { value: 'm1' } } }], schemas.User);
    assert.deepEqual(added.doc[URN.enterpriseUser], { department: 'Finance', manager: { value: 'm1' } });
    const removed = applyPatch(user, [{ op: 'remove', target: { kind: 'extension', schema: enterprise }, value: undefined }], schemas.User);
    assert.equal(removed.doc[URN.enterpriseUser], undefined);
  });

  it('creates the element an eq-only filter describes, with typed literals', () => {
    const result = applyPatch(user, [attributeOp('add', 'phoneNumbers[type eq "work" and primary eq true].value', '555-0100')], schemas.User);
    assert.deepEqual(result.doc['phoneNumbers'], [{ type: 'work', primary: true, value: '555-0100' }]);
  });

  it('refuses to create an element from a filter with conflicting eq comparisons', () => {
    assert.equal(scimTypeOf(() => applyPatch(user, [attributeOp('add', 'phoneNumbers[type eq "work" and type eq "home"].value', '1')], schemas.User)), 'noTarget');
  });

  it('removes the listed member ids for value eq ... or value eq ..., and removeWhere for anything else', () => {
    const group = { displayName: 'G' };
    const byIds = applyPatch(group, [attributeOp('remove', 'members[value eq "a" or value eq "b"]', undefined, 'Group')], schemas.Group);
    assert.deepEqual(byIds.memberChanges, [{ kind: 'remove', ids: ['a', 'b'] }]);
    const where = applyPatch(group, [attributeOp('remove', 'members[value eq "a" or display co "x"]', undefined, 'Group')], schemas.Group);
    assert.equal(where.memberChanges[0]?.kind, 'removeWhere');
    const filter = (where.memberChanges[0] as { filter: FilterNode<ResolvedAttr> }).filter;
    assert.equal(filter.kind, 'or');
  });

  it('refuses to remove a required attribute (mutability)', () => {
    assert.equal(scimTypeOf(() => applyPatch({ displayName: 'G' }, [attributeOp('remove', 'displayName', undefined, 'Group')], schemas.Group)), 'mutability');
  });

  it('rejects two primary values in one operation (invalidValue)', () => {
    const two = [
      { value: 'a@example.com', primary: true },
      { value: 'b@example.com', primary: true },
    ];
    assert.equal(scimTypeOf(() => applyPatch(user, [attributeOp('replace', 'emails', two)], schemas.User)), 'invalidValue');
  });
});
