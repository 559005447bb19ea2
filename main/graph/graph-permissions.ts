/**
 * The Microsoft Graph application permissions ScimDesk asks for, what each is
 * for, which higher permissions also cover it, and the exact admin-consent step
 * that grants it.
 */

export type GraphPermissionName =
  | 'User.Read.All'
  | 'Group.Read.All'
  | 'GroupMember.Read.All'
  | 'Application.Read.All'
  | 'Synchronization.ReadWrite.All'
  | 'AuditLog.Read.All';

export interface GraphPermission {
  readonly name: GraphPermissionName;
  /** What ScimDesk does with it, in the admin's words. */
  readonly neededFor: string;
  /** Compare needs the first four; the job and log features need the last two. */
  readonly feature: 'compare' | 'jobs' | 'logs';
  /** Higher-privileged application permissions that include this one. */
  readonly coveredBy: ReadonlyArray<string>;
}

export const GRAPH_PERMISSIONS: ReadonlyArray<GraphPermission> = [
  { name: 'User.Read.All', neededFor: 'read users for Compare', feature: 'compare', coveredBy: ['User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'] },
  { name: 'Group.Read.All', neededFor: 'read groups for Compare', feature: 'compare', coveredBy: ['Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'] },
  {
    name: 'GroupMember.Read.All',
    neededFor: "expand assigned groups' members into the provisioning scope",
    feature: 'compare',
    coveredBy: ['GroupMember.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  },
  {
    name: 'Application.Read.All',
    neededFor: "find the enterprise application and read its user and group assignments (the provisioning scope)",
    feature: 'compare',
    coveredBy: ['Application.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  },
  {
    name: 'Synchronization.ReadWrite.All',
    neededFor: 'restart the provisioning job, provision on demand, and push a new SCIM token into the enterprise application',
    feature: 'jobs',
    coveredBy: [],
  },
  { name: 'AuditLog.Read.All', neededFor: "read Entra's provisioning logs for this application", feature: 'logs', coveredBy: [] },
];

/**
 * The admin-consent step for a missing permission, as the Entra admin center
 * names it: "Entra admin center → App registrations → <app> → API permissions →
 * Add a permission → Microsoft Graph → Application permissions → X → Grant admin
 * consent for <tenant>".
 */
export function consentStep(permission: string, appName: string, tenantName: string): string {
  return `Entra admin center → App registrations → ${appName} → API permissions → Add a permission → Microsoft Graph → Application permissions → ${permission} → Grant admin consent for ${tenantName}`;
}

/** Whether the token's roles grant a permission, directly or through a higher one. */
export function grantingRole(permission: GraphPermission, roles: ReadonlyArray<string>): string | null {
  if (roles.includes(permission.name)) return permission.name;
  return permission.coveredBy.find((role) => roles.includes(role)) ?? null;
}
