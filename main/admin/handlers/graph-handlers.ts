import type { FetchJobs } from '../entra/fetch-jobs';
import type { GraphConnectionService } from '../entra/graph-connection';
import { KEEP_SNAPSHOTS, type SnapshotFiles } from '../entra/snapshot-files';
import type { Audit, Handlers } from './handler-types';

export interface GraphDeps {
  readonly connection: GraphConnectionService;
  readonly files: Pick<SnapshotFiles, 'list' | 'importCsv'>;
  readonly fetches: Pick<FetchJobs, 'start' | 'running' | 'cancel'>;
  readonly audit: Audit;
  readonly now: () => Date;
}

type GraphMethods =
  | 'graph.get'
  | 'graph.connect'
  | 'graph.disconnect'
  | 'graph.test'
  | 'graph.findApps'
  | 'graph.fetch'
  | 'graph.fetchStatus'
  | 'graph.cancel'
  | 'graph.importCsv'
  | 'graph.snapshots';

/** The Microsoft Graph connection and the snapshots Compare reads: fetched from Graph, or imported from the admin center's CSV. */
export function createGraphHandlers(deps: GraphDeps): Handlers<GraphMethods> {
  const { connection, files, fetches, audit } = deps;
  return {
    'graph.get': () => connection.settings(),
    async 'graph.connect'(input, context) {
      const view = await connection.connect(input);
      await audit(context, 'graph.connect', `Graph connection saved: tenant ${input.tenantId}, client ${input.clientId}, ${input.cloud} cloud, ${input.auth.kind}`);
      return view;
    },
    async 'graph.disconnect'(_input, context) {
      const view = await connection.disconnect();
      await audit(context, 'graph.disconnect', 'Graph connection and its secret removed');
      return view;
    },
    'graph.test': () => connection.test(),
    async 'graph.findApps'(input) {
      return { items: await connection.findApps(input.query) };
    },
    async 'graph.fetch'() {
      return { jobId: await fetches.start() };
    },
    async 'graph.fetchStatus'() {
      return { running: fetches.running() };
    },
    async 'graph.cancel'(input) {
      return { cancelled: fetches.cancel(input.jobId) };
    },
    async 'graph.importCsv'(input) {
      return files.importCsv(input.csv, input.fileName, deps.now());
    },
    async 'graph.snapshots'() {
      return { items: files.list(), kept: KEEP_SNAPSHOTS };
    },
  };
}
