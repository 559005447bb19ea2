import { PROVIDER_NAMES } from '../../tunnel/tunnel-runner';
import type { ReachabilityService } from '../reachability';
import type { Audit, Handlers } from './handler-types';

export interface ReachabilityHandlerDeps {
  readonly reach: Pick<ReachabilityService, 'view' | 'configure' | 'reconnect' | 'check'>;
  readonly audit: Audit;
}

/** Settings → Reachability: the tunnel provider and its secrets, trying it again, and the check from outside. */
export function createReachabilityHandlers(deps: ReachabilityHandlerDeps): Handlers<'reach.get' | 'reach.configure' | 'reach.reconnect' | 'reach.check'> {
  const { reach, audit } = deps;
  return {
    'reach.get': () => reach.view(),
    async 'reach.configure'(input, context) {
      const view = await reach.configure(input);
      const what = input.provider === 'none' ? 'no tunnel' : `the ${PROVIDER_NAMES[input.provider]} tunnel`;
      // The audit says which secrets changed, never what they are.
      const changed =
        (input.provider === 'ngrok' && input.authtoken !== '') || (input.provider === 'cloudflare' && input.token !== '') || (input.provider === 'azureRelay' && input.key !== '');
      await audit(context, 'configureReachability', `Reachability set to ${what}${changed ? ' (new secret saved in the secret store)' : ''}`, {
        after: { provider: view.provider, ngrok: { domain: view.ngrok.domain }, cloudflare: { hostname: view.cloudflare.hostname }, azureRelay: { namespace: view.azureRelay.namespace, connectionName: view.azureRelay.connectionName, keyName: view.azureRelay.keyName } },
      });
      return view;
    },
    'reach.reconnect': () => reach.reconnect(),
    async 'reach.check'(input) {
      const result = await reach.check({ url: input.url, token: input.token, from: input.from });
      return { ...result, steps: [...result.steps] };
    },
  };
}
