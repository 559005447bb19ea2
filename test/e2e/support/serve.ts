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
}

/** Starts `npm run serve`'s command on a scratch data folder and reads the lines it prints (SIGKILLed if the test run dies). */
export function startServe(dataDir: string): Promise<Serve> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SCIMDESK_')));
  const child = spawn(process.execPath, [...cliCommand('cli'), 'serve', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--admin-port', '0'], {
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
    const timer = setTimeout(() => reject(new Error(`serve printed no "Press Ctrl+C" line within 30 s:\n${text}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${text}`)));
    child.stdout.on('data', () => {
      if (!text.includes('Press Ctrl+C')) return;
      clearTimeout(timer);
      const endpoint = /^SCIM endpoint: (\S+)/m.exec(text)?.[1];
      const loginUrl = /^Admin UI: (\S+)/m.exec(text)?.[1];
      const token = /^Secret token \(shown once\): (\S+)/m.exec(text)?.[1];
      if (endpoint && loginUrl) resolve({ child, endpoint, loginUrl, token });
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
