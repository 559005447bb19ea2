import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFilter, formatPatchPath } from '../../../../main/scim/filter/format-filter';
import { parseFilter } from '../../../../main/scim/filter/parse-filter';
import { parsePatchPath } from '../../../../main/scim/filter/parse-path';
import { resolveFilter, resolvePatchPath } from '../../../../main/scim/filter/resolve-filter';
import { buildResourceSchemas } from '../../../../main/scim/schema/resource-schema';

const { User } = buildResourceSchemas([]);

describe('formatFilter', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['UserName eq "Adele"', 'userName eq "Adele"'],
    ['emails[type eq "work" and value co "@x"]', 'emails[type eq "work" and value co "@x"]'],
    ['title pr and (displayName sw "A" or displayName sw "B")', 'title pr and (displayName sw "A" or displayName sw "B")'],
    ['not (active eq true)', 'not (active eq true)'],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Sales"', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Sales"'],
    ['name.givenName ne "x" or userName eq 007', 'name.givenName ne "x" or userName eq "007"'],
  ];
  for (const [input, expected] of cases) {
    it(`prints ${input} as ${expected}, which parses back to the same tree`, () => {
      const resolved = resolveFilter(parseFilter(input), User);
      const text = formatFilter(resolved);
      assert.equal(text, expected);
      assert.deepEqual(resolveFilter(parseFilter(text), User), resolved);
    });
  }
});

describe('formatPatchPath', () => {
  it('prints value paths with their sub-attribute and canonical names', () => {
    assert.equal(formatPatchPath(resolvePatchPath(parsePatchPath('Emails[Type eq "work"].Value'), User)), 'emails[type eq "work"].value');
    assert.equal(formatPatchPath(resolvePatchPath(parsePatchPath('name.givenName'), User)), 'name.givenName');
  });
});
