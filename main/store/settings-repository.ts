import type Database from 'better-sqlite3';
import type { SchemaDef } from '../scim/schema/attribute-def';
import type { CustomExtension } from '../scim/schema/resource-schema';
import type { DirectoryInfo } from './directory-store';

interface DirectoryRow {
  name: string;
  description: string;
  on_delete: 'hard' | 'retain';
  retain_days: number;
  external_id_policy: 'refuse' | 'allow';
  created: string;
  updated: string;
}

/** Key/value settings, the one directory row, and the admin's extension schemas. */
export class SettingsRepository {
  constructor(private readonly db: Database.Database) {}

  get<T>(key: string): T | undefined {
    const row = this.db.prepare(`SELECT value FROM settings WHERE key = ?`).get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  set(key: string, value: unknown): void {
    this.db
      .prepare(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
      .run(key, JSON.stringify(value));
  }

  getDirectory(): DirectoryInfo | undefined {
    const row = this.db.prepare(`SELECT * FROM directory WHERE id = 1`).get() as DirectoryRow | undefined;
    if (!row) return undefined;
    return {
      name: row.name,
      description: row.description,
      onInactive: 'suspend',
      onDelete: row.on_delete === 'retain' ? { mode: 'retain', days: row.retain_days } : { mode: 'hard' },
      duplicateExternalIds: row.external_id_policy,
      created: row.created,
      updated: row.updated,
    };
  }

  saveDirectory(info: Omit<DirectoryInfo, 'created' | 'updated'>, now: Date): DirectoryInfo {
    const time = now.toISOString();
    this.db
      .prepare(
        `INSERT INTO directory (id, name, description, on_inactive, on_delete, retain_days, external_id_policy, created, updated)
         VALUES (1, @name, @description, 'suspend', @onDelete, @retainDays, @externalIdPolicy, @time, @time)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description,
           on_delete = excluded.on_delete, retain_days = excluded.retain_days, external_id_policy = excluded.external_id_policy,
           updated = excluded.updated`,
      )
      .run({
        name: info.name,
        description: info.description,
        onDelete: info.onDelete.mode,
        retainDays: info.onDelete.mode === 'retain' ? info.onDelete.days : 30,
        externalIdPolicy: info.duplicateExternalIds,
        time,
      });
    return this.getDirectory()!;
  }

  listExtensions(): CustomExtension[] {
    const rows = this.db.prepare(`SELECT resource_type, definition FROM schema_extensions ORDER BY urn`).all() as Array<{
      resource_type: 'User' | 'Group';
      definition: string;
    }>;
    return rows.map((row) => ({ resourceType: row.resource_type, schema: JSON.parse(row.definition) as SchemaDef }));
  }

  saveExtension(extension: CustomExtension, now: Date): void {
    this.db
      .prepare(
        `INSERT INTO schema_extensions (urn, resource_type, definition, updated) VALUES (?, ?, ?, ?)
         ON CONFLICT (urn) DO UPDATE SET resource_type = excluded.resource_type, definition = excluded.definition, updated = excluded.updated`,
      )
      .run(extension.schema.id, extension.resourceType, JSON.stringify(extension.schema), now.toISOString());
  }

  deleteExtension(urn: string): boolean {
    return this.db.prepare(`DELETE FROM schema_extensions WHERE urn = ?`).run(urn).changes > 0;
  }
}
