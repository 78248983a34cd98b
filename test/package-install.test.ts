import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> };

/** The newest major of every peer, as a user starting today would install them. */
const NEWEST = ['ai@latest', '@ai-sdk/provider@latest', '@openai/agents-core@latest', 'langchain@latest', '@langchain/core@latest', '@langchain/langgraph@latest', '@opentelemetry/api@latest', 'zod@latest'];

/** Registry unreachable: the install says nothing about our peer ranges. */
const OFFLINE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|network/i;

// What a project on the newest majors runs: the adapter on ai 7 with its own V4 mock model, and every subpath loads.
const SMOKE = `
import { createGuard } from 'agent-warden';
import { guardAiSdk } from 'agent-warden/ai-sdk';
import { guardAgent } from 'agent-warden/openai-agents';
import { wardenMiddleware } from 'agent-warden/langchain';
import { createOtelSink } from 'agent-warden/otel';
import { generateText, stepCountIs, tool } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { z } from 'zod';
const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };
const script = [
  { content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'get_order', input: '{"order_id":"ord_555"}' }], finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage, warnings: [] },
  { content: [{ type: 'text', text: 'I could not find it.' }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] },
];
const session = await createGuard().startSession({ entities: { customer_id: 'cust_789' } });
const ran = [];
const tools = { get_order: tool({ description: 'Fetch one order', inputSchema: z.object({ order_id: z.string() }), execute: async ({ order_id }) => (ran.push(order_id), { order_id }) }) };
const model = new MockLanguageModelV4({ modelId: 'mock', doGenerate: async () => script.shift() });
const result = await generateText({ prompt: 'Hi, I am cust_789.', ...guardAiSdk(session, { model, tools, stopWhen: stepCountIs(4) }) });
console.log(JSON.stringify({ ran, refused: result.steps[0].toolResults[0]?.output?.error, text: result.text, spent: session.spend.tokens, loaded: [typeof guardAgent, typeof wardenMiddleware, typeof createOtelSink] }));
`;

describe('the packed tarball', () => {
  it('declares peer ranges that accept ai 6 and 7 and @ai-sdk/provider 3 and 4', () => {
    expect(pkg.peerDependencies.ai).toBe('^6.0.0 || ^7.0.0');
    expect(pkg.peerDependencies['@ai-sdk/provider']).toBe('^3.0.0 || ^4.0.0');
  });

  it('installs beside the newest majors of every peer without --legacy-peer-deps, and guards an ai 7 run', async (context) => {
    if (!existsSync(join(ROOT, 'dist/src/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    const work = mkdtempSync(join(tmpdir(), 'agent-warden-install-'));
    try {
      const { stdout: packed } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
      const tarball = join(work, (JSON.parse(packed) as Array<{ filename: string }>)[0]!.filename);
      const project = join(work, 'app');
      await run('mkdir', ['-p', project]);
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
      let install: { stdout: string; stderr: string };
      try {
        install = await run('npm', ['install', '--no-audit', '--no-fund', tarball, ...NEWEST], { cwd: project, maxBuffer: 16 * 1024 * 1024 });
      } catch (error) {
        const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
        if (!/ERESOLVE/.test(output) && OFFLINE.test(output)) return context.skip(`npm registry unreachable: ${output.slice(0, 200)}`);
        throw new Error(`npm install failed:\n${output}`);
      }
      // Engine warnings (ai 7 asks for Node 22) are fine; a peer conflict is not.
      expect(install.stderr).not.toMatch(/ERESOLVE|peer dep/i);
      const installed = JSON.parse(readFileSync(join(project, 'node_modules/ai/package.json'), 'utf8')) as { version: string };
      expect(Number(installed.version.split('.')[0])).toBeGreaterThanOrEqual(7);
      writeFileSync(join(project, 'smoke.mjs'), SMOKE);
      const { stdout } = await run(process.execPath, ['smoke.mjs'], { cwd: project });
      expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ ran: [], refused: 'agent_warden_refused', text: 'I could not find it.', spent: 30, loaded: ['function', 'function', 'function'] });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 900_000);
});
