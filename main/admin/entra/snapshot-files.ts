import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { SnapshotSummary } from '../../../shared/admin/entra-schemas';
import { importEntraUsersCsv } from '../../reconcile/csv-import';
import type { EntraSnapshot } from '../../reconcile/snapshot';
import { AdminApiError } from '../admin-error';

/** Snapshots kept on disk; older ones are removed when a new one is saved. */
export const KEEP_SNAPSHOTS = 10;

/**
 * Entra snapshots in `<data folder>/snapshots`, each a gzipped JSON file and its summary, so a
 * comparison can run again offline and the CLI and the service see the same ones.
 */
export class SnapshotFiles {
  constructor(private readonly dir: string) {}

  /** Newest first. */
  list(): SnapshotSummary[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((name) => name.endsWith('.meta.json'))
      .map((name) => JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as SnapshotSummary)
      .sort((a, b) => (a.fetchedAt < b.fetchedAt ? 1 : a.fetchedAt > b.fetchedAt ? -1 : 0));
  }

  save(snapshot: EntraSnapshot, label: string): SnapshotSummary {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const id = `${snapshot.fetchedAt.replace(/[:.]/g, '-')}-${snapshot.source}`;
    const meta: SnapshotSummary = {
      id,
      fetchedAt: snapshot.fetchedAt,
      source: snapshot.source,
      label,
      users: snapshot.users.length,
      groups: snapshot.groups.length,
      scopeKnown: snapshot.scope !== null,
    };
    writeFileSync(join(this.dir, `${id}.json.gz`), gzipSync(JSON.stringify(snapshot)), { mode: 0o600 });
    writeFileSync(join(this.dir, `${id}.meta.json`), JSON.stringify(meta), { mode: 0o600 });
    for (const old of this.list().slice(KEEP_SNAPSHOTS)) {
      rmSync(join(this.dir, `${old.id}.json.gz`), { force: true });
      rmSync(join(this.dir, `${old.id}.meta.json`), { force: true });
    }
    return meta;
  }

  load(id: string): EntraSnapshot {
    if (!/^[\w-]+$/.test(id)) throw new AdminApiError('invalidInput', `Not a snapshot id: ${id}`);
    const file = join(this.dir, `${id}.json.gz`);
    if (!existsSync(file)) throw new AdminApiError('notFound', `No snapshot ${id} (snapshots older than the last ${KEEP_SNAPSHOTS} are removed)`);
    return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as EntraSnapshot;
  }

  /** The users CSV the Entra admin center exports, kept as a snapshot (no Graph permission needed). */
  importCsv(csv: string, fileName: string, importedAt: Date): SnapshotSummary {
    try {
      return this.save(importEntraUsersCsv(csv, { importedAt: importedAt.toISOString() }), `CSV import (${fileName})`);
    } catch (error) {
      const problems = (error as { problems?: ReadonlyArray<{ line: number; column: string; message: string }> }).problems;
      if (problems) {
        const shown = problems.slice(0, 5).map((p) => `line ${p.line}${p.column ? `, ${p.column}` : ''}: ${p.message}`);
        throw new AdminApiError('invalidInput', `${fileName} could not be imported: ${shown.join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`);
      }
      throw error;
    }
  }
}
