import { AttributeRule, type Diagnostic, type MappingView, type PresetId, type SetupSheet } from '../../shared/admin/mapping-schemas';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { ResourceSchema } from '../scim/schema/resource-schema';
import { AttributeRules } from './attribute-rules';
import { groupCycles } from './cycles';
import { diagnose } from './diagnostics';
import { readEntraSchema, type EntraMapping } from './entra-schema';
import { buildMappingRows } from './mapping-model';
import { ObservationCache, type ObservationSources } from './observation-cache';
import { findPreset, PRESETS, type PresetExtension } from './presets';
import { setupSheet } from './setup-sheet';

/** What the mapping reads of the stored records and the sync log (kept between reads by ObservationCache). */
export type MappingSources = ObservationSources;

/** Where the mapping keeps its choices (the settings table). */
export interface MappingSettings {
  getSetting<T>(key: string): Promise<T | undefined>;
  setSetting(key: string, value: unknown): Promise<void>;
}

export interface MappingServiceOptions {
  readonly sources: MappingSources;
  readonly settings: MappingSettings;
  readonly schemas: () => Record<ResourceKind, ResourceSchema>;
  /** Adds (or replaces) the extension schemas a preset needs; the root reloads the SCIM schemas after. */
  readonly addExtensions: (extensions: ReadonlyArray<PresetExtension>) => Promise<void>;
  readonly now: () => Date;
}

const PRESET_KEY = 'mapping.preset';
const RULES_KEY = 'mapping.rules';
const ENTRA_KEY = 'mapping.entraSchema';
/** Sync-log rows the diagnostics read: the newest, enough for several cycles of a large tenant. */
export const LOG_ROWS_READ = 50_000;

interface SavedEntraSchema {
  readonly source: 'graph' | 'imported';
  readonly fetchedAt: string;
  readonly schema: unknown;
}

/**
 * The attribute-mapping model, the admin's rules and the diagnostics over what was really received.
 * The SCIM endpoint asks it for the current rules on every write (`rules()`, compiled once per change).
 */
export class MappingService {
  private compiled = new AttributeRules([]);
  private readonly cache: ObservationCache;

  constructor(private readonly options: MappingServiceOptions) {
    this.cache = new ObservationCache(options.sources);
  }

  /** Loads the saved rules; call once before the endpoint takes requests. */
  async load(): Promise<void> {
    this.compiled = new AttributeRules(await this.savedRules());
  }

  rules(): AttributeRules {
    return this.compiled;
  }

  async preset(): Promise<PresetId | null> {
    return (await this.options.settings.getSetting<PresetId | null>(PRESET_KEY)) ?? null;
  }

  private async savedRules(): Promise<AttributeRule[]> {
    const saved = (await this.options.settings.getSetting<unknown[]>(RULES_KEY)) ?? [];
    // A rule saved by another version that no longer parses is dropped rather than blocking every write.
    return saved.flatMap((rule) => {
      const parsed = AttributeRule.safeParse(rule);
      return parsed.success ? [parsed.data] : [];
    });
  }

  async saveRules(rules: ReadonlyArray<AttributeRule>): Promise<void> {
    await this.options.settings.setSetting(RULES_KEY, rules);
    this.compiled = new AttributeRules(rules);
  }

  /** Chooses a preset: its extension schemas are added, its rules join the admin's (a rule on the same attribute is replaced). */
  async choosePreset(id: PresetId | null): Promise<void> {
    const preset = findPreset(id);
    if (preset) {
      if (preset.extensions.length > 0) await this.options.addExtensions(preset.extensions);
      const rules = (await this.savedRules()).filter(
        (rule) => !preset.rules.some((p) => p.resourceType === rule.resourceType && p.attribute.toLowerCase() === rule.attribute.toLowerCase()),
      );
      await this.saveRules([...rules, ...preset.rules]);
    }
    await this.options.settings.setSetting(PRESET_KEY, id);
  }

  /** Keeps a synchronization schema (pasted, imported, or read through Graph); throws EntraSchemaError when it holds no mapping. */
  async saveEntraSchema(schema: unknown, source: 'graph' | 'imported'): Promise<void> {
    readEntraSchema(schema);
    await this.options.settings.setSetting(ENTRA_KEY, { source, fetchedAt: this.options.now().toISOString(), schema } satisfies SavedEntraSchema);
  }

  async clearEntraSchema(): Promise<void> {
    await this.options.settings.setSetting(ENTRA_KEY, null);
  }

  private async entra(): Promise<{ saved: SavedEntraSchema; mapping: EntraMapping } | undefined> {
    const saved = await this.options.settings.getSetting<SavedEntraSchema | null>(ENTRA_KEY);
    if (!saved) return undefined;
    try {
      return { saved, mapping: readEntraSchema(saved.schema) };
    } catch {
      return undefined;
    }
  }

  /** The whole picture: rows, rules, diagnostics and cycles, read from the records and the sync log in one pass. */
  async view(): Promise<MappingView> {
    const started = performance.now();
    const schemas = this.options.schemas();
    const [preset, rules, entra] = await Promise.all([this.preset(), this.savedRules(), this.entra()]);
    const phases = { records: 0, log: 0 };
    const observations = await this.cache.observe(LOG_ROWS_READ, phases);
    const observed = performance.now();
    const mapping = entra?.mapping ?? null;
    const rows = buildMappingRows({ schemas, preset, rules, entra: mapping, observations });
    const cycles = groupCycles(observations.logRows, observations.deactivations, observations.startProbes);
    const diagnostics = diagnose({ schemas, preset, rows, entra: mapping, observations, cycles });
    for (const row of rows) {
      row.diagnostics = diagnostics
        .filter((d) => d.resourceType === row.resourceType && d.attribute !== null && d.attribute.toLowerCase() === row.attribute.toLowerCase())
        .map((d) => d.code);
    }
    return {
      preset,
      presets: PRESETS.map(({ id, name, description, usersOnly }) => ({ id, name, description, usersOnly })),
      entra: {
        source: entra?.saved.source ?? 'none',
        fetchedAt: entra?.saved.fetchedAt ?? null,
        scopingFilters: mapping?.objects.flatMap((o) => o.scopingFilters.map((f) => `${o.resourceType}: ${f}`)) ?? [],
      },
      rows,
      rules,
      diagnostics,
      cycles,
      read: {
        users: observations.counts.User,
        groups: observations.counts.Group,
        logRows: observations.logRows.length,
        ms: Math.round(performance.now() - started),
        phases: { ...phases, model: Math.round(performance.now() - observed) },
      },
    };
  }

  /**
   * Reads the records written since the diagnostics last did and keeps what they need of each, so the
   * next view reads only what was written after. The service calls it now and then while Entra
   * provisions; `between` runs between pages of 2,000 records, false stops there. Returns how many were read.
   */
  async catchUp(between: () => Promise<boolean>): Promise<number> {
    const users = await this.cache.catchUp('User', between);
    return users + (await this.cache.catchUp('Group', between));
  }

  async diagnostics(): Promise<{ diagnostics: Diagnostic[]; read: MappingView['read'] }> {
    const view = await this.view();
    return { diagnostics: view.diagnostics, read: view.read };
  }

  async setupSheet(tenantUrl: string): Promise<SetupSheet> {
    return setupSheet(await this.preset(), tenantUrl, this.options.schemas());
  }
}
