import { EntraSchemaError } from '../../mapping/entra-schema';
import type { MappingService } from '../../mapping/mapping-service';
import { AdminApiError } from '../admin-error';
import type { Audit, Handlers } from './handler-types';

export interface MappingDeps {
  readonly mapping: MappingService;
  /** The Tenant URL Entra is given: the public URL when one is set, the listening address otherwise. */
  readonly tenantUrl: () => Promise<string>;
  readonly audit: Audit;
  /** The job's synchronization schema through the Graph connection (the first job when none is named). */
  readonly readEntraSchema: (jobId: string | undefined) => Promise<unknown>;
}

type MappingMethods = 'entra.mappingSchema' | 'mapping.view' | 'mapping.choosePreset' | 'mapping.saveRules' | 'mapping.importEntraSchema' | 'mapping.clearEntraSchema' | 'mapping.setupSheet';

/** Attribute mappings, presets, rules and the diagnostics (issue 13). */
export function createMappingHandlers(deps: MappingDeps): Handlers<MappingMethods> {
  const { mapping, audit } = deps;
  return {
    'mapping.view': () => mapping.view(),
    async 'mapping.choosePreset'(input, context) {
      const before = await mapping.preset();
      await mapping.choosePreset(input.preset);
      await audit(context, 'choosePreset', `Mapping preset ${input.preset ?? 'none'} chosen`, { before, after: input.preset });
      return mapping.view();
    },
    async 'mapping.saveRules'(input, context) {
      const before = (await mapping.view()).rules;
      await mapping.saveRules(input.rules);
      await audit(context, 'saveRules', `${input.rules.length} attribute rule(s) saved`, { before, after: input.rules });
      return { rules: input.rules };
    },
    async 'mapping.importEntraSchema'(input, context) {
      let json: unknown;
      try {
        json = JSON.parse(input.json);
      } catch (error) {
        throw new AdminApiError('invalidInput', `Not JSON: ${(error as Error).message}`);
      }
      try {
        await mapping.saveEntraSchema(json, 'imported');
      } catch (error) {
        if (error instanceof EntraSchemaError) throw new AdminApiError('invalidInput', error.message);
        throw error;
      }
      await audit(context, 'importEntraSchema', "Entra's synchronization schema imported");
      return mapping.view();
    },
    async 'entra.mappingSchema'(input, context) {
      const schema = await deps.readEntraSchema(input.jobId);
      try {
        await mapping.saveEntraSchema(schema, 'graph');
      } catch (error) {
        if (error instanceof EntraSchemaError) throw new AdminApiError('unavailable', `The provisioning job's schema has no mapping ScimDesk can read: ${error.message}`);
        throw error;
      }
      await audit(context, 'readEntraSchema', "Entra's synchronization schema read through Graph");
      return mapping.view();
    },
    async 'mapping.clearEntraSchema'(_input, context) {
      await mapping.clearEntraSchema();
      await audit(context, 'clearEntraSchema', "Entra's synchronization schema forgotten");
      return mapping.view();
    },
    async 'mapping.setupSheet'() {
      return mapping.setupSheet(await deps.tenantUrl());
    },
  };
}
