import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Bench, type Task } from 'tinybench';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const EVERYTHING = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
const WARDEN = fileURLToPath(new URL('../../bin/warden.js', import.meta.url));

async function client(args: string[]): Promise<Client> {
  const connected = new Client({ name: 'bench', version: '1.0.0' });
  await connected.connect(new StdioClientTransport({ command: process.execPath, args, stderr: 'ignore' }));
  return connected;
}

/** tools/call round trips to server-everything's echo: direct, and through `warden proxy`. */
export async function proxyLatency(): Promise<Task[]> {
  const direct = await client([EVERYTHING, 'stdio']);
  const proxied = await client([WARDEN, 'proxy', '--', process.execPath, EVERYTHING, 'stdio']);
  let directCalls = 0;
  let proxiedCalls = 0;
  // Distinct messages: the same call repeated would (rightly) be paused as a loop.
  const bench = new Bench({ time: 2_000 });
  bench
    .add('floor: tools/call echo, direct stdio connection', async () => {
      await direct.callTool({ name: 'echo', arguments: { message: `direct ${directCalls++}` } });
    })
    .add('proxy: the same call through warden proxy', async () => {
      await proxied.callTool({ name: 'echo', arguments: { message: `proxied ${proxiedCalls++}` } });
    });
  await bench.run();
  await direct.close();
  await proxied.close();
  return bench.tasks;
}
