import { userInfo } from 'node:os';

/**
 * The OS account this process runs as: what an auditor can trace a change to. The admin UI's login
 * link is printed to whoever started the service, and the CLI runs as whoever typed it.
 */
export function osAccount(): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    // Some service accounts have no passwd entry: the environment still names them.
    name = process.env['USER'] ?? process.env['USERNAME'];
  }
  return name || 'unknown';
}

/** The audit trail's "who" for changes made in the admin UI of the service this process runs. */
export function adminUiActor(): string {
  return `admin-ui:${osAccount()}`;
}

/** The audit trail's "who" for changes made with the command line. */
export function cliActor(): string {
  return `cli:${osAccount()}`;
}
