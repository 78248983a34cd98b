import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, { types: string; import: string }>;
  dependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional: boolean }>;
};

/** Modules reached from `entry` by static relative imports, and the packages they import. */
function staticImports(entry: string): { modules: string[]; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    // Type-only imports are erased from the built code: they load nothing.
    for (const match of readFileSync(file, 'utf8').matchAll(/^(?:import|export)(?! type )[^'\n]*?from '([^']+)'/gm)) {
      const target = match[1]!;
      if (target.startsWith('.')) stack.push(resolve(dirname(file), target.replace(/\.js$/, '.ts')));
      else packages.add(target);
    }
  }
  return { modules: [...seen].map((file) => file.slice(ROOT.length)), packages };
}

describe('agent-warden/redis', () => {
  it('is a subpath export, with redis an optional peer that is never installed for you', () => {
    expect(pkg.exports['./redis']).toEqual({ types: './dist/adapters/redis/index.d.ts', import: './dist/adapters/redis/index.js' });
    expect(pkg.dependencies.redis).toBeUndefined();
    expect(pkg.peerDependenciesMeta.redis?.optional).toBe(true);
  }, 30_000);

  it('loads through its subpath, as a user would', async () => {
    const redis = await import('agent-warden/redis');
    for (const name of ['createRedisStore', 'killSession', 'pauseSession', 'resumeSession', 'listSessions', 'countSessions']) expect(typeof (redis as Record<string, unknown>)[name], name).toBe('function');
  }, 30_000);

  it('neither the root entry nor the CLI loads redis until a shared-session command runs', () => {
    for (const entry of ['src/index.ts', 'src/cli/main.ts', 'src/cli/commands.ts', 'src/cli/sessions-command.ts', 'src/cli/halt-command.ts']) {
      const { modules, packages } = staticImports(join(ROOT, entry));
      expect(packages.has('redis'), entry).toBe(false);
      expect(modules.filter((file) => file.includes('adapters/redis')), entry).toEqual([]);
    }
    expect(staticImports(join(ROOT, 'adapters/redis/index.ts')).packages.has('redis')).toBe(true);
  }, 30_000);

  it('rejects bad options and session ids with a clear error, before touching Redis', async () => {
    const { createRedisStore } = await import('../../../adapters/redis/index.js');
    const client = {} as never;
    expect(() => createRedisStore({ client, prefix: 'a{b}:' })).toThrow(/prefix may not contain/);
    expect(() => createRedisStore({ client, ttlMs: 0 })).toThrow(/ttlMs must be a positive integer/);
    expect(() => createRedisStore({ client, timeoutMs: 1.5 })).toThrow(/timeoutMs must be a positive integer/);
    expect(() => createRedisStore({ client, maxLogEvents: -1 })).toThrow(/maxLogEvents/);
    expect(() => createRedisStore({ client, maxLogBytes: 0 })).toThrow(/maxLogBytes must be a positive integer/);
    const store = createRedisStore({ client });
    expect(() => store.log!('')).toThrow(/1 to 512 characters/);
    expect(() => store.log!('x'.repeat(513))).toThrow(/1 to 512 characters/);
  }, 30_000);
});
