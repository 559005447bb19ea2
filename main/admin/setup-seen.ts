import type { SeenFrom as ContractSeenFrom } from '../../shared/admin/contract';
import type { DirectoryStore, SyncLogEntry, SyncLogQuery } from '../store/directory-store';
import { EXPORT_OPERATION } from '../../shared/admin/export-schemas';


/** What the checklist reads and keeps. */
type SetupStore = Pick<DirectoryStore, 'getSetting' | 'setSetting' | 'listTokens' | 'countResources' | 'querySyncLog'>;

/**
 * Who a setup step was seen from: `entra` (the request carried Entra's ADSCIMVersion header),
 * `other` (a client without it: a curl, a script, another product), or `unknown` (seen before
 * ScimDesk recorded the header, so it cannot say).
 */
export type SeenFrom = ContractSeenFrom;

/** What the sync log has shown of Entra's setup steps. Only Entra's requests tick a step. */
export interface SetupSeen {
  readonly version: 2;
  /** A request the token let in. */
  connected: SeenFrom | null;
  /** A query answered 200 (Test Connection is one). */
  testConnection: SeenFrom | null;
  /** The schemas read (Entra does it when the admin saves). */
  schemaDiscovery: SeenFrom | null;
  /** A user or group created. */
  provisioned: SeenFrom | null;
}

/** The stronger of two sightings: Entra's, then one that may have been Entra's, then another client's. */
function strongest(a: SeenFrom | null, b: SeenFrom | null): SeenFrom | null {
  for (const from of ['entra', 'unknown', 'other'] as const) if (a === from || b === from) return from;
  return null;
}

/** The sync log's operation for tunnel events and check outcomes (main/admin/reachability.ts). */
const REACHABILITY = 'reachability';

const SETUP_STEPS = ['connected', 'testConnection', 'schemaDiscovery', 'provisioned'] as const;

/** Which setup steps one request shows, and from whom. */
function setupFactsOf(entry: Pick<SyncLogEntry, 'operation' | 'status'>, from: SeenFrom): Partial<Record<(typeof SETUP_STEPS)[number], SeenFrom>> {
  const facts: Partial<Record<(typeof SETUP_STEPS)[number], SeenFrom>> = {};
  // A refused token is no connection, whether answered 401 or (sent too often) 429.
  if (entry.operation !== 'refused' && entry.status !== 401 && entry.status !== 403) facts.connected = from;
  if (entry.operation === 'list' && entry.status === 200) facts.testConnection = from;
  if (entry.operation === 'discovery' && entry.status === 200) facts.schemaDiscovery = from;
  if (entry.operation === 'create' && entry.status === 201) facts.provisioned = from;
  return facts;
}

/**
 * The checklist state of a data folder. A folder from before the client was recorded kept two flags
 * (`testConnection`, `schemaDiscovery`) set by any client: they become `unknown`, shown as seen
 * but not ticked, until Entra's next request confirms them. A folder without the setting reads
 * its sync log once: rows with the header are Entra's; rows without could be anyone's.
 */
async function initialSetupSeen(store: SetupStore): Promise<SetupSeen> {
  const saved = await store.getSetting<Partial<SetupSeen> & { testConnection?: unknown; schemaDiscovery?: unknown }>('setup.seen');
  if (saved && saved.version === 2) return { ...(saved as SetupSeen) };
  const unknownIf = (flag: unknown): SeenFrom | null => (flag === true ? 'unknown' : null);
  if (saved) {
    const tokens = await store.listTokens();
    const records = (await store.countResources('User')) + (await store.countResources('Group'));
    return {
      version: 2,
      connected: tokens.some((token) => token.lastUsed !== null) ? 'unknown' : null,
      testConnection: unknownIf(saved.testConnection),
      schemaDiscovery: unknownIf(saved.schemaDiscovery),
      provisioned: records > 0 ? 'unknown' : null,
    };
  }
  const seen: SetupSeen = { version: 2, connected: null, testConnection: null, schemaDiscovery: null, provisioned: null };
  const sightings = async (query: Omit<SyncLogQuery, 'limit'>) => {
    const [entra] = await store.querySyncLog({ ...query, client: 'entra', limit: 1 });
    if (entra) return 'entra';
    const [any] = await store.querySyncLog({ ...query, client: 'other', limit: 1 });
    return any ? 'unknown' : null;
  };
  seen.testConnection = await sightings({ operation: 'list', status: 200 });
  seen.schemaDiscovery = await sightings({ operation: 'discovery', status: 200 });
  seen.provisioned = await sightings({ operation: 'create', status: 201 });
  seen.connected = strongest(strongest(seen.testConnection, seen.schemaDiscovery), seen.provisioned);
  return seen;
}

/**
 * The "Set up Entra" checklist's memory. Facts only ever get stronger (nothing, another client, then
 * Entra): kept as a setting, set when the sync log first shows them, so the Overview never searches
 * the log for them.
 */
export class SetupTracker {
  private constructor(
    private readonly seen: SetupSeen,
    private readonly settings: Pick<DirectoryStore, 'setSetting'>,
    private readonly onError: (error: unknown) => void,
  ) {}

  static async load(store: SetupStore, onError: (error: unknown) => void): Promise<SetupTracker> {
    return new SetupTracker(await initialSetupSeen(store), store, onError);
  }

  current(): Readonly<SetupSeen> {
    return this.seen;
  }

  /** Takes in requests as the sync log records them. */
  observe(entries: ReadonlyArray<Pick<SyncLogEntry, 'operation' | 'status' | 'adscimVersion'>>): void {
    const seen = this.seen;
    let changed = false;
    for (const entry of entries) {
      // The tunnel's events and the checks from outside are not a client's requests.
      if (entry.operation === REACHABILITY || entry.operation === EXPORT_OPERATION || entry.operation === 'delivery') continue;
      const facts = setupFactsOf(entry, entry.adscimVersion !== null ? 'entra' : 'other');
      for (const step of SETUP_STEPS) {
        const next = strongest(seen[step], facts[step] ?? null);
        if (next !== seen[step]) {
          seen[step] = next;
          changed = true;
        }
      }
    }
    if (changed) void this.settings.setSetting('setup.seen', seen).catch(this.onError);
  }
}
