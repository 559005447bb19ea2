import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CATEGORIES, ReportRow, type Category } from '../../../shared/admin/report-schemas';
import type { Core } from '../../core/create-core';
import { plural } from '../../../shared/plural';
import { CommandError, EXIT, ROWS_PAGE, UsageError, type SpellGraph, type Values, again, call, list } from './cli-support';
import { CompareReportJson, toReportJson } from './report-file';

/** `compare`: fetch (or read a snapshot or CSV), compare, print the counts or the report file; `--fail-on` for scheduled checks. */

export function printCounts(json: CompareReportJson): void {
  const when = json.source.entra === 'csv' ? `CSV import of ${json.source.entraFetchedAt}` : `Graph snapshot of ${json.source.entraFetchedAt}`;
  const lines = [
    `Compared ${plural(json.users.filter((u) => u.localId !== null).length, 'local user')} and ${json.compared.groups ? plural(json.groups.filter((g) => g.localId !== null).length, 'group') : 'no groups'} with the ${when} (snapshot ${json.source.snapshotId})`,
    '',
    `  ${'Category'.padEnd(16)}${'Users'.padStart(8)}${'Groups'.padStart(8)}`,
  ];
  for (const category of CATEGORIES) {
    const groups = json.compared.groups ? String(json.counts.groups[category]) : '-';
    lines.push(`  ${category.padEnd(16)}${String(json.counts.users[category]).padStart(8)}${groups.padStart(8)}`);
  }
  for (const note of json.notes) lines.push('', `Note: ${note}`);
  console.log(lines.join('\n'));
}

export async function compare(core: Core, values: Values, dataDir: string, spell: SpellGraph): Promise<number> {
  if (values.snapshot && values.csv) throw new UsageError('Choose --snapshot or --csv, not both');
  const failOn = list(values['fail-on']);
  const unknown = failOn.filter((c) => !(CATEGORIES as ReadonlyArray<string>).includes(c));
  if (unknown.length > 0) throw new UsageError(`--fail-on takes categories among ${CATEGORIES.join(', ')}; unknown: ${unknown.join(', ')}`);

  let snapshotId: string;
  if (values.snapshot) {
    snapshotId = values.snapshot;
    if (!(await call(core, 'graph.snapshots', {})).items.some((s) => s.id === snapshotId)) {
      throw new CommandError(`No snapshot ${snapshotId} in ${dataDir}. \`${again(spell, 'snapshots', dataDir)}\` lists them.`);
    }
  } else if (values.csv) {
    const file = values.csv;
    if (!existsSync(file)) throw new CommandError(`No CSV file ${file}`, EXIT.usage);
    const meta = await call(core, 'graph.importCsv', { csv: readFileSync(file, 'utf8'), fileName: basename(file) });
    console.error(`Imported ${plural(meta.users, 'user')} from ${basename(file)} (snapshot ${meta.id})`);
    snapshotId = meta.id;
  } else {
    console.error('Fetching users, groups and the application scope from Microsoft Graph…');
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    try {
      // Awaited with progress on stderr: the same fetch the screen starts in the background (graph.fetch).
      const meta = await core.admin.entra.fetches.fetchNow((message) => console.error(`  ${message}`), controller.signal);
      console.error(`Fetched ${plural(meta.users, 'user')} and ${plural(meta.groups, 'group')} (snapshot ${meta.id})`);
      snapshotId = meta.id;
    } finally {
      process.off('SIGINT', onSignal);
    }
  }

  const summary = await call(core, 'compare.run', { snapshotId });
  const all = async (kind: 'User' | 'Group') => {
    const rows: ReportRow[] = [];
    for (let startIndex = 1; ; startIndex += ROWS_PAGE) {
      const page = await call(core, 'compare.rows', { reportId: summary.id, kind, startIndex, count: ROWS_PAGE });
      rows.push(...page.items);
      if (rows.length >= page.total || page.items.length === 0) return rows;
    }
  };
  const json = toReportJson(summary, await all('User'), await all('Group'));
  const text = `${JSON.stringify(json, null, 2)}\n`;
  if (values.out) {
    writeFileSync(values.out, text, { mode: 0o600 });
  }
  if (values.json) {
    process.stdout.write(text);
  } else {
    printCounts(json);
    if (values.out) {
      console.log(`\nWrote the report to ${values.out}. Preview the fixes: ${again(spell, `fix --plan ${JSON.stringify(values.out)} --dry-run`, dataDir)}`);
    } else {
      console.log(`\nWrite the report with --out FILE (or print it with --json), then preview the fixes with \`${spell('fix --plan FILE --dry-run')}\`.`);
    }
  }
  if (values.out && values.json) console.error(`Wrote the report to ${values.out}`);
  const failed = failOn.filter((c) => json.counts.users[c as Category] + json.counts.groups[c as Category] > 0);
  if (failed.length > 0) {
    console.error(`--fail-on: ${failed.map((c) => `${json.counts.users[c as Category] + json.counts.groups[c as Category]} ${c}`).join(', ')}`);
    return EXIT.failOn;
  }
  return EXIT.ok;
}
