import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCsv } from '../../../main/reconcile/csv-import';
import { CSV_BOM, csvCell, csvRecord } from '../../../shared/csv';

describe('csvCell (the one CSV writer)', () => {
  it('leaves plain text alone and writes null and undefined as empty cells', () => {
    assert.equal(csvCell('Adele Vance'), 'Adele Vance');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(undefined), '');
    assert.equal(csvCell(true), 'true');
    assert.equal(csvCell(42), '42');
  });

  it('quotes cells holding a comma, a quote or a line break, doubling the quotes (RFC 4180 §2)', () => {
    assert.equal(csvCell('Vance, Adele'), '"Vance, Adele"');
    assert.equal(csvCell('Adele "AV" Vance'), '"Adele ""AV"" Vance"');
    assert.equal(csvCell('line one\nline two'), '"line one\nline two"');
    assert.equal(csvCell('line one\r\nline two'), '"line one\r\nline two"');
  });

  it('neutralises cells a spreadsheet would run as a formula: = + - @ tab and carriage return', () => {
    assert.equal(csvCell('=HYPERLINK("http://evil.example")'), `"'=HYPERLINK(""http://evil.example"")"`);
    assert.equal(csvCell('+33 1 23 45 67 89'), "'+33 1 23 45 67 89");
    assert.equal(csvCell('-2+3'), "'-2+3");
    assert.equal(csvCell('@SUM(A1:A9)'), "'@SUM(A1:A9)");
    assert.equal(csvCell('\tcmd'), "'\tcmd");
    assert.equal(csvCell('\rcmd'), `"'\rcmd"`);
    assert.equal(csvCell('a=b'), 'a=b', 'only a leading character counts');
  });

  it('keeps Unicode as it is (the file is UTF-8 with a byte order mark)', () => {
    assert.equal(csvCell('Zoë Łukasiewicz 张伟 🙂'), 'Zoë Łukasiewicz 张伟 🙂');
    assert.equal(CSV_BOM, '\uFEFF');
  });

  it('writes a record with CRLF that a CSV reader reads back cell for cell', () => {
    const cells = ['a,b', 'say "hi"', 'two\nlines', '=1+1', 'Zoë', null];
    const line = csvRecord(cells);
    assert.ok(line.endsWith('\r\n'));
    const [record] = parseCsv(line);
    assert.deepEqual(record?.fields, ['a,b', 'say "hi"', 'two\nlines', "'=1+1", 'Zoë', '']);
  });
});
