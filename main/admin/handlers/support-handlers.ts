import { randomUUID } from 'node:crypto';
import type { MappingService } from '../../mapping/mapping-service';
import { allSchemas, schemaRepresentation } from '../../scim/discovery';
import type { ResourceKind } from '../../scim/schema/attribute-def';
import type { ResourceSchema } from '../../scim/schema/resource-schema';
import type { AdminEventBus } from '../../lib/event-bus';
import type { TokenService } from '../../lib/scim-token';
import type { SyncLogStore, TokenStore } from '../../store/directory-store';
import type { AdminCallContext, AdminHandlers } from '../dispatch';
import { buildSupportBundle, type SupportSources } from '../support/support-bundle';
import type { EndpointControl, Handlers } from './handler-types';

export interface SupportDeps {
  /** The other areas' handlers: the bundle holds what their screens show (secrets never reach those views). */
  readonly views: () => Pick<AdminHandlers, 'directory.get' | 'settings.get' | 'graph.get' | 'reach.get' | 'extensions.list' | 'compare.latest' | 'overview.get'>;
  readonly store: Pick<SyncLogStore, 'querySyncLog'> & Pick<TokenStore, 'activeTokenHashes'>;
  readonly tokens: Pick<TokenService, 'list'>;
  readonly mapping: Pick<MappingService, 'view'>;
  readonly schemas: () => Record<ResourceKind, ResourceSchema>;
  readonly endpoint: Pick<EndpointControl, 'state'>;
  readonly events: AdminEventBus;
  readonly now: () => Date;
}

/** The support bundle (issue 14): one redacted zip, progress as job.progress events of kind `support.bundle`. */
export function createSupportHandlers(deps: SupportDeps): Handlers<'support.bundle'> {
  const sources = (context: AdminCallContext): SupportSources => {
    const views = deps.views();
    const listening = deps.endpoint.state();
    return {
      host: listening ? 'service' : 'cli',
      now: deps.now,
      directory: () => views['directory.get']({}, context),
      settings: () => views['settings.get']({}, context),
      graph: () => views['graph.get']({}, context),
      reach: () => views['reach.get']({}, context),
      extensions: async () => (await views['extensions.list']({}, context)).items,
      // The base URL only fills in the schemas' `meta.location`.
      scimSchemas: () => allSchemas(deps.schemas()).map((schema) => schemaRepresentation(schema, listening?.url ?? '/scim/v2')),
      tokens: () => deps.tokens.list(),
      activeTokenHashes: () => deps.store.activeTokenHashes(),
      mapping: () => deps.mapping.view(),
      compare: () => views['compare.latest']({}, context),
      overview: () => views['overview.get']({}, context),
      syncLog: deps.store,
    };
  };
  return {
    async 'support.bundle'(input, context) {
      const jobId = input.jobId ?? randomUUID();
      const emit = (phase: string, done: number, total: number, message: string, finished: boolean, error: string | null) =>
        deps.events.emit('job.progress', { jobId, kind: 'support.bundle', phase, done, total, message, finished, resultId: null, error, cancelled: false });
      try {
        const bundle = await buildSupportBundle(sources(context), input.cycles, (step) => emit(step.phase, step.done, step.total, step.message, step.phase === 'done', null));
        return {
          fileName: bundle.fileName,
          zipBase64: Buffer.from(bundle.zip).toString('base64'),
          bytes: bundle.zip.length,
          files: [...bundle.files],
          entries: bundle.entries,
          cycles: bundle.cycles,
        };
      } catch (error) {
        emit('failed', 0, 0, 'The support bundle could not be built', true, error instanceof Error ? error.message : String(error));
        throw error;
      }
    },
  };
}
