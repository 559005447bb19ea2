import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compareDirectories } from '../../../main/reconcile/compare';
import { importEntraUsersCsv, parseCsv } from '../../../main/reconcile/csv-import';
import { csvCell, REPORT_CSV_COLUMNS, toReportCsv } from '../../../main/reconcile/report-csv';
import { fixtureRoot, toSnapshots } from './reconcile-fixtures';

describe('toReportCsv', () => {
  const entra = importEntraUsersCsv(readFileSync(join(fixtureRoot, 'csv', 'api-style.csv'), 'utf8'), { importedAt: 'T' });
  const { local } = toSnapshots({
    entra: { scope: null },
    local: {
      users: [
        { id: 'u1', userName: 'alice@contoso.com', externalId: '0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0', displayName: 'Alice, "Al" Adams', emails: ['alice@contoso.com'], active: true },
        { id: 'u2', userName: '+33 1 23 45 67 89', displayName: '=HYPERLINK("http://evil.example","click")', emails: ['@SUM(A1:A9)'] },
        { id: 'u3', userName: 'guest@fabrikam.example', externalId: '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901', emails: ['guest@fabrikam.example'] },
        { id: 'u5', userName: 'g2@fabrikam.example', emails: ['guest@fabrikam.example'] },
        { id: 'u4', userName: '-2+3', externalId: 'not-a-guid' },
      ],
      groups: [{ id: 'g1', displayName: 'Sales' }],
    },
  });
  const report = compareDirectories(local, entra, { generatedAt: 'G' });
  const text = toReportCsv(report);
  const records = parseCsv(text);

  it('starts with a byte order mark (unless told not to) and uses CRLF line ends', () => {
    assert.equal(text.charCodeAt(0), 0xfeff);
    assert.ok(text.endsWith('\r\n'));
    assert.equal(toReportCsv(report, { bom: false }).charCodeAt(0), 'k'.charCodeAt(0));
  });

  it('has the header and one record per report row, each as wide as the header', () => {
    assert.deepEqual(records[0]?.fields, [...REPORT_CSV_COLUMNS]);
    assert.equal(records.length, report.rows.length + 1);
    for (const record of records) {
      assert.equal(record.error, null);
      assert.equal(record.fields.length, REPORT_CSV_COLUMNS.length);
    }
  });

  it('round-trips names, reasons and quotes through an RFC 4180 reader', () => {
    const column = (name: (typeof REPORT_CSV_COLUMNS)[number]) => REPORT_CSV_COLUMNS.indexOf(name);
    const alice = records.find((r) => r.fields[column('localId')] === 'u1');
    assert.equal(alice?.fields[column('category')], 'linked');
    assert.equal(alice?.fields[column('localDisplayName')], 'Alice, "Al" Adams');
    assert.equal(alice?.fields[column('entraDisplayName')], 'Adams, Alice');
    assert.equal(alice?.fields[column('reason')], report.rows.find((r) => r.localId === 'u1')?.reason);
    assert.equal(alice?.fields[column('drift')], 'displayName: "Alice, "Al" Adams" → "Adams, Alice"');
    assert.equal(alice?.fields[column('localActive')], 'true');
    assert.equal(alice?.fields[column('entraAccountEnabled')], 'true');
  });

  it('summarises candidates in one cell', () => {
    const column = REPORT_CSV_COLUMNS.indexOf('candidates');
    const other = records.find((r) => r.fields[REPORT_CSV_COLUMNS.indexOf('localId')] === 'u5');
    assert.equal(other?.fields[column], 'guest_ext#EXT#@contoso.onmicrosoft.com (2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901) on mail, medium, linked to u3');
  });

  it('neutralises every cell a spreadsheet would run as a formula', () => {
    for (const record of records.slice(1)) {
      for (const field of record.fields) {
        assert.ok(!/^[=+\-@\t\r]/.test(field), `cell «${field}» would run as a formula`);
      }
    }
    const u2 = records.find((r) => r.fields[REPORT_CSV_COLUMNS.indexOf('localId')] === 'u2');
    assert.equal(u2?.fields[REPORT_CSV_COLUMNS.indexOf('name')], "'+33 1 23 45 67 89");
    assert.equal(u2?.fields[REPORT_CSV_COLUMNS.indexOf('localDisplayName')], `'=HYPERLINK("http://evil.example","click")`);
    assert.equal(u2?.fields[REPORT_CSV_COLUMNS.indexOf('localMail')], "'@SUM(A1:A9)");
    const u3 = records.find((r) => r.fields[REPORT_CSV_COLUMNS.indexOf('localId')] === 'u3');
    assert.equal(u3?.fields[REPORT_CSV_COLUMNS.indexOf('entraDisplayName')], "'=cmd|'/c calc'!A1", 'the Entra side is neutralised too');
  });

  it('leaves groups in the export when they were compared', () => {
    const graph = compareDirectories(local, { ...entra, source: 'graph' });
    assert.ok(toReportCsv(graph).includes('\r\nGroup,'));
    assert.ok(!text.includes('\r\nGroup,'), 'a CSV import compares users only');
  });
});

describe('csvCell', () => {
  it('quotes only when needed and doubles quotes', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(false), 'false');
  });

  it('prefixes formula starters with an apostrophe', () => {
    for (const value of ['=1+1', '+1', '-1', '@A1', '\tx', '\rx']) assert.equal(csvCell(value).replace(/^"/, '').charAt(0), "'", value);
    assert.equal(csvCell('a=1'), 'a=1');
  });
});
