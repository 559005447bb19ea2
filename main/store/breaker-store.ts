import type { DeleteRetention, ResourceInput, StoredResource } from '../scim/directory';
import type { PatchResult } from '../scim/patch/patch-operation';
import type { ResourceDoc } from '../scim/resource/resource-doc';
import type { ResourceKind } from '../scim/schema/attribute-def';

/** A deprovisioning operation the breaker holds, as it is kept: the request whole, and what it is about. */
export interface HeldOperationInput {
  readonly resourceType: ResourceKind;
  readonly resourceId: string;
  readonly action: 'deactivate' | 'delete';
  readonly method: 'PATCH' | 'PUT' | 'DELETE';
  /** The body as Entra sent it (null for DELETE): an approval runs it through the same steps as any request. */
  readonly body: unknown;
  /** The versions the request's If-Match accepted; null without If-Match. */
  readonly ifMatch: ReadonlyArray<number> | null;
  /** Tells Entra's retry of this very request (same method and body) from a different one. */
  readonly fingerprint: string;
  /** The record's version when Entra sent it (its latest retry): what an approval expects to find. */
  readonly baseVersion: number;
  readonly userName: string | null;
  readonly displayName: string | null;
  readonly externalId: string | null;
  /** What it would do, for the admin (the normalised PATCH operations, or a line for PUT and DELETE). */
  readonly changes: ReadonlyArray<{ readonly op: string; readonly path?: string; readonly value?: unknown }>;
  /** Why it was held (the count that tripped the breaker). */
  readonly reason: string;
}

export interface HeldOperationRecord extends HeldOperationInput {
  readonly id: number;
  readonly firstReceived: string;
  readonly lastReceived: string;
  /** How many times Entra sent it again after the first. */
  readonly retries: number;
}

/** One write an approval makes, decided by the caller from the held operation and the record as it is now. */
export type HeldStep =
  | { readonly type: 'patch'; readonly apply: (doc: ResourceDoc) => PatchResult }
  | { readonly type: 'replace'; readonly input: ResourceInput }
  | { readonly type: 'delete'; readonly retention: DeleteRetention }
  | { readonly type: 'skip'; readonly reason: string };

/** What an approval did with one held operation. */
export type HeldOutcome = { readonly id: number; readonly applied: true } | { readonly id: number; readonly applied: false; readonly reason: string };

/**
 * The breaker's share of the store: the deprovisioning it let through (its window counts them) and the
 * operations it holds. Approving applies the chosen ones in one transaction: every write, or none.
 */
export interface BreakerStore {
  recordBreakerEvent(time: string, resourceType: ResourceKind, resourceId: string): Promise<void>;
  /** Events at or after `since`; older ones are pruned on the way (nothing reads them). */
  countBreakerEvents(since: string): Promise<number>;
  /** Holds an operation, or counts a retry of the one held for the same record (the newest request stands). */
  holdOperation(input: HeldOperationInput, now: Date): Promise<{ readonly record: HeldOperationRecord; readonly retry: boolean }>;
  listHeldOperations(): Promise<ReadonlyArray<HeldOperationRecord>>;
  countHeldOperations(): Promise<number>;
  /** Forgets the chosen held operations (all when `ids` is null) and returns them. */
  discardHeldOperations(ids: ReadonlyArray<number> | null): Promise<ReadonlyArray<HeldOperationRecord>>;
  /**
   * Applies the chosen held operations (all when `ids` is null) in one transaction: `plan` decides each
   * one's write from the record as it is now (undefined when it is gone); the held rows go with it. A
   * throw from a plan or a write rolls everything back.
   */
  applyHeldOperations(
    ids: ReadonlyArray<number> | null,
    plan: (held: HeldOperationRecord, current: StoredResource | undefined) => HeldStep,
    now: Date,
  ): Promise<ReadonlyArray<HeldOutcome>>;
}
