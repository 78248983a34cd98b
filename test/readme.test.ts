import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './setup/fs-guard.js';

/**
 * The README's code is tested. Convention (see the comment at the top of the README's source):
 * - every ```ts and ```js block is type-checked against the package, as a module of its own;
 * - an HTML comment `<!-- readme-test: DECLARATIONS -->` right before a block supplies what the
 *   snippet takes from its surroundings (`declare const session: ...`), invisible to readers;
 * - `<!-- readme-test: run -->` before a block also runs it (built package, no network) and
 *   expects a clean exit;
 * - shell sessions and output are ```sh / ``` blocks, JSON is ```json: not TypeScript, not checked.
 */
interface Snippet {
  line: number;
  lang: 'ts' | 'js';
  code: string;
  prelude: string;
  run: boolean;
}

function snippets(markdown: string): Snippet[] {
  const found: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const open = /^```(ts|typescript|js|javascript)\s*$/.exec(lines[index]!);
    if (!open) continue;
    const start = index;
    const body: string[] = [];
    for (index += 1; index < lines.length && !/^```\s*$/.test(lines[index]!); index += 1) body.push(lines[index]!);
    let prelude = '';
    let run = false;
    for (let back = start - 1; back >= 0 && /^<!--\s*readme-test:/.test(lines[back]!); back -= 1) {
      const directive = /^<!--\s*readme-test:\s*([\s\S]*?)\s*-->$/.exec(lines[back]!)![1]!;
      if (directive === 'run') run = true;
      else prelude = `${directive}\n${prelude}`;
    }
    found.push({ line: start + 1, lang: open[1]!.startsWith('t') ? 'ts' : 'js', code: body.join('\n'), prelude, run });
  }
  return found;
}

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const SNIPPETS = snippets(README);

/** `agent-warden` and its subpaths, mapped to their sources through package.json's exports. */
function packagePaths(): Record<string, string[]> {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string | { types?: string }> };
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const types = typeof target === 'string' ? undefined : target.types;
    if (!types) continue;
    const source = types.replace(/^\.\/dist\//, './').replace(/\.d\.ts$/, '.ts');
    paths[subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`] = [join(REPO_ROOT, source)];
  }
  return paths;
}

function typeErrors(): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(REPO_ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const options: ts.CompilerOptions = { ...config.options, noEmit: true, noUnusedLocals: false, noUnusedParameters: false, paths: packagePaths(), declaration: false, sourceMap: false };
  const files = new Map(SNIPPETS.map((snippet) => [join(REPO_ROOT, 'test', `readme-line-${snippet.line}.${snippet.lang === 'ts' ? 'ts' : 'js'}`), `${snippet.prelude}${snippet.code}\nexport {};\n`]));
  if (SNIPPETS.some((snippet) => snippet.lang === 'js')) options.allowJs = options.checkJs = true;
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, target, ...rest) => (files.has(name) ? ts.createSourceFile(name, files.get(name)!, target) : getSourceFile.call(host, name, target, ...rest));
  const fileExists = host.fileExists;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  const readFile = host.readFile;
  host.readFile = (name) => files.get(name) ?? readFile.call(host, name);
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file && files.has(diagnostic.file.fileName))
    .map((diagnostic) => {
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const snippetLine = Number(/readme-line-(\d+)/.exec(diagnostic.file!.fileName)![1]);
      const preludeLines = diagnostic.file!.text.split('\n').length - SNIPPETS.find((snippet) => snippet.line === snippetLine)!.code.split('\n').length - 2;
      return `README.md:${snippetLine + 1 + line - preludeLines}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
}

describe('the README', () => {
  it('presents TypeScript blocks, at least one of them runnable', () => {
    expect(SNIPPETS.length).toBeGreaterThanOrEqual(5);
    expect(SNIPPETS.some((snippet) => snippet.run)).toBe(true);
  });

  it('type-checks every TypeScript and JavaScript block against the package', () => {
    expect(typeErrors()).toEqual([]);
  }, 180_000);

  it('runs every block marked runnable, against the built package', () => {
    const dist = join(REPO_ROOT, 'dist', 'src', 'index.js');
    expect(existsSync(dist), 'run `npm run build` first (npm test does)').toBe(true);
    const paths = packagePaths();
    const dir = mkdtempSync(join(tmpdir(), 'warden-readme-'));
    for (const snippet of SNIPPETS.filter((candidate) => candidate.run)) {
      let js = ts.transpileModule(snippet.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      // The package's own name resolves to its build, as it would for a user.
      js = js.replace(/from\s+'(agent-warden(?:\/[\w-]+)?)'/g, (whole, name: string) => {
        const source = paths[name]?.[0];
        if (!source) return whole;
        return `from '${pathToFileURL(source.replace(REPO_ROOT, join(REPO_ROOT, 'dist')).replace(/\.ts$/, '.js')).href}'`;
      });
      const file = join(dir, `readme-line-${snippet.line}.mjs`);
      writeFileSync(file, js);
      const run = spawnSync(process.execPath, [file], { encoding: 'utf8', cwd: dir, timeout: 110_000 });
      expect({ line: snippet.line, status: run.status, stderr: run.stderr }).toEqual({ line: snippet.line, status: 0, stderr: '' });
      if (snippet.code.includes("order_id: 'ord_555'")) {
        // The "Use it" example: the invented order is refused, the real one returned.
        expect(run.stdout).toMatch(/ENTITY_HALLUCINATION[\s\S]*ord_1001/);
      }
    }
  }, 120_000);

  it('every runnable block imports only what a user of the package has', () => {
    for (const snippet of SNIPPETS.filter((candidate) => candidate.run)) {
      for (const [, name] of snippet.code.matchAll(/from\s+'([^']+)'/g)) expect(name!.startsWith('.')).toBe(false);
    }
  });
});
