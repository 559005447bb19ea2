import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';

/**
 * The renderer's modules import each other without cycles, type-only imports included: a cycle
 * (the store importing the slices that import the store's type, a transport importing the module
 * that picks it) is how one file quietly starts to depend on the whole app.
 */
const root = join(import.meta.dirname, '..', '..', '..');

function sources(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) found.push(...sources(path));
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts')) found.push(path.split(sep).join('/'));
  }
  return found;
}

/** The renderer files a file imports (relative specifiers only; `import type` and re-exports count). */
function localImports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (match) => match[1] ?? match[2] ?? '',
  );
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => relative(root, join(root, dirname(file), specifier)).split(sep).join('/'))
    .flatMap((target) => [`${target}.ts`, `${target}.tsx`, `${target}/index.ts`, target].filter((candidate) => existsSync(join(root, candidate))).slice(0, 1))
    .filter((target) => target.startsWith('renderer/'));
}

/** Every import cycle, each as the files around it, found by depth-first search. */
export function findCycles(graph: ReadonlyMap<string, ReadonlyArray<string>>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string) => {
    const at = path.indexOf(file);
    if (at >= 0) {
      cycles.push([...path.slice(at), file]);
      return;
    }
    if (done.has(file)) return;
    path.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    path.pop();
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) visit(file);
  return cycles;
}

describe('renderer import graph', () => {
  const graph = new Map(sources('renderer').map((file) => [file, localImports(file)]));

  it('reads the renderer and the imports between its files', () => {
    assert.ok(graph.size > 50, `only ${graph.size} renderer files found`);
    assert.ok((graph.get('renderer/state/store.ts') ?? []).includes('renderer/state/users-slice.ts'), 'store.ts should import users-slice.ts');
  });

  it('finds a cycle when there is one', () => {
    const cycles = findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]));
    assert.deepEqual(cycles, [['a', 'b', 'c', 'a']]);
  });

  it('has no import cycles', () => {
    assert.deepEqual(findCycles(graph).map((cycle) => cycle.join(' → ')), []);
  });
});
