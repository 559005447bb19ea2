import type { StateCreator } from 'zustand';

/**
 * How each slice file declares itself (zustand's slices pattern): the slice `T`, plus `Uses`, what it
 * reads or calls of other slices. Naming only those (not the whole store) keeps the slice files free
 * of the store and of each other; store.ts checks, where it puts the slices together, that the whole
 * state offers every slice what it uses.
 */
export type SliceCreator<T, Uses = unknown> = StateCreator<T & Uses, [], [], T>;
