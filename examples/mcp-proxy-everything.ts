/**
 * The guarding proxy in front of a real MCP server from npm (@modelcontextprotocol/server-everything),
 * driven by the official MCP client, as an MCP host would.
 * Run: npm run build && node dist/examples/mcp-proxy-everything.js
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const everything = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
const warden = fileURLToPath(new URL('../../bin/warden.js', import.meta.url));

// What a client's MCP config would say: { "command": "npx", "args": ["warden", "proxy", "npx", "@modelcontextprotocol/server-everything"] }
// The host offers sampling: the proxy passes that on, and relays the server's sampling requests (scanned, and counted against the budget).
const client = new Client({ name: 'example-host', version: '1.0.0' }, { capabilities: { sampling: {} } });
client.setRequestHandler(CreateMessageRequestSchema, async () => ({ model: 'example-model', role: 'assistant', content: { type: 'text', text: 'Four.' } }));
await client.connect(new StdioClientTransport({ command: process.execPath, args: [warden, 'proxy', process.execPath, everything, 'stdio'], stderr: 'ignore' }));

const { tools } = await client.listTools();
console.log(`${tools.length} tools served through the proxy: ${tools.map((tool) => tool.name).join(', ')}`);
const show = (label: string, result: unknown) => console.log(`${label}\n  -> ${JSON.stringify(result).slice(0, 240)}`);
show('echo("hello")', await client.callTool({ name: 'echo', arguments: { message: 'hello' } }));
const progress: string[] = [];
await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } }, undefined, { onprogress: ({ progress: step, total }) => void progress.push(`${step}/${total}`) });
console.log(`trigger-long-running-operation: progress ${progress.join(', ')}`);
show('trigger-sampling-request("What is 2+2?")   (the server asks the host to sample)', await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'What is 2+2?' } }));
show('get-sum(a: "two", b: 3)   (violates the schema)', await client.callTool({ name: 'get-sum', arguments: { a: 'two', b: 3 } }));
for (let attempt = 1; attempt <= 4; attempt += 1) {
  const result = await client.callTool({ name: 'echo', arguments: { message: 'are we there yet?' } });
  show(`echo("are we there yet?") #${attempt}`, result);
}
await client.close();
