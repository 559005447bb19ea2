import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  checkPackaging,
  dependencyProblems,
  electronVersionProblems,
  fileRuleProblems,
  iconProblems,
  installerProblems,
  loadPackaging,
  schemaProblems,
  WINDOWS_ICON_SIZES,
  type BuilderConfig,
} from '../../../scripts/packaging/check-packaging';
import { encodeIco, pngSize, readIco } from '../../../scripts/packaging/ico';
import { electronAbi, nativeModuleAbi } from '../../../scripts/packaging/native-abi';

/**
 * The packaging check (scripts/packaging/check-packaging.ts) on this project, and each of its
 * rules shown failing on a configuration that breaks it. Nothing here builds or downloads: the
 * installer itself is built on Windows by `npm run dist`, which runs the same check first.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const project = loadPackaging(root);
const { config, packageJson } = project;
const edit = (changes: Record<string, unknown>): BuilderConfig => ({ ...structuredClone(config), ...changes });

const temporary: string[] = [];
after(() => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the packaging check on this project', () => {
  it('finds nothing wrong', () => {
    assert.deepEqual(checkPackaging(project), []);
  });
});

describe('electron-builder.yml against electron-builder’s schema (app-builder-lib/scheme.json, ajv)', () => {
  it('accepts the configuration', () => {
    assert.deepEqual(schemaProblems(config), []);
  });

  it('names a misspelt option and a value of the wrong kind', () => {
    assert.match(schemaProblems(edit({ asarUnpak: ['**/*.node'] })).join('\n'), /unknown|additional.*'asarUnpak'/i);
    assert.match(schemaProblems(edit({ nsis: { ...config.nsis, oneClick: { yes: true } } })).join('\n'), /configuration\.nsis\.oneClick/);
    assert.match(schemaProblems(edit({ win: { ...config.win, target: [{ target: 'nsis', arch: ['sparc'] }] } })).join('\n'), /configuration\.win/);
  });
});

describe('Electron’s version', () => {
  it('is pinned to exactly the optional dependency', () => {
    assert.equal(config.electronVersion, packageJson.optionalDependencies?.['electron']);
    assert.deepEqual(electronVersionProblems(config, packageJson), []);
  });

  it('is a problem when the two differ, when the dependency is a range, or when electron is a dependency', () => {
    assert.match(electronVersionProblems(edit({ electronVersion: '45.3.4' }), packageJson).join('\n'), /electronVersion is 45\.3\.4, but package\.json's optionalDependencies\.electron is 40\.8\.5/);
    const ranged = { ...packageJson, optionalDependencies: { electron: '^40.8.5' } };
    assert.match(electronVersionProblems(edit({ electronVersion: '^40.8.5' }), ranged).join('\n'), /exact version/);
    assert.match(electronVersionProblems(config, { ...packageJson, devDependencies: { ...packageJson.devDependencies, electron: '40.8.5' } }).join('\n'), /electron is in devDependencies/);
    assert.match(electronVersionProblems(config, { ...packageJson, build: {} }).join('\n'), /"build" key/);
  });

  it('is one the native-module rebuild knows (its ABI), and a release it does not know is a problem', () => {
    assert.equal(electronAbi('40.8.5'), 143);
    assert.match(electronVersionProblems(edit({ electronVersion: '99.0.0' }), { ...packageJson, optionalDependencies: { electron: '99.0.0' } }).join('\n'), /Could not detect abi/);
  });
});

describe('what goes into the app (electron-builder’s file matcher)', () => {
  it('packs the shell, the admin UI and the dependencies, unpacks native modules and leaves Electron out', () => {
    assert.deepEqual(fileRuleProblems(root, config, packageJson), []);
  });

  it('is a problem when Electron’s package would be packed', () => {
    const files = (config.files as string[]).filter((pattern) => pattern !== '!node_modules/electron/**');
    assert.match(fileRuleProblems(root, edit({ files }), packageJson).join('\n'), /the Electron binary \(node_modules\/electron\/dist\/electron\.exe\) would be packed/);
  });

  it('is a problem when native modules would stay inside app.asar, or would not be rebuilt for Electron', () => {
    assert.match(fileRuleProblems(root, edit({ asarUnpack: [] }), packageJson).join('\n'), /better-sqlite3's native module .* would be packed inside app\.asar/);
    assert.match(fileRuleProblems(root, edit({ npmRebuild: false }), packageJson).join('\n'), /npmRebuild is off/);
  });

  it('is a problem when the shell’s entry would be left out', () => {
    assert.match(fileRuleProblems(root, edit({ files: ['dist/renderer/**/*', 'package.json'] }), packageJson).join('\n'), /package\.json's main, the Electron shell's entry \(dist\/main\/app\/main\.js\) would be left out/);
  });
});

describe('the dependencies packed (package-lock.json, electron-builder’s file matcher)', () => {
  it('packs what the main process can need and leaves out what only the admin UI imports (bundled into dist/renderer)', () => {
    assert.deepEqual(dependencyProblems(root, config, packageJson), []);
  });

  it('is a problem when an admin-UI-only package would be packed, or a needed one left out', () => {
    const files = config.files as string[];
    const withoutUiRule = files.filter((pattern) => !pattern.includes('react-dom'));
    assert.match(dependencyProblems(root, edit({ files: withoutUiRule }), packageJson).join('\n'), /packs what only the admin UI imports .*node_modules\/react-dom/);
    assert.match(dependencyProblems(root, edit({ files: [...files, '!node_modules/koa/**'] }), packageJson).join('\n'), /leaves out what the app needs at run time: node_modules\/koa/);
  });
});

describe('the icons', () => {
  it('icon.ico holds every size Windows needs, each image as its directory says, with transparency', () => {
    const entries = readIco(readFileSync(join(root, 'resources', 'icon.ico')));
    const sizes = entries.map((entry) => entry.width);
    for (const size of [16, 32, 48, 256, ...WINDOWS_ICON_SIZES]) assert.ok(sizes.includes(size), `no ${size}×${size} in icon.ico (${sizes.join(', ')})`);
    for (const entry of entries) {
      assert.deepEqual([entry.payloadWidth, entry.payloadHeight, entry.bitCount], [entry.width, entry.height, 32]);
      assert.equal(entry.format, entry.width === 256 ? 'png' : 'bmp');
    }
  });

  it('the 256 and 512 PNGs the build uses exist at their sizes, made from the current icon.svg', () => {
    assert.deepEqual(pngSize(readFileSync(join(root, 'resources', 'icon.png'))), { width: 512, height: 512 });
    assert.deepEqual(pngSize(readFileSync(join(root, 'resources', 'icons', '256x256.png'))), { width: 256, height: 256 });
    assert.deepEqual(iconProblems(root, config), []);
  });

  it('is a problem when icon.ico lacks a size, when an image is not what the directory says, or when icon.svg changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimdesk-icons-'));
    temporary.push(dir);
    mkdirSync(join(dir, 'resources', 'icons'), { recursive: true });
    for (const file of ['icon.png', 'icon.svg', 'icons/256x256.png', 'icons/512x512.png', 'icons/source.json']) copyFileSync(join(root, 'resources', file), join(dir, 'resources', file));
    const png256 = readFileSync(join(root, 'resources', 'icons', '256x256.png'));
    const square = (size: number) => ({ size, png: png256, rgba: Buffer.alloc(size * size * 4, 0xff) });
    writeFileSync(join(dir, 'resources', 'icon.ico'), encodeIco([16, 32, 48].map(square)));
    assert.match(iconProblems(dir, config).join('\n'), /icon\.ico: no 24×24, 64×64, 256×256 image/);

    const lying = encodeIco([16, 24, 32, 48, 64, 256].map(square));
    lying.writeUInt8(128, 6 + 16 * 5); // the 256 entry claims 128 while its PNG is 256
    writeFileSync(join(dir, 'resources', 'icon.ico'), lying);
    assert.match(iconProblems(dir, config).join('\n'), /the directory says 128×256, its image is 256×256/);

    copyFileSync(join(root, 'resources', 'icon.ico'), join(dir, 'resources', 'icon.ico'));
    assert.deepEqual(iconProblems(dir, config), []);
    writeFileSync(join(dir, 'resources', 'icon.svg'), readFileSync(join(root, 'resources', 'icon.svg'), 'utf8').replace('#0f6cbd', '#c50f1f'));
    assert.match(iconProblems(dir, config).join('\n'), /icon\.svg changed since the icons were made/);
  });

  it('encodes DIB images bottom-up in BGRA with an AND mask, and the 256 image as PNG', () => {
    // 2×2: red, green / blue, transparent.
    const rgba = Buffer.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 0, 0, 0, 0]);
    const ico = encodeIco([{ size: 2, png: Buffer.alloc(0), rgba }]);
    const dib = ico.subarray(ico.readUInt32LE(6 + 12));
    assert.deepEqual([dib.readInt32LE(4), dib.readInt32LE(8), dib.readUInt16LE(14)], [2, 4, 32]);
    const pixels = [...dib.subarray(40, 56)];
    // Bottom row first: blue, transparent; then red, green; each as B, G, R, A.
    assert.deepEqual(pixels, [255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 255, 255, 0, 255, 0, 255]);
    // AND mask rows (4 bytes each), bottom-up: the transparent pixel is the second of the bottom row.
    assert.deepEqual([...dib.subarray(56, 64)], [0x40, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('the installer', () => {
  it('is an assisted NSIS installer that installs per user by default, and a portable build, for x64', () => {
    assert.deepEqual(installerProblems(root, config, packageJson), []);
    assert.equal(config.nsis?.perMachine, false);
    assert.equal(config.appId, 'io.scimdesk.app');
    assert.equal(config.productName, 'ScimDesk');
  });

  it('is a problem when it would need admin rights, has no portable build, or `npm run dist` is missing', () => {
    assert.match(installerProblems(root, edit({ nsis: { ...config.nsis, perMachine: true } }), packageJson).join('\n'), /per user by default/);
    assert.match(installerProblems(root, edit({ nsis: { ...config.nsis, oneClick: true } }), packageJson).join('\n'), /oneClick must be false/);
    assert.match(installerProblems(root, edit({ win: { ...config.win, target: [{ target: 'nsis', arch: ['x64'] }] } }), packageJson).join('\n'), /no portable build/);
    assert.match(installerProblems(root, config, { ...packageJson, scripts: {} }).join('\n'), /no "dist" script/);
  });

  it('`npm run dist` and what a build machine needs are in the README', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = /^## Windows installer\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
    assert.match(section, /npm run dist/);
    for (const need of [/Windows x64/, /Node\.js 20\.19/, /npm ci/, /Visual Studio Build Tools/, /github\.com/]) assert.match(section, need);
  });
});

describe('the native module ABI', () => {
  it('reads the ABI a module was built for: node_modules keeps the build for this Node, which the tests load', () => {
    const built = nativeModuleAbi(readFileSync(join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')));
    assert.deepEqual(built, { kind: 'abi', abi: Number(process.versions.modules) });
    assert.deepEqual(nativeModuleAbi(Buffer.from('\0\0node_register_module_v143\0')), { kind: 'abi', abi: 143 });
    assert.deepEqual(nativeModuleAbi(Buffer.from('\0napi_register_module_v1\0')), { kind: 'node-api' });
    assert.deepEqual(nativeModuleAbi(Buffer.from('MZ nothing')), { kind: 'unknown' });
  });
});

describe('npm run dist', () => {
  it('refuses to build off Windows x64, before building or downloading anything', { skip: process.platform === 'win32' ? 'this is Windows: npm run dist would build' : false }, () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/dist.ts'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 1, run.stderr + run.stdout);
    assert.match(run.stderr, /runs on Windows x64 only/);
    assert.doesNotMatch(run.stdout, /electron-builder/);
  });
});
