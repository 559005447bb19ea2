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
import { CSV_BOM, CSV_EOL, csvCell } from '../../shared/csv';
import type { Candidate, CompareReport, Drift, ReportRow } from './compare';

export { csvCell };

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
  return (options?.bom === false ? '' : CSV_BOM) + lines.join(CSV_EOL) + CSV_EOL;
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
