import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pngSize, readIco } from './ico';
import { electronAbi } from './native-abi';

/**
 * The packaging check: what `npm run dist` relies on, verified on any machine without building
 * or downloading anything. electron-builder's own parts do the judging where they can: its YAML
 * loader reads the configuration, its schema (app-builder-lib/scheme.json) and ajv settings
 * validate it, and its file matcher decides what would be packed and unpacked. `npm run dist`
 * runs it before building; the tests run it on every `npm test`.
 */

/** The parts of electron-builder's configuration this check reads (the schema checks the rest). */
export interface BuilderConfig {
  readonly [key: string]: unknown;
  readonly appId?: string;
  readonly productName?: string;
  readonly electronVersion?: string;
  readonly directories?: { readonly output?: string; readonly buildResources?: string };
  readonly files?: unknown;
  readonly asarUnpack?: unknown;
  readonly npmRebuild?: boolean;
  readonly extraResources?: ReadonlyArray<string | { readonly from?: string; readonly to?: string }>;
  readonly win?: { readonly icon?: string; readonly executableName?: string; readonly target?: ReadonlyArray<string | { readonly target: string; readonly arch?: ReadonlyArray<string> }> };
  readonly nsis?: { readonly oneClick?: boolean; readonly perMachine?: boolean; readonly selectPerMachineByDefault?: boolean; readonly installerIcon?: string };
}

export interface PackageJson {
  readonly main?: string;
  readonly build?: unknown;
  readonly scripts?: Readonly<Record<string, string>>;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

export interface Packaging {
  readonly root: string;
  readonly config: BuilderConfig;
  readonly packageJson: PackageJson;
}

/** The configuration file electron-builder reads from the project folder (package.json has no "build" key). */
export const CONFIG_FILE = 'electron-builder.yml';
/** The sizes Windows picks from for the .exe, shortcuts, the taskbar and Explorer (100–200 % scaling). */
export const WINDOWS_ICON_SIZES = [16, 24, 32, 48, 64, 256] as const;

// electron-builder's own copies of its dependencies: the schema is judged by the ajv it uses, the YAML read by its reader.
const builderRequire = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));

interface AjvError {
  readonly instancePath: string;
  readonly message?: string;
  readonly params: Readonly<Record<string, unknown>>;
}
type AjvValidate = ((data: unknown) => boolean) & { errors?: ReadonlyArray<AjvError> | null };
type AjvClass = new (options: Readonly<Record<string, unknown>>) => { compile(schema: unknown): AjvValidate };

interface Filter {
  (file: string, stat: { isDirectory(): boolean; moduleFullFilePath?: string }): boolean;
}
interface FileMatcherLike {
  readonly patterns: string[];
  createFilter(): Filter;
}
interface FileMatcherModule {
  FileMatcher: new (from: string, to: string, macroExpander: (pattern: string) => string, patterns?: string[]) => FileMatcherLike;
  getMainFileMatchers(appDir: string, destination: string, expand: (pattern: string) => string, options: object, packager: object, outDir: string, isElectronCompile: boolean): FileMatcherLike[];
  getNodeModuleFileMatcher(appDir: string, destination: string, expand: (pattern: string) => string, options: object, packager: object): FileMatcherLike;
  getFileMatchers(config: object, name: 'asarUnpack', destination: string, options: object): FileMatcherLike[] | null;
}

/** Reads the project's packaging inputs as electron-builder would. */
export function loadPackaging(root: string): Packaging {
  const yaml = builderRequire('js-yaml') as { load(text: string): unknown };
  const config = yaml.load(readFileSync(join(root, CONFIG_FILE), 'utf8')) as BuilderConfig;
  const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  return { root, config, packageJson };
}

/** The configuration against electron-builder's JSON schema, with the ajv settings electron-builder validates with. */
export function schemaProblems(config: BuilderConfig): string[] {
  const Ajv = (builderRequire('ajv') as { default: AjvClass }).default;
  const schema = JSON.parse(readFileSync(join(dirname(builderRequire.resolve('app-builder-lib/package.json')), 'scheme.json'), 'utf8')) as unknown;
  const validate = new Ajv({ allErrors: true, verbose: true, coerceTypes: true, strict: false }).compile(schema);
  // ajv's coerceTypes writes into the data it checks: judge a copy.
  if (validate(structuredClone(config))) return [];
  return (validate.errors ?? [])
    .filter((error) => !['anyOf', 'oneOf', 'if'].includes(String((error as { keyword?: string }).keyword)))
    .map((error) => {
      const where = `configuration${error.instancePath.replace(/\//g, '.')}`;
      const extra = error.params['additionalProperty'];
      return `${CONFIG_FILE}: ${where} ${error.message ?? 'is invalid'}${extra ? ` ('${String(extra)}')` : ''}`;
    });
}

/** Electron's version: pinned in the configuration, exactly the optional dependency's, and never a dependency of the app. */
export function electronVersionProblems(config: BuilderConfig, packageJson: PackageJson): string[] {
  const problems: string[] = [];
  const wanted = packageJson.optionalDependencies?.['electron'];
  if (!wanted) problems.push('package.json: electron is not in optionalDependencies');
  else if (!/^\d+\.\d+\.\d+$/.test(wanted)) problems.push(`package.json: optionalDependencies.electron must be an exact version (x.y.z), not "${wanted}"`);
  if (config.electronVersion) {
    try {
      electronAbi(config.electronVersion);
    } catch (error) {
      problems.push(`${CONFIG_FILE}: electronVersion ${config.electronVersion}: ${(error as Error).message}`);
    }
  }
  if (config.electronVersion !== wanted) {
    problems.push(`${CONFIG_FILE}: electronVersion is ${config.electronVersion ?? 'missing'}, but package.json's optionalDependencies.electron is ${wanted ?? 'missing'}: the app would be packed with another Electron than the one it is developed and rebuilt for`);
  }
  for (const section of ['dependencies', 'devDependencies'] as const) {
    if (packageJson[section]?.['electron']) problems.push(`package.json: electron is in ${section}; it belongs in optionalDependencies only (a fresh clone must install where its binary cannot be downloaded)`);
  }
  if (packageJson.build !== undefined) problems.push(`package.json has a "build" key: electron-builder would read it instead of ${CONFIG_FILE}`);
  return problems;
}

/** Whether electron-builder would pack, and unpack from the asar, each path (relative to the project). */
export function packedFiles(root: string, config: BuilderConfig, paths: readonly string[]): Map<string, { packed: boolean; unpacked: boolean }> {
  const matchers = builderRequire('./out/fileMatcher') as FileMatcherModule;
  const expand = (pattern: string) => pattern;
  const platformOptions = config.win ?? {};
  const info = {
    config,
    projectDir: root,
    buildResourcesDir: resolve(root, config.directories?.buildResources ?? 'build'),
    isPrepackedAppAsar: false,
    debugLogger: { isEnabled: false },
  };
  const outDir = resolve(root, config.directories?.output ?? 'dist');
  const destination = join(root, '.packed');
  const appFiles = matchers.getMainFileMatchers(root, destination, expand, platformOptions, { info }, outDir, false)[0]!.createFilter();
  const moduleMatcher = matchers.getNodeModuleFileMatcher(root, destination, expand, platformOptions, info);
  const unpackMatcher = matchers.getFileMatchers(config, 'asarUnpack', destination, { macroExpander: expand, customBuildOptions: platformOptions, globalOutDir: outDir, defaultSrc: root });
  const unpack = unpackMatcher?.[0]?.createFilter();
  const result = new Map<string, { packed: boolean; unpacked: boolean }>();
  for (const path of paths) {
    const file = { isDirectory: () => false, moduleFullFilePath: undefined as string | undefined };
    let packed: boolean;
    const module = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
    if (module) {
      // As electron-builder copies a dependency: a matcher rooted at the module, the path given relative to the app.
      file.moduleFullFilePath = path;
      const moduleDir = join(root, 'node_modules', module[1]!);
      const matcher = new matchers.FileMatcher(moduleDir, join(destination, 'node_modules', module[1]!), expand, moduleMatcher.patterns);
      // No exclusions at all: electron-builder copies the dependency whole, without a filter.
      packed = matcher.patterns.length === 0 || matcher.createFilter()(join(root, path), file);
    } else {
      packed = appFiles(join(root, path), file);
    }
    result.set(path, { packed, unpacked: packed && unpack !== undefined && unpack(join(root, path), file) });
  }
  return result;
}

/** What goes into the app and what stays out of the asar, judged by electron-builder's own file matcher. */
export function fileRuleProblems(root: string, config: BuilderConfig, packageJson: PackageJson): string[] {
  const problems: string[] = [];
  const main = packageJson.main ?? 'index.js';
  const expectations: ReadonlyArray<readonly [string, 'packed' | 'unpacked' | 'left out', string]> = [
    [main, 'packed', "package.json's main, the Electron shell's entry"],
    ['dist/renderer/index.html', 'packed', 'the admin UI'],
    ['dist/native/better-sqlite3-12.0.0-electron-40.8.5-win32-x64.node', 'left out', "npm start's own better-sqlite3 for Electron"],
    ['package.json', 'packed', 'package.json'],
    ['node_modules/better-sqlite3/lib/database.js', 'packed', 'better-sqlite3'],
    ['node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'unpacked', "better-sqlite3's native module"],
    ['node_modules/@napi-rs/keyring-win32-x64-msvc/keyring.win32-x64-msvc.node', 'unpacked', "the keyring's native module"],
    ['node_modules/electron/dist/electron.exe', 'left out', 'the Electron binary'],
    ['node_modules/electron/package.json', 'left out', 'the electron npm package'],
  ];
  const judged = packedFiles(root, config, expectations.map(([path]) => path));
  for (const [path, wanted, what] of expectations) {
    const { packed, unpacked } = judged.get(path)!;
    const actual = !packed ? 'left out' : unpacked ? 'unpacked' : 'packed';
    if (actual !== wanted) problems.push(`${CONFIG_FILE}: ${what} (${path}) would be ${actual === 'packed' ? 'packed inside app.asar' : actual}, not ${wanted === 'packed' ? 'packed' : wanted === 'unpacked' ? 'unpacked from app.asar (a native module cannot load from inside it)' : 'left out'}`);
  }
  if (config.npmRebuild === false) problems.push(`${CONFIG_FILE}: npmRebuild is off, so better-sqlite3 would be packed as built for Node, not for Electron's ABI`);
  return problems;
}

/** The packages a folder's sources import by name (`from 'x'`, `import('x')`, `require('x')`), Node's own aside. */
function importedPackages(root: string, folder: string): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|tsx|mts)$/.test(name)) {
        const text = readFileSync(path, 'utf8');
        for (const match of text.matchAll(/(?:\bfrom|\bimport\(|\brequire\(|\)\()\s*['"]([^'"./][^'"]*)['"]/g)) {
          const specifier = match[1]!;
          if (!specifier.startsWith('node:')) found.add(/^(@[^/]+\/[^/]+|[^/]+)/.exec(specifier)![1]!);
        }
      }
    }
  };
  if (existsSync(join(root, folder))) walk(join(root, folder));
  return found;
}

interface LockPackage {
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

/** Every installed package (its package-lock.json key, `node_modules/...`) the given dependencies bring in, themselves included. */
function lockClosure(packages: Readonly<Record<string, LockPackage>>, roots: Iterable<string>): Set<string> {
  // Node's lookup: the nearest node_modules up from the package that asks.
  const resolveFrom = (from: string, name: string): string | undefined => {
    for (let dir = from; ; ) {
      const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (packages[key]) return key;
      if (!dir) return undefined;
      const parent = dir.lastIndexOf('/node_modules/');
      dir = parent < 0 ? '' : dir.slice(0, parent);
    }
  };
  const seen = new Set<string>();
  const stack = [...roots].map((name) => resolveFrom('', name)).filter((key): key is string => key !== undefined);
  while (stack.length > 0) {
    const key = stack.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const name of Object.keys({ ...packages[key]!.dependencies, ...packages[key]!.optionalDependencies })) {
      const found = resolveFrom(key, name);
      if (found) stack.push(found);
    }
  }
  return seen;
}

/**
 * The production packages the app needs and the ones it does not: what only the admin UI imports
 * (React, Fluent UI, zustand, and what they alone bring in) is bundled into dist/renderer by vite,
 * so packing it again would only make the installer bigger. Everything else a dependency brings in
 * stays, imported by the main process or not (a tunnel provider, tsx), to be safe.
 */
export function productionPackages(root: string, packageJson: PackageJson): { readonly needed: ReadonlySet<string>; readonly rendererOnly: ReadonlySet<string> } {
  const packages = (JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockPackage> }).packages;
  const dependencies = Object.keys({ ...packageJson.dependencies, ...packageJson.optionalDependencies }).filter((name) => name !== 'electron');
  const mainImports = new Set([...importedPackages(root, 'main'), ...importedPackages(root, 'shared')]);
  const rendererImports = importedPackages(root, 'renderer');
  const rendererRoots = dependencies.filter((name) => rendererImports.has(name) && !mainImports.has(name));
  const needed = lockClosure(packages, dependencies.filter((name) => !rendererRoots.includes(name)));
  const rendererOnly = new Set([...lockClosure(packages, rendererRoots)].filter((key) => !needed.has(key)));
  return { needed, rendererOnly };
}

/** What the app needs from node_modules is packed; what only the admin UI uses (bundled by vite) is left out. */
export function dependencyProblems(root: string, config: BuilderConfig, packageJson: PackageJson): string[] {
  const { needed, rendererOnly } = productionPackages(root, packageJson);
  const judged = packedFiles(root, config, [...needed, ...rendererOnly].map((key) => `${key}/package.json`));
  const packedButUnneeded = [...rendererOnly].filter((key) => judged.get(`${key}/package.json`)!.packed);
  const leftOutButNeeded = [...needed].filter((key) => !judged.get(`${key}/package.json`)!.packed);
  const problems: string[] = [];
  if (leftOutButNeeded.length > 0) problems.push(`${CONFIG_FILE}: files leaves out what the app needs at run time: ${leftOutButNeeded.join(', ')}`);
  if (packedButUnneeded.length > 0) {
    problems.push(`${CONFIG_FILE}: files packs what only the admin UI imports (vite bundles it into dist/renderer): ${packedButUnneeded.join(', ')}; add "!node_modules/<name>/**" for it`);
  }
  return problems;
}

/** A resource path as electron-builder resolves it: in the build resources folder, else in the project. */
function resourcePath(root: string, config: BuilderConfig, path: string): string {
  const inResources = resolve(root, config.directories?.buildResources ?? 'build', path);
  return existsSync(inResources) ? inResources : resolve(root, path);
}

/** The icons Windows and the build need, present, of the right sizes, and made from the current icon.svg. */
export function iconProblems(root: string, config: BuilderConfig): string[] {
  const problems: string[] = [];
  const icons = [config.win?.icon ?? 'icon.ico', config.nsis?.installerIcon].filter((path): path is string => path !== undefined);
  for (const icon of new Set(icons)) {
    const file = resourcePath(root, config, icon);
    if (!existsSync(file)) {
      problems.push(`${icon}: missing (run \`npm run icons\`)`);
      continue;
    }
    try {
      const entries = readIco(readFileSync(file));
      const sizes = new Set(entries.filter((entry) => entry.width === entry.height).map((entry) => entry.width));
      const missing = WINDOWS_ICON_SIZES.filter((size) => !sizes.has(size));
      if (missing.length > 0) problems.push(`${icon}: no ${missing.map((size) => `${size}×${size}`).join(', ')} image (Windows needs ${WINDOWS_ICON_SIZES.join(', ')})`);
      for (const entry of entries) {
        if (entry.payloadWidth !== entry.width || entry.payloadHeight !== entry.height) {
          problems.push(`${icon}: the directory says ${entry.width}×${entry.height}, its image is ${entry.payloadWidth}×${entry.payloadHeight}`);
        }
        if (entry.bitCount !== 32) problems.push(`${icon}: the ${entry.width}×${entry.height} image has ${entry.bitCount} bits per pixel, not 32 (no transparency)`);
      }
    } catch (error) {
      problems.push(`${icon}: ${(error as Error).message}`);
    }
  }
  const resources = resolve(root, config.directories?.buildResources ?? 'build');
  for (const [path, size] of [['icon.png', 512], ['icons/512x512.png', 512], ['icons/256x256.png', 256]] as const) {
    const file = join(resources, path);
    const found = existsSync(file) ? pngSize(readFileSync(file)) : undefined;
    if (!found) problems.push(`${path}: missing or not a PNG (run \`npm run icons\`)`);
    else if (found.width !== size || found.height !== size) problems.push(`${path}: ${found.width}×${found.height}, not ${size}×${size}`);
  }
  const manifest = join(resources, 'icons', 'source.json');
  const svg = join(resources, 'icon.svg');
  if (existsSync(manifest) && existsSync(svg)) {
    const made = (JSON.parse(readFileSync(manifest, 'utf8')) as { sha256?: string }).sha256;
    if (made !== createHash('sha256').update(readFileSync(svg, 'utf8')).digest('hex')) {
      problems.push('resources/icon.svg changed since the icons were made from it: run `npm run icons` and commit what it writes');
    }
  } else {
    problems.push('resources/icons/source.json or resources/icon.svg is missing');
  }
  return problems;
}

/** The installer's shape: a per-user NSIS installer (no admin rights by default) and a portable build, both x64, and `npm run dist`. */
export function installerProblems(root: string, config: BuilderConfig, packageJson: PackageJson): string[] {
  const problems: string[] = [];
  if (!config.appId || config.appId.startsWith('com.electron.')) problems.push(`${CONFIG_FILE}: appId is missing (Windows groups the taskbar and notifications by it)`);
  if (!config.productName) problems.push(`${CONFIG_FILE}: productName is missing`);
  const targets = (config.win?.target ?? []).map((target) => (typeof target === 'string' ? { target, arch: ['x64'] } : target));
  for (const kind of ['nsis', 'portable']) {
    const target = targets.find((entry) => entry.target === kind);
    if (!target) problems.push(`${CONFIG_FILE}: win.target has no ${kind} build`);
    else if (!(target.arch ?? ['x64']).includes('x64')) problems.push(`${CONFIG_FILE}: the ${kind} build is not for x64`);
  }
  if (config.nsis?.oneClick !== false) problems.push(`${CONFIG_FILE}: nsis.oneClick must be false (an assisted installer, so a server admin can choose all users)`);
  if (config.nsis?.perMachine === true || config.nsis?.selectPerMachineByDefault === true) problems.push(`${CONFIG_FILE}: the installer must install per user by default, without admin rights`);
  if (!packageJson.scripts?.['dist']) problems.push('package.json: no "dist" script (`npm run dist` builds the installer)');
  for (const resource of config.extraResources ?? []) {
    const from = typeof resource === 'string' ? resource : resource.from;
    if (from && !existsSync(resolve(root, from))) problems.push(`${CONFIG_FILE}: extraResources names ${from}, which does not exist`);
  }
  return problems;
}

/** Every packaging problem of the project at `root`; empty when `npm run dist` has what it needs. */
export function checkPackaging(packaging: Packaging): string[] {
  const { root, config, packageJson } = packaging;
  return [
    ...schemaProblems(config),
    ...electronVersionProblems(config, packageJson),
    ...fileRuleProblems(root, config, packageJson),
    ...dependencyProblems(root, config, packageJson),
    ...iconProblems(root, config),
    ...installerProblems(root, config, packageJson),
  ];
}
