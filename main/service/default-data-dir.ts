import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The per-user app data folder, where Electron's `userData` also points:
 * `%APPDATA%\ScimDesk` on Windows, `~/Library/Application Support/ScimDesk`
 * on macOS, `$XDG_CONFIG_HOME/ScimDesk` (default `~/.config/ScimDesk`) on Linux.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'ScimDesk');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'ScimDesk');
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'ScimDesk');
}
