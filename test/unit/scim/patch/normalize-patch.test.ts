import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PATCH_OPERATIONS, normalizePatchRequest } from '../../../../main/scim/patch/normalize-patch';
import type { PatchOperation } from '../../../../main/scim/patch/patch-operation';
import { isScimError } from '../../../../main/scim/scim-error';
import { URN } from '../../../../shared/scim/urns';
import { loadPatchFixtures, printFilter, schemas } from './patch-fixtures';

const fixtures = loadPatchFixtures();

function body(...operations: unknown[]): unknown {
  return { schemas: [URN.patchOp], Operations: operations };
}

function scimError(run: () => unknown): { scimType: string | undefined; detail: string } {
  try {
    run();
  } catch (error) {
    assert.ok(isScimError(error), `expected a ScimError, got ${String(error)}`);
    assert.equal(error.status, 400);
    return { scimType: error.scimType, detail: error.message };
  }
  assert.fail('expected a ScimError');
}

/** An operation as plain text, to compare shapes without ResolvedAttr objects. */
function describeOp(operation: PatchOperation): string {
  const { op, target } = operation;
  if (!target) return `${op} (resource)`;
  if (target.kind === 'extension') return `${op} ${target.schema.id}`;
  const { path, filter, filterSubAttr } = target.path;
  const base = `${op} ${path.key}`;
  if (!filter) return base;
  return `${base}[${printFilter(filter)}]${filterSubAttr === undefined ? '' : `.${filterSubAttr}`}`;
}

describe('normalizePatchRequest (fixture notes)', () => {
  for (const fixture of fixtures.filter((f) => f.notes !== undefined || f.notesExact !== undefined)) {
    it(`names the quirks it normalised: ${fixture.name} [${fixture.file}]`, () => {
      const { notes } = normalizePatchRequest(fixture.request, schemas[fixture.resource]);
      for (const expected of fixture.notes ?? []) assert.ok(notes.includes(expected), `missing note ${JSON.stringify(expected)} in ${JSON.stringify(notes)}`);
      if (fixture.notesExact) assert.deepEqual(notes, fixture.notesExact);
    });
  }
});

describe('normalizePatchRequest', () => {
  it('lower-cases op names and notes each spelling once', () => {
    const result = normalizePatchRequest(
      body({ op: 'Replace', path: 'title', value: 'a' }, { op: 'Replace', path: 'nickName', value: 'b' }, { op: 'ADD', path: 'locale', value: 'c' }),
      schemas.User,
    );
    assert.deepEqual(result.operations.map((o) => o.op), ['replace', 'replace', 'add']);
    assert.deepEqual(result.notes, ["op 'Replace' read as 'replace'", "op 'ADD' read as 'add'"]);
  });

  it('matches message member names case-insensitively (operations, Op, Path, Value)', () => {
    const result = normalizePatchRequest({ schemas: [URN.patchOp], operations: [{ Op: 'replace', Path: 'title', Value: 'x' }] }, schemas.User);
    assert.deepEqual(result.operations.map(describeOp), ['replace title']);
  });

  it('expands a flagged-dialect path-less op into one operation per key, in order', () => {
    const result = normalizePatchRequest(
      body({
        op: 'replace',
        value: {
          displayName: 'J',
          'name.givenName': 'G',
          'emails[type eq "work"].value': 'w@example.com',
          [`${URN.enterpriseUser}:department`]: 'D',
          [URN.enterpriseUser]: { costCenter: 'C' },
        },
      }),
      schemas.User,
    );
    assert.deepEqual(result.operations.map(describeOp), [
      'replace displayName',
      'replace name.givenName',
      'replace emails[type eq "work"].value',
      `replace ${URN.enterpriseUser}:department`,
      `replace ${URN.enterpriseUser}:costCenter`,
    ]);
    assert.deepEqual(
      result.operations.map((o) => o.value),
      ['J', 'G', 'w@example.com', 'D', 'C'],
    );
  });

  it('turns Remove members with a value list into a value eq filter, never a removal of all members', () => {
    const result = normalizePatchRequest(body({ op: 'Remove', path: 'members', value: [{ value: 'a' }, 'b'] }), schemas.Group);
    assert.deepEqual(result.operations.map(describeOp), ['remove members[(value eq "a" or value eq "b")]']);
  });

  it('reads Remove members with an empty value list as removing nothing', () => {
    const result = normalizePatchRequest(body({ op: 'Remove', path: 'members', value: [] }), schemas.Group);
    assert.deepEqual(result.operations, []);
    assert.ok(result.notes.includes('Remove members with a value list: removes only the listed members (0)'));
  });

  it('reads Remove emails with a value list as removing only the listed values', () => {
    const result = normalizePatchRequest(body({ op: 'remove', path: 'emails', value: [{ value: 'x@example.com', type: 'work' }] }), schemas.User);
    assert.deepEqual(result.operations.map(describeOp), ['remove emails[(value eq "x@example.com" and type eq "work")]']);
  });

  it('keeps a plain remove of members as a removal of all members (RFC 7644 §3.5.2.2)', () => {
    const result = normalizePatchRequest(body({ op: 'remove', path: 'members' }), schemas.Group);
    assert.deepEqual(result.operations.map(describeOp), ['remove members']);
  });

  it('recognises a bare extension URN as an extension target', () => {
    const removed = normalizePatchRequest(body({ op: 'remove', path: URN.enterpriseUser }), schemas.User);
    assert.deepEqual(removed.operations.map(describeOp), [`remove ${URN.enterpriseUser}`]);
    const added = normalizePatchRequest(body({ op: 'add', path: URN.enterpriseUser, value: { Department: 'D', manager: 'm' } }), schemas.User);
    assert.deepEqual(added.operations.map(describeOp), [`add ${URN.enterpriseUser}:department`, `add ${URN.enterpriseUser}:manager`]);
    assert.deepEqual(added.operations[1]?.value, { value: 'm' });
  });

  it('canonicalises values: "False" → false, manager string → {value}, members without $ref', () => {
    const user = normalizePatchRequest(
      body({ op: 'Replace', path: 'active', value: 'False' }, { op: 'Add', path: `${URN.enterpriseUser}:manager`, value: 'm1' }),
      schemas.User,
    );
    assert.deepEqual(user.operations.map((o) => o.value), [false, { value: 'm1' }]);
    const group = normalizePatchRequest(body({ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u1', type: 'user' }] }), schemas.Group);
    assert.deepEqual(group.operations[0]?.value, [{ value: 'u1', type: 'User' }]);
  });

  it('reads replace with an empty value as remove, and add with an empty value as nothing', () => {
    const result = normalizePatchRequest(
      body({ op: 'replace', path: 'title', value: null }, { op: 'add', path: 'nickName', value: null }, { op: 'replace', path: 'emails', value: [] }),
      schemas.User,
    );
    assert.deepEqual(result.operations.map(describeOp), ['remove title', 'remove emails']);
  });

  it('keeps an empty string for a plain string attribute (values stored as sent)', () => {
    const result = normalizePatchRequest(body({ op: 'replace', path: 'name.middleName', value: '' }), schemas.User);
    assert.deepEqual(result.operations.map((o) => [describeOp(o), o.value]), [['replace name.middleName', '']]);
  });

  it('lists unknown sub-attributes inside a value as ignored', () => {
    const result = normalizePatchRequest(body({ op: 'add', path: 'emails', value: [{ value: 'a@example.com', label: 'x' }] }), schemas.User);
    assert.ok(result.notes.includes("unknown attribute 'emails.label' ignored"), JSON.stringify(result.notes));
  });

  it(`accepts ${MAX_PATCH_OPERATIONS} operations and rejects one more with invalidSyntax`, () => {
    const op = { op: 'replace', path: 'title', value: 'x' };
    assert.equal(normalizePatchRequest(body(...Array(MAX_PATCH_OPERATIONS).fill(op)), schemas.User).operations.length, MAX_PATCH_OPERATIONS);
    assert.equal(scimError(() => normalizePatchRequest(body(...Array(MAX_PATCH_OPERATIONS + 1).fill(op)), schemas.User)).scimType, 'invalidSyntax');
  });

  const badBodies: ReadonlyArray<[string, unknown, string]> = [
    ['a body that is not an object', [], 'invalidSyntax'],
    ['schemas that is not an array', { schemas: URN.patchOp, Operations: [{ op: 'remove', path: 'title' }] }, 'invalidSyntax'],
    ['Operations missing', { schemas: [URN.patchOp] }, 'invalidSyntax'],
    ['Operations that is an object', { schemas: [URN.patchOp], Operations: { op: 'remove', path: 'title' } }, 'invalidSyntax'],
    ['a path that is not a string', body({ op: 'remove', path: 42 }), 'invalidSyntax'],
    ['a path-less add whose value is not an object', body({ op: 'add', value: 'x' }), 'invalidValue'],
    ['a path-less remove', body({ op: 'remove' }), 'noTarget'],
    ['a remove of the readOnly user groups', body({ op: 'remove', path: 'groups' }), 'mutability'],
    ['a replace of meta.version', body({ op: 'replace', path: 'meta.version', value: 'W/"2"' }), 'mutability'],
    ['a replace of the readOnly manager.displayName', body({ op: 'replace', path: `${URN.enterpriseUser}:manager.displayName`, value: 'x' }), 'mutability'],
    ['an unknown extension attribute', body({ op: 'replace', path: `${URN.enterpriseUser}:shoeSize`, value: '9' }), 'invalidPath'],
    ['a value filter on a single-valued attribute', body({ op: 'replace', path: 'name[givenName eq "x"].familyName', value: 'y' }), 'invalidPath'],
  ];
  for (const [label, request, scimType] of badBodies) {
    it(`rejects ${label} with 400 ${scimType}`, () => {
      assert.equal(scimError(() => normalizePatchRequest(request, schemas.User)).scimType, scimType);
    });
  }

  it('names the failing operation in the error detail', () => {
    const { detail } = scimError(() => normalizePatchRequest(body({ op: 'replace', path: 'title', value: 'x' }, { op: 'replace', path: 'bogus', value: 'y' }), schemas.User));
    assert.match(detail, /^Operations\[1\]: /);
  });
});
