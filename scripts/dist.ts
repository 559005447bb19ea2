#!/usr/bin/env node
// `npm run dist [-- <electron-builder flags>]`: the Windows installer and portable build of the
// desktop app (README: "Windows installer"), in out/:
//   out/ScimDesk-Setup-<version>.exe      per-user NSIS installer (/allusers for Program Files)
//   out/ScimDesk-<version>-portable.exe   runs without installing
//   out/win-unpacked/                     the app as installed
// Steps: the packaging check; the admin UI and the Electron shell built; electron-builder, which
// rebuilds better-sqlite3 for Electron's ABI inside node_modules and packs; then Node's build of
// better-sqlite3 put back (so `npm test` keeps running under Node) and both builds' ABIs verified.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPackaging, loadPackaging } from './packaging/check-packaging';
import { electronAbi, nativeModuleAbi } from './packaging/native-abi';

const root = fileURLToPath(new URL('..', import.meta.url));
const builderArgs = process.argv.slice(2);

function fail(message: string): never {
  console.error(`npm run dist: ${message}`);
  process.exit(1);
}

function run(command: string, args: readonly string[], options: SpawnSyncOptions = {}): void {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) fail(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

/** `npm run <script>` through the npm that runs this script (npm.cmd needs a shell on Windows otherwise). */
function npmRun(script: string): void {
  const npm = process.env['npm_execpath'];
  if (npm) run(process.execPath, [npm, 'run', script]);
  else run('npm', ['run', script], { shell: process.platform === 'win32' });
}

if (process.platform !== 'win32' || process.arch !== 'x64') {
  fail(
    `the Windows build runs on Windows x64 only (this is ${process.platform}-${process.arch}): npm installs the Windows binaries of the ` +
      'native modules (the keyring, ngrok) only there, and better-sqlite3 is rebuilt for Electron there. ' +
      'The packaging check runs anywhere: npm test -- test/unit/scripts/packaging',
  );
}

const packaging = loadPackaging(root);
const problems = checkPackaging(packaging);
if (problems.length > 0) fail(`the packaging check failed:\n  - ${problems.join('\n  - ')}`);

// A release always builds the admin UI and the Electron shell (main process and preload) afresh.
npmRun('build:renderer');
const shellBuild = ['build:shell', 'build:main'].find((script) => packaging.packageJson.scripts?.[script]);
if (shellBuild) npmRun(shellBuild);
const main = packaging.packageJson.main ?? 'index.js';
if (!existsSync(join(root, main))) fail(`the Electron shell is not built: package.json's main (${main}) does not exist`);

const electronVersion = packaging.config.electronVersion!;
const wantedAbi = electronAbi(electronVersion);
const nodeModule = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
// @electron/rebuild records what it built in .forge-meta and skips a module whose record matches:
// with Node's build put back, the record must go too, or the next build would pack Node's build.
const forgeMeta = join(dirname(nodeModule), '.forge-meta');
const savedModule = readFileSync(nodeModule);
const savedMeta = existsSync(forgeMeta) ? readFileSync(forgeMeta) : undefined;
const nodeAbi = nativeModuleAbi(savedModule);
if (nodeAbi.kind !== 'abi' || nodeAbi.abi !== Number(process.versions.modules)) {
  fail(`node_modules' better-sqlite3 is not built for this Node (ABI ${process.versions.modules}): run \`npm rebuild better-sqlite3\` first`);
}

const builderCli = join(dirname(createRequire(import.meta.url).resolve('electron-builder/package.json')), 'cli.js');
console.log(`npm run dist: electron-builder ${electronVersion} (Electron ABI ${wantedAbi}) for Windows x64…`);
try {
  run(process.execPath, [builderCli, '--win', '--x64', '--publish', 'never', ...builderArgs]);
} finally {
  writeFileSync(nodeModule, savedModule);
  if (savedMeta) writeFileSync(forgeMeta, savedMeta);
  else rmSync(forgeMeta, { force: true });
  console.log(`npm run dist: node_modules' better-sqlite3 is Node's build again (ABI ${process.versions.modules}).`);
}

const outDir = join(root, packaging.config.directories?.output ?? 'dist');
const packedModule = join(outDir, 'win-unpacked', 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
if (!existsSync(packedModule)) fail(`better-sqlite3's native module is not where the app loads it from: ${packedModule}`);
const packedAbi = nativeModuleAbi(readFileSync(packedModule));
if (packedAbi.kind !== 'abi' || packedAbi.abi !== wantedAbi) {
  fail(`the packed better-sqlite3 is built for ABI ${packedAbi.kind === 'abi' ? packedAbi.abi : packedAbi.kind}, not Electron ${electronVersion}'s ${wantedAbi}: the app would not start`);
}
console.log(`npm run dist: the packed better-sqlite3 is built for Electron ${electronVersion} (ABI ${wantedAbi}).`);
for (const name of readdirSync(outDir).filter((file) => file.endsWith('.exe'))) {
  console.log(`  ${join(outDir, name)}  ${(statSync(join(outDir, name)).size / 1024 / 1024).toFixed(1)} MB`);
}
