// How `warden proxy` starts and ends, compared with the server it stands in front of: a client that
// half-closes, a signal to the proxy, a server that crashes, a command that does not exist.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { BIN, EVERYTHING, httpProxy, proxyUrl, closeAll, CLOSE_TIMEOUT, halfClosed } from './clients.js';

const MISBEHAVING = fileURLToPath(new URL('../../fixtures/mcp-misbehaving-server.mjs', import.meta.url));
const command = (route: 'direct' | 'proxy', upstream: string[]) => (route === 'direct' ? upstream : [BIN, 'proxy', '--', process.execPath, ...upstream]);

afterAll(closeAll, CLOSE_TIMEOUT);

const INITIALIZE = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };
const callTool = (id: number, name: string, args: Record<string, unknown>) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

/** An official client over stdio that keeps the child's exit, which the SDK drops. */
async function stdioClient(route: 'direct' | 'proxy', upstream: string[]) {
  const transport = new StdioClientTransport({ command: process.execPath, args: command(route, upstream), stderr: 'pipe' });
  let stderr = '';
  transport.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'lifecycle', version: '1.0.0' });
  const closed = new Promise<void>((resolve) => (client.onclose = resolve));
  await client.connect(transport);
  const child = (transport as unknown as { _process?: ChildProcess })._process!;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { client, child, closed, exited, stderr: () => stderr };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The upstream server's pid: the proxy's only child. */
function childOf(pid: number): number {
  const found = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
  expect(found).toHaveLength(1);
  return found[0]!;
}

async function gone(pid: number): Promise<boolean> {
  for (let tries = 0; tries < 400 && alive(pid); tries += 1) await new Promise((resolve) => setTimeout(resolve, 25));
  return !alive(pid);
}

describe('a client that half-closes (writes its requests, closes stdin, reads the answers)', () => {
  const session = [INITIALIZE, INITIALIZED, callTool(1, 'echo', { message: 'hi' }), callTool(2, 'trigger-long-running-operation', { duration: 0.3, steps: 1 })];

  it('benign: gets every answer, through the proxy as directly, and the server’s exit status', async () => {
    const [direct, proxied] = await Promise.all([halfClosed('direct', EVERYTHING, session), halfClosed('proxy', EVERYTHING, session)]);
    expect(direct.answered).toEqual([0, 1, 2]);
    expect({ answered: proxied.answered, code: proxied.code, signal: proxied.signal }, proxied.stderr).toEqual({ answered: direct.answered, code: direct.code, signal: direct.signal });
    expect(proxied.lines.find((line) => line.id === 1)).toEqual(direct.lines.find((line) => line.id === 1));
  }, 60_000);

  it('must hold: a call still being checked when stdin ends is checked and answered, a refused one too', async () => {
    // The calls come before any tools/list: the guard lists the tools itself before it can check them.
    const proxied = await halfClosed('proxy', EVERYTHING, [INITIALIZE, INITIALIZED, callTool(1, 'get-sum', { a: 2, b: 3 }), callTool(2, 'get-sum', { a: 'two', b: 3 })]);
    // The refusal is the proxy's own answer, so it may come before the server's.
    expect([...proxied.answered].sort(), proxied.stderr).toEqual([0, 1, 2]);
    expect(proxied.lines.find((line) => line.id === 1)).toMatchObject({ result: { content: [{ type: 'text', text: expect.stringContaining('5') }] } });
    expect(proxied.lines.find((line) => line.id === 2)).toMatchObject({ result: { isError: true } });
    expect(proxied.code).toBe(0);
  }, 60_000);
});

describe('a signal to the proxy', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: the server gets it, and the proxy ends as the server does, at once`, async () => {
      const direct = await stdioClient('direct', EVERYTHING);
      const proxied = await stdioClient('proxy', EVERYTHING);
      const upstream = childOf(proxied.child.pid!);
      direct.child.kill(signal);
      proxied.child.kill(signal);
      const [directExit, proxiedExit] = await Promise.all([direct.exited, proxied.exited]);
      expect(proxiedExit, proxied.stderr()).toEqual(directExit);
      await proxied.closed;
      expect(await gone(upstream)).toBe(true);
    }, 60_000);
  }
});

describe('a server that exits', () => {
  it('must hold: the call it left is answered with an error, then the client sees the end and the server’s exit code', async () => {
    const proxied = await stdioClient('proxy', [MISBEHAVING]);
    const crash = await proxied.client.callTool({ name: 'crash', arguments: {} }).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    expect(crash).toMatch(/not running \(exit code 3\)/);
    await proxied.closed;
    expect(await proxied.exited, proxied.stderr()).toEqual({ code: 3, signal: null });
  }, 60_000);

  it('benign twin: directly, the client sees the end and the same exit code', async () => {
    const direct = await stdioClient('direct', [MISBEHAVING]);
    void direct.client.callTool({ name: 'crash', arguments: {} }).catch(() => {});
    await direct.closed;
    expect(await direct.exited).toEqual({ code: 3, signal: null });
  }, 60_000);

  it('over HTTP: only that session ends, clearly; the other keeps being served', async () => {
    const proxy = await httpProxy([MISBEHAVING]);
    const first = new Client({ name: 'first', version: '1' });
    await first.connect(new StreamableHTTPClientTransport(proxyUrl(proxy)));
    const second = new Client({ name: 'second', version: '1' });
    await second.connect(new StreamableHTTPClientTransport(proxyUrl(proxy)));
    await expect(first.callTool({ name: 'crash', arguments: {} })).rejects.toThrow(/not running \(exit code 3\)/);
    await expect(first.callTool({ name: 'lookup', arguments: { record_id: 'r_1' } })).rejects.toThrow(/it ended \(upstream server ended: exit code 3\)|not running \(exit code 3\)/);
    expect(await second.callTool({ name: 'lookup', arguments: { record_id: 'r_1' } })).toMatchObject({ content: [{ type: 'text' }] });
    await second.close();
  }, 60_000);

  it('a command that does not exist is a user error, with the shell’s status 127, not an internal error', () => {
    const run = spawnSync(process.execPath, [BIN, 'proxy', '--', '/no/such/server', '--flag'], { input: '', encoding: 'utf8' });
    expect(run.stderr).toMatch(/cannot start the MCP server "\/no\/such\/server": no such file/);
    expect(run.stderr).not.toMatch(/internal error|please report/);
    expect(run.status).toBe(127);
  }, 60_000);
});
