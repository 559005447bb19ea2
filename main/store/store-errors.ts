/**
 * A whole operation the store refused because the data changed under it
 * (e.g. a fix planned against a comparison that is no longer true). Nothing
 * of the operation was written; `conflicts` says what, one line per record.
 */
export class StoreConflictError extends Error {
  constructor(
    message: string,
    readonly conflicts: ReadonlyArray<string>,
  ) {
    super(message);
    this.name = 'StoreConflictError';
  }
}

/**
 * A write refused because another record of the same kind already holds a value that must be
 * unique: a userName, a group's displayName, or (when the directory refuses duplicates) an
 * externalId. Nothing was written. The SCIM layer answers it with 409 `uniqueness`.
 */
export class StoreUniquenessError extends StoreConflictError {
  constructor(
    readonly attribute: 'userName' | 'displayName' | 'externalId',
    readonly holderId: string,
    message: string,
  ) {
    super(message, [message]);
    this.name = 'StoreUniquenessError';
  }
}
