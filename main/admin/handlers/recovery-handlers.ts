import type { AdminEventBus } from '../../lib/event-bus';
import type { RecoveryStore } from '../../store/directory-store';
import type { SnapshotService } from '../recovery/snapshot-service';
import type { AdminHandlers } from '../dispatch';
import type { Audit, Handlers } from './handler-types';

type RecoveryMethods =
  | 'recovery.bin'
  | 'recovery.restoreDeleted'
  | 'snapshots.list'
  | 'snapshots.take'
  | 'snapshots.compare'
  | 'snapshots.restore'
  | 'snapshots.export';

export interface RecoveryDeps {
  readonly store: Pick<RecoveryStore, 'listDeletedResources' | 'restoreDeletedResource'>;
  readonly snapshots: SnapshotService;
  readonly events: Pick<AdminEventBus, 'emit'>;
  readonly audit: Audit;
  readonly now: () => Date;
}

const countsLine = (counts: { users: number; groups: number; memberships: number }) => `${counts.users} users, ${counts.groups} groups, ${counts.memberships} memberships`;

/** The recycle bin (kept deletions, restored one at a time) and the database snapshots (list, take, compare, restore, export). */
export function createRecoveryHandlers(deps: RecoveryDeps): Handlers<RecoveryMethods> {
  const { store, snapshots, events, audit, now } = deps;
  return {
    async 'recovery.bin'() {
      const items = await store.listDeletedResources();
      return { items: items.map(({ purgeAfter, ...record }) => ({ ...record, keptUntil: purgeAfter })) };
    },
    async 'recovery.restoreDeleted'(input, context) {
      const restored = await store.restoreDeletedResource(input.seq, now());
      const name = (restored.doc[restored.kind === 'User' ? 'userName' : 'displayName'] as string | undefined) ?? null;
      await audit(context, 'restoreDeleted', `${restored.kind} ${name ?? restored.id} restored from the recycle bin`, { after: { kind: restored.kind, id: restored.id } });
      events.emit('overview.changed', {});
      return { kind: restored.kind, id: restored.id, name, groups: restored.groups?.length ?? 0, members: restored.members?.length ?? 0 };
    },
    async 'snapshots.list'() {
      return { items: snapshots.list(), retention: snapshots.retentionPolicy(), folder: snapshots.folder(), restoring: snapshots.isRestoring() };
    },
    async 'snapshots.take'(input, context) {
      const info = await snapshots.take(input.reason, 'manual');
      await audit(context, 'takeSnapshot', `Snapshot taken (${info.reason}): ${countsLine(info.counts)}`, { after: { id: info.id } });
      return info;
    },
    async 'snapshots.compare'(input) {
      return snapshots.compare(input.id);
    },
    async 'snapshots.restore'(input, context) {
      const result = await snapshots.restore(input.id, context.actor);
      await audit(context, 'restoreSnapshot', `Directory restored from the snapshot of ${result.restored.time} (${countsLine(result.counts)}); the state before is snapshot ${result.before.id}`, {
        before: { snapshot: result.before.id, counts: result.before.counts },
        after: { snapshot: result.restored.id, counts: result.counts },
      });
      events.emit('overview.changed', {});
      return result;
    },
    async 'snapshots.export'(input, context) {
      const files = await snapshots.export(input.source, input.format);
      await audit(context, 'exportDirectory', `Users, groups and memberships of ${input.source === 'now' ? 'now' : `the snapshot ${input.source}`} exported as ${input.format.toUpperCase()}`);
      return { files };
    },
  };
}

/** The actions taken only after a snapshot of the state before them, and the reason each snapshot names. */
const SNAPSHOT_BEFORE = {
  'fix.apply': 'before fix batch',
  'token.generate': 'before token regeneration',
  'entra.rotateToken': 'before token rotation',
} as const satisfies Partial<Record<keyof AdminHandlers, string>>;

/**
 * The handlers, with a snapshot taken before each risky action (a Compare & Fix batch, a token
 * regeneration or rotation). A snapshot that fails stops the action: it is the way back.
 */
export function withSnapshotsBefore(handlers: AdminHandlers, take: (reason: string) => Promise<unknown>): AdminHandlers {
  const guarded: Record<string, unknown> = { ...handlers };
  for (const [method, reason] of Object.entries(SNAPSHOT_BEFORE)) {
    const inner = handlers[method as keyof typeof SNAPSHOT_BEFORE] as (input: unknown, context: unknown) => Promise<unknown>;
    guarded[method] = async (input: unknown, context: unknown) => {
      await take(reason);
      return inner(input, context);
    };
  }
  return guarded as AdminHandlers;
}
