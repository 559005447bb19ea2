import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { maskEmail, maskValue, Redactor, REMOVED } from '../../../../main/admin/support/redactor';

/** The support bundle's redactor (main/admin/support/redactor.ts) on inputs built to slip through. */

const GUID = '9f3b2c1d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';
const text = (value: unknown) => JSON.stringify(value);

describe('support bundle redaction', () => {
  it('masks an email to its first character and domain, any other value to its first character, and keeps GUIDs', () => {
    assert.equal(maskEmail('john.smith@contoso.com'), 'j***@contoso.com');
    assert.equal(maskValue('john.smith@contoso.com'), 'j***@contoso.com');
    assert.equal(maskValue('John Smith'), 'J***');
    assert.equal(maskValue('Ünal Çelik'), 'Ü***');
    assert.equal(maskValue('😀 emoji first'), '😀***');
    assert.equal(maskValue(GUID), GUID);
    assert.equal(maskValue(''), '');
  });

  it('masks every string of a SCIM body not on the allow-list, at any depth and inside arrays of arrays', () => {
    const r = new Redactor();
    const body = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: GUID,
      externalId: 'jsmith-not-a-guid',
      userName: 'john.smith@contoso.com',
      active: true,
      name: { givenName: 'John', familyName: 'Smith', formatted: 'John Smith' },
      emails: [{ value: 'john.private@gmail.com', type: 'work', primary: true }],
      phoneNumbers: [{ value: '+1 425 555 0100', type: 'mobile' }],
      addresses: [{ streetAddress: '1 Microsoft Way', locality: 'Redmond', postalCode: '98052', country: 'US' }],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '4711', manager: { value: GUID } },
      weird: [[['deep secretless string', [{ x: 'another one' }]]], 42, null, false],
    };
    const out = r.scim(body) as typeof body;
    assert.deepEqual(out.schemas, body.schemas);
    assert.equal(out.id, GUID);
    assert.equal(out.externalId, 'j***');
    assert.equal(out.userName, 'j***@contoso.com');
    assert.equal(out.active, true);
    assert.deepEqual(out.name, { givenName: 'J***', familyName: 'S***', formatted: 'J***' });
    assert.deepEqual(out.emails, [{ value: 'j***@gmail.com', type: 'work', primary: true }]);
    assert.equal(out.phoneNumbers[0]!.value, '+***');
    assert.deepEqual(out.addresses[0], { streetAddress: '1***', locality: 'R***', postalCode: '9***', country: 'U***' });
    assert.deepEqual(out['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'], { employeeNumber: '4***', manager: { value: GUID } });
    assert.deepEqual(out.weird, [[['d***', [{ x: 'a***' }]]], 42, null, false]);
    for (const secret of ['john', 'smith', 'private', '0100', 'Microsoft Way', '98052', '4711', 'deep']) assert.ok(!text(out).toLowerCase().includes(secret.toLowerCase()), secret);
  });

  it("keeps a PATCH operation's value when its path is a safe attribute (active), masks it otherwise, in path-less form too", () => {
    const r = new Redactor();
    const out = r.scim({
      Operations: [
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Replace', path: 'displayName', value: 'Jane Doe' },
        { op: 'Add', path: 'emails[type eq "work"].value', value: 'jane@contoso.com' },
        { op: 'Replace', value: { displayName: 'Jane Doe', 'name.givenName': 'Jane', active: false } },
        { op: 'Add', path: 'members', value: [{ value: GUID, display: 'Jane Doe' }] },
      ],
    });
    assert.deepEqual(out, {
      Operations: [
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Replace', path: 'displayName', value: 'J***' },
        { op: 'Add', path: 'emails[type eq "w***"].value', value: 'j***@contoso.com' },
        { op: 'Replace', value: { displayName: 'J***', 'name.givenName': 'J***', active: false } },
        { op: 'Add', path: 'members', value: [{ value: GUID, display: 'J***' }] },
      ],
    });
  });

  it('masks emails inside free text: error messages, filters, URL-encoded query strings', () => {
    const r = new Redactor();
    assert.equal(r.text('userName eq "a@b.com"'), 'userName eq "a***@b.com"');
    assert.equal(r.text(`userName eq 'adele.vance@contoso.com' and active eq true`), `userName eq 'a***@contoso.com' and active eq true`);
    assert.equal(r.text('displayName eq "Adele Vance" or displayName sw "Ad"'), 'displayName eq "A***" or displayName sw "A***"');
    assert.equal(r.text('/scim/v2/Users?filter=userName%20eq%20%22adele.vance%40contoso.com%22&count=1'), '/scim/v2/Users?filter=userName eq "a***@contoso.com"&count=1');
    assert.equal(r.text('/Users?filter=userName+eq+%22x.y%40contoso.com%22'), '/Users?filter=userName eq "x***@contoso.com"');
    assert.equal(r.text('Unknown user adele.vance@contoso.com (contact admin@contoso.com)'), 'Unknown user a***@contoso.com (contact a***@contoso.com)');
    // Apostrophes of ordinary words are not quotes; protocol words in quotes stay; GUIDs stay.
    assert.equal(r.text(`Entra's request can't be read: op 'Replace' on "${GUID}"`), `Entra's request can't be read: op 'Replace' on "${GUID}"`);
    // Broken URL encoding does not throw.
    assert.equal(r.text('filter=userName%20eq%20%22a%40b.com%22%E0%A4%A'), 'filter=userName eq "a***@b.com"à¤%A');
  });

  it('masks a personal value seen elsewhere wherever free text repeats it, case-insensitively', () => {
    const r = new Redactor();
    r.collect({ userName: 'jdoe42', displayName: 'Jane Doe', name: { givenName: 'Janette' }, emails: [{ value: 'jd@x.org', type: 'work' }] });
    r.collect({ Operations: [{ op: 'Replace', path: 'name.familyName', value: 'Doeberg' }] });
    assert.equal(r.text('User JANE DOE (jdoe42) was renamed from Janette Doeberg'), 'User J*** (j***) was renamed from J*** D***');
    // Short values and booleans are not remembered: they would mask ordinary words.
    r.collect({ displayName: 'Al', nickName: 'true' });
    assert.equal(r.text('Always true'), 'Always true');
  });

  it('removes secrets by key wherever they sit, keeping facts about them', () => {
    const r = new Redactor();
    const out = r.view({
      graph: { clientSecret: 'abc~def', secretStored: true, secretStore: 'Windows Credential Manager' },
      ngrok: { authtoken: { set: true, hint: '••••wxyz' } },
      nested: [{ password: 'p4ss' }, { Authorization: 'Bearer scimdesk_abc' }, { apiKey: 'k' }, { key: 'raw key' }],
      token: 'scimdesk_live_token',
    });
    assert.deepEqual(out, {
      graph: { clientSecret: REMOVED, secretStored: true, secretStore: 'Windows Credential Manager' },
      ngrok: { authtoken: { set: true, hint: '••••wxyz' } },
      nested: [{ password: REMOVED }, { Authorization: REMOVED }, { apiKey: REMOVED }, { key: REMOVED }],
      token: REMOVED,
    });
    const scim = r.scim({ password: 'P@ssw0rd', 'urn:x:User:password': 'x', nested: { accessToken: 'eyJ' } });
    assert.deepEqual(scim, { password: REMOVED, 'urn:x:User:password': REMOVED, nested: { accessToken: REMOVED } });
  });

  it("masks a diagnostic's affected records and home folders in views, keeping the words", () => {
    const r = new Redactor();
    const out = r.view({
      dataDir: 'C:\\Users\\adele.vance\\AppData\\Roaming\\ScimDesk',
      linux: '/home/adele/.config/scimdesk',
      diagnostics: [{ code: 'duplicateEmail', message: 'Two users share adele@contoso.com', sample: [{ id: GUID, name: 'Adele Vance', value: 'adele@contoso.com', seq: 3 }] }],
      rows: [{ attribute: 'userName', observed: { records: 3, sample: 'a…e' } }],
    }) as Record<string, unknown>;
    assert.equal(out['dataDir'], 'C:\\Users\\***\\AppData\\Roaming\\ScimDesk');
    assert.equal(out['linux'], '/home/***/.config/scimdesk');
    assert.deepEqual(out['diagnostics'], [{ code: 'duplicateEmail', message: 'Two users share a***@contoso.com', sample: [{ id: GUID, name: 'A***', value: 'a***@contoso.com', seq: 3 }] }]);
    assert.deepEqual(out['rows'], [{ attribute: 'userName', observed: { records: 3, sample: 'a***' } }]);
  });

  it('survives arbitrary JSON: email keys, nesting past the limit, and never leaves an email whole', () => {
    const r = new Redactor();
    let deep: unknown = 'bottom@contoso.com';
    for (let i = 0; i < 200; i++) deep = [deep];
    const out = text(r.scim({ 'who@contoso.com': 1, deep }));
    assert.ok(!out.includes('who@'), out.slice(0, 200));
    assert.ok(!out.includes('bottom@'));
    // Property: any email, anywhere in any JSON, comes out without its local part.
    const local = fc.stringMatching(/^[a-z][a-z0-9._-]{2,15}$/);
    fc.assert(
      fc.property(local, fc.anything({ maxDepth: 3 }), fc.constantFrom('value', 'userName', 'detail', 'path', 'notes', 'x', 'op', 'error'), fc.boolean(), (name, noise, key, inText) => {
        const email = `${name}@contoso.com`;
        const value = inText ? `user ${email} failed` : email;
        const doc = { noise, [key]: value, list: [noise, { [key]: [value] }] };
        const redacted = text(new Redactor().scim(doc)) + text(new Redactor().view(doc));
        return !redacted.includes(`${name}@`);
      }),
      { numRuns: 300 },
    );
  });
});
