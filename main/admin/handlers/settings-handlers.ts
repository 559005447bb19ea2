import type { ExtensionSchema, SettingsView } from '../../../shared/admin/contract';
import { plural } from '../../../shared/plural';
import { describeListenError } from '../../lib/listen';
import { createSelfSignedPfx } from '../../lib/self-signed-certificate';
import { DEFAULT_SYNC_LOG_RETENTION, type SyncLogRetention } from '../../lib/sync-log-writer';
import { defineAttribute } from '../../scim/schema/core-schemas';
import type { CustomExtension } from '../../scim/schema/resource-schema';
import type { ExtensionStore, SettingsStore } from '../../store/directory-store';
import { AdminApiError } from '../admin-error';
import type { Audit, EndpointControl, Handlers } from './handler-types';

export interface SettingsDeps {
  readonly store: SettingsStore & ExtensionStore;
  readonly endpoint: EndpointControl;
  /** Re-reads the extension schemas after the admin changed them. */
  readonly reloadSchemas: () => Promise<void>;
  readonly audit: Audit;
  readonly now: () => Date;
  readonly dataDir: string;
  /** Where secrets are kept, in words (Windows Credential Manager, or a file only this account can read). */
  readonly secretStore: string;
}

export function toCustomExtension(extension: ExtensionSchema): CustomExtension {
  return {
    resourceType: extension.resourceType,
    schema: {
      id: extension.urn,
      name: extension.name,
      description: extension.description,
      attributes: extension.attributes.map((attribute) =>
        defineAttribute(attribute.name, attribute.type, {
          multiValued: attribute.multiValued,
          required: attribute.required,
          caseExact: attribute.caseExact,
          description: attribute.description,
        }),
      ),
    },
  };
}

function fromCustomExtension(extension: CustomExtension): ExtensionSchema {
  return {
    urn: extension.schema.id,
    resourceType: extension.resourceType,
    name: extension.schema.name,
    description: extension.schema.description,
    attributes: extension.schema.attributes.map((attribute) => ({
      name: attribute.name,
      type: attribute.type as ExtensionSchema['attributes'][number]['type'],
      multiValued: attribute.multiValued,
      required: attribute.required,
      caseExact: attribute.caseExact,
      description: attribute.description,
    })),
  };
}

type SettingsMethods =
  | 'settings.get'
  | 'settings.updateEndpoint'
  | 'settings.updateRetention'
  | 'settings.setCertificate'
  | 'settings.clearCertificate'
  | 'settings.createTestCertificate'
  | 'extensions.list'
  | 'extensions.save'
  | 'extensions.delete';

/** Settings: the endpoint's address and certificate, log retention, and the admin's extension schemas. */
export function createSettingsHandlers(deps: SettingsDeps): Handlers<SettingsMethods> {
  const { store, endpoint: control, audit } = deps;

  const settingsView = async (): Promise<SettingsView> => {
    const endpoint = control.state();
    const settings = await control.settings();
    return {
      // Port 0 means "any free port": show the one in use.
      endpoint: settings.port === 0 && endpoint ? { ...settings, port: endpoint.port } : settings,
      listening: endpoint ? { url: endpoint.url, host: endpoint.host, port: endpoint.port, https: endpoint.https } : null,
      certificate: await control.certificate(),
      retention: (await store.getSetting<SyncLogRetention>('syncLog.retention')) ?? DEFAULT_SYNC_LOG_RETENTION,
      dataDir: deps.dataDir,
      secretStore: deps.secretStore,
    };
  };

  const extensions = async () => ({ items: (await store.listExtensions()).map(fromCustomExtension) });

  return {
    'settings.get': () => settingsView(),
    async 'settings.updateEndpoint'(input, context) {
      try {
        await control.reconfigure(input);
      } catch (error) {
        const failure = describeListenError(error, input.host, input.port);
        if (!failure) throw error;
        const code = ({ inUse: 'conflict', noAddress: 'invalidInput', forbidden: 'forbidden' } as const)[failure.problem];
        throw new AdminApiError(code, `${failure.message}; the endpoint stays where it was`);
      }
      await audit(context, 'updateEndpoint', `SCIM endpoint moved to ${input.host}:${input.port}${input.publicUrl ? ` (public URL ${input.publicUrl})` : ''}`);
      return settingsView();
    },
    async 'settings.updateRetention'(input) {
      await store.setSetting('syncLog.retention', input);
      return settingsView();
    },
    async 'settings.setCertificate'(input, context) {
      const pfx = Buffer.from(input.pfxBase64, 'base64');
      const summary = await control.setCertificate(pfx, input.passphrase);
      await audit(context, 'setCertificate', `HTTPS certificate installed: ${summary.subject} (valid to ${summary.validTo})`);
      return settingsView();
    },
    async 'settings.createTestCertificate'(input, context) {
      const settings = await control.settings();
      const listening = control.state();
      // The names a client on this machine or network would use, unless the admin named them.
      const names = input.names ?? [
        'localhost',
        '127.0.0.1',
        ...(listening && !['0.0.0.0', '::', '127.0.0.1', 'localhost', '::1'].includes(listening.host) ? [listening.host] : []),
        ...(settings.publicUrl ? [new URL(settings.publicUrl).hostname] : []),
      ];
      const { pfx, passphrase } = createSelfSignedPfx({ names, days: input.days, now: deps.now() });
      const summary = await control.setCertificate(pfx, passphrase);
      await audit(context, 'createTestCertificate', `Self-signed test certificate installed for ${names.join(', ')} (valid to ${summary.validTo}); Entra refuses self-signed certificates`);
      return settingsView();
    },
    async 'settings.clearCertificate'(_input, context) {
      await control.clearCertificate();
      await audit(context, 'clearCertificate', 'HTTPS certificate removed: the endpoint serves plain HTTP');
      return settingsView();
    },

    'extensions.list': () => extensions(),
    async 'extensions.save'(input, context) {
      await store.saveExtension(toCustomExtension(input), deps.now());
      await deps.reloadSchemas();
      await audit(context, 'saveExtension', `Extension schema ${input.urn} saved (${plural(input.attributes.length, 'attribute')})`, { after: input });
      return extensions();
    },
    async 'extensions.delete'(input, context) {
      if (!(await store.deleteExtension(input.urn))) throw new AdminApiError('notFound', `No extension schema ${input.urn}`);
      await deps.reloadSchemas();
      await audit(context, 'deleteExtension', `Extension schema ${input.urn} removed`);
      return extensions();
    },
  };
}
