import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupCycles } from '../../../main/mapping/cycles';
import { diagnose } from '../../../main/mapping/diagnostics';
import { readEntraSchema } from '../../../main/mapping/entra-schema';
import { buildMappingRows } from '../../../main/mapping/mapping-model';
import { Observations, type LogRow } from '../../../main/mapping/observe';
import { findPreset } from '../../../main/mapping/presets';
import { buildResourceSchemas } from '../../../main/scim/schema/resource-schema';
import type { PresetId } from '../../../shared/admin/mapping-schemas';

const schemas = buildResourceSchemas([]);
const GUID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

let seq = 0;
/** A sync-log row shaped as the SCIM app records it (detail: request, normalized operations, ignored attributes). */
function row(parts: Partial<LogRow> & { readonly minute?: number; readonly detailJson?: unknown }): LogRow {
  seq++;
  const { minute = 0, detailJson, ...rest } = parts;
  return {
    seq,
    time: new Date(Date.UTC(2026, 0, 1, 10, 0, seq) + minute * 60_000).toISOString(),
    method: 'GET',
    path: '/scim/v2/Users',
    operation: 'list',
    resourceType: 'User',
    resourceId: null,
    userName: null,
    externalId: null,
    displayName: null,
    status: 200,
    error: null,
    detail: detailJson === undefined ? null : JSON.stringify(detailJson),
    ...rest,
  };
}

function run(observations: Observations, preset: PresetId | null = null, entraJson?: unknown) {
  const entra = entraJson === undefined ? null : readEntraSchema(entraJson);
  // Choosing a preset saves its rules; the model reads the saved ones.
  const rows = buildMappingRows({ schemas, preset, rules: findPreset(preset)?.rules ?? [], entra, observations });
  const cycles = groupCycles(observations.logRows, observations.deactivations, observations.startProbes);
  return { cycles, diagnostics: diagnose({ schemas, preset, rows, entra, observations, cycles }) };
}
const codes = (result: ReturnType<typeof run>) => result.diagnostics.map((d) => d.code);

describe('diagnostics, one by one', () => {
  it('finds nothing wrong in a clean directory', () => {
    const o = new Observations();
    o.addResource('User', 'u1', { userName: 'a@contoso.com', externalId: GUID(1), active: true });
    assert.deepEqual(codes(run(o)), []);
  });

  it('DUPLICATE_EXTERNAL_ID: two users holding one objectId, both named', () => {
    const o = new Observations();
    o.addResource('User', 'u1', { userName: 'a@contoso.com', externalId: GUID(1) });
    o.addResource('User', 'u2', { userName: 'b@contoso.com', externalId: GUID(1) });
    const d = run(o).diagnostics.find((x) => x.code === 'DUPLICATE_EXTERNAL_ID')!;
    assert.equal(d.count, 2);
    assert.deepEqual(d.sample.map((s) => s.id), ['u1', 'u2']);
  });

  it('REQUIRED_NEVER_SENT: a required attribute of the preset no user carries', () => {
    const o = new Observations();
    o.addResource('User', 'u1', { userName: 'a@contoso.com', externalId: GUID(1) });
    // bizagi requires the work email and displayName.
    const found = run(o, 'bizagi').diagnostics.filter((d) => d.code === 'REQUIRED_NEVER_SENT').map((d) => d.attribute);
    assert.deepEqual(found.sort(), ['displayName', 'emails[type eq "work"].value']);
  });

  it('EXTERNAL_ID_NOT_FROM_OBJECT_ID from a captured-style schema whose source has no expression text (rebuilt from name/type)', () => {
    const o = new Observations();
    const schema = {
      synchronizationRules: [
        {
          objectMappings: [
            { sourceObjectName: 'Group', targetObjectName: 'urn:ietf:params:scim:schemas:core:2.0:Group', attributeMappings: [{ source: { name: 'displayName', type: 'Attribute' }, targetAttributeName: 'externalId' }] },
          ],
        },
      ],
    };
    const d = run(o, null, schema).diagnostics.find((x) => x.code === 'EXTERNAL_ID_NOT_FROM_OBJECT_ID')!;
    assert.equal(d.resourceType, 'Group');
    assert.match(d.message, /from displayName/);
  });

  it('MASS_DEACTIVATION: a cycle that sets active=false on most users', () => {
    const o = new Observations();
    for (let i = 0; i < 20; i++) o.addResource('User', `u${i}`, { userName: `u${i}@contoso.com`, externalId: GUID(i) });
    for (let i = 0; i < 12; i++) {
      o.addLogRow(
        row({
          method: 'PATCH',
          operation: 'patch',
          resourceId: `u${i}`,
          path: `/scim/v2/Users/u${i}`,
          detailJson: { response: { status: 200 }, request: { Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }, normalized: [{ op: 'replace', path: 'active', value: false }] },
        }),
      );
    }
    const result = run(o);
    assert.equal(result.cycles[0]?.deactivations, 12);
    assert.equal(result.diagnostics.find((d) => d.code === 'MASS_DEACTIVATION')?.count, 12);
  });

  it('QUARANTINE_RISK: a cycle whose failures approach 40 %, naming the first failing request', () => {
    const o = new Observations();
    for (let i = 0; i < 7; i++) o.addLogRow(row({ operation: 'list' }));
    for (let i = 0; i < 4; i++) o.addLogRow(row({ method: 'POST', operation: 'create', path: '/scim/v2/Users', status: 500, error: 'database is locked' }));
    const d = run(o).diagnostics.find((x) => x.code === 'QUARANTINE_RISK')!;
    assert.match(d.message, /36 % of this cycle's requests failed.*POST \/scim\/v2\/Users → 500 \(database is locked\)/);
  });

  describe("cycles anchored on Entra's start-of-cycle probe (a random GUID userName, then a random group)", () => {
    const probe = (minute: number, guid = randomUUID()) => row({ minute, detailJson: { query: { filter: `userName eq "${guid}"` } } });
    const groupProbe = (minute: number) =>
      row({ minute, path: '/scim/v2/Groups', resourceType: 'Group', detailJson: { query: { excludedAttributes: 'members', filter: `displayName eq "${randomUUID()}"` } } });
    const write = (minute: number, operation = 'patch') => row({ minute, method: operation === 'create' ? 'POST' : 'PATCH', operation, resourceId: 'u', status: operation === 'create' ? 201 : 200 });
    const shape = (o: Observations) => run(o).cycles.map((c) => c.requests);

    it('two cycles with no silence between them: the probe starts the second', () => {
      const o = new Observations();
      // Rows seconds apart: the first cycle runs right up to the second's probe.
      for (const r of [row({ minute: 0, path: '/scim/v2/Schemas', operation: 'schemas' }), probe(0), groupProbe(0), write(1, 'create'), write(2), write(3), probe(4), groupProbe(4), write(5), write(6)]) o.addLogRow(r);
      assert.deepEqual(shape(o), [6, 4]);
    });

    it('one long cycle with a silence inside stays one cycle; the next probe starts the next', () => {
      const o = new Observations();
      for (const r of [probe(0), write(1, 'create'), write(2), write(20), write(21), write(40), probe(75), write(76)]) o.addLogRow(r);
      assert.deepEqual(shape(o), [6, 2]);
    });

    it('a GUID userName Entra then creates was a matching lookup (userName from objectId), not the probe', () => {
      const o = new Observations();
      const guid = randomUUID();
      for (const r of [probe(0), write(1), probe(2, guid), row({ minute: 2, method: 'POST', operation: 'create', userName: guid, status: 201 }), write(3)]) o.addLogRow(r);
      assert.deepEqual(shape(o), [5]);
    });

    it('lookups by externalId (an objectId GUID) never start a cycle; without probes, silences still do', () => {
      const o = new Observations();
      for (const r of [write(0), row({ minute: 1, detailJson: { query: { filter: `externalId eq "${randomUUID()}"` } } }), write(2), write(15)]) o.addLogRow(r);
      assert.deepEqual(shape(o), [3, 1]);
    });
  });

  it('a 404 to a lookup by id is not a failure (Entra then creates), and cycles split at 10 minutes of silence', () => {
    const o = new Observations();
    for (let i = 0; i < 12; i++) o.addLogRow(row({ operation: 'get', status: 404, path: `/scim/v2/Users/x${i}` }));
    o.addLogRow(row({ operation: 'list', minute: 45 }));
    const result = run(o);
    assert.deepEqual(codes(result), []);
    assert.deepEqual(
      result.cycles.map((c) => [c.kind, c.requests]),
      [
        ['initial', 12],
        ['incremental', 1],
      ],
    );
  });

  it("MATCHING_NOT_UNIQUE from Entra's probes alone: a lookup by work email (not unique here); userName and externalId lookups are fine", () => {
    const o = new Observations();
    o.addLogRow(row({ detailJson: { response: { status: 200 }, query: { filter: 'userName eq "a@contoso.com"' } } }));
    o.addLogRow(row({ detailJson: { response: { status: 200 }, query: { filter: `externalId eq "${GUID(1)}"` } } }));
    assert.deepEqual(codes(run(o)), []);
    o.addLogRow(row({ detailJson: { response: { status: 200 }, query: { filter: 'emails[type eq "work"].value eq "a@contoso.com"' } } }));
    const d = run(o).diagnostics.find((x) => x.code === 'MATCHING_NOT_UNIQUE')!;
    assert.equal(d.attribute, 'emails[type eq "work"].value');
    assert.equal(d.sample[0]?.seq, seq);
  });

  it('REPEATED_WRITE needs the same value three times: two writes, or three different values, are not a loop', () => {
    const o = new Observations();
    const write = (value: string) =>
      o.addLogRow(row({ method: 'PATCH', operation: 'patch', resourceId: 'u1', detailJson: { normalized: [{ op: 'replace', path: 'title', value }] } }));
    write('Chef');
    write('Chef');
    write('Cook');
    write('Baker');
    assert.deepEqual(codes(run(o)), []);
    write('Chef');
    assert.deepEqual(codes(run(o)), ['REPEATED_WRITE']);
  });
});
