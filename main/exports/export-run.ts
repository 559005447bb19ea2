import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CSV_BOM, csvRecord } from '../../shared/csv';
import type { ExportFormat, ExportKind, ExportRun, ExportSchedule } from '../../shared/admin/export-schemas';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { DirectoryStore } from '../store/directory-store';
import { copyAtomically, removeLeftovers, writeAtomically, type TextSink } from './atomic-file';
import { membershipCells, resourceCells } from './export-columns';

/** What an export reads of the store: the records and memberships a page at a time, and how many there are. */
export type ExportSource = Pick<DirectoryStore, 'scanDocuments' | 'scanMemberships' | 'countResources'>;

/** Rows read from the store at once: 100,000 users never sit in memory together. */
export const EXPORT_PAGE = 1000;

const EXTENSION: Readonly<Record<ExportFormat, string>> = { csv: 'csv', json: 'json', ndjson: 'ndjson' };
const RESOURCE_KIND: Readonly<Record<'users' | 'groups', ResourceKind>> = { users: 'User', groups: 'Group' };

/** `2026-12-03T15:40:00.123Z` → `20261203T154000Z`: sorts as time does, and is a valid file name everywhere. */
export function fileStamp(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

const STAMPED = (kind: ExportKind) => new RegExp(`^${kind}-(\\d{8}T\\d{6}Z)(?:-(\\d+))?\\.(csv|json|ndjson)$`);

/** The stamped files of a kind in the folder, newest first (a second run in the same second gets `-2`, `-3`…). */
async function stampedFiles(folder: string, kind: ExportKind): Promise<string[]> {
  const pattern = STAMPED(kind);
  const found: Array<{ file: string; stamp: string; n: number }> = [];
  for (const file of await readdir(folder)) {
    const match = pattern.exec(file);
    if (match) found.push({ file, stamp: match[1]!, n: match[2] === undefined ? 1 : Number(match[2]) });
  }
  return found.sort((a, b) => (a.stamp !== b.stamp ? (a.stamp < b.stamp ? 1 : -1) : b.n - a.n)).map((f) => f.file);
}

async function freeName(folder: string, kind: ExportKind, stamp: string, extension: string): Promise<string> {
  const taken = new Set(await readdir(folder));
  for (let n = 1; ; n++) {
    const name = `${kind}-${stamp}${n === 1 ? '' : `-${n}`}.${extension}`;
    if (!taken.has(name)) return name;
  }
}

/** Rows written so far across the run's files (`total` null while unknown, as for memberships). */
export type Progress = (done: number, total: number | null) => void;

/** One format's framing around the records: a CSV header and records, a JSON array, or one JSON object a line. */
interface Framing {
  start(sink: TextSink): Promise<void>;
  record(sink: TextSink, cells: () => Array<string | null>, object: () => unknown, first: boolean): Promise<void>;
  end(sink: TextSink): Promise<void>;
}

function framing(format: ExportFormat, header: ReadonlyArray<string>): Framing {
  switch (format) {
    case 'csv':
      return {
        start: (sink) => sink.write(CSV_BOM + csvRecord(header)),
        record: (sink, cells) => sink.write(csvRecord(cells())),
        end: async () => undefined,
      };
    case 'json':
      return {
        start: (sink) => sink.write('['),
        record: (sink, _cells, object, first) => sink.write(`${first ? '' : ','}\n${JSON.stringify(object())}`),
        end: (sink) => sink.write('\n]\n'),
      };
    case 'ndjson':
      return {
        start: async () => undefined,
        record: (sink, _cells, object) => sink.write(`${JSON.stringify(object())}\n`),
        end: async () => undefined,
      };
  }
}

/**
 * Writes one kind's rows through a framing, a page at a time from the store. JSON records are the whole
 * stored document with its id (users, groups) or the membership with both ends named.
 */
async function writeRows(source: ExportSource, schedule: ExportSchedule, kind: ExportKind, sink: TextSink, onRows: (n: number) => void): Promise<number> {
  const columns = schedule.columns[kind];
  const frame = framing(schedule.format, columns);
  await frame.start(sink);
  let rows = 0;
  if (kind === 'memberships') {
    const cells = membershipCells(columns);
    for (let after: { groupId: string; memberId: string } | undefined; ; ) {
      const page = await source.scanMemberships(after, EXPORT_PAGE);
      for (const row of page) {
        await frame.record(sink, () => cells(row), () => row, rows === 0);
        rows++;
      }
      onRows(page.length);
      if (page.length < EXPORT_PAGE) break;
      const last = page[page.length - 1]!;
      after = { groupId: last.groupId, memberId: last.memberId };
    }
  } else {
    const cells = resourceCells(columns);
    for (let afterSeq = 0; ; ) {
      const page = await source.scanDocuments(RESOURCE_KIND[kind], afterSeq, EXPORT_PAGE);
      for (const record of page) {
        await frame.record(sink, () => cells(record), () => ({ id: record.id, ...record.doc }), rows === 0);
        rows++;
      }
      onRows(page.length);
      if (page.length < EXPORT_PAGE) break;
      afterSeq = page[page.length - 1]!.seq;
    }
  }
  await frame.end(sink);
  return rows;
}

/**
 * Runs one schedule's export: for each kind it exports, a stamped file written atomically (then the
 * `-latest` copy when asked, then the oldest stamped files beyond `keep` removed). Throws on the first
 * failure; the files finished before it stay, each whole.
 */
export async function runExport(
  source: ExportSource,
  schedule: ExportSchedule,
  startedAt: Date,
  progress: Progress,
  written: (file: ExportRun['files'][number]) => void,
): Promise<void> {
  await mkdir(schedule.folder, { recursive: true });
  const extension = EXTENSION[schedule.format];
  const stamp = fileStamp(startedAt);
  let total: number | null = 0;
  for (const kind of schedule.kinds) total = kind === 'memberships' || total === null ? null : total + (await source.countResources(RESOURCE_KIND[kind]));
  let done = 0;
  progress(done, total);
  for (const kind of schedule.kinds) {
    await removeLeftovers(schedule.folder, `${kind}-`);
    const name = await freeName(schedule.folder, kind, stamp, extension);
    const rows = await writeAtomically(schedule.folder, name, (sink) =>
      writeRows(source, schedule, kind, sink, (n) => {
        done += n;
        progress(done, total);
      }),
    );
    if (schedule.latestCopy) await copyAtomically(schedule.folder, name, `${kind}-latest.${extension}`);
    for (const old of (await stampedFiles(schedule.folder, kind)).slice(schedule.keep)) await rm(join(schedule.folder, old), { force: true });
    written({ kind, name, rows });
  }
}
