// Over HTTP, what a server sends right after initialization, tied to no request, reaches the client once
// it opens its GET stream, as it would over stdio, instead of being dropped when it comes first.
import { afterAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { closeAll, CLOSE_TIMEOUT, eventually, httpProxy, proxyUrl } from './clients.js';

const EARLY = fileURLToPath(new URL('../../fixtures/mcp-early-notify-server.mjs', import.meta.url));

afterAll(closeAll, CLOSE_TIMEOUT);

function counting(): { client: Client; seen: () => number } {
  const client = new Client({ name: 'early', version: '1' });
  let seen = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void (seen += 1));
  return { client, seen: () => seen };
}

describe('notifications a server sends right after initialization', () => {
  it('must hold: reach the client through the proxy over HTTP, all of them', async () => {
    const proxy = await httpProxy([EARLY]);
    const { client, seen } = counting();
    await client.connect(new StreamableHTTPClientTransport(proxyUrl(proxy)));
    await eventually(() => expect(seen()).toBe(3), 'three tools/list_changed');
    // The session goes on: the new tools are listed, and the last one runs.
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['first', 'second', 'third', 'fourth']);
    expect(await client.callTool({ name: 'fourth', arguments: {} })).toMatchObject({ content: [{ text: 'fourth' }] });
    await client.close();
  }, 60_000);

  it('benign twin: directly over stdio, the same three', async () => {
    const { client, seen } = counting();
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [EARLY], stderr: 'ignore' }));
    await eventually(() => expect(seen()).toBe(3), 'three tools/list_changed');
    await client.close();
  }, 60_000);
});
