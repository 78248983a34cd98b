import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startProxy, REFUSAL_META_KEY } from '../../../adapters/mcp/index.js';
import { eventually } from './clients.js';

const BIN = fileURLToPath(new URL('../../../bin/warden.js', import.meta.url));
const EVERYTHING = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
const ORDER_SERVER = fileURLToPath(new URL('../../../dist/examples/mcp-order-server.js', import.meta.url));
const MISBEHAVING = fileURLToPath(new URL('../../fixtures/mcp-misbehaving-server.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'warden-proxy-'));
const clients: Client[] = [];

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => {})));
}, 60_000);

async function connect(args: string[]): Promise<Client> {
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args, stderr: 'ignore' }));
  clients.push(client);
  return client;
}

const viaProxy = (upstream: string[], own: string[] = []) => connect([BIN, 'proxy', ...own, '--', process.execPath, ...upstream]);

/**
 * A client through `warden proxy` that keeps what the proxy wrote to stderr and how it exited, so that a
 * failure can say what the proxy saw (this test failed once in a full run and never again on its own).
 */
async function observedProxy(upstream: string[]) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'proxy', '--', process.execPath, ...upstream], stderr: 'pipe' });
  let stderr = '';
  transport.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exit = 'not started';
  const report = () => `warden proxy: ${exit}; its stderr:\n${stderr || '(nothing)'}`;
  // A hang fails at the test's timeout, which has no assertion message to carry the report.
  onTestFailed(() => console.error(report()));
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  // The SDK keeps the child to itself and drops its exit code: read it from its (private) handle.
  const child = (transport as unknown as { _process?: ChildProcess })._process;
  exit = child ? `pid ${child.pid} still running` : 'exit unknown (the SDK no longer keeps the child where this test looks)';
  child?.once('exit', (code, signal) => (exit = `pid ${child.pid} ${signal ? `killed by ${signal}` : `exited with code ${code}`}`));
  return { client, report };
}

/** How a request ended, as text to compare: its answer, or the error it was rejected with. */
const outcome = (request: Promise<unknown>) => request.then(() => 'answered', (error: Error) => `rejected: ${error.message}`);

const refusalOf = (result: CallToolResult) => result._meta?.[REFUSAL_META_KEY] as { action: string; flags: Array<{ code: string }> } | undefined;
const call = (client: Client, name: string, args: Record<string, unknown> = {}) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>;

describe('warden proxy in front of @modelcontextprotocol/server-everything', () => {
  it('serves the same tools, resources and prompts, and passes valid calls through unchanged', async () => {
    const direct = await connect([EVERYTHING, 'stdio']);
    const proxied = await viaProxy([EVERYTHING, 'stdio']);
    expect((await proxied.listTools()).tools).toEqual((await direct.listTools()).tools);
    expect((await proxied.listResources()).resources).toEqual((await direct.listResources()).resources);
    expect((await proxied.listPrompts()).prompts).toEqual((await direct.listPrompts()).prompts);
    const uri = (await direct.listResources()).resources[0]!.uri;
    expect(await proxied.readResource({ uri })).toEqual(await direct.readResource({ uri }));
    expect(await proxied.getPrompt({ name: 'simple-prompt' })).toEqual(await direct.getPrompt({ name: 'simple-prompt' }));
    expect(await call(proxied, 'echo', { message: 'hello' })).toEqual(await call(direct, 'echo', { message: 'hello' }));
    expect(await call(proxied, 'get-sum', { a: 2, b: 3 })).toEqual(await call(direct, 'get-sum', { a: 2, b: 3 }));
  }, 30_000);

  it('refuses schema violations with isError, and pauses a loop', async () => {
    const proxied = await viaProxy([EVERYTHING, 'stdio']);
    const violation = await call(proxied, 'get-sum', { a: 'two', b: 3 });
    expect(violation.isError).toBe(true);
    expect(refusalOf(violation)?.flags[0]?.code).toBe('TOOL_ARG_MISMATCH');
    const actions = [];
    for (let index = 0; index < 4; index += 1) actions.push(refusalOf(await call(proxied, 'echo', { message: 'same again' }))?.action ?? 'ok');
    expect(actions).toEqual(['ok', 'ok', 'ok', 'pause']);
  }, 30_000);
});

describe('warden proxy in front of the example order server', () => {
  it('lets a normal session through, refuses invented ids, and records a trace that replays', async () => {
    const trace = join(dir, 'orders.jsonl');
    const proxied = await viaProxy([ORDER_SERVER], ['--trace', trace]);
    for (const [name, args] of [
      ['get_customer', { customer_id: 'cust_1' }],
      ['list_orders', { customer_id: 'cust_1' }],
      ['refund_order', { order_id: 'ord_1001', amount: 5 }],
    ] as const) {
      const result = await call(proxied, name, args);
      expect(result.isError, name).toBeFalsy();
    }
    const invented = await call(proxied, 'refund_order', { order_id: 'ord_31337', amount: 500 });
    expect(refusalOf(invented)).toMatchObject({ action: 'block', flags: [{ code: 'ENTITY_HALLUCINATION' }] });
    // (The SDK's close waits until the proxy process has closed: its trace is written.)
    await proxied.close();
    const replay = spawnSync(process.execPath, [BIN, 'replay', trace, '--json', '--expect'], { encoding: 'utf8' });
    expect(replay.status).toBe(0);
    const [session] = JSON.parse(replay.stdout);
    expect(session.decisions.map((decision: { tool: string; action: string }) => `${decision.tool}:${decision.action}`)).toEqual([
      'get_customer:allow',
      'list_orders:allow',
      'refund_order:allow',
      'refund_order:block',
    ]);
  }, 30_000);
});

describe('warden proxy when things go wrong', () => {
  it('flags a changed tool definition and forwards list_changed to the client', async () => {
    const trace = join(dir, 'drift.jsonl');
    const proxied = await viaProxy([MISBEHAVING], ['--trace', trace]);
    const changed = new Promise<void>((resolve) => proxied.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()));
    await proxied.listTools();
    expect((await call(proxied, 'lookup', { record_id: 'r_1' })).isError).toBeFalsy();
    await call(proxied, 'rename_parameter');
    await changed;
    const events = () => readFileSync(trace, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const changedFlags = () => events().filter((event) => event.type === 'guard.decision').flatMap((event) => event.flags as Array<{ code: string; evidence?: { pending?: boolean } }>).filter((flag) => flag.code === 'TOOL_DEFINITION_CHANGED');
    // The proxy lists the tools again after it forwards the notification: the change is on the trace once it has.
    await eventually(() => expect(changedFlags()).not.toEqual([]), 'the changed definition on the trace');
    // Pins hold: until the change is accepted, calls are checked against the pinned definition, and flagged.
    await call(proxied, 'lookup', { record_id: 'r_1' });
    expect(changedFlags().some((flag) => flag.evidence?.pending === true)).toBe(true);
  }, 30_000);

  it('keeps serving when upstream writes garbage, and reports an upstream crash as an error, never a hang', async () => {
    const proxy = await observedProxy([MISBEHAVING]);
    expect(await call(proxy.client, 'garbage'), proxy.report()).toMatchObject({ content: [{ type: 'text', text: 'ok after garbage' }] });
    // Both are answered with an error by the proxy, well within the test's timeout (the SDK's own is 60 s).
    const crash = await outcome(call(proxy.client, 'crash'));
    const after = await outcome(call(proxy.client, 'lookup', { record_id: 'r_2' }));
    // The proxy then ends, as the server did: a later call is refused by the client's closed connection.
    expect({ crash, after }, proxy.report()).toEqual({ crash: expect.stringMatching(/^rejected: .*not running \(exit code 3\)/), after: expect.stringMatching(/^rejected: /) });
  }, 30_000);

  it('answers malformed and oversized client frames with JSON-RPC errors and keeps serving', async () => {
    const child = spawn(process.execPath, [BIN, 'proxy', '--max-frame-bytes', '2000', '--', process.execPath, MISBEHAVING], { stdio: ['pipe', 'pipe', 'ignore'] });
    const lines: Array<Record<string, unknown>> = [];
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let newline = buffer.indexOf('\n'); newline !== -1; newline = buffer.indexOf('\n')) {
        lines.push(JSON.parse(buffer.slice(0, newline)));
        buffer = buffer.slice(newline + 1);
      }
    });
    const waitFor = async (count: number) => {
      for (let tries = 0; lines.length < count && tries < 4_000; tries += 1) await new Promise((resolve) => setTimeout(resolve, 25));
      return lines[count - 1];
    };
    child.stdin.write('{this is not json\n');
    expect(await waitFor(1)).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list', params: { pad: 'x'.repeat(5_000) } })}\n`);
    // The oversized request is answered on its own id, naming the limit and how to raise it.
    expect(await waitFor(2)).toMatchObject({ id: 7, error: { code: -32001, message: expect.stringMatching(/frame limit of 2000 bytes.*--max-frame-bytes/) } });
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 'x', params: 5 })}\n`);
    expect(await waitFor(3)).toMatchObject({ id: 'x', error: { code: -32600 } });
    // Not MCP requests (the SDKs ignore them): answered at once, never forwarded and tracked as pending.
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1.5, method: 'tools/list' })}\n`);
    expect(await waitFor(4)).toMatchObject({ id: null, error: { code: -32600 } });
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: ['lookup', { record_id: 'r_1' }] })}\n`);
    expect(await waitFor(5)).toMatchObject({ id: 9, error: { code: -32600 } });
    child.stdin.write(`{"jsonrpc":"2.0","id":12345678901234567890,"method":"tools/list"}\n`);
    expect(await waitFor(6)).toMatchObject({ id: null, error: { code: -32600 } });
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })}\n`);
    expect(await waitFor(7)).toMatchObject({ id: 1, result: { serverInfo: { name: 'misbehaving' } } });
    // At EOF nothing is left pending: no late answer for the requests the server never saw.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin.end();
    await exited;
    expect(lines).toHaveLength(7);
  }, 120_000);
});

describe('warden proxy over Streamable HTTP', () => {
  it('serves remote clients, each its own guarded session', async () => {
    const proxy = await startProxy({ command: process.execPath, args: [ORDER_SERVER], listen: { host: '127.0.0.1', port: 0 }, log: () => {} });
    try {
      const url = new URL(`http://127.0.0.1:${proxy.address!.port}/mcp`);
      const first = new Client({ name: 'a', version: '1' });
      await first.connect(new StreamableHTTPClientTransport(url));
      const second = new Client({ name: 'b', version: '1' });
      await second.connect(new StreamableHTTPClientTransport(url));
      expect((await first.listTools()).tools.map((tool) => tool.name)).toEqual(['get_customer', 'list_orders', 'get_order', 'refund_order']);
      expect((await call(first, 'list_orders', { customer_id: 'cust_2' })).isError).toBeFalsy();
      expect((await call(first, 'refund_order', { order_id: 'ord_2001', amount: 1 })).isError).toBeFalsy();
      // The other session never saw ord_2001.
      expect(refusalOf(await call(second, 'refund_order', { order_id: 'ord_2001', amount: 1 }))?.flags[0]?.code).toBe('ENTITY_HALLUCINATION');
      const garbage = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{nope' });
      expect(garbage.status).toBe(400);
      expect(await garbage.json()).toMatchObject({ error: { code: -32700 } });
      await first.close();
      await second.close();
    } finally {
      await proxy.close();
    }
  }, 30_000);
});
