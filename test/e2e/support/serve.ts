import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ROOT } from './browser';
import { cliCommand } from '../../support/cli-command';

/** `serve` started as an administrator starts it, on free ports, for a browser test. */
export interface Serve {
  readonly child: ChildProcessWithoutNullStreams;
  readonly endpoint: string;
  readonly loginUrl: string;
  /** The first token `serve` prints on a new data folder; undefined when the folder already had one. */
  readonly token: string | undefined;
  /** The data folder as `serve` names it. */
  readonly dataFolder: string;
  /** Everything it printed so far. */
  output(): string;
}

export interface ServeOptions {
  /** The SCIM port (default: a free one). */
  readonly port?: number;
  /** Its environment (default: this process's); SCIMDESK_ variables are left out either way. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Starts `npm run serve`'s command on a scratch data folder and reads the lines it prints (SIGKILLed if the test run dies). */
export function startServe(dataDir: string, options: ServeOptions = {}): Promise<Serve> {
  const env = Object.fromEntries(Object.entries(options.env ?? process.env).filter(([key]) => !key.startsWith('SCIMDESK_')));
  const child = spawn(process.execPath, [...cliCommand('cli'), 'serve', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', String(options.port ?? 0), '--admin-port', '0'], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  return new Promise<Serve>((resolve, reject) => {
    // Generous: a loaded 2-core machine has taken most of a minute to start it.
    const timer = setTimeout(() => reject(new Error(`serve printed no "Press Ctrl+C" line within 60 s:\n${text}`)), 60_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before it was ready:\n${text}`));
    };
    child.once('exit', onExit);
    child.stdout.on('data', () => {
      if (!text.includes('Press Ctrl+C')) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      const endpoint = /^SCIM endpoint: (\S+)/m.exec(text)?.[1];
      const loginUrl = /^Admin UI: (\S+)/m.exec(text)?.[1];
      const token = /^Secret token \(shown once\): (\S+)/m.exec(text)?.[1];
      const dataFolder = /^Data folder: (.+)$/m.exec(text)?.[1];
      if (endpoint && loginUrl && dataFolder) resolve({ child, endpoint, loginUrl, token, dataFolder, output: () => text });
      else reject(new Error(`serve did not print the expected lines:\n${text}`));
    });
  });
}

/** SIGTERM, as systemd or Ctrl+C would; SIGKILL after 10 s. */
export function stopServe(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
