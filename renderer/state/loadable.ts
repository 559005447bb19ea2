import { toAdminCallError, type AdminCallError } from '../api/client';

/** Data read from the admin API, with where its loading stands. `data` survives a reload or a failed refresh. */
export interface Loadable<T> {
  readonly status: 'idle' | 'loading' | 'ready' | 'error';
  readonly data: T | null;
  readonly error: AdminCallError | null;
}

export const idle = <T>(): Loadable<T> => ({ status: 'idle', data: null, error: null });
export const loading = <T>(previous: Loadable<T>): Loadable<T> => ({ status: 'loading', data: previous.data, error: null });
export const ready = <T>(data: T): Loadable<T> => ({ status: 'ready', data, error: null });
export const failed = <T>(previous: Loadable<T>, error: unknown): Loadable<T> => ({
  status: 'error',
  data: previous.data,
  error: toAdminCallError(error),
});

/**
 * Hands out request numbers so that only the newest answer of a kind lands in
 * the store (a slow search must not overwrite the one typed after it).
 */
export function createLatest(): { next(): number; isLatest(ticket: number): boolean } {
  let last = 0;
  return {
    next: () => ++last,
    isLatest: (ticket) => ticket === last,
  };
}
