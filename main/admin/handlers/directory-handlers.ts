import { plural } from '../../../shared/plural';
import type { AdminEventBus } from '../../lib/event-bus';
import { currentToken, type TokenService } from '../../lib/scim-token';
import type { DirectoryInfoStore } from '../../store/directory-store';
import { AdminApiError } from '../admin-error';
import { toDirectoryView, toTokenInfo } from '../admin-views';
import type { Audit, Handlers } from './handler-types';

export interface DirectoryDeps {
  readonly store: DirectoryInfoStore;
  readonly tokens: Pick<TokenService, 'list' | 'rotate' | 'revoke'>;
  readonly events: Pick<AdminEventBus, 'emit'>;
  readonly audit: Audit;
  readonly now: () => Date;
}

/** Authentication: the directory's name and policies, and the Secret Token (shown once, then masked). */
export function createDirectoryHandlers(deps: DirectoryDeps): Handlers<'directory.get' | 'directory.update' | 'token.status' | 'token.generate' | 'token.revoke'> {
  const { store, tokens, events, audit, now } = deps;
  return {
    async 'directory.get'() {
      const directory = await store.getDirectory();
      if (!directory) throw new AdminApiError('unavailable', 'The directory has not been created yet: start the endpoint first');
      return toDirectoryView(directory);
    },
    async 'directory.update'(input, context) {
      const before = await store.getDirectory();
      const saved = await store.saveDirectory(input, now());
      const policy = input.onDelete.mode === 'hard' ? 'DELETE removes at once' : `DELETE keeps records ${input.onDelete.days} days`;
      const duplicates = input.duplicateExternalIds === 'refuse' ? 'duplicate Object IDs refused' : 'duplicate Object IDs accepted';
      await audit(context, 'updateDirectory', `Directory settings saved (${policy}; ${duplicates})`, { before, after: saved });
      events.emit('overview.changed', {});
      return toDirectoryView(saved);
    },

    async 'token.status'() {
      const history = await tokens.list();
      const current = currentToken(history, now());
      return { current: current ? toTokenInfo(current) : null, history: history.map(toTokenInfo) };
    },
    async 'token.generate'(input, context) {
      const issued = await tokens.rotate(input.lifetimeDays);
      await audit(context, 'generateToken', `Secret token regenerated (${issued.record.hint}); earlier tokens revoked`);
      events.emit('overview.changed', {});
      return { token: issued.token, info: toTokenInfo(issued.record) };
    },
    async 'token.revoke'(_input, context) {
      const revoked = await tokens.revoke();
      await audit(context, 'revokeToken', `Revoked ${plural(revoked, 'token')}`);
      events.emit('overview.changed', {});
      return { revoked };
    },
  };
}
