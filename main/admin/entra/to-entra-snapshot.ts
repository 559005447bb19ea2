import type { GraphGroup, GraphUser } from '../../graph/graph-types';
import type { EntraGroup, EntraUser } from '../../reconcile/snapshot';

/** Graph wire objects → the reconcile snapshot's types. Empty strings count as absent. */

function text(value: string | null | undefined): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export function toEntraUser(user: GraphUser): EntraUser {
  return {
    objectId: user.id,
    userPrincipalName: user.userPrincipalName,
    mail: text(user.mail),
    mailNickname: text(user.mailNickname),
    displayName: text(user.displayName),
    accountEnabled: typeof user.accountEnabled === 'boolean' ? user.accountEnabled : null,
    employeeId: text(user.employeeId),
  };
}

export function toEntraGroup(group: GraphGroup): EntraGroup {
  return {
    objectId: group.id,
    displayName: group.displayName ?? '',
    mailNickname: text(group.mailNickname),
    mail: text(group.mail),
  };
}

/** What a Graph fetch for Compare keeps of each object. */
export const ENTRA_SNAPSHOT_MAPPERS = { user: toEntraUser, group: toEntraGroup } as const;
