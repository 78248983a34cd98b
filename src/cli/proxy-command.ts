import type { Command } from './command.js';
import { policyOption, stringOption, UsageError } from './options.js';
import { outputFailure, prepareOutput } from './output.js';

function parseListen(value: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(value);
  if (!match || Number(match[2]) > 65535) throw new UsageError(`--listen takes HOST:PORT (e.g. 127.0.0.1:8931), got "${value}"`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

export const command: Command = {
  name: 'proxy',
  usage: ['proxy [options] -- COMMAND [ARGS...]'],
  description:
    'Starts the upstream MCP server COMMAND as a child over stdio and serves its tools on its own stdio (or over Streamable HTTP with --listen): every tools/call checked before it is forwarded and its result after, tool definitions pinned, everything else passed through, the session recorded as a trace with --trace.',
  options: {
    policy: { type: 'string', arg: 'FILE', help: 'decide with this policy (JSON; see docs/policy.md)' },
    trace: { type: 'string', arg: 'FILE', help: 'record every session as a trace in FILE (folders created as needed)' },
    listen: { type: 'string', arg: 'HOST:PORT', help: 'serve MCP over Streamable HTTP at http://HOST:PORT/mcp instead of stdio' },
    'max-frame-bytes': { type: 'string', arg: 'N', help: 'refuse JSON-RPC frames larger than N bytes (default 4 MiB)' },
  },
  positionals: [0, 0],
  passThrough: true,
  examples: [
    ['warden proxy -- npx @modelcontextprotocol/server-everything', 'guard a published server, over stdio'],
    ['warden proxy --policy policy.json --trace mcp.jsonl --listen 127.0.0.1:8931 -- node server.js', 'over HTTP, with a policy and a trace'],
  ],
  async run({ values, positionals, passThrough }) {
    if (positionals.length > 0) throw new UsageError(`put the upstream command after --: warden proxy -- ${positionals.join(' ')}`);
    if (passThrough.length === 0) throw new UsageError('proxy needs the upstream server command after --, e.g. warden proxy -- npx @modelcontextprotocol/server-everything');
    const maxFrameOption = stringOption(values['max-frame-bytes']);
    const maxFrameBytes = maxFrameOption === undefined ? undefined : Number(maxFrameOption);
    if (maxFrameBytes !== undefined && !(Number.isSafeInteger(maxFrameBytes) && maxFrameBytes > 0)) throw new UsageError(`--max-frame-bytes takes a positive whole number, got "${maxFrameOption}"`);
    const listen = stringOption(values.listen);
    const address = listen ? parseListen(listen) : undefined;
    const policy = await policyOption(stringOption(values.policy));
    const tracePath = stringOption(values.trace);
    // The MCP SDK is loaded by this command only.
    const { startProxy } = await import('../../adapters/mcp/proxy.js');
    const { JsonlFileSink } = await import('../trace/jsonl-sink.js');
    if (tracePath) prepareOutput(tracePath);
    let sink: InstanceType<typeof JsonlFileSink> | undefined;
    try {
      sink = tracePath ? new JsonlFileSink(tracePath) : undefined;
    } catch (error) {
      throw outputFailure(tracePath!, error);
    }
    const proxy = await startProxy({
      command: passThrough[0]!,
      args: passThrough.slice(1),
      guard: { ...policy, ...(sink ? { sink } : {}) },
      ...(address ? { listen: address } : {}),
      ...(maxFrameBytes ? { maxFrameBytes } : {}),
    });
    if (proxy.address) process.stderr.write(`warden proxy: serving MCP over Streamable HTTP at http://${proxy.address.address}:${proxy.address.port}/mcp\n`);
    const stop = () => void proxy.close();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await proxy.closed;
    sink?.close();
    return 0;
  },
};
