import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createCore } from '../../main/core/create-core';
import type { MappingView } from '../../shared/admin/mapping-schemas';
import { startTestCore, type TestCore } from '../support/start-test-core';
import { readScim, URN_ENTERPRISE, URN_PATCH, URN_USER } from './protocol-helpers';

const ctx = { actor: 'test' };
const ENTRA_HEADERS = { adscimversion: '2024-01-01' };

/**
 * Entra provisioning through the real SCIM endpoint with a deliberately wrong mapping (externalId
 * from mailNickname, an attribute nothing stores, an extension under an unadvertised URN, the same
 * manager written cycle after cycle, matching on mail), then the diagnostics as the admin reads them.
 */
describe('mapping diagnostics over real SCIM traffic', () => {
  let t: TestCore;
  let view: MappingView;
  const ids: string[] = [];

  const scim = (path: string, init: RequestInit = {}) => t.scim(path, { ...init, headers: { ...ENTRA_HEADERS, ...(init.headers as Record<string, string>) } });

  before(async () => {
    t = await startTestCore();
    const boss = await readScim(await scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'boss@contoso.com', externalId: randomUUID(), active: true }) }), 201);
    for (const nick of ['adele', 'alex', 'megan']) {
      // Entra's default: externalId ← mailNickname; plus an attribute ScimDesk has no schema for and an unadvertised extension.
      await scim(`/Users?filter=${encodeURIComponent(`emails[type eq "work"].value eq "${nick}@contoso.com"`)}`);
      const user = await readScim(
        await scim('/Users', {
          method: 'POST',
          body: JSON.stringify({
            schemas: [URN_USER, URN_ENTERPRISE],
            userName: `${nick}@contoso.com`,
            externalId: nick,
            active: true,
            emails: [{ value: `${nick}@contoso.com`, type: 'work', primary: true }],
            favouriteColour: 'blue',
            'urn:ietf:params:scim:schemas:extension:acme:2.0:User': { role: 'Admin' },
          }),
        }),
        201,
      );
      ids.push(user.id);
    }
    // The same manager written three times: Entra does not see it echoed and writes it again each cycle.
    for (let i = 0; i < 3; i++) {
      const response = await scim(`/Users/${ids[0]}`, {
        method: 'PATCH',
        body: JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'Add', path: `${URN_ENTERPRISE}:manager`, value: boss.id }] }),
      });
      assert.equal(response.status, 200);
    }
    // A userName that differs from a stored one only by case.
    assert.equal((await scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'ADELE@contoso.com', externalId: randomUUID() }) })).status, 409);
    // Groups, though the preset below takes users only.
    await readScim(await scim('/Groups', { method: 'POST', body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Sales', externalId: 'sales' }) }), 201);
    await t.core.syncLog.flush();
    await t.core.admin.handlers['mapping.choosePreset']({ preset: 'dragonce' }, ctx);
    await t.core.admin.handlers['mapping.importEntraSchema'](
      {
        json: JSON.stringify({
          synchronizationRules: [
            {
              objectMappings: [
                {
                  enabled: true,
                  sourceObjectName: 'User',
                  targetObjectName: 'User',
                  attributeMappings: [
                    { source: { expression: '[mailNickname]', name: 'mailNickname', type: 'Attribute' }, targetAttributeName: 'externalId', matchingPriority: 0 },
                    { source: { expression: '[mail]', name: 'mail', type: 'Attribute' }, targetAttributeName: 'emails[type eq "work"].value', matchingPriority: 1 },
                    { source: { expression: '[jobTitle]', name: 'jobTitle', type: 'Attribute' }, targetAttributeName: 'title', matchingPriority: 0 },
                    { source: { expression: '[extensionAttribute1]', name: 'extensionAttribute1', type: 'Attribute' }, targetAttributeName: 'shoeSize', matchingPriority: 0 },
                  ],
                },
              ],
            },
          ],
        }),
      },
      ctx,
    );
    view = await t.core.admin.handlers['mapping.view']({}, ctx);
  });

  after(async () => {
    await t.stop();
  });

  const find = (code: string, attribute?: string) => {
    const found = view.diagnostics.find((d) => d.code === code && (attribute === undefined || d.attribute === attribute));
    assert.ok(found, `${code}${attribute ? ` on ${attribute}` : ''} in ${JSON.stringify(view.diagnostics.map((d) => [d.code, d.attribute]))}`);
    return found;
  };

  it('externalIds that are not GUIDs, with the records and the fix', () => {
    const d = find('EXTERNAL_ID_NOT_GUID');
    assert.equal(d.count, 3);
    assert.deepEqual(d.sample.map((s) => s.value).sort(), ['adele', 'alex', 'megan']);
    assert.match(d.fix, /objectId/);
  });
  it("Entra's schema maps externalId from mailNickname", () => assert.match(find('EXTERNAL_ID_NOT_FROM_OBJECT_ID').message, /mailNickname/));
  it('an attribute Entra sends that nothing stores, with the requests that show it', () => {
    const d = find('ATTRIBUTE_NOT_STORED', 'favouriteColour');
    assert.equal(d.count, 3);
    assert.ok(d.sample.every((s) => s.seq !== null));
  });
  it('a mapped attribute with no schema here (from the Entra schema alone)', () => {
    find('ATTRIBUTE_NOT_STORED', 'shoeSize');
  });
  it('an extension sent under a URN /Schemas does not advertise', () => {
    find('EXTENSION_URN_NOT_ADVERTISED', 'urn:ietf:params:scim:schemas:extension:acme:2.0:User');
  });
  it('an attribute mapped in Entra that never arrives', () => {
    find('MAPPED_NEVER_ARRIVES', 'title');
  });
  it('a required attribute never sent (the preset requires externalId; groups aside, every user has one, so not reported)', () => {
    assert.equal(view.diagnostics.find((d) => d.code === 'REQUIRED_NEVER_SENT' && d.attribute === 'externalId'), undefined);
  });
  it('matching on mail, which is not unique here (from the probes and from the schema)', () => {
    find('MATCHING_NOT_UNIQUE', 'emails[type eq "work"].value');
  });
  it('the manager written again and again, naming the response shape', () => {
    const d = find('REPEATED_WRITE', `${URN_ENTERPRISE}:manager`);
    assert.equal(d.count, 1);
    assert.equal(d.sample[0]?.id, ids[0]);
    assert.match(d.fix, /"\$ref"/);
  });
  it('a userName that differs only by case', () => assert.equal(find('USERNAME_CASE_ONLY').sample[0]?.value, 'ADELE@contoso.com'));
  it('groups provisioned to a users-only target', () => {
    find('GROUPS_TO_USERS_ONLY_TARGET');
  });
  it('rows carry what the records show and the Entra source, and name their diagnostics', () => {
    const externalId = view.rows.find((r) => r.resourceType === 'User' && r.attribute === 'externalId')!;
    assert.equal(externalId.entraSource, 'mailNickname');
    assert.equal(externalId.recommendedSource, 'objectId');
    assert.equal(externalId.observed.records, 4);
    assert.ok(externalId.diagnostics.includes('EXTERNAL_ID_NOT_GUID'));
    const mail = view.rows.find((r) => r.attribute === 'emails[type eq "work"].value')!;
    assert.equal(mail.observed.records, 3);
    assert.match(mail.observed.sample ?? '', /^ad…om$|^al…om$|^me…om$/);
    assert.ok(mail.observed.lastSeen);
    assert.equal(view.rows.some((r) => r.resourceType === 'Group'), false, 'a users-only preset has no group rows');
  });
  it('one cycle, initial, with its creates, updates and the 409', () => {
    assert.equal(view.cycles.length, 1);
    const cycle = view.cycles[0]!;
    assert.equal(cycle.kind, 'initial');
    assert.equal(cycle.creates, 5);
    assert.equal(cycle.updates, 3);
    assert.deepEqual(cycle.errors, [{ endpoint: 'POST /Users', status: 409, count: 1 }]);
  });
});

describe('per-attribute rules at the SCIM endpoint', () => {
  let t: TestCore;
  before(async () => {
    t = await startTestCore();
  });
  it('answers a violation with 400 invalidValue naming the attribute, on POST, PUT and PATCH; a preset adds its extension and rules', async () => {
    await t.core.admin.handlers['mapping.choosePreset']({ preset: 'workato' }, ctx);
    const role = 'urn:ietf:params:scim:schemas:workato:1.0:WorkatoRole';
    const schemas = await readScim(await t.scim('/Schemas'), 200);
    assert.ok(schemas.Resources.some((s: { id: string }) => s.id === role), '/Schemas advertises the preset extension');
    await t.core.admin.handlers['mapping.saveRules'](
      { rules: [{ resourceType: 'User', attribute: `${role}:workato_role`, required: false, maxLength: null, pattern: null, allowedValues: ['Admin', 'Analyst'] }] },
      ctx,
    );
    const bad = await t.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER, role], userName: 'a@contoso.com', [role]: { workato_role: 'Owner' } }) });
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as { scimType: string; detail: string };
    assert.equal(body.scimType, 'invalidValue');
    assert.match(body.detail, /workato_role must be one of "Admin", "Analyst"; "Owner" is not/);
    const user = await readScim(await t.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER, role], userName: 'a@contoso.com', [role]: { workato_role: 'Admin' } }) }), 201);
    const patched = await t.scim(`/Users/${user.id}`, { method: 'PATCH', body: JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'replace', path: `${role}:workato_role`, value: 'Root' }] }) });
    assert.equal(patched.status, 400);
    const put = await t.scim(`/Users/${user.id}`, { method: 'PUT', body: JSON.stringify({ schemas: [URN_USER, role], userName: 'a@contoso.com', [role]: { workato_role: 'Root' } }) });
    assert.equal(put.status, 400);
    assert.equal((await readScim(await t.scim(`/Users/${user.id}`), 200))[role].workato_role, 'Admin', 'nothing of a refused write is kept');
  });

  it('the rules survive a restart (kept in the settings) and are enforced from the first request', async () => {
    await t.core.stop();
    const core = await createCore({ dataDir: t.dataDir, host: '127.0.0.1', port: 0, fileLogs: false });
    try {
      const started = await core.start();
      const { token } = await core.admin.handlers['token.generate']({ lifetimeDays: 0 }, ctx);
      const role = 'urn:ietf:params:scim:schemas:workato:1.0:WorkatoRole';
      const bad = await fetch(`${started.scimUrl}/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ schemas: [URN_USER, role], userName: 'b@contoso.com', [role]: { workato_role: 'Owner' } }),
      });
      assert.equal(bad.status, 400);
      const view = await core.admin.handlers['mapping.view']({}, ctx);
      assert.equal(view.rules.length, 1);
      assert.equal(view.preset, 'workato');
    } finally {
      await core.stop();
      rmSync(t.dataDir, { recursive: true, force: true });
    }
  });
});
