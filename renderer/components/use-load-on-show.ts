import { useEffect } from 'react';

/** Reads what a screen or panel shows when it appears (each loader keeps the last data on screen meanwhile). */
export function useLoadOnShow(...loads: ReadonlyArray<() => Promise<unknown>>): void {
  useEffect(() => {
    for (const load of loads) void load();
    // One loader list per call site; the store's loaders never change.
  }, loads);
}
