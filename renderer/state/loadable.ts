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

/**
 * Loads one Loadable: `loading` (the old data stays on screen) while `read` runs, then its data or
 * its error. Given `latest`, only the newest of overlapping loads lands. Resolves to the data, or to
 * undefined when the load failed or a newer one overtook it.
 */
export async function loadInto<T>(
  current: () => Loadable<T>,
  store: (next: Loadable<T>) => void,
  read: () => Promise<T>,
  latest?: ReturnType<typeof createLatest>,
): Promise<T | undefined> {
  const ticket = latest?.next() ?? 0;
  const lands = () => latest === undefined || latest.isLatest(ticket);
  store(loading(current()));
  try {
    const data = await read();
    if (!lands()) return undefined;
    store(ready(data));
    return data;
  } catch (error) {
    if (lands()) store(failed(current(), error));
    return undefined;
  }
}
