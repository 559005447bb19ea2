import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * `npm start`: the desktop app when Electron and its shell are available,
 * otherwise the headless service, saying why. Electron's binary cannot be
 * downloaded everywhere (it is an optional dependency), and the headless
 * service is the same core the window would run.
 */
function electronBinary(): string | undefined {
  try {
    // The electron package's main export is the path of its binary, when the binary was downloaded.
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const shell = fileURLToPath(new URL('../../dist/main/app/main.js', import.meta.url));
const binary = electronBinary();
const args = process.argv.slice(2);

if (binary && existsSync(shell)) {
  const child = spawn(binary, [shell, ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const why = !binary
    ? 'the Electron binary is not installed here (it is optional; install it where the desktop app is wanted)'
    : 'the desktop shell has not been built yet';
  console.log(`ScimDesk: ${why}.\nStarting the headless service instead (same core, same data folder).\n`);
  process.argv = [process.argv[0]!, process.argv[1]!, 'serve', ...args];
  await import('./cli');
}
