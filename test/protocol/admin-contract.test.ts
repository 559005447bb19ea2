import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { unzipSync } from 'fflate';
import { adminMethods, METHOD_NAMES, type AdminResult, type MethodName, type MethodOutput } from '../../shared/admin/contract';
import { createCloudflareTunnel } from '../../main/tunnel/cloudflare-tunnel';
import { eventually } from '../support/eventually';
import { cloudflareToken } from '../support/fake-cloudflared';
import { startTestAdmin, type TestAdmin } from '../support/start-test-admin';
import { TestReceiver } from '../support/webhook-receiver';
import { readScim, readScimError, URN_ENTERPRISE, URN_GROUP, URN_PATCH, URN_USER, type Json } from './protocol-helpers';

/**
 * The admin contract over its HTTP transport (issue 3, "Contract tests"):
 * every method rejects bad input with an invalidInput error naming the field,
 * and every method does its job on data provisioned through the SCIM endpoint.
 */

const GUID_A = '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef';
const GUID_B = '5d0b1f5e-8a0c-4f9e-9d41-2b7c0e6f7a11';
const GUID_GROUP = 'c3a1e2b4-7d5f-4e6a-9b8c-0d1e2f3a4b5c';
const EXTENSION_URN = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';

/** A self-signed test certificate (CN=scimdesk-test.localhost, EC P-256) in a PFX opened by TEST_PFX_PASSPHRASE. */
const TEST_PFX_BASE64 = [
  'MIIELAIBAzCCA+IGCSqGSIb3DQEHAaCCA9MEggPPMIIDyzCCAoIGCSqGSIb3DQEHBqCCAnMwggJvAgEAMIICaAYJKoZIhvcNAQcBMFcGCSqGSI',
  'b3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAjdEPv2qOyiawICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEKB/V/eFXNiuoPt5UZ39b8uA',
  'ggIALn7trnchs8091DjuwWw5uWWsGQG9qBtcT+Mtyl14e9gyur+xtTbr5aB0fpGAwCox0m7NEjGgtuiUqrcSvC9cNIemxIeeAKsnM5D9hO0/9G',
  'EhY122qmkkwKADDweO+7dKAutc8OKQKuGTKLndDbeyJLFW75APLYEvuy690saTe8UXEhGjqyXiXi0lImKNDichhzJt8E+Dve6MB6c2SE39776X',
  'ofGlFXY31jaS2//hjosRwrO3Y5FkugV9phdwiP5Uluxg+6NMO4c24gzyXE1W/+YI4z68NiN0AiUfCQ1v9ETqgNWvA8skZELm/xgX1ZwWRVgF9Y',
  'oLdYzTNwzfkoUQsrim0iTANEE/pl7AM89KMrG+j7GkM9Nlhoas4Ef4VmKlcBVNFmr/JWLLNh3s8F/OGtSCOzdkZL06s766hYvl7z2AClFIWPrD',
  'OpOoN+6AqRW5AXKq8Hszeaz2VvqmuJuqJrQ6H+yWPNJr8bGdyoN1bq3nEtJOhwt4cep9dih8PjqxbU340GXD4hsIKnnOgqkHYADBZlpXW+dq+u',
  'U3RXRtzl9aDohNhnyuyBblQ82I7LRhhE4U9SPvFZP7IO+DoWlAr9QbrIxhxxJB9PBKi2+TuWlndSn9kghYrRfd6Q/vM8GnWVz6Jjt+VQkG1pzp',
  'BOv8xA99jQqjNqd0+KDsudhI5VEwggFBBgkqhkiG9w0BBwGgggEyBIIBLjCCASowggEmBgsqhkiG9w0BDAoBAqCB7zCB7DBXBgkqhkiG9w0BBQ',
  '0wSjApBgkqhkiG9w0BBQwwHAQI1D0frLPoyGUCAggAMAwGCCqGSIb3DQIJBQAwHQYJYIZIAWUDBAEqBBC4o36pnJmflAGJ5W9sAxEtBIGQa7Qt',
  'rY3QogDeJ7wcmRX77HE0GV/b3PI1ZGpz0S6JLOFFrZWT4fI0PoIqE12GIkIcXPB7vlJzHILrjoiwQYzsXkBfOvGs9OjlGUprfgK5Bmd6fn9B2j',
  '7lh5xXsAqTGMALIyMnaZ262ooW6OcBFe7d67um6MHreN7g0mX6fRsiyAbyMp7tqmnle3Sl9t2E/us3MSUwIwYJKoZIhvcNAQkVMRYEFIyDXWtZ',
  'uwFpPCuvVR+ldso8GOxwMEEwMTANBglghkgBZQMEAgEFAAQgXaqp+0TjI8mpzAGUJdU3OmRM7Rfy7zUfNt42jHf7W2sECGELrvwd9kcMAgIIAA',
  '==',
].join('');
const TEST_PFX_PASSPHRASE = 'scimdesk-test';

/** One bad input and the field its error must name (for an unknown key, the key itself). */
interface BadInput {
  readonly why: string;
  readonly input: unknown;
  readonly field: string;
}

const extra = (input: Record<string, unknown> = {}): BadInput => ({ why: 'unknown extra field', input: { ...input, bogusField: 1 }, field: 'bogusField' });

const validDirectory = { name: 'Contoso', description: '', onInactive: 'suspend', onDelete: { mode: 'hard' }, duplicateExternalIds: 'refuse' };
const validConnect = {
  tenantId: GUID_B,
  clientId: GUID_A,
  cloud: 'global',
  auth: { kind: 'secret', clientSecret: 'not-a-real-secret' },
};
const validExtension = {
  urn: EXTENSION_URN,
  resourceType: 'User',
  name: 'Acme',
  attributes: [{ name: 'costCenter', type: 'string' }],
};

const validExport = {
  name: 'Nightly',
  kinds: ['users'],
  format: 'csv',
  columns: { users: [], groups: [], memberships: [] },
  folder: '/tmp/scimdesk-exports',
  timing: { kind: 'daily', at: '02:30' },
  afterCycle: false,
  keep: 5,
  latestCopy: true,
  enabled: true,
};

const listBad: ReadonlyArray<BadInput> = [
  { why: 'out-of-range startIndex', input: { startIndex: 0 }, field: 'startIndex' },
  { why: 'count over 500', input: { count: 501 }, field: 'count' },
  { why: 'fractional count', input: { count: 1.5 }, field: 'count' },
  { why: 'unknown sortBy', input: { sortBy: 'password' }, field: 'sortBy' },
  { why: 'search of the wrong type', input: { search: 5 }, field: 'search' },
  { why: 'filter of the wrong type', input: { filter: ['userName eq "x"'] }, field: 'filter' },
  extra(),
];

const byIdBad: ReadonlyArray<BadInput> = [
  { why: 'missing id', input: {}, field: 'id' },
  { why: 'id of the wrong type', input: { id: 5 }, field: 'id' },
  { why: 'empty id', input: { id: '  ' }, field: 'id' },
  { why: 'id over 128 characters', input: { id: 'x'.repeat(129) }, field: 'id' },
  extra({ id: 'x' }),
];

const setExternalIdBad: ReadonlyArray<BadInput> = [
  { why: 'missing id', input: { externalId: GUID_A }, field: 'id' },
  { why: 'missing externalId', input: { id: 'x' }, field: 'externalId' },
  { why: 'externalId not a GUID', input: { id: 'x', externalId: 'adele.vance' }, field: 'externalId' },
  { why: 'externalId of the wrong type', input: { id: 'x', externalId: 42 }, field: 'externalId' },
  { why: 'reason of the wrong type', input: { id: 'x', externalId: null, reason: 5 }, field: 'reason' },
  { why: 'reason too long', input: { id: 'x', externalId: null, reason: 'r'.repeat(501) }, field: 'reason' },
  extra({ id: 'x', externalId: null }),
];

/** Bad inputs for every method: wrong types, missing required fields, out-of-range numbers, unknown keys. */
const BAD_INPUTS: Readonly<Record<MethodName, ReadonlyArray<BadInput>>> = {
  'overview.get': [extra()],
  'provisioning.pause': [extra()],
  'provisioning.resume': [extra()],
  'directory.get': [extra()],
  'directory.update': [
    { why: 'missing name', input: { ...validDirectory, name: undefined }, field: 'name' },
    { why: 'blank name', input: { ...validDirectory, name: '   ' }, field: 'name' },
    { why: 'description of the wrong type', input: { ...validDirectory, description: 7 }, field: 'description' },
    { why: 'unsupported onInactive', input: { ...validDirectory, onInactive: 'delete' }, field: 'onInactive' },
    { why: 'retention days out of range', input: { ...validDirectory, onDelete: { mode: 'retain', days: 0 } }, field: 'onDelete.days' },
    { why: 'unknown delete mode', input: { ...validDirectory, onDelete: { mode: 'shred' } }, field: 'onDelete.mode' },
    { why: 'unknown duplicate Object ID policy', input: { ...validDirectory, duplicateExternalIds: 'merge' }, field: 'duplicateExternalIds' },
    { why: 'missing duplicate Object ID policy', input: { ...validDirectory, duplicateExternalIds: undefined }, field: 'duplicateExternalIds' },
    extra(validDirectory),
  ],
  'token.status': [extra()],
  'token.generate': [
    { why: 'missing lifetimeDays', input: {}, field: 'lifetimeDays' },
    { why: 'lifetimeDays as a string', input: { lifetimeDays: '30' }, field: 'lifetimeDays' },
    { why: 'negative lifetimeDays', input: { lifetimeDays: -1 }, field: 'lifetimeDays' },
    { why: 'lifetimeDays over ten years', input: { lifetimeDays: 3651 }, field: 'lifetimeDays' },
    { why: 'fractional lifetimeDays', input: { lifetimeDays: 1.5 }, field: 'lifetimeDays' },
    extra({ lifetimeDays: 0 }),
  ],
  'token.revoke': [extra()],
  'users.list': listBad,
  'users.get': byIdBad,
  'users.setExternalId': setExternalIdBad,
  'groups.list': listBad,
  'groups.get': byIdBad,
  'groups.members': [
    { why: 'missing id', input: {}, field: 'id' },
    { why: 'count of zero', input: { id: 'x', count: 0 }, field: 'count' },
    { why: 'startIndex as a string', input: { id: 'x', startIndex: '1' }, field: 'startIndex' },
    extra({ id: 'x' }),
  ],
  'groups.setExternalId': setExternalIdBad,
  'syncLog.query': [
    { why: 'limit of zero', input: { limit: 0 }, field: 'limit' },
    { why: 'limit over 1000', input: { limit: 1001 }, field: 'limit' },
    { why: 'unknown operation', input: { operation: 'drop' }, field: 'operation' },
    { why: 'unknown outcome', input: { outcome: 'meh' }, field: 'outcome' },
    { why: 'beforeSeq as a string', input: { beforeSeq: '10' }, field: 'beforeSeq' },
    { why: 'text too long', input: { text: 't'.repeat(257) }, field: 'text' },
    extra(),
  ],
  'syncLog.entry': [
    { why: 'missing seq', input: {}, field: 'seq' },
    { why: 'seq as a string', input: { seq: '1' }, field: 'seq' },
    { why: 'fractional seq', input: { seq: 1.5 }, field: 'seq' },
    extra({ seq: 1 }),
  ],
  'syncLog.exportCsv': [
    { why: 'limit of zero', input: { limit: 0 }, field: 'limit' },
    { why: 'limit over 200,000', input: { limit: 200_001 }, field: 'limit' },
    { why: 'unknown outcome', input: { outcome: 'meh' }, field: 'outcome' },
    { why: 'since of the wrong type', input: { since: 1 }, field: 'since' },
    extra(),
  ],
  'audit.list': [
    { why: 'limit over 500', input: { limit: 501 }, field: 'limit' },
    { why: 'fractional beforeSeq', input: { beforeSeq: 2.5 }, field: 'beforeSeq' },
    extra(),
  ],
  'settings.get': [extra()],
  'settings.updateEndpoint': [
    { why: 'missing host', input: { port: 8631, publicUrl: '' }, field: 'host' },
    { why: 'host that is not an address', input: { host: 'no spaces allowed', port: 8631, publicUrl: '' }, field: 'host' },
    { why: 'port zero', input: { host: '127.0.0.1', port: 0, publicUrl: '' }, field: 'port' },
    { why: 'port over 65535', input: { host: '127.0.0.1', port: 70000, publicUrl: '' }, field: 'port' },
    { why: 'port as a string', input: { host: '127.0.0.1', port: '8631', publicUrl: '' }, field: 'port' },
    { why: 'public URL that is not http(s)', input: { host: '127.0.0.1', port: 8631, publicUrl: 'ftp://scim.example.com' }, field: 'publicUrl' },
    { why: 'missing publicUrl', input: { host: '127.0.0.1', port: 8631 }, field: 'publicUrl' },
    extra({ host: '127.0.0.1', port: 8631, publicUrl: '' }),
  ],
  'settings.updateRetention': [
    { why: 'maxAgeDays of zero', input: { maxAgeDays: 0, maxRows: 5000 }, field: 'maxAgeDays' },
    { why: 'maxRows under 1000', input: { maxAgeDays: 30, maxRows: 10 }, field: 'maxRows' },
    { why: 'missing maxRows', input: { maxAgeDays: 30 }, field: 'maxRows' },
    { why: 'maxAgeDays as a string', input: { maxAgeDays: '30', maxRows: 5000 }, field: 'maxAgeDays' },
    extra({ maxAgeDays: 30, maxRows: 5000 }),
  ],
  'settings.setCertificate': [
    { why: 'missing pfxBase64', input: { passphrase: '' }, field: 'pfxBase64' },
    { why: 'empty pfxBase64', input: { pfxBase64: '', passphrase: '' }, field: 'pfxBase64' },
    { why: 'pfxBase64 over the size limit', input: { pfxBase64: 'A'.repeat(200_001), passphrase: '' }, field: 'pfxBase64' },
    { why: 'passphrase of the wrong type', input: { pfxBase64: 'AAAA', passphrase: 1234 }, field: 'passphrase' },
    extra({ pfxBase64: 'AAAA', passphrase: '' }),
  ],
  'settings.clearCertificate': [extra()],
  'settings.createTestCertificate': [
    { why: 'days of zero', input: { days: 0 }, field: 'days' },
    { why: 'days over 825', input: { days: 826 }, field: 'days' },
    { why: 'a name with a space', input: { names: ['not a name'] }, field: 'names.0' },
    { why: 'no names', input: { names: [] }, field: 'names' },
    extra(),
  ],
  'reach.get': [extra()],
  'reach.configure': [
    { why: 'unknown provider', input: { provider: 'frp' }, field: 'provider' },
    { why: 'authtoken of the wrong type', input: { provider: 'ngrok', authtoken: 5 }, field: 'authtoken' },
    { why: 'ngrok domain with a path', input: { provider: 'ngrok', authtoken: '', domain: 'scim.ngrok.app/scim' }, field: 'domain' },
    { why: 'Cloudflare without its hostname', input: { provider: 'cloudflare', token: '' }, field: 'hostname' },
    { why: 'Relay namespace too short', input: { provider: 'azureRelay', namespace: 'ab', connectionName: 'scim', keyName: 'listen', key: '' }, field: 'namespace' },
    { why: 'Relay connection name with a space', input: { provider: 'azureRelay', namespace: 'contoso-scim', connectionName: 'my scim', keyName: 'listen', key: '' }, field: 'connectionName' },
    extra({ provider: 'none' }),
  ],
  'reach.reconnect': [extra()],
  'reach.check': [
    { why: 'url that is not http(s)', input: { url: 'ftp://scim.contoso.example' }, field: 'url' },
    { why: 'unknown vantage point', input: { from: 'moon' }, field: 'from' },
    { why: 'empty token', input: { token: '' }, field: 'token' },
    extra(),
  ],
  'extensions.list': [extra()],
  'extensions.save': [
    { why: 'missing urn', input: { ...validExtension, urn: undefined }, field: 'urn' },
    { why: 'urn that is not a URN', input: { ...validExtension, urn: 'acme-role' }, field: 'urn' },
    { why: 'the built-in enterprise schema', input: { ...validExtension, urn: URN_ENTERPRISE }, field: 'urn' },
    { why: 'unknown resourceType', input: { ...validExtension, resourceType: 'Device' }, field: 'resourceType' },
    { why: 'no attributes', input: { ...validExtension, attributes: [] }, field: 'attributes' },
    { why: 'attribute name starting with a digit', input: { ...validExtension, attributes: [{ name: '1cost', type: 'string' }] }, field: 'attributes.0.name' },
    { why: 'unknown attribute type', input: { ...validExtension, attributes: [{ name: 'cost', type: 'blob' }] }, field: 'attributes.0.type' },
    { why: 'attribute flag of the wrong type', input: { ...validExtension, attributes: [{ name: 'cost', type: 'string', multiValued: 'yes' }] }, field: 'attributes.0.multiValued' },
    extra(validExtension),
  ],
  'extensions.delete': [
    { why: 'missing urn', input: {}, field: 'urn' },
    { why: 'urn of the wrong type', input: { urn: 5 }, field: 'urn' },
    extra({ urn: EXTENSION_URN }),
  ],
  'graph.get': [extra()],
  'graph.connect': [
    { why: 'missing tenantId', input: { ...validConnect, tenantId: undefined }, field: 'tenantId' },
    { why: 'tenantId that is neither a GUID nor a domain', input: { ...validConnect, tenantId: 'contoso' }, field: 'tenantId' },
    { why: 'clientId not a GUID', input: { ...validConnect, clientId: 'my-app' }, field: 'clientId' },
    { why: 'unknown cloud', input: { ...validConnect, cloud: 'moon' }, field: 'cloud' },
    { why: 'custom cloud without its hosts', input: { ...validConnect, cloud: 'custom' }, field: 'cloud' },
    { why: 'authority host over http', input: { ...validConnect, cloud: 'custom', authorityHost: 'http://login.example.net', graphBaseUrl: 'https://graph.example.net' }, field: 'authorityHost' },
    { why: 'token resource without a scheme', input: { ...validConnect, cloud: 'custom', authorityHost: 'https://login.example.net', graphBaseUrl: 'https://graph.example.net', graphResource: 'graph.microsoft.com' }, field: 'graphResource' },
    { why: 'token resource over http', input: { ...validConnect, cloud: 'custom', authorityHost: 'https://login.example.net', graphBaseUrl: 'https://graph.example.net', graphResource: 'http://graph.microsoft.com' }, field: 'graphResource' },
    { why: 'token resource with a query', input: { ...validConnect, cloud: 'custom', authorityHost: 'https://login.example.net', graphBaseUrl: 'https://graph.example.net', graphResource: 'https://graph.microsoft.com/?a=b' }, field: 'graphResource' },
    { why: 'unknown auth kind', input: { ...validConnect, auth: { kind: 'password' } }, field: 'auth.kind' },
    { why: 'certificate of an unknown format', input: { ...validConnect, auth: { kind: 'certificate', format: 'der' } }, field: 'auth.format' },
    { why: 'appId not a GUID', input: { ...validConnect, appId: 'ScimDesk' }, field: 'appId' },
    extra(validConnect),
  ],
  'graph.disconnect': [extra()],
  'graph.test': [extra()],
  'graph.findApps': [
    { why: 'missing query', input: {}, field: 'query' },
    { why: 'blank query', input: { query: '  ' }, field: 'query' },
    extra({ query: 'ScimDesk' }),
  ],
  'graph.fetch': [extra()],
  'graph.fetchStatus': [extra()],
  'graph.cancel': [{ why: 'missing jobId', input: {}, field: 'jobId' }, extra({ jobId: 'x' })],
  'graph.importCsv': [
    { why: 'empty file', input: { csv: '' }, field: 'csv' },
    { why: 'csv of the wrong type', input: { csv: 5 }, field: 'csv' },
    extra({ csv: 'id\n' }),
  ],
  'graph.snapshots': [extra()],
  'compare.run': [{ why: 'missing snapshotId', input: {}, field: 'snapshotId' }, extra({ snapshotId: 'x' })],
  'compare.latest': [extra()],
  'compare.rows': [
    { why: 'missing reportId', input: {}, field: 'reportId' },
    { why: 'unknown category', input: { reportId: 'r', category: 'weird' }, field: 'category' },
    { why: 'unknown kind', input: { reportId: 'r', kind: 'Device' }, field: 'kind' },
    { why: 'count over 500', input: { reportId: 'r', count: 501 }, field: 'count' },
    extra({ reportId: 'r' }),
  ],
  'compare.exportCsv': [{ why: 'missing reportId', input: {}, field: 'reportId' }, extra({ reportId: 'r' })],
  'fix.preview': [
    { why: 'missing reportId', input: {}, field: 'reportId' },
    { why: 'approve of the wrong type', input: { reportId: 'r', approve: 'all' }, field: 'approve' },
    extra({ reportId: 'r' }),
  ],
  'fix.apply': [{ why: 'missing planId', input: {}, field: 'planId' }, extra({ planId: 'p' })],
  'fix.batches': [extra()],
  'fix.undo': [{ why: 'missing batchId', input: {}, field: 'batchId' }, extra({ batchId: 'b' })],
  'entra.jobs': [extra()],
  'entra.restartJob': [
    { why: 'missing jobId', input: { resetScope: ['Watermark'] }, field: 'jobId' },
    { why: 'no reset scope', input: { jobId: 'j', resetScope: [] }, field: 'resetScope' },
    { why: 'unknown reset scope', input: { jobId: 'j', resetScope: ['Everything'] }, field: 'resetScope.0' },
    { why: 'insist of the wrong type', input: { jobId: 'j', resetScope: ['Full'], insist: 'yes' }, field: 'insist' },
    extra({ jobId: 'j', resetScope: ['Watermark'] }),
  ],
  'entra.provisionOnDemand': [
    { why: 'userObjectId not a GUID', input: { jobId: 'j', userObjectId: 'adele' }, field: 'userObjectId' },
    extra({ jobId: 'j', userObjectId: GUID_A }),
  ],
  'entra.provisioningLogs': [{ why: 'top over 500', input: { top: 501 }, field: 'top' }, extra()],
  'entra.rotateToken': [
    { why: 'negative overlap', input: { overlapMinutes: -1 }, field: 'overlapMinutes' },
    { why: 'overlap over a week', input: { overlapMinutes: 10_081 }, field: 'overlapMinutes' },
    extra(),
  ],
  'mapping.view': [extra()],
  'entra.mappingSchema': [{ why: 'empty job id', input: { jobId: '' }, field: 'jobId' }, extra()],
  'mapping.choosePreset': [
    { why: 'unknown preset', input: { preset: 'salesforce' }, field: 'preset' },
    { why: 'missing preset', input: {}, field: 'preset' },
    extra({ preset: null }),
  ],
  'mapping.saveRules': [
    { why: 'rules not a list', input: { rules: {} }, field: 'rules' },
    { why: 'rule with a broken pattern', input: { rules: [{ resourceType: 'User', attribute: 'userName', pattern: '([' }] }, field: 'rules.0.pattern' },
    { why: 'rule with a zero max length', input: { rules: [{ resourceType: 'User', attribute: 'userName', maxLength: 0 }] }, field: 'rules.0.maxLength' },
    { why: 'rule for an unknown resource type', input: { rules: [{ resourceType: 'Device', attribute: 'userName' }] }, field: 'rules.0.resourceType' },
    extra({ rules: [] }),
  ],
  'mapping.importEntraSchema': [
    { why: 'empty JSON', input: { json: '' }, field: 'json' },
    { why: 'JSON of the wrong type', input: { json: { synchronizationRules: [] } }, field: 'json' },
    extra({ json: '{}' }),
  ],
  'mapping.clearEntraSchema': [extra()],
  'mapping.setupSheet': [extra()],
  'support.bundle': [
    { why: 'zero cycles', input: { cycles: 0 }, field: 'cycles' },
    { why: 'too many cycles', input: { cycles: 21 }, field: 'cycles' },
    { why: 'fractional cycles', input: { cycles: 1.5 }, field: 'cycles' },
    { why: 'jobId of the wrong type', input: { jobId: 5 }, field: 'jobId' },
    extra(),
  ],
  'recovery.bin': [extra()],
  'recovery.restoreDeleted': [
    { why: 'missing seq', input: {}, field: 'seq' },
    { why: 'seq of the wrong type', input: { seq: '1' }, field: 'seq' },
    { why: 'seq below 1', input: { seq: 0 }, field: 'seq' },
    extra({ seq: 1 }),
  ],
  'snapshots.list': [extra()],
  'snapshots.take': [{ why: 'reason too long', input: { reason: 'r'.repeat(81) }, field: 'reason' }, extra()],
  'snapshots.compare': [
    { why: 'missing id', input: {}, field: 'id' },
    { why: 'an id that leaves the folder', input: { id: '../scimdesk' }, field: 'id' },
    extra({ id: '2026-01-01T00-00-00-000Z-daily' }),
  ],
  'snapshots.restore': [
    { why: 'missing id', input: {}, field: 'id' },
    { why: 'a path for an id', input: { id: '/etc/passwd' }, field: 'id' },
    extra({ id: '2026-01-01T00-00-00-000Z-daily' }),
  ],
  'snapshots.export': [
    { why: 'unknown format', input: { source: 'now', format: 'xlsx' }, field: 'format' },
    { why: 'a source that is no snapshot id', input: { source: '../../x', format: 'csv' }, field: 'source' },
    extra({ source: 'now', format: 'json' }),
  ],
  'breaker.get': [extra()],
  'breaker.saveSettings': [
    { why: 'missing enabled', input: { maxCount: 20, maxPercent: null, window: { mode: 'minutes', minutes: 60 } }, field: 'enabled' },
    { why: 'count of zero', input: { enabled: true, maxCount: 0, maxPercent: null, window: { mode: 'minutes', minutes: 60 } }, field: 'maxCount' },
    { why: 'neither count nor percentage', input: { enabled: true, maxCount: null, maxPercent: null, window: { mode: 'minutes', minutes: 60 } }, field: 'maxCount' },
    { why: 'percentage over 100', input: { enabled: true, maxCount: null, maxPercent: 101, window: { mode: 'minutes', minutes: 60 } }, field: 'maxPercent' },
    { why: 'unknown window mode', input: { enabled: true, maxCount: 20, maxPercent: null, window: { mode: 'days', minutes: 60 } }, field: 'window.mode' },
    extra({ enabled: true, maxCount: 20, maxPercent: null, window: { mode: 'minutes', minutes: 60 } }),
  ],
  'breaker.held': [extra()],
  'breaker.approve': [
    { why: 'missing ids', input: {}, field: 'ids' },
    { why: 'empty ids', input: { ids: [] }, field: 'ids' },
    { why: 'id of the wrong type', input: { ids: ['1'] }, field: 'ids.0' },
    extra({ ids: null }),
  ],
  'breaker.reject': [
    { why: 'missing ids', input: {}, field: 'ids' },
    { why: 'negative id', input: { ids: [-1] }, field: 'ids.0' },
    extra({ ids: null }),
  ],
  'auth.status': [extra()],
  'auth.createClient': [
    { why: 'lifetime of 0 days', input: { lifetimeDays: 0 }, field: 'lifetimeDays' },
    { why: 'lifetime over ten years', input: { lifetimeDays: 3651 }, field: 'lifetimeDays' },
    { why: 'name of the wrong type', input: { name: 5 }, field: 'name' },
    extra({}),
  ],
  'auth.rotateClient': [{ why: 'missing clientId', input: {}, field: 'clientId' }, { why: 'fractional lifetime', input: { clientId: 'x', lifetimeDays: 1.5 }, field: 'lifetimeDays' }, extra({ clientId: 'x' })],
  'auth.revokeClient': [{ why: 'missing clientId', input: {}, field: 'clientId' }, extra({ clientId: 'x' })],
  'auth.configureFederation': [
    { why: 'missing subject', input: { tenantId: GUID_A, cloud: 'global', audience: 'api://x' }, field: 'subject' },
    { why: 'unknown cloud', input: { tenantId: GUID_A, cloud: 'mars', subject: 's', audience: 'a' }, field: 'cloud' },
    extra({ tenantId: GUID_A, cloud: 'global', subject: 's', audience: 'a' }),
  ],
  'auth.disableFederation': [extra()],
  'auth.updateSettings': [
    { why: 'access tokens over 6 hours', input: { accessTokenSeconds: 21_601 }, field: 'accessTokenSeconds' },
    { why: 'access tokens under a minute', input: { accessTokenSeconds: 59 }, field: 'accessTokenSeconds' },
    extra({ accessTokenSeconds: 3600 }),
  ],
  'exports.list': [extra()],
  'exports.save': [
    { why: 'missing name', input: { ...validExport, name: undefined }, field: 'name' },
    { why: 'no kind to export', input: { ...validExport, kinds: [] }, field: 'kinds' },
    { why: 'unknown kind', input: { ...validExport, kinds: ['devices'] }, field: 'kinds.0' },
    { why: 'unknown format', input: { ...validExport, format: 'xlsx' }, field: 'format' },
    { why: 'interval of zero minutes', input: { ...validExport, timing: { kind: 'interval', minutes: 0 } }, field: 'timing.minutes' },
    { why: 'daily time not HH:MM', input: { ...validExport, timing: { kind: 'daily', at: '25:00' } }, field: 'timing.at' },
    { why: 'no timing and not after cycles', input: { ...validExport, timing: { kind: 'none' }, afterCycle: false }, field: 'timing' },
    { why: 'keep of zero', input: { ...validExport, keep: 0 }, field: 'keep' },
    { why: 'missing folder', input: { ...validExport, folder: '' }, field: 'folder' },
    extra(validExport),
  ],
  'exports.remove': byIdBad,
  'exports.runNow': byIdBad,
  'exports.runs': byIdBad,
  'delivery.view': [extra()],
  'delivery.subscribe': [
    { why: 'missing url', input: {}, field: 'url' },
    { why: 'empty url', input: { url: ' ' }, field: 'url' },
    { why: 'unknown event type', input: { url: 'https://hr.contoso.example/hook', events: ['user.exploded'] }, field: 'events.0' },
    { why: 'unknown resource type', input: { url: 'https://hr.contoso.example/hook', resourceTypes: ['Printer'] }, field: 'resourceTypes.0' },
    extra({ url: 'https://hr.contoso.example/hook' }),
  ],
  'delivery.pause': [{ why: 'not a subscription id', input: { id: 'x' }, field: 'id' }, extra({ id: 'sub_0123456789abcdef' })],
  'delivery.resume': [{ why: 'missing id', input: {}, field: 'id' }, extra({ id: 'sub_0123456789abcdef' })],
  'delivery.remove': [{ why: 'id of the wrong type', input: { id: 5 }, field: 'id' }, extra({ id: 'sub_0123456789abcdef' })],
  'delivery.replay': [
    { why: 'missing fromSeq', input: { id: 'sub_0123456789abcdef' }, field: 'fromSeq' },
    { why: 'fromSeq below 1', input: { id: 'sub_0123456789abcdef', fromSeq: 0 }, field: 'fromSeq' },
    extra({ id: 'sub_0123456789abcdef', fromSeq: 1 }),
  ],
  'delivery.log': [{ why: 'limit over 1000', input: { id: 'sub_0123456789abcdef', limit: 1001 }, field: 'limit' }, extra({ id: 'sub_0123456789abcdef' })],
  'delivery.sendTest': [{ why: 'missing id', input: {}, field: 'id' }, extra({ id: 'sub_0123456789abcdef' })],
  'delivery.issueCredential': [{ why: 'empty name', input: { name: ' ' }, field: 'name' }, extra({ name: 'HR' })],
  'delivery.revokeCredential': [{ why: 'id of the wrong type', input: { id: 'one' }, field: 'id' }, extra({ id: 1 })],
};

/** Compare & Fix methods need a Graph tenant: their good calls live in admin-compare.test.ts. */
const NEEDS_TENANT = (method: MethodName) => /^(graph|compare|fix|entra)\./.test(method);

/** A free loopback port (listen on 0, read it, close). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** RFC 4180 CSV into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

describe('admin contract: input validation over HTTP', () => {
  let a: TestAdmin;

  before(async () => {
    a = await startTestAdmin();
  });

  after(async () => {
    await a.stop();
  });

  it('has bad-input cases for every method of the contract', () => {
    assert.deepEqual(Object.keys(BAD_INPUTS).sort(), [...METHOD_NAMES].sort());
    for (const method of METHOD_NAMES) {
      assert.ok(BAD_INPUTS[method].some((bad) => bad.why === 'unknown extra field'), `${method}: an unknown-field case (the schemas are strict)`);
    }
  });

  for (const method of METHOD_NAMES) {
    it(`${method} rejects bad input with invalidInput naming the field`, async () => {
      for (const bad of BAD_INPUTS[method]) {
        const context = `${method} with ${bad.why}`;
        const { status, body } = await a.call(method, bad.input);
        assert.equal(status, 200, `${context}: an AdminResult, not an HTTP error`);
        assert.equal(body.ok, false, `${context}: refused`);
        if (body.ok) continue;
        assert.equal(body.error.code, 'invalidInput', `${context}: code`);
        assert.ok(body.error.message.includes(bad.field), `${context}: message ${JSON.stringify(body.error.message)} names ${bad.field}`);
        assert.ok(Array.isArray(body.error.issues) && body.error.issues.length > 0, `${context}: issues`);
        assert.ok(
          body.error.issues.some((issue) => issue.path === bad.field || (issue.path === '' && issue.message.includes(bad.field))),
          `${context}: an issue for ${bad.field} in ${JSON.stringify(body.error.issues)}`,
        );
      }
      const notObject = await a.call(method, ['not', 'an', 'object']);
      assert.equal(notObject.body.ok, false, `${method}: an array is not an input`);
      if (!notObject.body.ok) assert.equal(notObject.body.error.code, 'invalidInput');
    });
  }

  it('changed nothing while refusing all that', async () => {
    const { body } = await a.call<{ history: unknown[] }>('token.status', {});
    assert.ok(body.ok);
    assert.equal(body.value.history.length, 1);
    assert.equal((await a.scim('/Users?count=1')).status, 200);
    const audit = await a.call<{ items: unknown[] }>('audit.list', {});
    assert.ok(audit.body.ok);
    assert.deepEqual(audit.body.value.items, []);
    const extensions = await a.call<{ items: unknown[] }>('extensions.list', {});
    assert.ok(extensions.body.ok);
    assert.deepEqual(extensions.body.value.items, []);
  });
});

describe('admin contract: every method over HTTP on data provisioned through SCIM', () => {
  let a: TestAdmin;
  const covered = new Set<MethodName>();
  let adele = '';
  let alex = '';
  let group = '';

  /** Calls a method, asserts ok:true and that the value parses with the method's output schema. */
  async function ok<M extends MethodName>(method: M, input: unknown): Promise<MethodOutput<M>> {
    const { status, body } = await a.call<MethodOutput<M>>(method, input);
    assert.equal(status, 200, `${method}: status`);
    assert.ok(body.ok, `${method} failed: ${JSON.stringify(body)}`);
    covered.add(method);
    const parsed = adminMethods[method].output.safeParse(body.value);
    assert.ok(parsed.success, `${method}: the value does not match the output schema: ${JSON.stringify(parsed.error?.issues)}`);
    return parsed.data as MethodOutput<M>;
  }

  async function refused(method: MethodName, input: unknown, code: string): Promise<string> {
    const { status, body } = await a.call(method, input);
    assert.equal(status, 200, `${method}: status`);
    assert.equal(body.ok, false, `${method} should fail with ${code}`);
    const error = (body as Extract<AdminResult<unknown>, { ok: false }>).error;
    assert.equal(error.code, code, `${method}: ${error.message}`);
    return error.message;
  }

  const createUser = async (doc: Json): Promise<Json> => readScim(await a.scim('/Users', { method: 'POST', body: JSON.stringify(doc) }), 201, `create ${doc.userName}`);

  before(async () => {
    // A fixed port: settings.get reports the configured port, and the contract's EndpointSettings has no port 0.
    // No cloudflared on this PATH, whatever the machine has: the Cloudflare setup fails as on a machine without it.
    a = await startTestAdmin({ core: { port: await freePort(), tunnels: { cloudflare: (settings) => createCloudflareTunnel(settings, { env: { PATH: '/nonexistent' } }) } } });
    adele = (
      await createUser({
        schemas: [URN_USER, URN_ENTERPRISE],
        userName: 'adele.vance@contoso.com',
        displayName: 'Adele Vance',
        active: true,
        emails: [{ type: 'work', value: 'adele.vance@contoso.com', primary: true }],
        [URN_ENTERPRISE]: { department: 'Retail' },
      })
    ).id;
    alex = (
      await createUser({ schemas: [URN_USER], userName: 'alex.wilber@contoso.com', displayName: 'Alex Wilber', active: true, externalId: 'alexw' })
    ).id;
    const created = await a.scim('/Groups', {
      method: 'POST',
      body: JSON.stringify({ schemas: [URN_GROUP], displayName: 'Retail', members: [{ value: adele }, { value: alex }] }),
    });
    group = (await readScim(created, 201, 'create group')).id;
    await a.core.syncLog.flush();
  });

  after(async () => {
    await a.stop();
  });

  it('overview.get counts what SCIM provisioned', async () => {
    const overview = await ok('overview.get', {});
    assert.deepEqual(overview.counts, { users: 2, activeUsers: 2, groups: 1 });
    assert.equal(overview.scimUrl, a.core.endpoint.state()!.url);
    assert.equal(overview.setup.usersProvisioned, true);
    assert.equal(overview.setup.tokenUsed, true);
    assert.ok(overview.last24h.requests >= 3);
  });

  it("overview.get measures Entra's own requests (ADSCIMVersion header) against Microsoft's quarantine rules", async () => {
    const entra = { ADSCIMVersion: 'Date: 2026-01-01, ActivityId: 11111111-2222-3333-4444-555555555555' };
    const before = (await ok('overview.get', {})).quarantine;
    assert.equal(before.entraRequests, 0, 'the setup data came from a client without the header');
    // Another client's mistakes are not Entra's: a curl with a wrong token.
    assert.equal((await a.scim('/Users', { headers: { authorization: 'Bearer scimdesk_not-the-token' } })).status, 401);
    await a.core.syncLog.flush();
    assert.equal((await ok('overview.get', {})).quarantine.level, 'clear');

    // Entra: a refused token, a Tenant URL with /v2 twice, a duplicate create, a failed member add, one success.
    assert.equal((await a.scim('/Users', { headers: { ...entra, authorization: 'Bearer scimdesk_not-the-token' } })).status, 401);
    assert.equal((await a.scim('/v2/Users?filter=userName%20eq%20%22x%22', { headers: entra })).status, 404);
    const duplicate = await a.scim('/Users', { method: 'POST', headers: entra, body: JSON.stringify({ schemas: [URN_USER], userName: 'adele.vance@contoso.com' }) });
    assert.equal(duplicate.status, 409);
    const members = await a.scim(`/Groups/${group}`, {
      method: 'PATCH',
      headers: entra,
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Add', path: 'members', value: [{ value: group }] }] }),
    });
    assert.equal(members.status, 400, 'a group cannot be its own member');
    await a.core.syncLog.flush();
    const measured = (await ok('overview.get', {})).quarantine;
    assert.equal(measured.entraRequests, 4);
    assert.deepEqual([measured.operations, measured.failures, measured.referenceFailures], [2, 1, 1]);
    assert.equal(measured.refusedCredentials.count, 1);
    assert.equal(measured.notFoundQueries.count, 1);
    assert.equal(measured.level, 'met', 'a refused token and a 404 to a query quarantine at once');
    assert.deepEqual(measured.met, { refusedCredentials: true, notFoundQueries: true, failureRate: false, failureCount: false, allFailures: false });
    assert.equal(measured.toEvaluation, 4_999);

    // Once Entra gets through again, the at-once reasons count as fixed.
    assert.equal((await a.scim(`/Users/${adele}`, { headers: entra })).status, 200);
    await a.core.syncLog.flush();
    const fixed = (await ok('overview.get', {})).quarantine;
    assert.equal(fixed.refusedCredentials.open, false);
    assert.equal(fixed.notFoundQueries.open, false);
  });

  it('provisioning.pause: SCIM answers 503 with Retry-After and writes nothing; the Overview shows it; provisioning.resume', async () => {
    const paused = await ok('provisioning.pause', {});
    assert.equal(paused.paused, true);
    assert.equal(paused.by, `admin-ui:${userInfo().username}`);
    const refused = await a.scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: [URN_USER], userName: 'paused.user@contoso.com' }) });
    await readScimError(refused, 503, undefined, 'create while paused');
    assert.equal(refused.headers.get('retry-after'), String(paused.retryAfterSeconds));
    assert.deepEqual((await ok('overview.get', {})).provisioning, paused);
    const resumed = await ok('provisioning.resume', {});
    assert.deepEqual(resumed, { paused: false, since: null, by: null, retryAfterSeconds: paused.retryAfterSeconds });
    const filtered = await readScim(await a.scim(`/Users?filter=${encodeURIComponent('userName eq "paused.user@contoso.com"')}`), 200, 'after resume');
    assert.equal(filtered.totalResults, 0, 'the create refused while paused wrote nothing');
  });

  it('directory.get and directory.update', async () => {
    const before = await ok('directory.get', {});
    assert.equal(before.onInactive, 'suspend');
    assert.equal(before.duplicateExternalIds, 'refuse', 'a new directory refuses a second record with one Object ID');
    const saved = await ok('directory.update', {
      name: 'Contoso HR',
      description: 'Provisioned by Entra',
      onInactive: 'suspend',
      onDelete: { mode: 'retain', days: 30 },
      duplicateExternalIds: 'allow',
    });
    assert.equal(saved.name, 'Contoso HR');
    const read = await ok('directory.get', {});
    assert.deepEqual(read.onDelete, { mode: 'retain', days: 30 });
    assert.equal(read.duplicateExternalIds, 'allow');
    await ok('directory.update', { ...read, duplicateExternalIds: 'refuse' });
  });

  it('users.list pages, searches and sorts; users.get shows groups and history', async () => {
    const all = await ok('users.list', { sortBy: 'name', sortOrder: 'descending' });
    assert.equal(all.total, 2);
    assert.deepEqual(
      all.items.map((row) => row.name),
      ['alex.wilber@contoso.com', 'adele.vance@contoso.com'],
    );
    const searched = await ok('users.list', { search: 'adele' });
    assert.deepEqual(
      searched.items.map((row) => row.id),
      [adele],
    );
    assert.equal(searched.items[0]!.email, 'adele.vance@contoso.com');
    const paged = await ok('users.list', { startIndex: 2, count: 1 });
    assert.equal(paged.items.length, 1);
    assert.equal(paged.total, 2);
    const filtered = await ok('users.list', { filter: 'externalId eq "alexw"' });
    assert.deepEqual(
      filtered.items.map((row) => row.id),
      [alex],
    );

    const user = await ok('users.get', { id: adele });
    assert.equal(user.resource['userName'], 'adele.vance@contoso.com');
    assert.deepEqual(
      user.groups.map((g) => g.id),
      [group],
    );
    assert.ok(user.history.some((entry) => entry.operation === 'create'));
    await refused('users.get', { id: 'no-such-user' }, 'notFound');
  });

  it('groups.list, groups.get and groups.members', async () => {
    const groups = await ok('groups.list', {});
    assert.equal(groups.total, 1);
    assert.equal(groups.items[0]!.memberCount, 2);
    const details = await ok('groups.get', { id: group });
    assert.equal(details.resource['displayName'], 'Retail');
    const members = await ok('groups.members', { id: group, count: 1 });
    assert.equal(members.total, 2);
    assert.equal(members.items.length, 1);
    await refused('groups.members', { id: 'no-such-group' }, 'notFound');
  });

  it('users.setExternalId links a GUID, refuses a non-GUID and a GUID linked to another user', async () => {
    const linked = await ok('users.setExternalId', { id: adele, externalId: GUID_A, reason: 'matched by UPN' });
    assert.equal(linked.resource['externalId'], GUID_A);
    assert.equal(linked.audit.actor, `admin-ui:${userInfo().username}`, 'the OS account that runs the service, as the CLI records it');
    assert.equal(linked.audit.resourceId, adele);
    const found = await readScim(await a.scim(`/Users?filter=externalId eq "${GUID_A}"`), 200, 'SCIM sees the new externalId');
    assert.deepEqual(
      found.Resources.map((r: Json) => r.id),
      [adele],
    );

    const message = await refused('users.setExternalId', { id: alex, externalId: 'alexw2' }, 'invalidInput');
    assert.match(message, /externalId/);
    const conflict = await refused('users.setExternalId', { id: alex, externalId: GUID_A }, 'conflict');
    assert.match(conflict, /adele\.vance@contoso\.com/);
    const alexNow = await readScim(await a.scim(`/Users/${alex}`), 200, 'alex unchanged');
    assert.equal(alexNow.externalId, 'alexw');
    await refused('users.setExternalId', { id: 'no-such-user', externalId: GUID_B }, 'notFound');

    const cleared = await ok('users.setExternalId', { id: alex, externalId: null });
    assert.equal(cleared.resource['externalId'], undefined);
  });

  it('groups.setExternalId links a GUID', async () => {
    const linked = await ok('groups.setExternalId', { id: group, externalId: GUID_GROUP });
    assert.equal(linked.resource['externalId'], GUID_GROUP);
  });

  it('token.generate: the new token works on SCIM and the old one gets 401; token.status and token.revoke', async () => {
    const old = a.token;
    const generated = await ok('token.generate', { lifetimeDays: 30 });
    assert.ok(generated.token.startsWith('scimdesk_'));
    assert.ok(generated.info.expires !== null);
    a.token = generated.token;
    await readScim(await a.scim('/Users?count=1'), 200, 'new token');
    await readScimError(await a.scim('/Users?count=1', { headers: { authorization: `Bearer ${old}` } }), 401, undefined, 'old token');

    const status = await ok('token.status', {});
    assert.equal(status.current?.hint.slice(-4), generated.token.slice(-4));
    assert.ok(!JSON.stringify(status).includes(generated.token), 'token.status never shows the token');
    assert.equal(status.history.length, 2);

    const revoked = await ok('token.revoke', {});
    assert.equal(revoked.revoked, 1);
    await readScimError(await a.scim('/Users?count=1'), 401, undefined, 'after revoke');
    a.token = (await ok('token.generate', { lifetimeDays: 0 })).token;
    await readScim(await a.scim('/Users?count=1'), 200, 'after regenerating');
  });

  it('syncLog.query, syncLog.entry and syncLog.exportCsv (one row per entry, formulas neutralised)', async () => {
    await createUser({ schemas: [URN_USER], userName: '=HYPERLINK("http://evil.example","x")', active: true });
    await createUser({ schemas: [URN_USER], userName: '+cmd|calc', displayName: '@SUM(A1)', active: true });
    await a.core.syncLog.flush();

    const page = await ok('syncLog.query', { limit: 2 });
    assert.equal(page.items.length, 2);
    assert.ok(page.nextBeforeSeq !== null);
    const next = await ok('syncLog.query', { limit: 1000, beforeSeq: page.nextBeforeSeq! });
    assert.ok(next.items.every((entry) => entry.seq < page.nextBeforeSeq!));
    const creates = await ok('syncLog.query', { operation: 'create', outcome: 'success' });
    assert.equal(creates.items.length, 5, 'three users and a group created in before(), two here');

    const entry = await ok('syncLog.entry', { seq: creates.items[0]!.seq });
    assert.equal(entry.operation, 'create');
    assert.ok(entry.detail && typeof entry.detail === 'object');
    await refused('syncLog.entry', { seq: 999_999 }, 'notFound');

    const all = await ok('syncLog.query', { limit: 1000 });
    const exported = await ok('syncLog.exportCsv', {});
    const rows = parseCsv(exported.csv);
    assert.equal(rows[0]![0], 'time', 'a header row');
    assert.equal(rows.length - 1, all.items.length, 'one row per entry');
    assert.equal(exported.rows, all.items.length);
    assert.equal(exported.truncated, false);
    for (const row of rows) {
      assert.equal(row.length, rows[0]!.length, 'every row has every column');
      for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@]/, `cell ${JSON.stringify(cell)} could run as a formula`);
    }
    assert.ok(rows.some((row) => row.includes(`'=HYPERLINK("http://evil.example","x")`)), 'neutralised with a leading quote');
    assert.ok(rows.some((row) => row.includes("'+cmd|calc") && row.includes("'@SUM(A1)")));

    const limited = await ok('syncLog.exportCsv', { operation: 'create', limit: 2 });
    assert.equal(limited.rows, 2);
    assert.equal(limited.truncated, true);
  });

  it('settings.get and settings.updateRetention', async () => {
    const settings = await ok('settings.get', {});
    assert.equal(settings.dataDir, a.t.dataDir);
    assert.equal(settings.listening?.port, a.core.endpoint.state()!.port);
    const updated = await ok('settings.updateRetention', { maxAgeDays: 7, maxRows: 5000 });
    assert.deepEqual(updated.retention, { maxAgeDays: 7, maxRows: 5000 });
    assert.deepEqual((await ok('settings.get', {})).retention, { maxAgeDays: 7, maxRows: 5000 });
  });

  it('extensions.save: /Schemas lists the URN; a user keeps and is filtered by the attribute; extensions.delete', async () => {
    assert.deepEqual((await ok('extensions.list', {})).items, []);
    const saved = await ok('extensions.save', { ...validExtension, description: 'Acme roles' });
    assert.deepEqual(
      saved.items.map((item) => item.urn),
      [EXTENSION_URN],
    );
    const schemas = await readScim(await a.scim('/Schemas'), 200, 'Schemas');
    assert.ok(schemas.Resources.some((schema: Json) => schema.id === EXTENSION_URN), '/Schemas lists the extension');

    const user = await createUser({ schemas: [URN_USER, EXTENSION_URN], userName: 'megan.bowen@contoso.com', active: true, [EXTENSION_URN]: { costCenter: 'CC-7' } });
    assert.equal(user[EXTENSION_URN]?.costCenter, 'CC-7');
    const read = await readScim(await a.scim(`/Users/${user.id}`), 200, 'read back');
    assert.equal(read[EXTENSION_URN]?.costCenter, 'CC-7');
    const filtered = await readScim(await a.scim(`/Users?filter=${encodeURIComponent(`${EXTENSION_URN}:costCenter eq "CC-7"`)}`), 200, 'filter on the extension');
    assert.deepEqual(
      filtered.Resources.map((r: Json) => r.id),
      [user.id],
    );
    assert.deepEqual((await ok('extensions.list', {})).items.map((item) => item.name), ['Acme']);

    const deleted = await ok('extensions.delete', { urn: EXTENSION_URN });
    assert.deepEqual(deleted.items, []);
    const after = await readScim(await a.scim('/Schemas'), 200, 'Schemas after delete');
    assert.ok(!after.Resources.some((schema: Json) => schema.id === EXTENSION_URN));
    await refused('extensions.delete', { urn: EXTENSION_URN }, 'notFound');
  });

  it('settings.setCertificate switches SCIM to HTTPS; a wrong passphrase is refused; settings.clearCertificate goes back', async () => {
    const message = await refused('settings.setCertificate', { pfxBase64: TEST_PFX_BASE64, passphrase: 'wrong' }, 'invalidInput');
    assert.match(message, /passphrase/);
    await refused('settings.setCertificate', { pfxBase64: Buffer.from('not a pfx').toString('base64'), passphrase: '' }, 'invalidInput');
    const secured = await ok('settings.setCertificate', { pfxBase64: TEST_PFX_BASE64, passphrase: TEST_PFX_PASSPHRASE });
    assert.equal(secured.listening?.https, true);
    assert.match(secured.certificate?.subject ?? '', /scimdesk-test\.localhost/);
    assert.match(a.core.endpoint.state()!.url, /^https:/);
    const plain = await ok('settings.clearCertificate', {});
    assert.equal(plain.listening?.https, false);
    assert.equal(plain.certificate, null);
    await readScim(await a.scim('/Users?count=1'), 200, 'plain http again');
  });

  it('reach.get, reach.check, reach.configure and reach.reconnect (the tunnels themselves: reachability.test.ts); settings.createTestCertificate', async () => {
    const view = await ok('reach.get', {});
    assert.equal(view.provider, 'none');
    assert.equal(view.tunnel.status, 'stopped');
    const check = await ok('reach.check', { from: 'network' });
    assert.equal(check.passed, true, JSON.stringify(check.steps));
    assert.equal(check.url, a.core.endpoint.state()!.url, 'the Tenant URL by default');
    const wrong = await ok('reach.check', { from: 'network', token: 'scimdesk_not-the-token' });
    assert.equal(wrong.steps.find((step) => step.id === 'auth')?.status, 'fail');

    const cloudflare = await ok('reach.configure', { provider: 'cloudflare', token: cloudflareToken(), hostname: 'https://scim.contoso.example/' });
    assert.equal(cloudflare.cloudflare.hostname, 'scim.contoso.example', 'a pasted URL becomes its host name');
    assert.equal(cloudflare.cloudflare.tunnelId, '6ff42ae2-765d-4adf-8112-31c55c1551ef');
    const failed = await eventually(async () => {
      const current = await ok('reach.get', {});
      assert.equal(current.tunnel.status, 'failed');
      return current;
    });
    assert.match(failed.tunnel.reason ?? '', /cloudflared was not found on PATH/);
    assert.equal((await ok('reach.reconnect', {})).provider, 'cloudflare');
    await refused('reach.configure', { provider: 'cloudflare', token: '6ff42ae2-765d-4adf-8112-31c55c1551ef', hostname: 'scim.contoso.example' }, 'invalidInput');
    assert.equal((await ok('reach.configure', { provider: 'none' })).tunnel.status, 'stopped');
    await refused('reach.reconnect', {}, 'invalidInput');

    const secured = await ok('settings.createTestCertificate', { days: 30 });
    assert.equal(secured.listening?.https, true);
    assert.equal(secured.certificate?.subject, secured.certificate?.issuer, 'self-signed');
    assert.equal((await ok('settings.clearCertificate', {})).listening?.https, false);
  });

  it('settings.updateEndpoint moves SCIM to another port: it answers there, not on the old one', async () => {
    const oldUrl = a.core.endpoint.state()!.url;
    const port = await freePort();
    const moved = await ok('settings.updateEndpoint', { host: '127.0.0.1', port, publicUrl: '' });
    assert.equal(moved.listening?.port, port);
    assert.deepEqual(await a.core.store.getSetting('endpoint'), { host: '127.0.0.1', port, publicUrl: '' }, 'saved for the next start');
    const response = await fetch(`http://127.0.0.1:${port}/scim/v2/Users?count=1`, { headers: { authorization: `Bearer ${a.token}` } });
    await readScim(response, 200, 'new port');
    await assert.rejects(fetch(`${oldUrl}/Users?count=1`, { headers: { authorization: `Bearer ${a.token}` } }), 'the old port no longer answers');

    const occupied = await refused('settings.updateEndpoint', { host: '127.0.0.1', port: a.adminPort, publicUrl: '' }, 'conflict');
    assert.match(occupied, /in use/);
    assert.equal(a.core.endpoint.state()!.port, port, 'a failed move leaves the endpoint where it was');
  });

  it('audit.list shows the admin\'s changes, newest first', async () => {
    const audit = await ok('audit.list', {});
    const actions = audit.items.map((item) => item.action);
    for (const action of ['pauseProvisioning', 'resumeProvisioning', 'updateDirectory', 'setExternalId', 'generateToken', 'revokeToken', 'saveExtension', 'deleteExtension', 'setCertificate', 'clearCertificate', 'updateEndpoint']) {
      assert.ok(actions.includes(action), `audit has ${action}: ${actions.join(', ')}`);
    }
    assert.ok(audit.items.every((item) => item.actor === `admin-ui:${userInfo().username}`));
    assert.equal(actions[0], 'updateEndpoint', 'newest first');
    const older = await ok('audit.list', { beforeSeq: audit.items[0]!.seq, limit: 1 });
    assert.equal(older.items.length, 1);
    assert.ok(older.items[0]!.seq < audit.items[0]!.seq);
  });

  it('mapping: view, a preset, rules, an imported Entra schema, the setup sheet (and back to none)', async () => {
    const first = await ok('mapping.view', {});
    assert.equal(first.preset, null);
    assert.ok(first.rows.some((row) => row.resourceType === 'User' && row.attribute === 'userName' && row.required && row.unique));
    const chosen = await ok('mapping.choosePreset', { preset: 'workflowgen' });
    assert.equal(chosen.preset, 'workflowgen');
    assert.deepEqual(
      chosen.rules.map((rule) => `${rule.resourceType}:${rule.attribute}:${rule.required}`),
      ['User:externalId:true', 'Group:externalId:true'],
    );
    const refused = await a.call('mapping.importEntraSchema', { json: '{"synchronizationRules": []}' });
    assert.equal(refused.body.ok, false);
    const imported = await ok('mapping.importEntraSchema', {
      json: JSON.stringify({
        synchronizationRules: [
          {
            objectMappings: [
              {
                sourceObjectName: 'User',
                targetObjectName: 'User',
                scope: { groups: [{ clauses: [{ sourceOperandName: 'department', operatorName: 'EQUALS', targetOperand: { values: ['Sales'] } }] }] },
                attributeMappings: [
                  { source: { expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")', type: 'Function' }, targetAttributeName: 'active', matchingPriority: 0 },
                ],
              },
            ],
          },
        ],
      }),
    });
    assert.equal(imported.entra.source, 'imported');
    assert.deepEqual(imported.entra.scopingFilters, ['User: department EQUALS "Sales"']);
    const active = imported.rows.find((row) => row.resourceType === 'User' && row.attribute === 'active')!;
    assert.equal(active.entraSourceText, 'IsSoftDeleted: "False" → "True", "True" → "False", otherwise (nothing)');
    const sheet = await ok('mapping.setupSheet', {});
    assert.match(sheet.markdown, new RegExp(`Tenant URL: ${sheet.tenantUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok(parseCsv(sheet.csv).some((row) => row[0] === 'Group' && row[1] === 'objectId' && row[2] === 'externalId' && row[3] === '1'));
    assert.equal((await ok('mapping.clearEntraSchema', {})).entra.source, 'none');
    assert.deepEqual((await ok('mapping.saveRules', { rules: [] })).rules, []);
    await ok('mapping.choosePreset', { preset: null });
  });

  it('support.bundle returns a zip of the redacted files (the full proof: support-bundle.test.ts)', async () => {
    const bundle = await ok('support.bundle', { cycles: 1 });
    const files = unzipSync(Buffer.from(bundle.zipBase64, 'base64'));
    assert.deepEqual(Object.keys(files).sort(), bundle.files.map((f) => f.name).sort());
    assert.ok(bundle.entries > 0);
    assert.ok(!Object.values(files).some((data) => Buffer.from(data).includes('adele.vance@contoso.com')));
  });

  it('recycle bin and snapshots: takes, lists, compares, exports and restores a snapshot; restores a kept deletion', async () => {
    const directory = await ok('directory.get', {});
    await ok('directory.update', { ...directory, onDelete: { mode: 'retain', days: 7 } });
    const kept = await createUser({ schemas: [URN_USER], userName: 'kept.for.the.bin@contoso.com', active: true });
    const deleted = await a.scim(`/Users/${kept['id'] as string}`, { method: 'DELETE' });
    assert.equal(deleted.status, 204);
    const bin = await ok('recovery.bin', {});
    const record = bin.items.find((item) => item.id === kept['id'])!;
    assert.equal(record.name, 'kept.for.the.bin@contoso.com');
    assert.equal((await ok('recovery.restoreDeleted', { seq: record.seq })).id, kept['id']);
    await ok('directory.update', directory);

    const taken = await ok('snapshots.take', { reason: 'contract' });
    assert.equal((await ok('snapshots.list', {})).items[0]?.id, taken.id);
    assert.deepEqual((await ok('snapshots.compare', { id: taken.id })).now, taken.counts);
    assert.equal((await ok('snapshots.export', { source: taken.id, format: 'csv' })).files.length, 3);
    const restored = await ok('snapshots.restore', { id: taken.id });
    assert.deepEqual(restored.counts, taken.counts);
  });

  it('breaker: settings, a held operation, approved; another rejected', async () => {
    const view = await ok('breaker.get', {});
    assert.equal(view.settings.enabled, true);
    // Earlier tests in this suite deleted records within the window: the limit lets exactly one more through.
    await ok('breaker.saveSettings', { enabled: true, maxCount: view.window.applied + 1, maxPercent: null, window: { mode: 'minutes', minutes: 60 } });
    const users: string[] = [];
    for (const name of ['breaker.one', 'breaker.two', 'breaker.three']) users.push((await createUser({ schemas: [URN_USER], userName: `${name}@contoso.com` })).id as string);
    const deactivate = (id: string) => a.scim(`/Users/${id}`, { method: 'PATCH', body: JSON.stringify({ schemas: [URN_PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] }) });
    assert.equal((await deactivate(users[0]!)).status, 200);
    assert.equal((await deactivate(users[1]!)).status, 503);
    assert.equal((await deactivate(users[2]!)).status, 503);
    const held = await ok('breaker.held', {});
    assert.equal(held.items.length, 2);
    const snapshotsBefore = (await ok('snapshots.list', {})).items.length;
    assert.equal((await ok('breaker.approve', { ids: [held.items[0]!.id] })).applied, 1);
    // The approval took a database snapshot first (the core's snapshot service, not a stand-in).
    const snapshots = (await ok('snapshots.list', {})).items;
    assert.equal(snapshots.length, snapshotsBefore + 1);
    assert.match(snapshots[0]!.reason, /before approving 1 held deactivation or delete/);
    assert.equal((await ok('breaker.reject', { ids: null })).rejected, 1);
    await refused('breaker.reject', { ids: null }, 'notFound');
    await ok('breaker.saveSettings', { enabled: false, maxCount: 20, maxPercent: 10, window: { mode: 'minutes', minutes: 60 } });
  });

  it('auth: clients created, rotated and revoked; federation configured and turned off; access-token lifetime (over HTTP: oauth-*.test.ts)', async () => {
    const created = await ok('auth.createClient', { name: 'Entra', lifetimeDays: 365 });
    assert.match(created.secret, /^scimdesk_cs_/);
    assert.match(created.tokenEndpoint, /\/oauth2\/token$/);
    const rotated = await ok('auth.rotateClient', { clientId: created.client.clientId });
    assert.notEqual(rotated.secret, created.secret);
    assert.equal(rotated.client.secrets.filter((secret) => secret.active).length, 2, 'both secrets work during the overlap');
    const federation = await ok('auth.configureFederation', { tenantId: GUID_A, cloud: 'global', subject: GUID_B, audience: 'api://x/.default' });
    assert.equal(federation.issuer, `https://login.microsoftonline.com/${GUID_A}/v2.0`);
    const shortLived = await ok('auth.createClient', { lifetimeDays: 10 });
    assert.equal(shortLived.client.expiresSoon, true, 'a secret ending within 30 days is flagged');
    assert.equal(created.client.expiresSoon, false);
    const status = await ok('auth.status', {});
    assert.equal(status.recommended, 'federation');
    assert.ok(status.clients.some((client) => client.clientId === created.client.clientId));
    assert.ok(!JSON.stringify(status).includes(created.secret), 'the secret is shown once only');
    const revoked = await ok('auth.revokeClient', { clientId: created.client.clientId });
    assert.ok(revoked.revoked);
    assert.deepEqual(await ok('auth.disableFederation', {}), { disabled: true });
    assert.equal((await ok('auth.updateSettings', { accessTokenSeconds: 1800 })).accessTokenSeconds, 1800);
  });

  it('scheduled exports: save, list, run now, last runs, remove (the files and the clock are in scheduled-exports.test.ts)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'scimdesk-contract-exports-'));
    try {
      const saved = await ok('exports.save', { ...validExport, folder });
      assert.deepEqual(saved.columns.groups, ['id', 'externalId', 'displayName'], 'empty columns: the defaults');
      const list = await ok('exports.list', {});
      assert.ok(list.items.some((item) => item.id === saved.id) && list.columns.available.users.includes('userName'), 'listed, with the columns on offer');
      const run = await ok('exports.runNow', { id: saved.id });
      assert.equal(run.status, 'ok', run.error ?? '');
      assert.deepEqual((await ok('exports.runs', { id: saved.id })).items.map((item) => item.id), [run.id]);
      assert.deepEqual(await ok('exports.remove', { id: saved.id }), { removed: true });
      const missing = await a.call('exports.runNow', { id: saved.id });
      assert.equal(missing.body.ok ? 'ok' : missing.body.error.code, 'notFound');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('delivery: subscribe (secret shown once), send a test event, log, pause, replay, resume, remove; read-only credentials issued and revoked', async () => {
    const receiver = new TestReceiver();
    const url = await receiver.start();
    try {
      const made = await ok('delivery.subscribe', { url, events: ['user.created', 'user.updated'], resourceTypes: ['User'] });
      assert.match(made.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
      receiver.secret = made.secret;
      const id = made.subscription.id;
      assert.equal(made.subscription.secretHint.endsWith(made.secret.slice(-4)), true);
      assert.equal(JSON.stringify(await ok('delivery.view', {})).includes(made.secret), false, 'the secret is never shown again');
      const test = await ok('delivery.sendTest', { id });
      assert.equal(test.outcome, 'test');
      assert.equal(test.responseCode, 200);
      assert.equal(receiver.received[0]?.type, 'delivery.test');
      assert.equal(receiver.received[0]?.signatureValid, true);
      assert.equal((await ok('delivery.log', { id, limit: 10 })).items[0]?.messageId, test.messageId);
      assert.equal((await ok('delivery.pause', { id })).health, 'paused');
      await createUser({ schemas: [URN_USER], userName: 'delivered@contoso.com' });
      const view = await ok('delivery.view', {});
      assert.equal(view.subscriptions[0]?.behind, 1);
      assert.ok(view.outbox.head >= 1);
      assert.equal(view.feedUrl, a.core.endpoint.state()!.url.replace(/\/scim\/v2$/, '') + '/feed');
      await ok('delivery.replay', { id, fromSeq: view.outbox.head });
      await ok('delivery.resume', { id });
      await eventually(() => assert.equal(receiver.acknowledged().get(view.outbox.head)?.type, 'user.created'), 10_000);
      assert.match(await refused('delivery.replay', { id, fromSeq: view.outbox.head + 5 }, 'invalidInput'), /newest change/);
      assert.match(await refused('delivery.subscribe', { url: `${a.core.endpoint.state()!.url}/Users` }, 'invalidInput'), /own admin API or SCIM endpoint/);
      assert.deepEqual(await ok('delivery.remove', { id }), { removed: true });
      await refused('delivery.pause', { id }, 'notFound');

      const issued = await ok('delivery.issueCredential', { name: 'HR system' });
      assert.match(issued.credential, /^scimdeskread_/);
      assert.equal((await a.scim('/Users', { headers: { authorization: `Bearer ${issued.credential}` } })).status, 200);
      assert.deepEqual(await ok('delivery.revokeCredential', { id: issued.info.id }), { revoked: true });
      assert.equal((await a.scim('/Users', { headers: { authorization: `Bearer ${issued.credential}` } })).status, 401);
    } finally {
      await receiver.stop();
    }
  });

  it('covered every method of the contract with a good call (Compare & Fix ones in admin-compare.test.ts)', () => {
    assert.deepEqual([...covered].sort(), METHOD_NAMES.filter((method) => !NEEDS_TENANT(method)).sort());
  });
});
