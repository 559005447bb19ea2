import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';

/**
 * The import boundaries of STYLE.md, checked on every test run: which folder
 * may import what. A test rather than a lint plugin so `npm test` enforces it
 * with nothing more to install.
 */
const root = join(import.meta.dirname, '..', '..', '..');

function sources(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) found.push(...sources(path));
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) found.push(path.split(sep).join('/'));
  }
  return found;
}

function imports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm)].map(
    (match) => match[1] ?? match[2] ?? match[3] ?? '',
  );
}

function resolvesInto(file: string, specifier: string, folder: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = relative(root, join(root, file, '..', specifier)).split(sep).join('/');
  return target === folder || target.startsWith(folder + '/');
}

interface Rule {
  readonly name: string;
  readonly files: (file: string) => boolean;
  readonly forbidden: (file: string, specifier: string) => boolean;
}

const NODE_BUILTIN = /^(node:|fs$|path$|os$|crypto$|http$|https$|net$|tls$|child_process$|worker_threads$)/;

const rules: ReadonlyArray<Rule> = [
  {
    name: 'renderer/ never imports main/',
    files: (f) => f.startsWith('renderer/'),
    forbidden: (f, s) => resolvesInto(f, s, 'main'),
  },
  {
    name: 'renderer/ imports nothing Node- or Electron-specific',
    files: (f) => f.startsWith('renderer/'),
    forbidden: (_f, s) => NODE_BUILTIN.test(s) || s === 'electron' || s === 'better-sqlite3' || s === 'koa',
  },
  {
    name: 'shared/ imports nothing Node-, DOM- or Electron-specific, and nothing from main/ or renderer/',
    files: (f) => f.startsWith('shared/'),
    forbidden: (f, s) => NODE_BUILTIN.test(s) || s === 'electron' || resolvesInto(f, s, 'main') || resolvesInto(f, s, 'renderer') || (!s.startsWith('.') && s !== 'zod'),
  },
  {
    name: 'only main/app and main/preload import electron',
    files: (f) => f.startsWith('main/') && !f.startsWith('main/app/') && !f.startsWith('main/preload/'),
    forbidden: (_f, s) => s === 'electron' || s.startsWith('electron/'),
  },
  {
    name: 'only main/store imports better-sqlite3',
    files: (f) => f.startsWith('main/') && !f.startsWith('main/store/'),
    forbidden: (_f, s) => s === 'better-sqlite3',
  },
  {
    name: 'only main/http imports koa',
    files: (f) => f.startsWith('main/') && !f.startsWith('main/http/'),
    forbidden: (_f, s) => s === 'koa' || s.startsWith('@koa/'),
  },
  {
    name: 'main/scim and main/reconcile stay free of storage, transport and Graph',
    files: (f) => f.startsWith('main/scim/') || f.startsWith('main/reconcile/'),
    forbidden: (f, s) =>
      s === 'koa' || s === 'better-sqlite3' || s.startsWith('@microsoft/') || s.startsWith('@azure/') || resolvesInto(f, s, 'main/http') || resolvesInto(f, s, 'main/graph'),
  },
  {
    name: 'main/reconcile is pure: no Node built-ins and no store',
    files: (f) => f.startsWith('main/reconcile/'),
    forbidden: (f, s) => NODE_BUILTIN.test(s) || resolvesInto(f, s, 'main/store') || resolvesInto(f, s, 'main/core'),
  },
];

describe('import boundaries (STYLE.md)', () => {
  const files = [...sources('main'), ...sources('shared'), ...(statSync(join(root, 'renderer'), { throwIfNoEntry: false }) ? sources('renderer') : [])];

  it('finds the sources it checks', () => {
    assert.ok(files.length > 30, `only ${files.length} source files found`);
  });

  for (const rule of rules) {
    it(rule.name, () => {
      const violations = files
        .filter(rule.files)
        .flatMap((file) => imports(file).filter((specifier) => rule.forbidden(file, specifier)).map((specifier) => `${file} imports ${specifier}`));
      assert.deepEqual(violations, []);
    });
  }
});
