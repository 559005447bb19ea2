/**
 * The comparison's look-up helpers: indexes whose values are one item or a few, and
 * the normalised keys (trimmed, lower-cased) that local values and Entra values meet on.
 */

/** A map whose values are one item or, rarely, several (saves an array per key). */
export type Multi<V> = Map<string, V | V[]>;

/** One frozen empty list for every row without candidates or drift. */
export const EMPTY: ReadonlyArray<never> = Object.freeze([]);

export function put<V extends object>(map: Multi<V>, key: string, value: V): void {
  const had = map.get(key);
  if (had === undefined) map.set(key, value);
  else if (Array.isArray(had)) had.push(value);
  else map.set(key, [had, value]);
}

export function forEachIn<V extends object>(found: V | V[] | undefined, visit: (value: V) => void): void {
  if (found === undefined) return;
  if (Array.isArray(found)) for (const value of found) visit(value);
  else visit(found);
}

export function firstOther<V extends object>(found: V | V[] | undefined, self: V): V | undefined {
  if (found === undefined) return undefined;
  if (!Array.isArray(found)) return found === self ? undefined : found;
  for (const value of found) if (value !== self) return value;
  return undefined;
}

/** Lower-cased, trimmed ids: how scope lists are looked up. */
export function lowerSet(ids: ReadonlyArray<string>): Set<string> {
  const set = new Set<string>();
  for (const id of ids) set.add(id.trim().toLowerCase());
  return set;
}

/** Whether a lower-cased id is in the scope; null when the scope is unknown. */
export function inSet(set: Set<string> | null, lowerId: string): boolean | null {
  return set === null ? null : set.has(lowerId);
}

/** Lower-cased, trimmed; null for null or blank. */
export function key(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed.toLowerCase();
}

export function localPart(lowerName: string): string {
  const at = lowerName.indexOf('@');
  return at > 0 ? lowerName.slice(0, at) : lowerName;
}

/** Lower-cased without white space: how a group's displayName becomes a mailNickname. */
export function compact(lowerName: string): string {
  let out = '';
  for (let i = 0; i < lowerName.length; i++) {
    const c = lowerName.charCodeAt(i);
    if (c !== 32 && c !== 9) out += lowerName[i];
  }
  return out;
}

export function plural(n: number): string {
  return n === 1 ? '' : 's';
}
