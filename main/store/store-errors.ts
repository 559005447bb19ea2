import type { ResourceKind } from '../scim/schema/attribute-def';

/**
 * Every refusal of a DirectoryStore operation. Nothing of a refused operation was written. The
 * wording is built here from what the store found, once for every implementation; callers map the
 * kinds to their own errors (the SCIM transport to RFC 7644 §3.12 errors in main/http, the admin
 * dispatcher to its error codes). Any other error a store throws is a fault, not a refusal.
 */
export abstract class StoreError extends Error {}

/**
 * A whole operation the store refused because the data changed under it
 * (e.g. a fix planned against a comparison that is no longer true). Nothing
 * of the operation was written; `conflicts` says what, one line per record.
 */
export class StoreConflictError extends StoreError {
  constructor(
    message: string,
    readonly conflicts: ReadonlyArray<string>,
  ) {
    super(message);
    this.name = 'StoreConflictError';
  }
}

/** The value a write wanted and the record that already holds it. */
export interface UniquenessClash {
  readonly kind: ResourceKind;
  readonly value: string;
  readonly holderId: string;
  /** The holder's userName or displayName, when the store read it. */
  readonly holderName: string | null;
}

/**
 * A write refused because another record of the same kind already holds a value that must be
 * unique: a userName, a group's displayName, or (when the directory refuses duplicates) an
 * externalId. Nothing was written. The SCIM layer answers it with 409 `uniqueness`.
 */
export class StoreUniquenessError extends StoreConflictError {
  readonly holderId: string;

  constructor(
    readonly attribute: 'userName' | 'displayName' | 'externalId',
    clash: UniquenessClash,
  ) {
    const message = uniquenessMessage(attribute, clash);
    super(message, [message]);
    this.name = 'StoreUniquenessError';
    this.holderId = clash.holderId;
  }
}

function uniquenessMessage(attribute: StoreUniquenessError['attribute'], clash: UniquenessClash): string {
  switch (attribute) {
    case 'userName':
      return `userName "${clash.value}" is already used by user ${clash.holderId || '(another user)'}`;
    case 'displayName':
      return (
        `displayName "${clash.holderName ?? ''}" is already used by group ${clash.holderId}: ` +
        'Entra matches groups by displayName, so a second group with that name would make its next match ambiguous'
      );
    case 'externalId':
      return (
        `externalId "${clash.value}" is already held by ${clash.kind === 'User' ? 'user' : 'group'} ${clash.holderName ?? clash.holderId} (${clash.holderId}): ` +
        'two records with one Entra Object ID make Entra match the wrong one, and this directory refuses duplicates (Authentication)'
      );
  }
}

/** The user or group an operation names does not exist (or no longer does). */
export class StoreNotFoundError extends StoreError {
  constructor(
    readonly kind: ResourceKind,
    readonly id: string,
  ) {
    super(`${kind} ${id} not found`);
    this.name = 'StoreNotFoundError';
  }
}

/** A conditional write (If-Match, RFC 7644 §3.14) whose record is at another version. */
export class StoreVersionError extends StoreError {
  constructor(
    readonly kind: ResourceKind,
    readonly id: string,
    readonly version: number,
    readonly accepted: ReadonlyArray<number>,
  ) {
    super(`${kind} ${id} is at version ${version}; If-Match named ${accepted.join(', ')}`);
    this.name = 'StoreVersionError';
  }
}

/**
 * A query the store cannot run (a filter the resolver should have refused: a value that is no
 * dateTime, null with an ordering operator, a value filter inside a value filter).
 */
export class StoreQueryError extends StoreError {
  constructor(message: string) {
    super(message);
    this.name = 'StoreQueryError';
  }
}

/** What was wrong with a write's input, as the store checks it. */
export type StoreInputProblem = 'nameRequired' | 'selfMembership' | 'notAGroup';

/** A write whose input the store refuses on its own account, whatever the protocol checked before. */
export class StoreInputError extends StoreError {
  private constructor(
    readonly problem: StoreInputProblem,
    message: string,
  ) {
    super(message);
    this.name = 'StoreInputError';
  }

  /** A user without userName, a group without displayName. */
  static nameRequired(attribute: 'userName' | 'displayName'): StoreInputError {
    return new StoreInputError('nameRequired', `${attribute} is required`);
  }

  static selfMembership(groupId: string): StoreInputError {
    return new StoreInputError('selfMembership', `Group ${groupId} cannot be a member of itself`);
  }

  /** Member changes for a user. */
  static notAGroup(): StoreInputError {
    return new StoreInputError('notAGroup', 'Only groups have members');
  }
}

/** Why the store cannot write (or read) right now; each passes without anything of ScimDesk's doing. */
export type StoreUnavailableReason = 'full' | 'readOnly' | 'busy' | 'io';

const UNAVAILABLE_MESSAGE: Readonly<Record<StoreUnavailableReason, string>> = {
  full: 'The disk that holds the ScimDesk database is full: nothing was written. Writes work again as soon as space is freed',
  readOnly: 'The ScimDesk database cannot be written (the file or its folder is read-only): nothing was written',
  busy: 'The ScimDesk database is busy with another program: nothing was written',
  io: 'The disk that holds the ScimDesk database failed a read or write: nothing was written',
};

/** How long a client should wait before trying again: a busy lock clears in moments, a full disk needs a person. */
const RETRY_AFTER_SECONDS: Readonly<Record<StoreUnavailableReason, number>> = { full: 60, readOnly: 60, busy: 5, io: 60 };

/**
 * An operation the store could not run because of the machine, not the request: the disk is full,
 * the database or its folder is read-only, another process holds the lock, the disk failed. Nothing
 * was written; the same request can succeed later unchanged. The SCIM layer answers 503 with
 * Retry-After (Entra retries failed operations in later cycles).
 */
export class StoreUnavailableError extends StoreError {
  readonly retryAfterSeconds: number;

  constructor(
    readonly reason: StoreUnavailableReason,
    cause?: unknown,
  ) {
    super(UNAVAILABLE_MESSAGE[reason], { cause });
    this.name = 'StoreUnavailableError';
    this.retryAfterSeconds = RETRY_AFTER_SECONDS[reason];
  }
}

/** Why a database file cannot be opened as ScimDesk's: `readOnly` is the only one that is not the file's content. */
export type StoreOpenProblem = 'notAFile' | 'empty' | 'notSqlite' | 'corrupt' | 'notScimDesk' | 'readOnly';

/**
 * The database file cannot be used: it is not a valid ScimDesk database (empty, another format,
 * damaged, another program's), or this account may read it but not write it. Nothing was written
 * to it; opening stops here, so a damaged file is never taken for a new installation (a new token,
 * every user gone). The host says what to do with it.
 */
export class StoreOpenError extends StoreError {
  constructor(
    readonly file: string,
    readonly problem: StoreOpenProblem,
    readonly reason: string,
  ) {
    super(problem === 'readOnly' ? `${file} cannot be written: ${reason}` : `${file} is not a valid ScimDesk database: ${reason}`);
    this.name = 'StoreOpenError';
  }

  /** The file's content is the problem (not access to it): setting it aside and starting empty is a way out. */
  get invalid(): boolean {
    return this.problem !== 'readOnly';
  }
}
