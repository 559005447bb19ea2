import { parseArgs } from 'node:util';

/** What the desktop app takes from its command line and environment, with serve mode's names. */
export interface DesktopArgs {
  /** The data folder; the app's userData folder too (Electron's own files beside ScimDesk's). */
  readonly dataDir: string | undefined;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly publicUrl: string | undefined;
  /** Start in the tray without opening the window (how the login item starts it). */
  readonly hidden: boolean;
  /** A better-sqlite3 addon built for Electron's ABI (npm start passes the one it fetched). */
  readonly sqliteBinding: string | undefined;
}

export class DesktopArgsError extends Error {}

/**
 * Reads the app's own flags out of its command line, which Electron and Chromium share: unknown
 * arguments (Chromium switches, the app path in development) are left alone rather than refused.
 */
export function parseDesktopArgs(argv: ReadonlyArray<string>, env: NodeJS.ProcessEnv): DesktopArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: false,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'public-url': { type: 'string' },
      hidden: { type: 'boolean' },
      'sqlite-binding': { type: 'string' },
    },
  });
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const portText = text(values.port) ?? text(env['SCIMDESK_PORT']);
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new DesktopArgsError(`--port must be an integer from 0 to 65535, got "${portText}"`);
  }
  const publicUrl = text(values['public-url']) ?? text(env['SCIMDESK_PUBLIC_URL']);
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/i.test(publicUrl)) throw new DesktopArgsError(`--public-url must be an http(s) URL, got "${publicUrl}"`);
  return {
    dataDir: text(values['data-dir']) ?? text(env['SCIMDESK_DATA_DIR']),
    host: text(values.host) ?? text(env['SCIMDESK_HOST']),
    port,
    publicUrl,
    hidden: values.hidden === true,
    sqliteBinding: text(values['sqlite-binding']),
  };
}
