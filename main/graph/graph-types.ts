/**
 * Microsoft Graph wire types: what the v1.0 endpoints ScimDesk calls really
 * return, reduced to the properties it selects or reads. They stay in
 * main/graph; the rest of the app sees the reconcile snapshot types and the
 * small typed shapes graph-service.ts maps these to.
 */

/** A page of a Graph collection (`@odata.nextLink` until the last page). */
export interface GraphCollection<T> {
  readonly '@odata.context'?: string;
  readonly '@odata.count'?: number;
  readonly '@odata.nextLink'?: string;
  readonly value: ReadonlyArray<T>;
}

/** Graph's error body: `{ error: { code, message, innerError } }`. */
export interface GraphErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly innerError?: {
      readonly date?: string;
      readonly 'request-id'?: string;
      readonly 'client-request-id'?: string;
    };
  };
}

/** GET /users with `$select=id,userPrincipalName,mail,mailNickname,displayName,accountEnabled,employeeId`. */
export interface GraphUser {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly mail?: string | null;
  readonly mailNickname?: string | null;
  readonly displayName?: string | null;
  readonly accountEnabled?: boolean | null;
  readonly employeeId?: string | null;
}

/** GET /groups with `$select=id,displayName,mailNickname,mail`. */
export interface GraphGroup {
  readonly id: string;
  readonly displayName: string | null;
  readonly mailNickname?: string | null;
  readonly mail?: string | null;
  readonly securityEnabled?: boolean;
  readonly mailEnabled?: boolean;
}

/** A directory object from `members` or `transitiveMembers`: typed by `@odata.type`. */
export interface GraphDirectoryObject {
  readonly '@odata.type': string;
  readonly id: string;
  readonly displayName?: string | null;
}

/** GET /servicePrincipals (the enterprise application). */
export interface GraphServicePrincipal {
  readonly id: string;
  readonly appId: string;
  readonly displayName: string | null;
  readonly servicePrincipalType?: string;
  readonly appOwnerOrganizationId?: string | null;
  readonly tags?: ReadonlyArray<string>;
}

/** GET /servicePrincipals/{id}/appRoleAssignedTo: who is assigned to the application. */
export interface GraphAppRoleAssignment {
  readonly id: string;
  readonly appRoleId: string;
  readonly createdDateTime?: string;
  readonly principalDisplayName?: string | null;
  readonly principalId: string;
  /** `User`, `Group` or `ServicePrincipal`. */
  readonly principalType: string;
  readonly resourceDisplayName?: string | null;
  readonly resourceId: string;
}

/** synchronizationJob.status.code */
export type GraphSynchronizationStatusCode = 'NotConfigured' | 'NotRun' | 'Active' | 'Paused' | 'Quarantine';

/** GET /servicePrincipals/{id}/synchronization/jobs */
export interface GraphSynchronizationJob {
  readonly id: string;
  readonly templateId: string;
  readonly schedule?: {
    readonly expiration?: string | null;
    readonly interval?: string;
    readonly state?: 'Active' | 'Disabled' | 'Paused';
  };
  readonly status?: {
    readonly code?: GraphSynchronizationStatusCode;
    readonly countSuccessiveCompleteFailures?: number;
    readonly escrowsPruned?: boolean;
    readonly lastExecution?: GraphSynchronizationTaskExecution | null;
    readonly lastSuccessfulExecution?: GraphSynchronizationTaskExecution | null;
    readonly lastSuccessfulExecutionWithExports?: GraphSynchronizationTaskExecution | null;
    readonly quarantine?: {
      readonly currentBegan?: string;
      readonly nextAttempt?: string;
      readonly reason?: string;
      readonly seriesBegan?: string;
      readonly seriesCount?: number;
      readonly error?: { readonly code?: string; readonly message?: string; readonly tenantActionable?: boolean } | null;
    } | null;
    readonly steadyStateFirstAchievedTime?: string;
    readonly steadyStateLastAchievedTime?: string;
    readonly troubleshootingUrl?: string | null;
  };
}

export interface GraphSynchronizationTaskExecution {
  readonly activityIdentifier?: string | null;
  readonly countEntitled?: number;
  readonly countExported?: number;
  readonly countImported?: number;
  readonly state?: 'Succeeded' | 'Failed' | 'EntryLevelErrors' | string;
  readonly timeBegan?: string;
  readonly timeEnded?: string;
  readonly error?: { readonly code?: string; readonly message?: string } | null;
}

/** GET …/jobs/{jobId}/schema, only what on-demand provisioning needs. */
export interface GraphSynchronizationSchema {
  readonly synchronizationRules: ReadonlyArray<{
    readonly id: string;
    readonly name?: string;
    readonly sourceDirectoryName?: string;
    readonly targetDirectoryName?: string;
    readonly editable?: boolean;
  }>;
}

/** POST …/jobs/{jobId}/restart body. */
export interface GraphSynchronizationJobRestartCriteria {
  readonly criteria: { readonly resetScope: string };
}

/** POST …/jobs/{jobId}/provisionOnDemand body (synchronizationJobApplicationParameters). */
export interface GraphProvisionOnDemandBody {
  readonly parameters: ReadonlyArray<{
    readonly ruleId: string;
    readonly subjects: ReadonlyArray<{ readonly objectId: string; readonly objectTypeName: 'User' | 'Group' }>;
  }>;
}

/**
 * provisionOnDemand's answer: a stringKeyStringValuePair whose `value` is a JSON
 * string (an array of results, or one) with provisioning steps and a status.
 */
export interface GraphStringKeyStringValuePair {
  readonly key: string;
  readonly value: string;
}

/** PUT /servicePrincipals/{id}/synchronization/secrets body. */
export interface GraphSynchronizationSecretsBody {
  readonly value: ReadonlyArray<{ readonly key: string; readonly value: string }>;
}

/** GET /auditLogs/provisioning: one provisioningObjectSummary. */
export interface GraphProvisioningObjectSummary {
  readonly id: string;
  readonly activityDateTime: string;
  readonly changeId?: string | null;
  readonly cycleId?: string | null;
  readonly jobId?: string | null;
  readonly durationInMilliseconds?: number | null;
  /** `create`, `update`, `delete`, `disable`, `stagedDelete`, `other`. */
  readonly provisioningAction?: string | null;
  readonly provisioningStatusInfo?: {
    /** `success`, `warning`, `failure`, `skipped`. */
    readonly status?: string | null;
    readonly errorInformation?: {
      readonly errorCode?: string | null;
      readonly errorCategory?: string | null;
      readonly reason?: string | null;
      readonly additionalDetails?: string | null;
      readonly recommendedAction?: string | null;
    } | null;
  } | null;
  readonly servicePrincipal?: { readonly id?: string | null; readonly displayName?: string | null } | null;
  readonly sourceIdentity?: GraphProvisionedIdentity | null;
  readonly targetIdentity?: GraphProvisionedIdentity | null;
  readonly sourceSystem?: { readonly id?: string | null; readonly displayName?: string | null } | null;
  readonly targetSystem?: { readonly id?: string | null; readonly displayName?: string | null } | null;
  readonly provisioningSteps?: ReadonlyArray<{
    readonly name?: string | null;
    readonly provisioningStepType?: string | null;
    readonly status?: string | null;
    readonly description?: string | null;
  }>;
  readonly modifiedProperties?: ReadonlyArray<{
    readonly displayName?: string | null;
    readonly oldValue?: string | null;
    readonly newValue?: string | null;
  }>;
}

export interface GraphProvisionedIdentity {
  readonly id?: string | null;
  readonly displayName?: string | null;
  readonly identityType?: string | null;
  readonly details?: unknown;
}
