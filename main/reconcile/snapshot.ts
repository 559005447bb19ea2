/**
 * The inputs of a comparison: what Entra has (from Microsoft Graph or the
 * admin center's CSV export) and what ScimDesk has, reduced to what matching
 * and drift need. Graph wire types stay in main/graph; it maps them to these.
 */

/** A user as Entra has it. */
export interface EntraUser {
  /** Entra's objectId (Graph `id`): what externalId should hold. */
  readonly objectId: string;
  readonly userPrincipalName: string;
  readonly mail: string | null;
  readonly mailNickname: string | null;
  readonly displayName: string | null;
  readonly accountEnabled: boolean | null;
  readonly employeeId: string | null;
}

/** A group as Entra has it. */
export interface EntraGroup {
  readonly objectId: string;
  readonly displayName: string;
  readonly mailNickname: string | null;
  readonly mail: string | null;
}

/** The enterprise application's provisioning scope, when it is known. */
export interface EntraScope {
  /** Users in scope: assigned directly or as members (transitive) of an assigned group. */
  readonly userIds: ReadonlyArray<string>;
  /** Groups assigned to the application (provisioned as groups). */
  readonly groupIds: ReadonlyArray<string>;
}

export interface EntraSnapshot {
  readonly fetchedAt: string;
  readonly source: 'graph' | 'csv';
  readonly tenantId: string | null;
  readonly users: ReadonlyArray<EntraUser>;
  readonly groups: ReadonlyArray<EntraGroup>;
  /** null when unknown (no enterprise application chosen, or a CSV import): then nothing is "out of scope". */
  readonly scope: EntraScope | null;
}

/** A user as ScimDesk has it. */
export interface LocalUser {
  readonly id: string;
  readonly userName: string;
  readonly externalId: string | null;
  readonly displayName: string | null;
  /** Every email value, primary first. */
  readonly emails: ReadonlyArray<string>;
  readonly active: boolean | null;
  /** Enterprise extension employeeNumber (Entra maps employeeId there). */
  readonly employeeNumber: string | null;
}

/** A group as ScimDesk has it. */
export interface LocalGroup {
  readonly id: string;
  readonly displayName: string;
  readonly externalId: string | null;
}

export interface LocalSnapshot {
  readonly takenAt: string;
  readonly users: ReadonlyArray<LocalUser>;
  readonly groups: ReadonlyArray<LocalGroup>;
}
