/** Types for ensure-renderer.mjs (plain JavaScript so npm start runs it before tsx is involved). */

/** `first`: no build yet (a fresh clone); `changed`: a source is newer than the build; null: current. */
export declare function rendererBuildNeed(root: string): 'first' | 'changed' | null;

/** The line printed before a build, saying why it runs. */
export declare function buildNotice(need: 'first' | 'changed'): string;

/** Builds the admin UI under `root` when it needs it; never throws. */
export declare function ensureRenderer(root: string): void;
