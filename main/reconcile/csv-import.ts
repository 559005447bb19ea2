/**
 * Read the users CSV the Entra admin center exports (Users → All users →
 * Download users), the offline alternative to Graph when no permission can be
 * granted (issue 6, "Connect to Graph").
 *
 * The documented export (learn.microsoft.com, "Download a list of users")
 * has API-style headers: userPrincipalName, displayName, surname, mail,
 * givenName, objectId, userType, jobTitle, department, accountEnabled, ... —
 * without mailNickname or employeeId. The newer "All users" list downloads the
 * columns shown on screen, with headers such as `id`, `User principal name`,
 * `Display name`, `Employee ID`. Bulk-operation templates put a `version:v1.0`
 * line first and write headers as `Display name [displayName]`. All of these are
 * accepted, case-insensitively; spaces, dashes, underscores and dots in header
 * names are ignored. Only an objectId column and a UPN column are required.
 * A "Block sign in" column (bulk templates) is read as the opposite of accountEnabled.
 *
 * RFC 4180: comma separated (a header without commas but with semicolons, as an
 * Excel re-save in some locales writes it, switches to semicolons), fields
 * optionally double-quoted with "" for a quote, quoted fields may hold commas and
 * line breaks, CRLF or LF line ends, a UTF-8 byte order mark ignored. Blank lines
 * are skipped. Bad input fails with CsvImportError listing each problem by line
 * and column.
 *
 * Pure: takes the text, and the import time as an argument.
 */
import { isGuid } from '../../shared/guid';
import type { EntraSnapshot, EntraUser } from './snapshot';
import { plural } from '../../shared/plural';

/** One problem in the file, located for the admin. */
export interface CsvProblem {
  /** 1-based physical line in the file (a quoted field may span lines: the line where the record starts). */
  readonly line: number;
  /** The column's header text as in the file, when the problem is in one column. */
  readonly column: string | null;
  /** 1-based column number, when known. */
  readonly columnNumber: number | null;
  readonly message: string;
}

/** The CSV could not be read; `problems` lists where and why (at most MAX_PROBLEMS). */
export class CsvImportError extends Error {
  override readonly name = 'CsvImportError';
  constructor(readonly problems: ReadonlyArray<CsvProblem>) {
    super(
      problems
        .slice(0, 3)
        .map((p) => `line ${p.line}${p.column !== null ? `, column '${p.column}'${p.columnNumber !== null ? ` (${p.columnNumber})` : ''}` : ''}: ${p.message}`)
        .join('; ') + (problems.length > 3 ? `; and ${plural(problems.length - 3, 'more problem', 'more problems')}` : ''),
    );
  }
}

export const MAX_PROBLEMS = 100;

export interface CsvImportOptions {
  /** When the file was imported (stands for Graph's fetchedAt). */
  readonly importedAt: string;
  readonly tenantId?: string | null;
}

type Field = 'objectId' | 'userPrincipalName' | 'displayName' | 'mail' | 'mailNickname' | 'accountEnabled' | 'employeeId';

/** Header names (lower-cased, without spaces, dashes, underscores, dots) → field. */
const HEADER_ALIASES: Readonly<Record<string, Field>> = {
  id: 'objectId',
  objectid: 'objectId',
  userprincipalname: 'userPrincipalName',
  upn: 'userPrincipalName',
  displayname: 'displayName',
  mail: 'mail',
  email: 'mail',
  emailaddress: 'mail',
  mailnickname: 'mailNickname',
  alias: 'mailNickname',
  accountenabled: 'accountEnabled',
  employeeid: 'employeeId',
};

const FIELD_LABEL: Record<Field, string> = {
  objectId: 'id (Object Id)',
  userPrincipalName: 'userPrincipalName (User principal name)',
  displayName: 'displayName',
  mail: 'mail',
  mailNickname: 'mailNickname',
  accountEnabled: 'accountEnabled',
  employeeId: 'employeeId',
};

/**
 * Parses the admin center's users CSV into an Entra snapshot (source 'csv',
 * no groups, scope unknown). Throws CsvImportError naming line and column.
 */
export function importEntraUsersCsv(text: string, options: CsvImportOptions): EntraSnapshot {
  const records = parseCsv(text);
  const problems: CsvProblem[] = [];
  const report = (problem: CsvProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(problem);
  };
  let headerIndex = 0;
  while (headerIndex < records.length && isBlank(records[headerIndex] as CsvRecord)) headerIndex++;
  let header = records[headerIndex];
  if (header !== undefined && header.fields.length >= 1 && (header.fields[0] as string).trim().toLowerCase().startsWith('version:')) {
    headerIndex++;
    while (headerIndex < records.length && isBlank(records[headerIndex] as CsvRecord)) headerIndex++;
    header = records[headerIndex];
  }
  if (header === undefined) throw new CsvImportError([{ line: 1, column: null, columnNumber: null, message: 'the file is empty: expected a header line' }]);
  if (header.error !== null) throw new CsvImportError([header.error]);

  const columns = new Map<Field, number>();
  let blockSignIn = false;
  header.fields.forEach((name, index) => {
    // "Block sign in (Yes/No) [accountEnabled]" (bulk templates) says the opposite of accountEnabled.
    const inverted = isBlockSignIn(name);
    const field = inverted ? 'accountEnabled' : HEADER_ALIASES[normaliseHeader(name)];
    if (field !== undefined && !columns.has(field)) {
      columns.set(field, index);
      if (inverted) blockSignIn = true;
    }
  });
  for (const required of ['objectId', 'userPrincipalName'] as const) {
    if (!columns.has(required)) {
      report({
        line: header.line,
        column: null,
        columnNumber: null,
        message: `no ${FIELD_LABEL[required]} column in the header (found: ${header.fields.map((f) => `'${f.trim()}'`).join(', ')}). Is this the users CSV from Users → All users → Download users?`,
      });
    }
  }
  if (problems.length > 0) throw new CsvImportError(problems);

  const width = header.fields.length;
  const users: EntraUser[] = [];
  const seen = new Map<string, number>();
  const at = (field: Field) => columns.get(field);
  const columnName = (index: number) => (header as CsvRecord).fields[index]?.trim() ?? `#${index + 1}`;
  for (let r = headerIndex + 1; r < records.length; r++) {
    const record = records[r] as CsvRecord;
    if (record.error !== null) {
      const index = record.error.columnNumber;
      report(index === null ? record.error : { ...record.error, column: columnName(index - 1) });
      continue;
    }
    if (isBlank(record)) continue;
    if (record.fields.length !== width) {
      report({ line: record.line, column: null, columnNumber: null, message: `${record.fields.length} fields, but the header has ${width}` });
      continue;
    }
    const value = (field: Field): string | null => {
      const index = at(field);
      if (index === undefined) return null;
      const raw = (record.fields[index] as string).trim();
      return raw === '' ? null : raw;
    };
    const where = (field: Field) => {
      const index = at(field) as number;
      return { line: record.line, column: columnName(index), columnNumber: index + 1 };
    };
    const id = value('objectId');
    const upn = value('userPrincipalName');
    let bad = false;
    if (id === null) {
      report({ ...where('objectId'), message: 'this row has no object id' });
      bad = true;
    } else if (!isGuid(id)) {
      report({ ...where('objectId'), message: `'${id}' is not an object id (a GUID such as 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0)` });
      bad = true;
    } else {
      const first = seen.get(id.toLowerCase());
      if (first !== undefined) {
        report({ ...where('objectId'), message: `object id ${id} appears again (first on line ${first})` });
        bad = true;
      }
    }
    if (upn === null) {
      report({ ...where('userPrincipalName'), message: 'this row has no user principal name' });
      bad = true;
    }
    let accountEnabled: boolean | null = null;
    const enabled = value('accountEnabled');
    if (enabled !== null) {
      const parsed = parseBoolean(enabled);
      if (parsed === undefined) {
        report({ ...where('accountEnabled'), message: `'${enabled}' is not true or false` });
        bad = true;
      } else {
        accountEnabled = blockSignIn ? !parsed : parsed;
      }
    }
    if (bad) continue;
    seen.set((id as string).toLowerCase(), record.line);
    users.push({
      objectId: id as string,
      userPrincipalName: upn as string,
      displayName: value('displayName'),
      mail: value('mail'),
      mailNickname: value('mailNickname'),
      accountEnabled,
      employeeId: value('employeeId'),
    });
  }
  if (problems.length > 0) throw new CsvImportError(problems);
  return {
    fetchedAt: options.importedAt,
    source: 'csv',
    tenantId: options.tenantId ?? null,
    users,
    groups: [],
    scope: null,
  };
}

/** One CSV record: its fields, the line it starts on, or why it could not be read. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: ReadonlyArray<string>;
  readonly error: CsvProblem | null;
}

/**
 * Splits RFC 4180 text into records (BOM dropped; CRLF, LF or CR line ends; quoted
 * fields may span lines). A malformed record carries its error and parsing
 * resumes at the next line, so every problem can be listed at once.
 */
export function parseCsv(text: string): CsvRecord[] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source === '') return [];
  const delimiter = chooseDelimiter(source);
  const records: CsvRecord[] = [];
  const length = source.length;
  let i = 0;
  let line = 1;
  while (i < length) {
    const startLine = line;
    const fields: string[] = [];
    let error: CsvProblem | null = null;
    let field = '';
    let endOfRecord = false;
    while (!endOfRecord) {
      if (i < length && source.charCodeAt(i) === 34 /* " */) {
        // Quoted field.
        const openLine = line;
        i++;
        let closed = false;
        let start = i;
        while (i < length) {
          const c = source.charCodeAt(i);
          if (c === 34) {
            if (source.charCodeAt(i + 1) === 34) {
              field += source.slice(start, i + 1);
              i += 2;
              start = i;
              continue;
            }
            field += source.slice(start, i);
            i++;
            closed = true;
            break;
          }
          if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) line++;
          i++;
        }
        if (!closed) {
          error = { line: openLine, column: null, columnNumber: fields.length + 1, message: 'a quoted field is never closed (a " is missing)' };
          records.push({ line: startLine, fields, error });
          return records;
        }
        const c = i < length ? source.charCodeAt(i) : -1;
        if (c !== -1 && c !== delimiter && c !== 10 && c !== 13) {
          error ??= { line, column: null, columnNumber: fields.length + 1, message: 'unexpected text after a closing quote (a quote inside a field must be doubled: "")' };
          // Skip the rest of the field.
          while (i < length) {
            const d = source.charCodeAt(i);
            if (d === delimiter || d === 10 || d === 13) break;
            i++;
          }
        }
      } else {
        const start = i;
        while (i < length) {
          const c = source.charCodeAt(i);
          if (c === delimiter || c === 10 || c === 13) break;
          if (c === 34) error ??= { line, column: null, columnNumber: fields.length + 1, message: 'a quote inside an unquoted field (quote the whole field and double the quote)' };
          i++;
        }
        field += source.slice(start, i);
      }
      fields.push(field);
      field = '';
      if (i >= length) {
        endOfRecord = true;
      } else {
        const c = source.charCodeAt(i);
        if (c === delimiter) {
          i++;
          if (i >= length) {
            fields.push('');
            endOfRecord = true;
          }
        } else {
          // CRLF, LF or lone CR ends the record.
          i += c === 13 && source.charCodeAt(i + 1) === 10 ? 2 : 1;
          line++;
          endOfRecord = true;
        }
      }
    }
    records.push({ line: startLine, fields, error });
  }
  return records;
}

/** Comma, unless the header line (after any `version:` line) has semicolons and no comma. */
function chooseDelimiter(text: string): number {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    if (line !== '' && !line.toLowerCase().startsWith('version:')) {
      return !line.includes(',') && line.includes(';') ? 59 /* ; */ : 44; /* , */
    }
    start = end + 1;
  }
  return 44;
}

function isBlank(record: CsvRecord): boolean {
  return record.error === null && record.fields.length === 1 && (record.fields[0] as string).trim() === '';
}

function isBlockSignIn(name: string): boolean {
  const plain = normaliseHeader(name.replace(/\[[^\]]*\]/g, ''));
  return plain.startsWith('blocksignin') || plain.startsWith('blockcredential');
}

/** `Display name [displayName]` → `displayname`; `Object Id` → `objectid`. */
function normaliseHeader(name: string): string {
  const open = name.indexOf('[');
  const close = name.indexOf(']', open + 1);
  const inner = open >= 0 && close > open ? name.slice(open + 1, close) : name;
  let out = '';
  for (const ch of inner.toLowerCase()) {
    if (ch !== ' ' && ch !== '_' && ch !== '-' && ch !== '.' && ch !== '\t' && ch !== '"') out += ch;
  }
  return out;
}

function parseBoolean(value: string): boolean | undefined {
  switch (value.toLowerCase()) {
    case 'true':
    case 'yes':
    case '1':
      return true;
    case 'false':
    case 'no':
    case '0':
      return false;
    default:
      return undefined;
  }
}
