import { ScimError } from './scim-error';

/** Weak ETag for a resource version (RFC 7644 §3.14): versions change on every write. */
export function toEtag(version: number): string {
  return `W/"${version}"`;
}

const TAG = /^\s*(?:W\/)?"(\d+)"\s*$/;

/**
 * The versions an `If-Match` header accepts: undefined for none or `*`.
 * A tag this server could not have issued can never match, so it fails with
 * 412 rather than being ignored.
 */
export function versionsFromIfMatch(header: string | undefined): number[] | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const versions = header
    .split(',')
    .map((tag) => TAG.exec(tag)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
  if (versions.length === 0) throw new ScimError(412, undefined, `If-Match ${header} does not name a version of this resource`);
  return versions;
}

/** True when an `If-None-Match` header names this version (GET answers 304). */
export function ifNoneMatchHits(header: string | undefined, version: number): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => TAG.exec(tag)?.[1] === String(version));
}
