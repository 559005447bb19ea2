import { createHash } from 'node:crypto';
import type { DeleteRetention, StoredResource } from './directory';
import { applyPatch } from './patch/apply-patch';
import { normalizePatchRequest } from './patch/normalize-patch';
import type { PatchResult } from './patch/patch-operation';
import { canonicalizeResource } from './resource/canonicalize';
import type { ResourceDoc } from './resource/resource-doc';
import type { ResourceKind } from './schema/attribute-def';
import type { ResourceSchema } from './schema/resource-schema';

/**
 * A deprovisioning request as the breaker weighs it: a user's deactivation (`active` true → false, Entra's
 * soft delete, by PATCH or PUT) or a DELETE of a user or group, with the record as it is when Entra sent it.
 */
export interface DeprovisionAttempt {
  readonly resourceType: ResourceKind;
  readonly resourceId: string;
  readonly action: 'deactivate' | 'delete';
  readonly method: 'PATCH' | 'PUT' | 'DELETE';
  /** The body as Entra sent it (undefined for DELETE). */
  readonly body: unknown;
  readonly ifMatch: ReadonlyArray<number> | null;
  readonly current: StoredResource;
  /** What it would do, as the sync log writes normalised PATCH operations. */
  readonly changes: ReadonlyArray<{ readonly op: string; readonly path?: string; readonly value?: unknown }>;
}

/** The breaker's answer: let the write through, or hold it (nothing written; the detail goes back to Entra). */
export type DeprovisionVerdict =
  | { readonly held: false }
  | { readonly held: true; readonly detail: string; readonly retryAfterSeconds: number; readonly note: string };

/**
 * What the protocol asks before a deprovisioning write (the admin layer's breaker answers). Declared here so
 * the SCIM service stays free of settings and storage: it only knows that a deactivation or delete may be held.
 */
export interface DeprovisionGate {
  admit(attempt: DeprovisionAttempt, now: Date): Promise<DeprovisionVerdict>;
}

/** A user's deactivation: `active` false where it was not (true or absent before). */
export function deactivates(before: ResourceDoc, after: ResourceDoc): boolean {
  return after['active'] === false && before['active'] !== false;
}

/** Whether a PATCH, as the sync log describes it, may touch `active` (so it is worth weighing at all). */
export function mayTouchActive(changes: ReadonlyArray<{ readonly op?: string; readonly path?: string; readonly value?: unknown }>): boolean {
  return changes.some((change) =>
    change.path === undefined
      ? typeof change.value === 'object' && change.value !== null && Object.keys(change.value).some((key) => key.toLowerCase() === 'active')
      : change.path.toLowerCase() === 'active',
  );
}

/** Tells Entra's retry of a held request (the same method and body) from a different request. */
export function requestFingerprint(method: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
}

/** The write an approval makes for a held operation, or why it is skipped. */
export type HeldWrite =
  | { readonly type: 'patch'; readonly apply: (doc: ResourceDoc) => PatchResult }
  | { readonly type: 'replace'; readonly input: { readonly doc: ResourceDoc } }
  | { readonly type: 'delete'; readonly retention: DeleteRetention }
  | { readonly type: 'skip'; readonly reason: string };

/**
 * Plans an approved held operation against the record as it is now, through the same steps a request takes
 * (Entra's PATCH dialects normalised, the RFC engine, the admin's attribute rules):
 * - the record is gone: skipped (nothing left to deprovision);
 * - it changed since Entra sent the operation (another version: Entra re-activated or updated it, or an
 *   admin edited it): skipped, because Entra has sent something newer and re-sends the deprovisioning if it
 *   still stands (it retries what failed); never overwrite a newer state with an older request;
 * - otherwise the request is applied exactly, expecting that version.
 * A request that no longer passes (a rule changed) throws its ScimError: the caller stops the whole approval.
 */
export function planHeldWrite(
  held: { readonly method: 'PATCH' | 'PUT' | 'DELETE'; readonly body: unknown; readonly baseVersion: number },
  current: StoredResource | undefined,
  schema: ResourceSchema,
  checkDoc: (doc: ResourceDoc) => void,
  retention: DeleteRetention,
): HeldWrite {
  if (!current) return { type: 'skip', reason: 'the record no longer exists' };
  if (current.version !== held.baseVersion) {
    return { type: 'skip', reason: `the record changed after Entra sent this (version ${held.baseVersion}, now ${current.version}); Entra re-sends it if it still applies` };
  }
  if (held.method === 'DELETE') return { type: 'delete', retention };
  if (held.method === 'PUT') {
    const input = canonicalizeResource(held.body, schema);
    checkDoc(input.doc);
    return { type: 'replace', input: { doc: input.doc } };
  }
  const normalized = normalizePatchRequest(held.body, schema);
  return {
    type: 'patch',
    apply: (doc) => {
      const result = applyPatch(doc, normalized.operations, schema);
      if (result.changed) checkDoc(result.doc);
      return result;
    },
  };
}
