import type { FilterNode, PatchPath } from '../filter/filter-ast';
import type { MemberRef, ResourceDoc } from '../resource/resource-doc';
import type { SchemaDef } from '../schema/attribute-def';
import type { ResolvedAttr } from '../schema/resource-schema';

/**
 * The three PATCH operations of RFC 7644 §3.5.2, spelled as the RFC spells them.
 * Entra's `Add`/`Replace`/`Remove` are lower-cased by the normalisation step.
 */
export type PatchOpName = 'add' | 'replace' | 'remove';

/**
 * What one operation acts on: an attribute path (`name.givenName`,
 * `emails[type eq "work"].value`), or a whole extension addressed by its URN
 * (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`).
 */
export type PatchTarget =
  | { readonly kind: 'attribute'; readonly path: PatchPath<ResolvedAttr> }
  | { readonly kind: 'extension'; readonly schema: SchemaDef };

/**
 * One validated operation, ready for the standards engine.
 * `target` undefined means the resource itself (a path-less add/replace whose
 * value is a canonical document fragment); `value` is already canonical
 * (MemberRef[] for group `members`, undefined for remove).
 * `normalizePatchRequest` never emits an undefined target or an add/replace on a
 * whole extension (it splits both per attribute); `applyPatch` accepts them.
 */
export interface PatchOperation {
  readonly op: PatchOpName;
  readonly target: PatchTarget | undefined;
  readonly value: unknown;
}

/**
 * A change to a group's membership. Members live in their own table, so the
 * engine describes what to do to them instead of editing a member list it
 * never loads (adding 50 members to a group of 100,000 touches 50 rows).
 */
export type MemberChange =
  | { readonly kind: 'add'; readonly members: MemberRef[] }
  | { readonly kind: 'remove'; readonly ids: string[] }
  | { readonly kind: 'removeWhere'; readonly filter: FilterNode<ResolvedAttr> }
  | { readonly kind: 'removeAll' };

/**
 * The outcome of applying a PATCH: the new document, the membership changes
 * for the store, and whether anything changed at all (so the store can leave
 * the version and lastModified alone for a no-op).
 */
export interface PatchResult {
  readonly doc: ResourceDoc;
  readonly memberChanges: MemberChange[];
  readonly changed: boolean;
}

/**
 * A PATCH request after the Entra normalisation step: standards-shaped
 * operations plus one human-readable note per quirk that was normalised
 * (shown to administrators in the sync log).
 */
export interface NormalizedPatch {
  readonly operations: PatchOperation[];
  readonly notes: string[];
}
