import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DATABASE_FILE } from '../../main/core/create-core';
import type { SyncLogEntry } from '../../main/store/directory-store';
import { createSqliteStore } from '../../main/store/sqlite-store';
import { URN } from '../../shared/scim/urns';

/**
 * Seeds a data folder with `users` Entra-like users (one in 1,000 with an externalId from
 * mailNickname), 1,000 groups and `logRows` sync-log rows shaped as the SCIM endpoint records them
 * (probes with their filter, Entra-default PATCHes with normalised operations, creates with their
 * body and an attribute nothing stores). The mapping benchmark and the mapping equivalence test share it.
 */
export async function seedMappingData(dataDir: string, users: number, logRows: number): Promise<void> {
  const store = createSqliteStore(join(dataDir, DATABASE_FILE), { checkpointWorker: false });
  const now = new Date('2026-01-01T00:00:00Z');
  const ids: string[] = [];
  const seed = store.db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const userName = `user${i}@contoso.com`;
      const created = store.resources.create(
        'User',
        {
          doc: {
            schemas: [URN.user, URN.enterpriseUser],
            userName,
            externalId: i % 1000 === 0 ? `user${i}` : randomUUID(),
            displayName: `User ${i}`,
            active: true,
            title: 'Engineer',
            name: { givenName: 'User', familyName: String(i) },
            emails: [{ value: userName, type: 'work', primary: true }],
            [URN.enterpriseUser]: { department: 'Sales', employeeNumber: String(i) },
          },
        },
        now,
      );
      ids.push(created.id);
    }
  });
  for (let from = 0; from < users; from += 5_000) seed(from, Math.min(users, from + 5_000));
  store.db.transaction(() => {
    for (let i = 0; i < 1_000; i++) store.resources.create('Group', { doc: { schemas: [URN.group], displayName: `Team ${i}`, externalId: randomUUID() } }, now);
  })();
  const entries: SyncLogEntry[] = [];
  for (let i = 0; i < logRows; i++) {
    const time = new Date(now.getTime() + Math.floor(i / 2_000) * 40 * 60_000 + (i % 2_000) * 100).toISOString();
    const id = ids[i % ids.length]!;
    const kind = i % 3;
    const base = { time, requestId: randomUUID(), resourceType: 'User' as const, userName: `user${i % users}@contoso.com`, externalId: null, displayName: null, durationMs: 2, scimType: null, error: null, client: 'Azure AD', adscimVersion: '2024' };
    if (kind === 0) {
      entries.push({
        ...base,
        method: 'GET',
        path: '/scim/v2/Users',
        operation: 'list',
        resourceId: null,
        status: 200,
        detail: JSON.stringify({ response: { status: 200 }, query: { filter: `userName eq "user${i}@contoso.com"` } }),
      });
    } else if (kind === 1) {
      entries.push({
        ...base,
        method: 'PATCH',
        path: `/scim/v2/Users/${id}`,
        operation: 'patch',
        resourceId: id,
        status: 200,
        detail: JSON.stringify({
          response: { status: 200, etag: 'W/"2"' },
          request: { schemas: [URN.patchOp], Operations: [{ op: 'Replace', path: 'title', value: 'Engineer' }, { op: 'Add', path: `${URN.enterpriseUser}:manager`, value: ids[0] }] },
          normalized: [
            { op: 'replace', path: 'title', value: 'Engineer' },
            { op: 'add', path: `${URN.enterpriseUser}:manager`, value: { value: ids[0] } },
          ],
        }),
      });
    } else {
      entries.push({
        ...base,
        method: 'POST',
        path: '/scim/v2/Users',
        operation: 'create',
        resourceId: id,
        status: i % 30 === 2 ? 409 : 201,
        detail: JSON.stringify({
          response: { status: 201 },
          request: { schemas: [URN.user], userName: `user${i}@contoso.com`, externalId: randomUUID(), active: true, displayName: `User ${i}`, emails: [{ value: `user${i}@contoso.com`, type: 'work', primary: true }], nickName: 'x' },
          ignoredAttributes: ['nickName'],
        }),
      });
    }
  }
  for (let from = 0; from < entries.length; from += 5_000) await store.appendSyncLog(entries.slice(from, from + 5_000));
  await store.close();
}
