// guardMcpServer hands a tool handler arguments it may change, as an unguarded server would, while the
// guard keeps (and records) the frozen snapshot it checked.
import { describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { guardMcpServer } from '../../../adapters/mcp/index.js';
import { MemorySink } from '../../../src/trace/sinks.js';

/** A server whose handler normalises its arguments in place (sorts a list, adds a field): a common pattern. */
function mutatingServer(): Server {
  const server = new Server({ name: 'mutate', version: '1.0.0' }, { capabilities: { tools: {} } });
  const inputSchema = { type: 'object' as const, properties: { items: { type: 'array', items: { type: 'string' } }, opts: { type: 'object' } } };
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [{ name: 'tag_items', inputSchema, annotations: { readOnlyHint: true } }] }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const args = request.params.arguments as { items: string[]; opts: Record<string, unknown> };
    args.items.sort();
    args.opts.seen = true;
    return { content: [{ type: 'text', text: JSON.stringify(args) }] };
  });
  return server;
}

async function connect(server: Server): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}

const tagItems = (client: Client) => client.callTool({ name: 'tag_items', arguments: { items: ['b', 'a'], opts: {} } }) as Promise<CallToolResult>;

describe('a handler that changes its arguments in place', () => {
  it('must hold: works under guardMcpServer, and the guard records the arguments as the client sent them', async () => {
    const sink = new MemorySink();
    const server = mutatingServer();
    guardMcpServer(server, { guard: { sink } });
    const client = await connect(server);
    await client.listTools();
    const result = await tagItems(client);
    expect(result.isError).toBeFalsy();
    expect(result.content).toEqual([{ type: 'text', text: '{"items":["a","b"],"opts":{"seen":true}}' }]);
    const recorded = sink.events.find((event) => event.type === 'tool.call');
    expect(recorded && 'arguments' in recorded ? recorded.arguments : undefined).toEqual({ items: ['b', 'a'], opts: {} });
    await client.close();
  });

  it('benign twin: unguarded, the same result', async () => {
    const client = await connect(mutatingServer());
    expect((await tagItems(client)).content).toEqual([{ type: 'text', text: '{"items":["a","b"],"opts":{"seen":true}}' }]);
    await client.close();
  });
});
