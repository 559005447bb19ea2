import { CSV_BOM, CSV_EOL, csvCell } from '../../../shared/csv';
import type { DirectoryCounts, SnapshotExportRows } from '../../store/directory-store';

/** One exported file: its name and its text. */
export interface ExportFile {
  readonly name: string;
  readonly content: string;
}

export type ExportFormat = 'csv' | 'json';

/** Records read per page: a large directory is exported without holding the event loop for long. */
const PAGE = 2000;

export const USER_CSV_COLUMNS = ['id', 'userName', 'externalId', 'active', 'displayName', 'givenName', 'familyName', 'email', 'created', 'lastModified'] as const;
export const GROUP_CSV_COLUMNS = ['id', 'displayName', 'externalId', 'memberCount', 'created', 'lastModified'] as const;
export const MEMBERSHIP_CSV_COLUMNS = ['groupId', 'groupDisplayName', 'memberId', 'memberType', 'memberName'] as const;

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function primaryEmail(doc: Record<string, unknown>): string | null {
  const emails = Array.isArray(doc['emails']) ? (doc['emails'] as Array<Record<string, unknown> | null>) : [];
  const primary = emails.find((email) => email?.['primary'] === true) ?? emails[0];
  return str(primary?.['value']);
}

function csvLine(cells: ReadonlyArray<unknown>): string {
  return cells.map(csvCell).join(',');
}

/** Yields to the event loop between pages, so the service keeps answering while a large export runs. */
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Users, groups and memberships of a snapshot (or of now, through a snapshot taken for it) as CSV
 * or JSON. The CSV files are for Excel: a UTF-8 byte order mark, CRLF line ends, RFC 4180 quoting,
 * and a leading apostrophe on any cell a spreadsheet would run as a formula (names come from Entra
 * and SCIM clients: untrusted). JSON keeps each record's whole SCIM document. `onProgress` gets
 * records done of the total.
 */
export async function exportDirectory(
  rows: SnapshotExportRows,
  counts: DirectoryCounts,
  format: ExportFormat,
  base: string,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<ExportFile[]> {
  const total = counts.users + counts.groups + counts.memberships;
  let done = 0;
  const users: Array<Record<string, unknown>> = [];
  const userLines: string[] = [csvLine(USER_CSV_COLUMNS)];
  for (let after = 0; ; ) {
    const page = rows.users(after, PAGE);
    for (const user of page) {
      if (format === 'json') users.push({ ...user.doc, id: user.id, meta: { resourceType: 'User', created: user.created, lastModified: user.lastModified } });
      else {
        const name = (user.doc['name'] ?? {}) as Record<string, unknown>;
        userLines.push(
          csvLine([user.id, user.userName, user.externalId, user.active, str(user.doc['displayName']), str(name['givenName']), str(name['familyName']), primaryEmail(user.doc), user.created, user.lastModified]),
        );
      }
    }
    done += page.length;
    onProgress(done, total);
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.seq;
    await yieldNow();
  }
  const groups: Array<Record<string, unknown>> = [];
  const groupLines: string[] = [csvLine(GROUP_CSV_COLUMNS)];
  for (let after = 0; ; ) {
    const page = rows.groups(after, PAGE);
    for (const group of page) {
      if (format === 'json') groups.push({ ...group.doc, id: group.id, meta: { resourceType: 'Group', created: group.created, lastModified: group.lastModified } });
      else groupLines.push(csvLine([group.id, str(group.doc['displayName']), group.externalId, group.memberCount, group.created, group.lastModified]));
    }
    done += page.length;
    onProgress(done, total);
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.seq;
    await yieldNow();
  }
  const memberships: Array<Record<string, unknown>> = [];
  const memberLines: string[] = [csvLine(MEMBERSHIP_CSV_COLUMNS)];
  for (let after: { groupId: string; memberId: string } | undefined; ; ) {
    const page = rows.memberships(after, PAGE);
    for (const m of page) {
      if (format === 'json') memberships.push({ groupId: m.groupId, groupDisplayName: m.groupName, memberId: m.memberId, memberType: m.memberType, memberName: m.memberName });
      else memberLines.push(csvLine([m.groupId, m.groupName, m.memberId, m.memberType, m.memberName]));
    }
    done += page.length;
    onProgress(done, total);
    if (page.length < PAGE) break;
    const last = page[page.length - 1]!;
    after = { groupId: last.groupId, memberId: last.memberId };
    await yieldNow();
  }
  if (format === 'json') {
    return [{ name: `${base}.json`, content: `${JSON.stringify({ counts, users, groups, memberships }, null, 2)}\n` }];
  }
  const csv = (lines: string[]) => `${CSV_BOM}${lines.join(CSV_EOL)}${CSV_EOL}`;
  return [
    { name: `${base}-users.csv`, content: csv(userLines) },
    { name: `${base}-groups.csv`, content: csv(groupLines) },
    { name: `${base}-memberships.csv`, content: csv(memberLines) },
  ];
}
