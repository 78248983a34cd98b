import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Every module the root entry pulls in, following relative imports. */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/from '(\.[^']+)'/g)) {
      const target = resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts'));
      if (target.endsWith('.ts')) stack.push(target);
    }
  }
  return seen;
}

describe('public surface', () => {
  it('the root entry does not load the CLI, the demo or any adapter', () => {
    const modules = [...reachable(join(SRC, 'index.ts'))].map((file) => file.slice(SRC.length));
    expect(modules.filter((file) => file.startsWith('cli/') || file.startsWith('demo/') || file.includes('adapters'))).toEqual([]);
  });

  it('exports the guard and the session by name; forensics, sinks and text helpers live on their subpaths', async () => {
    const api = await import('../src/index.js');
    for (const name of ['createGuard', 'Guard', 'GuardSession', 'resolvePolicy', 'AnomalyCode', 'defineCheck', 'withheldAnswer', 'MessageFeed']) expect(api, name).toHaveProperty(name);
    for (const name of ['replayTrace', 'readTrace', 'JsonlFileSink', 'MemorySink', 'triageTrace', 'toolArguments', 'createOtelSink']) expect(api, name).not.toHaveProperty(name);
  });

  it('ships a check module per check', () => {
    const checks = readdirSync(join(SRC, 'checks'));
    for (const name of ['entity-verification', 'argument-schema', 'entity-provenance', 'entity-mismatch', 'loop', 'budget', 'truncation', 'untrusted-output', 'context-drift', 'prompt-injection', 'tool-definition-drift']) {
      expect(checks).toContain(`${name}.ts`);
    }
  });
});
