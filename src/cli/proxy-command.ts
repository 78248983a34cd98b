import { JsonlFileSink } from '../trace/jsonl-sink.js';
import { policyOption, UsageError } from './options.js';

export interface ProxyArguments {
  command: string[];
  options: { policy?: string; trace?: string; listen?: string; 'max-frame-bytes'?: string; 'session-idle-ms'?: string; 'max-sessions'?: string };
}

const VALUED = new Set(['policy', 'trace', 'listen', 'max-frame-bytes', 'session-idle-ms', 'max-sessions', 'upstream']);

/**
 * `warden proxy [OPTIONS] [--] COMMAND [ARGS...]` or `warden proxy [OPTIONS] --upstream "COMMAND ARGS"`.
 * The proxy's options come first; the first word that is not one of them starts the upstream command,
 * and everything after it is the upstream's own (so clients that strip `--`, like MCP Inspector, work).
 */
export function parseProxyArguments(argv: readonly string[]): ProxyArguments {
  const options: Record<string, string> = {};
  let index = 0;
  for (; index < argv.length; index += 1) {
    const word = argv[index]!;
    if (word === '--') {
      index += 1;
      break;
    }
    if (!word.startsWith('--')) break;
    const [flag, inline] = word.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (!VALUED.has(flag)) {
      throw new UsageError(`unknown proxy option --${flag}; put the upstream command after the proxy's options (or after --, or in --upstream "COMMAND ARGS")`);
    }
    const value = inline ?? argv[++index];
    if (value === undefined) throw new UsageError(`--${flag} needs a value`);
    if (flag in options) throw new UsageError(`--${flag} given twice`);
    options[flag] = value;
  }
  // Inspector-style launchers may leave extra separators in front of the command.
  while (argv[index] === '--') index += 1;
  const positional = argv.slice(index);
  const { upstream, ...own } = options;
  if (upstream !== undefined && positional.length > 0) {
    throw new UsageError(`give the upstream command once: either --upstream "${upstream}" or after the options, not both`);
  }
  const command = upstream !== undefined ? splitCommandLine(upstream) : positional;
  if (command.length === 0) {
    throw new UsageError('proxy needs the upstream server command, e.g. warden proxy npx @modelcontextprotocol/server-everything (or --upstream "npx @modelcontextprotocol/server-everything")');
  }
  return { command, options: own };
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

/** `warden proxy [--policy P] [--trace F] [--listen HOST:PORT [--session-idle-ms N] [--max-sessions N]] [--max-frame-bytes N] [--] COMMAND [ARGS...]` */
export async function runProxy(argv: readonly string[]): Promise<number> {
  const { command, options } = parseProxyArguments(argv);
  const sink = options.trace ? new JsonlFileSink(options.trace) : undefined;
  const maxFrameBytes = positiveInteger(options, 'max-frame-bytes');
  const sessionIdleMs = positiveInteger(options, 'session-idle-ms');
  const maxSessions = positiveInteger(options, 'max-sessions');
  // Loaded here, not at the top: the other commands never pay for the MCP SDK.
  const { startProxy } = await import('../../adapters/mcp/proxy.js');
  const proxy = await startProxy({
    command: command[0]!,
    args: command.slice(1),
    guard: { ...policyOption(options.policy), ...(sink ? { sink } : {}) },
    ...(options.listen ? { listen: parseListen(options.listen) } : {}),
    ...(maxFrameBytes ? { maxFrameBytes } : {}),
    ...(sessionIdleMs ? { sessionIdleMs } : {}),
    ...(maxSessions ? { maxSessions } : {}),
  });
  if (proxy.address) process.stderr.write(`warden proxy: serving MCP over Streamable HTTP at http://${proxy.address.address}:${proxy.address.port}/mcp\n`);
  const stop = () => void proxy.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await proxy.closed;
  sink?.close();
  return 0;
}

function positiveInteger(options: ProxyArguments['options'], name: 'max-frame-bytes' | 'session-idle-ms' | 'max-sessions'): number | undefined {
  const text = options[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(Number.isSafeInteger(value) && value > 0)) throw new UsageError(`--${name} takes a positive whole number, got "${text}"`);
  return value;
}

function parseListen(value: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(value);
  if (!match) throw new UsageError(`--listen takes HOST:PORT (e.g. 127.0.0.1:8931), got "${value}"`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}
