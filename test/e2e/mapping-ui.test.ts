import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { issueLoginCode } from '../../main/http/admin-access';
import { adminLoginUrl } from '../../main/http/create-admin-app';
import { startTestAdmin, type TestAdmin } from '../support/start-test-admin';
import { clearScreenshots, ensureRendererBuilt, eventually, expectText, openBrowser, ROOT, settleAnimations, SHOTS, skipWithoutChromium, type BrowserSession } from './support/browser';

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

  /** The Mappings screen afresh (a reload reads the view again). */
  const openMappings = async () => {
    await page.reload();
    await page.getByRole('navigation').getByRole('link', { name: 'Mappings', exact: true }).click();
    await page.getByRole('main', { name: 'Mappings' }).waitFor();
  };
  const choosePreset = async (name: string) => {
    await page.getByRole('combobox', { name: 'Preset' }).click();
    await page.getByRole('option', { name, exact: true }).click();
    await expectText(page.getByRole('combobox', { name: 'Preset' }), name);
  };
  const sheetText = async () => (await page.locator('pre[aria-label="Entra setup sheet"]').textContent()) ?? '';
  /** The rows of one section ("## Users") of the sheet's Markdown table: [source, target, precedence]. */
  const sheetRows = (markdown: string, section: 'Users' | 'Groups') => {
    const lines = markdown.split('\n');
    const start = lines.indexOf(`## ${section}`);
    if (start < 0) return undefined;
    const rows: string[][] = [];
    for (const line of lines.slice(start + 4)) {
      if (!line.startsWith('|')) break;
      rows.push(line.slice(2, -2).split(' | ').map((cell) => cell.trim()));
    }
    return rows;
  };
  const download = async (button: string) => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()]);
    return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
  };

  it('builds the Entra setup sheet for a preset, with its rows, copies it and exports it as Markdown and CSV', { skip: SKIP, timeout: 90_000 }, async () => {
    try {
      await session!.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${a!.adminPort}` });
      await openMappings();
      await choosePreset('Users and groups, externalId from objectId');
      const panel = page.getByRole('region', { name: 'Entra setup sheet' });
      await panel.getByRole('button', { name: 'Build the sheet' }).click();
      await expectText(page.locator('pre[aria-label="Entra setup sheet"]'), /Entra setup sheet: Users and groups, externalId from objectId/);
      const workflowgen = await sheetText();
      assert.match(workflowgen, new RegExp(`- Tenant URL: ${a!.t.baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
      // externalId ← objectId, matching precedence 1, for users and for groups.
      assert.deepEqual(sheetRows(workflowgen, 'Users')?.find((row) => row[1] === 'externalId'), ['objectId', 'externalId', '1']);
      assert.deepEqual(sheetRows(workflowgen, 'Groups')?.find((row) => row[1] === 'externalId'), ['objectId', 'externalId', '1']);
      assert.deepEqual(sheetRows(workflowgen, 'Groups')?.map((row) => row[1]), ['externalId', 'displayName', 'members']);
      await panel.getByRole('button', { name: 'Copy Entra setup sheet' }).click();
      await expectText(page.getByText('Entra setup sheet copied'), /copied/);
      // Typed without the DOM library (these files are type-checked for Node).
      const clipboard = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
      assert.equal(clipboard, workflowgen);
      const markdown = await download('Markdown');
      assert.equal(markdown.name, 'entra-setup-sheet.md');
      assert.equal(markdown.text, workflowgen);
      await panel.screenshot({ path: join(SHOTS, '303-mapping-setup-sheet.png') });

      // Another preset starts another sheet: users only, active from the Switch on IsSoftDeleted.
      await choosePreset('Users only, active from soft delete, mandatory email');
      await panel.getByRole('button', { name: 'Build the sheet' }).click();
      await expectText(page.locator('pre[aria-label="Entra setup sheet"]'), /Entra setup sheet: Users only/);
      const bizagi = await sheetText();
      assert.deepEqual(sheetRows(bizagi, 'Users')?.find((row) => row[1] === 'active'), ['Switch([IsSoftDeleted], , "False", "True", "True", "False")', 'active', '']);
      assert.equal(sheetRows(bizagi, 'Groups'), undefined, 'a users-only preset has no group table');
      assert.match(bizagi, /Provision Microsoft Entra ID Groups: Enabled = No/);
      const csv = await download('CSV');
      assert.equal(csv.name, 'entra-setup-sheet.csv');
      const lines = csv.text.split('\r\n');
      assert.equal(lines[0], 'Object,Entra source attribute or expression,Target attribute (customappsso),Matching precedence,Stored here');
      assert.ok(lines.includes('User,"Switch([IsSoftDeleted], , ""False"", ""True"", ""True"", ""False"")",active,,yes'), csv.text);
      assert.ok(lines.includes('User,userPrincipalName,userName,1,yes'), csv.text);
      assert.ok(!lines.some((line) => line.startsWith('Group,')), csv.text);
      assert.deepEqual(session!.consoleErrors, []);
    } catch (error) {
      await page?.screenshot({ path: join(SHOTS, 'failed-mapping-sheet.png'), fullPage: true }).catch(() => undefined);
      throw error;
    }
  });

  it('keeps every node of the diagram apart when long attribute names and expressions wrap', { skip: SKIP, timeout: 90_000 }, async () => {
    try {
      const long = 'urn:ietf:params:scim:schemas:extension:contoso:2.0:User:aVeryLongCustomAttributeNameThatNothingHereStoresAtAll';
      await a!.core.admin.handlers['mapping.importEntraSchema'](
        {
          json: JSON.stringify({
            synchronizationRules: [
              {
                objectMappings: [
                  {
                    sourceObjectName: 'User',
                    targetObjectName: 'User',
                    attributeMappings: [
                      { source: { expression: '[objectId]' }, targetAttributeName: 'externalId', matchingPriority: 1 },
                      {
                        source: { expression: 'Join(" ", [givenName], [surname], [department], [jobTitle], [companyName], [officeLocation], [employeeId], [extensionAttribute1], [extensionAttribute2])' },
                        targetAttributeName: 'displayName',
                      },
                      {
                        source: { expression: 'Switch([extensionAttribute10], "DefaultValueWhenNothingElseMatches", "FirstVeryLongInputValue", "FirstVeryLongOutputValue", "SecondVeryLongInputValue", "SecondVeryLongOutputValue")' },
                        targetAttributeName: 'title',
                      },
                      { source: { expression: 'Coalesce([extensionAttribute11], [extensionAttribute12], [extensionAttribute13], [extensionAttribute14], "NoValue")' }, targetAttributeName: `${URN_ENTERPRISE}:employeeNumber` },
                      { source: { expression: '[department]' }, targetAttributeName: `${URN_ENTERPRISE}:department` },
                      { source: { expression: '[manager]' }, targetAttributeName: `${URN_ENTERPRISE}:manager` },
                      { source: { expression: 'Append([extensionAttribute3], "@contoso-with-a-long-domain-name.example.com")' }, targetAttributeName: long },
                      { source: { expression: '[mail]' }, targetAttributeName: 'emails[type eq "work"].value' },
                    ],
                  },
                ],
              },
            ],
          }),
        },
        { actor: 'e2e' },
      );
      await openMappings();
      const diagram = page.getByTestId('mapping-diagram');
      await diagram.getByText(/FirstVeryLongInputValue/).waitFor();
      await diagram.scrollIntoViewIfNeeded();
      // The rows are stacked again once the nodes are measured; wait until that has settled.
      const boxes = () =>
        page.locator('[data-testid="mapping-diagram"] .react-flow__node').evaluateAll((nodes) =>
          nodes.map((node) => {
            const element = node as unknown as { textContent: string | null; getBoundingClientRect(): { left: number; top: number; right: number; bottom: number } };
            const box = element.getBoundingClientRect();
            return { label: element.textContent ?? '', left: box.left, top: box.top, right: box.right, bottom: box.bottom };
          }),
        );
      const clashes = async () => {
        const all = await boxes();
        const found: string[] = [];
        // Touching counts: two boxes must be at least a pixel apart on one axis.
        for (let i = 0; i < all.length; i++) {
          for (let j = i + 1; j < all.length; j++) {
            const p = all[i]!;
            const q = all[j]!;
            const apart = p.right + 1 <= q.left || q.right + 1 <= p.left || p.bottom + 1 <= q.top || q.bottom + 1 <= p.top;
            if (!apart) found.push(`"${p.label}" and "${q.label}"`);
          }
        }
        return { count: all.length, found, tallest: Math.max(...all.map((b) => b.bottom - b.top)), lowest: Math.min(...all.map((b) => b.bottom - b.top)) };
      };
      const result = await eventually(async () => {
        const found = await clashes();
        assert.deepEqual(found.found, []);
        return found;
      });
      assert.ok(result.count >= 16, `${result.count} nodes`);
      assert.ok(result.tallest > result.lowest * 2, 'the long expressions wrap onto several lines (the test would prove nothing otherwise)');
      await settleAnimations(page);
      await diagram.screenshot({ path: join(SHOTS, '304-mapping-diagram-long.png') });
      assert.deepEqual(session!.consoleErrors, []);
    } catch (error) {
      await page?.screenshot({ path: join(SHOTS, 'failed-mapping-long.png'), fullPage: true }).catch(() => undefined);
      throw error;
    }
  });
});
