import { startProxy } from '../../adapters/mcp/proxy.js';
import { JsonlFileSink } from '../trace/jsonl-sink.js';
import { policyOption, UsageError } from './options.js';

function parseListen(value: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(value);
  if (!match) throw new UsageError(`--listen takes HOST:PORT (e.g. 127.0.0.1:8931), got "${value}"`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

/** `warden proxy [--policy P] [--trace F] [--listen HOST:PORT] -- COMMAND [ARGS...]` */
export async function runProxy(command: string[], options: { policy?: string; trace?: string; listen?: string; 'max-frame-bytes'?: string }): Promise<number> {
  if (command.length === 0) throw new UsageError('proxy needs the upstream server command after --, e.g. warden proxy -- npx @modelcontextprotocol/server-everything');
  const sink = options.trace ? new JsonlFileSink(options.trace) : undefined;
  const maxFrameBytes = options['max-frame-bytes'] === undefined ? undefined : Number(options['max-frame-bytes']);
  if (maxFrameBytes !== undefined && !(Number.isInteger(maxFrameBytes) && maxFrameBytes > 0)) throw new UsageError('--max-frame-bytes takes a positive whole number');
  const proxy = await startProxy({
    command: command[0]!,
    args: command.slice(1),
    guard: { ...policyOption(options.policy), ...(sink ? { sink } : {}) },
    ...(options.listen ? { listen: parseListen(options.listen) } : {}),
    ...(maxFrameBytes ? { maxFrameBytes } : {}),
  });
  if (proxy.address) process.stderr.write(`warden proxy: serving MCP over Streamable HTTP at http://${proxy.address.address}:${proxy.address.port}/mcp\n`);
  const stop = () => void proxy.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await proxy.closed;
  sink?.close();
  return 0;
}
