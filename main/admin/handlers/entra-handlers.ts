import type { EntraActions } from '../entra/entra-actions';
import type { TokenRotation } from '../entra/token-rotation';
import type { Audit, Handlers } from './handler-types';

export interface EntraDeps {
  readonly actions: EntraActions;
  readonly rotation: TokenRotation;
  readonly audit: Audit;
}

type EntraMethods = 'entra.jobs' | 'entra.restartJob' | 'entra.provisionOnDemand' | 'entra.provisioningLogs' | 'entra.rotateToken';

/** Entra's side, through Graph: the provisioning job, provisioning on demand, Entra's logs, and token rotation. */
export function createEntraHandlers(deps: EntraDeps): Handlers<EntraMethods> {
  const { actions, rotation, audit } = deps;
  return {
    async 'entra.jobs'() {
      const jobs = await actions.jobs();
      return { servicePrincipalId: jobs.servicePrincipalId, items: [...jobs.items] };
    },
    async 'entra.restartJob'(input, context) {
      const result = await actions.restartJob(input.jobId, input.resetScope, input.insist);
      await audit(context, 'entra.restartJob', `Provisioning job ${input.jobId} restarted with reset scope ${result.resetScope}`);
      return result;
    },
    async 'entra.provisionOnDemand'(input, context) {
      const result = await actions.provisionOnDemand(input.jobId, input.userObjectId);
      await audit(context, 'entra.provisionOnDemand', `Provisioned Entra user ${input.userObjectId} on demand: ${result.status}`);
      return { ...result, steps: [...result.steps] };
    },
    'entra.provisioningLogs': (input) => actions.provisioningLogs(input),
    'entra.rotateToken': (input, context) => rotation.rotate(input.overlapMinutes, input.lifetimeDays, context.actor),
  };
}
