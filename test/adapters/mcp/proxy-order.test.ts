// Order through `warden proxy`: what the client sends reaches the server in the order sent, and what
// the server sends reaches the client in the order sent, as on a direct connection, while calls and
// results are checked on the way; the guard's own tools/list is issued once, or not at all.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, EVERYTHING, halfClosed } from './clients.js';

const TEE = fileURLToPath(new URL('../../fixtures/mcp-tee-server.mjs', import.meta.url));
const NOTIFY = fileURLToPath(new URL('../../fixtures/mcp-notify-order-server.mjs', import.meta.url));
const PAGED = fileURLToPath(new URL('../../fixtures/mcp-paged-server.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'warden-order-'));

const INITIALIZE = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };
const callTool = (id: number, name: string, args: Record<string, unknown>) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

/** What the server received (`id:method`), through the proxy or directly, the client writing everything at once. */
async function serverReceived(route: 'direct' | 'proxy', upstream: string[], messages: object[]): Promise<string[]> {
  const log = join(dir, `${route}-${Math.random().toString(36).slice(2)}.log`);
  await halfClosed(route, [TEE, process.execPath, ...upstream], [INITIALIZE, INITIALIZED, ...messages], { TEE_LOG: log });
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { id?: unknown; method?: string })
    .filter((message) => message.id !== undefined && message.method !== undefined)
    .map((message) => `${String(message.id).startsWith('agent-warden-') ? 'guard' : message.id}:${message.method}`);
}

describe('client to server', () => {
  const pipelined = [callTool(1, 'echo', { message: 'first' }), { jsonrpc: '2.0', id: 2, method: 'ping' }, callTool(3, 'echo', { message: 'x'.repeat(200_000) }), callTool(4, 'get-sum', { a: 1, b: 2 }), { jsonrpc: '2.0', id: 5, method: 'resources/list' }];

  it('must hold: a request behind a tools/call being checked waits for it; the guard lists the tools once for them all', async () => {
    const proxied = await serverReceived('proxy', EVERYTHING, pipelined);
    expect(proxied).toEqual(['0:initialize', 'guard:tools/list', '1:tools/call', '2:ping', '3:tools/call', '4:tools/call', '5:resources/list']);
  }, 60_000);

  it('benign twin: directly, the same order; a client that lists first is not listed for again', async () => {
    const direct = await serverReceived('direct', EVERYTHING, pipelined);
    expect(direct).toEqual(['0:initialize', '1:tools/call', '2:ping', '3:tools/call', '4:tools/call', '5:resources/list']);
    const listedFirst = [{ jsonrpc: '2.0', id: 9, method: 'tools/list' }, ...pipelined];
    expect(await serverReceived('proxy', EVERYTHING, listedFirst)).toEqual(await serverReceived('direct', EVERYTHING, listedFirst));
  }, 60_000);

});

/** A client that sends one request at a time and keeps every line it reads, in order. */
function interactive(route: 'direct' | 'proxy', upstream: string[], env?: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, route === 'direct' ? upstream : [BIN, 'proxy', '--', process.execPath, ...upstream], { stdio: ['pipe', 'pipe', 'ignore'], ...(env ? { env: { ...process.env, ...env } } : {}) });
  const seen: string[] = [];
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<{ what: string; resolve: () => void }> = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let newline = buffer.indexOf('\n'); newline !== -1; newline = buffer.indexOf('\n')) {
      const message = JSON.parse(buffer.slice(0, newline)) as { id?: unknown; method?: string; params?: { data?: unknown } };
      buffer = buffer.slice(newline + 1);
      messages.push(message as Record<string, unknown>);
      const what = message.method ? `${message.method}${message.params?.data ? `(${String(message.params.data)})` : ''}` : `response#${String(message.id)}`;
      seen.push(what);
      for (const waiter of waiters.filter((entry) => entry.what === what)) waiter.resolve();
    }
  });
  const until = (what: string) => (seen.includes(what) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ what, resolve })));
  const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
  const close = () => new Promise<void>((resolve) => (child.once('close', () => resolve()), child.stdin.end()));
  return { seen, messages, until, send, close };
}

describe('server to client', () => {
  async function sequence(route: 'direct' | 'proxy'): Promise<string[]> {
    const session = interactive(route, [NOTIFY]);
    session.send(INITIALIZE);
    await session.until('response#0');
    session.send(INITIALIZED);
    session.send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    await session.until('response#1');
    const from = session.seen.length;
    session.send(callTool(2, 'then_log', {}));
    await session.until('notifications/message(after result)');
    session.send(callTool(3, 'add_tool', {}));
    await session.until('response#3');
    await session.close();
    return session.seen.slice(from);
  }

  it('must hold: a notification sent after a result being checked comes after it; list_changed is not held back', async () => {
    expect(await sequence('proxy')).toEqual(['response#2', 'notifications/message(after result)', 'notifications/tools/list_changed', 'response#3']);
  }, 60_000);

  it('benign twin: directly, the same sequence', async () => {
    expect(await sequence('direct')).toEqual(['response#2', 'notifications/message(after result)', 'notifications/tools/list_changed', 'response#3']);
  }, 60_000);
});

describe('a paged tool list', () => {
  /** The client pages through the list, then calls a tool; what the server served, and what the client read. */
  async function pageThrough(route: 'direct' | 'proxy') {
    const log = join(dir, `paged-${route}-${Math.random().toString(36).slice(2)}.log`);
    const session = interactive(route, [TEE, process.execPath, PAGED], { TEE_LOG: log });
    session.send(INITIALIZE);
    await session.until('response#0');
    session.send(INITIALIZED);
    session.send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    await session.until('response#1');
    const cursor = (session.messages.find((message) => message.id === 1) as { result: { nextCursor: string } }).result.nextCursor;
    session.send({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: { cursor } });
    await session.until('response#2');
    session.send(callTool(3, 'multiply', { a: 2, b: 3 }));
    await session.until('response#3');
    await session.close();
    const lists = readFileSync(log, 'utf8').split('\n').filter((line) => line.includes('"tools/list"')).length;
    return { lists, answers: session.messages.filter((message) => message.id !== 0).map((message) => ({ id: message.id, result: message.result })) };
  }

  it('must hold: is fetched from the server once, the guard fetching the rest from the client’s first page (and the poisoned tool still left out)', async () => {
    const proxied = await pageThrough('proxy');
    expect(proxied.lists).toBe(2);
    expect(proxied.answers.find((answer) => answer.id === 2)?.result).toEqual({ tools: [] });
    expect(proxied.answers.find((answer) => answer.id === 3)?.result).toMatchObject({ content: [{ text: '6' }] });
  }, 60_000);

  it('benign twin: directly, two pages, two lists', async () => {
    const direct = await pageThrough('direct');
    expect(direct.lists).toBe(2);
    expect(direct.answers.find((answer) => answer.id === 2)?.result).toMatchObject({ tools: [{ name: 'add' }] });
  }, 60_000);
});
