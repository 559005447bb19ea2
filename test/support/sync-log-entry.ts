import type { SyncLogEntry } from '../../main/store/directory-store';

/** A sync-log entry as the writer records it: a successful user list at `time`, unless `fields` say otherwise. */
export function syncLogEntry(time: string, fields: Partial<SyncLogEntry> = {}): SyncLogEntry {
  return {
    time,
    requestId: `req-${time}`,
    method: 'GET',
    path: '/scim/v2/Users',
    operation: 'list',
    resourceType: 'User',
    resourceId: null,
    userName: null,
    externalId: null,
    displayName: null,
    status: 200,
    durationMs: 1,
    scimType: null,
    error: null,
    client: null,
    adscimVersion: null,
    detail: null,
    ...fields,
  };
}
