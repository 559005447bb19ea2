import type { SliceCreator } from './slice-creator';

/** The screens of the left navigation, in order; also their URL hash (`#/sync-log`). */
const VIEWS = ['overview', 'directory', 'users', 'groups', 'sync-log', 'mappings', 'compare', 'delivery', 'recovery', 'settings'] as const;
export type ViewName = (typeof VIEWS)[number];

function viewFromHash(hash: string): ViewName {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (VIEWS as ReadonlyArray<string>).includes(name) ? (name as ViewName) : 'overview';
}

export interface NavSlice {
  readonly view: ViewName;
  /** Shows a screen and records it in the URL hash, so Back and a reload return to it. */
  navigate(view: ViewName): void;
  /** The hash changed (Back, a typed URL): show that screen. */
  syncViewFromHash(): void;
}

const currentHash = () => (typeof window !== 'undefined' ? window.location.hash : '');

export const createNavSlice: SliceCreator<NavSlice> = (set) => ({
  view: viewFromHash(currentHash()),
  navigate(view) {
    set({ view });
    if (typeof window !== 'undefined' && viewFromHash(window.location.hash) !== view) window.location.hash = `#/${view}`;
  },
  syncViewFromHash() {
    set({ view: viewFromHash(currentHash()) });
  },
});
