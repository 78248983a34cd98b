import { constants } from 'node:os';
import type { Command, CommandArgs } from './command.js';
import { CommandFailure, policyOption, stringOption, UsageError } from './options.js';
import { outputFailure, prepareOutput } from './output.js';

function parseListen(value: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(value);
  if (!match || Number(match[2]) > 65535) throw new UsageError(`--listen takes HOST:PORT (e.g. 127.0.0.1:8931), got "${value}"`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

function positiveInteger(values: CommandArgs['values'], name: string): number | undefined {
  const text = stringOption(values[name]);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(Number.isSafeInteger(value) && value > 0)) throw new UsageError(`--${name} takes a positive whole number, got "${text}"`);
  return value;
}

/** Splits a command line into words like a POSIX shell would, for quotes and backslashes only (no expansion). */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let started = false;
  let quote: '"' | "'" | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && index + 1 < line.length && '"\\$`'.includes(line[index + 1]!)) word += line[++index];
      else word += char;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      started = true;
    } else if (char === '\\' && index + 1 < line.length) {
      word += line[++index];
      started = true;
    } else if (/\s/.test(char)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += char;
      started = true;
    }
  }
  if (quote) throw new UsageError(`--upstream has an unclosed ${quote} quote: ${line}`);
  if (started) words.push(word);
  return words;
}

/**
 * The upstream command: the words after the proxy's options (with or without `--`; launchers that
 * repeat the separator are forgiven), or `--upstream "COMMAND ARGS"`, never both.
 */
export function upstreamCommand(upstream: string | undefined, passThrough: readonly string[]): string[] {
  let start = 0;
  while (passThrough[start] === '--') start += 1;
  const words = passThrough.slice(start);
  if (upstream !== undefined && words.length > 0) throw new UsageError(`give the upstream command once: either --upstream "${upstream}" or after the options, not both`);
  const command = upstream !== undefined ? splitCommandLine(upstream) : words;
  if (command.length === 0) {
    throw new UsageError('proxy needs the upstream server command, e.g. warden proxy npx @modelcontextprotocol/server-everything (or --upstream "npx @modelcontextprotocol/server-everything")');
  }
  return command;
}

export const command: Command = {
  name: 'proxy',
  usage: ['proxy [options] [--] COMMAND [ARGS...]', 'proxy [options] --upstream "COMMAND ARGS"'],
  description:
    'Starts the upstream MCP server COMMAND as a child over stdio and relays MCP between it and the client on its own stdio (or over Streamable HTTP with --listen, one upstream per client session): every message passes through both ways (sampling, elicitation, roots, progress, cancellation, logging, tasks), except that every tools/call is checked before it is forwarded and its result after, tool definitions are pinned, sampling requests are scanned and counted against the budget, and a pause is put to the user through elicitation (or lifts after the policy\'s pauseTimeoutMs). The first word that is not one of the options starts COMMAND, so `--` is optional. The session is recorded as a trace with --trace.',
  options: {
    policy: { type: 'string', arg: 'FILE', help: 'decide with this policy (JSON; see docs/policy.md)' },
    trace: { type: 'string', arg: 'FILE', help: 'record every session as a trace in FILE (folders created as needed)' },
    listen: { type: 'string', arg: 'HOST:PORT', help: 'serve MCP over Streamable HTTP at http://HOST:PORT/mcp instead of stdio' },
    'max-frame-bytes': { type: 'string', arg: 'N', help: 'answer JSON-RPC frames larger than N bytes, either way, with an error naming this limit (default 4 MiB)' },
    upstream: { type: 'string', arg: '"COMMAND ARGS"', help: 'the upstream command as one string (quoted like a shell would), for launchers that take one' },
    'session-idle-ms': { type: 'string', arg: 'N', help: 'with --listen: end a client session (and its upstream) after N ms without an open request (default 30 min)' },
    'max-sessions': { type: 'string', arg: 'N', help: 'with --listen: serve at most N client sessions at once, each with its own upstream (default 64)' },
  },
  positionals: [0, 0],
  passThrough: true,
  examples: [
    ['warden proxy npx @modelcontextprotocol/server-everything', 'guard a published server, over stdio'],
    ['warden proxy --upstream "npx -y @modelcontextprotocol/server-filesystem /tmp"', 'the same, with the command as one string (MCP Inspector, config files)'],
    ['warden proxy --policy policy.json --trace mcp.jsonl --listen 127.0.0.1:8931 -- node server.js', 'over HTTP, with a policy and a trace'],
  ],
  async run({ values, passThrough }) {
    const upstream = upstreamCommand(stringOption(values.upstream), passThrough);
    const maxFrameBytes = positiveInteger(values, 'max-frame-bytes');
    const sessionIdleMs = positiveInteger(values, 'session-idle-ms');
    const maxSessions = positiveInteger(values, 'max-sessions');
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
    let proxy: Awaited<ReturnType<typeof startProxy>>;
    try {
      proxy = await startProxy({
        command: upstream[0]!,
        args: upstream.slice(1),
        guard: { ...policy, ...(sink ? { sink } : {}) },
        ...(address ? { listen: address } : {}),
        ...(maxFrameBytes ? { maxFrameBytes } : {}),
        ...(sessionIdleMs ? { sessionIdleMs } : {}),
        ...(maxSessions ? { maxSessions } : {}),
      });
    } catch (error) {
      sink?.close();
      // A command that cannot be run is the user's to fix; a shell says 127 (not found) or 126 (not runnable).
      if ((error as Error)?.name === 'UpstreamStartError') throw new CommandFailure((error as Error).message, (error as { code?: string }).code === 'ENOENT' ? 127 : 126);
      throw error;
    }
    if (proxy.address) process.stderr.write(`warden proxy: serving MCP over Streamable HTTP at http://${proxy.address.address}:${proxy.address.port}/mcp\n`);
    let received: NodeJS.Signals | undefined;
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const stop = (signal: NodeJS.Signals) => {
      received ??= signal;
      void proxy.close(signal);
    };
    for (const signal of signals) process.once(signal, stop);
    const end = await proxy.closed;
    for (const signal of signals) process.off(signal, stop);
    sink?.close();
    return exitStatus(end.upstream, received);
  },
};

/**
 * The status a direct connection would have left: the server's exit code, or 128 + the signal that ended
 * it. Sent a signal, the proxy passed it on and dies by it once the server has gone (unless the server
 * chose to exit with a code of its own); 0 when the proxy had to stop a server its client was done with.
 */
function exitStatus(upstream: { code: number | null; signal: NodeJS.Signals | null; terminated: boolean } | undefined, received: NodeJS.Signals | undefined): number {
  if (received && (upstream === undefined || upstream.terminated || upstream.signal !== null)) {
    process.kill(process.pid, received);
    return 128 + (constants.signals[received] ?? 0);
  }
  if (upstream === undefined || upstream.terminated) return 0;
  return upstream.signal !== null ? 128 + (constants.signals[upstream.signal] ?? 0) : (upstream.code ?? 0);
}
