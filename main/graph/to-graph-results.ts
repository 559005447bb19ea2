/** Graph wire objects → the plain results of graph-results.ts. */
import { explainEntraErrorCode } from './entra-error-codes';
import type { OnDemandResult, ProvisioningJob, ProvisioningLogEntry, ServicePrincipalSummary } from './graph-results';
import type { GraphProvisioningObjectSummary, GraphServicePrincipal, GraphStringKeyStringValuePair, GraphSynchronizationJob } from './graph-types';

/** The claims of a JWT access token (no signature check: Graph checks it; this only reads roles). */
export function decodeClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export function toServicePrincipalSummary(sp: GraphServicePrincipal): ServicePrincipalSummary {
  return { id: sp.id, appId: sp.appId, displayName: sp.displayName ?? sp.appId, servicePrincipalType: sp.servicePrincipalType ?? null };
}

export function toProvisioningJob(job: GraphSynchronizationJob): ProvisioningJob {
  const last = job.status?.lastExecution ?? null;
  const quarantine = job.status?.quarantine ?? null;
  return {
    id: job.id,
    templateId: job.templateId,
    status: job.status?.code ?? null,
    scheduleState: job.schedule?.state ?? null,
    interval: job.schedule?.interval ?? null,
    lastRun: last ? { state: last.state ?? null, began: last.timeBegan ?? null, ended: last.timeEnded ?? null, error: last.error?.message ?? last.error?.code ?? null } : null,
    quarantine: quarantine
      ? { reason: quarantine.reason ?? null, since: quarantine.seriesBegan ?? quarantine.currentBegan ?? null, nextAttempt: quarantine.nextAttempt ?? null, error: quarantine.error?.message ?? quarantine.error?.code ?? null }
      : null,
  };
}

/** provisionOnDemand's `value` is a JSON string: an array of results (or one), each with steps and a statusInfo. */
export function toOnDemandResult(answer: GraphStringKeyStringValuePair): OnDemandResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.value);
  } catch {
    return { status: 'unknown', errorCode: null, reason: answer.value.slice(0, 500), explanation: null, steps: [], targetId: null };
  }
  const result = (Array.isArray(parsed) ? parsed[0] : parsed) as {
    provisioningSteps?: Array<{ name?: string; status?: string; description?: string }>;
    statusInfo?: { status?: string; errorCode?: string | null; reason?: string | null };
    targetIdentity?: { id?: string | null };
  } | undefined;
  const errorCode = result?.statusInfo?.errorCode ?? null;
  return {
    status: (result?.statusInfo?.status ?? 'unknown').toLowerCase(),
    errorCode,
    reason: result?.statusInfo?.reason ?? null,
    explanation: explainEntraErrorCode(errorCode),
    steps: (result?.provisioningSteps ?? []).map((step) => ({ name: step.name ?? '', status: step.status ?? '', description: step.description ?? '' })),
    targetId: result?.targetIdentity?.id ?? null,
  };
}

export function toProvisioningLogEntry(log: GraphProvisioningObjectSummary): ProvisioningLogEntry {
  const error = log.provisioningStatusInfo?.errorInformation ?? null;
  return {
    id: log.id,
    at: log.activityDateTime,
    action: log.provisioningAction ?? null,
    status: log.provisioningStatusInfo?.status ?? null,
    errorCode: error?.errorCode ?? null,
    reason: error?.reason ?? null,
    recommendedAction: error?.recommendedAction ?? null,
    explanation: explainEntraErrorCode(error?.errorCode),
    sourceId: log.sourceIdentity?.id ?? null,
    sourceName: log.sourceIdentity?.displayName ?? null,
    targetId: log.targetIdentity?.id ?? null,
    targetName: log.targetIdentity?.displayName ?? null,
    jobId: log.jobId ?? null,
    cycleId: log.cycleId ?? null,
    changeId: log.changeId ?? null,
    durationMs: log.durationInMilliseconds ?? null,
  };
}
