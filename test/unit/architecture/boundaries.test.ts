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

/** One import or re-export: what it names, and whether it is `import type`/`export type` (erased, so no runtime edge). */
interface Import {
  readonly specifier: string;
  readonly typeOnly: boolean;
}

function imports(file: string): Import[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)(\s+type(?=\s))?\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm),
  ].map((match) => ({ specifier: match[2] ?? match[3] ?? match[4] ?? '', typeOnly: match[1] !== undefined }));
}

function resolvesInto(file: string, specifier: string, folder: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = relative(root, join(root, file, '..', specifier)).split(sep).join('/');
  return target === folder || target.startsWith(folder + '/');
}

interface Rule {
  readonly name: string;
  readonly files: (file: string) => boolean;
  /** `typeOnly`: the import is `import type`/`export type`; only rules about runtime edges look at it. */
  readonly forbidden: (file: string, specifier: string, typeOnly: boolean) => boolean;
  /** A wrong import the rule must catch (file, specifier, and whether it is `import type`): proof that the rule can fail. */
  readonly catches: readonly [string, string] | readonly [string, string, boolean];
}

const under = (file: string, ...folders: ReadonlyArray<string>) => folders.some((folder) => file.startsWith(folder + '/'));
const into = (file: string, specifier: string, ...folders: ReadonlyArray<string>) => folders.some((folder) => resolvesInto(file, specifier, folder));

const NODE_BUILTIN = /^(node:|fs$|path$|os$|crypto$|http$|https$|net$|tls$|child_process$|worker_threads$)/;

const rules: ReadonlyArray<Rule> = [
  {
    name: 'renderer/ never imports main/',
    catches: ['renderer/views/x.tsx', '../../main/store/sqlite-store'],
    files: (f) => f.startsWith('renderer/'),
    forbidden: (f, s) => resolvesInto(f, s, 'main'),
  },
  {
    name: 'renderer/ imports nothing Node- or Electron-specific',
    catches: ['renderer/api/x.ts', 'node:fs'],
    files: (f) => f.startsWith('renderer/'),
    forbidden: (_f, s) => NODE_BUILTIN.test(s) || s === 'electron' || s === 'better-sqlite3' || s === 'koa',
  },
  {
    name: 'shared/ imports nothing Node-, DOM- or Electron-specific, and nothing from main/ or renderer/',
    catches: ['shared/admin/x.ts', '../../main/scim/scim-error'],
    files: (f) => f.startsWith('shared/'),
    forbidden: (f, s) => NODE_BUILTIN.test(s) || s === 'electron' || resolvesInto(f, s, 'main') || resolvesInto(f, s, 'renderer') || (!s.startsWith('.') && s !== 'zod'),
  },
  {
    name: 'only main/app and main/preload import electron',
    catches: ['main/core/create-core.ts', 'electron'],
    files: (f) => f.startsWith('main/') && !f.startsWith('main/app/') && !f.startsWith('main/preload/'),
    forbidden: (_f, s) => s === 'electron' || s.startsWith('electron/'),
  },
  {
    name: 'only main/store imports better-sqlite3',
    catches: ['main/admin/x.ts', 'better-sqlite3'],
    files: (f) => f.startsWith('main/') && !f.startsWith('main/store/'),
    forbidden: (_f, s) => s === 'better-sqlite3',
  },
  {
    name: 'only main/http imports koa',
    catches: ['main/admin/x.ts', '@koa/router'],
    files: (f) => f.startsWith('main/') && !f.startsWith('main/http/'),
    forbidden: (_f, s) => s === 'koa' || s.startsWith('@koa/'),
  },
  {
    name: 'main/scim and main/reconcile stay free of storage, transport and Graph',
    catches: ['main/scim/scim-service.ts', '../graph/graph-service'],
    files: (f) => f.startsWith('main/scim/') || f.startsWith('main/reconcile/'),
    forbidden: (f, s) =>
      s === 'koa' || s === 'better-sqlite3' || s.startsWith('@microsoft/') || s.startsWith('@azure/') || resolvesInto(f, s, 'main/http') || resolvesInto(f, s, 'main/graph'),
  },
  {
    name: 'main/scim never imports main/store (not even types): the protocol owns the directory interface the store implements',
    files: (f) => under(f, 'main/scim'),
    forbidden: (f, s) => into(f, s, 'main/store'),
    catches: ['main/scim/directory.ts', '../store/store-errors', true],
  },
  {
    name: 'main/store imports main/scim only as types (import type): it prints the parsed tree and never runs protocol code',
    files: (f) => under(f, 'main/store'),
    forbidden: (f, s, typeOnly) => !typeOnly && into(f, s, 'main/scim'),
    catches: ['main/store/sql-filter.ts', '../scim/filter/parse-filter', false],
  },
  {
    name: 'main/reconcile is pure: no Node built-ins and no store',
    catches: ['main/reconcile/compare.ts', 'node:fs'],
    files: (f) => f.startsWith('main/reconcile/'),
    forbidden: (f, s) => NODE_BUILTIN.test(s) || resolvesInto(f, s, 'main/store') || resolvesInto(f, s, 'main/core'),
  },
  {
    name: 'main/mapping (mapping model, rules, diagnostics) is pure: it reads through the interfaces it declares, never the store, Graph, a transport, the admin layer or the root',
    files: (f) => under(f, 'main/mapping'),
    forbidden: (f, s) =>
      NODE_BUILTIN.test(s) || s === 'better-sqlite3' || s === 'koa' || s.startsWith('@microsoft/') || into(f, s, 'main/store', 'main/graph', 'main/http', 'main/admin', 'main/core', 'main/service', 'main/lib'),
    catches: ['main/mapping/mapping-service.ts', '../store/directory-store', true],
  },
  {
    name: 'main/core (the composition root) is imported only by the hosts',
    files: (f) => f.startsWith('main/') && !under(f, 'main/core', 'main/service', 'main/app'),
    forbidden: (f, s) => into(f, s, 'main/core'),
    catches: ['main/http/create-admin-app.ts', '../core/create-core'],
  },
  {
    name: 'main/graph is a leaf: no core, admin layer, comparison or store',
    files: (f) => under(f, 'main/graph'),
    forbidden: (f, s) => into(f, s, 'main/core', 'main/admin', 'main/reconcile', 'main/store', 'main/service'),
    catches: ['main/graph/graph-service.ts', '../reconcile/snapshot'],
  },
  {
    name: 'main/tunnel is a leaf beside main/graph: no core, admin layer, transport, store or host',
    files: (f) => under(f, 'main/tunnel'),
    forbidden: (f, s) => into(f, s, 'main/core', 'main/admin', 'main/http', 'main/store', 'main/service', 'main/app', 'main/scim', 'main/reconcile', 'main/graph'),
    catches: ['main/tunnel/tunnel-runner.ts', '../admin/reachability'],
  },
  {
    name: 'main/exports (scheduled exports) reads the store through the narrow interface it names (types only), and knows no root, admin layer, transport, host, Graph or tunnel',
    files: (f) => under(f, 'main/exports'),
    forbidden: (f, s, typeOnly) =>
      s === 'better-sqlite3' || s === 'koa' || (!typeOnly && into(f, s, 'main/store')) || into(f, s, 'main/core', 'main/admin', 'main/http', 'main/service', 'main/app', 'main/graph', 'main/tunnel', 'main/reconcile'),
    catches: ['main/exports/export-run.ts', '../store/sqlite-store', false],
  },
  {
    name: 'main/http receives what it needs from the root: no core, service or admin handlers',
    files: (f) => under(f, 'main/http'),
    forbidden: (f, s) => into(f, s, 'main/core', 'main/service', 'main/admin'),
    catches: ['main/http/create-scim-app.ts', '../core/create-core'],
  },
  {
    name: 'main/admin (the admin layer) knows no host, root or transport',
    files: (f) => under(f, 'main/admin'),
    forbidden: (f, s) => into(f, s, 'main/core', 'main/service', 'main/app', 'main/http'),
    catches: ['main/admin/dispatch.ts', '../http/create-admin-app'],
  },
  {
    name: 'main/delivery (the outbox sender) takes the store through the interfaces it names (types only) and imports nothing above main/lib',
    files: (f) => under(f, 'main/delivery'),
    forbidden: (f, s, typeOnly) =>
      s === 'better-sqlite3' ||
      s === 'koa' ||
      s.startsWith('@koa/') ||
      (!typeOnly && into(f, s, 'main/store')) ||
      into(f, s, 'main/core', 'main/service', 'main/app', 'main/admin', 'main/http', 'main/graph', 'main/reconcile', 'main/tunnel', 'main/mapping', 'main/scim'),
    catches: ['main/delivery/delivery-worker.ts', '../store/sqlite-store', false],
  },
  {
    name: 'main/lib holds leaf services: nothing above them',
    files: (f) => under(f, 'main/lib'),
    forbidden: (f, s) => into(f, s, 'main/core', 'main/service', 'main/app', 'main/admin', 'main/http', 'main/graph', 'main/reconcile', 'main/tunnel'),
    catches: ['main/lib/scim-token.ts', '../admin/admin-views'],
  },
  {
    name: 'main/preload builds the bridge from shared/ alone: no other main/ code, no Node built-ins, no package but electron',
    files: (f) => under(f, 'main/preload'),
    forbidden: (f, s) => NODE_BUILTIN.test(s) || (into(f, s, 'main') && !into(f, s, 'main/preload')) || (!s.startsWith('.') && s !== 'electron'),
    catches: ['main/preload/admin-bridge.ts', '../app/admin-ipc'],
  },
  {
    name: 'nothing imports main/preload: it is a build of its own, and what it shares with main/app lives in shared/',
    // The check of Electron's types reads the preload's description of the API it uses, and nothing runs it.
    files: (f) => !under(f, 'main/preload') && f !== 'scripts/electron-api-check.ts',
    forbidden: (f, s) => into(f, s, 'main/preload'),
    catches: ['main/app/desktop-app.ts', '../preload/admin-bridge'],
  },
  {
    name: 'main/app is a host: it reaches the store, SCIM, Graph, the comparison and the admin layer through the core',
    files: (f) => under(f, 'main/app'),
    forbidden: (f, s) => into(f, s, 'main/store', 'main/scim', 'main/graph', 'main/reconcile', 'main/admin'),
    catches: ['main/app/desktop-app.ts', '../store/sqlite-store'],
  },
  {
    name: 'nothing outside test/ imports test/',
    files: () => true,
    forbidden: (f, s) => into(f, s, 'test'),
    catches: ['scripts/demo.ts', '../test/fixtures/fake-tenant/scenario'],
  },
];

describe('import boundaries (STYLE.md)', () => {
  const files = [...sources('main'), ...sources('shared'), ...sources('scripts'), ...(statSync(join(root, 'renderer'), { throwIfNoEntry: false }) ? sources('renderer') : [])];

  it('finds the sources it checks', () => {
    assert.ok(files.length > 30, `only ${files.length} source files found`);
  });

  it('catches, for each rule, the wrong import it names (a rule that cannot fail checks nothing)', () => {
    const blind = rules
      .filter((rule) => {
        const [file, specifier, typeOnly = false] = rule.catches;
        return !(rule.files(file) && rule.forbidden(file, specifier, typeOnly));
      })
      .map((rule) => rule.name);
    assert.deepEqual(blind, []);
  });

  for (const rule of rules) {
    it(rule.name, () => {
      const violations = files
        .filter(rule.files)
        .flatMap((file) =>
          imports(file)
            .filter(({ specifier, typeOnly }) => rule.forbidden(file, specifier, typeOnly))
            .map(({ specifier, typeOnly }) => `${file} imports ${typeOnly ? 'type ' : ''}${specifier}`),
        );
      assert.deepEqual(violations, []);
    });
  }
});
