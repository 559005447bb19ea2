/**
 * A resource's stored document: the one shape that canonicalization writes,
 * the PATCH engine edits and the store persists, so no layer re-spells names.
 *
 * - Canonical attribute names, as spelled in the schema (RFC 7643 §2.1 makes names
 *   case-insensitive; the document keeps one spelling so lookups stay exact).
 * - Core attributes and `externalId` at the top level; extension data under the
 *   extension's URN key (RFC 7643 §3.3), e.g.
 *   `{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "id"}}}`.
 * - Never `id`, `meta` or `schemas` (computed by the service and the store), never
 *   group `members` or user `groups` (membership lives in its own table), never
 *   `password` (writeOnly, RFC 7643 §4.1.1: ScimDesk never stores it).
 * - Absent attributes are missing keys: no `null`, no `[]`, no `{}` (RFC 7643 §2.5).
 */
export type ResourceDoc = Record<string, unknown>;

/**
 * One member of a group (RFC 7643 §4.2 `members`), as the SCIM layer hands it
 * to the store. Members live in their own table, not in the group's document,
 * so adding 50 members to a group of 100,000 touches 50 rows.
 * `$ref` is never carried: it is computed from `value` and `type` on read.
 */
export interface MemberRef {
  value: string;
  type?: 'User' | 'Group';
  display?: string;
  /** The member's userName, when the store lists members for the admin UI. */
  userName?: string;
}
