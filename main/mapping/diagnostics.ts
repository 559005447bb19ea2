import type { AffectedRecord, Cycle, Diagnostic, MappingRow, PresetId } from '../../shared/admin/mapping-schemas';
import type { ResourceKind } from '../scim/schema/attribute-def';
import type { ResourceSchema } from '../scim/schema/resource-schema';
import { objectMapping, type EntraMapping } from './entra-schema';
import { mask, type LogRow, type ObservedFacts } from './observe';
import { findPreset } from './presets';

/**
 * What is wrong with the provisioning, each finding with a stable code (scripts and support
 * engineers key on it; README lists them), a severity, the attribute, how many records and a sample
 * of them, and the fix in plain words.
 */
export const DIAGNOSTIC_CODES = {
  EXTERNAL_ID_NOT_GUID: 'externalId values that are not GUIDs: Entra maps externalId from something other than objectId',
  EXTERNAL_ID_NOT_FROM_OBJECT_ID: "Entra's schema maps externalId from something other than objectId",
  ATTRIBUTE_NOT_STORED: 'Entra sends an attribute that no schema here stores',
  REQUIRED_NEVER_SENT: 'A required attribute Entra never sends',
  MAPPED_NEVER_ARRIVES: 'An attribute mapped in Entra that never arrives',
  EXTENSION_URN_NOT_ADVERTISED: 'An extension attribute sent under a schema URN /Schemas does not advertise',
  MATCHING_NOT_UNIQUE: 'Entra matches on an attribute that is not unique here',
  REPEATED_WRITE: 'Entra writes the same value again cycle after cycle (a sync loop)',
  DUPLICATE_EXTERNAL_ID: 'Two or more records share one externalId',
  USERNAME_CASE_ONLY: 'userNames that differ only by letter case',
  MASS_DEACTIVATION: 'Many users deactivated in one cycle',
  GROUPS_TO_USERS_ONLY_TARGET: 'Groups provisioned to a users-only target',
  QUARANTINE_RISK: "A cycle's failure rate approaches what Entra quarantines for",
} as const;
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

const SAMPLE = 10;
/** The same value written this many times to one attribute of one record is a loop, not a change. */
export const REPEAT_THRESHOLD = 3;
/** Deactivations in one cycle worth a warning: this many, and this share of the users. */
const MASS_DEACTIVATION_MIN = 10;
const MASS_DEACTIVATION_SHARE = 0.2;

export interface DiagnoseInput {
  readonly schemas: Record<ResourceKind, ResourceSchema>;
  readonly preset: PresetId | null;
  readonly rows: ReadonlyArray<MappingRow>;
  readonly entra: EntraMapping | null;
  readonly observations: ObservedFacts;
  readonly cycles: ReadonlyArray<Cycle>;
}

const fromLog = (row: LogRow, value: string | null = null): AffectedRecord => ({
  resourceType: row.resourceType,
  id: row.resourceId,
  name: row.userName ?? row.displayName ?? row.externalId ?? row.path,
  value,
  seq: row.seq,
});

function diagnostic(code: DiagnosticCode, parts: Omit<Diagnostic, 'code' | 'message'> & { readonly message?: string }): Diagnostic {
  return { code, message: parts.message ?? DIAGNOSTIC_CODES[code], ...parts };
}

const kindWord = (kind: ResourceKind | null) => (kind === 'Group' ? 'group' : 'user');

/** Every finding, errors first. */
export function diagnose(input: DiagnoseInput): Diagnostic[] {
  const { observations: seen, rows, entra, schemas } = input;
  const preset = findPreset(input.preset);
  const found: Diagnostic[] = [];

  for (const kind of ['User', 'Group'] as const) {
    const bad = seen.nonGuidExternalIds[kind];
    if (bad.length > 0) {
      found.push(
        diagnostic('EXTERNAL_ID_NOT_GUID', {
          severity: 'error',
          resourceType: kind,
          attribute: 'externalId',
          count: bad.length,
          sample: bad.slice(0, SAMPLE).map((r) => ({ resourceType: kind, id: r.id, name: r.name, value: r.value, seq: null })),
          message: `${bad.length} ${kindWord(kind)}(s) hold an externalId that is not an Entra objectId (a GUID): Entra still maps externalId from mailNickname or displayName.`,
          fix: `In Entra, open the ${kind === 'User' ? 'user' : 'group'} attribute mappings, edit externalId, set its source attribute to objectId and save; then run Compare & Fix to put the right objectIds on the records already here.`,
        }),
      );
    }
    const duplicates = [...seen.externalIds[kind].entries()].filter(([, holders]) => holders.length > 1);
    if (duplicates.length > 0) {
      const sample = duplicates.slice(0, SAMPLE).flatMap(([value, holders]) => holders.map((h) => ({ resourceType: kind, id: h.id, name: h.name, value: mask(value), seq: null })));
      found.push(
        diagnostic('DUPLICATE_EXTERNAL_ID', {
          severity: 'error',
          resourceType: kind,
          attribute: 'externalId',
          count: duplicates.reduce((sum, [, holders]) => sum + holders.length, 0),
          sample: sample.slice(0, SAMPLE),
          message: `${duplicates.length} externalId value(s) are held by more than one ${kindWord(kind)}: Entra matches one of them at random.`,
          fix: 'Run Compare & Fix to give each record its own objectId, and keep "Duplicate Object IDs: refuse" in Directory settings.',
        }),
      );
    }
    const entraObject = entra ? objectMapping(entra, kind) : undefined;
    const externalIdSource = entraObject?.attributes.find((a) => a.target.toLowerCase() === 'externalid');
    if (externalIdSource && externalIdSource.source.toLowerCase() !== 'objectid') {
      found.push(
        diagnostic('EXTERNAL_ID_NOT_FROM_OBJECT_ID', {
          severity: 'error',
          resourceType: kind,
          attribute: 'externalId',
          count: seen.counts[kind],
          sample: [],
          message: `Entra maps externalId of ${kindWord(kind)}s from ${externalIdSource.source}, which changes when that is renamed and is not unique; objectId never changes.`,
          fix: `In Entra's ${kindWord(kind)} attribute mappings, edit externalId and set the source attribute to objectId (matching precedence 1).`,
        }),
      );
    }
    if (entraObject) {
      const stored = new Set(rows.filter((r) => r.resourceType === kind).map((r) => r.attribute.toLowerCase()));
      for (const mapped of entraObject.attributes) {
        const target = mapped.target.toLowerCase();
        if (!stored.has(target)) {
          if (!seen.ignored.has(mapped.target)) {
            found.push(
              diagnostic('ATTRIBUTE_NOT_STORED', {
                severity: 'warning',
                resourceType: kind,
                attribute: mapped.target,
                count: 0,
                sample: [],
                message: `Entra maps ${mapped.source} to ${mapped.target}, which ScimDesk does not store: it is sent and dropped.`,
                fix: `Delete the ${mapped.target} mapping in Entra's ${kindWord(kind)} attribute mappings (or add it to an extension schema in Settings if the target needs it).`,
              }),
            );
          }
          continue;
        }
        const observed = seen.observed(kind, rows.find((r) => r.resourceType === kind && r.attribute.toLowerCase() === target)?.attribute ?? mapped.target);
        if (seen.counts[kind] > 0 && observed.records === 0 && observed.lastSeen === null && target !== 'members' && target !== 'active') {
          found.push(
            diagnostic('MAPPED_NEVER_ARRIVES', {
              severity: 'info',
              resourceType: kind,
              attribute: mapped.target,
              count: seen.counts[kind],
              sample: [],
              message: `Entra maps ${mapped.source} to ${mapped.target}, but none of the ${seen.counts[kind]} ${kindWord(kind)}(s) here carries it: ${mapped.source} is empty in Entra, or the mapping applies only on create.`,
              fix: `Check that ${mapped.source} has values in Entra for users in scope; if it should be sent on every update, set "Apply this mapping" to Always.`,
            }),
          );
        }
      }
    }
    if (seen.counts[kind] > 0) {
      for (const row of rows) {
        if (row.resourceType !== kind || !row.required || row.attribute === 'members') continue;
        const observed = seen.observed(kind, row.attribute);
        const missing = seen.counts[kind] - observed.records;
        if (observed.records === 0 && observed.lastSeen === null) {
          found.push(
            diagnostic('REQUIRED_NEVER_SENT', {
              severity: 'error',
              resourceType: kind,
              attribute: row.attribute,
              count: missing,
              sample: [],
              message: `${row.attribute} is required here but Entra has never sent it for any ${kindWord(kind)}.`,
              fix: `Add a mapping in Entra's ${kindWord(kind)} attribute mappings with target ${row.attribute}${row.recommendedSource ? ` and source ${row.recommendedSource}` : ''}.`,
            }),
          );
        }
      }
    }
  }

  // Attributes dropped on arrival: unknown names, and extension URNs /Schemas does not advertise.
  const advertised = new Set([...Object.values(schemas).flatMap((schema) => [schema.core.id, ...schema.extensions.map((e) => e.id)])].map((urn) => urn.toLowerCase()));
  for (const [name, entry] of seen.ignored) {
    const urn = /^(urn:.+):[^:]+$/i.exec(name)?.[1];
    const unadvertised = name.toLowerCase().startsWith('urn:') && !advertised.has((urn ?? name).toLowerCase()) && !advertised.has(name.toLowerCase());
    found.push(
      diagnostic(unadvertised ? 'EXTENSION_URN_NOT_ADVERTISED' : 'ATTRIBUTE_NOT_STORED', {
        severity: 'warning',
        resourceType: entry.resourceType,
        attribute: name,
        count: entry.count,
        sample: entry.rows.map((row) => fromLog(row)),
        message: unadvertised
          ? `Entra sends ${name} under a schema URN that /Schemas does not advertise (${entry.count} request(s)); nothing stores it.`
          : `Entra sends ${name}, which no schema here stores (${entry.count} request(s)); it is dropped.`,
        fix: unadvertised
          ? `Add an extension schema with URN ${urn ?? name} in Settings (the Workato preset adds its role schema), or fix the target attribute name in Entra's mapping to match the URN /Schemas advertises.`
          : `Delete the mapping whose target is ${name} in Entra's ${kindWord(entry.resourceType)} attribute mappings, or add it to an extension schema in Settings if the target needs it.`,
      }),
    );
  }

  // Matching: what Entra looks records up by (its probes), and what its schema says.
  const uniqueHere = (kind: ResourceKind, attribute: string) => {
    const key = attribute.toLowerCase();
    if (key === 'externalid' || key === 'id') return true;
    if (kind === 'User' && key === 'username') return true;
    return rows.some((row) => row.resourceType === kind && row.attribute.toLowerCase() === key && row.unique);
  };
  const matchingNotUnique = new Map<string, Diagnostic>();
  for (const [attribute, entry] of seen.matchedOn) {
    const kind = entry.resourceType ?? 'User';
    if (kind === 'Group' && attribute.toLowerCase() === 'displayname') continue; // Entra's default for groups; group names are checked on create.
    if (uniqueHere(kind, attribute)) continue;
    matchingNotUnique.set(`${kind}|${attribute.toLowerCase()}`, matchingDiagnostic(kind, attribute, entry.count, [fromLog(entry.row)]));
  }
  if (entra) {
    for (const object of entra.objects) {
      for (const mapped of object.attributes) {
        if (mapped.matchingPriority <= 0 || uniqueHere(object.resourceType, mapped.target)) continue;
        if (object.resourceType === 'Group' && mapped.target.toLowerCase() === 'displayname') continue;
        const key = `${object.resourceType}|${mapped.target.toLowerCase()}`;
        if (!matchingNotUnique.has(key)) matchingNotUnique.set(key, matchingDiagnostic(object.resourceType, mapped.target, 0, []));
      }
    }
  }
  found.push(...matchingNotUnique.values());

  // Sync loops: the same value written to the same attribute of the same record again and again.
  const loops = new Map<string, { kind: ResourceKind | null; count: number; sample: AffectedRecord[] }>();
  for (const write of seen.writes.values()) {
    if (write.count < REPEAT_THRESHOLD) continue;
    const entry = loops.get(write.path) ?? { kind: write.resourceType, count: 0, sample: [] };
    entry.count++;
    if (entry.sample.length < SAMPLE) entry.sample.push({ resourceType: write.resourceType, id: write.resourceId, name: write.name, value: mask(write.value), seq: write.seqs[write.seqs.length - 1] ?? null });
    loops.set(write.path, entry);
  }
  for (const [path, entry] of loops) {
    found.push(
      diagnostic('REPEATED_WRITE', {
        severity: 'warning',
        resourceType: entry.kind,
        attribute: path,
        count: entry.count,
        sample: entry.sample,
        message: `Entra wrote the same ${path} value ${REPEAT_THRESHOLD} or more times to ${entry.count} record(s): it does not see the value it wrote when it reads the record back.`,
        fix: repeatFix(path),
      }),
    );
  }

  // userNames that differ only by case: refused as duplicates here, so they show as 409s in the log.
  const caseClashes: AffectedRecord[] = [];
  for (const row of seen.logRows) {
    if (row.resourceType !== 'User' || row.status !== 409 || row.userName === null) continue;
    const held = seen.userNames.get(row.userName.toLowerCase());
    if (held && held.userName !== row.userName) caseClashes.push({ resourceType: 'User', id: held.id, name: held.userName, value: row.userName, seq: row.seq });
  }
  if (caseClashes.length > 0) {
    found.push(
      diagnostic('USERNAME_CASE_ONLY', {
        severity: 'error',
        resourceType: 'User',
        attribute: 'userName',
        count: caseClashes.length,
        sample: caseClashes.slice(0, SAMPLE),
        message: `Entra sent ${caseClashes.length} userName(s) that differ from a stored one only by letter case; userNames are unique ignoring case (RFC 7643), so they were refused.`,
        fix: 'Find the two Entra users (their userPrincipalNames differ only by case, or one was recreated) and remove or rename one; or match on externalId ← objectId so a renamed user is found by its objectId.',
      }),
    );
  }

  for (const cycle of input.cycles) {
    if (cycle.deactivations >= MASS_DEACTIVATION_MIN && cycle.deactivations >= seen.counts.User * MASS_DEACTIVATION_SHARE) {
      found.push(
        diagnostic('MASS_DEACTIVATION', {
          severity: 'warning',
          resourceType: 'User',
          attribute: 'active',
          count: cycle.deactivations,
          sample: [],
          message: `The cycle starting ${cycle.start} deactivated ${cycle.deactivations} users at once.`,
          fix: "If it was not intended: check the application's assignments and scoping filters in Entra (a removed group takes its members out of scope), and Entra's accidental-deletions threshold in the provisioning settings.",
        }),
      );
    }
    if (cycle.warning !== null && cycle.firstFailure !== null) {
      const first = cycle.firstFailure;
      found.push(
        diagnostic('QUARANTINE_RISK', {
          severity: 'error',
          resourceType: null,
          attribute: null,
          count: Math.round(cycle.failureRate * cycle.requests),
          sample: [{ resourceType: null, id: null, name: `${first.method} ${first.path}`, value: String(first.status), seq: first.seq }],
          message: cycle.warning,
          fix: 'Open the first failing request in the sync log and fix its cause (the message names it) before the next cycle; a quarantined job waits hours between retries.',
        }),
      );
    }
  }

  if (preset?.usersOnly) {
    const groupWrites = seen.logRows.filter((row) => row.resourceType === 'Group' && (row.operation === 'create' || row.operation === 'replace' || row.operation === 'patch'));
    const groups = seen.counts.Group;
    if (groups > 0 || groupWrites.length > 0) {
      found.push(
        diagnostic('GROUPS_TO_USERS_ONLY_TARGET', {
          severity: 'warning',
          resourceType: 'Group',
          attribute: null,
          count: Math.max(groups, groupWrites.length),
          sample: groupWrites.slice(0, SAMPLE).map((row) => fromLog(row)),
          message: `This target takes users only (${preset.name}), but Entra provisions groups: ${groups} stored, ${groupWrites.length} group write(s) in the sync log.`,
          fix: "In Entra's provisioning Mappings, set \"Provision Microsoft Entra ID Groups\" to Enabled: No, and save.",
        }),
      );
    }
  }

  const order = { error: 0, warning: 1, info: 2 } as const;
  return found.sort((a, b) => order[a.severity] - order[b.severity] || b.count - a.count);
}

function matchingDiagnostic(kind: ResourceKind, attribute: string, count: number, sample: AffectedRecord[]): Diagnostic {
  return diagnostic('MATCHING_NOT_UNIQUE', {
    severity: 'warning',
    resourceType: kind,
    attribute,
    count,
    sample,
    message: `Entra matches ${kindWord(kind)}s on ${attribute}, which is not unique here: two records with one value make Entra update the wrong one, or fail.`,
    fix: `In Entra's ${kindWord(kind)} attribute mappings, give externalId ← objectId matching precedence 1${kind === 'User' ? ' and userName ← userPrincipalName precedence 2' : ''}, and take "Match objects using this attribute" off ${attribute}.`,
  });
}

function repeatFix(path: string): string {
  if (/manager$/i.test(path)) {
    return 'The GET of the user must return the manager as {"value": "<manager id>", "$ref": ".../Users/<id>"} under the enterprise extension; ScimDesk does, so check that the manager exists here (a manager Entra has not provisioned is pending) and that the mapping is manager ← manager.';
  }
  if (/^emails|^phoneNumbers|^addresses/i.test(path)) {
    return `The GET must return ${path.split('[')[0]} with the same "type" Entra writes (${path}); change the mapping's target to the type the record keeps, or keep one value per type.`;
  }
  return `The GET of the record must return ${path} exactly as written (same letter case and type); if the target changes it on write, map ${path} in Entra with "Apply this mapping: Only during object creation".`;
}
