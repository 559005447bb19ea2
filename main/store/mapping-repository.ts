import type Database from 'better-sqlite3';
import type { ResourceDoc } from '../scim/resource/resource-doc';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { MappingRecordFacts, MappingRecordSummary, PendingMappingRecord } from './directory-store';
import { TABLE } from './resource-reader';
import { StatementCache } from './statement-cache';

/**
 * What the mapping diagnostics keep of each record between reads (tables of the last migration).
 * Triggers mark every record written, in the write's own transaction; the diagnostics read the marked
 * records, reduce each to its facts and hand them back here. The store does not know what a shape
 * means: it is the mapping's text, grouped and counted here so a summary of 100,000 records is a few
 * indexed queries instead of 100,000 parsed documents.
 */
export class MappingRepository {
  private readonly sql: StatementCache;

  constructor(private readonly db: Database.Database) {
    this.sql = new StatementCache(db, 20);
  }

  /** Up to `limit` marked records after position `afterSeq`, in position order; `doc` null for a record deleted since. */
  pending(kind: ResourceKind, afterSeq: number, limit: number): PendingMappingRecord[] {
    return this.sql
      .many<{ seq: number; stamp: number; id: string | null; doc: string | null }>(
        `SELECT d.seq, d.stamp, r.id, r.doc FROM mapping_dirty AS d LEFT JOIN ${TABLE[kind]} AS r ON r.seq = d.seq
         WHERE d.kind = ? AND d.seq > ? ORDER BY d.seq LIMIT ?`,
        kind,
        afterSeq,
        limit,
      )
      .map((row) => ({ seq: row.seq, stamp: row.stamp, id: row.id, doc: row.doc === null ? null : (JSON.parse(row.doc) as ResourceDoc) }));
  }

  /**
   * Keeps the facts read of marked records and clears their marks, in one transaction. A record written
   * again after it was read carries a newer stamp: its facts are not kept and its mark stays for the next read.
   */
  save(kind: ResourceKind, records: ReadonlyArray<MappingRecordFacts>): void {
    this.db.transaction(() => {
      // A few shapes for 100,000 records: each looked up once per save, not once per record.
      const shapeIds = new Map<string, number>();
      let added = false;
      const shapeId = (paths: string): number => {
        let id = shapeIds.get(paths);
        if (id === undefined) {
          if (this.sql.run(`INSERT INTO mapping_shape (paths) VALUES (?) ON CONFLICT (paths) DO NOTHING`, paths).changes > 0) added = true;
          id = this.sql.one<{ id: number }>(`SELECT id FROM mapping_shape WHERE paths = ?`, paths)!.id;
          shapeIds.set(paths, id);
        }
        return id;
      };
      // One statement per step for the whole page (its rows as JSON): SQLite walks them in C, where one
      // statement per record spent most of a 100,000-record read crossing into it.
      const cleared = new Set(
        this.sql
          .many<{ seq: number }>(
            `DELETE FROM mapping_dirty WHERE kind = ? AND (seq, stamp) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?)) RETURNING seq`,
            kind,
            JSON.stringify(records.map((record) => [record.seq, record.stamp])),
          )
          .map((row) => row.seq),
      );
      const gone: number[] = [];
      const kept: unknown[] = [];
      for (const record of records) {
        if (!cleared.has(record.seq)) continue;
        if (record.facts === null) gone.push(record.seq);
        else {
          const { id, name, externalId, nonGuid, shape } = record.facts;
          kept.push([record.seq, id, name, externalId, nonGuid ? 1 : 0, shapeId(shape)]);
        }
      }
      if (gone.length > 0) this.sql.run(`DELETE FROM mapping_record WHERE kind = ? AND seq IN (SELECT value FROM json_each(?))`, kind, JSON.stringify(gone));
      if (kept.length > 0) {
        this.sql.run(
          `INSERT INTO mapping_record (kind, seq, id, name, external_id, non_guid, shape)
           SELECT ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5 FROM json_each(?) WHERE true
           ON CONFLICT (kind, seq) DO UPDATE SET id = excluded.id, name = excluded.name, external_id = excluded.external_id, non_guid = excluded.non_guid, shape = excluded.shape`,
          kind,
          JSON.stringify(kept),
        );
      }
      // Shapes no record has any longer, cleared whenever a new one comes (a scan of the records): the
      // table holds the shapes in use and those of the last save, however odd the shapes Entra sends.
      if (added) this.sql.run(`DELETE FROM mapping_shape WHERE id NOT IN (SELECT shape FROM mapping_record)`);
    })();
  }

  /** The kept facts of every record of a kind, grouped: the diagnostics' summary of the records. */
  summary(kind: ResourceKind): MappingRecordSummary {
    return this.db.transaction(() => {
      const shapes = this.sql.many<{ paths: string; records: number; firstSeq: number }>(
        `SELECT s.paths, g.records, g.first_seq AS firstSeq
         FROM (SELECT shape, count(*) AS records, min(seq) AS first_seq FROM mapping_record WHERE kind = ? GROUP BY shape) AS g
         JOIN mapping_shape AS s ON s.id = g.shape ORDER BY g.first_seq`,
        kind,
      );
      const nonGuid = this.sql.many<{ id: string; name: string; externalId: string }>(
        `SELECT id, name, external_id AS externalId FROM mapping_record WHERE kind = ? AND non_guid = 1 ORDER BY seq`,
        kind,
      );
      const duplicates = this.sql.many<{ id: string; name: string; externalId: string }>(
        `SELECT id, name, external_id AS externalId FROM mapping_record
         WHERE kind = ? AND external_id IN (SELECT external_id FROM mapping_record WHERE kind = ? AND external_id IS NOT NULL GROUP BY external_id HAVING count(*) > 1)
         ORDER BY seq`,
        kind,
        kind,
      );
      return { shapes, nonGuid, duplicates };
    })();
  }
}
