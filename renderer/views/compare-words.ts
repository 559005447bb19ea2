import type { BadgeProps } from '@fluentui/react-components';
import type { Category } from '../../shared/admin/entra-schemas';
import type { ReportKind, ReportRow } from '../state/compare-slice';
import type { ResetScopeName } from '../state/entra-slice';

/** The comparison's categories in the order the screen lists them. */
export const CATEGORY_ORDER: ReadonlyArray<Category> = ['linked', 'mismatch', 'unlinked', 'notProvisioned', 'orphan', 'duplicate'];

export const CATEGORY_LABELS: Readonly<Record<Category, string>> = {
  linked: 'Linked',
  mismatch: 'objectId mismatch',
  unlinked: 'Unlinked',
  notProvisioned: 'In scope but never provisioned',
  orphan: 'Only local (orphan)',
  duplicate: 'Duplicates',
};

/** What the comparison matches a record without an objectId by, per kind (main/reconcile/compare.ts). */
export const MATCHED_BY: Readonly<Record<ReportKind, string>> = {
  User: 'UPN, employee ID, mail',
  Group: 'display name, mail nickname',
};

/** One line each: what the category means and what it does to Entra's provisioning. */
export function categoryExplanation(category: Category, kind: ReportKind): string {
  const noun = kind === 'User' ? 'user' : 'group';
  switch (category) {
    case 'linked':
      return `externalId holds the objectId of the same Entra ${noun}: Entra finds and updates this record.`;
    case 'mismatch':
      return `externalId is set but is not a GUID, names no Entra ${noun}, or names someone else: Entra cannot match it, or matches the wrong record.`;
    case 'unlinked':
      return `No externalId yet; ScimDesk found the Entra ${noun} it probably is (${MATCHED_BY[kind]}). A fix links it.`;
    case 'notProvisioned':
      // How the count is made (compare.ts, "never provisioned"): the same rule as the report and the CLI.
      return (
        `${kind === 'User' ? "In the application's scope" : 'Assigned to the application'} in Entra, and no ScimDesk record represents it: ` +
        `none is linked to it or has it as its best match. A record holding its objectId for another ${noun} does not count.`
      );
    case 'orphan':
      return `Only in ScimDesk: deleted in Entra or no longer in the application's scope, so Entra no longer manages it.`;
    case 'duplicate':
      return `Two ScimDesk records claim one objectId, or several Entra ${noun}s match equally well: decide by hand.`;
  }
}

/** Badge colours: green is fine, red is wrong, amber needs a decision. */
export const CATEGORY_COLORS: Readonly<Record<Category, NonNullable<BadgeProps['color']>>> = {
  linked: 'success',
  mismatch: 'danger',
  unlinked: 'warning',
  notProvisioned: 'informative',
  orphan: 'subtle',
  duplicate: 'severe',
};

export const CONFIDENCE_COLORS: Readonly<Record<'high' | 'medium' | 'low', NonNullable<BadgeProps['color']>>> = {
  high: 'success',
  medium: 'warning',
  low: 'danger',
};

export const KIND_LABELS: Readonly<Record<ReportKind, string>> = { User: 'Users', Group: 'Groups' };

/** "userPrincipalName" → "UPN" and friends, for "matched on". */
const MATCHED_ON_LABELS: Readonly<Record<string, string>> = {
  userPrincipalName: 'UPN',
  employeeId: 'employee ID',
  mail: 'mail',
  mailNickname: 'mail nickname',
  upnLocalPart: 'UPN before the @',
  displayName: 'display name',
};

export function matchedOnText(matchedOn: ReadonlyArray<string>): string {
  return matchedOn.map((attribute) => MATCHED_ON_LABELS[attribute] ?? attribute).join(', ');
}

/** The candidate the fix would link to: the strongest, first among equals. */
export function bestCandidate(row: ReportRow): ReportRow['candidates'][number] | null {
  const rank = { high: 0, medium: 1, low: 2 } as const;
  let best: ReportRow['candidates'][number] | null = null;
  for (const candidate of row.candidates) if (best === null || rank[candidate.confidence] < rank[best.confidence]) best = candidate;
  return best;
}

/**
 * The Entra user a report row is really about: the linked object for linked, orphan and
 * not-provisioned rows; otherwise (mismatch, unlinked, duplicate) the best candidate,
 * since the object its externalId names is the wrong one or does not exist.
 */
export function rowObjectId(row: ReportRow): string | null {
  if (row.category === 'linked' || row.category === 'orphan' || row.category === 'notProvisioned') return row.objectId ?? row.entra?.objectId ?? null;
  return bestCandidate(row)?.objectId ?? null;
}

interface ResetScopeChoice {
  readonly scope: ResetScopeName;
  readonly label: string;
  readonly meaning: string;
  /** Wipes Entra's saved identifiers or deletes users: needs "I understand" (insist). */
  readonly dangerous: boolean;
  /** What the admin center's Restart does; ticked by default. */
  readonly recommended: boolean;
}

/**
 * Graph's restart scopes in plain words. The contract has only their names; the core
 * refuses ConnectorDataStore, Full and ForceDeletes without `insist`.
 */
export const RESET_SCOPES: ReadonlyArray<ResetScopeChoice> = [
  { scope: 'Watermark', label: 'Watermark', meaning: 'The next cycle evaluates every user and group again, not only changes.', dangerous: false, recommended: true },
  { scope: 'Escrows', label: 'Escrows', meaning: 'Drops the failed operations Entra was going to retry.', dangerous: false, recommended: true },
  { scope: 'QuarantineState', label: 'QuarantineState', meaning: 'Lifts the quarantine now.', dangerous: false, recommended: true },
  {
    scope: 'None',
    label: 'None',
    meaning: 'Only starts a paused or quarantined job again (Microsoft advises Start instead).',
    dangerous: false,
    recommended: false,
  },
  {
    scope: 'ConnectorDataStore',
    label: 'ConnectorDataStore',
    meaning:
      "Forgets every identifier Entra saved for ScimDesk's records: all users and groups are matched again from scratch. " +
      'Microsoft says: do not use without contacting support.',
    dangerous: true,
    recommended: false,
  },
  { scope: 'Full', label: 'Full', meaning: 'All of the above, including forgetting every saved identifier.', dangerous: true, recommended: false },
  {
    scope: 'ForceDeletes',
    label: 'ForceDeletes',
    meaning: 'Deletes the users that accidental-deletion prevention was holding back: they are deprovisioned here at once.',
    dangerous: true,
    recommended: false,
  },
];

/** "starting", "users"… → the words under the progress bar. */
export function fetchPhaseLabel(phase: string): string {
  switch (phase) {
    case 'starting':
      return 'Signing in to Microsoft Graph';
    case 'users':
      return 'Fetching users';
    case 'groups':
      return 'Fetching groups';
    case 'assignments':
      return "Reading the application's assignments (the scope)";
    case 'members':
      return "Reading assigned groups' members";
    case 'done':
      return 'Saving the snapshot';
    case 'failed':
      return 'Stopped';
    default:
      return phase;
  }
}
