import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; import: string }>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional: boolean }>;
};

describe('package exports', () => {
  it('every subpath resolves to a built module with its types', () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      const files = typeof target === 'string' ? [target] : [target.import, target.types];
      for (const file of files) expect(existsSync(join(ROOT, file)), `${subpath} -> ${file}`).toBe(true);
    }
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', './mcp', './ai-sdk', './openai-agents', './langchain', './otel', './forensics', './sinks', './trace', './text']));
  });

  it('never installs a framework: frameworks and OpenTelemetry are optional peers only', () => {
    for (const framework of ['ai', '@openai/agents-core', 'langchain', '@langchain/core', '@langchain/langgraph', '@opentelemetry/api']) {
      expect(pkg.dependencies[framework], framework).toBeUndefined();
      expect(pkg.peerDependenciesMeta[framework]?.optional, framework).toBe(true);
    }
  });

  it('loads each adapter through its subpath, as a user would', async () => {
    const mcp = await import('agent-warden/mcp');
    const aiSdk = await import('agent-warden/ai-sdk');
    const openaiAgents = await import('agent-warden/openai-agents');
    const langchain = await import('agent-warden/langchain');
    expect(typeof mcp.guardMcpServer).toBe('function');
    expect(typeof aiSdk.guardAiSdk).toBe('function');
    expect(typeof openaiAgents.guardAgent).toBe('function');
    expect(typeof langchain.wardenMiddleware).toBe('function');
    const forensics = await import('agent-warden/forensics');
    const sinks = await import('agent-warden/sinks');
    const trace = await import('agent-warden/trace');
    const text = await import('agent-warden/text');
    expect([typeof forensics.triageTrace, typeof sinks.MemorySink, typeof trace.readTrace, typeof text.toolArguments]).toEqual(['function', 'function', 'function', 'function']);
    // Loading four frameworks is slow on a busy machine: a generous bound, never a speed assertion.
  }, 120_000);
});
