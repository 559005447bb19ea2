import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdminSession, AdminSessionStore } from '../store/directory-store';

/** How long a printed login link stays usable. */
export const LOGIN_CODE_TTL_MINUTES = 15;
/** How long an admin session lasts from login; a new link starts a new one. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** A session just opened by a login code: the clear id (the cookie) and its CSRF token. */
export interface AdminSessionGrant {
  readonly id: string;
  readonly csrf: string;
  readonly expires: string;
}

/** 256 random bits, base64url: 43 characters. Anything else is not one of ours. */
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

const newSecret = () => randomBytes(32).toString('base64url');

/**
 * Codes and session ids are 256 random bits, so a plain SHA-256 is enough to
 * keep them out of the database in clear (no key needed: nothing to guess).
 */
const sha256 = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();

/**
 * Issues a one-time login code and stores only its hash, so the CLI can mint
 * a link for a service running in another process through the shared
 * database. `ttlMinutes` 0 gives a code that is already expired (tests).
 */
export async function issueLoginCode(store: AdminSessionStore, now: Date, ttlMinutes = LOGIN_CODE_TTL_MINUTES): Promise<string> {
  const code = newSecret();
  await store.addLoginCode(sha256(code), new Date(now.getTime() + ttlMinutes * 60_000));
  return code;
}

/**
 * Trades a login code for a new session, once: a used, expired or unknown
 * code gives undefined. The session id and CSRF token are fresh random values;
 * only the id's hash is stored.
 */
export async function redeemLoginCode(store: AdminSessionStore, code: string, now: Date): Promise<AdminSessionGrant | undefined> {
  if (!SECRET_SHAPE.test(code)) return undefined;
  if (!(await store.consumeLoginCode(sha256(code), now))) return undefined;
  const id = newSecret();
  const csrf = newSecret();
  const expires = new Date(now.getTime() + SESSION_TTL_MS);
  await store.createSession(sha256(id), csrf, expires, now);
  return { id, csrf, expires: expires.toISOString() };
}

/** The session behind a cookie value, if it exists and has not expired. */
export async function verifySession(store: AdminSessionStore, id: string | undefined, now: Date): Promise<AdminSession | undefined> {
  if (id === undefined || !SECRET_SHAPE.test(id)) return undefined;
  return store.getSession(sha256(id), now);
}

/** Ends a session (logout, or a new login replacing it). */
export async function endSession(store: AdminSessionStore, id: string): Promise<void> {
  if (SECRET_SHAPE.test(id)) await store.deleteSession(sha256(id));
}

/** Compares a presented CSRF token with the session's in constant time. */
export function isCsrfTokenValid(session: AdminSession, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const expected = Buffer.from(session.csrf, 'utf8');
  const actual = Buffer.from(presented, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
