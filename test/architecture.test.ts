import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports, type-only imports and `import('...')` types included, as written. */
function specifiersOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) found.push(node.moduleReference.expression.text);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) found.push(node.argument.literal.text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) found.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The repository's own modules each file imports, as paths relative to the root (`src/guard.ts`). */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = specifiersOf(file)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => {
        const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
        return existsSync(target) ? target : resolve(dirname(file), specifier, 'index.ts');
      });
    graph.set(relative(ROOT, file), targets.map((target) => relative(ROOT, target)));
  }
  return graph;
}

/** Strongly connected components with more than one module (or a module importing itself): the cycles. */
export function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) connect(node);
  return cycles;
}

/** The folder (or root-level file) a module belongs to: `src/state`, `src/guard.ts`, `adapters/mcp`. */
function area(path: string): string {
  const parts = path.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : path;
}

/**
 * What each part of the core may import besides itself. The layers, bottom up: text; trace, schema;
 * codes, policy; state; checks; protocol; session (the jobs of session.ts). Forensics and exporters
 * read traces and never reach into a live session.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  'src/text': [],
  'src/schema': ['src/text'],
  'src/trace': ['src/text', 'src/tool-definition.ts'],
  'src/codes.ts': ['src/trace'],
  'src/tool-kind.ts': ['src/trace'],
  'src/policy': ['src/trace', 'src/schema', 'src/text', 'src/codes.ts', 'src/tool-kind.ts'],
  'src/state': ['src/trace', 'src/text', 'src/schema', 'src/policy', 'src/codes.ts', 'src/tool-kind.ts'],
  'src/checks': ['src/state', 'src/trace', 'src/text', 'src/schema', 'src/policy', 'src/codes.ts', 'src/tool-kind.ts'],
  'src/protocol': ['src/decision.ts', 'src/refusal.ts', 'src/text', 'src/trace'],
  'src/otel': ['src/trace', 'src/text', 'src/codes.ts'],
  'src/convert': ['src/trace', 'src/text', 'src/tool-definition.ts'],
  // number-column.ts imports nothing: typed storage the replay and triage pack finished sessions into.
  'src/forensics': ['src/trace', 'src/text', 'src/codes.ts', 'src/convert', 'src/replay.ts', 'src/guard.ts', 'src/decision.ts', 'src/policy', 'src/state', 'src/number-column.ts'],
};

/** The only core modules an adapter may import: the package's own entry points, as a user would. */
const ENTRY_POINTS = new Set(['src/index.ts', 'src/text/index.ts', 'src/trace/index.ts', 'src/trace/sinks.ts', 'src/forensics/index.ts']);

const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'adapters'))];
const graph = importGraph(files);
const edges = [...graph].flatMap(([from, targets]) => targets.map((to) => ({ from, to })));

describe('architecture', () => {
  it('finds cycles, type-only ones included (the rule below can fail)', () => {
    expect(cyclesOf(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
    const typeOnly = specifiersOf(join(ROOT, 'src/checks/check.ts'));
    expect(typeOnly).toContain('../state/session-view.js');
  });

  it('has no import cycles between modules, counting type-only imports', () => {
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('keeps each layer to what it may import (state/ never imports checks/)', () => {
    // Entry points gather the public surface from every layer: they are not a layer themselves.
    const broken = edges.filter(({ from, to }) => {
      if (ENTRY_POINTS.has(from)) return false;
      const allowed = MAY_IMPORT[area(from)];
      return allowed !== undefined && area(to) !== area(from) && !allowed.includes(area(to));
    });
    expect(broken).toEqual([]);
  });

  it('keeps the core free of the CLI, the demo and the adapters', () => {
    const broken = edges.filter(({ from, to }) => from.startsWith('src/') && !from.startsWith('src/cli/') && !from.startsWith('src/demo/') && (to.startsWith('src/cli/') || to.startsWith('src/demo/') || to.startsWith('adapters/')));
    expect(broken).toEqual([]);
  });

  it('lets adapters use the core only through its entry points, and never one another', () => {
    const broken = edges.filter(({ from, to }) => from.startsWith('adapters/') && (to.startsWith('src/') ? !ENTRY_POINTS.has(to) : area(to) !== area(from)));
    expect(broken).toEqual([]);
  });

  it('gives checks a read-only view of the session, never the mutable state', () => {
    const checkContext = readFileSync(join(ROOT, 'src/checks/check.ts'), 'utf8');
    expect(checkContext).toMatch(/readonly session: SessionView;/);
    expect(edges.filter(({ from, to }) => from.startsWith('src/checks/') && to === 'src/state/session-state.ts')).toEqual([]);
  });
});
