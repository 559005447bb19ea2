/**
 * Excel-safe CSV, the one writer of every CSV ScimDesk produces (the comparison report, the sync log's
 * export, the scheduled exports): RFC 4180 quoting, CRLF line ends, a UTF-8 byte order mark so Excel on
 * Windows reads accented names, and cells that a spreadsheet would run as a formula neutralised.
 */

/** Starts a file: Excel reads UTF-8 without it as the ANSI code page. */
export const CSV_BOM = '\uFEFF';
/** RFC 4180 §2: each record ends with CRLF. */
export const CSV_EOL = '\r\n';

/**
 * One RFC 4180 CSV cell: neutralised if it looks like a formula, quoted when needed. Cells starting with
 * =, +, -, @, tab or carriage return get a leading apostrophe (OWASP "CSV injection"): names come from
 * Entra and from SCIM clients, so they are untrusted.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (text.length > 0) {
    const c = text.charCodeAt(0);
    // = + - @ TAB CR: a spreadsheet would evaluate the cell.
    if (c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13) text = `'${text}`;
  }
  let needsQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) {
      needsQuotes = true;
      break;
    }
  }
  return needsQuotes ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record with its line end. */
export function csvRecord(cells: ReadonlyArray<unknown>): string {
  return cells.map(csvCell).join(',') + CSV_EOL;
}
