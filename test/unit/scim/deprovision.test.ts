import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deactivates, mayTouchActive, planHeldWrite, requestFingerprint } from '../../../main/scim/deprovision';
import type { StoredResource } from '../../../main/scim/directory';
import { buildResourceSchemas } from '../../../main/scim/schema/resource-schema';
import { ScimError } from '../../../main/scim/scim-error';

const schemas = buildResourceSchemas([]);
const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const stored = (version: number, doc: Record<string, unknown> = { userName: 'a@contoso.com', active: true }): StoredResource => ({
  kind: 'User',
  id: 'u1',
  doc,
  created: '2026-01-01T00:00:00.000Z',
  lastModified: '2026-01-01T00:00:00.000Z',
  version,
});
const noRules = () => undefined;

describe('deactivates', () => {
  it('is a change of active to false from true or absent', () => {
    assert.equal(deactivates({ active: true }, { active: false }), true);
    assert.equal(deactivates({}, { active: false }), true);
    assert.equal(deactivates({ active: false }, { active: false }), false, 'already inactive: Entra re-sending it deprovisions nobody');
    assert.equal(deactivates({ active: true }, { active: true }), false);
    assert.equal(deactivates({ active: false }, { active: true }), false, 'a re-activation');
  });
});

describe('mayTouchActive', () => {
  it('finds active as a path or as a key of a path-less value', () => {
    assert.equal(mayTouchActive([{ op: 'replace', path: 'active', value: false }]), true);
    assert.equal(mayTouchActive([{ op: 'replace', value: { Active: false, displayName: 'x' } }]), true);
    assert.equal(mayTouchActive([{ op: 'replace', path: 'displayName', value: 'active' }]), false);
    assert.equal(mayTouchActive([{ op: 'add', path: 'emails[type eq "work"].value', value: 'x' }]), false);
  });
});

describe('requestFingerprint', () => {
  it('is the same for a retry and differs for another request', () => {
    const body = { schemas: [PATCH_URN], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] };
    assert.equal(requestFingerprint('PATCH', body), requestFingerprint('PATCH', JSON.parse(JSON.stringify(body))));
    assert.notEqual(requestFingerprint('PATCH', body), requestFingerprint('PUT', body));
    assert.notEqual(requestFingerprint('DELETE', undefined), requestFingerprint('PATCH', body));
  });
});

describe('planHeldWrite', () => {
  const deactivation = { method: 'PATCH' as const, body: { schemas: [PATCH_URN], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }, baseVersion: 3 };

  it('skips a record that is gone', () => {
    assert.deepEqual(planHeldWrite(deactivation, undefined, schemas.User, noRules, { mode: 'hard' }), { type: 'skip', reason: 'the record no longer exists' });
  });

  it('skips a record changed since Entra sent the operation', () => {
    const plan = planHeldWrite(deactivation, stored(4), schemas.User, noRules, { mode: 'hard' });
    assert.equal(plan.type, 'skip');
    assert.match(plan.type === 'skip' ? plan.reason : '', /version 3, now 4/);
  });

  it("applies Entra's PATCH dialect exactly to the record at the held version", () => {
    const plan = planHeldWrite(deactivation, stored(3), schemas.User, noRules, { mode: 'hard' });
    assert.equal(plan.type, 'patch');
    if (plan.type !== 'patch') return;
    const result = plan.apply({ userName: 'a@contoso.com', active: true });
    assert.equal(result.doc['active'], false);
  });

  it('deletes with the retention it is given', () => {
    assert.deepEqual(planHeldWrite({ method: 'DELETE', body: null, baseVersion: 3 }, stored(3), schemas.User, noRules, { mode: 'retain', days: 30 }), {
      type: 'delete',
      retention: { mode: 'retain', days: 30 },
    });
  });

  it('replaces the whole user for a PUT, through the rules', () => {
    const put = { method: 'PUT' as const, body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'a@contoso.com', active: false }, baseVersion: 3 };
    const plan = planHeldWrite(put, stored(3), schemas.User, noRules, { mode: 'hard' });
    assert.equal(plan.type === 'replace' && plan.input.doc['active'], false);
    const refuse = () => {
      throw ScimError.badRequest('invalidValue', 'department is required');
    };
    assert.throws(() => planHeldWrite(put, stored(3), schemas.User, refuse, { mode: 'hard' }), /department is required/);
  });
});
