import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | { types: string; import: string }> };

/** Each code entry point of the package, as its TypeScript source (`./dist/src/index.js` -> `src/index.ts`). */
const ENTRIES = Object.entries(pkg.exports).flatMap(([subpath, target]) =>
  typeof target === 'string' ? [] : [[subpath, join(ROOT, target.import.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'))] as const],
);

const program = ts.createProgram(
  ENTRIES.map(([, file]) => file),
  { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true, noEmit: true, types: ['node'] },
);
const checker = program.getTypeChecker();

function exportsOf(file: string): ts.Symbol[] {
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`${file} is not part of the program`);
  return checker.getExportsOfModule(checker.getSymbolAtLocation(source)!);
}

const resolved = (symbol: ts.Symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);

/** Case-insensitive by name, then by code point: the same order on every machine, whatever its locale. */
function byName(a: string, b: string): number {
  const [x, y] = [a.replace(/^type /, '').toLowerCase(), b.replace(/^type /, '').toLowerCase()];
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `name` for a value (a function, class or constant), `type name` for a type only. */
function exportList(file: string): string[] {
  return exportsOf(file)
    .map((symbol) => (resolved(symbol).flags & ts.SymbolFlags.Value ? symbol.name : `type ${symbol.name}`))
    .sort(byName);
}

describe('export lists', () => {
  it('names every entry point explicitly: no wildcard re-exports', () => {
    for (const [subpath, file] of ENTRIES) expect(readFileSync(file, 'utf8'), subpath).not.toMatch(/export \* from/);
  });

  it('pins the export list of each entry point', () => {
    expect(Object.fromEntries(ENTRIES.map(([subpath, file]) => [subpath, exportList(file)]))).toMatchSnapshot();
  });

  it('documents every export of the root, and shows the main ones in an example', () => {
    const undocumented: string[] = [];
    const withoutExample: string[] = [];
    const MAIN = new Set(['createGuard', 'Guard', 'GuardSession', 'withheldAnswer', 'defineCheck', 'MessageFeed', 'resolvePolicy']);
    for (const symbol of exportsOf(join(ROOT, 'src/index.ts'))) {
      const target = resolved(symbol);
      if (ts.displayPartsToString(target.getDocumentationComment(checker)).trim() === '') undocumented.push(symbol.name);
      if (MAIN.has(symbol.name) && !target.getJsDocTags(checker).some((tag) => tag.name === 'example')) withoutExample.push(symbol.name);
    }
    expect(undocumented).toEqual([]);
    expect(withoutExample).toEqual([]);
  });
});
