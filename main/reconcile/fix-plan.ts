/**
 * Turn a comparison report into a fix plan (issue 6, "Fix"): the externalId
 * changes to preview, apply in one transaction, and undo as a whole.
 *
 * Rules, per included row (by localId; default: every proposable row):
 * - Proposable rows: `unlinked`, `mismatch` and `duplicate` rows with at least one
 *   candidate (link to the best one; a duplicate has candidates when its candidates
 *   are ambiguous — refused — or when it shares an externalId but agrees with
 *   nothing on that object — relinked elsewhere), and `linked` rows whose externalId
 *   differs from the objectId only in case or spaces (rewrite it as Entra spells it).
 * - Refused, with the reason: ambiguous candidates (two share the best confidence),
 *   a record sharing its externalId with others and no candidate elsewhere, a link to
 *   an objectId another local record already holds (in the report), and a second link
 *   to one objectId in the same plan (high-confidence links claim it first, then
 *   approved weaker ones, each in report order; one awaiting approval never claims).
 *   One exception, as the store allows it: a holder that this same plan moves away
 *   from the objectId (relink or unlink, itself not refused or awaiting approval)
 *   does not block — two swapped users are fixed in one plan.
 * - Needs approval: a link whose best candidate is not high confidence (mail alone,
 *   displayName, alias) is made only when the admin approved that row, because a
 *   shared or reused address would hand the account to someone else.
 * - Unlink (externalId := null) only when the admin includes a `mismatch` row that
 *   has no candidate (the objectId does not exist, belongs to someone else, or is
 *   not a GUID).
 * - Everything else that was included is left as it is, with the reason.
 *
 * Pure: the plan id and creation time are arguments.
 */
import type { ApprovalNeeded, FixAction, FixPlan, LeftAsIs, RefusedAction } from '../../shared/admin/fix-plan-schemas';
import type { Candidate, CompareReport, ReportKind, ReportRow } from '../../shared/admin/report-schemas';
import { bestCandidate } from './candidates';

export type { ApprovalNeeded, FixAction, FixPlan, FixPlanSummary, LeftAsIs, RefusedAction } from '../../shared/admin/fix-plan-schemas';

export interface FixChoices {
  /** localIds whose medium/low-confidence link (mail alone, displayName, alias) the admin approved. */
  readonly approveMailOnly: ReadonlySet<string>;
  /** localIds to act on; default: every proposable row. */
  readonly include?: ReadonlySet<string>;
}

/** Whether the plan acts on a row unless the admin narrows `include`. */
export function isProposable(row: ReportRow): boolean {
  if (row.localId === null) return false;
  switch (row.category) {
    case 'unlinked':
    case 'mismatch':
      return row.candidates.length > 0;
    case 'duplicate':
      // Ambiguous candidates (refused, so the preview says why), or a shared externalId
      // on a record that agrees with nothing on that object and has candidates elsewhere.
      return row.candidates.length > 0;
    case 'linked':
      return hasCaseDrift(row);
    case 'notProvisioned':
    case 'orphan':
      return false;
    default:
      return assertNever(row.category);
  }
}

/** Builds the fix plan for a report and the admin's choices. Rules: module comment. */
export function buildFixPlan(report: CompareReport, choices: FixChoices, planId: string, createdAt: string): FixPlan {
  const refused: RefusedAction[] = [];
  const left: LeftAsIs[] = [];
  // Who holds which objectId now (externalId trimmed, lower-cased), per kind.
  const holders = { User: new Map<string, ReportRow | ReportRow[]>(), Group: new Map<string, ReportRow | ReportRow[]>() };
  for (const row of report.rows) {
    if (row.localId === null || row.externalId === null) continue;
    const claim = row.externalId.trim().toLowerCase();
    if (claim === '') continue;
    const map = holders[row.kind];
    const had = map.get(claim);
    if (had === undefined) map.set(claim, row);
    else if (Array.isArray(had)) had.push(row);
    else map.set(claim, [had, row]);
  }
  // Pass 1: what each included row would become, in report order.
  const tentative: Tentative[] = [];
  const include = choices.include;
  for (const row of report.rows) {
    if (row.localId === null) continue;
    if (include === undefined ? !isProposable(row) : !include.has(row.localId)) continue;
    const base = { resourceType: row.kind, localId: row.localId, name: row.name };
    const from = row.externalId;
    const noun = row.kind === 'User' ? 'user' : 'group';

    if (row.category === 'duplicate' && row.reasonCode === 'duplicate.sharedExternalId' && row.candidates.length === 0) {
      refused.push({ ...base, from, to: null, reason: `Refused: ${row.reason} Decide which record keeps it and correct the others by hand.` });
      continue;
    }
    if (row.category === 'linked' || row.category === 'orphan' || row.category === 'notProvisioned') {
      if (row.category === 'linked' && hasCaseDrift(row) && row.objectId !== null) {
        tentative.push({
          row,
          action: { ...base, kind: 'link', from, to: row.objectId, reason: "Rewrite externalId as Entra spells the objectId (it differed only in case or spaces), so Entra's case-exact lookup finds it." },
          candidate: null,
          approval: false,
          label: '',
        });
      } else {
        left.push({ ...base, reason: row.category === 'linked' ? 'Already linked: nothing to change.' : `Left as it is: ${row.reason}` });
      }
      continue;
    }

    const best = bestCandidate(row);
    if (best === null) {
      if (row.category === 'mismatch' && from !== null) {
        tentative.push({ row, action: { ...base, kind: 'unlink', from, to: null, reason: `Unlink (clear externalId): ${row.reason}` }, candidate: null, approval: false, label: '' });
      } else {
        left.push({ ...base, reason: `No Entra ${noun} to link to: ${row.reason}` });
      }
      continue;
    }
    const { candidate, ambiguous } = best;
    const target = candidate.objectId;
    const label = `Entra ${noun} '${candidate.userPrincipalName ?? candidate.displayName ?? target}' (${target})`;
    if (ambiguous) {
      refused.push({ ...base, from, to: null, reason: `Refused: several Entra ${noun}s match equally well, so none can be chosen safely. ${row.reason}` });
      continue;
    }
    const matched = `matched on ${candidate.matchedOn.join(', ')}; ${candidate.confidence} confidence`;
    const approval = candidate.confidence !== 'high' && !choices.approveMailOnly.has(row.localId);
    const approved = candidate.confidence !== 'high' ? ' Approved by the admin.' : '';
    const what = from === null ? 'Link' : `Relink (was '${from}')`;
    const scopeNote = candidate.inScope === false ? " Note: it is not in the application's scope." : '';
    const entry: Tentative = {
      row,
      action: { ...base, kind: 'link', from, to: target, reason: `${what} to ${label}, ${matched}.${approved}${scopeNote}` },
      candidate,
      approval,
      label,
    };
    tentative.push(entry);
  }

  // Pass 1b: one objectId, one link per plan. High-confidence links claim their objectId
  // first, then approved weaker ones, each in report order; a later link to a claimed
  // objectId is refused, and so is one still awaiting approval (it never claims).
  const blockers = new Map<Tentative, string>();
  const claimed = { User: new Map<string, Tentative>(), Group: new Map<string, Tentative>() };
  const rank = (entry: Tentative) => (entry.approval ? 2 : entry.candidate !== null && entry.candidate.confidence !== 'high' ? 1 : 0);
  for (const tier of [0, 1, 2]) {
    for (const entry of tentative) {
      if (rank(entry) !== tier || entry.action.to === null) continue;
      const key = entry.action.to.toLowerCase();
      const map = claimed[entry.action.resourceType];
      const earlier = map.get(key);
      if (earlier !== undefined && earlier.action.localId !== entry.action.localId) {
        blockers.set(entry, `Refused: ${entry.label} is already being linked to '${earlier.action.name}' (${earlier.action.localId}) in this plan.`);
      } else if (tier < 2) {
        map.set(key, entry);
      }
    }
  }

  // Pass 2: a link to an objectId another record holds is refused, unless this plan moves
  // that record away from it (a swap) by an action that itself goes ahead. A refusal can
  // undo such a move, so the links depending on it are checked again (a work list).
  const byRecord = new Map<string, Tentative>();
  for (const entry of tentative) byRecord.set(`${entry.action.resourceType}:${entry.action.localId}`, entry);
  const dependents = new Map<Tentative, Tentative[]>();
  const movesAway = (holder: ReportRow, key: string): Tentative | null => {
    const entry = byRecord.get(`${holder.kind}:${holder.localId}`);
    if (entry === undefined || blockers.has(entry) || entry.approval) return null;
    return entry.action.to === null || entry.action.to.toLowerCase() !== key ? entry : null;
  };
  const check = (entry: Tentative): void => {
    if (blockers.has(entry) || entry.action.kind !== 'link' || entry.action.to === null) return;
    const key = entry.action.to.toLowerCase();
    for (const holder of otherHolders(holders[entry.action.resourceType].get(key), entry.action.localId)) {
      const mover = movesAway(holder, key);
      if (mover === null) {
        const noun = holder.kind === 'User' ? 'user' : 'group';
        blockers.set(
          entry,
          `Refused: ${entry.label} is already linked to local ${noun} '${holder.name}' (${holder.localId}, ${holder.category}). Fix that record first, then compare again.`,
        );
        for (const dependent of dependents.get(entry) ?? []) work.push(dependent);
        return;
      }
      const list = dependents.get(mover);
      if (list === undefined) dependents.set(mover, [entry]);
      else list.push(entry);
    }
  };
  const work: Tentative[] = [];
  for (const entry of tentative) {
    check(entry);
    while (work.length > 0) check(work.pop() as Tentative);
  }

  const actions: FixAction[] = [];
  const needsApproval: ApprovalNeeded[] = [];
  for (const entry of tentative) {
    const { action } = entry;
    const blocking = blockers.get(entry);
    if (blocking !== undefined) {
      refused.push({ resourceType: action.resourceType, localId: action.localId, name: action.name, from: action.from, to: action.to, reason: blocking });
    } else if (entry.approval && entry.candidate !== null && action.to !== null) {
      const candidate = entry.candidate;
      const mailAlone = candidate.matchedOn.length === 1 && candidate.matchedOn[0] === 'mail' ? ' (mail alone)' : '';
      needsApproval.push({
        resourceType: action.resourceType,
        localId: action.localId,
        name: action.name,
        from: action.from,
        to: action.to,
        candidate,
        reason:
          `Needs your approval: ${entry.label} matched on ${candidate.matchedOn.join(', ')}${mailAlone}, ${candidate.confidence} confidence. ` +
          (action.resourceType === 'Group'
            ? 'A reused name or address would tie this group to a different Entra group, whose members Entra would then provision into it, so it is linked only if you approve this row.'
            : 'A shared or reused address would give this account to someone else, so it is linked only if you approve this row.'),
      });
    } else {
      actions.push(action);
    }
  }

  // Pass 2 refusals were found after pass 1's: list every outcome in report order.
  const order = new Map<string, number>();
  report.rows.forEach((row, index) => {
    if (row.localId !== null) order.set(`${row.kind}:${row.localId}`, index);
  });
  const position = (entry: { readonly resourceType: ReportKind; readonly localId: string }) => order.get(`${entry.resourceType}:${entry.localId}`) ?? 0;
  refused.sort((a, b) => position(a) - position(b));

  let link = 0;
  let unlink = 0;
  for (const action of actions) {
    if (action.kind === 'link') link++;
    else unlink++;
  }
  return {
    id: planId,
    createdAt,
    reportGeneratedAt: report.generatedAt,
    actions,
    refused,
    needsApproval,
    left,
    summary: { link, unlink, refused: refused.length, needsApproval: needsApproval.length, left: left.length },
  };
}

/** A row's outcome before the already-linked check. */
interface Tentative {
  readonly row: ReportRow;
  readonly action: FixAction;
  readonly candidate: Candidate | null;
  /** Not high confidence and not approved: becomes a needsApproval entry unless refused. */
  readonly approval: boolean;
  readonly label: string;
}

/**
 * The actions that undo `actions`: each one's from/to swapped, in reverse order,
 * so applying both in turn restores every externalId. The store's undo of a fix
 * batch applies exactly this (main/store/fix-repository.ts).
 */
export function invertFixPlan(actions: ReadonlyArray<FixAction>): FixAction[] {
  const out: FixAction[] = [];
  for (let i = actions.length - 1; i >= 0; i--) {
    const action = actions[i] as FixAction;
    out.push({
      ...action,
      kind: action.from === null ? 'unlink' : 'link',
      from: action.to,
      to: action.from,
      reason: `Undo: ${action.reason}`,
    });
  }
  return out;
}

function hasCaseDrift(row: ReportRow): boolean {
  for (const drift of row.drift) if (drift.attribute === 'externalId') return true;
  return false;
}

const NO_ROWS: ReadonlyArray<ReportRow> = [];

function otherHolders(found: ReportRow | ReportRow[] | undefined, localId: string): ReadonlyArray<ReportRow> {
  if (found === undefined) return NO_ROWS;
  if (!Array.isArray(found)) return found.localId === localId ? NO_ROWS : [found];
  return found.filter((row) => row.localId !== localId);
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
