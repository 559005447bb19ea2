import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttrPath, Filter, PatchPath } from '../../../../main/scim/filter/filter-ast';
import { parsePatchPath } from '../../../../main/scim/filter/parse-path';
import { isScimError } from '../../../../main/scim/scim-error';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function path(name: string, subAttr?: string, uri?: string): AttrPath {
  return { uri, attr: name, subAttr };
}
function eq(name: string, value: string | number | boolean, text = String(value)): Filter {
  return { kind: 'compare', path: path(name), op: 'eq', value, text };
}
function patchPath(p: AttrPath, filter?: Filter, filterSubAttr?: string): PatchPath {
  return { path: p, filter, filterSubAttr };
}

const VALID: ReadonlyArray<readonly [string, PatchPath]> = [
  ['members', patchPath(path('members'))],
  ['name.givenName', patchPath(path('name', 'givenName'))],
  ['members[value eq "2819c223"]', patchPath(path('members'), eq('value', '2819c223'))],
  ['emails[type eq "work"].value', patchPath(path('emails'), eq('type', 'work'), 'value')],
  ['addresses[type eq "work"].streetAddress', patchPath(path('addresses'), eq('type', 'work'), 'streetAddress')],
  [
    'emails[type eq "work" and primary eq true].value',
    patchPath(path('emails'), { kind: 'and', left: eq('type', 'work'), right: eq('primary', true) }, 'value'),
  ],
  ['emails[not (type pr)]', patchPath(path('emails'), { kind: 'not', filter: { kind: 'present', path: path('type') } })],
  // Names keep the spelling written; the resolver canonicalises.
  ['Emails[Type eq "work"].Value', patchPath(path('Emails'), eq('Type', 'work'), 'Value')],
  [`${ENTERPRISE}:manager`, patchPath(path('manager', undefined, ENTERPRISE))],
  [`${ENTERPRISE}:manager.value`, patchPath(path('manager', 'value', ENTERPRISE))],
  [`${ENTERPRISE}:employeeNumber`, patchPath(path('employeeNumber', undefined, ENTERPRISE))],
  // A whole extension: the caller recognises uri:attr with ResourceSchema.extensionByUrn.
  [ENTERPRISE, patchPath(path('User', undefined, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0'))],
  [
    'urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"].value',
    patchPath(path('emails', undefined, 'urn:ietf:params:scim:schemas:core:2.0:User'), eq('type', 'work'), 'value'),
  ],
  // Entra: unquoted values in a member filter.
  ['members[value eq 2819c223]', patchPath(path('members'), eq('value', '2819c223'))],
  ['members[value eq 1234]', patchPath(path('members'), eq('value', 1234))],
  ['members[ value eq "a]b" ]', patchPath(path('members'), eq('value', 'a]b'))],
  ['  name.givenName  ', patchPath(path('name', 'givenName'))],
];

const INVALID: ReadonlyArray<string> = [
  '',
  '   ',
  '.value',
  'name.',
  'name.givenName.x',
  'emails[',
  'emails[]',
  'emails[type eq "work"',
  'emails[type eq "work"].',
  'emails[type eq "work"].value.x',
  'emails[type eq "work"]value',
  'emails[type eq "work"] .value',
  'emails[type eq "work"][value pr]',
  'emails[type eq "work"].value[type pr]',
  'emails[type[value pr]]',
  'emails[type eq "abc]',
  'emails[type xx "work"]',
  'emails[urn:x:type eq "work"]',
  'name.givenName[x eq 1]',
  'userName eq "x"',
  'userName pr',
  'emails [type eq "work"]',
  '1emails',
  ':name',
  'urn:x:',
  '(members)',
  'members]',
];

function assertInvalidPath(text: string): void {
  assert.throws(
    () => parsePatchPath(text),
    (error: unknown) => isScimError(error) && error.status === 400 && error.scimType === 'invalidPath',
    `expected invalidPath for ${JSON.stringify(text)}`,
  );
}

describe('parsePatchPath', () => {
  describe('valid paths', () => {
    for (const [text, expected] of VALID) {
      it(`parses ${text}`, () => {
        assert.deepStrictEqual(parsePatchPath(text), expected);
      });
    }
  });

  describe('invalid paths', () => {
    for (const text of INVALID) {
      it(`rejects ${JSON.stringify(text)} with 400 invalidPath`, () => {
        assertInvalidPath(text);
      });
    }
  });

  it('reports filter syntax errors inside the brackets as invalidPath, with the position', () => {
    try {
      parsePatchPath('members[value xx "a"]');
      assert.fail('expected an error');
    } catch (error) {
      assert.ok(isScimError(error), 'a ScimError');
      assert.equal(error.scimType, 'invalidPath');
      assert.match(error.detail, /^Invalid path: expected a comparison operator .* at position 14, found "xx"/);
    }
  });

  it('rejects over-long and over-nested paths with invalidPath', () => {
    assertInvalidPath(`members[value eq "${'x'.repeat(10_000)}"]`);
    assertInvalidPath(`members[${'('.repeat(300)}value pr${')'.repeat(300)}]`);
  });

  it('returns a PatchPath or throws 400 invalidPath for 3000 random inputs', () => {
    const random = createRandom(0xba7);
    const pieces = ['members', 'emails', 'name', '.', 'value', 'givenName', '[', ']', '"', '"work"', ' ', 'eq', 'pr', 'and',
      'not', '(', ')', 'type', `${ENTERPRISE}`, ':', 'manager', '1', 'true', '\\', '$ref'];
    const seeds = VALID.map(([text]) => text);
    let parsed = 0;
    for (let i = 0; i < 3000; i += 1) {
      let text: string;
      if (i % 2 === 0) {
        text = Array.from({ length: Math.floor(random() * 10) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      } else {
        text = seeds[Math.floor(random() * seeds.length)] ?? '';
        const at = Math.floor(random() * (text.length + 1));
        text = random() < 0.5 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + (pieces[Math.floor(random() * pieces.length)] ?? '') + text.slice(at);
      }
      try {
        const result = parsePatchPath(text);
        assert.equal(typeof result.path.attr, 'string', JSON.stringify(text));
        parsed += 1;
      } catch (error) {
        assert.ok(
          isScimError(error) && error.status === 400 && error.scimType === 'invalidPath',
          `unexpected ${String(error)} for ${JSON.stringify(text)}`,
        );
      }
    }
    assert.ok(parsed > 100, `the fuzz should also produce valid paths (got ${parsed})`);
  });
});

/** mulberry32: a small deterministic PRNG so fuzz failures reproduce. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
