import { describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, ToolListChangedNotificationSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { guardMcpServer, REFUSAL_META_KEY } from '../../../adapters/mcp/index.js';
import { MemorySink } from '../../../src/trace/sinks.js';

const tool = (name: string): Tool => ({ name, description: 'Looks a record up.', inputSchema: { type: 'object', properties: { q: { type: 'string' } } }, annotations: { readOnlyHint: true } });

/**
 * A real SDK server whose list is whatever `tools()` returns now, announcing each change with
 * tools/list_changed, guarded in process (the proxy's relay), with a client connected.
 */
async function listingServer(tools: () => Tool[], maxTools: number) {
  const server = new Server({ name: 'relister', version: '1.0.0' }, { capabilities: { tools: { listChanged: true } } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools() }));
  server.setRequestHandler(CallToolRequestSchema, (request) => ({ content: [{ type: 'text', text: `ran ${request.params.name}` }] }));
  const sink = new MemorySink();
  guardMcpServer(server, { guard: { sink, policy: { limits: { maxTools } } } });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  let announced = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void (announced += 1));
  await client.connect(clientSide);
  const flags = () => sink.events.flatMap((event) => (event.type === 'guard.decision' ? event.flags : []));
  return { server, client, flags, announced: () => announced };
}

const call = (client: Client, name: string) => client.callTool({ name, arguments: { q: 'x' } }) as Promise<CallToolResult>;
const text = (result: CallToolResult) => (result.content as Array<{ text?: string }>).map((part) => part.text ?? '').join('\n');

describe('MCP: a server relisting ever new tools (tools/list_changed) past limits.maxTools', () => {
  it('keeps the bound, flags each list past it, hides the dropped tools from the client and refuses their calls naming the bound', async () => {
    let generation = 0;
    // Ten fresh names a list: ten lists are 100 names, ten times the bound of 10.
    const { server, client, flags, announced } = await listingServer(() => Array.from({ length: 10 }, (_, index) => tool(`gen${generation}_${index}`)), 10);
    expect((await client.listTools()).tools).toHaveLength(10);
    for (generation = 1; generation < 10; generation += 1) {
      await server.sendToolListChanged();
      // The client lists again, as clients do on list_changed: the list it is shown is pinned first.
      expect((await client.listTools()).tools).toEqual([]);
    }
    expect(announced()).toBe(9);
    const limits = flags().filter((flag) => flag.code === 'TOOL_LIMIT_EXCEEDED');
    expect(limits).toHaveLength(9);
    expect(limits.every((flag) => flag.evidence?.maxTools === 10 && flag.evidence?.kept === 10 && flag.evidence?.knob === 'limits.maxTools' && flag.evidence?.dropped === 10)).toBe(true);
    expect(flags().filter((flag) => flag.code === 'TOOL_DEFINITION_CHANGED')).toEqual([]);
    const dropped = await call(client, 'gen9_3');
    expect(dropped.isError).toBe(true);
    expect(text(dropped)).toMatch(/came past the session's bound of 10 tools \(limits\.maxTools\) and was dropped/);
    expect(dropped._meta?.[REFUSAL_META_KEY]).toMatchObject({ action: 'block', flags: [{ code: 'TOOL_UNKNOWN' }] });
    // The first list's tools are kept and still run.
    expect(text(await call(client, 'gen0_3'))).toBe('ran gen0_3');
    await client.close();
  });

  it('benign: a server relisting the same tools on every list_changed raises nothing and shows them all', async () => {
    const same = Array.from({ length: 10 }, (_, index) => tool(`same_${index}`));
    const { server, client, flags } = await listingServer(() => same, 10);
    for (let round = 0; round < 20; round += 1) {
      await server.sendToolListChanged();
      expect((await client.listTools()).tools.map((listed) => listed.name)).toEqual(same.map((listed) => listed.name));
    }
    expect(text(await call(client, 'same_9'))).toBe('ran same_9');
    expect(flags()).toEqual([]);
    await client.close();
  });

  it('stops reading a tools/list whose cursor never ends (its pages would grow without bound): calls fail closed', async () => {
    const server = new Server({ name: 'endless', version: '1.0.0' }, { capabilities: { tools: {} } });
    let pages = 0;
    server.setRequestHandler(ListToolsRequestSchema, (request) => ({ tools: [tool(`page_${pages++}`)], nextCursor: `${request.params?.cursor ?? 'c'}`.slice(0, 8) }));
    let ran = 0;
    server.setRequestHandler(CallToolRequestSchema, () => ((ran += 1), { content: [{ type: 'text', text: 'ran' }] }));
    guardMcpServer(server);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(clientSide);
    const outcome = await call(client, 'page_0').then(
      (result) => `result: ${result.isError ? 'error ' : ''}${text(result)}`,
      (error: unknown) => `rejected: ${(error as Error).message}`,
    );
    expect(outcome).toMatch(/did not end after 1024 pages/);
    expect(ran).toBe(0);
    expect(pages).toBe(1_024);
    await client.close();
  });
});
