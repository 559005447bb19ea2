import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphConfigError, resolveGraphEndpoints, type GraphConnection } from '../../../main/graph/graph-config';

const base: GraphConnection = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: '11111111-2222-4333-8444-555555555555',
  auth: { kind: 'secret' },
  cloud: 'global',
};

describe('resolveGraphEndpoints', () => {
  it('maps the national clouds to their sign-in host and Graph URL', () => {
    const table = (['global', 'usgov', 'china'] as const).map((cloud) => {
      const e = resolveGraphEndpoints({ ...base, cloud });
      return [cloud, e.authorityHost, e.graphBaseUrl, e.scope, e.disableInstanceDiscovery, e.customHosts.length];
    });
    assert.deepEqual(table, [
      ['global', 'https://login.microsoftonline.com', 'https://graph.microsoft.com', 'https://graph.microsoft.com/.default', false, 0],
      ['usgov', 'https://login.microsoftonline.us', 'https://graph.microsoft.us', 'https://graph.microsoft.us/.default', true, 0],
      ['china', 'https://login.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn/.default', true, 0],
    ]);
  });

  it('gives a custom cloud instance discovery off and its Graph hostname (no scheme, no port) as custom host', () => {
    const e = resolveGraphEndpoints({ ...base, cloud: 'custom', authorityHost: 'https://127.0.0.1:8443/', graphBaseUrl: 'https://graph.example.net:9443' });
    assert.deepEqual(e, {
      cloud: 'custom',
      authorityHost: 'https://127.0.0.1:8443',
      graphBaseUrl: 'https://graph.example.net:9443',
      resource: 'https://graph.microsoft.com',
      scope: 'https://graph.microsoft.com/.default',
      disableInstanceDiscovery: true,
      customHosts: ['graph.example.net'],
    });
  });

  it("asks a custom cloud's tokens for Graph's own resource, not for its Graph URL, unless that URL is a national cloud's Graph host", () => {
    const custom = (graphBaseUrl: string, graphResource?: string) =>
      resolveGraphEndpoints({ ...base, cloud: 'custom', authorityHost: 'https://login.example.net', graphBaseUrl, ...(graphResource !== undefined ? { graphResource } : {}) }).scope;
    assert.deepEqual(
      [
        custom('https://graph-proxy.contoso.internal'),
        custom('https://127.0.0.1:8443'),
        custom('https://graph.microsoft.com'),
        custom('https://graph.microsoft.us'),
        custom('https://DOD-Graph.microsoft.us'),
        custom('https://microsoftgraph.chinacloudapi.cn:443'),
        custom('https://graph-proxy.contoso.internal', 'https://graph.microsoft.us/'),
        custom('https://graph-proxy.contoso.internal', 'https://api.contoso.example/graph'),
        custom('https://graph-proxy.contoso.internal', '  '),
      ],
      [
        'https://graph.microsoft.com/.default',
        'https://graph.microsoft.com/.default',
        'https://graph.microsoft.com/.default',
        'https://graph.microsoft.us/.default',
        'https://dod-graph.microsoft.us/.default',
        'https://microsoftgraph.chinacloudapi.cn/.default',
        'https://graph.microsoft.us/.default',
        'https://api.contoso.example/graph/.default',
        'https://graph.microsoft.com/.default',
      ],
    );
  });

  it('refuses a token resource that is not an absolute https URL, saying what it must be', () => {
    const cases: Array<[string, RegExp]> = [
      ['graph.microsoft.com', /not an absolute URL: give one such as https:\/\/graph\.microsoft\.com/],
      ['http://graph.microsoft.com', /must be an https URL such as https:\/\/graph\.microsoft\.com \(got http:\/\/\)/],
      ['https://graph.microsoft.com/?x=1', /without credentials, query or fragment/],
      ['api://0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef', /must be an https URL/],
    ];
    for (const [graphResource, message] of cases) {
      assert.throws(
        () => resolveGraphEndpoints({ ...base, cloud: 'custom', authorityHost: 'https://login.example.net', graphBaseUrl: 'https://graph.example.net', graphResource }),
        (e: Error) => e instanceof GraphConfigError && message.test(e.message),
        graphResource,
      );
    }
  });

  it('refuses http, paths and missing hosts for a custom cloud with a plain message', () => {
    const cases: Array<[Partial<GraphConnection>, RegExp]> = [
      [{ authorityHost: 'http://login.example.net', graphBaseUrl: 'https://graph.example.net' }, /must start with https/],
      [{ authorityHost: 'https://login.example.net', graphBaseUrl: 'https://graph.example.net/v1.0' }, /host only/],
      [{ authorityHost: 'https://login.example.net/tenant-id', graphBaseUrl: 'https://graph.example.net' }, /host only/],
      [{ graphBaseUrl: 'https://graph.example.net' }, /needs the authority/],
      [{ authorityHost: 'https://login.example.net', graphBaseUrl: 'graph.example.net' }, /not a URL/],
    ];
    for (const [override, message] of cases) {
      assert.throws(() => resolveGraphEndpoints({ ...base, cloud: 'custom', ...override }), (e: Error) => e instanceof GraphConfigError && message.test(e.message), JSON.stringify(override));
    }
  });

  it('accepts a tenant GUID or domain and refuses a client id that is not a GUID', () => {
    assert.doesNotThrow(() => resolveGraphEndpoints({ ...base, tenantId: 'contoso.onmicrosoft.com' }));
    assert.throws(() => resolveGraphEndpoints({ ...base, tenantId: 'not a tenant' }), /neither a GUID/);
    assert.throws(() => resolveGraphEndpoints({ ...base, clientId: 'my-app' }), /Application \(client\) ID/);
  });
});
