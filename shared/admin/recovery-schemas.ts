import { z } from 'zod';

/** The recycle bin and database snapshots (issue 14, "Safety net"): the shapes their admin methods take and return. */

const isoTime = z.string();

/** Users, active users, groups, memberships and recycle-bin records: what a snapshot is compared by. */
export const DirectoryCountsView = z.object({
  users: z.number().int(),
  activeUsers: z.number().int(),
  groups: z.number().int(),
  memberships: z.number().int(),
  deleted: z.number().int(),
});
export type DirectoryCountsView = z.infer<typeof DirectoryCountsView>;

/** A user or group kept after a DELETE under the "keep for N days" policy. */
export const DeletedRecordView = z.object({
  seq: z.number().int(),
  kind: z.enum(['User', 'Group']),
  id: z.string(),
  name: z.string().nullable(),
  externalId: z.string().nullable(),
  deletedAt: isoTime,
  /** When maintenance removes it for good. */
  keptUntil: isoTime,
});
export type DeletedRecordView = z.infer<typeof DeletedRecordView>;

export const SnapshotView = z.object({
  id: z.string(),
  time: isoTime,
  reason: z.string(),
  trigger: z.enum(['daily', 'event', 'manual']),
  counts: DirectoryCountsView,
  bytes: z.number().int(),
  schemaVersion: z.number().int(),
});
export type SnapshotView = z.infer<typeof SnapshotView>;

export const SnapshotListView = z.object({
  items: z.array(SnapshotView),
  /** How many are kept: the newest `daily` daily ones, and the newest `other` of the rest. */
  retention: z.object({ daily: z.number().int(), other: z.number().int() }),
  folder: z.string(),
  /** A restore is running (provisioning paused for it). */
  restoring: z.boolean(),
});
export type SnapshotListView = z.infer<typeof SnapshotListView>;

/** A snapshot id as listed: time and reason, nothing that leaves the snapshot folder. */
export const SnapshotId = z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9-]+Z-[a-z0-9-]+$/, 'Not a snapshot id');

export const RestoreDeletedInput = z.object({ seq: z.number().int().min(1) }).strict();
export const RestoredRecordView = z.object({ kind: z.enum(['User', 'Group']), id: z.string(), name: z.string().nullable(), groups: z.number().int(), members: z.number().int() });

export const TakeSnapshotInput = z.object({ reason: z.string().trim().max(80).default('taken by hand') }).strict();
export const SnapshotCompareView = z.object({ snapshot: SnapshotView, now: DirectoryCountsView });
export const SnapshotRestoreView = z.object({
  restored: SnapshotView,
  /** The snapshot of the state just before the restore: restoring it undoes the restore. */
  before: SnapshotView,
  counts: DirectoryCountsView,
  /** Provisioning was resumed after (false when it had been paused before the restore). */
  resumed: z.boolean(),
});

export const SnapshotExportFormat = z.enum(['csv', 'json']);
export const SnapshotExportInput = z.object({ source: z.union([z.literal('now'), SnapshotId]), format: SnapshotExportFormat }).strict();
export const SnapshotExportView = z.object({ files: z.array(z.object({ name: z.string(), content: z.string() })) });
