import type { DirectorySettings, SyncLogEntry, TokenInfo } from '../../shared/admin/contract';
import type { DirectoryInfo, StoredSyncLogEntry, TokenRecord } from '../store/directory-store';

/**
 * The store's records as the admin contract shows them, in one place for the
 * admin API, the Compare & Fix workbench and the core's events.
 */
export function toTokenInfo(record: TokenRecord): TokenInfo {
  return { hint: record.hint, created: record.created, expires: record.expires, lastUsed: record.lastUsed, revoked: record.revoked };
}

/** A sync-log entry without its request detail (the list and the live tail never carry it). */
export function toSyncLogEntry({ detail: _detail, ...entry }: StoredSyncLogEntry): SyncLogEntry {
  return entry;
}

export function toDirectoryView(directory: DirectoryInfo): DirectorySettings {
  return {
    name: directory.name,
    description: directory.description,
    onInactive: 'suspend',
    onDelete: directory.onDelete,
    duplicateExternalIds: directory.duplicateExternalIds,
  };
}
