import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RECOMMENDED_RESET_SCOPE, RESET_SCOPE_MEANING, RESET_SCOPES, ResetScopeRefusedError, toResetScope, WIPING_RESET_SCOPES } from '../../../main/graph/reset-scope';

describe('toResetScope', () => {
  it("joins safe scopes comma-separated, like the admin center's Restart", () => {
    assert.equal(toResetScope(RECOMMENDED_RESET_SCOPE), 'Watermark,Escrows,QuarantineState');
    assert.equal(toResetScope(['Watermark', 'Watermark']), 'Watermark');
  });

  it('refuses the scopes that wipe the connector data store, and ForceDeletes, unless insisted', () => {
    assert.deepEqual(WIPING_RESET_SCOPES, ['ConnectorDataStore', 'Full']);
    for (const scopes of [['ConnectorDataStore'], ['Full'], ['Escrows', 'Full'], ['ForceDeletes']]) {
      assert.throws(() => toResetScope(scopes), ResetScopeRefusedError, scopes.join(','));
      assert.equal(toResetScope(scopes, { insist: true }), scopes.join(','));
    }
  });

  it('refuses unknown and empty scopes', () => {
    assert.throws(() => toResetScope(['Everything']), /Unknown reset scope: Everything/);
    assert.throws(() => toResetScope([]), /at least one/);
  });

  it('has words for every scope Graph defines', () => {
    assert.deepEqual(Object.keys(RESET_SCOPE_MEANING).sort(), [...RESET_SCOPES].sort());
  });
});
