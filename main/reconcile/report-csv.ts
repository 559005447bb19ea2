/**
 * The comparison report as CSV, for the "Export CSV" button and `compare --csv`.
 *
 * One line per report row; candidates and drift summarised in one cell each.
 * Cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab
 * or carriage return) get a leading apostrophe (OWASP "CSV injection"): names
 * and reasons come from Entra and from SCIM clients, so they are untrusted.
 * RFC 4180 quoting, CRLF line ends, and a UTF-8 byte order mark by default so
 * Excel on Windows reads accented names correctly.
 *
 * Pure: returns the text.
 */
import type { Candidate, CompareReport, Drift, ReportRow } from './compare';

export interface ReportCsvOptions {
  /** Start with a UTF-8 byte order mark (default true: Excel needs it). */
  readonly bom?: boolean;
}

/** Column headers, in order. */
export const REPORT_CSV_COLUMNS = [
  'kind',
  'category',
  'reasonCode',
  'name',
  'localId',
  'externalId',
  'objectId',
  'reason',
  'candidates',
  'drift',
  'localDisplayName',
  'entraDisplayName',
  'entraUserPrincipalName',
  'localMail',
  'entraMail',
  'localActive',
  'entraAccountEnabled',
  'localEmployeeNumber',
  'entraEmployeeId',
  'entraInScope',
] as const;

/** Renders a comparison report as CSV text. */
export function toReportCsv(report: CompareReport, options?: ReportCsvOptions): string {
  const lines: string[] = [REPORT_CSV_COLUMNS.map(csvCell).join(',')];
  for (const row of report.rows) lines.push(rowCells(row).map(csvCell).join(','));
  return (options?.bom === false ? '' : '\uFEFF') + lines.join('\r\n') + '\r\n';
}

function rowCells(row: ReportRow): Array<string | boolean | null> {
  return [
    row.kind,
    row.category,
    row.reasonCode,
    row.name,
    row.localId,
    row.externalId,
    row.objectId,
    row.reason,
    row.candidates.map(candidateText).join(' | '),
    row.drift.map(driftText).join(' | '),
    row.local?.displayName ?? null,
    row.entra?.displayName ?? null,
    row.entra?.userPrincipalName ?? null,
    row.local?.mail ?? null,
    row.entra?.mail ?? null,
    row.local?.active ?? null,
    row.entra?.accountEnabled ?? null,
    row.local?.employeeNumber ?? null,
    row.entra?.employeeId ?? null,
    row.entra?.inScope ?? null,
  ];
}

function candidateText(candidate: Candidate): string {
  const name = candidate.userPrincipalName ?? candidate.displayName ?? '';
  return `${name} (${candidate.objectId}) on ${candidate.matchedOn.join('+')}, ${candidate.confidence}${candidate.linkedTo !== null ? `, linked to ${candidate.linkedTo}` : ''}`;
}

function driftText(drift: Drift): string {
  return `${drift.attribute}: ${show(drift.local)} → ${show(drift.entra)}`;
}

function show(value: string | boolean | null): string {
  return value === null ? '(none)' : typeof value === 'boolean' ? String(value) : `"${value}"`;
}

/** One RFC 4180 CSV cell (the report's and the sync log's export): neutralised if it looks like a formula, quoted when needed. */
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
