/**
 * Entra provisioning-log error codes (provisioningErrorInfo.errorCode and the
 * skip reasons), explained for a ScimDesk admin: what Entra means, and what to
 * do about it in ScimDesk or in Entra. Drawn from Microsoft's error-code table
 * ("How to analyze the Microsoft Entra provisioning logs"), the codes Entra's
 * SCIM client reports for a target's HTTP answers, and the codes on-demand
 * provisioning shows.
 */

export interface EntraErrorExplanation {
  readonly code: string;
  /** What happened, in plain words. */
  readonly meaning: string;
  /** What to do, in ScimDesk terms. */
  readonly fix: string;
  /** Whether Entra retries on its own (usually in the next ~40-minute cycle). */
  readonly retriedByEntra: boolean;
}

type Entry = Omit<EntraErrorExplanation, 'code'>;

const TABLE: Readonly<Record<string, Entry>> = {
  SystemForCrossDomainIdentityManagementBadRequest: {
    meaning: 'ScimDesk answered 400 Bad Request: it refused what Entra sent (an invalid value, a missing required attribute, or a filter or PATCH it could not apply).',
    fix: "Open ScimDesk's sync log for this user at the time of the failure: the error detail says which attribute or operation was refused. Fix the attribute mapping in Entra (Provisioning → Mappings) or the value on the Entra user, then provision on demand to retry.",
    retriedByEntra: true,
  },
  SystemForCrossDomainIdentityManagementUnauthorized: {
    meaning: "ScimDesk answered 401 Unauthorized: the Secret Token saved in the enterprise application is not ScimDesk's current bearer token (regenerated, expired or mistyped).",
    fix: "In ScimDesk, generate a new token (or use Rotate token, which pushes it into Entra for you), paste it as Secret Token in the enterprise application's Provisioning → Admin credentials, Test Connection, Save. Persistent 401s put the application in quarantine.",
    retriedByEntra: true,
  },
  SystemForCrossDomainIdentityManagementServiceIncompatible: {
    meaning: "Entra could not parse ScimDesk's answer (it expected a SCIM response of a different shape).",
    fix: "Check ScimDesk's sync log for that request's status and body; if ScimDesk answered normally, report it with the change ID: it is a ScimDesk compatibility bug. Also check that the Tenant URL points at ScimDesk's /scim/v2 endpoint and not at another service (a proxy or tunnel error page also causes this).",
    retriedByEntra: true,
  },
  SystemForCrossDomainIdentityManagementMultipleEntriesInResponse: {
    meaning: 'A lookup by a matching attribute (e.g. userName eq "…" or externalId eq "…") returned more than one record, but Entra expects at most one.',
    fix: 'Run Compare: it lists duplicates that claim the same userName or externalId. Merge or delete the extra local record, then retry.',
    retriedByEntra: true,
  },
  SystemForCrossDomainIdentityManagementCredentialValidationFailure: {
    meaning: 'Entra could not validate the Tenant URL and Secret Token (Test Connection failed).',
    fix: "Check that the Tenant URL is reachable from the internet (tunnel running, self-test passes) and that the Secret Token is ScimDesk's current token.",
    retriedByEntra: false,
  },
  DuplicateTargetEntries: {
    meaning: 'More than one ScimDesk record matches this Entra user on the matching attribute, so Entra cannot tell which one is theirs.',
    fix: 'Run Compare: the duplicates category shows the records claiming the same person. Link the right one (externalId := objectId) and unlink or delete the others, then provision on demand.',
    retriedByEntra: true,
  },
  DuplicateSourceEntries: {
    meaning: 'More than one Entra user has the same value of the matching attribute.',
    fix: 'Make the matching attribute unique in Entra (e.g. two users with one mail), or match on objectId → externalId, which is always unique.',
    retriedByEntra: true,
  },
  NotEffectivelyEntitled: {
    meaning: 'The user is not in the provisioning scope: not assigned to the enterprise application (directly or through a group), the assignment is not effective, or the account is disabled.',
    fix: 'Assign the user (or a group the user is a direct member of) to the enterprise application in Entra → Users and groups, or change the scope to all users. Compare shows who is in scope.',
    retriedByEntra: false,
  },
  RedundantExport: {
    meaning: 'Nothing to do: the record in ScimDesk already has the values Entra would send, so no request was made.',
    fix: 'Nothing. If you expected a change, check the attribute mapping in Entra and the values on the Entra user.',
    retriedByEntra: false,
  },
  HybridSynchronizationActiveDirectoryInvalidGroupType: {
    meaning: 'The group type cannot be provisioned by this job (a kind of group, such as a distribution or mail-enabled security group, the connector does not support).',
    fix: 'Provision a security group instead (assign a security group to the enterprise application), or leave this group out of scope.',
    retriedByEntra: false,
  },
  EntryConflict: {
    meaning: 'A record with the same unique value (e.g. userName) already exists in ScimDesk but Entra did not match it to this user.',
    fix: 'Run Compare: the existing local record is listed as unlinked with this Entra user as candidate. Link it (externalId := objectId) so Entra takes it over, or change the conflicting value.',
    retriedByEntra: true,
  },
  Conflict: {
    meaning: 'ScimDesk answered 409 Conflict: a record with the same userName (or another unique value) already exists.',
    fix: 'Run Compare and link the existing record to this Entra user (externalId := objectId), or change the conflicting value in Entra.',
    retriedByEntra: true,
  },
  InvalidAnchor: {
    meaning: "The record Entra created or matched earlier no longer exists in ScimDesk (Entra's saved identifier points at nothing).",
    fix: "Restore the record (undo a fix or a deletion), or have Entra forget the saved identifier: restart the provisioning job with the ConnectorDataStore scope (Microsoft advises contacting support first), after running Compare and Fix so matching is right.",
    retriedByEntra: false,
  },
  MandatoryFieldsMissing: {
    meaning: 'A value ScimDesk requires (such as userName) is empty on the Entra user.',
    fix: 'Fill the attribute on the Entra user, or map userName from an attribute that is always set (userPrincipalName).',
    retriedByEntra: false,
  },
  MissingValues: {
    meaning: 'A value ScimDesk requires is empty on the Entra user.',
    fix: 'Fill the attribute on the Entra user or change the mapping so it is never empty.',
    retriedByEntra: false,
  },
  SchemaAttributeNotFound: {
    meaning: 'Entra sent an attribute ScimDesk does not define in /Schemas.',
    fix: "Remove the mapping from Entra's attribute mappings, or add the attribute to a ScimDesk extension schema.",
    retriedByEntra: false,
  },
  SchemaPropertyCanOnlyAcceptValue: {
    meaning: 'A single-valued attribute in ScimDesk received several values from Entra.',
    fix: 'Map a single-valued Entra attribute to it, or remove the mapping.',
    retriedByEntra: false,
  },
  ImportSkipped: {
    meaning: 'Entra skipped the user before scoping because the matching attribute is empty on it.',
    fix: 'Fill the matching attribute on the Entra user (by default userPrincipalName / mailNickname) or match on objectId.',
    retriedByEntra: false,
  },
  EntrySynchronizationSkipped: {
    meaning: 'Entra read the user and did nothing: out of scope, or already up to date in ScimDesk.',
    fix: 'Nothing if intended; otherwise check the assignment (Compare shows the scope).',
    retriedByEntra: false,
  },
  Unauthorized: {
    meaning: 'ScimDesk refused Entra\'s token (401).',
    fix: "Paste ScimDesk's current token as the Secret Token in the enterprise application, or rotate the token from ScimDesk.",
    retriedByEntra: true,
  },
  InsufficientRights: {
    meaning: 'Entra authenticated but ScimDesk refused the operation (403).',
    fix: "Check ScimDesk's sync log for the refused request; the token may be a read-only or revoked one.",
    retriedByEntra: true,
  },
  NotPermitted: {
    meaning: 'ScimDesk refused the operation (403 or 405).',
    fix: "Check ScimDesk's sync log for the refused request.",
    retriedByEntra: true,
  },
  MethodNotAllowed: {
    meaning: 'ScimDesk answered 405 Method Not Allowed: the Tenant URL probably points at the wrong path.',
    fix: "Set the Tenant URL to ScimDesk's SCIM base, ending in /scim/v2.",
    retriedByEntra: true,
  },
  UnprocessableEntity: {
    meaning: 'ScimDesk answered with an unexpected response (422).',
    fix: "Check ScimDesk's sync log for the request and its error detail.",
    retriedByEntra: true,
  },
  NotImplemented: {
    meaning: 'ScimDesk answered 501 Not Implemented for an operation Entra tried.',
    fix: "Check ScimDesk's sync log for which operation; report it if it should be supported.",
    retriedByEntra: true,
  },
  TooManyRequests: {
    meaning: 'ScimDesk (or a proxy in front of it) answered 429 Too Many Requests.',
    fix: 'Nothing: Entra retries. If it persists, check the tunnel or proxy rate limits.',
    retriedByEntra: true,
  },
  InternalServerError: {
    meaning: 'ScimDesk answered 500: an unexpected error.',
    fix: "Entra retries in about 40 minutes. Check ScimDesk's log files for the error and report it.",
    retriedByEntra: true,
  },
  InternalError: {
    meaning: "An internal error in Entra's provisioning service.",
    fix: 'Nothing: Entra retries in about 40 minutes.',
    retriedByEntra: true,
  },
  Timeout: {
    meaning: 'ScimDesk took too long to answer.',
    fix: 'Entra retries in about 40 minutes. Check that the computer was awake and the tunnel up at that time.',
    retriedByEntra: true,
  },
  WebExceptionProtocolError: {
    meaning: 'An HTTP protocol error while connecting to ScimDesk (connection refused, TLS failure, tunnel down).',
    fix: 'Check that ScimDesk was running and reachable through the Tenant URL at that time (run the public self-test).',
    retriedByEntra: true,
  },
  LicenseLimitExceeded: {
    meaning: 'The target refused the user because no license was available.',
    fix: 'Not used by ScimDesk itself; if an upstream system behind ScimDesk enforces licenses, free or buy one.',
    retriedByEntra: false,
  },
  InvalidDomain: {
    meaning: 'A value contains a domain the target does not accept.',
    fix: 'Update the domain on the Entra user, or accept it in ScimDesk.',
    retriedByEntra: false,
  },
};

/** Every code the table explains. */
export const ENTRA_ERROR_CODES: ReadonlyArray<string> = Object.keys(TABLE);

/** The explanation of a provisioning-log error code, or null when unknown (case-insensitive). */
export function explainEntraErrorCode(code: string | null | undefined): EntraErrorExplanation | null {
  if (!code) return null;
  const direct = TABLE[code];
  if (direct) return { code, ...direct };
  const key = ENTRA_ERROR_CODES.find((k) => k.toLowerCase() === code.toLowerCase());
  return key ? { code: key, ...TABLE[key]! } : null;
}
