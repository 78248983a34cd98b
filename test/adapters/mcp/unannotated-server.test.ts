import { afterAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { REFUSAL_META_KEY } from '../../../adapters/mcp/index.js';
import { classifyTool } from '../../../src/text/index.js';
import { toToolDefinition } from '../../../src/trace/index.js';

/**
 * @kazuph/mcp-taskmanager is a real published MCP server whose tools carry no annotations, and whose
 * ids (`req-1`, `task-1`) are introduced by a create (`request_planning`) and then looked up,
 * completed and approved.
 */
const BIN = fileURLToPath(new URL('../../../bin/warden.js', import.meta.url));
const TASK_MANAGER = createRequire(import.meta.url).resolve('@kazuph/mcp-taskmanager/dist/index.js');
const dir = mkdtempSync(join(tmpdir(), 'warden-taskmanager-'));
const clients: Client[] = [];

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => {});
});

async function viaProxy(taskFile: string, policy?: Record<string, unknown>): Promise<Client> {
  const own: string[] = [];
  if (policy) {
    const file = join(dir, `policy-${clients.length}.json`);
    writeFileSync(file, JSON.stringify(policy));
    own.push('--policy', file);
  }
  const client = new Client({ name: 'test', version: '1.0.0' });
  const env = { ...(process.env as Record<string, string>), TASK_MANAGER_FILE_PATH: taskFile };
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'proxy', ...own, '--', process.execPath, TASK_MANAGER], env, stderr: 'ignore' }));
  clients.push(client);
  return client;
}

const call = (client: Client, name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
const refusal = (result: CallToolResult) => result._meta?.[REFUSAL_META_KEY] as { action: string; flags: Array<{ code: string }> } | undefined;
const text = (result: CallToolResult) => (result.content as Array<{ type: string; text?: string }>).map((part) => part.text ?? '').join('\n');

describe('an unannotated MCP server (@kazuph/mcp-taskmanager) behind the proxy', () => {
  it('has tools without annotations, classified from their names', async () => {
    const client = await viaProxy(join(dir, 'classify.json'));
    const { tools } = await client.listTools();
    expect(tools.every((tool) => tool.annotations === undefined)).toBe(true);
    const kinds = Object.fromEntries(tools.map((tool) => [tool.name, classifyTool(toToolDefinition(tool as never), undefined).kind]));
    expect(kinds).toMatchObject({
      request_planning: 'create',
      get_next_task: 'lookup',
      open_task_details: 'lookup',
      list_requests: 'lookup',
      mark_task_done: 'destructive',
      approve_task_completion: 'destructive',
      delete_task: 'destructive',
    });
  }, 30_000);

  it('a normal session (plan, look up, complete, approve; then a new connection looking up by id) sees no refusal', async () => {
    const taskFile = join(dir, 'tasks.json');
    const first = await viaProxy(taskFile);
    const steps: Array<[string, Record<string, unknown>]> = [
      ['request_planning', { originalRequest: 'Plan the product launch', tasks: [{ title: 'Write the announcement', description: 'Draft the blog post' }, { title: 'Email customers', description: 'Send the newsletter' }] }],
      ['get_next_task', { requestId: 'req-1' }],
      ['mark_task_done', { requestId: 'req-1', taskId: 'task-1', completedDetails: 'Draft is in the shared folder' }],
      ['approve_task_completion', { requestId: 'req-1', taskId: 'task-1' }],
      ['open_task_details', { taskId: 'task-2' }],
      ['add_tasks_to_request', { requestId: 'req-1', tasks: [{ title: 'Post on social media', description: 'Three posts' }] }],
    ];
    for (const [name, args] of steps) {
      const result = await call(first, name, args);
      expect(refusal(result), `${name}: ${text(result)}`).toBeUndefined();
      expect(result.isError, `${name}: ${text(result)}`).toBeFalsy();
    }
    // A new connection knows the request only by the id the user gives: lookups by that id are how it starts.
    const second = await viaProxy(taskFile);
    for (const [name, args] of [
      ['list_requests', {}],
      ['open_task_details', { taskId: 'task-1' }],
      ['get_next_task', { requestId: 'req-1' }],
    ] as const) {
      const result = await call(second, name, args);
      expect(refusal(result), `${name}: ${text(result)}`).toBeUndefined();
    }
  }, 60_000);

  it('still refuses a destructive call on an id nobody has seen, and classification can be switched off', async () => {
    const taskFile = join(dir, 'tasks-strict.json');
    const client = await viaProxy(taskFile);
    await call(client, 'request_planning', { originalRequest: 'Tidy up', tasks: [{ title: 'One', description: 'x' }] });
    const invented = await call(client, 'delete_task', { requestId: 'req-1', taskId: 'task-99' });
    expect(refusal(invented)).toMatchObject({ action: 'block', flags: [{ code: 'ENTITY_HALLUCINATION' }] });
    const unclassified = await viaProxy(taskFile, { classifyUnannotatedTools: false });
    const lookup = await call(unclassified, 'open_task_details', { taskId: 'task-1' });
    expect(refusal(lookup)?.flags[0]?.code).toBe('ENTITY_HALLUCINATION');
    // Per tool, a policy can say what a tool is.
    const overridden = await viaProxy(taskFile, { classifyUnannotatedTools: false, tools: { open_task_details: { kind: 'lookup' } } });
    expect(refusal(await call(overridden, 'open_task_details', { taskId: 'task-1' }))).toBeUndefined();
  }, 60_000);
});
