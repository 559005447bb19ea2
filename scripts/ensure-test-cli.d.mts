/** Types for ensure-test-cli.mjs (plain JavaScript: npm test runs it before any TypeScript). */

export declare const TEST_CLI_ENTRIES: readonly string[];
export declare const TEST_CLI_DIR: string;
export declare function testCliCurrent(root: string): boolean;
export declare function ensureTestCli(root: string): Promise<string | null>;
