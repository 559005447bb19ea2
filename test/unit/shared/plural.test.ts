import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plural } from '../../../shared/plural';

describe('plural', () => {
  it('puts the noun in the number of its count, irregular plurals included', () => {
    assert.equal(plural(1, 'snapshot'), '1 snapshot');
    assert.equal(plural(0, 'snapshot'), '0 snapshots');
    assert.equal(plural(2, 'entry', 'entries'), '2 entries');
    assert.equal(plural(1, 'entry', 'entries'), '1 entry');
    assert.equal(plural(12_345, 'user'), '12,345 users');
  });

  it("formats the count the caller's way (the renderer passes the browser's locale)", () => {
    assert.equal(plural(1_000, 'token', undefined, (n) => n.toLocaleString('de-DE')), '1.000 tokens');
  });
});
