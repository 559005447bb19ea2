/**
 * Groups on the rule ladder (comparer.ts): Entra groups indexed by objectId,
 * displayName and mailNickname.
 *
 * - Agreement: the same displayName.
 * - Another group's object (rule 4), when the displayName differs: another Entra group C
 *   has exactly this displayName, and either C is not out of scope and no local group
 *   holds C's objectId (Entra, which matches groups by displayName, would take this
 *   record for C), or another local group has E's displayName (a swap).
 * - Candidates: displayName (medium), mailNickname = displayName without spaces (low).
 * - Drift: displayName.
 */
import type { Drift, EntraSummary, LocalSummary } from '../../shared/admin/report-schemas';
import type { CandidateList } from './candidates';
import { Comparer, type Agreement, type LadderWords } from './comparer';
import { compact, firstOther, forEachIn, inSet, key, put, type Multi } from './lookup';
import type { EntraGroup, EntraUser, LocalGroup } from './snapshot';

const SAME_NAME: Agreement = Object.freeze({ agrees: true, words: 'same displayName' });
const OTHER_NAME: Agreement = Object.freeze({ agrees: false, words: '' });

const GROUP_WORDS: LadderWords<EntraGroup> = {
  noun: 'group',
  otherNoun: 'user',
  sharedClaim: (target, agreement) =>
    agreement.agrees ? `This one has the displayName of Entra group '${target.displayName}'.` : `Entra group '${target.displayName}' has another displayName.`,
  notGuid: (externalId) =>
    `externalId '${externalId}' is not an Entra objectId (a GUID): Entra still maps the group's externalId from displayName or mailNickname instead of objectId.`,
  otherObject: (target, evidence) => `externalId names Entra group '${target.displayName}', which belongs to another group: ${evidence}.`,
  noAgreement: 'nothing contradicts it, though the displayName differs (renamed in Entra?)',
  outOfScope: 'is not assigned to the application',
  noMatch: 'has its displayName or alias',
  inScope: 'Assigned to the application in Entra',
};

export class GroupComparer extends Comparer<LocalGroup, EntraGroup, Agreement> {
  protected readonly kind = 'Group';
  protected readonly words = GROUP_WORDS;
  private readonly byName: Multi<EntraGroup> = new Map();
  private readonly byNick: Multi<EntraGroup> = new Map();
  private localByName: Multi<LocalGroup> | null = null;

  constructor(
    local: ReadonlyArray<LocalGroup>,
    entra: ReadonlyArray<EntraGroup>,
    private readonly groupsById: Map<string, EntraGroup>,
    scope: Set<string> | null,
    private readonly usersById: Map<string, EntraUser>,
  ) {
    super(local, entra, scope);
    for (const group of groupsById.values()) {
      const name = key(group.displayName);
      if (name !== null) put(this.byName, name, group);
      const nick = key(group.mailNickname);
      if (nick !== null) put(this.byNick, nick, group);
    }
  }

  protected entraById(lowerId: string): EntraGroup | undefined {
    return this.groupsById.get(lowerId);
  }

  protected otherKindName(lowerId: string): string | undefined {
    return this.usersById.get(lowerId)?.userPrincipalName;
  }

  protected entraName(group: EntraGroup): string {
    return group.displayName;
  }

  protected recordName(group: LocalGroup): string {
    return group.displayName;
  }

  protected agreement(group: LocalGroup, target: EntraGroup): Agreement {
    return key(target.displayName) === key(group.displayName) ? SAME_NAME : OTHER_NAME;
  }

  /**
   * Users' rule, with a group's name for a UPN: another Entra group has exactly this
   * record's displayName, and either it has no record of its own and is not out of scope
   * (Entra matches groups by displayName: it would take this record for that group), or
   * another local group has the target's name (the two swapped objectIds). Without
   * either, the target was more likely renamed in Entra, and the record stays linked with
   * the name drifting.
   */
  protected otherObjectEvidence(group: LocalGroup, target: EntraGroup): string | null {
    const mine = key(group.displayName);
    if (mine === null) return null;
    let named: EntraGroup | undefined;
    let unheld: EntraGroup | undefined;
    forEachIn(this.byName.get(mine), (other) => {
      if (other === target) return;
      named ??= other;
      const id = other.objectId.toLowerCase();
      if (unheld === undefined && this.scope?.has(id) !== false && !this.claims.has(id)) unheld = other;
    });
    if (named === undefined) return null;
    const targetName = key(target.displayName);
    const otherLocal = targetName === null ? undefined : firstOther(this.localGroupsByName().get(targetName), group);
    if (otherLocal !== undefined) {
      return `another Entra group (${named.objectId}) is called '${group.displayName}', and another local group, ${otherLocal.id}, is called '${otherLocal.displayName}'`;
    }
    if (unheld !== undefined) {
      const scoped = this.scope === null ? '' : ', assigned to the application,';
      return `another Entra group (${unheld.objectId})${scoped} is called '${group.displayName}' and no local group holds its objectId`;
    }
    return null;
  }

  protected gatherCandidates(list: CandidateList<EntraGroup>, group: LocalGroup, oldExternalId: string | null): void {
    const name = key(group.displayName);
    if (name !== null) {
      list.addAll(this.byName.get(name), 'displayName', 'same displayName');
      list.addAll(this.byNick.get(compact(name)), 'mailNickname', 'alias equals the displayName without spaces');
    }
    if (oldExternalId !== null) {
      list.addAll(this.byName.get(oldExternalId), 'displayName', 'displayName equals the current externalId, where Entra\'s default group mapping puts it');
      list.addAll(this.byNick.get(oldExternalId), 'mailNickname', 'alias equals the current externalId');
    }
  }

  protected attributeDrift(group: LocalGroup, target: EntraGroup, drift: Drift[] | null): Drift[] | null {
    if (group.displayName.trim() === target.displayName.trim()) return drift;
    const out = drift ?? [];
    out.push({ attribute: 'displayName', local: group.displayName, entra: target.displayName, note: 'displayName differs (renamed in Entra?)' });
    return out;
  }

  protected localSummary(group: LocalGroup): LocalSummary {
    return { userName: null, displayName: group.displayName, mail: null, active: null, employeeNumber: null, externalId: group.externalId };
  }

  protected entraSummary(target: EntraGroup): EntraSummary {
    return {
      objectId: target.objectId,
      userPrincipalName: null,
      displayName: target.displayName,
      mail: target.mail,
      mailNickname: target.mailNickname,
      accountEnabled: null,
      employeeId: null,
      inScope: inSet(this.scope, target.objectId.toLowerCase()),
    };
  }

  private localGroupsByName(): Multi<LocalGroup> {
    if (this.localByName === null) {
      const map: Multi<LocalGroup> = new Map();
      for (const group of this.local) {
        const name = key(group.displayName);
        if (name !== null) put(map, name, group);
      }
      this.localByName = map;
    }
    return this.localByName;
  }
}
