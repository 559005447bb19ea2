import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CsvImportError, importEntraUsersCsv, parseCsv, type CsvProblem } from '../../../main/reconcile/csv-import';
import { fixtureRoot } from './reconcile-fixtures';

const options = { importedAt: '2025-03-01T09:00:00.000Z' };
const readCsv = (name: string) => readFileSync(join(fixtureRoot, 'csv', name), 'utf8');

function problemsOf(text: string): CsvProblem[] {
  try {
    importEntraUsersCsv(text, options);
  } catch (error) {
    assert.ok(error instanceof CsvImportError, String(error));
    return [...error.problems];
  }
  assert.fail('expected a CsvImportError');
}

describe('importEntraUsersCsv', () => {
  it('reads the documented export (API-style headers, BOM, CRLF, quoted commas, quotes and line breaks)', () => {
    const snapshot = importEntraUsersCsv(readCsv('api-style.csv'), { ...options, tenantId: 'tenant-1' });
    assert.equal(snapshot.source, 'csv');
    assert.equal(snapshot.scope, null);
    assert.equal(snapshot.fetchedAt, options.importedAt);
    assert.equal(snapshot.tenantId, 'tenant-1');
    assert.deepEqual(snapshot.groups, []);
    assert.deepEqual(snapshot.users, [
      {
        objectId: '0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0',
        userPrincipalName: 'alice@contoso.com',
        displayName: 'Adams, Alice',
        mail: 'alice@contoso.com',
        mailNickname: null,
        accountEnabled: true,
        employeeId: null,
      },
      {
        objectId: '1A2B3C4D-5E6F-4A7B-8C9D-0E1F2A3B4C5D',
        userPrincipalName: 'bob@contoso.com',
        displayName: 'Bob Brown',
        mail: null,
        mailNickname: null,
        accountEnabled: false,
        employeeId: null,
      },
      {
        objectId: '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901',
        userPrincipalName: 'guest_ext#EXT#@contoso.onmicrosoft.com',
        displayName: "=cmd|'/c calc'!A1",
        mail: 'guest@fabrikam.example',
        mailNickname: null,
        accountEnabled: null,
        employeeId: null,
      },
    ]);
  });

  it('reads display-style headers (id, Display name, User principal name, Email, Alias, Account enabled, Employee ID)', () => {
    const snapshot = importEntraUsersCsv(readCsv('display-style.csv'), options);
    assert.deepEqual(snapshot.users, [
      {
        objectId: '3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b',
        userPrincipalName: 'carol@contoso.com',
        displayName: 'Carol Clark',
        mail: 'carol@contoso.com',
        mailNickname: 'carol',
        accountEnabled: true,
        employeeId: 'E-100',
      },
      {
        objectId: '4d5e6f70-8192-43a4-b5c6-d7e8f90a1b2c',
        userPrincipalName: 'dan@contoso.com',
        displayName: 'Dan "The Man" Davis',
        mail: null,
        mailNickname: 'dan',
        accountEnabled: false,
        employeeId: null,
      },
    ]);
  });

  it('reads bulk-template headers: a version line, "Label [property]", semicolons, and Block sign in as the opposite of accountEnabled', () => {
    const snapshot = importEntraUsersCsv(readCsv('bulk-template-style.csv'), options);
    assert.deepEqual(
      snapshot.users.map((u) => [u.userPrincipalName, u.displayName, u.accountEnabled]),
      [
        ['erin@contoso.com', 'Erin Evans', true],
        ['frank@contoso.com', 'Frank Fox', false],
      ],
    );
  });

  it('matches header names case-insensitively, ignoring spaces, dashes, underscores and dots', () => {
    const text = 'OBJECT_ID,User-Principal.Name,MAILNICKNAME,employeeid\n0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0,a@b.c,al,7\n';
    assert.deepEqual(importEntraUsersCsv(text, options).users[0], {
      objectId: '0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0',
      userPrincipalName: 'a@b.c',
      displayName: null,
      mail: null,
      mailNickname: 'al',
      accountEnabled: null,
      employeeId: '7',
    });
  });

  it('accepts a header with no data rows, a lone CR line end, and skips blank lines', () => {
    assert.deepEqual(importEntraUsersCsv('id,userPrincipalName\r\n', options).users, []);
    const users = importEntraUsersCsv('id,userPrincipalName\r\r\n0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0,a@b.c\r\n\r\n', options).users;
    assert.equal(users.length, 1);
  });

  it('refuses a file without an id column, naming what it found', () => {
    const [problem, ...rest] = problemsOf('\uFEFFuserPrincipalName,displayName\r\na@b.c,A\r\n');
    assert.equal(rest.length, 0);
    assert.equal(problem?.line, 1);
    assert.match(problem?.message ?? '', /no id \(Object Id\) column in the header \(found: 'userPrincipalName', 'displayName'\)/);
  });

  it('refuses a file without a user principal name column', () => {
    assert.match(problemsOf('id,mail\n').map((p) => p.message).join(), /no userPrincipalName/);
  });

  it('refuses an empty file', () => {
    assert.match(problemsOf('').map((p) => p.message).join(), /empty/);
    assert.match(problemsOf('\uFEFF\r\n\r\n').map((p) => p.message).join(), /empty/);
  });

  it('names the line and column of a row without an id, a non-GUID id, a repeated id, an empty UPN and a bad boolean', () => {
    const text = [
      'userPrincipalName,Object Id,Account enabled',
      'a@b.c,,true',
      'b@b.c,jdoe,true',
      'c@b.c,0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0,true',
      'd@b.c,0F1E2D3C-4B5A-4978-8796-A5B4C3D2E1F0,true',
      ',1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d,maybe',
    ].join('\r\n');
    const problems = problemsOf(text);
    assert.deepEqual(
      problems.map((p) => [p.line, p.column, p.columnNumber]),
      [
        [2, 'Object Id', 2],
        [3, 'Object Id', 2],
        [5, 'Object Id', 2],
        [6, 'userPrincipalName', 1],
        [6, 'Account enabled', 3],
      ],
    );
    assert.match(problems[0]?.message ?? '', /no object id/);
    assert.match(problems[1]?.message ?? '', /'jdoe' is not an object id/);
    assert.match(problems[2]?.message ?? '', /appears again \(first on line 4\)/);
    assert.match(problems[4]?.message ?? '', /'maybe' is not true or false/);
  });

  it('says so in the error message too', () => {
    assert.throws(
      () => importEntraUsersCsv('id,userPrincipalName\nnope,a@b.c\n', options),
      (error: unknown) => error instanceof CsvImportError && /line 2, column 'id' \(1\): 'nope' is not an object id/.test(error.message),
    );
  });

  it('counts physical lines, so a quoted line break moves later line numbers', () => {
    const text = 'id,userPrincipalName,displayName\n0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0,a@b.c,"two\nlines"\nbad,b@b.c,x\n';
    assert.deepEqual(problemsOf(text).map((p) => p.line), [4]);
  });

  it('refuses a row with more or fewer fields than the header', () => {
    const problems = problemsOf('id,userPrincipalName\n0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0,a@b.c,extra\n1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d\n');
    assert.deepEqual(problems.map((p) => [p.line, p.message]), [
      [2, '3 fields, but the header has 2'],
      [3, '1 fields, but the header has 2'],
    ]);
  });

  it('refuses an unclosed quote at the line where it opened', () => {
    const problems = problemsOf('id,userPrincipalName\n0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0,"a@b.c\nmore\n');
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.line, 2);
    assert.equal(problems[0]?.column, 'userPrincipalName');
    assert.match(problems[0]?.message ?? '', /never closed/);
  });

  it('refuses stray quotes inside or after a field', () => {
    const problems = problemsOf('id,userPrincipalName\n0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0,"a@b.c"x\n1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d,b"@b.c\n');
    assert.deepEqual(problems.map((p) => [p.line, p.columnNumber]), [
      [2, 2],
      [3, 2],
    ]);
  });
});

describe('parseCsv', () => {
  it('follows RFC 4180: quoted delimiters, doubled quotes, line breaks, empty fields, trailing delimiter', () => {
    assert.deepEqual(
      parseCsv('a,"b,c","d""e","f\r\ng",\r\n,,\n').map((r) => r.fields),
      [
        ['a', 'b,c', 'd"e', 'f\r\ng', ''],
        ['', '', ''],
      ],
    );
  });

  it('drops the byte order mark and records where each record starts', () => {
    const records = parseCsv('\uFEFFx\n"y\nz"\nw');
    assert.deepEqual(records.map((r) => [r.line, r.fields]), [
      [1, ['x']],
      [2, ['y\nz']],
      [4, ['w']],
    ]);
  });
});
