import type { SyncLogEntry } from '../../../shared/admin/contract';
import { ResetScopeRefusedError, type ResetScope } from '../../graph/reset-scope';
import { parseFilter } from '../../scim/filter/parse-filter';
import { resolveFilter } from '../../scim/filter/resolve-filter';
import type { ResourceSchema } from '../../scim/schema/resource-schema';
import type { ResourceStore, SyncLogStore } from '../../store/directory-store';
import { AdminApiError } from '../admin-error';
import { toSyncLogEntry } from '../admin-views';
import type { GraphConnectionService } from './graph-connection';

/**
 * What ScimDesk asks of Entra's provisioning job through Graph: list the jobs, restart one (the
 * scopes that wipe Entra's saved identifiers only when insisted), provision one user on demand, and
 * read Entra's provisioning logs beside ScimDesk's own sync log for the same user.
 */
export class EntraActions {
  constructor(
    private readonly deps: {
      readonly connection: GraphConnectionService;
      readonly resources: Pick<ResourceStore, 'getResource' | 'listResources'>;
      readonly syncLog: Pick<SyncLogStore, 'querySyncLog'>;
      readonly userSchema: () => ResourceSchema;
    },
  ) {}

  async jobs() {
    const { sp, service } = await this.deps.connection.application();
    return { servicePrincipalId: sp.id, items: await service.listJobs(sp.id) };
  }

  async restartJob(jobId: string, resetScope: ReadonlyArray<ResetScope>, insist: boolean): Promise<{ resetScope: string }> {
    const { sp, service } = await this.deps.connection.application();
    try {
      return await service.restartJob(sp.id, jobId, resetScope, { insist });
    } catch (error) {
      if (error instanceof ResetScopeRefusedError) throw new AdminApiError('forbidden', error.message);
      throw error;
    }
  }

  async provisionOnDemand(jobId: string, userObjectId: string) {
    const { sp, service } = await this.deps.connection.application();
    const [ruleId] = await service.listRuleIds(sp.id, jobId);
    if (!ruleId) throw new AdminApiError('notFound', 'The provisioning job has no synchronization rule to provision with');
    return service.provisionOnDemand(sp.id, jobId, ruleId, userObjectId);
  }

  async provisioningLogs(query: { userObjectId?: string | undefined; localUserId?: string | undefined; top: number }) {
    const { resources, syncLog } = this.deps;
    const { sp, service } = await this.deps.connection.application();
    let objectId = query.userObjectId;
    let localId = query.localUserId;
    if (!objectId && localId) {
      const user = await resources.getResource('User', localId, { withMembers: false, withGroups: false });
      if (!user) throw new AdminApiError('notFound', `User ${localId} does not exist`);
      const externalId = user.doc['externalId'];
      if (typeof externalId !== 'string') throw new AdminApiError('invalidInput', 'This user has no Object ID in Entra: link it first');
      objectId = externalId;
    }
    if (objectId && !localId) {
      const linked = await resources.listResources('User', {
        filter: resolveFilter(parseFilter(`externalId eq ${JSON.stringify(objectId)}`), this.deps.userSchema()),
        startIndex: 1,
        count: 1,
        sortBy: undefined,
        descending: false,
        withMembers: false,
        withGroups: false,
      });
      localId = linked.resources[0]?.id;
    }
    const items = await service.provisioningLogs({ servicePrincipalId: sp.id, ...(objectId ? { userObjectId: objectId } : {}), top: query.top });
    const local: ReadonlyArray<SyncLogEntry> = localId ? (await syncLog.querySyncLog({ resourceId: localId, limit: query.top })).map(toSyncLogEntry) : [];
    return { items, local: [...local] };
  }
}
