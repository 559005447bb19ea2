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
