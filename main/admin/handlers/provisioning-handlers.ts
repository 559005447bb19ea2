import type { ProvisioningState } from '../../../shared/admin/contract';
import type { AdminEventBus } from '../../lib/event-bus';
import { PAUSE_RETRY_AFTER_SECONDS, type PauseState, type ProvisioningPause } from '../../lib/provisioning-pause';
import type { Audit, Handlers } from './handler-types';

export interface ProvisioningDeps {
  readonly pause: Pick<ProvisioningPause, 'state' | 'pause' | 'resume'>;
  readonly events: Pick<AdminEventBus, 'emit'>;
  readonly audit: Audit;
  readonly now: () => Date;
}

/** The contract's view of a pause (or of none). */
export function toProvisioningState(pause: PauseState | undefined): ProvisioningState {
  return { paused: pause !== undefined, since: pause?.since ?? null, by: pause?.by ?? null, retryAfterSeconds: PAUSE_RETRY_AFTER_SECONDS };
}

/** Pause and resume provisioning: the tray and the Overview both call these, so both are audited alike. */
export function createProvisioningHandlers(deps: ProvisioningDeps): Handlers<'provisioning.pause' | 'provisioning.resume'> {
  const { pause, events, audit, now } = deps;
  return {
    async 'provisioning.pause'(_input, context) {
      if (pause.state()) return toProvisioningState(pause.state());
      const state = await pause.pause(context.actor, now());
      await audit(context, 'pauseProvisioning', 'Provisioning paused: SCIM answers 503 until resumed');
      events.emit('overview.changed', {});
      return toProvisioningState(state);
    },
    async 'provisioning.resume'(_input, context) {
      const ended = await pause.resume();
      if (ended) {
        await audit(context, 'resumeProvisioning', `Provisioning resumed (paused since ${ended.since} by ${ended.by})`);
        events.emit('overview.changed', {});
      }
      return toProvisioningState(undefined);
    },
  };
}
