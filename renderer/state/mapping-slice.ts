import type { MethodOutput } from '../../shared/admin/contract';
import type { AttributeRule, PresetId } from '../../shared/admin/mapping-schemas';
import { call } from '../api/client';
import { createLatest, idle, loadInto, ready, type Loadable } from './loadable';
import type { SliceCreator } from './slice-creator';

export interface MappingFocus {
  readonly resourceType: 'User' | 'Group' | null;
  readonly attribute: string | null;
  /** null: every diagnostic about the attribute. */
  readonly code: string | null;
}

export interface MappingSlice {
  readonly mapping: Loadable<MethodOutput<'mapping.view'>>;
  /** What the screen lists the affected records of: one diagnostic (from the list), or every one about an attribute (a diagram edge). */
  readonly mappingFocus: MappingFocus | null;
  loadMapping(): Promise<void>;
  chooseMappingPreset(preset: PresetId | null): Promise<void>;
  saveMappingRules(rules: ReadonlyArray<AttributeRule>): Promise<void>;
  importEntraSchema(json: string): Promise<void>;
  clearEntraSchema(): Promise<void>;
  /** Reads the provisioning job's synchronization schema through the Graph connection. */
  readEntraSchemaFromGraph(): Promise<void>;
  focusDiagnostic(focus: MappingFocus | null): void;
  loadSetupSheet(): Promise<MethodOutput<'mapping.setupSheet'>>;
}

const latest = createLatest();

export const createMappingSlice: SliceCreator<MappingSlice> = (set, get) => ({
  mapping: idle(),
  mappingFocus: null,
  async loadMapping() {
    await loadInto(() => get().mapping, (mapping) => set({ mapping }), () => call('mapping.view', {}), latest);
  },
  async chooseMappingPreset(preset) {
    set({ mapping: ready(await call('mapping.choosePreset', { preset })) });
  },
  async saveMappingRules(rules) {
    await call('mapping.saveRules', { rules: [...rules] });
    await get().loadMapping();
  },
  async importEntraSchema(json) {
    set({ mapping: ready(await call('mapping.importEntraSchema', { json })) });
  },
  async clearEntraSchema() {
    set({ mapping: ready(await call('mapping.clearEntraSchema', {})) });
  },
  async readEntraSchemaFromGraph() {
    set({ mapping: ready(await call('entra.mappingSchema', {})) });
  },
  focusDiagnostic(focus) {
    set({ mappingFocus: focus });
  },
  loadSetupSheet: () => call('mapping.setupSheet', {}),
});
