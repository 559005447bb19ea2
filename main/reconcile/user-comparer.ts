/**
 * Users on the rule ladder (comparer.ts): Entra users indexed by objectId, UPN, mail,
 * mailNickname, UPN local part and employeeId, so each local user costs a few look-ups.
 *
 * - Agreement: userName = UPN, the mail among the record's addresses, or employeeId =
 *   employeeNumber.
 * - Someone else's user (rule 4), when nothing agrees: E.employeeId and employeeNumber
 *   both set and different, or another Entra user has this userName as UPN, this
 *   employeeNumber as employeeId or one of this record's addresses as mail, or another
 *   local user has E's UPN as userName.
 * - Candidates: UPN = userName (high), employeeId = employeeNumber (high), mail = an
 *   email or the userName (medium), mailNickname = local part of userName (low), UPN
 *   local part = local part of userName (low); a candidate whose employeeId contradicts
 *   the record's employeeNumber is capped at low confidence.
 * - Drift: userName/UPN, displayName, mail, active, employeeId.
 */
import type { Drift, EntraSummary, LocalSummary } from '../../shared/admin/report-schemas';
import type { CandidateList } from './candidates';
import { Comparer, type Agreement, type LadderWords } from './comparer';
import { firstOther, forEachIn, inSet, key, localPart, plural, put, type Multi } from './lookup';
import type { EntraGroup, EntraUser, LocalUser } from './snapshot';

interface UserAgreement extends Agreement {
  /** employeeNumber and the object's employeeId are both set and differ: evidence of another person. */
  readonly employeeIdContradicts: boolean;
}

/** What agrees, by bit mask (1 UPN, 2 mail, 4 employeeId): built once, not per record. */
const AGREEMENT_WORDS: ReadonlyArray<string> = Array.from({ length: 8 }, (_, mask) =>
  [mask & 1 ? 'userName equals its UPN' : '', mask & 2 ? 'mail agrees' : '', mask & 4 ? 'employeeId agrees' : ''].filter(Boolean).join(', '),
);

const USER_WORDS: LadderWords<EntraUser> = {
  noun: 'user',
  otherNoun: 'group',
  sharedClaim: (target, agreement) =>
    agreement.agrees
      ? `This record agrees with Entra user '${target.userPrincipalName}' (${agreement.words}).`
      : `Nothing on this record agrees with Entra user '${target.userPrincipalName}'.`,
  notGuid: (externalId) =>
    `externalId '${externalId}' is not an Entra objectId (a GUID): Entra still maps externalId from mailNickname or displayName instead of objectId, so it cannot find this record by objectId.`,
  otherObject: (target, evidence) =>
    `externalId names Entra user '${target.userPrincipalName}'${target.displayName ? ` (${target.displayName})` : ''}, which belongs to someone else: ${evidence}.`,
  noAgreement: 'nothing contradicts it, though the userName differs from the UPN (renamed in Entra?)',
  outOfScope: "is not in the application's scope (unassigned)",
  noMatch: 'matches its userName, employeeNumber, emails or alias',
  inScope: "In the application's scope in Entra",
};

export class UserComparer extends Comparer<LocalUser, EntraUser, UserAgreement> {
  protected readonly kind = 'User';
  protected readonly words = USER_WORDS;
  readonly usersById = new Map<string, EntraUser>();
  private readonly byUpn: Multi<EntraUser> = new Map();
  private readonly byMail: Multi<EntraUser> = new Map();
  private readonly byNick: Multi<EntraUser> = new Map();
  /** UPN local parts that differ from the user's mailNickname (usually they are equal: one index then serves both). */
  private readonly byUpnLocal: Multi<EntraUser> = new Map();
  private readonly byEmployeeId: Multi<EntraUser> = new Map();
  private localByUserName: Map<string, LocalUser> | null = null;

  constructor(
    local: ReadonlyArray<LocalUser>,
    entra: ReadonlyArray<EntraUser>,
    scope: Set<string> | null,
    private readonly groupsById: Map<string, EntraGroup>,
    notes: string[],
  ) {
    super(local, entra, scope);
    let repeated = 0;
    for (const user of entra) {
      const id = user.objectId.toLowerCase();
      if (this.usersById.has(id)) {
        repeated++;
        continue;
      }
      this.usersById.set(id, user);
      const upn = key(user.userPrincipalName);
      const nick = key(user.mailNickname);
      if (nick !== null) put(this.byNick, nick, user);
      if (upn !== null) {
        put(this.byUpn, upn, user);
        const part = localPart(upn);
        if (part !== nick) put(this.byUpnLocal, part, user);
      }
      const mail = key(user.mail);
      if (mail !== null) put(this.byMail, mail, user);
      const employeeId = key(user.employeeId);
      if (employeeId !== null) put(this.byEmployeeId, employeeId, user);
    }
    if (repeated > 0) notes.push(`${repeated} Entra user${plural(repeated)} appeared twice in the snapshot; the first copy was used.`);
  }

  protected entraById(lowerId: string): EntraUser | undefined {
    return this.usersById.get(lowerId);
  }

  protected otherKindName(lowerId: string): string | undefined {
    return this.groupsById.get(lowerId)?.displayName;
  }

  protected entraName(user: EntraUser): string {
    return user.userPrincipalName;
  }

  protected recordName(user: LocalUser): string {
    return user.userName;
  }

  protected agreement(user: LocalUser, target: EntraUser): UserAgreement {
    const upn = key(user.userName) === key(target.userPrincipalName);
    const entraMail = key(target.mail);
    let mail = false;
    if (entraMail !== null) {
      if (key(user.userName) === entraMail) mail = true;
      else for (const email of user.emails) if (key(email) === entraMail) mail = true;
    }
    const mine = key(user.employeeNumber);
    const theirs = key(target.employeeId);
    const employeeId = mine !== null && mine === theirs;
    const employeeIdContradicts = mine !== null && theirs !== null && mine !== theirs;
    const words = AGREEMENT_WORDS[(upn ? 1 : 0) | (mail ? 2 : 0) | (employeeId ? 4 : 0)] as string;
    return { agrees: upn || mail || employeeId, words, employeeIdContradicts };
  }

  protected otherObjectEvidence(user: LocalUser, target: EntraUser, agreement: UserAgreement): string | null {
    const evidence: string[] = [];
    if (agreement.employeeIdContradicts) evidence.push(`its employeeId '${target.employeeId}' differs from this record's employeeNumber '${user.employeeNumber}'`);
    const userName = key(user.userName);
    if (userName !== null) {
      const other = firstOther(this.byUpn.get(userName), target);
      if (other !== undefined) evidence.push(`another Entra user, '${other.userPrincipalName}', has this userName as UPN`);
    }
    const employeeNumber = key(user.employeeNumber);
    if (employeeNumber !== null) {
      const other = firstOther(this.byEmployeeId.get(employeeNumber), target);
      if (other !== undefined) evidence.push(`another Entra user, '${other.userPrincipalName}', has employeeId '${user.employeeNumber}'`);
    }
    // An address of this record that is another Entra user's mail (the record of someone whose
    // login predates provisioning, say): nothing on `target` agreed, so that other user is who it is.
    if (evidence.length === 0) {
      for (const address of userName === null ? user.emails : [user.userName, ...user.emails]) {
        const other = firstOther(this.byMail.get(key(address) ?? ''), target);
        if (other !== undefined) {
          evidence.push(`another Entra user, '${other.userPrincipalName}', has this record's address '${address.trim()}' as mail`);
          break;
        }
      }
    }
    const upn = key(target.userPrincipalName);
    // The local-name index is built only when nothing cheaper has spoken.
    if (upn !== null && evidence.length === 0) {
      const owner = this.localUsersByName().get(upn);
      if (owner !== undefined && owner !== user) evidence.push(`another local user, '${owner.userName}' (${owner.id}), has its UPN as userName`);
    }
    return evidence.length === 0 ? null : evidence.join('; ');
  }

  protected gatherCandidates(list: CandidateList<EntraUser>, user: LocalUser, oldExternalId: string | null): void {
    const userName = key(user.userName);
    if (userName !== null) {
      list.addAll(this.byUpn.get(userName), 'userPrincipalName', 'UPN equals userName');
      list.addAll(this.byMail.get(userName), 'mail', 'mail equals userName');
      const part = localPart(userName);
      // byNick also holds users whose UPN before @ equals their alias; byUpnLocal the others.
      // An equal UPN implies an equal local part: not worth saying twice.
      const upnLocal = (target: EntraUser) => {
        const upn = key(target.userPrincipalName);
        if (upn !== null && upn !== userName && localPart(upn) === part) list.add(target, 'upnLocalPart', 'UPN before @ equals userName before @');
      };
      forEachIn(this.byNick.get(part), (target) => {
        list.add(target, 'mailNickname', 'alias equals userName before @');
        upnLocal(target);
      });
      forEachIn(this.byUpnLocal.get(part), upnLocal);
    }
    const employeeNumber = key(user.employeeNumber);
    if (employeeNumber !== null) list.addAll(this.byEmployeeId.get(employeeNumber), 'employeeId', `employeeId equals employeeNumber '${user.employeeNumber?.trim()}'`);
    for (const email of user.emails) {
      const mail = key(email);
      if (mail !== null && mail !== userName) list.addAll(this.byMail.get(mail), 'mail', `mail equals email '${email.trim()}'`);
    }
    if (oldExternalId !== null) {
      list.addAll(this.byUpn.get(oldExternalId), 'userPrincipalName', 'UPN equals the current externalId');
      list.addAll(this.byMail.get(oldExternalId), 'mail', 'mail equals the current externalId');
      list.addAll(this.byNick.get(oldExternalId), 'mailNickname', 'alias equals the current externalId, where Entra\'s default mapping puts it');
    }
    if (employeeNumber !== null) {
      list.each((target) => {
        const theirs = key(target.employeeId);
        if (theirs !== null && theirs !== employeeNumber) list.cap(target, `its employeeId '${target.employeeId}' differs from employeeNumber '${user.employeeNumber}'`);
      });
    }
  }

  protected attributeDrift(user: LocalUser, target: EntraUser, drift: Drift[] | null): Drift[] | null {
    let out = drift;
    if (key(user.userName) !== key(target.userPrincipalName)) {
      (out ??= []).push({ attribute: 'userName', local: user.userName, entra: target.userPrincipalName, note: 'userName differs from the UPN (UPN renamed in Entra?)' });
    }
    if (target.displayName !== null && (user.displayName ?? '').trim() !== target.displayName.trim()) {
      (out ??= []).push({ attribute: 'displayName', local: user.displayName, entra: target.displayName, note: 'displayName differs' });
    }
    const primary = user.emails[0] ?? null;
    if (target.mail !== null && key(primary) !== key(target.mail)) {
      (out ??= []).push({ attribute: 'mail', local: primary, entra: target.mail, note: primary === null ? 'no local email; Entra has a mail' : 'primary email differs from Entra mail' });
    }
    if (user.active !== null && target.accountEnabled !== null && user.active !== target.accountEnabled) {
      (out ??= []).push({
        attribute: 'active',
        local: user.active,
        entra: target.accountEnabled,
        note: target.accountEnabled ? 'disabled locally, enabled in Entra' : 'active locally, disabled in Entra',
      });
    }
    const mine = key(user.employeeNumber);
    const theirs = key(target.employeeId);
    if (mine !== null && theirs !== null && mine !== theirs) {
      (out ??= []).push({ attribute: 'employeeId', local: user.employeeNumber, entra: target.employeeId, note: 'employeeNumber differs from Entra employeeId' });
    }
    return out;
  }

  protected localSummary(user: LocalUser): LocalSummary {
    return {
      userName: user.userName,
      displayName: user.displayName,
      mail: user.emails[0] ?? null,
      active: user.active,
      employeeNumber: user.employeeNumber,
      externalId: user.externalId,
    };
  }

  protected entraSummary(target: EntraUser): EntraSummary {
    return {
      objectId: target.objectId,
      userPrincipalName: target.userPrincipalName,
      displayName: target.displayName,
      mail: target.mail,
      mailNickname: target.mailNickname,
      accountEnabled: target.accountEnabled,
      employeeId: target.employeeId,
      inScope: inSet(this.scope, target.objectId.toLowerCase()),
    };
  }

  private localUsersByName(): Map<string, LocalUser> {
    if (this.localByUserName === null) {
      const map = new Map<string, LocalUser>();
      for (const user of this.local) {
        const name = key(user.userName);
        if (name !== null && !map.has(name)) map.set(name, user);
      }
      this.localByUserName = map;
    }
    return this.localByUserName;
  }
}
