/** Types for ensure-shell.mjs (plain JavaScript so npm start and packaging run it without tsx). */

/** The two files the desktop app runs, relative to the repository root. */
export declare const SHELL_OUTPUTS: ReadonlyArray<string>;

/** `first` when a build is missing, `changed` when a source is newer than the oldest output, null when current. */
export declare function shellBuildNeed(root: string): 'first' | 'changed' | null;

/** Builds main.js and preload.cjs under `outDir` (dist/main by default); resolves to null, or the build's error. */
export declare function buildShell(root: string, outDir?: string): Promise<string | null>;

/** Builds the shell when it needs it; resolves to whether a current build is there. Never throws. */
export declare function ensureShell(root: string): Promise<boolean>;

/** The newest modification time under the given files and folders. */
export declare function newest(paths: ReadonlyArray<string>): number;
