import type { SecretStore } from '../../main/lib/secret-store';
import { GRAPH_SECRET_NAMES, type GraphAuth, type GraphConnection } from '../../main/graph/graph-config';
import type { GraphLogEvent } from '../../main/graph/graph-results';
import { GraphService } from '../../main/graph/graph-service';
import { startFakeTenant, type FakeClient, type FakeTenant, type FakeTenantOptions } from '../../scripts/fake-tenant/fake-tenant';
import { ALL_SCIMDESK_PERMISSIONS } from '../../scripts/fake-tenant/scenario';

/** A SecretStore in memory, for tests. */
export class MemorySecretStore implements SecretStore {
  readonly description = 'memory (tests)';
  private readonly values = new Map<string, string>();

  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [name, value] of Object.entries(initial)) this.values.set(name, value);
  }

  async get(name: string): Promise<string | undefined> {
    return this.values.get(name);
  }

  async set(name: string, value: string): Promise<void> {
    this.values.set(name, value);
  }

  async delete(name: string): Promise<void> {
    this.values.delete(name);
  }
}

/** A fake tenant with one app registration ScimDesk signs in as, and a connection to it over a custom cloud. */
export interface GraphTestTenant {
  readonly tenant: FakeTenant;
  readonly app: FakeClient;
  readonly secret: string;
  readonly secrets: MemorySecretStore;
  /** The custom-cloud connection to the fake tenant with a client secret. */
  readonly connection: GraphConnection;
  /** Log events the services made by `service()` emitted. */
  readonly logEvents: GraphLogEvent[];
  /** A GraphService on `connection` (or overrides). */
  service(overrides?: Partial<GraphConnection>): Promise<GraphService>;
  close(): Promise<void>;
}

export async function startGraphTestTenant(
  options: FakeTenantOptions & { readonly roles?: ReadonlyArray<string>; readonly secret?: string; readonly appDisplayName?: string } = {},
): Promise<GraphTestTenant> {
  const tenant = await startFakeTenant(options);
  const secret = options.secret ?? 'S~ecret.value-for-tests_0123456789';
  const app = tenant.addClient({
    displayName: options.appDisplayName ?? 'ScimDesk Graph reader',
    secrets: [{ value: secret }],
    roles: [...(options.roles ?? ALL_SCIMDESK_PERMISSIONS)],
  });
  const secrets = new MemorySecretStore({ [GRAPH_SECRET_NAMES.clientSecret]: secret });
  const auth: GraphAuth = { kind: 'secret' };
  const connection: GraphConnection = {
    tenantId: tenant.tenantId,
    clientId: app.clientId,
    auth,
    cloud: 'custom',
    authorityHost: tenant.authorityHost,
    graphBaseUrl: tenant.graphBaseUrl,
  };
  const logEvents: GraphLogEvent[] = [];
  return {
    tenant,
    app,
    secret,
    secrets,
    connection,
    logEvents,
    service: (overrides = {}) => GraphService.connect({ ...connection, ...overrides }, secrets, { log: (event) => logEvents.push(event) }),
    close: () => tenant.close(),
  };
}
