/**
 * The kinds of change the outbox records, as the change feed and webhooks name them. Shared: the
 * store writes them, the delivery worker filters on them, the Delivery screen offers them.
 */
export const CHANGE_TYPES = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.deleted',
  'user.restored',
  'user.objectId.fixed',
  'group.created',
  'group.updated',
  'group.renamed',
  'group.deleted',
  'group.restored',
  'group.members.added',
  'group.members.removed',
  'group.objectId.fixed',
] as const;

export type ChangeType = (typeof CHANGE_TYPES)[number];

/** One committed change as the feed returns it and a webhook carries it. */
export interface DirectoryChange {
  /** Gap-free position in the outbox: the feed's cursor and a webhook receiver's de-duplication key. */
  readonly seq: number;
  readonly time: string;
  readonly type: ChangeType;
  readonly resourceType: 'User' | 'Group';
  readonly resourceId: string;
  readonly externalId: string | null;
  /** The resource's version after the change (its ETag is W/"<version>"). */
  readonly version: number;
  /**
   * What changed: `resource` (created, restored), `attributes` (updated: each changed top-level
   * attribute with its new value, null when removed), `members` (added, removed), `before`/`after` (objectId fixed).
   */
  readonly data: Readonly<Record<string, unknown>>;
}
