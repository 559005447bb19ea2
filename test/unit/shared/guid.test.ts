import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminMethods, ObjectId } from '../../../shared/admin/contract';
import { GraphConnectInput } from '../../../shared/admin/entra-schemas';
import { isGuid } from '../../../shared/guid';
import { syntheticGuid } from '../../fixtures/reconcile/synthetic-directory';

const GUIDS = ['0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', '0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0', syntheticGuid(42)];
const NOT_GUIDS = [
  '',
  'jdoe',
  '{0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}',
  '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1fg',
  ' 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
  // 36 characters of the GUID alphabet, dashes misplaced.
  '0f1e2d3c4-b5a-6978-8796-a5b4c3d2e1f0',
  '-'.repeat(36),
];

describe('isGuid', () => {
  it('accepts the 8-4-4-4-12 hex form in either case', () => {
    for (const value of GUIDS) assert.ok(isGuid(value), value);
  });
  it('rejects everything else', () => {
    for (const value of NOT_GUIDS) assert.equal(isGuid(value), false, value);
  });
});

describe("the admin contract's GUID fields", () => {
  const connect = (tenantId: string) =>
    GraphConnectInput.safeParse({ tenantId, clientId: GUIDS[0], cloud: 'global', auth: { kind: 'secret', clientSecret: 's' } }).success;

  it('accept exactly what isGuid accepts', () => {
    const onDemand = adminMethods['entra.provisionOnDemand'].input;
    for (const value of [...GUIDS, ...NOT_GUIDS]) {
      assert.equal(ObjectId.safeParse(value).success, isGuid(value), `ObjectId ${JSON.stringify(value)}`);
      assert.equal(onDemand.safeParse({ jobId: 'j', userObjectId: value }).success, isGuid(value), `userObjectId ${JSON.stringify(value)}`);
      assert.equal(GraphConnectInput.safeParse({ tenantId: GUIDS[0], clientId: value, cloud: 'global', auth: { kind: 'secret' } }).success, isGuid(value), `clientId ${JSON.stringify(value)}`);
    }
  });

  it('take a tenant as a GUID or a domain, and refuse 36 GUID characters out of GUID form', () => {
    assert.ok(connect(GUIDS[1]!));
    assert.ok(connect('contoso.onmicrosoft.com'));
    assert.equal(connect('-'.repeat(36)), false);
    assert.equal(connect('0f1e2d3c4-b5a-6978-8796-a5b4c3d2e1f0'), false);
  });
});
