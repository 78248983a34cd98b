// Official MCP clients connected directly to a server, or through `warden proxy` over stdio or HTTP,
// each recording what the server asked of it and told it, so tests can compare the two.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ProgressNotificationSchema,
  type CallToolResult,
  type ClientCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import { startProxy, REFUSAL_META_KEY, type ProxyOptions, type RunningProxy } from '../../../adapters/mcp/index.js';

export const BIN = fileURLToPath(new URL('../../../bin/warden.js', import.meta.url));
const resolve = createRequire(import.meta.url).resolve;
export const EVERYTHING = [resolve('@modelcontextprotocol/server-everything/dist/index.js'), 'stdio'];
export const FILESYSTEM = resolve('@modelcontextprotocol/server-filesystem/dist/index.js');
export const MEMORY = resolve('@modelcontextprotocol/server-memory/dist/index.js');
export const PROTOCOL = fileURLToPath(new URL('../../fixtures/mcp-protocol-server.mjs', import.meta.url));

export type Route = 'direct' | 'proxy-stdio' | 'proxy-http';

export interface Recorded {
  client: Client;
  samplings: unknown[];
  elicitations: Array<{ message?: string; requestedSchema?: unknown }>;
  rootsAsked: number;
  logs: Array<{ level: string; data: unknown }>;
  /** Aborted sampling requests (the server cancelled them). */
  samplingsCancelled: number;
  /** Every progress notification, kept even when it arrives together with its response. */
  progress: unknown[];
}

export interface ClientSetup {
  capabilities?: ClientCapabilities;
  /** Answers elicitation requests (default: accept with a name). */
  elicit?: (params: { message?: string; requestedSchema?: unknown }) => Promise<Record<string, unknown>>;
  /** Answers sampling requests (default: a short text echoing the last message). */
  sample?: (params: { messages: Array<{ content: { text?: string } }> }, signal: AbortSignal) => Promise<Record<string, unknown>>;
}

export const FULL_CAPABILITIES: ClientCapabilities = { sampling: {}, elicitation: {}, roots: { listChanged: true } };

const opened: Array<{ close(): Promise<void> }> = [];

/** Closes every client and proxy the helpers opened. */
export async function closeAll(): Promise<void> {
  await Promise.all(opened.splice(0).map((item) => item.close().catch(() => {})));
}

/** How long closeAll may take (each close waits for a child process to leave). */
export const CLOSE_TIMEOUT = 60_000;

function recordingClient(setup: ClientSetup): Recorded {
  const capabilities = setup.capabilities ?? FULL_CAPABILITIES;
  const client = new Client({ name: 'fidelity', version: '1.0.0' }, { capabilities });
  const recorded: Recorded = { client, samplings: [], elicitations: [], rootsAsked: 0, logs: [], samplingsCancelled: 0, progress: [] };
  if (capabilities.sampling) {
    client.setRequestHandler(CreateMessageRequestSchema, async (request, extra) => {
      recorded.samplings.push(request.params);
      extra.signal.addEventListener('abort', () => (recorded.samplingsCancelled += 1));
      if (setup.sample) return (await setup.sample(request.params as never, extra.signal)) as never;
      const last = request.params.messages.at(-1)?.content as { text?: string } | undefined;
      return { model: 'test-model', role: 'assistant', content: { type: 'text', text: `sampled: ${last?.text ?? ''}` } };
    });
  }
  if (capabilities.elicitation) {
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      const params = request.params as { message?: string; requestedSchema?: unknown };
      recorded.elicitations.push({ message: params.message, requestedSchema: params.requestedSchema });
      if (setup.elicit) return (await setup.elicit(params)) as never;
      return { action: 'accept', content: { name: 'Ada Lovelace' } };
    });
  }
  if (capabilities.roots) {
    client.setRequestHandler(ListRootsRequestSchema, async () => {
      recorded.rootsAsked += 1;
      return { roots: [{ uri: 'file:///tmp/fidelity-root', name: 'fidelity root' }] };
    });
  }
  // The SDK's own progress handler drops a notification read in the same chunk as its response.
  client.setNotificationHandler(ProgressNotificationSchema, (notification) => void recorded.progress.push(notification.params));
  client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
    recorded.logs.push({ level: notification.params.level, data: notification.params.data });
  });
  return recorded;
}

/** A proxy in this process serving HTTP on port 0 in front of `upstream` (node + args). */
export async function httpProxy(upstream: string[], options: Partial<ProxyOptions> = {}): Promise<RunningProxy> {
  const proxy = await startProxy({ command: process.execPath, args: upstream, listen: { host: '127.0.0.1', port: 0 }, log: () => {}, ...options });
  opened.push(proxy);
  return proxy;
}

export const proxyUrl = (proxy: RunningProxy) => new URL(`http://127.0.0.1:${proxy.address!.port}/mcp`);

/**
 * A recording client for `upstream` (node + args): directly over stdio, through `warden proxy` over
 * stdio (launched without `--`, as MCP Inspector does), or through a proxy serving HTTP.
 */
export async function connect(route: Route, upstream: string[], setup: ClientSetup = {}, proxyArgs: string[] = [], env?: Record<string, string>): Promise<Recorded> {
  const recorded = recordingClient(setup);
  const environment = env ? { ...(process.env as Record<string, string>), ...env } : undefined;
  if (route === 'direct') {
    await recorded.client.connect(new StdioClientTransport({ command: process.execPath, args: upstream, stderr: 'ignore', ...(environment ? { env: environment } : {}) }));
  } else if (route === 'proxy-stdio') {
    await recorded.client.connect(
      new StdioClientTransport({ command: process.execPath, args: [BIN, 'proxy', ...proxyArgs, ...(upstream.length > 0 ? [process.execPath, ...upstream] : [])], stderr: 'ignore', ...(environment ? { env: environment } : {}) }),
    );
  } else {
    const proxy = await httpProxy(upstream, environment ? { env: environment } : {});
    await recorded.client.connect(new StreamableHTTPClientTransport(proxyUrl(proxy)));
  }
  opened.push(recorded.client);
  return recorded;
}

export const call = (client: Client, name: string, args: Record<string, unknown> = {}) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>;

export const refusalOf = (result: CallToolResult) => result._meta?.[REFUSAL_META_KEY] as { action: string; flags: Array<{ code: string }> } | undefined;

/** Waits until `check` passes (polling), for what arrives asynchronously; fails after a generous limit. */
export async function eventually<T>(check: () => T | Promise<T>, what: string, limitMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() - started > limitMs) throw new Error(`${what}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The ids of the responses the client read, in order. */
  answered: Array<string | number>;
  lines: Array<Record<string, unknown>>;
  stderr: string;
}

/** A client that writes its requests, closes its stdin (a pipeline, a batch runner), then reads to the end. */
export function halfClosed(route: 'direct' | 'proxy', upstream: string[], messages: Array<object | string>, env?: NodeJS.ProcessEnv): Promise<Ended> {
  const args = route === 'direct' ? upstream : [BIN, 'proxy', '--', process.execPath, ...upstream];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
  let out = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(messages.map((message) => `${typeof message === 'string' ? message : JSON.stringify(message)}\n`).join(''));
  return new Promise((resolve) =>
    child.once('close', (code, signal) => {
      const lines = out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code, signal, lines, stderr, answered: lines.filter((line) => line.method === undefined).map((line) => line.id as string | number) });
    }),
  );
}

