import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AttributeRules } from '../../../main/mapping/attribute-rules';
import type { AttributeRule } from '../../../shared/admin/mapping-schemas';

const rule = (attribute: string, parts: Partial<AttributeRule>): AttributeRule => ({
  resourceType: 'User',
  attribute,
  required: false,
  maxLength: null,
  pattern: null,
  allowedValues: [],
  ...parts,
});

const ROLE = 'urn:ietf:params:scim:schemas:workato:1.0:WorkatoRole';

describe('per-attribute rules', () => {
  const rules = new AttributeRules([
    rule('emails[type eq "work"].value', { required: true }),
    rule('displayName', { maxLength: 5 }),
    rule('userName', { pattern: '^[^@]+(@[^@]{1,25})?$' }),
    rule(`${ROLE}:workato_role`, { allowedValues: ['Admin', 'Analyst'] }),
  ]);
  const ok = { userName: 'a@b.com', emails: [{ value: 'a@b.com', type: 'work' }] };

  it('accepts a document that keeps every rule', () => {
    assert.equal(rules.check('User', { ...ok, displayName: 'Ann', [ROLE]: { workato_role: 'Admin' } }), undefined);
  });
  it('requires a typed email (another type does not count)', () => {
    assert.equal(rules.check('User', { userName: 'a@b.com', emails: [{ value: 'a@b.com', type: 'home' }] })?.attribute, 'emails[type eq "work"].value');
  });
  it('counts characters, not UTF-16 units, for max length', () => {
    assert.equal(rules.check('User', { ...ok, displayName: '😀😀😀😀😀' }), undefined);
    assert.match(rules.check('User', { ...ok, displayName: 'Annabel' })!.detail, /displayName is at most 5 characters; 7 were sent/);
  });
  it('anchors the pattern on the whole value (a user domain over 25 characters fails)', () => {
    assert.equal(rules.check('User', { ...ok, userName: 'a@averyveryverylongdomainname.example' })?.attribute, 'userName');
  });
  it('checks allowed values inside an extension', () => {
    assert.match(rules.check('User', { ...ok, [ROLE]: { workato_role: 'Owner' } })!.detail, /must be one of "Admin", "Analyst"; "Owner" is not/);
  });
  it('leaves groups alone when the rules are for users', () => {
    assert.equal(rules.check('Group', { displayName: 'A long group name' }), undefined);
  });
});
