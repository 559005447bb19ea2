import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { issueLoginCode } from '../../main/http/admin-access';
import { adminLoginUrl } from '../../main/http/create-admin-app';
import { startTestAdmin, type TestAdmin } from '../support/start-test-admin';
import { clearScreenshots, ensureRendererBuilt, expectText, openBrowser, ROOT, settleAnimations, SHOTS, skipWithoutChromium, type BrowserSession } from './support/browser';

const SKIP = skipWithoutChromium('the Mappings screen');
const URN_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const URN_ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const URN_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTRA_HEADER = 'Date: 2026-01-01, ActivityId: 5b7c2a1e-9d3f-4e8a-b6c4-1f2e3d4c5b6a';

/**
 * Provisioning through the SCIM endpoint with a deliberately wrong Entra mapping — externalId from
 * mailNickname, an attribute nothing stores, the manager written again every cycle — then the
 * Mappings screen in Chromium: each diagnostic listed, the diagram with the marked edges, a click on
 * an edge listing the records affected. Screenshots: test-results/screenshots/3NN-mapping-*.png.
 */
describe('Mappings screen in Chromium', { timeout: 180_000 }, () => {
  let a: TestAdmin | undefined;
  let session: BrowserSession | undefined;
  let page: Page;

  const scim = (path: string, init: RequestInit = {}) => a!.t.scim(path, { ...init, headers: { ADSCIMVersion: ENTRA_HEADER, ...(init.headers as Record<string, string>) } });

  before(
    async () => {
      if (SKIP) return;
      clearScreenshots(/^3\d\d-mapping-|^failed-mapping-/);
      ensureRendererBuilt();
      a = await startTestAdmin({ rendererDir: join(ROOT, 'dist', 'renderer') });
      const boss = (await (await scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'megan.bowen@contoso.com', externalId: randomUUID() }) })).json()) as { id: string };
      const ids: string[] = [];
      for (const nick of ['AdeleV', 'AlexW', 'DiegoS']) {
        const response = await scim('/Users', {
          method: 'POST',
          body: JSON.stringify({ schemas: [URN_USER, URN_ENTERPRISE], userName: `${nick.toLowerCase()}@contoso.com`, externalId: nick, active: true, favouriteColour: 'blue' }),
        });
        assert.equal(response.status, 201);
        ids.push(((await response.json()) as { id: string }).id);
      }
      for (let cycle = 0; cycle < 3; cycle++) {
        const response = await scim(`/Users/${ids[0]}`, { method: 'PATCH', body: JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'Add', path: `${URN_ENTERPRISE}:manager`, value: boss.id }] }) });
        assert.equal(response.status, 200);
      }
      await a.core.syncLog.flush();
      await a.core.admin.handlers['mapping.importEntraSchema'](
        {
          json: JSON.stringify({
            synchronizationRules: [
              {
                objectMappings: [
                  {
                    sourceObjectName: 'User',
                    targetObjectName: 'User',
                    attributeMappings: [
                      { source: { expression: '[mailNickname]' }, targetAttributeName: 'externalId', matchingPriority: 0 },
                      { source: { expression: '[userPrincipalName]' }, targetAttributeName: 'userName', matchingPriority: 1 },
                      { source: { expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' }, targetAttributeName: 'active' },
                      { source: { expression: '[manager]' }, targetAttributeName: `${URN_ENTERPRISE}:manager` },
                      { source: { expression: '[extensionAttribute2]' }, targetAttributeName: 'favouriteColour' },
                    ],
                  },
                ],
              },
            ],
          }),
        },
        { actor: 'e2e' },
      );
      session = await openBrowser();
      page = session.page;
    },
    { timeout: 170_000 },
  );

  after(async () => {
    await session?.close();
    await a?.stop();
  });

  it('lists each diagnostic, draws the diagram with the marked edges, and a click on an edge lists the records affected', { skip: SKIP, timeout: 90_000 }, async () => {
    try {
      const code = await issueLoginCode(a!.core.store, new Date());
      await page.goto(adminLoginUrl(a!.adminPort, code));
      await page.getByRole('main', { name: 'Overview' }).waitFor();
      await page.getByRole('navigation').getByRole('link', { name: 'Mappings', exact: true }).click();
      await page.getByRole('main', { name: 'Mappings' }).waitFor();
      const diagnostics = page.getByRole('table', { name: 'Diagnostics' });
      for (const expected of ['EXTERNAL_ID_NOT_GUID', 'EXTERNAL_ID_NOT_FROM_OBJECT_ID', 'ATTRIBUTE_NOT_STORED', 'REPEATED_WRITE']) {
        await expectText(diagnostics, new RegExp(expected));
      }
      await expectText(page.getByRole('table', { name: 'Mapping table' }), /IsSoftDeleted: "False" → "True", "True" → "False", otherwise \(nothing\)/);
      const diagram = page.getByTestId('mapping-diagram');
      await diagram.getByText('Entra: mailNickname').waitFor();
      await diagram.getByText('(dropped: nothing stores it)').waitFor();
      await diagram.scrollIntoViewIfNeeded();
      await settleAnimations(page);
      await diagram.screenshot({ path: join(SHOTS, '301-mapping-diagram.png') });

      // The externalId edge carries its diagnostics; a click lists the users whose externalId is a mailNickname.
      const externalIdEdge = diagram.locator('.react-flow__edge[aria-label^="mailNickname to externalId"]');
      await expectText(externalIdEdge, /EXTERNAL_ID_NOT_FROM_OBJECT_ID \+1/);
      await externalIdEdge.click({ force: true });
      const affected = page.getByRole('region', { name: 'Affected records: User externalId' });
      await affected.waitFor();
      await expectText(affected, /EXTERNAL_ID_NOT_GUID/);
      await expectText(affected, /EXTERNAL_ID_NOT_FROM_OBJECT_ID/);
      await expectText(affected, /AdeleV/);
      await expectText(affected, /DiegoS/);
      // The manager loop, from the diagnostics list: the user it was written to.
      await page.getByRole('table', { name: 'Diagnostics' }).getByRole('row', { name: /REPEATED_WRITE/ }).getByRole('button', { name: 'Show' }).click();
      await expectText(page.getByRole('region', { name: /Affected records: REPEATED_WRITE/ }), /adelev@contoso\.com/);
      // A rule set on the screen is enforced at the SCIM endpoint: 400 invalidValue naming the attribute.
      const rules = page.getByRole('region', { name: 'Attribute rules' });
      await rules.getByRole('combobox', { name: 'Attribute' }).click();
      await page.getByRole('option', { name: 'User: title', exact: true }).click();
      await rules.getByRole('textbox', { name: 'Allowed values (comma-separated)' }).fill('Engineer, Manager');
      await rules.getByRole('button', { name: 'Add rule' }).click();
      await expectText(rules.getByRole('table', { name: 'Attribute rules' }), /titleone of Engineer, Manager/);
      const refused = await scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'lee.gu@contoso.com', title: 'Director' }) });
      assert.equal(refused.status, 400);
      assert.match(((await refused.json()) as { detail: string }).detail, /title must be one of "Engineer", "Manager"; "Director" is not/);
      await page.screenshot({ path: join(SHOTS, '302-mapping-screen.png'), fullPage: true });
      assert.deepEqual(session!.consoleErrors, []);
    } catch (error) {
      await page?.screenshot({ path: join(SHOTS, 'failed-mapping.png'), fullPage: true }).catch(() => undefined);
      throw error;
    }
  });
});
